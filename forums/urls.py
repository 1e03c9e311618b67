"""Forum addresses. The fixed ones come before `<slug>/`, so they win over a category
that happens to share their name."""

from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification"),
    path("settings/", views.forum_settings, name="settings"),
    path("unsubscribe/<slug:token>/", views.unsubscribe, name="unsubscribe"),
    path("threads/<int:pk>/", views.thread_detail, name="thread"),
    path("threads/<int:pk>/reply/", views.thread_reply, name="reply"),
    path("threads/<int:pk>/follow/", views.thread_follow, name="thread_follow"),
    path("threads/<int:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:pk>/report/", views.post_report, name="post_report"),
    path("posts/<int:pk>/accept/", views.post_accept, name="post_accept"),
    path("posts/<int:pk>/moderate/", views.post_moderate, name="post_moderate"),
    path("<slug:slug>/", views.category_detail, name="category"),
    path("<slug:slug>/new/", views.thread_new, name="thread_new"),
    path("<slug:slug>/follow/", views.category_follow, name="category_follow"),
]
