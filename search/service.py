"""Searching as a member: the store chosen by settings, visibility keys, the final
permission check, governance details on guidelines, promoted results, suggestions
and the rate limit. Views, the suggestion endpoint and tests call these."""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from members import permissions as member_permissions

from . import query as query_parsing
from .documents import MEMBERS, PUBLIC, Hit, Kind, ParsedQuery, SearchUnavailable, group_key

PER_PAGE = 10
RATE_LIMIT = 30  # searches a minute
SUGGEST_RATE_LIMIT = 120  # suggestion look-ups a minute (one per pause in typing)
RATE_WINDOW = 60  # seconds
STOP_WORDS = frozenset(
    "a an and are as at be but by for from has have he her his i if in into is it its me my "
    "no not of on or our she so than that the their them then there these they this to was "
    "we were what when where which who why will with you your".split()
)


@functools.cache
def _store_for(url: str):
    if url:
        from .elasticsearch_store import ElasticsearchStore

        return ElasticsearchStore(url)
    from .database_store import DatabaseStore

    return DatabaseStore()


def get_store():
    """Elasticsearch when ELASTICSEARCH_URL is set, otherwise the database store."""
    return _store_for(getattr(settings, "ELASTICSEARCH_URL", "") or "")


def visibility_for(user) -> frozenset[str]:
    """The keys whose documents `user` may see: public for everyone; members and the
    user's groups for approved members only."""
    keys = {PUBLIC}
    if member_permissions.is_approved_member(user):
        keys.add(MEMBERS)
        keys.update(group_key(pk) for pk in user.groups.values_list("pk", flat=True))
    return frozenset(keys)


# --- The final check ----------------------------------------------------------------------------


def _visible_keys(user, hits: list[Hit]) -> set[str]:
    """Keys of the hits `user` may open, checked with each app's own rules."""
    from wagtail.models import Page

    from events import permissions as event_permissions
    from forums import permissions as forum_permissions
    from forums.models import Thread

    from .sources import pages_visibility

    allowed: set[str] = set()
    keys = visibility_for(user)
    by_model: dict[str, dict[int, str]] = {}
    for hit in hits:
        model, _sep, pk = hit.key.rpartition(":")
        if pk.isdigit():
            by_model.setdefault(model, {})[int(pk)] = hit.key
    pages = by_model.get("wagtailcore.page", {})
    materials = by_model.get("learning.studydaypage.materials", {})
    found = list(Page.objects.filter(pk__in=[*pages, *materials]).select_related("content_type"))
    visibilities = pages_visibility(found)
    for page in found:
        visibility = set(visibilities[page.pk])
        members_only = page.content_type.model == "modulepage"
        for pk_map, is_materials in ((pages, False), (materials, True)):
            if page.pk not in pk_map:
                continue
            shown = visibility
            if (members_only or is_materials) and shown:
                shown = (shown - {PUBLIC}) or {MEMBERS}
            if shown & keys:
                allowed.add(pk_map[page.pk])
    if event_permissions.can_view_calendar(user):
        allowed.update(by_model.get("events.echoprogramme", {}).values())
        allowed.update(by_model.get("schedule.occurrence", {}).values())
    threads = by_model.get("forums.thread", {})
    if threads:
        categories = set(forum_permissions.visible_categories(user).values_list("pk", flat=True))
        for thread in Thread.objects.filter(pk__in=threads, deleted_at__isnull=True):
            if thread.category_id in categories:
                allowed.add(threads[thread.pk])
    return allowed


# --- Governance on guideline results ------------------------------------------------------------


@dataclass(frozen=True)
class Governance:
    version: int | None
    endorsed_at: datetime.datetime | None
    review_overdue: bool
    adopted: bool | None  # None: the member has no organisation


def _governance(user, hits: list[Hit]) -> dict[str, Governance]:
    from guidelines.models import ADOPTED_STATUSES, Adoption

    guideline_hits = [hit for hit in hits if hit.kind == Kind.GUIDELINE]
    if not guideline_hits:
        return {}
    organisation_id = getattr(user, "organisation_id", None)
    adopted_ids: set[int] = set()
    if organisation_id and member_permissions.is_approved_member(user):
        adopted_ids = set(
            Adoption.objects.filter(
                organisation_id=organisation_id,
                guideline_id__in=[hit.meta.get("guideline_id") for hit in guideline_hits],
                status__in=ADOPTED_STATUSES,
            ).values_list("guideline_id", flat=True)
        )
    today = timezone.localdate()
    result = {}
    for hit in guideline_hits:
        review_due = hit.meta.get("review_due")
        endorsed_at = hit.meta.get("endorsed_at")
        result[hit.key] = Governance(
            version=hit.meta.get("version"),
            endorsed_at=datetime.datetime.fromisoformat(endorsed_at) if endorsed_at else None,
            review_overdue=bool(review_due and datetime.date.fromisoformat(review_due) < today),
            adopted=(
                hit.meta.get("guideline_id") in adopted_ids
                if organisation_id and member_permissions.is_approved_member(user)
                else None
            ),
        )
    return result


# --- Rate limit -----------------------------------------------------------------------------------


