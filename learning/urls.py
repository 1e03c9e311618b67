from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("<str:code>/", views.verify_code, name="verify_code"),
]
