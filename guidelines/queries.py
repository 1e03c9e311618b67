"""Reading guidelines without changing them: the index and a guideline as the site serves
them, the list of live guidelines with their current versions, and those due for review.
Every change is a verb in `services.py`; the uptake figures are in `uptake.py`."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from wagtail.models import Site

from core.pagecache import public
from members import permissions as member_permissions

from .models import (
    REVIEW_SOON_DAYS,
    Acknowledgement,
    EndorsedVersion,
    GuidelineIndexPage,
    GuidelinePage,
)

# The index and one guideline


def guideline_index(site: Site | None = None) -> GuidelineIndexPage | None:
    """The live list of guidelines (there is at most one), in `site` if one is given."""
    pages = GuidelineIndexPage.objects.live()
    if site is not None:
        pages = pages.in_site(site)
    return pages.first()


def guideline_index_url() -> str | None:
    """The address of the list of guidelines, for the main navigation."""
    index = GuidelineIndexPage.objects.live().first()
    return index.url if index is not None else None


def live_guideline(site: Site, slug: str) -> GuidelinePage | None:
    """The live guideline with this slug in `site`, as the site would serve it, or None."""
    return GuidelinePage.objects.live().in_site(site).filter(slug=slug).first()


# Lists


def live_guidelines(index: GuidelineIndexPage | None = None) -> QuerySet[GuidelinePage]:
    """Live guidelines anyone may read, annotated with their current version's id,
    number and endorsement time (None where never endorsed)."""
    latest = EndorsedVersion.objects.filter(guideline=OuterRef("pk")).order_by("-number")
    queryset = public(GuidelinePage.objects.live())
    if index is not None:
        queryset = queryset.child_of(index)
    return queryset.annotate(
        current_version_id=Subquery(latest.values("pk")[:1]),
        current_number=Subquery(latest.values("number")[:1]),
        current_endorsed_at=Subquery(latest.values("endorsed_at")[:1]),
    )


def with_acknowledged(queryset: QuerySet[GuidelinePage], user) -> QuerySet[GuidelinePage]:
    """`live_guidelines()` annotated `acknowledged` for an approved member: whether they
    have read the current version. Unchanged for anyone else."""
    if not member_permissions.is_approved_member(user):
        return queryset
    return queryset.annotate(
        acknowledged=Exists(
            Acknowledgement.objects.filter(user=user, version_id=OuterRef("current_version_id"))
        )
    )


def guidelines_due_for_review(today: datetime.date | None = None) -> QuerySet[GuidelinePage]:
    """Live guidelines overdue or due within REVIEW_SOON_DAYS, soonest first."""
    today = today or timezone.localdate()
    return (
        GuidelinePage.objects.live()
        .filter(review_due__lte=today + datetime.timedelta(days=REVIEW_SOON_DAYS))
        .select_related("guideline_owner")
        .order_by("review_due", "title")
    )
