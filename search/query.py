"""Reading what a member typed into the search box.

Words must all match; "quoted phrases" match as phrases; -word excludes. Anything
else a search engine might treat as syntax (field:value, AND/OR, brackets, *, ~,
control characters) is read as plain words, so no query can reach an engine as
syntax. Over-long queries are cut, not refused.
"""

from __future__ import annotations

import re
import unicodedata

from .documents import ParsedQuery

MAX_QUERY_LENGTH = 200  # characters kept of what was typed
MAX_TERMS = 12  # words and phrases used; more add little and cost much

_JOINERS = {"'", "’", "-", "/"}  # inside a word: don't, end-of-life, s/c
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)|"([^"]*)$')


def clean(raw: str) -> str:
    """NFKC, no control or format characters, whitespace collapsed, cut to MAX_QUERY_LENGTH."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(
        " " if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} else char for char in text
    )
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip()


def _is_word_char(char: str) -> bool:
    # Letters, digits and combining marks of any script (Devanagari vowel signs are marks).
    return unicodedata.category(char)[0] in {"L", "N", "M"}


def words_of(text: str) -> list[str]:
    """The words in `text`, lower case, apostrophes straightened."""
    words, current = [], []
    for position, char in enumerate(text):
        if _is_word_char(char):
            current.append(char)
        elif (
            char in _JOINERS
            and current
            and position + 1 < len(text)
            and _is_word_char(text[position + 1])
        ):
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return [word.lower().replace("’", "'") for word in words]


def parse(raw: str) -> ParsedQuery:
    text = clean(raw)
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    for match in _TOKEN.finditer(text):
        negated_phrase, phrase, negated_word, word, unclosed = match.groups()
        if phrase is not None or unclosed is not None:
            found = words_of(phrase if phrase is not None else unclosed)
            if not found:
                continue
            if negated_phrase:
                excluded.extend(found)
            elif len(found) == 1:
                words.append(found[0])
            else:
                phrases.append(" ".join(found))
        elif word is not None:
            found = words_of(word)
            if negated_word and found:
                excluded.extend(found)
            else:
                words.extend(found)
    words = list(dict.fromkeys(words))
    phrases = list(dict.fromkeys(phrases))
    budget = MAX_TERMS
    phrases = phrases[:budget]
    words = words[: max(0, budget - len(phrases))]
    excluded = [word for word in dict.fromkeys(excluded) if word not in words][:MAX_TERMS]
    return ParsedQuery(
        raw=text, words=tuple(words), phrases=tuple(phrases), excluded=tuple(excluded)
    )
