"""What the Elasticsearch store sends, checked without a server (and without a database).

The request bodies come from `build_index` / `build_search` / `build_suggest`; the store's
orchestration (index versions behind an alias, error mapping, reading responses) runs
against a fake client that records its calls. None of this tests Elasticsearch itself.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import elasticsearch
import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig

from search import elasticsearch_store as es_store
from search.documents import MEMBERS, PUBLIC, Kind, ParsedQuery, SearchDoc, SearchUnavailable
from search.elasticsearch_store import (
    ElasticsearchStore,
    build_index,
    build_search,
    build_suggest,
)

RULES = ["continuous subcutaneous infusion, syringe driver, csci", "end of life, eol"]
ALIAS = "nc-test-documents"


def _query(words=(), phrases=(), excluded=()) -> ParsedQuery:
    return ParsedQuery(raw="", words=tuple(words), phrases=tuple(phrases), excluded=tuple(excluded))


def _search_body(query: ParsedQuery | None = None, **kwargs) -> dict:
    kwargs.setdefault("visibility", [PUBLIC, MEMBERS])
    return build_search(query or _query(["pain"]), **kwargs).to_dict()


def _inner_bool(body: dict) -> dict:
    """The bool query inside the function_score that ranks it."""
    return body["query"]["function_score"]["query"]["bool"]


def _doc(key: str, **kwargs) -> SearchDoc:
    kwargs.setdefault("kind", Kind.PAGE)
    kwargs.setdefault("title", f"Title {key}")
    kwargs.setdefault("body", "Body text")
    kwargs.setdefault("url", f"/{key}/")
    return SearchDoc(key=key, **kwargs)


# --- The index definition ------------------------------------------------------------------


def test_search_analyser_has_synonym_graph_with_the_rules(monkeypatch):
    monkeypatch.setattr(es_store, "solr_rules", lambda: list(RULES))
    analysis = build_index("nc-1").to_dict()["settings"]["analysis"]

    synonyms = analysis["filter"][es_store.SYNONYM_FILTER_NAME]
    assert synonyms["type"] == "synonym_graph"
    assert synonyms["synonyms"] == RULES

    search_chain = analysis["analyzer"][es_store.SEARCH_ANALYZER_NAME]
    assert search_chain["tokenizer"] == "standard"
    assert search_chain["filter"][:2] == ["lowercase", "asciifolding"]
    assert es_store.SYNONYM_FILTER_NAME in search_chain["filter"]
    # Stemming comes after the synonyms, so what they produce is stemmed like the index.
    stemmer = search_chain["filter"][-1]
    assert search_chain["filter"].index(es_store.SYNONYM_FILTER_NAME) == 3
    assert analysis["filter"][stemmer] == {"type": "stemmer", "language": "english"}

    # synonym_graph is search-time only: the index analyser has the same chain without it.
    index_chain = analysis["analyzer"][es_store.TEXT_ANALYZER_NAME]
    assert index_chain["filter"] == [
        f for f in search_chain["filter"] if f != es_store.SYNONYM_FILTER_NAME
    ]
    possessive = index_chain["filter"][2]
    assert analysis["filter"][possessive]["language"] == "possessive_english"


def test_rules_can_be_passed_explicitly_and_none_means_no_synonym_filter(monkeypatch):
    monkeypatch.setattr(es_store, "solr_rules", lambda: pytest.fail("rules were given"))
    explicit = build_index("nc-1", rules=["a, b"]).to_dict()["settings"]["analysis"]
    assert explicit["filter"][es_store.SYNONYM_FILTER_NAME]["synonyms"] == ["a, b"]

    empty = build_index("nc-1", rules=[]).to_dict()["settings"]["analysis"]
    assert es_store.SYNONYM_FILTER_NAME not in empty["filter"]
    chain = empty["analyzer"][es_store.SEARCH_ANALYZER_NAME]["filter"]
    assert es_store.SYNONYM_FILTER_NAME not in chain


def test_mapping_uses_the_analysers_and_field_types():
    properties = build_index("nc-1", rules=RULES).to_dict()["mappings"]["properties"]
    for name in ("title", "summary", "body"):
        assert properties[name] == {
            "type": "text",
            "analyzer": es_store.TEXT_ANALYZER_NAME,
            "search_analyzer": es_store.SEARCH_ANALYZER_NAME,
        }
    assert properties["title_suggest"]["type"] == "search_as_you_type"
    for name in ("key", "kind", "visibility", "staff_groups"):
        assert properties[name] == {"type": "keyword"}
    assert properties["url"] == {"type": "keyword", "index": False}
    assert properties["boost"] == {"type": "float"}
    assert properties["date"] == {"type": "date"}
    assert properties["details"] == {"type": "object", "enabled": False}


def test_documents_are_serialised_with_their_key_as_id():
    date = datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)
    doc = _doc(
        "guidelines.guideline:7",
        kind=Kind.GUIDELINE,
        title="Syringe drivers",
        visibility=(MEMBERS, "group:3"),
        staff_groups=("nurse",),
        boost=2.0,
        date=date,
        meta={"version": "3"},
    )
    action = es_store.SearchDocument.from_search_doc(doc, index="v1").to_dict(include_meta=True)
    assert action["_id"] == "guidelines.guideline:7"
    assert action["_index"] == "v1"
    source = action["_source"]
    assert source["title"] == source["title_suggest"] == "Syringe drivers"
    assert source["visibility"] == [MEMBERS, "group:3"]
    assert source["staff_groups"] == ["nurse"]
    assert source["boost"] == 2.0
    assert source["date"] == date
    assert source["details"] == {"version": "3"}


# --- The search request --------------------------------------------------------------------


def test_visibility_is_a_terms_filter_inside_the_query():
    body = _search_body(visibility=[MEMBERS, PUBLIC, "group:4"], kind=Kind.FORUM)
    # In the query's bool.filter (not the post_filter), so hidden documents change
    # neither hits, nor the total, nor the per-kind counts.
    assert _inner_bool(body)["filter"] == [{"terms": {"visibility": ["group:4", MEMBERS, PUBLIC]}}]
    assert "visibility" not in str(body["post_filter"])


def test_no_visibility_keys_filter_everything_out():
    assert _inner_bool(_search_body(visibility=[]))["filter"] == [{"terms": {"visibility": []}}]


def test_kind_is_a_post_filter_and_kinds_are_counted_by_a_terms_aggregation():
    body = _search_body(kind=Kind.GUIDELINE)
    assert body["post_filter"] == {"term": {"kind": "guideline"}}
    assert body["aggs"] == {"kinds": {"terms": {"field": "kind", "size": len(Kind)}}}
    assert body["track_total_hits"] is True

    no_kind = _search_body()
    assert "post_filter" not in no_kind
    assert no_kind["aggs"] == body["aggs"]


def test_each_word_must_match_in_some_field_and_together_they_may_match_synonyms():
    (words,) = _inner_bool(_search_body(_query(["syringe", "driver"])))["must"]
    per_word, together = words["bool"]["should"]
    assert words["bool"]["minimum_should_match"] == 1
    assert per_word["bool"]["must"] == [
        {
            "multi_match": {
                "query": word,
                "fields": ["title^3", "summary^2", "body"],
                "operator": "and",
            }
        }
        for word in ("syringe", "driver")
    ]
    assert together["multi_match"]["query"] == "syringe driver"
    assert together["multi_match"]["operator"] == "and"


def test_a_single_word_is_one_multi_match():
    assert _inner_bool(_search_body(_query(["csci"])))["must"] == [
        {
            "multi_match": {
                "query": "csci",
                "fields": ["title^3", "summary^2", "body"],
                "operator": "and",
            }
        }
    ]


def test_phrases_use_type_phrase_and_excluded_words_are_must_not():
    bool_query = _inner_bool(
        _search_body(_query(["pain"], phrases=["end of life"], excluded=["adult", "end-of-life"]))
    )
    phrase = bool_query["must"][1]["multi_match"]
    assert phrase == {
        "query": "end of life",
        "fields": ["title^3", "summary^2", "body"],
        "type": "phrase",
    }
    assert [clause["multi_match"]["query"] for clause in bool_query["must_not"]] == [
        "adult",
        "end-of-life",
    ]
    assert all(clause["multi_match"]["type"] == "phrase" for clause in bool_query["must_not"])
    assert "pain" not in str(bool_query["must_not"])


def test_score_is_multiplied_by_boost_and_by_the_staff_group_factor():
    score = _search_body(staff_group="nurse")["query"]["function_score"]
    assert score["score_mode"] == score["boost_mode"] == "multiply"
    assert score["functions"] == [
        {"field_value_factor": {"field": "boost", "missing": 1.0}},
        {"filter": {"term": {"staff_groups": "nurse"}}, "weight": 1.2},
    ]
    no_group = _search_body()["query"]["function_score"]["functions"]
    assert no_group == [{"field_value_factor": {"field": "boost", "missing": 1.0}}]


def test_highlight_marks_matches_in_escaped_body_text():
    highlight = _search_body()["highlight"]
    assert highlight["encoder"] == "html"
    assert highlight["pre_tags"] == ["<mark>"]
    assert highlight["post_tags"] == ["</mark>"]
    body = highlight["fields"]["body"]
    assert body["fragment_size"] == 160
    assert body["number_of_fragments"] == 1


def test_pagination_is_from_and_size():
    body = _search_body(offset=20, limit=10)
    assert (body["from"], body["size"]) == (20, 10)
    first = _search_body(limit=5)
    assert first["size"] == 5
    assert first.get("from", 0) == 0


def test_suggest_is_a_bool_prefix_over_the_search_as_you_type_fields():
    body = build_suggest("  syringe   dri ", visibility=[PUBLIC], limit=4).to_dict()
    bool_query = body["query"]["function_score"]["query"]["bool"]
    (match,) = bool_query["must"]
    assert match["multi_match"]["type"] == "bool_prefix"
    assert match["multi_match"]["query"] == "syringe dri"
    assert match["multi_match"]["fields"] == [
        "title_suggest",
        "title_suggest._2gram",
        "title_suggest._3gram",
    ]
    assert bool_query["filter"] == [{"terms": {"visibility": [PUBLIC]}}]
    assert body["_source"] == ["title"]
    assert body["size"] >= 4


# --- The store, against a fake client ------------------------------------------------------


class FakeIndices:
    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        def call(**kwargs):
            self.client.calls.append((f"indices.{name}", kwargs))
            result = self.client.results.get(name)
            if isinstance(result, BaseException):
                raise result
            return result(**kwargs) if callable(result) else result

        return call


class FakeClient:
    """Records `indices.*` and `search` calls; `results` says what each returns or raises."""

    def __init__(self, **results):
        self.calls: list[tuple[str, dict]] = []
        self.results = results
        self.indices = FakeIndices(self)

    def search(self, **kwargs):
        self.calls.append(("search", kwargs))
        result = self.results["search"]
        if isinstance(result, BaseException):
            raise result
        return SimpleNamespace(body=result)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.fixture
def bulk_calls(monkeypatch):
    """Replace helpers.bulk: record each call's actions (consumed) and keyword arguments."""
    calls = []

    def fake_bulk(client, actions, **kwargs):
        actions = list(actions)
        calls.append((actions, kwargs))
        client.calls.append(("bulk", kwargs))
        return len(actions), []

    monkeypatch.setattr(es_store, "bulk", fake_bulk)
    return calls


