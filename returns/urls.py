from django.urls import path

from . import views

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
]
