"""What is searchable, read from the other apps: one `SearchDoc` per searchable object.

Search reads the other apps (their models, services and permission rules); none of
them imports search. Each source gives the documents for one object (`docs_for`) or
for everything (`all_docs`), and the keys of documents that must go when the object
is gone or hidden. Member-written text is indexed as plain text.
"""

from __future__ import annotations

import datetime
import html
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Page, PageViewRestriction

from .documents import MEMBERS, PUBLIC, Kind, SearchDoc, group_key

UPCOMING_DAYS = 180
BOOST_ENDORSED_GUIDELINE = 2.0
BOOST_GUIDELINE = 1.5
BOOST_LEARNING = 1.2
BOOST_PAGE = 1.0
BOOST_SESSION = 1.0
BOOST_THREAD = 0.7
BOOST_POST = 0.5


def page_key(page: Page) -> str:
    return f"wagtailcore.page:{page.pk}"


def plain(text: str) -> str:
    """HTML (rich text, sanitised member text) as plain text on one line."""
    return " ".join(html.unescape(strip_tags(text or "")).split())


def stream_text(field_value) -> str:
    if not field_value:
        return ""
    content = field_value.stream_block.get_searchable_content(field_value)
    return plain(" ".join(str(piece) for piece in content))


def _staff_groups(obj) -> tuple[str, ...]:
    from members.models import StaffGroup

    flags = (
        ("for_clinical", StaffGroup.CLINICAL),
        ("for_non_clinical", StaffGroup.NON_CLINICAL),
        ("for_universal_service", StaffGroup.UNIVERSAL_SERVICE),
    )
    return tuple(str(value) for name, value in flags if getattr(obj, name, False))


def narrowed(visibility: tuple[str, ...], restriction, group_pks=None) -> tuple[str, ...]:
    """`visibility` after one more view restriction on the way to the page. Every
    restriction must pass (as Wagtail checks them), so group restrictions intersect."""
    if not visibility or restriction.restriction_type == PageViewRestriction.PASSWORD:
        return ()
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return (MEMBERS,) if PUBLIC in visibility else visibility
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        if group_pks is None:
            group_pks = restriction.groups.values_list("pk", flat=True)
        keys = tuple(group_key(pk) for pk in sorted(group_pks))
        if PUBLIC in visibility or MEMBERS in visibility:
            return keys
        return tuple(key for key in visibility if key in keys)
    return ()  # a kind of restriction we do not know: show it to nobody


def page_visibility(page: Page, default: tuple[str, ...] = (PUBLIC,)) -> tuple[str, ...]:
    """Who may open a Wagtail page: () when nobody (not live, under a withdrawn page, or
    behind a password); members for a login restriction; a group restriction's groups
    (those of every group restriction above it)."""
    if not page.live:
        return ()
    if Page.objects.ancestor_of(page).filter(depth__gt=1, live=False).exists():
        return ()
    visibility = default
    for restriction in page.get_view_restrictions():
        visibility = narrowed(visibility, restriction)
    return visibility


def _ancestor_paths(path: str) -> list[str]:
    step = Page.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def pages_visibility(pages: Iterable[Page]) -> dict[int, tuple[str, ...]]:
    """`page_visibility` for many pages in three queries, whatever their number: the
    non-live pages and the view restrictions on their paths to the root."""
    pages = list(pages)
    paths = {prefix for page in pages for prefix in _ancestor_paths(page.path)}
    withdrawn = set(
        Page.objects.filter(path__in=paths, live=False, depth__gt=1).values_list("path", flat=True)
    )
    restrictions: dict[str, list] = defaultdict(list)
    for restriction in (
        PageViewRestriction.objects.filter(page__path__in=paths)
        .select_related("page")
        .prefetch_related("groups")
    ):
        restrictions[restriction.page.path].append(restriction)
    result = {}
    for page in pages:
        prefixes = _ancestor_paths(page.path)
        if not page.live or any(prefix in withdrawn for prefix in prefixes[1:]):
            result[page.pk] = ()
            continue
        visibility: tuple[str, ...] = (PUBLIC,)
        for prefix in prefixes:
            for restriction in restrictions.get(prefix, ()):
                groups = [group.pk for group in restriction.groups.all()]
                visibility = narrowed(visibility, restriction, groups)
            if not visibility:
                break
        result[page.pk] = visibility
    return result


