"""Keeping the index true: after each commit that changes something searchable, the
affected objects are named in a background task, which re-reads them and writes or
removes their documents. Permission changes (a category restricted, a page
unpublished or placed behind a restriction) re-read everything they cover."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from . import sources
from .service import get_store

# What a task is told: ("page", pk) for a page and the pages below it, ("thread", pk),
# ("category", pk), ("programme", pk), ("occurrence", pk), ("event", pk).
Ref = tuple[str, int]


def _page_refs(pk: int) -> tuple[list, list[str]]:
    from wagtail.models import Page

    page = Page.objects.filter(pk=pk).first()
    if page is None:
        return [], [f"wagtailcore.page:{pk}", f"learning.studydaypage.materials:{pk}"]
    docs, removed = [], []
    for each in [page, *Page.objects.descendant_of(page)]:
        found, gone = sources.page_docs(each)
        docs.extend(found)
        removed.extend(gone)
    return docs, removed


def _thread_refs(pk: int) -> tuple[list, list[str]]:
    from forums.models import Thread

    thread = Thread.objects.select_related("category").filter(pk=pk).first()
    if thread is None:
        return [], [f"forums.thread:{pk}"]
    return sources.thread_docs(thread)


def _category_refs(pk: int) -> tuple[list, list[str]]:
    from forums.models import Thread

    docs, removed = [], []
    for thread in Thread.objects.select_related("category").filter(category_id=pk):
        found, gone = sources.thread_docs(thread)
        docs.extend(found)
        removed.extend(gone)
    return docs, removed


def _programme_refs(pk: int) -> tuple[list, list[str]]:
    from events.models import EchoProgramme

    programme = EchoProgramme.objects.select_related("series__details").filter(pk=pk).first()
    if programme is None:
        return [], [f"events.echoprogramme:{pk}"]
    return [sources.programme_doc(programme)], []


def _occurrence_refs(pk: int) -> tuple[list, list[str]]:
    from schedule.models import Occurrence

    occurrence = (
        Occurrence.objects.select_related("event__details", "session_plan").filter(pk=pk).first()
    )
    key = f"schedule.occurrence:{pk}"
    if occurrence is None:
        return [], [key]
    doc = sources.occurrence_doc(occurrence)
    docs, removed = ([doc], []) if doc is not None else ([], [key])
    programme = getattr(occurrence.event, "echo_programme", None)
    if programme is not None:
        docs.append(sources.programme_doc(programme))
    return docs, removed


def _event_refs(pk: int) -> tuple[list, list[str]]:
    from schedule.models import Occurrence

    from events.models import EchoProgramme

    docs, removed = [], []
    for occurrence_pk in Occurrence.objects.filter(event_id=pk).values_list("pk", flat=True):
        found, gone = _occurrence_refs(occurrence_pk)
        docs.extend(found)
        removed.extend(gone)
    for programme in EchoProgramme.objects.filter(series_id=pk):
        docs.append(sources.programme_doc(programme))
    return docs, removed


RESOLVERS = {
    "page": _page_refs,
    "thread": _thread_refs,
    "category": _category_refs,
    "programme": _programme_refs,
    "occurrence": _occurrence_refs,
    "event": _event_refs,
}


def apply(refs: list[Ref]) -> None:
    docs, removed = [], []
    refs = list(dict.fromkeys((str(kind), int(pk)) for kind, pk in refs))
    for kind, pk in refs:
        found, gone = RESOLVERS[kind](pk)
        docs.extend(found)
        removed.extend(gone)
    store = get_store()
    kept = {doc.key for doc in docs}
    if removed:
        store.delete([key for key in removed if key not in kept])
    if docs:
        store.index(docs)


@task()
def update_search_index(refs: list[list]) -> int:
    """Re-read the named objects and write or remove their search documents."""
    apply([(kind, pk) for kind, pk in refs])
    return len(refs)


def schedule(*refs: Ref) -> None:
    """Update these objects' documents once the current transaction commits."""
    refs = [list(ref) for ref in refs if ref[1] is not None]
    if refs:
        transaction.on_commit(lambda: update_search_index.enqueue(refs))


def rebuild() -> int:
    return get_store().rebuild(sources.all_docs())
