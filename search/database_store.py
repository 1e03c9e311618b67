"""The database store: one table of search documents.

On PostgreSQL: a weighted `SearchVector` (title A, summary B, body C) kept in a
column with a GIN index, a `SearchQuery` built from the parsed query with the
synonym list applied (`search.synonyms`), `SearchRank` times the document's boost,
and `SearchHeadline` for snippets. On SQLite (`make run`): `icontains` matching
of the same terms and a simple score, with the same visibility filtering.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When
from django.utils import timezone

from . import synonyms
from .documents import Hit, ParsedQuery, Results, SearchDoc
from .models import SearchDocument

CONFIG = "english"
START, STOP = "\x02", "\x03"  # headline markers, replaced by <mark> after escaping
SNIPPET_CHARACTERS = 220
STAFF_GROUP_FACTOR = 1.2
BATCH = 500


def _padded(keys: Iterable[str]) -> str:
    keys = [key for key in keys if key]
    return f" {' '.join(keys)} " if keys else ""


def visible_q(visibility: Collection[str]) -> Q:
    """Documents carrying at least one of the keys; none when there are no keys."""
    keys = sorted(set(visibility))
    if not keys:
        return Q(pk__in=[])
    return reduce(lambda a, b: a | b, (Q(visibility__contains=f" {key} ") for key in keys))


def query_groups(query: ParsedQuery) -> list[tuple[str, ...]]:
    """The query as groups of alternatives that must all match: each synonym found in the
    words becomes one group of its terms, each other word a group of itself, each phrase a
    group of itself and its synonyms."""
    groups: list[tuple[str, ...]] = []
    words = list(query.words)
    matches = synonyms.expand(words)
    covered: set[int] = set()
    for start, end, terms in matches:
        groups.append(tuple(dict.fromkeys(terms)))
        covered.update(range(start, end))
    for position, word in enumerate(words):
        if position not in covered:
            groups.append((word,))
    for phrase in query.phrases:
        groups.append((phrase, *synonyms.alternatives(phrase)))
    return groups


def _term_query(term: str) -> SearchQuery:
    search_type = "phrase" if " " in term or "-" in term else "plain"
    return SearchQuery(term, search_type=search_type, config=CONFIG)


def _tsquery(query: ParsedQuery) -> SearchQuery | None:
    groups = query_groups(query)
    if not groups:
        return None
    parts = [reduce(lambda a, b: a | b, (_term_query(term) for term in group)) for group in groups]
    combined = reduce((lambda a, b: a | b) if query.match_any else (lambda a, b: a & b), parts)
    for word in query.excluded:
        combined = combined & ~SearchQuery(word, search_type="plain", config=CONFIG)
    return combined


def _snippet_from_headline(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def _plain_snippet(text: str, terms: Iterable[str]) -> str:
    """Up to SNIPPET_CHARACTERS around the first term found, escaped, terms marked."""
    terms = sorted({term for term in terms if term}, key=len, reverse=True)
    pattern = (
        re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE) if terms else None
    )
    start = 0
    if pattern is not None and (found := pattern.search(text)):
        start = max(0, found.start() - SNIPPET_CHARACTERS // 3)
    excerpt = text[start : start + SNIPPET_CHARACTERS]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_CHARACTERS < len(text) else ""
    if pattern is None:
        return prefix + html.escape(excerpt, quote=False) + suffix
    pieces, last = [], 0
    for match in pattern.finditer(excerpt):
        pieces.append(html.escape(excerpt[last : match.start()], quote=False))
        pieces.append(f"<mark>{html.escape(match.group(0), quote=False)}</mark>")
        last = match.end()
    pieces.append(html.escape(excerpt[last:], quote=False))
    return prefix + "".join(pieces) + suffix


class DatabaseStore:
    """Search documents in the project's own database."""

    def __init__(self, using: str = "default") -> None:
        self.using = using

    @property
    def _postgres(self) -> bool:
        return connection.vendor == "postgresql"

    def _documents(self) -> QuerySet[SearchDocument]:
        return SearchDocument.objects.using(self.using)

    # --- Writing -----------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDoc]) -> None:
        docs = list({doc.key: doc for doc in docs}.values())
        now = timezone.now()
        for start in range(0, len(docs), BATCH):
            batch = docs[start : start + BATCH]
            with transaction.atomic(using=self.using):
                rows = [
                    SearchDocument(
                        key=doc.key,
                        kind=doc.kind,
                        title=doc.title[:300],
                        summary=doc.summary,
                        body=doc.body,
                        url=doc.url[:500],
                        visibility=_padded(doc.visibility),
                        staff_groups=_padded(doc.staff_groups),
                        boost=doc.boost,
                        date=doc.date,
                        meta=doc.meta,
                        indexed_at=now,
                    )
                    for doc in batch
                ]
                self._documents().bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["key"],
                    update_fields=[
                        "kind",
                        "title",
                        "summary",
                        "body",
                        "url",
                        "visibility",
                        "staff_groups",
                        "boost",
                        "date",
                        "meta",
                        "indexed_at",
                    ],
                )
                if self._postgres:
                    self._documents().filter(key__in=[doc.key for doc in batch]).update(
                        search_vector=SearchVector("title", weight="A", config=CONFIG)
                        + SearchVector("summary", weight="B", config=CONFIG)
                        + SearchVector("body", weight="C", config=CONFIG)
                    )

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        for start in range(0, len(keys), BATCH):
            self._documents().filter(key__in=keys[start : start + BATCH]).delete()

    def rebuild(self, docs: Iterable[SearchDoc]) -> int:
        """Replace everything in one transaction: searchers see the old index until commit."""
        docs = list({doc.key: doc for doc in docs}.values())
        with transaction.atomic(using=self.using):
            self._documents().exclude(key__in=[doc.key for doc in docs]).delete()
            self.index(docs)
        return len(docs)

    def keys(self) -> set[str]:
        return set(self._documents().values_list("key", flat=True))

    # --- Reading -----------------------------------------------------------------------------

    def _matching(self, query: ParsedQuery, visibility: Collection[str]):
        documents = self._documents().filter(visible_q(visibility))
        if self._postgres:
            tsquery = _tsquery(query)
            if tsquery is None:
                return documents.none(), None
            return documents.filter(search_vector=tsquery), tsquery
        for group in query_groups(query):
            documents = documents.filter(
                reduce(
                    lambda a, b: a | b,
                    (
                        Q(title__icontains=term)
                        | Q(summary__icontains=term)
                        | Q(body__icontains=term)
                        for term in group
                    ),
                )
            )
        for word in query.excluded:
            documents = documents.exclude(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
        return documents, None

    def _staff_factor(self, staff_group: str | None):
        if not staff_group:
            return Value(1.0)
        return Case(
            When(staff_groups__contains=f" {staff_group} ", then=Value(STAFF_GROUP_FACTOR)),
            default=Value(1.0),
            output_field=FloatField(),
        )

    def search(
        self,
        query: ParsedQuery,
        *,
        visibility: Collection[str],
        kind: str | None = None,
        staff_group: str | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> Results:
        if query.is_empty:
            return Results(hits=[], total=0, counts={})
        matching, tsquery = self._matching(query, visibility)
        counts = dict(matching.order_by().values_list("kind").annotate(n=Count("pk")))
        total = counts.get(kind, 0) if kind else sum(counts.values())
        if not total:
            return Results(hits=[], total=0, counts=counts)
        chosen = matching.filter(kind=kind) if kind else matching
        terms = [term for group in query_groups(query) for term in group]
        if tsquery is not None:
            # One query: PostgreSQL computes the (costly) headline only for the rows kept
            # after the sort and limit.
            rows = list(
                chosen.annotate(
                    score=SearchRank(F("search_vector"), tsquery, normalization=Value(1))
                    * F("boost")
                    * self._staff_factor(staff_group),
                    headline=SearchHeadline(
                        "body",
                        tsquery,
                        config=CONFIG,
                        start_sel=START,
                        stop_sel=STOP,
                        max_words=30,
                        min_words=12,
                        max_fragments=1,
                    ),
                )
                .defer("body", "search_vector")
                .order_by("-score", "-date", "pk")[offset : offset + limit]
            )
            hits = []
            for row in rows:
                snippet = (
                    _snippet_from_headline(row.headline)
                    if START in (row.headline or "")
                    else _plain_snippet(row.summary, terms)
                )
                hits.append(self._hit(row, row.score, snippet))
            return Results(hits=hits, total=total, counts=counts)
        # SQLite: score in Python over the matching documents (the demo's few hundred).
        scored = []
        lowered_terms = [term.lower() for term in terms]
        for row in chosen.only(
            "pk",
            "key",
            "kind",
            "title",
            "summary",
            "body",
            "url",
            "boost",
            "date",
            "meta",
            "staff_groups",
        ):
            title, summary, body = row.title.lower(), row.summary.lower(), row.body.lower()
            # Where a term is matters more than how often: title, then summary, then body.
            score = sum(
                3 * (term in title) + 2 * (term in summary) + (term in body)
                for term in lowered_terms
            )
            factor = (
                STAFF_GROUP_FACTOR if staff_group and f" {staff_group} " in row.staff_groups else 1
            )
            scored.append((score * row.boost * factor, row))
        scored.sort(
            key=lambda item: (
                -item[0],
                -(item[1].date.timestamp() if item[1].date else 0),
                item[1].pk,
            )
        )
        hits = [
            self._hit(row, score, _plain_snippet(row.body or row.summary, terms))
            for score, row in scored[offset : offset + limit]
        ]
        return Results(hits=hits, total=total, counts=counts)

    @staticmethod
    def _hit(row: SearchDocument, score: float, snippet: str) -> Hit:
        return Hit(
            key=row.key,
            kind=row.kind,
            title=row.title,
            url=row.url,
            summary=row.summary,
            snippet=snippet,
            score=float(score),
            date=row.date,
            meta=row.meta,
        )

    def get(self, keys: Iterable[str], *, visibility: Collection[str]) -> list[Hit]:
        """The visible documents of these keys (for promoted results), in no order."""
        rows = self._documents().filter(visible_q(visibility), key__in=list(keys))
        return [self._hit(row, 0.0, html.escape(row.summary, quote=False)) for row in rows]

    def suggest_keyed(
        self, prefix: str, *, visibility: Collection[str], limit: int = 5
    ) -> list[tuple[str, str]]:
        """(key, title) of visible documents whose title has a word starting with `prefix`."""
        prefix = " ".join(prefix.split())[:100]
        if len(prefix) < 2 or limit <= 0:
            return []
        documents = self._documents().filter(visible_q(visibility))
        starts = Q(title__istartswith=prefix) | Q(title__icontains=f" {prefix}")
        rows = documents.filter(starts).order_by("-boost", "title").values_list("key", "title")
        return list(rows[: limit * 3])

    def suggest(self, prefix: str, *, visibility: Collection[str], limit: int = 5) -> list[str]:
        keyed = self.suggest_keyed(prefix, visibility=visibility, limit=limit)
        return list(dict.fromkeys(title for _key, title in keyed))[:limit]

    def vocabulary(self, visibility: Collection[str], limit: int = 5000) -> set[str]:
        """Words of the titles of visible documents: what spelling suggestions choose from."""
        from .query import words_of

        titles = (
            self._documents()
            .filter(visible_q(visibility))
            .order_by("-boost")
            .values_list("title", flat=True)[:limit]
        )
        return {word for title in titles for word in words_of(title) if len(word) > 2}
