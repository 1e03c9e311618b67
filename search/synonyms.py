"""The clinical synonym list that search expands queries with.

`synonyms.txt`, beside this module, is our curated list of UK children's
palliative care abbreviations and equivalent terms, one group per line in
Solr's "equivalent synonyms" format (see the file's header). This module reads
it once, answers "what else could this phrase be called?" (`alternatives`),
finds synonym terms in an already-split query (`expand`), and renders the rules
for Elasticsearch's synonym_graph filter (`solr_rules`).

Every term belongs to exactly one group, so a phrase has one meaning here;
`load` refuses a file that breaks that.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

SYNONYMS_FILE: Path = Path(__file__).resolve().with_name("synonyms.txt")

_WHITESPACE = re.compile(r"\s+")
# Curly and look-alike apostrophes that people paste from word processors.
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'"})

Group = tuple[str, ...]


def normalise(text: str) -> str:
    """Lower case, Unicode NFKC, straight apostrophes, single spaces, no ends."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    return _WHITESPACE.sub(" ", text).strip()


@functools.cache
def load(path: Path = SYNONYMS_FILE) -> tuple[Group, ...]:
    """Every group in file order, each term normalised.

    Raises ValueError, naming the line, for a malformed line: a "=>" rule, an
    empty term, fewer than two distinct terms, or a term already in a group.
    """
    path = Path(path)
    groups: list[Group] = []
    seen: dict[str, int] = {}  # term -> line number of its group
    text = path.read_text(encoding="utf-8-sig")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path.name}, line {number}"
        if "=>" in line:
            raise ValueError(f"{where}: one-way rules ('=>') are not allowed: {raw!r}")
        terms = tuple(normalise(term) for term in line.split(","))
        if "" in terms:
            raise ValueError(f"{where}: empty term: {raw!r}")
        if len(terms) < 2:
            raise ValueError(f"{where}: a group needs at least two terms: {raw!r}")
        if len(set(terms)) != len(terms):
            raise ValueError(f"{where}: a term is repeated within the group: {raw!r}")
        for term in terms:
            if term in seen:
                raise ValueError(f"{where}: {term!r} is already in the group on line {seen[term]}")
            seen[term] = number
        groups.append(terms)
    return tuple(groups)


@functools.cache
def _index(path: Path) -> tuple[dict[str, Group], int]:
    """Each term's group, and the most words any term has."""
    by_term = {term: group for group in load(path) for term in group}
    longest = max((len(term.split(" ")) for term in by_term), default=0)
    return by_term, longest


def alternatives(phrase: str) -> tuple[str, ...]:
    """The other terms of the phrase's group, in file order; () if it has none."""
    key = normalise(phrase)
    group = _index(SYNONYMS_FILE)[0].get(key, ())
    return tuple(term for term in group if term != key)


def expand(words: Sequence[str]) -> list[tuple[int, int, Group]]:
    """Synonym terms found in a query's words, left to right.

    Returns (start, end_exclusive, group) for each match, where group is every
    term of the matched group, the matched one included, in file order. At each
    position the longest term wins; matches do not overlap. Words are compared
    normalised and exactly (no stemming or plural handling).
    """
    by_term, longest = _index(SYNONYMS_FILE)
    normalised = [normalise(word) for word in words]
    matches: list[tuple[int, int, Group]] = []
    start = 0
    while start < len(normalised):
        for end in range(min(len(normalised), start + longest), start, -1):
            group = by_term.get(" ".join(normalised[start:end]))
            if group is not None:
                matches.append((start, end, group))
                start = end
                break
        else:
            start += 1
    return matches


def solr_rules() -> list[str]:
    """One "a, b, c" line per group, for Elasticsearch's synonym_graph filter."""
    return [", ".join(group) for group in load()]