def _store(client: FakeClient) -> ElasticsearchStore:
    return ElasticsearchStore(
        "http://unused:9200", index_prefix="nc-test", client=client, rules=RULES
    )


def test_rebuild_fills_a_new_version_then_swaps_the_alias_in_one_call(bulk_calls):
    client = FakeClient(get_alias={"nc-test-documents-old": {"aliases": {ALIAS: {}}}})
    store = _store(client)
    assert store.alias == ALIAS

    count = store.rebuild(iter([_doc("pages.page:1"), _doc("pages.page:2")]))

    assert count == 2
    assert client.names() == [
        "indices.create",
        "bulk",
        "indices.refresh",
        "indices.get_alias",
        "indices.update_aliases",
        "indices.delete",
    ]
    calls = dict(client.calls)
    new = calls["indices.create"]["index"]
    assert new.startswith(f"{ALIAS}-") and new != "nc-test-documents-old"
    created = calls["indices.create"]["body"]
    assert created == build_index(new, rules=RULES).to_dict()

    (actions, _kwargs) = bulk_calls[0]
    assert [(a["_index"], a["_id"]) for a in actions] == [
        (new, "pages.page:1"),
        (new, "pages.page:2"),
    ]
    assert calls["indices.refresh"] == {"index": new}
    assert calls["indices.update_aliases"] == {
        "actions": [
            {"remove": {"index": "nc-test-documents-old", "alias": ALIAS}},
            {"add": {"index": new, "alias": ALIAS}},
        ]
    }
    assert calls["indices.delete"]["index"] == ["nc-test-documents-old"]


