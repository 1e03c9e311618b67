from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/received/", views.registration_received, name="registration_received"),
    path("profile/", views.profile, name="profile"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("approvals/<int:member_id>/approve/", views.approve, name="approve"),
    path("approvals/<int:member_id>/decline/", views.decline, name="decline"),
    path("organisations/", views.organisation_directory, name="organisation_directory"),
    path("organisations/add/", views.organisation_add, name="organisation_add"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
