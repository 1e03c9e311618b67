"""What every search store takes in and gives back: one interface, two engines.

A `SearchDoc` is one searchable object flattened to plain text, with the keys
that decide who may see it (`visibility`). Stores filter on those keys first;
`search.service` then checks each hit against its app's permission predicate
before anything is shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

PUBLIC = "public"  # anyone, visitors included
MEMBERS = "members"  # approved members


def group_key(group_id: int) -> str:
    """The visibility key of content restricted to one group (e.g. a forum category's)."""
    return f"group:{group_id}"


class SearchUnavailable(Exception):
    """The search engine could not answer."""


class Kind(models.TextChoices):
    GUIDELINE = "guideline", _("Guidelines")
    LEARNING = "learning", _("Learning")
    SESSION = "session", _("Sessions and programmes")
    FORUM = "forum", _("Forums")
    PAGE = "page", _("Pages")
    STUDY_DAY = "study_day", _("Study-day materials")


@dataclass(frozen=True)
class SearchDoc:
    key: str  # "<app_label>.<model>:<pk>", unique
    kind: str  # a Kind value
    title: str
    body: str  # plain text, never HTML
    url: str
    summary: str = ""  # a short plain-text description shown under the title
    # Who may see it: any one of these keys suffices. Empty means nobody.
    visibility: tuple[str, ...] = (PUBLIC,)
    staff_groups: tuple[str, ...] = ()  # StaffGroup values it is written for (ranks higher)
    boost: float = 1.0  # endorsed guidelines > pages > forum chatter
    date: datetime.datetime | None = None
    meta: dict = field(default_factory=dict)  # JSON-serialisable details for the result


@dataclass(frozen=True)
class ParsedQuery:
    """A member's query: words (all must match), "quoted phrases" and -excluded words."""

    raw: str
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    # When nothing has every word: match documents with any of the words and phrases.
    match_any: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases)


@dataclass(frozen=True)
class Hit:
    key: str
    kind: str
    title: str
    url: str
    summary: str
    snippet: str  # HTML-safe: member text escaped, matches wrapped in <mark>…</mark>
    score: float
    date: datetime.datetime | None = None
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int  # visible documents matching, in the chosen kind (or all kinds)
    counts: dict[str, int]  # visible documents matching, per kind, whatever kind was chosen


class Store(Protocol):
    """A search engine holding `SearchDoc`s."""

    def index(self, docs: Iterable[SearchDoc]) -> None:
        """Add or replace these documents (by key)."""

    def delete(self, keys: Iterable[str]) -> None:
        """Remove these documents; unknown keys are ignored."""

    def rebuild(self, docs: Iterable[SearchDoc]) -> int:
        """Replace the whole index with `docs`, atomically for searchers; returns the count."""

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
        """Ranked documents matching `query` that carry at least one of `visibility`'s keys."""

    def suggest_keyed(
        self, prefix: str, *, visibility: Collection[str], limit: int = 5
    ) -> list[tuple[str, str]]:
        """(key, title) of visible documents for `suggest`; callers check each key."""

    def get(self, keys: Iterable[str], *, visibility: Collection[str]) -> list[Hit]:
        """The visible documents of these keys (for promoted results), in no order."""

    def suggest(self, prefix: str, *, visibility: Collection[str], limit: int = 5) -> list[str]:
        """Titles of visible documents that start with (a word starting with) `prefix`."""

    def keys(self) -> set[str]:
        """Every key in the index (for checks and tests)."""
