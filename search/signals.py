"""What tells search that something searchable changed. Connected in `SearchConfig.ready`."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .indexing import schedule


def _page_changed(sender, instance, **kwargs) -> None:
    schedule(("page", instance.pk))


def _endorsed(sender, instance, **kwargs) -> None:
    schedule(("page", instance.guideline_id))


def _page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        schedule(("page", instance.pk))


def _restriction_changed(sender, instance, **kwargs) -> None:
    schedule(("page", instance.page_id))


# Saving only these leaves every search document of the thread as it was.
UNSEARCHED_THREAD_FIELDS = {"accepted_post", "is_pinned", "is_locked", "is_question"}


def _thread_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= UNSEARCHED_THREAD_FIELDS:
        return
    schedule(("thread", instance.pk))


def _post_changed(sender, instance, **kwargs) -> None:
    schedule(("thread", instance.thread_id))


def _category_changed(sender, instance, **kwargs) -> None:
    schedule(("category", instance.pk))


def _category_groups_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    """A category's groups changed, from the category's side or the group's."""
    if action == "pre_clear" and reverse:
        # The group's categories are about to be forgotten: name them while we can.
        instance._search_cleared_categories = list(
            instance.forum_categories.values_list("pk", flat=True)
        )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        schedule(("category", instance.pk))
        return
    pks = pk_set if action != "post_clear" else getattr(instance, "_search_cleared_categories", [])
    schedule(*(("category", pk) for pk in pks or ()))


def _restriction_groups_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    """A page view restriction's groups changed (or a group's restrictions)."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        schedule(("page", instance.page_id))
        return
    page_ids = PageViewRestriction.objects.filter(pk__in=pk_set or ()).values_list(
        "page_id", flat=True
    )
    schedule(*(("page", page_id) for page_id in page_ids))


def _programme_changed(sender, instance, **kwargs) -> None:
    schedule(("programme", instance.pk), ("event", instance.series_id))


def _occurrence_changed(sender, instance, **kwargs) -> None:
    schedule(("occurrence", instance.pk))


def _event_changed(sender, instance, **kwargs) -> None:
    schedule(("event", instance.pk))


def _details_changed(sender, instance, **kwargs) -> None:
    schedule(("event", instance.event_id))


def _plan_changed(sender, instance, **kwargs) -> None:
    schedule(("occurrence", instance.occurrence_id))


def connect() -> None:
    from schedule.models import Event, Occurrence

    from events.models import EchoProgramme, EventDetails, SessionPlan
    from forums.models import Category, Post, Thread
    from guidelines.models import EndorsedVersion

    uid = "search.index."
    page_published.connect(_page_changed, dispatch_uid=uid + "published")
    page_unpublished.connect(_page_changed, dispatch_uid=uid + "unpublished")
    post_page_move.connect(_page_changed, dispatch_uid=uid + "moved")
    post_delete.connect(_page_deleted, dispatch_uid=uid + "page-deleted")
    for signal in (post_save, post_delete):
        name = "saved" if signal is post_save else "deleted"
        signal.connect(
            _restriction_changed, sender=PageViewRestriction, dispatch_uid=uid + "r" + name
        )
        signal.connect(_thread_changed, sender=Thread, dispatch_uid=uid + "t" + name)
        signal.connect(_post_changed, sender=Post, dispatch_uid=uid + "p" + name)
        signal.connect(_category_changed, sender=Category, dispatch_uid=uid + "c" + name)
        signal.connect(_programme_changed, sender=EchoProgramme, dispatch_uid=uid + "e" + name)
        signal.connect(_occurrence_changed, sender=Occurrence, dispatch_uid=uid + "o" + name)
        signal.connect(_event_changed, sender=Event, dispatch_uid=uid + "ev" + name)
        signal.connect(_details_changed, sender=EventDetails, dispatch_uid=uid + "d" + name)
        signal.connect(_plan_changed, sender=SessionPlan, dispatch_uid=uid + "s" + name)
        signal.connect(_endorsed, sender=EndorsedVersion, dispatch_uid=uid + "v" + name)
    m2m_changed.connect(
        _restriction_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid=uid + "restriction-groups",
    )
    m2m_changed.connect(
        _category_groups_changed,
        sender=Category.restricted_to.through,
        dispatch_uid=uid + "category-groups",
    )