def test_first_rebuild_only_adds_the_alias(bulk_calls):
    not_found = elasticsearch.NotFoundError("no alias", _meta(404), {})
    client = FakeClient(get_alias=not_found)
    assert _store(client).rebuild([_doc("pages.page:1")]) == 1
    (update,) = [kwargs for name, kwargs in client.calls if name == "indices.update_aliases"]
    assert [list(action) for action in update["actions"]] == [["add"]]
    assert "indices.delete" not in client.names()


def test_failed_rebuild_deletes_its_new_version_and_leaves_the_alias(monkeypatch):
    def failing_bulk(client, actions, **kwargs):
        raise elasticsearch.ConnectionError("lost")

    monkeypatch.setattr(es_store, "bulk", failing_bulk)
    client = FakeClient()
    with pytest.raises(elasticsearch.ConnectionError):
        _store(client).rebuild([_doc("pages.page:1")])
    new = dict(client.calls)["indices.create"]["index"]
    assert client.names() == ["indices.create", "indices.delete"]
    assert dict(client.calls)["indices.delete"]["index"] == new


def test_index_creates_the_first_version_with_the_alias_then_writes_to_the_alias(bulk_calls):
    client = FakeClient(exists_alias=False)
    store = _store(client)
    store.index([_doc("pages.page:1")])
    store.index([_doc("pages.page:2")])

    assert client.names() == ["indices.exists_alias", "indices.create", "bulk", "bulk"]
    created = dict(client.calls)["indices.create"]["body"]
    assert created["aliases"] == {ALIAS: {}}
    actions, kwargs = bulk_calls[1]
    assert [(a["_index"], a["_id"]) for a in actions] == [(ALIAS, "pages.page:2")]
    assert kwargs["refresh"] == "wait_for"


