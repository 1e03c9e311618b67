from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
    path("csv/<slug:table>/", views.table_csv, name="csv"),
    path("programmes/<slug:slug>/", views.programme_figures, name="programme"),
    path("sessions/<int:pk>/", views.session_figures, name="session"),
    path("organisations/<slug:slug>/", views.organisation_figures, name="organisation"),
    path("surveys/", views.my_surveys, name="my_surveys"),
    path("surveys/sessions/<int:pk>/", views.respond_occurrence, name="respond_occurrence"),
    path(
        "surveys/programmes/<slug:slug>/<slug:stage>/",
        views.respond_cycle,
        name="respond_cycle",
    ),
    path("written-answers/", views.written_answers, name="written_answers"),
    path("written-answers/<int:pk>/quote/", views.toggle_quote, name="toggle_quote"),
]
