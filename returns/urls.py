from django.urls import path

from . import template_views, views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.return_form, name="return"),
    path("<int:pk>/queries/<int:query_pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/coordinate/", views.coordinate, name="coordinate"),
    path("templates/<int:pk>/", views.template_progress, name="progress"),
    path("templates/<int:pk>/answers.csv", views.answers_csv, name="answers_csv"),
    path("templates/<int:pk>/summary/", views.summary, name="summary"),
    path("templates/<int:pk>/dictionary.csv", views.dictionary_csv, name="dictionary_csv"),
    path("templates/new/", template_views.template_new, name="template_new"),
    path("templates/<int:pk>/edit/", template_views.template_edit, name="template_edit"),
    path("templates/<int:pk>/sections/new/", template_views.section_edit, name="section_new"),
    path(
        "templates/<int:pk>/sections/<int:section_pk>/",
        template_views.section_edit,
        name="section_edit",
    ),
    path("templates/<int:pk>/questions/new/", template_views.field_edit, name="field_new"),
    path(
        "templates/<int:pk>/questions/<int:field_pk>/", template_views.field_edit, name="field_edit"
    ),
    path("templates/<int:pk>/send/", template_views.send, name="send"),
    path("templates/<int:pk>/new-version/", template_views.make_new_version, name="new_version"),
    path("templates/<int:pk>/close/", template_views.close, name="close"),
]