# --- Pages (guidelines, learning, study days, standard and news pages) ------------------------


def _guideline_docs(page) -> list[SearchDoc]:
    from guidelines.models import Category

    visibility = page_visibility(page)
    if not visibility:
        return []
    version = page.current_version
    settings_text = " ".join(str(label) for label in page.care_settings)
    audiences = " ".join(str(label) for label in page.audience_labels)
    category = dict(Category.choices).get(page.category, "")
    meta = {
        "guideline_id": page.pk,
        "category": str(category),
        "review_due": page.review_due.isoformat() if page.review_due else None,
    }
    if version is not None:
        meta |= {"version": version.number, "endorsed_at": version.endorsed_at.isoformat()}
    return [
        SearchDoc(
            key=page_key(page),
            kind=Kind.GUIDELINE,
            title=page.title,
            summary=page.summary,
            body=" ".join(
                part
                # "Guideline" is in the text, as it is on the page, so "… guideline" finds it.
                for part in (
                    "Network guideline.",
                    str(category),
                    stream_text(page.body),
                    settings_text,
                    audiences,
                )
                if part
            ),
            url=page.url or "",
            visibility=visibility,
            staff_groups=_staff_groups(page),
            boost=BOOST_ENDORSED_GUIDELINE if version is not None else BOOST_GUIDELINE,
            date=version.endorsed_at if version is not None else page.last_published_at,
            meta=meta,
        )
    ]


def _track_docs(page) -> list[SearchDoc]:
    visibility = page_visibility(page)
    if not visibility:
        return []
    return [
        SearchDoc(
            key=page_key(page),
            kind=Kind.LEARNING,
            title=page.title,
            summary=page.summary,
            body=plain(page.description),
            url=page.url or "",
            visibility=visibility,
            staff_groups=_staff_groups(page),
            boost=BOOST_LEARNING,
            date=page.last_published_at,
            meta={"label": "track", "framework_level": page.framework_level},
        )
    ]


def _module_docs(page) -> list[SearchDoc]:
    # Modules are for members only, whatever the page tree says.
    visibility = tuple(key for key in page_visibility(page) if key != PUBLIC) or (
        (MEMBERS,) if page_visibility(page) else ()
    )
    if not visibility:
        return []
    track = page.get_parent().specific
    return [
        SearchDoc(
            key=page_key(page),
            kind=Kind.LEARNING,
            title=page.title,
            summary=page.summary,
            body=" ".join((plain(page.learning_outcomes), stream_text(page.body))),
            url=page.url or "",
            visibility=visibility,
            staff_groups=_staff_groups(track),
            boost=BOOST_LEARNING,
            date=page.last_published_at,
            meta={"label": "module", "track": track.title},
        )
    ]


def study_day_materials_key(page) -> str:
    return f"learning.studydaypage.materials:{page.pk}"


def _study_day_docs(page) -> list[SearchDoc]:
    visibility = page_visibility(page)
    if not visibility:
        return []
    docs = [
        SearchDoc(
            key=page_key(page),
            kind=Kind.STUDY_DAY,
            title=page.title,
            summary=page.summary,
            body=" ".join(
                (plain(page.introduction), stream_text(page.programme), stream_text(page.speakers))
            ),
            url=page.url or "",
            visibility=visibility,
            staff_groups=_staff_groups(page),
            boost=BOOST_PAGE,
            date=page.last_published_at,
            meta={"label": "study_day"},
        )
    ]
    titles = [
        str(block.value.get("title") or getattr(block.value.get("document"), "title", ""))
        for block in page.materials
        if hasattr(block.value, "get")
    ]
    titles = [title for title in titles if title]
    if titles:
        member_visibility = tuple(key for key in visibility if key != PUBLIC) or (MEMBERS,)
        docs.append(
            SearchDoc(
                key=study_day_materials_key(page),
                kind=Kind.STUDY_DAY,
                title=f"{page.title}: materials",
                summary="; ".join(titles)[:300],
                body=" ".join(titles),
                url=(page.url or "") + "#materials",
                visibility=member_visibility,
                staff_groups=_staff_groups(page),
                boost=BOOST_PAGE,
                date=page.last_published_at,
                meta={"label": "materials"},
            )
        )
    return docs