def test_delete_writes_to_the_alias_and_ignores_unknown_keys(bulk_calls):
    client = FakeClient(exists_alias=True)
    _store(client).delete(["pages.page:1", "pages.page:1", "pages.page:9"])
    actions, kwargs = bulk_calls[0]
    assert actions == [
        {"_op_type": "delete", "_index": ALIAS, "_id": "pages.page:1"},
        {"_op_type": "delete", "_index": ALIAS, "_id": "pages.page:9"},
    ]
    assert kwargs["ignore_status"] == (404,)


def _meta(status: int) -> ApiResponseMeta:
    return ApiResponseMeta(
        status=status,
        http_version="1.1",
        headers=HttpHeaders(),
        duration=0.0,
        node=NodeConfig("http", "localhost", 9200),
    )


@pytest.mark.parametrize(
    "error",
    [
        elasticsearch.ConnectionError("refused"),
        elasticsearch.ApiError("search_phase_execution_exception", _meta(503), {}),
        elasticsearch.NotFoundError("index_not_found_exception", _meta(404), {}),
    ],
    ids=["connection", "api", "not-found"],
)
def test_engine_errors_become_search_unavailable(error):
    store = _store(FakeClient(search=error))
    with pytest.raises(SearchUnavailable):
        store.search(_query(["pain"]), visibility=[PUBLIC])
    with pytest.raises(SearchUnavailable):
        store.suggest("pai", visibility=[PUBLIC])


