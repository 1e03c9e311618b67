from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("calendar.ics", views.network_feed, name="network_feed"),
    path("feeds/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("my/", views.my_events, name="my_events"),
    path("my/feed/reset/", views.reset_feed, name="reset_feed"),
    path("new/", views.event_create, name="event_create"),
    path("series/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("occurrences/<int:pk>/", views.occurrence_detail, name="occurrence"),
    path("occurrences/<int:pk>/event.ics", views.occurrence_ics, name="occurrence_ics"),
    path("occurrences/<int:pk>/register/", views.register, name="register"),
    path(
        "occurrences/<int:pk>/cancel-registration/",
        views.cancel_registration,
        name="cancel_registration",
    ),
    path("occurrences/<int:pk>/cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path("occurrences/<int:pk>/move/", views.occurrence_move, name="occurrence_move"),
    path("occurrences/<int:pk>/attendance/", views.attendance_register, name="attendance"),
    path("occurrences/<int:pk>/cases/new/", views.case_submit, name="case_submit"),
    path("cases/review/", views.review_queue, name="review_queue"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/review/", views.case_review, name="case_review"),
    path("cases/<int:pk>/move/", views.case_move, name="case_move"),
    path("cases/<int:pk>/recommendations/", views.recommendation_add, name="recommendation_add"),
    path(
        "cases/<int:pk>/recommendations/send/",
        views.recommendations_send,
        name="recommendations_send",
    ),
    path("programmes/new/", views.programme_form, name="programme_create"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("programmes/<slug:slug>/edit/", views.programme_form, name="programme_edit"),
    path("programmes/<slug:slug>/curriculum/", views.curriculum, name="curriculum"),
]
