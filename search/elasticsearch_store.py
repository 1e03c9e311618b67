"""The Elasticsearch store: `SearchDoc`s in versioned indices behind one alias.

Everything sent to Elasticsearch is built with `elasticsearch.dsl` objects, by pure
functions that need no server (`build_index`, `build_search`, `build_suggest`), so the
requests can be unit tested; `ElasticsearchStore` only sends them.

Analysis. Text fields are indexed with `nc_text` (standard tokenizer, lowercase,
asciifolding, English possessive, English stemmer) and searched with `nc_text_search`,
the same chain with a `synonym_graph` filter (our clinical list, `solr_rules()`) before
the stemmer. Elasticsearch only supports `synonym_graph` at search time (the graph it
produces cannot be indexed), so the synonyms live in the search analyser alone: a query
for "csci" becomes csci OR "syringe driver" OR "continuous subcutaneous infusion", each
analysed like the indexed text. The rules are read when an index version is created, so
a changed synonym list takes effect at the next `rebuild()`.

Index versions. The store reads and writes the alias `<prefix>-documents`. `rebuild()`
fills a new concrete index `<alias>-<timestamp>-<random>`, then moves the alias to it in
one `update_aliases` call and deletes the old version, so searchers never see a half-built
index. Writes made through the alias while a rebuild is running go to the old version and
are lost with it; the rebuild's own documents come from the database, so run it when
things are quiet (or run the incremental indexing again afterwards).
"""

from __future__ import annotations

import datetime
import html
import uuid
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch import ConnectionError as EngineConnectionError
from elasticsearch.dsl import (
    SF,
    Date,
    Document,
    Float,
    Index,
    Keyword,
    MetaField,
    Object,
    Q,
    Search,
    SearchAsYouType,
    Text,
    analyzer,
    token_filter,
)
from elasticsearch.dsl.query import Query
from elasticsearch.helpers import bulk

from search.synonyms import solr_rules

from .documents import Hit, Kind, ParsedQuery, Results, SearchDoc, SearchUnavailable

# What the client raises when the engine cannot answer (ConnectionError is a TransportError;
# named for clarity).
ENGINE_ERRORS = (ApiError, TransportError, EngineConnectionError)

TEXT_ANALYZER_NAME = "nc_text"
SEARCH_ANALYZER_NAME = "nc_text_search"
SUGGEST_ANALYZER_NAME = "nc_suggest"
SYNONYM_FILTER_NAME = "nc_synonyms"

SEARCH_FIELDS = ("title^3", "summary^2", "body")
EXCLUDE_FIELDS = ("title", "summary", "body")
SUGGEST_FIELDS = ("title_suggest", "title_suggest._2gram", "title_suggest._3gram")
STAFF_GROUP_FACTOR = 1.2
FRAGMENT_SIZE = 160
SNIPPET_CHARACTERS = 200
KINDS_AGG = "kinds"

# --- Analysis -------------------------------------------------------------------------------

english_possessive = token_filter(
    "nc_english_possessive", type="stemmer", language="possessive_english"
)
english_stemmer = token_filter("nc_english_stemmer", type="stemmer", language="english")

#: Index-time analyser of title, summary and body.
text_analyzer = analyzer(
    TEXT_ANALYZER_NAME,
    tokenizer="standard",
    filter=["lowercase", "asciifolding", english_possessive, english_stemmer],
)

#: Titles for search-as-you-type: folded but not stemmed, so prefixes match what was typed.
suggest_analyzer = analyzer(
    SUGGEST_ANALYZER_NAME, tokenizer="standard", filter=["lowercase", "asciifolding"]
)


def synonym_filter(rules: Iterable[str]):
    """The `synonym_graph` token filter for these Solr-format rules.

    `lenient` makes Elasticsearch skip a rule it cannot parse rather than refuse to create
    the index (the list is edited by hand and no server checks it before deployment).
    """
    return token_filter(
        SYNONYM_FILTER_NAME, type="synonym_graph", synonyms=list(rules), lenient=True
    )


def search_analyzer(rules: Iterable[str]):
    """Search-time analyser: `text_analyzer`'s chain with the synonyms before the stemmer.

    The synonym rules are themselves analysed by the filters before `synonym_graph`
    (tokenizer, lowercase, asciifolding, possessive), and what they produce is stemmed
    like the indexed text. With no rules, there is no synonym filter (an empty list is
    not a valid `synonym_graph` configuration).
    """
    rules = list(rules)
    filters: list[Any] = ["lowercase", "asciifolding", english_possessive]
    if rules:
        filters.append(synonym_filter(rules))
    filters.append(english_stemmer)
    return analyzer(SEARCH_ANALYZER_NAME, tokenizer="standard", filter=filters)