def test_empty_query_and_short_prefix_do_not_reach_the_engine():
    client = FakeClient(search=AssertionError("should not search"))
    store = _store(client)
    results = store.search(_query(excluded=["adult"]), visibility=[PUBLIC])
    assert (results.hits, results.total, results.counts) == ([], 0, {})
    assert store.suggest("p", visibility=[PUBLIC]) == []
    assert client.calls == []


def test_search_reads_hits_total_counts_and_snippets():
    response = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                {
                    "_id": "guidelines.guideline:1",
                    "_score": 3.5,
                    "_source": {
                        "key": "guidelines.guideline:1",
                        "kind": "guideline",
                        "title": "Syringe drivers",
                        "url": "/g/1/",
                        "summary": "",
                        "date": "2025-03-01T09:30:00+00:00",
                        "details": {"version": "3"},
                    },
                    "highlight": {"body": ["Set up the <mark>syringe</mark> &amp; line"]},
                },
                {
                    "_id": "guidelines.guideline:2",
                    "_score": 1.0,
                    "_source": {
                        "key": "guidelines.guideline:2",
                        "kind": "guideline",
                        "title": "Pain",
                        "url": "/g/2/",
                        "summary": "Doses <b>& more</b>",
                    },
                    "highlight": {"body": ["The start of the body"]},
                },
            ],
        },
        "aggregations": {
            "kinds": {
                "buckets": [
                    {"key": "guideline", "doc_count": 2},
                    {"key": "forum", "doc_count": 5},
                ]
            }
        },
    }
    client = FakeClient(search=response)
    results = _store(client).search(
        _query(["syringe"]), visibility=[PUBLIC], kind="guideline", offset=0, limit=10
    )

    ((_, sent),) = client.calls
    assert sent["index"] == [ALIAS]
    assert sent["body"]["post_filter"] == {"term": {"kind": "guideline"}}
    assert results.total == 2
    assert results.counts == {"guideline": 2, "forum": 5}
    first, second = results.hits
    assert first.snippet == "Set up the <mark>syringe</mark> &amp; line"
    assert first.score == 3.5
    assert first.date == datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC)
    assert first.meta == {"version": "3"}
    # No match in the body: the summary, escaped.
    assert second.snippet == "Doses &lt;b&gt;&amp; more&lt;/b&gt;"
    assert second.meta == {}


def test_fallback_snippet_is_escaped_and_cut():
    text = "<script>" + "word " * 100
    snippet = es_store.fallback_snippet(text)
    assert snippet.startswith("&lt;script&gt;")
    assert snippet.endswith(" …")
    assert len(snippet) < 220


def test_suggest_returns_distinct_titles():
    hits = [
        {"_id": f"page:{n}", "_source": {"title": title}}
        for n, title in enumerate(("Pain", "Pain", "Pain relief", "Palsy"))
    ]
    client = FakeClient(search={"hits": {"total": {"value": 4}, "hits": hits}})
    assert _store(client).suggest("pa", visibility=[PUBLIC], limit=2) == ["Pain", "Pain relief"]