def _content_page_docs(page) -> list[SearchDoc]:
    visibility = page_visibility(page)
    if not visibility:
        return []
    body = getattr(page, "body", None)
    text = stream_text(body) if hasattr(body, "stream_block") else plain(str(body or ""))
    return [
        SearchDoc(
            key=page_key(page),
            kind=Kind.PAGE,
            title=page.title,
            summary=getattr(page, "summary", "") or page.search_description or "",
            body=text,
            url=page.url or "",
            visibility=visibility,
            boost=BOOST_PAGE,
            date=getattr(page, "first_published_at", None),
            meta={"label": page._meta.model_name},
        )
    ]


def _page_builders() -> dict[type, callable]:
    """The page types search knows, and how each becomes documents. Any other page type
    whose class says `search_as_content = True` (the project's standard and news pages)
    is indexed as plain content, so search need not import the project shell."""
    from wagtail.models import get_page_models

    from guidelines.models import GuidelinePage
    from learning.models import ModulePage, StudyDayPage, TrackPage

    builders = {
        GuidelinePage: _guideline_docs,
        TrackPage: _track_docs,
        ModulePage: _module_docs,
        StudyDayPage: _study_day_docs,
    }
    for model in get_page_models():
        if getattr(model, "search_as_content", False) and model not in builders:
            builders[model] = _content_page_docs
    return builders


def page_docs(page: Page) -> tuple[list[SearchDoc], list[str]]:
    """Documents of one page, and keys to remove (all of its keys when it shows nothing)."""
    page = page.specific
    builder = _page_builders().get(type(page))
    keys = [page_key(page), f"learning.studydaypage.materials:{page.pk}"]
    if builder is None:
        return [], keys
    docs = builder(page)
    kept = {doc.key for doc in docs}
    return docs, [key for key in keys if key not in kept]


def _all_page_docs() -> Iterator[SearchDoc]:
    for model, builder in _page_builders().items():
        for page in model.objects.live():
            yield from builder(page)


# --- Sessions and programmes ------------------------------------------------------------------


def programme_key(programme) -> str:
    return f"events.echoprogramme:{programme.pk}"


def occurrence_key(occurrence) -> str:
    return f"schedule.occurrence:{occurrence.pk}"


def programme_doc(programme) -> SearchDoc:
    details = getattr(programme.series, "details", None)
    topics = list(
        programme.series.occurrence_set.filter(session_plan__didactic_topic__gt="")
        .order_by("start")
        .values_list("session_plan__didactic_topic", flat=True)
    )
    return SearchDoc(
        key=programme_key(programme),
        kind=Kind.SESSION,
        title=programme.name,
        summary=plain(programme.description)[:300],
        body=" ".join(
            [plain(programme.description), *topics, plain(getattr(details, "description", ""))]
        ),
        url=reverse("events:programme", args=[programme.slug]),
        visibility=(MEMBERS,),
        staff_groups=tuple(programme.target_staff_groups or ()),
        boost=BOOST_SESSION,
        date=None,
        meta={"label": "programme", "cycle_end": programme.cycle_end.isoformat()},
    )


def occurrence_doc(occurrence, now: datetime.datetime | None = None) -> SearchDoc | None:
    """An upcoming, not cancelled occurrence; None for anything else."""
    now = now or timezone.now()
    if occurrence.cancelled or occurrence.end < now:
        return None
    if occurrence.start > now + datetime.timedelta(days=UPCOMING_DAYS):
        return None
    details = getattr(occurrence.event, "details", None)
    plan = getattr(occurrence, "session_plan", None)
    topic = plan.didactic_topic if plan is not None else ""
    title = occurrence.title or occurrence.event.title
    local = timezone.localtime(occurrence.start)
    return SearchDoc(
        key=occurrence_key(occurrence),
        kind=Kind.SESSION,
        title=title,
        summary=" · ".join(part for part in (f"{local:%-d %B %Y, %H:%M}", topic) if part),
        body=" ".join(
            part
            for part in (
                topic,
                plain(occurrence.description),
                plain(getattr(details, "description", "")),
                getattr(details, "venue", ""),
            )
            if part
        ),
        url=reverse("events:occurrence", args=[occurrence.pk]),
        visibility=(MEMBERS,),
        staff_groups=tuple(getattr(details, "audience", None) or ()),
        boost=BOOST_SESSION,
        date=occurrence.start,
        meta={"label": "session", "start": occurrence.start.isoformat()},
    )