def allow_search(request, bucket: str = "search", limit: int | None = None) -> bool:
    """Whether this member (or visitor's address) may search again: RATE_LIMIT a minute."""
    limit = RATE_LIMIT if limit is None else limit
    who = (
        f"user:{request.user.pk}"
        if request.user.is_authenticated
        else f"ip:{request.META.get('REMOTE_ADDR', '')}"
    )
    window = int(timezone.now().timestamp() // RATE_WINDOW)
    key = f"search:rate:{bucket}:{who}:{window}"
    cache.add(key, 0, RATE_WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW * 2)
        count = 1
    return count <= limit


# --- Searching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    hit: Hit
    governance: Governance | None
    kind_label: str
    promoted: bool


@dataclass
class SearchPage:
    query: ParsedQuery
    kind: str | None
    hits: list[Hit] = field(default_factory=list)
    promoted: list[Hit] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 1
    governance: dict[str, Governance] = field(default_factory=dict)
    suggestion: str = ""
    message: str = ""
    loosened: bool = False  # nothing had every word: these have some of them
    unavailable: bool = False

    @property
    def kinds(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.counts.get(value, 0)) for value, label in Kind.choices]

    @property
    def entries(self) -> list[Entry]:
        labels = dict(Kind.choices)
        return [
            Entry(hit, self.governance.get(hit.key), str(labels.get(hit.kind, "")), promoted)
            for promoted, hits in ((True, self.promoted), (False, self.hits))
            for hit in hits
        ]

    @property
    def grand_total(self) -> int:
        return sum(self.counts.values())


def normalise_query(text: str) -> str:
    return " ".join(query_parsing.words_of(query_parsing.clean(text)))


def _spelling(store, query: ParsedQuery, visibility) -> str:
    vocabulary_of = getattr(store, "vocabulary", None)
    if vocabulary_of is None:
        return ""
    vocabulary = vocabulary_of(visibility)
    if not vocabulary:
        return ""
    changed, words = False, []
    for word in query.words:
        if word in vocabulary or word in STOP_WORDS:
            words.append(word)
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        if close:
            words.append(close[0])
            changed = True
        else:
            words.append(word)
    return " ".join(words) if changed else ""


def _can_loosen(query: ParsedQuery) -> bool:
    meaningful = [word for word in query.words if word not in STOP_WORDS]
    return len(meaningful) + len(query.phrases) > 1


def run_search(user, raw: str, *, kind: str | None = None, page: int = 1) -> SearchPage:
    query = query_parsing.parse(raw)
    kind = kind if kind in Kind.values else None
    result = SearchPage(query=query, kind=kind)
    if query.is_empty:
        if query.raw:
            result.message = _(
                "Those characters cannot be searched for. Try a word or two from what you need."
            )
        return result
    store = get_store()
    visibility = visibility_for(user)
    staff_group = getattr(user, "staff_group", None) if user.is_authenticated else None
    try:
        requested = max(1, page)
        found = store.search(
            query,
            visibility=visibility,
            kind=kind,
            staff_group=staff_group,
            offset=(requested - 1) * PER_PAGE,
            limit=PER_PAGE,
        )
        if not found.counts and _can_loosen(query):
            query = dataclasses.replace(query, match_any=True)
            result.query, result.loosened = query, True
            found = store.search(
                query,
                visibility=visibility,
                kind=kind,
                staff_group=staff_group,
                offset=(requested - 1) * PER_PAGE,
                limit=PER_PAGE,
            )
        result.pages = max(1, math.ceil(found.total / PER_PAGE))
        result.page = min(requested, result.pages)
        if result.page != requested:  # past the last page: show the last page
            found = store.search(
                query,
                visibility=visibility,
                kind=kind,
                staff_group=staff_group,
                offset=(result.page - 1) * PER_PAGE,
                limit=PER_PAGE,
            )
        result.counts, result.total = found.counts, found.total
        allowed = _visible_keys(user, found.hits)
        result.hits = [hit for hit in found.hits if hit.key in allowed]
        result.promoted = _promoted(user, store, query, visibility) if result.page == 1 else []
        if result.promoted:
            pinned = {hit.key for hit in result.promoted}
            result.hits = [hit for hit in result.hits if hit.key not in pinned]
        result.governance = _governance(user, [*result.promoted, *result.hits])
        if result.loosened and found.total:
            result.message = _(
                "Nothing had every word you searched for, so these results have some of them."
            )
        if not found.total:
            result.suggestion = _spelling(store, query, visibility)
            if all(word in STOP_WORDS for word in query.words) and not query.phrases:
                result.message = _(
                    "Words such as “the” and “of” are left out of searches. Try the words "
                    "that matter most."
                )
            elif len(query.words) + len(query.phrases) > 1:
                result.message = _("Nothing matched these words. Try fewer or different words.")
            else:
                result.message = _("Nothing matched. Check the spelling, or try another word.")
    except SearchUnavailable:
        result.unavailable = True
        result.message = _("Search is unavailable just now. Please try again in a few minutes.")
        result.hits, result.counts, result.total = [], {}, 0
    return result


def _promoted(user, store, query: ParsedQuery, visibility) -> list[Hit]:
    from .models import PromotedResult

    keys = list(
        PromotedResult.objects.filter(query=normalise_query(query.raw)).values_list(
            "key", flat=True
        )
    )
    if not keys:
        return []
    hits = store.get(keys, visibility=visibility)
    allowed = _visible_keys(user, hits)
    order = {key: position for position, key in enumerate(keys)}
    return sorted((hit for hit in hits if hit.key in allowed), key=lambda hit: order[hit.key])


@dataclass(frozen=True)
class _Keyed:
    key: str


def suggestions(user, prefix: str, limit: int = 5) -> list[str]:
    """Titles for the search box: visible by the index's keys, then checked like results."""
    prefix = query_parsing.clean(prefix)[:100]
    try:
        keyed = get_store().suggest_keyed(prefix, visibility=visibility_for(user), limit=limit)
    except SearchUnavailable:
        return []
    allowed = _visible_keys(user, [_Keyed(key) for key, _title in keyed])
    titles = (title for key, title in keyed if key in allowed)
    return list(dict.fromkeys(titles))[:limit]