# The mapping names the search analyser; `build_index` defines it with the current rules.
_SEARCH_ANALYZER_REF = analyzer(SEARCH_ANALYZER_NAME)


def _text(**kwargs: Any) -> Text:
    return Text(analyzer=text_analyzer, search_analyzer=_SEARCH_ANALYZER_REF, **kwargs)


class SearchDocument(Document):
    """One `SearchDoc` as stored in Elasticsearch (document id = key).

    The doc's `meta` is stored as `details`: `meta` is reserved by `elasticsearch.dsl`
    for a hit's metadata (id, index, score, highlight).
    """

    key = Keyword()
    kind = Keyword()
    title = _text()
    title_suggest = SearchAsYouType(analyzer=suggest_analyzer)
    summary = _text()
    body = _text()
    url = Keyword(index=False)
    visibility = Keyword(multi=True)
    staff_groups = Keyword(multi=True)
    boost = Float()
    date = Date()
    details = Object(enabled=False)

    class Meta:
        dynamic = MetaField("strict")

    @classmethod
    def from_search_doc(cls, doc: SearchDoc, *, index: str) -> SearchDocument:
        return cls(
            meta={"id": doc.key, "index": index},
            key=doc.key,
            kind=doc.kind,
            title=doc.title,
            title_suggest=doc.title,
            summary=doc.summary,
            body=doc.body,
            url=doc.url,
            visibility=list(doc.visibility),
            staff_groups=list(doc.staff_groups),
            boost=float(doc.boost),
            date=doc.date,
            details=dict(doc.meta),
        )


def build_index(name: str, *, rules: Iterable[str] | None = None) -> Index:
    """The definition (settings, analysis, mappings) of one concrete index version.

    `rules` defaults to `search.synonyms.solr_rules()`.
    """
    index = Index(name)
    index.settings(number_of_shards=1)
    # `mapping` rather than `document`: `document` would make this version the
    # Document class's default index, for every later caller.
    index.mapping(SearchDocument._doc_type.mapping)
    index.analyzer(search_analyzer(solr_rules() if rules is None else rules))
    return index


# --- Queries --------------------------------------------------------------------------------


def visibility_filter(visibility: Collection[str]) -> Query:
    """Documents carrying at least one of the keys (none when there are no keys)."""
    return Q("terms", visibility=sorted(set(visibility)))


def _words_query(words: tuple[str, ...]) -> Query:
    """Every word must match, in one of the fields (its synonyms count as a match).

    Each word is its own multi_match, so different words may be in different fields.
    When there are several words, they may instead match together (all in one field),
    which is what lets a multi-word synonym fire: "syringe driver" typed as two words
    also finds "csci", which the word-by-word clauses alone cannot.
    """
    per_word = [
        Q("multi_match", query=word, fields=list(SEARCH_FIELDS), operator="and") for word in words
    ]
    if len(per_word) == 1:
        return per_word[0]
    together = Q("multi_match", query=" ".join(words), fields=list(SEARCH_FIELDS), operator="and")
    return Q("bool", should=[Q("bool", must=per_word), together], minimum_should_match=1)


def match_query(query: ParsedQuery, visibility: Collection[str]) -> Query:
    """The visible documents matching the query, unscored by boost."""
    must: list[Query] = []
    if query.match_any:
        should = [
            Q("multi_match", query=word, fields=list(SEARCH_FIELDS)) for word in query.words
        ] + [
            Q("multi_match", query=phrase, fields=list(SEARCH_FIELDS), type="phrase")
            for phrase in query.phrases
        ]
        must.append(Q("bool", should=should, minimum_should_match=1))
    else:
        if query.words:
            must.append(_words_query(query.words))
        must.extend(
            Q("multi_match", query=phrase, fields=list(SEARCH_FIELDS), type="phrase")
            for phrase in query.phrases
        )
    # A phrase match, so that an excluded "end-of-life" excludes that, not every "life".
    must_not = [
        Q("multi_match", query=word, fields=list(EXCLUDE_FIELDS), type="phrase")
        for word in query.excluded
    ]
    return Q("bool", must=must, must_not=must_not, filter=[visibility_filter(visibility)])


def ranked(query: Query, staff_group: str | None = None) -> Query:
    """`query` with its score multiplied by the doc's boost, and by STAFF_GROUP_FACTOR
    when the doc is written for `staff_group`."""
    functions = [SF("field_value_factor", field="boost", missing=1.0)]
    if staff_group:
        functions.append(
            SF({"filter": Q("term", staff_groups=staff_group), "weight": STAFF_GROUP_FACTOR})
        )
    return Q(
        "function_score",
        query=query,
        functions=functions,
        score_mode="multiply",
        boost_mode="multiply",
    )