def _all_session_docs(now: datetime.datetime | None = None) -> Iterator[SearchDoc]:
    from schedule.models import Occurrence

    from events.models import EchoProgramme

    now = now or timezone.now()
    for programme in EchoProgramme.objects.select_related("series__details"):
        yield programme_doc(programme)
    upcoming = (
        Occurrence.objects.filter(
            cancelled=False,
            end__gte=now,
            start__lte=now + datetime.timedelta(days=UPCOMING_DAYS),
        )
        .select_related("event__details", "session_plan")
        .order_by("start")
    )
    for occurrence in upcoming:
        doc = occurrence_doc(occurrence, now)
        if doc is not None:
            yield doc


# --- Forums --------------------------------------------------------------------------------


def thread_key(thread) -> str:
    return f"forums.thread:{thread.pk}"


def category_visibility(category, restricted: Iterable[int] | None = None) -> tuple[str, ...]:
    groups = (
        list(restricted)
        if restricted is not None
        else list(category.restricted_to.values_list("pk", flat=True))
    )
    return tuple(group_key(pk) for pk in sorted(groups)) if groups else (MEMBERS,)


MAX_THREAD_TEXT = 200_000  # characters of a thread's posts indexed (tsvector's limit is 1 MB)


def thread_doc(thread, visibility: tuple[str, ...], posts_text: list[str]) -> SearchDoc:
    """A thread is one document: its title, and the text of its visible posts in order, so
    a long discussion is one result whose snippet shows the passage that matched."""
    body = " ".join(posts_text)[:MAX_THREAD_TEXT]
    return SearchDoc(
        key=thread_key(thread),
        kind=Kind.FORUM,
        title=thread.title,
        summary=thread.category.name,
        body=body,
        url=reverse("forums:thread", args=[thread.pk]),
        visibility=visibility,
        boost=BOOST_THREAD,
        date=thread.last_post_at,
        meta={"label": "thread", "category": thread.category.name},
    )


def _post_visible(post) -> bool:
    return post.deleted_at is None and not post.is_hidden


def _post_text(post) -> str:
    return plain(post.body_html) or post.body


def thread_docs(thread) -> tuple[list[SearchDoc], list[str]]:
    """The thread's document, or its key to remove when the thread is gone."""
    if thread.deleted_at is not None:
        return [], [thread_key(thread)]
    posts = thread.posts.filter(deleted_at__isnull=True, is_hidden=False).order_by(
        "created_at", "pk"
    )
    visibility = category_visibility(thread.category)
    return [thread_doc(thread, visibility, [_post_text(post) for post in posts])], []


def _all_forum_docs() -> Iterator[SearchDoc]:
    from forums.models import Category, Post, Thread

    restricted: dict[int, list[int]] = defaultdict(list)
    for category_id, group_id in Category.restricted_to.through.objects.values_list(
        "category_id", "group_id"
    ):
        restricted[category_id].append(group_id)
    threads = {
        thread.pk: thread
        for thread in Thread.objects.filter(deleted_at__isnull=True).select_related("category")
    }
    texts: dict[int, list[str]] = defaultdict(list)
    posts = Post.objects.filter(
        thread_id__in=list(threads), deleted_at__isnull=True, is_hidden=False
    ).order_by("thread_id", "created_at", "pk")
    for post in posts.iterator(chunk_size=2000):
        texts[post.thread_id].append(_post_text(post))
    for pk, thread in threads.items():
        visibility = category_visibility(thread.category, restricted.get(thread.category_id, []))
        yield thread_doc(thread, visibility, texts.get(pk, []))


# --- Everything -------------------------------------------------------------------------------


def all_docs() -> Iterator[SearchDoc]:
    yield from _all_page_docs()
    yield from _all_session_docs()
    yield from _all_forum_docs()
