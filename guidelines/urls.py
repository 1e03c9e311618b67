"""The views under the guideline pages, at the addresses the pages' own routes had.

Included at /guidelines/, the index page's address, before Wagtail's page serving: the
index and each guideline page themselves are served by Wagtail.
"""

from django.urls import path

from . import views
from .views import guideline_route, index_route

app_name = "guidelines"

urlpatterns = [
    # Under the index
    path("uptake/", index_route(views.uptake_overview), name="uptake_overview"),
    path("uptake/csv/", index_route(views.uptake_overview_csv), name="uptake_overview_csv"),
    path("review-due/", index_route(views.review_due), name="review_due"),
    path("review-due/csv/", index_route(views.review_due_csv), name="review_due_csv"),
    path(
        "organisations/<slug:organisation_slug>/",
        index_route(views.organisation_adoption),
        name="organisation_adoption",
    ),
    # Under one guideline
    path("<slug:slug>/acknowledge/", guideline_route(views.acknowledge), name="acknowledge"),
    path(
        "<slug:slug>/adoption/<slug:organisation_slug>/",
        guideline_route(views.record_adoption),
        name="adoption",
    ),
    path("<slug:slug>/uptake/", guideline_route(views.uptake), name="uptake"),
    path(
        "<slug:slug>/uptake/<slug:table>/csv/",
        guideline_route(views.uptake_csv),
        name="uptake_csv",
    ),
]