def build_search(
    query: ParsedQuery,
    *,
    visibility: Collection[str],
    kind: str | None = None,
    staff_group: str | None = None,
    offset: int = 0,
    limit: int = 10,
) -> Search:
    """The search request (no index or client attached).

    Visibility is a filter inside the query, so it restricts hits, the total and the
    per-kind counts alike. The chosen kind is a post_filter: it narrows hits and total
    but not the `kinds` terms aggregation, which counts every kind.
    """
    offset, limit = max(0, offset), max(0, limit)
    s = Search().query(ranked(match_query(query, visibility), staff_group))
    s.aggs.bucket(KINDS_AGG, "terms", field="kind", size=len(Kind))
    if kind:
        s = s.post_filter("term", kind=kind)
    s = (
        # Bodies can be long and are not shown: the snippet comes from the highlighter,
        # which reads them inside Elasticsearch; no_match_size gives the body's start
        # when it has no match.
        s.source(excludes=["body", "title_suggest"])
        .highlight(
            "body",
            fragment_size=FRAGMENT_SIZE,
            number_of_fragments=1,
            no_match_size=SNIPPET_CHARACTERS,
        )
        .highlight_options(pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html")
        .extra(track_total_hits=True)
    )
    return s[offset : offset + limit]


def _clean_prefix(prefix: str) -> str:
    return " ".join(prefix.split())[:100]


def build_suggest(prefix: str, *, visibility: Collection[str], limit: int = 5) -> Search:
    """Titles of visible documents with a word starting with `prefix` (the last word typed
    is a prefix, earlier words are whole). Asks for more than `limit` hits, as several
    documents can share a title."""
    bool_prefix = Q(
        "multi_match",
        query=_clean_prefix(prefix),
        type="bool_prefix",
        fields=list(SUGGEST_FIELDS),
        operator="and",
    )
    query = Q("bool", must=[bool_prefix], filter=[visibility_filter(visibility)])
    return Search().query(ranked(query)).source(["title"])[: max(0, limit) * 3]


# --- Reading responses ----------------------------------------------------------------------


def fallback_snippet(text: str, length: int = SNIPPET_CHARACTERS) -> str:
    """The start of `text`, escaped, cut at a word boundary when it is longer."""
    text = " ".join(text.split())
    if len(text) > length:
        cut = text[:length]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"
    return html.escape(text)


def _parse_date(value: Any) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(str(value))


def hit_from_response(raw: dict[str, Any]) -> Hit:
    """A `Hit` from one raw hit of a search response."""
    source = raw.get("_source", {})
    highlight = raw.get("highlight", {})
    fragments = highlight.get("body") or []
    fragment = fragments[0] if fragments else ""
    if "<mark>" in fragment:  # a match, member text escaped by encoder="html"
        snippet = fragment
    elif source.get("summary"):
        snippet = fallback_snippet(source["summary"])
    elif fragment:  # the body's start (no_match_size); escaped whatever the encoder did
        snippet = html.escape(html.unescape(fragment))
    else:
        snippet = fallback_snippet(source.get("body") or "")
    return Hit(
        key=source.get("key") or raw["_id"],
        kind=source.get("kind", ""),
        title=source.get("title", ""),
        url=source.get("url", ""),
        summary=source.get("summary", ""),
        snippet=snippet,
        score=float(raw.get("_score") or 0.0),
        date=_parse_date(source.get("date")),
        meta=source.get("details") or {},
    )


def results_from_response(body: dict[str, Any]) -> Results:
    """`Results` from a raw response to a `build_search` request."""
    hits = body.get("hits", {})
    buckets = body.get("aggregations", {}).get(KINDS_AGG, {}).get("buckets", [])
    counts = {bucket["key"]: bucket["doc_count"] for bucket in buckets}
    total = hits.get("total", {})
    return Results(
        hits=[hit_from_response(raw) for raw in hits.get("hits", [])],
        total=int(total.get("value", 0) if isinstance(total, dict) else total),
        counts=counts,
    )


# --- The store ------------------------------------------------------------------------------


class ElasticsearchStore:
    """A `search.documents.Store` on Elasticsearch.

    `refresh` is passed to every write ("wait_for": a write returns once searchable,
    which keeps read-your-writes for members and tests; False to not wait).
    """

    def __init__(
        self,
        url: str,
        *,
        index_prefix: str = "network-commons",
        client: Elasticsearch | None = None,
        refresh: bool | str = "wait_for",
        rules: Iterable[str] | None = None,
    ) -> None:
        self.client = client if client is not None else Elasticsearch(url)
        self.alias = f"{index_prefix}-documents"
        self.refresh = refresh
        self._rules = None if rules is None else list(rules)
        self._alias_exists = False

    # --- Index versions ----------------------------------------------------------------------

    def _new_index_name(self) -> str:
        now = datetime.datetime.now(datetime.UTC)
        return f"{self.alias}-{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"

    def _build_index(self, name: str) -> Index:
        return build_index(name, rules=self._rules)

    def _alias_targets(self) -> list[str]:
        """The concrete indices the alias points at now."""
        try:
            response = self.client.indices.get_alias(name=self.alias)
        except NotFoundError:
            return []
        return sorted(getattr(response, "body", response))

    def _has_alias(self) -> bool:
        if not self._alias_exists:
            self._alias_exists = bool(self.client.indices.exists_alias(name=self.alias))
        return self._alias_exists

    def _ensure_alias(self) -> None:
        """Create the first index version, with the alias, if there is no alias yet."""
        if not self._has_alias():
            index = self._build_index(self._new_index_name())
            index.aliases(**{self.alias: {}})
            index.create(using=self.client)
        self._alias_exists = True

    def _actions(self, docs: Iterable[SearchDoc], index: str) -> Iterator[dict[str, Any]]:
        for doc in docs:
            yield SearchDocument.from_search_doc(doc, index=index).to_dict(include_meta=True)

    # --- Writing ----------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDoc]) -> None:
        docs = list(docs)
        if not docs:
            return
        self._ensure_alias()
        bulk(self.client, self._actions(docs, self.alias), refresh=self.refresh)

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(dict.fromkeys(keys))
        if not keys or not self._has_alias():
            return  # no index yet: nothing to delete
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": key} for key in keys)
        bulk(self.client, actions, refresh=self.refresh, ignore_status=(404,))

    def rebuild(self, docs: Iterable[SearchDoc]) -> int:
        new = self._new_index_name()
        self._build_index(new).create(using=self.client)
        try:
            count, _errors = bulk(self.client, self._actions(docs, new))
            self.client.indices.refresh(index=new)
            old = self._alias_targets()
            actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
            actions.append({"add": {"index": new, "alias": self.alias}})
            self.client.indices.update_aliases(actions=actions)
        except BaseException:
            try:  # don't leave a half-built version behind
                self.client.indices.delete(index=new, ignore_unavailable=True)
            except ENGINE_ERRORS:
                pass
            raise
        self._alias_exists = True
        if old:
            self.client.indices.delete(index=old, ignore_unavailable=True)
        return count

    # --- Reading ----------------------------------------------------------------------------

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
        s = build_search(
            query,
            visibility=visibility,
            kind=kind,
            staff_group=staff_group,
            offset=offset,
            limit=limit,
        )
        try:
            response = s.using(self.client).index(self.alias).execute()
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(str(error)) from error
        return results_from_response(response.to_dict())

    def suggest_keyed(
        self, prefix: str, *, visibility: Collection[str], limit: int = 5
    ) -> list[tuple[str, str]]:
        """(key, title) of visible documents matching `prefix` as the member types."""
        if len(_clean_prefix(prefix)) < 2 or limit <= 0:
            return []
        s = build_suggest(prefix, visibility=visibility, limit=limit)
        try:
            response = s.using(self.client).index(self.alias).execute()
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(str(error)) from error
        hits = response.to_dict().get("hits", {}).get("hits", [])
        keyed = (
            (
                raw.get("_source", {}).get("key") or raw.get("_id"),
                raw.get("_source", {}).get("title"),
            )
            for raw in hits
        )
        return [(key, title) for key, title in keyed if key and title]

    def suggest(self, prefix: str, *, visibility: Collection[str], limit: int = 5) -> list[str]:
        keyed = self.suggest_keyed(prefix, visibility=visibility, limit=limit)
        return list(dict.fromkeys(title for _key, title in keyed))[:limit]

    def get(self, keys: Iterable[str], *, visibility: Collection[str]) -> list[Hit]:
        """The visible documents of these keys (for promoted results), in no order."""
        keys = list(keys)
        if not keys:
            return []
        s = (
            Search(using=self.client, index=self.alias)
            .filter(visibility_filter(visibility))
            .filter("terms", key=keys)
            .source(excludes=["body"])[: len(keys)]
        )
        try:
            response = s.execute()
        except NotFoundError:
            return []
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(str(error)) from error
        return [hit_from_response(raw) for raw in response.to_dict()["hits"]["hits"]]

    def drop(self) -> None:
        """Delete every index version behind the alias (for tests' throwaway prefixes)."""
        for name in self._alias_targets():
            self.client.indices.delete(index=name, ignore_unavailable=True)

    def keys(self) -> set[str]:
        s = Search(using=self.client, index=self.alias).source(False)
        try:
            return {hit.meta.id for hit in s.scan()}
        except NotFoundError:
            return set()
