"""What every store must do, run against each store in `conftest.STORES`."""

from __future__ import annotations

import pytest

from search import synonyms
from search.documents import MEMBERS, PUBLIC, Kind, SearchDoc, group_key
from search.query import parse

pytestmark = pytest.mark.django_db

EVERYONE = {PUBLIC, MEMBERS, group_key(1), group_key(2)}


def doc(key, title, body="", *, kind=Kind.PAGE, visibility=(PUBLIC,), **extra):
    return SearchDoc(
        key=key, kind=kind, title=title, body=body, url=f"/{key}/", visibility=visibility, **extra
    )


def keys(results):
    return [hit.key for hit in results.hits]


def find(store, text, visibility=EVERYONE, **options):
    return store.search(parse(text), visibility=visibility, **options)


@pytest.fixture
def library(store):
    store.index(
        [
            doc(
                "rapid",
                "Rapid transfer home for end of life care",
                "Plan the ambulance and the anticipatory medicines.",
                kind=Kind.GUIDELINE,
                boost=2.0,
            ),
            doc(
                "syringe",
                "Using a syringe driver at home",
                "Continuous subcutaneous infusion for symptom control.",
                kind=Kind.GUIDELINE,
                boost=2.0,
            ),
            doc(
                "chat",
                "Syringe driver chat",
                "Has anyone used a syringe driver in school?",
                kind=Kind.FORUM,
                visibility=(MEMBERS,),
                boost=0.5,
            ),
            doc(
                "secret",
                "Safeguarding case review",
                "Restricted discussion of a syringe driver.",
                kind=Kind.FORUM,
                visibility=(group_key(2),),
            ),
            doc("news", "Network news", "The network met in Leeds.", kind=Kind.PAGE),
        ]
    )
    return store


def test_finds_by_title_and_body_and_ranks_boosted_guidelines_first(library):
    results = find(library, "syringe driver")
    assert keys(results)[0] == "syringe"
    assert set(keys(results)) == {"syringe", "chat", "secret"}
    assert results.total == 3


def test_visibility_filters_hits_and_counts(library):
    member = find(library, "syringe driver", visibility={PUBLIC, MEMBERS, group_key(1)})
    assert set(keys(member)) == {"syringe", "chat"}
    assert member.counts == {Kind.GUIDELINE: 1, Kind.FORUM: 1}
    visitor = find(library, "syringe driver", visibility={PUBLIC})
    assert keys(visitor) == ["syringe"]
    assert visitor.counts == {Kind.GUIDELINE: 1}
    assert find(library, "syringe", visibility=set()).total == 0


def test_kind_narrows_hits_but_counts_stay_for_every_kind(library):
    results = find(library, "syringe", kind=Kind.FORUM)
    assert set(keys(results)) == {"chat", "secret"}
    assert results.total == 2
    assert results.counts == {Kind.GUIDELINE: 1, Kind.FORUM: 2}


def test_phrases_and_exclusions(library):
    assert keys(find(library, '"rapid transfer"')) == ["rapid"]
    assert find(library, '"transfer rapid"').total == 0
    assert set(keys(find(library, "syringe -school"))) == {"syringe", "secret"}


def test_abbreviations_find_the_spelled_out_words(library):
    assert keys(find(library, "CSCI"))[0] == "syringe"
    assert keys(find(library, "EoL"))[0] == "rapid"


def test_snippets_mark_matches_and_escape_text(store):
    store.index([doc("x", "Mouth care", "Use <b>gentle</b> swabs for mouth care & comfort.")])
    (hit,) = find(store, "swabs").hits
    assert "<mark>swabs</mark>" in hit.snippet
    assert "<b>" not in hit.snippet and "</b>" not in hit.snippet


def test_index_replaces_and_delete_removes(store):
    store.index([doc("a", "First title")])
    store.index([doc("a", "Second title")])
    assert keys(find(store, "second")) == ["a"]
    assert find(store, "first").total == 0
    store.delete(["a", "never-there"])
    assert find(store, "second").total == 0
    assert store.keys() == set()


def test_rebuild_replaces_everything(library):
    count = library.rebuild([doc("only", "The only document")])
    assert count == 1
    assert library.keys() == {"only"}
    assert find(library, "syringe").total == 0


def test_pagination(store):
    store.index([doc(f"d{n}", f"Pain plan {n}") for n in range(25)])
    first = find(store, "pain", limit=10)
    third = find(store, "pain", offset=20, limit=10)
    assert first.total == third.total == 25
    assert len(first.hits) == 10 and len(third.hits) == 5
    assert not set(keys(first)) & set(keys(third))


def test_staff_group_ranks_higher(store):
    store.index(
        [
            doc("clinical", "Pain assessment", staff_groups=("clinical",)),
            doc("school", "Pain assessment", staff_groups=("universal_service",)),
        ]
    )
    assert keys(find(store, "pain assessment", staff_group="universal_service"))[0] == "school"
    assert keys(find(store, "pain assessment", staff_group="clinical"))[0] == "clinical"


def test_suggestions_are_visible_titles(library):
    assert "Syringe driver chat" in library.suggest("syr", visibility={PUBLIC, MEMBERS})
    assert library.suggest("safeg", visibility={PUBLIC, MEMBERS}) == []
    assert library.suggest("safeg", visibility={group_key(2)}) == ["Safeguarding case review"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "the of and",
        '"',
        '"unbalanced',
        "-",
        "title:x AND (",
        "*",
        "~",
        "a" * 2000,
        "\x00\x01\x1b[31m",
        "SELECT * FROM search_searchdocument; --",
        "दर्द",
        "痛み",
        "' OR 1=1 --",
        "(((",
        "\\",
        "&&||!",
        '-""',
    ],
)
def test_awkward_queries_never_fail(library, text):
    results = find(library, text)
    assert results.total >= 0


SYNONYM_GROUPS = synonyms.load()


@pytest.mark.parametrize("group", SYNONYM_GROUPS, ids=[group[0] for group in SYNONYM_GROUPS])
def test_every_synonym_entry_finds_its_other_terms(store, group):
    """A document using only the last term is found by every term of the entry."""
    target, *others = group[::-1]
    store.index([doc("target", "Note", f"This note is about {target} only.")])
    for term in others:
        assert keys(find(store, f'"{term}"' if " " in term else term)) == ["target"], term
