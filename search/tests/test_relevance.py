"""Relevance on the demo network: a judged set of queries scored with nDCG@10 and MRR.

The judgements (`judgements/demo.tsv`) were written by reading the demo content. The
figures are printed (run with `-s` to see them) and held above a floor, so a change
that makes search worse fails here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command

from members.models import User
from search import service

pytestmark = pytest.mark.django_db

JUDGEMENTS = Path(__file__).parent / "judgements" / "demo.tsv"
NDCG_FLOOR = 0.75
MRR_FLOOR = 0.80


def load_judgements() -> dict[str, list[tuple[int, str, str]]]:
    judged: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for line in JUDGEMENTS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, grade, kind, title = line.split("\t")
        judged[query].append((int(grade), kind, title))
    return dict(judged)


def judged_line(hit, judged: list[tuple[int, str, str]], used: set[int]) -> int | None:
    """The best unused judgement this hit matches (its kind, and a title it starts with)."""
    matches = [
        (grade, n)
        for n, (grade, kind, title) in enumerate(judged)
        if n not in used and hit.kind == kind and hit.title.startswith(title)
    ]
    return max(matches)[1] if matches else None


def dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(position + 2) for position, grade in enumerate(grades))


def test_judgements_cover_at_least_thirty_queries():
    assert len(load_judgements()) >= 30


def test_ranking_on_the_judged_queries(capsys):
    call_command("load_demo_network", verbosity=0)
    nurse = User.objects.get(email="nurse@demo.example")
    judged = load_judgements()
    ndcgs, reciprocal_ranks, rows = [], [], []
    for query, judgements in judged.items():
        result = service.run_search(nurse, query)
        # Each judgement is credited once, to the first hit that matches it (a series has
        # many sessions of one title; only the first counts).
        grades, used = [], set()
        for entry in result.entries[:10]:
            line = judged_line(entry.hit, judgements, used)
            grades.append(judgements[line][0] if line is not None else 0)
            if line is not None:
                used.add(line)
        ideal = dcg(sorted((grade for grade, _k, _t in judgements), reverse=True)[:10])
        ndcg = dcg(grades) / ideal if ideal else 0.0
        first_relevant = next((n for n, grade in enumerate(grades, 1) if grade > 0), None)
        reciprocal = 1 / first_relevant if first_relevant else 0.0
        ndcgs.append(ndcg)
        reciprocal_ranks.append(reciprocal)
        top = result.entries[0].hit.title[:50] if result.entries else "—"
        rows.append(f"{ndcg:5.2f} {reciprocal:5.2f}  {query:35} → {top}")
    mean_ndcg = sum(ndcgs) / len(ndcgs)
    mrr = sum(reciprocal_ranks) / len(reciprocal_ranks)
    with capsys.disabled():
        print(
            f"\nRelevance over {len(judged)} judged queries: nDCG@10 {mean_ndcg:.3f}, MRR {mrr:.3f}"
        )
        for row in rows:
            print("  " + row)
    assert mean_ndcg >= NDCG_FLOOR
    assert mrr >= MRR_FLOOR
    # The demo leaves the index complete: exactly the documents the records give.
    from search.service import get_store
    from search.sources import all_docs

    assert get_store().keys() == {doc.key for doc in all_docs()}
    # Every restricted demo thread, searched by title as a member outside its group:
    # not in the results, the counts or the suggestions.
    from forums.models import Thread

    restricted = Thread.objects.filter(category__restricted_to__isnull=False).exclude(
        category__restricted_to__in=nurse.groups.all()
    )
    assert restricted.count() >= 3
    for thread in restricted.distinct():
        outsider = service.run_search(nurse, thread.title)
        assert f"forums.thread:{thread.pk}" not in {entry.hit.key for entry in outsider.entries}
        everything = service.run_search(nurse, thread.title, kind="forum")
        assert (
            everything.counts.get("forum", 0)
            == len([e for e in everything.entries if e.hit.kind == "forum"])
            or everything.total > 10
        )
        assert thread.title not in service.suggestions(nurse, thread.title[:8])
    # Abbreviations find the spelled-out guideline first.
    for abbreviation, title in (
        ("CSCI", "Anticipatory medicines for children at home"),
        ("ACP", "Advance care planning conversations"),
        ("EoL", "Rapid transfer home for end-of-life care"),
    ):
        first = service.run_search(nurse, abbreviation).entries[0].hit
        assert (first.kind, first.title) == ("guideline", title), abbreviation
