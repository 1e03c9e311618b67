"""The PII guard, wherever cases are discussed: case summaries, the live room's chat, polls
and recommendations, forum categories for cases and threads from ECHO sessions, and survey
free text. `refuse_identifiers` is what those services call.

Members write de-identified case text. Before any is saved, the text goes
through `find_identifiers`, which returns every stretch that looks like
something that could identify a child or family, so the form can refuse the
summary and point at each problem. It is a guard against slips, not a
guarantee of anonymity: it finds the identifiers that are easy to paste in by
mistake and deliberately leaves alone the clinical detail that a case
discussion needs.

Public API::

    Finding(kind, start, end, text, message)   # frozen dataclass
    find_identifiers(text) -> list[Finding]    # sorted by start, non-overlapping
    refuse_identifiers({field: text})          # raises IdentifiableTextError
    describe(finding) -> str                   # "… Remove or reword “…”."

`Finding.start`/`Finding.end` index into the text (end exclusive) and
`Finding.text == text[start:end]`. `Finding.message` is a translatable
sentence in British English for the member.

What is found (kind constants in brackets):

- NHS numbers (`KIND_NHS_NUMBER`): ten digits whose modulus-11 check digit is
  right (weights 10 to 2 on the first nine digits; check = 11 - sum % 11, where
  11 means 0 and 10 means the number is invalid). Written 943 476 5919,
  943-476-5919, 943.476.5919, 9434765919, or with any other grouping by single
  spaces, dashes or dots (94 34 76 59 19, 9 4 3 4 7 6 5 9 1 9), as long as the
  ten digits stand on their own and one kind of separator is used. The NHS's own
  test numbers (943 476 5919, the 999 range) and ten copies of one digit
  (999 999 9999, 1111111111) are valid by the check digit and refused like any
  other: the guard cannot tell them from real ones.
- Numbers shaped like NHS numbers (`KIND_POSSIBLE_NHS_NUMBER`): 3-3-4 groups or
  ten digits in a row, or ten digits right after "NHS number"/"NHS no", whose
  check digit is wrong. Still refused: a mistyped NHS number is still one.
- Dates of birth (`KIND_DATE_OF_BIRTH`): a full date just after "DOB",
  "D.O.B.", "date of birth", "birth date", "birthday", "born" or "born on" (or
  followed by "(DOB)"). Right after an explicit "DOB"/"date of birth" label, a
  month and year ("DOB: March 2019", "DOB 03/2019") is also a date of birth.
  The span is the date itself, not the label.
- Other full dates (`KIND_DATE`): day, month and year together: 12/03/2019,
  12-03-19, 12.03.2019, 2019-03-12, 12 March 2019, 12th of March 2019,
  12-Mar-2019, 12 Mar '19, March 12, 2019.
- Names with a title (`KIND_NAME_WITH_TITLE`): Mr, Mrs, Ms, Miss, Mx, Dr,
  Master, Prof, Professor, Sir, Dame, Rev, Revd, Reverend, Nurse and Sister,
  with or without a dot, followed by one or more capitalised names, optionally
  with initials: "Mrs Jones", "Dr. Sarah O'Neill", "Master Oliver Smith",
  "Ms Smith-Jones", "Dr J. McDonald", "MRS JONES". The span runs from the title
  to the end of the name (a possessive "'s" is left out).
- UK postcodes (`KIND_POSTCODE`): full postcodes only, in capitals or all in
  lower case, with or without the space: LS1 4AP, SW1A 1AA, M1 1AE, B33 8TH,
  DN55 1PT, EC1A 1BB, ls14ap. The letters must be ones the postcode format
  allows (an inward code never uses C, I, K, M, O or V).
- UK phone numbers (`KIND_PHONE_NUMBER`): 07700 900123, 07700 900 123,
  0113 496 0000, (0113) 4960000, 020 7946 0018, 01632 960 001,
  +44 7700 900123, +44 (0)20 7946 0018, 0044 20 7946 0018: a leading 0 (or
  +44/0044) and ten or eleven digits in all once written nationally.
- Email addresses (`KIND_EMAIL`).
- Hospital numbers (`KIND_HOSPITAL_NUMBER`): a number of five or more digits
  (optionally after up to three letters, or in groups of three to five digits)
  after "hospital number", "hospital no.", "hosp no", "MRN", "medical record
  number", "case note number", "unit number", "patient number" or
  "patient ID"; and, unlabelled, the common trust format of one to three
  capital letters followed straight away by six to eight digits (RJ1234567,
  A1234567, K123456). Widened to the common trust formats: up to four capitals
  and six to ten digits, with a dash or slash between them or not
  (RXH-1234567, RJZ/123456), digits grouped by one dash or slash
  (RXH-123-4567), capitals, a space and six or more digits (ABC 1234567: the
  digits are the finding), and labels "trust number", "PAS number", "local
  patient ID", "CHI", "H&C number", "hospital ref" before letters and digits
  in groups (RX1 2345678, 12-345-678).
- National Insurance numbers (`KIND_NI_NUMBER`): two letters, six digits in
  pairs or together, and A-D (QQ 12 34 56 C, AB123456C, ab123456c); without
  the final letter when the pairs are spaced (AB 12 34 56) or after an
  "NI number"/"National Insurance"/"NINO" label. Prefixes are not checked.
- Full names without a title (`KIND_FULL_NAME`): a first name from
  `first_names.txt` (common UK given names; everyday words such as Will, May,
  Hope and Amber left out) then one to three capitalised names ("Oliver
  Smith", "Amelia-Rose O'Neill", "ALFIE JONES", "Sophie SMITH"). Left alone:
  a first name alone, a first name before a word that is no surname ("Grace
  House", "Lily Ward", "Alexander disease"), a name that is part of a place
  ("Mary Stevens Hospice", "Donna Louise Children's Hospice"), and charities
  and characters ("Marie Curie", "Sue Ryder", "Peppa Pig").

What deliberately passes:

- Ages and durations: "a 7-year-old", "aged 4", "4 years old", "18 months",
  "3 admissions in 6 months", "2/52", "3/7", "24/7".
- Month and year alone ("since March 2025", "March 2019"), day and month
  without a year ("on 12 March"), bare years ("in 2019", even "born in 2019").
- Times (12:30, 0800), doses and rates ("2.5 mg", "0.1 mg/kg", "10 ml",
  "2 L/min"), decimals, percentages, ranges ("2-3 times"), scores and
  fractions ("GCS 10/15", "FLACC 6/10", "BP 95/60"), blood results, weights.
- Diagnoses and codes: "SMA type 1", "SMA1", "T21", "trisomy 18", "G6PD",
  "COVID-19", "CF", "CLN2", "H1N1", "ACT category 3", vitamin "B12". Partial
  postcodes ("LS1", "SW1A") are never flagged: outward codes alone collide with
  too many drug, gene and device codes, and an area is rarely identifying.
- People without a name: "Mum and Dad", "the GP", "the consultant", "the dr",
  "Dr" followed by a lower-case word, "Dr A" (a single initial is how
  anonymised text refers to people), "the Nurse Specialist", "Clinical Nurse
  Specialist", "Sister" or "Ward Sister" without a name. A title followed by a
  word that is not a name (pronouns, days, roles, "Mum", "The", "She"...) is
  not flagged, nor are a few well-known non-people ("Dr Barnardo's", "Mr Tumble",
  "Mr Men"); "miss" in lower case is the verb and is not a title; a title in
  capitals ("MS", "MR") only counts before a name in capitals, so "MS Society"
  and "MR brain" pass.
- Placeholders: "000 000 0000" and "XXX XXX XXXX".
- Partial identifiers: a bare "NHS number" or "MRN" label with no number.

Every pattern is precompiled and written so that it cannot backtrack
catastrophically: each starts with a look-behind that lets a match begin only
at the start of a run of digits, letters or address characters, and every
repetition is bounded or unambiguous, so the scan is linear in the length of
the text. Where two findings overlap, the longer one wins; at equal length the
more specific kind wins (nhs_number, ni_number, email, date_of_birth,
phone_number, hospital_number, postcode, date, possible_nhs_number,
name_with_title, full_name).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "KIND_DATE",
    "KIND_DATE_OF_BIRTH",
    "KIND_EMAIL",
    "KIND_FULL_NAME",
    "KIND_HOSPITAL_NUMBER",
    "KIND_NAME_WITH_TITLE",
    "KIND_NHS_NUMBER",
    "KIND_NI_NUMBER",
    "KIND_PHONE_NUMBER",
    "KIND_POSSIBLE_NHS_NUMBER",
    "KIND_POSTCODE",
    "KINDS",
    "MESSAGES",
    "Finding",
    "IdentifiableTextError",
    "describe",
    "find_identifiers",
    "refuse_identifiers",
]

KIND_NHS_NUMBER = "nhs_number"
KIND_POSSIBLE_NHS_NUMBER = "possible_nhs_number"
KIND_DATE_OF_BIRTH = "date_of_birth"
KIND_DATE = "date"
KIND_NAME_WITH_TITLE = "name_with_title"
KIND_POSTCODE = "postcode"
KIND_PHONE_NUMBER = "phone_number"
KIND_EMAIL = "email"
KIND_HOSPITAL_NUMBER = "hospital_number"
KIND_NI_NUMBER = "ni_number"
KIND_FULL_NAME = "full_name"

# In order of specificity: at equal length, the earlier kind wins an overlap.
KINDS = (
    KIND_NHS_NUMBER,
    KIND_NI_NUMBER,
    KIND_EMAIL,
    KIND_DATE_OF_BIRTH,
    KIND_PHONE_NUMBER,
    KIND_HOSPITAL_NUMBER,
    KIND_POSTCODE,
    KIND_DATE,
    KIND_POSSIBLE_NHS_NUMBER,
    KIND_NAME_WITH_TITLE,
    KIND_FULL_NAME,
)
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}

MESSAGES = {
    KIND_NHS_NUMBER: _("This looks like an NHS number."),
    KIND_POSSIBLE_NHS_NUMBER: _(
        "This number is shaped like an NHS number. Leave out NHS numbers, even partial or "
        "mistyped ones."
    ),
    KIND_DATE_OF_BIRTH: _("This looks like a date of birth. Give the child's age instead."),
    KIND_DATE: _(
        "This looks like a full date. Use the child's age, a month and year, or a relative "
        "time such as “three weeks later” instead."
    ),
    KIND_NAME_WITH_TITLE: _(
        "This looks like a person's name. Describe people by their role instead, for example "
        "“the consultant” or “Mum”."
    ),
    KIND_POSTCODE: _("This looks like a postcode."),
    KIND_PHONE_NUMBER: _("This looks like a phone number."),
    KIND_EMAIL: _("This looks like an email address."),
    KIND_HOSPITAL_NUMBER: _("This looks like a hospital or medical record number."),
    KIND_NI_NUMBER: _("This looks like a National Insurance number."),
    KIND_FULL_NAME: _(
        "This looks like a person's full name. Describe people by their role instead, for "
        "example “the consultant” or “Mum”."
    ),
}


@dataclass(frozen=True)
class Finding:
    """One stretch of text that looks like an identifier."""

    kind: str  # one of the KIND_* constants
    start: int  # index into the text
    end: int  # exclusive
    text: str  # the matched text, text[start:end]
    message: str  # translatable, for the member


# --- Building blocks ---------------------------------------------------------

_SP = r"[ \t\u00a0\u202f]"  # a space, including the non-breaking ones word processors paste
_SEP = r"[ \u00a0\u202f.\-\u2010\u2011\u2013]"  # one separator between digits
_PHONE_SEP = r"[ \u00a0\u202f.\-]"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_AFTER_NUMBER = r"(?![\w]|[.\-/][0-9])"  # not glued to more word characters or digits

# --- NHS numbers -------------------------------------------------------------

# 3-3-4 with one consistent (possibly empty) separator, or ten digits in a row.
_NHS_SHAPED_RE = re.compile(
    rf"(?<![0-9])(?<![0-9][.\-/])"
    rf"(?P<num>[0-9]{{3}}(?P<sep>{_SEP}?)[0-9]{{3}}(?P=sep)[0-9]{{4}})"
    rf"(?![0-9]|[.\-/][0-9])"
)
# Exactly ten digits with any single separators, standing on their own.
_NHS_ANY_GROUPING_RE = re.compile(
    rf"(?<![0-9])(?<![0-9]{_SEP})(?P<num>[0-9](?:{_SEP}?[0-9]){{9}})(?!{_SEP}?[0-9])"
)
# Ten digits in any grouping right after an "NHS number" label.
_NHS_LABELLED_RE = re.compile(
    rf"\bNHS(?:{_SP}*(?:number|num|no\b\.?|#))?{_SP}*(?:is{_SP}+)?[:#=\-]?{_SP}*"
    rf"(?P<num>[0-9](?:{_SEP}?[0-9]){{9}})(?![0-9])",
    re.IGNORECASE,
)
_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def _nhs_check_digit_ok(digits: str) -> bool:
    total = sum(int(digit) * weight for digit, weight in zip(digits, _NHS_WEIGHTS, strict=False))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _digits(value: str) -> str:
    return "".join(char for char in value if "0" <= char <= "9")


def _is_placeholder(digits: str) -> bool:
    # Only 000 000 0000. Ten copies of another digit (999 999 9999, 111 111 1111) pass the
    # check digit like the NHS's own test numbers (943 476 5919, 999 xxx xxxx), and are
    # refused like any other NHS number: the guard cannot tell a test number from a real one.
    return set(digits) == {"0"}


def _separators(value: str) -> set[str]:
    return {char for char in value if not "0" <= char <= "9"}


def _find_nhs_numbers(text: str, out: list[tuple[int, int, str]]) -> None:
    for match in _NHS_SHAPED_RE.finditer(text):
        digits = _digits(match["num"])
        if _is_placeholder(digits):
            continue
        kind = KIND_NHS_NUMBER if _nhs_check_digit_ok(digits) else KIND_POSSIBLE_NHS_NUMBER
        out.append((match.start("num"), match.end("num"), kind))
    for match in _NHS_ANY_GROUPING_RE.finditer(text):
        digits = _digits(match["num"])
        if (
            len(_separators(match["num"])) <= 1
            and not _is_placeholder(digits)
            and _nhs_check_digit_ok(digits)
        ):
            out.append((match.start("num"), match.end("num"), KIND_NHS_NUMBER))
    for match in _NHS_LABELLED_RE.finditer(text):
        digits = _digits(match["num"])
        if _is_placeholder(digits):
            continue
        kind = KIND_NHS_NUMBER if _nhs_check_digit_ok(digits) else KIND_POSSIBLE_NHS_NUMBER
        out.append((match.start("num"), match.end("num"), kind))


# --- Dates -------------------------------------------------------------------

_DATE_NUMERIC_RE = re.compile(
    r"(?<![0-9.,/\-])(?P<a>[0-9]{1,2})(?P<sep>[/.\-])(?P<b>[0-9]{1,2})(?P=sep)"
    r"(?P<y>[0-9]{4}|[0-9]{2})(?![0-9]|[.\-/][0-9])"
)
_DATE_ISO_RE = re.compile(
    r"(?<![0-9.,/\-])(?P<y>(?:19|20)[0-9]{2})(?P<sep>[/.\-])(?P<m>[0-9]{1,2})(?P=sep)"
    r"(?P<d>[0-9]{1,2})(?![0-9]|[.\-/][0-9])"
)
_DATE_DAY_MONTH_YEAR_RE = re.compile(
    rf"(?<![\w.])(?P<d>[0-9]{{1,2}}){_ORDINAL}"
    rf"(?:{_SP}+of{_SP}+|{_SP}+|{_SP}?[\-/.]{_SP}?)"
    rf"(?P<m>{_MONTH})\.?,?(?:{_SP}+|{_SP}?[\-/.]{_SP}?)"
    rf"(?P<y>(?:19|20)[0-9]{{2}}|['’]?[0-9]{{2}}){_AFTER_NUMBER}",
    re.IGNORECASE,
)
_DATE_MONTH_DAY_YEAR_RE = re.compile(
    rf"(?<![\w])(?P<m>{_MONTH})\.?{_SP}+(?P<d>[0-9]{{1,2}}){_ORDINAL},?{_SP}+"
    rf"(?P<y>(?:19|20)[0-9]{{2}}){_AFTER_NUMBER}",
    re.IGNORECASE,
)

_DOB_LABEL = rf"(?:\bd\.?{_SP}?o\.?{_SP}?b\b\.?|\bdate{_SP}+of{_SP}+birth\b|\bbirth{_SP}*date\b)"
_DOB_CUE = rf"(?:{_DOB_LABEL}|\bbirthday\b|\bborn\b(?:{_SP}+on\b)?)"
# The cue, then only filler, up to the start of the date.
_DOB_BEFORE_RE = re.compile(
    rf"{_DOB_CUE}{_SP}*(?:[:=(\-–]{_SP}*)?(?:(?:is|was|of|on){_SP}+)?(?:the{_SP}+)?"
    rf"(?:[a-z]+day,?{_SP}+)?$",
    re.IGNORECASE,
)
_DOB_AFTER_RE = re.compile(
    rf"{_SP}*[(\[,]?{_SP}*(?:d\.?{_SP}?o\.?{_SP}?b\b|date{_SP}+of{_SP}+birth\b)",
    re.IGNORECASE,
)
_DOB_WINDOW = 40
# Month and year only, straight after an explicit date-of-birth label.
_DOB_PARTIAL_RE = re.compile(
    rf"{_DOB_LABEL}{_SP}*(?:[:=\-–]{_SP}*)?(?:(?:is|was){_SP}+)?"
    rf"(?P<date>{_MONTH}\.?,?{_SP}+(?:19|20)[0-9]{{2}}|(?:0?[1-9]|1[0-2])[/.\-](?:19|20)[0-9]{{2}})"
    rf"{_AFTER_NUMBER}",
    re.IGNORECASE,
)


def _valid_day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _is_date_of_birth(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - _DOB_WINDOW) : start]
    return bool(_DOB_BEFORE_RE.search(window) or _DOB_AFTER_RE.match(text, end))


def _find_dates(text: str, out: list[tuple[int, int, str]]) -> None:
    spans: list[tuple[int, int]] = []
    for match in _DATE_NUMERIC_RE.finditer(text):
        first, second = int(match["a"]), int(match["b"])
        if _valid_day_month(first, second) or _valid_day_month(second, first):
            spans.append(match.span())
    for match in _DATE_ISO_RE.finditer(text):
        if _valid_day_month(int(match["d"]), int(match["m"])):
            spans.append(match.span())
    for match in _DATE_DAY_MONTH_YEAR_RE.finditer(text):
        if not 1 <= int(match["d"]) <= 31:
            continue
        # "5 may 10" is prose; "5 May 10" and "5 may 2010" are dates.
        if match["m"] == "may" and len(match["y"].lstrip("'’")) == 2:
            continue
        spans.append(match.span())
    for match in _DATE_MONTH_DAY_YEAR_RE.finditer(text):
        if 1 <= int(match["d"]) <= 31:
            spans.append(match.span())
    for start, end in spans:
        kind = KIND_DATE_OF_BIRTH if _is_date_of_birth(text, start, end) else KIND_DATE
        out.append((start, end, kind))
    for match in _DOB_PARTIAL_RE.finditer(text):
        out.append((match.start("date"), match.end("date"), KIND_DATE_OF_BIRTH))


# --- Names with titles -------------------------------------------------------

_TITLES = r"mrs|mr|ms|miss|mx|dr|master|professor|prof|sir|dame|reverend|revd|rev|nurse|sister"
# A name word starts with any letter here; `_name_token_ok` then insists on a capital, so
# capitals outside Latin-1 ("Łukasz") count too. "Mr.Jones" needs no space after the dot.
_TITLE_RE = re.compile(
    rf"(?<![\w.'’\-])(?P<title>(?i:{_TITLES}))(?![\w'’])(?P<dot>\.)?"
    rf"(?P<names>(?:(?:{_SP}+|(?<=\.)(?=[^\W\d_]))[^\W\d_][\w'’.\-]*){{1,6}})"
)
_TOKEN_RE = re.compile(r"\S+")
_INITIALS_RE = re.compile(r"(?:[A-Z]\.?){1,3}")
_DETERMINER_BEFORE_RE = re.compile(r"\b(?:the|a|an)\s+$", re.IGNORECASE)
_STOP_WORDS = frozenset(
    """
    mr mrs ms miss mx dr master prof professor sir dame rev revd reverend nurse sister
    i he she it we they you his her hers its our their my your this that these those
    the a an and or but so then also if as at by for from in into of on to with without
    about after before during over under
    is was were are be been has had have will would could should can may might must did
    does do said says asked told
    who what when where why how which yes no not all any some today tomorrow yesterday
    tonight monday tuesday wednesday thursday friday saturday sunday
    mum mummy mam mom dad daddy mother father parent parents grandma grandmother gran
    granny nan nanna grandad grandfather grandpa carer carers family brother baby child
    specialist specialists practitioner practitioners consultant consultants registrar
    lead leads manager team coordinator educator associate assistant advanced clinical
    community palliative paediatric paediatrics paediatrician hospice ward unit service
    services clinic practice surgery department trust network outreach liaison key
    worker on-call advisor adviser director matron prescriber home visit visits day night
    bank agency rota led
    barnardo tumble men seuss
    brain head spine scan chest abdomen pelvis cardiac heart imaging angiography angiogram
    spectroscopy whole body
    """.split()
)


def _name_token_ok(word: str, capitals: bool) -> bool:
    if not word:
        return False
    for part in word.split("-"):
        letters = part.replace("'", "").replace("’", "")
        if len(letters) < 2 or not letters.isalpha() or not letters[0].isupper():
            return False
        if capitals and not letters.isupper():
            return False
        if not capitals and not any(char.islower() for char in letters):
            return False
    return word.lower() not in _STOP_WORDS


def _name_span(text: str, match: re.Match[str]) -> tuple[int, int] | None:
    title = match["title"]
    if len(title) > 1 and title.isupper():
        capitals = True
    elif title.islower():
        if title == "miss":  # the verb: "did not miss Christmas"
            return None
        capitals = False
    elif title[0].isupper() and title[1:].islower():
        capitals = False
    else:
        return None
    start = match.start("title")
    if match["dot"] and _DETERMINER_BEFORE_RE.search(text, max(0, start - 8), start):
        return None  # "saw the Dr. Nothing changed" — a noun ending a sentence
    names_offset = match.start("names")
    end = None
    for token in _TOKEN_RE.finditer(match["names"]):
        word = token.group()
        if end is None and _INITIALS_RE.fullmatch(word) and not (capitals and len(word) > 1):
            continue  # initials count only before a name: "Dr J. Smith", not "Dr A"
        stop_after = False
        for suffix in ("'s", "’s", "'", "’"):
            if word.endswith(suffix):
                word = word[: -len(suffix)]
                stop_after = True
                break
        if word.endswith("."):
            word = word.rstrip(".")
            stop_after = True
        # After a first name, a surname may be in capitals: "Mrs Jane SMITH".
        if not (
            _name_token_ok(word, capitals)
            or (end is not None and len(word) > 2 and _name_token_ok(word, True))
        ):
            break
        end = names_offset + token.start() + len(word)
        if stop_after:
            break
    if end is None:
        return None
    return start, end


def _find_names(text: str, out: list[tuple[int, int, str]]) -> None:
    # A manual scan rather than finditer, so that "Mr Smith Mrs Jones" finds both: the scan
    # resumes where the accepted name ends, not where the greedy match of words ended.
    position = 0
    while match := _TITLE_RE.search(text, position):
        span = _name_span(text, match)
        if span:
            out.append((span[0], span[1], KIND_NAME_WITH_TITLE))
            position = span[1]
        else:
            position = match.end("title")


# --- Postcodes ---------------------------------------------------------------

_POSTCODE_RE = re.compile(
    rf"(?<![A-Za-z0-9])"
    rf"(?P<pc>(?:[A-PR-UWYZ](?:[0-9][A-HJKPSTUW0-9]?|[A-HK-Y][0-9][ABEHMNPRV-Y0-9]?)|GIR)"
    rf"{_SP}?[0-9][ABD-HJLNP-UW-Z]{{2}})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _find_postcodes(text: str, out: list[tuple[int, int, str]]) -> None:
    for match in _POSTCODE_RE.finditer(text):
        letters = [char for char in match["pc"] if char.isalpha()]
        if all(char.isupper() for char in letters) or all(char.islower() for char in letters):
            out.append((match.start(), match.end(), KIND_POSTCODE))


# --- Phone numbers -----------------------------------------------------------

_PHONE_RE = re.compile(
    rf"""
    (?<![\w+])
    (?P<head>
        (?:\+|00){_SP}?44{_SP}?(?:\(0\){_SP}?)?\(?[0-9]{{1,4}}\)?   # +44 7700, +44 (0)20
      | \(0[0-9]{{1,4}}\)                                           # (0113)
      | 0[0-9]{{1,4}}                                               # 0113, 07700
    )
    (?P<g1>{_PHONE_SEP}?[0-9]{{3,8}})
    (?P<g2>{_PHONE_SEP}?[0-9]{{3,8}})?
    (?![0-9])
    """,
    re.VERBOSE,
)


def _phone_ok(value: str) -> bool:
    digits = _digits(value)
    if value.startswith(("+", "00")):
        digits = digits[2:] if value.startswith("+") else digits[4:]
        if value.startswith("00") and not _digits(value).startswith("0044"):
            return False
        digits = "0" + digits.removeprefix("0")
    if len(digits) == 11:
        return digits[1] in "1235789"
    if len(digits) == 10:
        return digits[1] in "18"
    return False


def _find_phone_numbers(text: str, out: list[tuple[int, int, str]]) -> None:
    # A manual scan rather than finditer: when a match is too long ("0113 496 0000 0207...")
    # and only its first two groups are a phone number, the scan resumes after them.
    position = 0
    while match := _PHONE_RE.search(text, position):
        start = match.start()
        position = start + 1
        if _phone_ok(match.group()):
            out.append((start, match.end(), KIND_PHONE_NUMBER))
            position = match.end()
        elif match["g2"] and not match["g2"][0].isdigit():
            end = match.end("g1")
            if _phone_ok(text[start:end]):
                out.append((start, end, KIND_PHONE_NUMBER))
                position = end


# --- Email addresses ---------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.%+\-])[\w.%+\-]+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,}(?![\w\-])",
)


def _find_emails(text: str, out: list[tuple[int, int, str]]) -> None:
    for match in _EMAIL_RE.finditer(text):
        out.append((match.start(), match.end(), KIND_EMAIL))


# --- Hospital numbers --------------------------------------------------------

_HOSPITAL_LABEL = (
    rf"(?:\b(?:hospital|hosp\.?){_SP}*(?:number|num|no\.?|id|ref(?:erence)?|#)"
    rf"|\b(?:medical|health){_SP}+records?{_SP}*(?:number|no\.?|id)"
    rf"|\bcase{_SP}*notes?{_SP}*(?:number|no\.?)"
    rf"|\b(?:unit|patient|local{_SP}+patient|trust|pas|rtt|chi|h{_SP}?&{_SP}?c){_SP}*"
    rf"(?:number|num|no\.?|identifier|id|#)"
    rf"|\bchi\b|\bmrn)(?![a-z])"
)
# After a label: a number of five or more digits, with up to four letters before it (and
# a separator), or digits in groups of two to five.
_HOSPITAL_LABELLED_RE = re.compile(
    rf"{_HOSPITAL_LABEL}{_SP}*(?:is{_SP}+)?[:#=\-]?{_SP}*"
    rf"(?P<id>[a-z]{{0,4}}[\-/]?[0-9][0-9a-z]*(?:(?:{_SP}|[\-/])[0-9][0-9a-z]*){{0,3}})"
    rf"{_AFTER_NUMBER}",
    re.IGNORECASE,
)
_HOSPITAL_MIN_DIGITS = 5
# The common trust formats, unlabelled: capitals then digits (RJ1234567, RXH-1234567,
# RJZ/123456), or capitals then digits in groups joined by one dash or slash
# (RXH-123-4567); and capitals, a space and six or more digits (ABC 1234567), where the
# finding is the number alone (so "NHS 9434765919" is an NHS number).
_HOSPITAL_CODE_RE = re.compile(
    r"(?<![\w/.\-])(?:[A-Z]{1,4}[\-/]?[0-9]{6,10}"
    r"|[A-Z]{1,4}(?P<sep>[\-/])[0-9]{3,5}(?P=sep)[0-9]{3,5})(?![\w/]|[.\-][0-9])"
)
_HOSPITAL_SPACED_RE = re.compile(
    r"(?<![\w/.\-])[A-Z]{2,4} (?P<num>[0-9]{6,10})(?![\w/]|[.\-][0-9])"
)


def _find_hospital_numbers(text: str, out: list[tuple[int, int, str]]) -> None:
    for match in _HOSPITAL_LABELLED_RE.finditer(text):
        if len(_digits(match["id"])) >= _HOSPITAL_MIN_DIGITS:
            out.append((match.start("id"), match.end("id"), KIND_HOSPITAL_NUMBER))
    for match in _HOSPITAL_CODE_RE.finditer(text):
        out.append((match.start(), match.end(), KIND_HOSPITAL_NUMBER))
    for match in _HOSPITAL_SPACED_RE.finditer(text):
        out.append((match.start("num"), match.end("num"), KIND_HOSPITAL_NUMBER))


# --- National Insurance numbers ---------------------------------------------

# Two letters, six digits (in pairs or together, one kind of separator) and A-D. The
# letters are not checked against HMRC's allocated prefixes: a mistyped or example number
# (QQ 12 34 56 C) is still refused. Without the final letter, the pairs must be spaced
# (AB 12 34 56); AB123456 is a trust number above.
_NI_RE = re.compile(
    rf"(?<![A-Za-z0-9])(?P<ni>[A-Za-z]{{2}}(?P<sep>{_SP}?|-)[0-9]{{2}}(?P=sep)[0-9]{{2}}"
    rf"(?P=sep)[0-9]{{2}}(?:(?P=sep)[A-Da-d])?)(?![A-Za-z0-9])"
)
_NI_LABELLED_RE = re.compile(
    rf"\b(?:national{_SP}+insurance|n\.?{_SP}?i\.?|nino)(?:{_SP}*(?:number|no\.?|#))?{_SP}*"
    rf"(?:is{_SP}+)?[:#=\-]?{_SP}*(?P<ni>[a-z]{{2}}(?:{_SP}?[0-9]){{6}}(?:{_SP}?[a-d])?)"
    rf"(?![a-z0-9])",
    re.IGNORECASE,
)


def _find_ni_numbers(text: str, out: list[tuple[int, int, str]]) -> None:
    for match in _NI_RE.finditer(text):
        ni = match["ni"]
        letters = [char for char in ni if char.isalpha()]
        same_case = all(c.isupper() for c in letters) or all(c.islower() for c in letters)
        has_suffix = ni[-1].isalpha()
        if same_case and (has_suffix or match["sep"]):
            out.append((match.start("ni"), match.end("ni"), KIND_NI_NUMBER))
    for match in _NI_LABELLED_RE.finditer(text):
        out.append((match.start("ni"), match.end("ni"), KIND_NI_NUMBER))


# --- Full names without a title ----------------------------------------------

# A first name from `first_names.txt` (common given names in the UK, of children and of
# their parents' generation), then one to three capitalised names: "Oliver Smith",
# "Amelia-Rose O'Neill", "Ruby Jane McDONALD". Left alone: a first name alone ("Oliver"),
# a first name before a word that is no surname ("Grace House", "Martin House Hospice",
# "Lily Ward"), names of charities and characters children love ("Marie Curie",
# "Sue Ryder", "Peppa Pig"), and a name that is part of a place ("Mary Stevens Hospice").
FIRST_NAMES: frozenset[str] = frozenset(
    line.strip().lower()
    for line in (Path(__file__).resolve().with_name("first_names.txt"))
    .read_text("utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
)
_NOT_SURNAMES = frozenset(
    """
    house hospice hospital ward unit trust centre center clinic team service services
    foundation fund charity institute school academy college university nursery street
    road lane avenue drive close way place court park square gardens hill green wing suite
    room building hall lodge cottage farm village town city county station church chapel
    syndrome disease disorder palsy dystrophy atrophy sarcoma tumour tumor protocol
    scale score tool test method model approach pathway plan programme program project
    award prize lecture fellowship scholarship bursary appeal
    day week month year night morning evening weekend christmas easter
    january february march april june july august september october november december
    hospitals hospices children children's childrens kids young family families
    nhs icb gp ccg cnn cnt cns ics
    england scotland wales ireland britain london valley wood forest bank
    """.split()
)
_NOT_PEOPLE = frozenset(
    {
        ("marie", "curie"),
        ("sue", "ryder"),
        ("florence", "nightingale"),
        ("cicely", "saunders"),
        ("mary", "seacole"),
        ("edith", "cavell"),
        ("ronald", "mcdonald"),
        ("jessie", "may"),
        ("helen", "douglas"),
        ("donna", "louise"),
        ("molly", "olly"),
        ("harry", "potter"),
        ("peppa", "pig"),
        ("george", "pig"),
        ("mickey", "mouse"),
        ("minnie", "mouse"),
        ("buzz", "lightyear"),
        ("thomas", "tank"),
        ("bob", "builder"),
        ("winnie", "pooh"),
        ("christopher", "robin"),
    }
)
# A name followed by one of these is part of the name of a place or an award.
_PLACE_WORDS = frozenset(
    """
    house hospice hospital ward unit trust centre center clinic foundation fund charity
    institute school academy college university nursery street road lane avenue drive close
    way place court park square gardens hill green wing suite room building hall lodge
    cottage farm children's childrens award prize lecture fellowship scholarship appeal
    memorial
    """.split()
)
_NAME_WORD_RE = re.compile(r"(?<![\w'’\-])[^\W\d_][\w'’\-]*")
_POSSESSIVE = ("'s", "’s", "s'", "s’", "'", "’")


def _surname_ok(word: str) -> bool:
    bare = word
    for suffix in _POSSESSIVE:
        if bare.endswith(suffix) and len(bare) > len(suffix) + 1:
            bare = bare[: -len(suffix)]
            break
    if bare.lower() in _NOT_SURNAMES or bare.lower() in _STOP_WORDS:
        return False
    for part in bare.replace("’", "'").split("-"):
        letters = part.replace("'", "")
        if len(letters) < 2 or not letters.isalpha() or not letters[0].isupper():
            return False
    return True


def _find_full_names(text: str, out: list[tuple[int, int, str]]) -> None:
    words = list(_NAME_WORD_RE.finditer(text))
    index = 0
    while index < len(words) - 1:
        first = words[index]
        word = first.group()
        given = word.split("-")[0].lower()
        capitals = word.isupper()
        if not (
            word[0].isupper() and given in FIRST_NAMES and (capitals or not word[1:].isupper())
        ):
            index += 1
            continue
        end, last_word, taken = first.end(), None, 0
        for following in words[index + 1 : index + 4]:
            gap = text[end : following.start()]
            if gap not in (" ", "\u00a0") or not _surname_ok(following.group()):
                break
            if capitals and not following.group().isupper():
                break
            last_word, end, taken = following, following.end(), taken + 1
            if following.group().endswith(_POSSESSIVE):
                break
        if last_word is None:
            index += 1
            continue
        after = words[index + taken + 1] if index + taken + 1 < len(words) else None
        place = (
            after is not None
            and not last_word.group().endswith(_POSSESSIVE)
            and text[last_word.end() : after.start()] in (" ", "\u00a0")
            and after.group().lower() in _PLACE_WORDS
        )
        surname = last_word.group()
        for suffix in _POSSESSIVE:
            if surname.endswith(suffix):
                surname = surname[: -len(suffix)]
                break
        if place or (given, surname.lower()) in _NOT_PEOPLE:
            index += taken + 1
            continue
        out.append((first.start(), last_word.start() + len(surname), KIND_FULL_NAME))
        index += taken + 1


# --- Putting it together -----------------------------------------------------

_DETECTORS = (
    _find_nhs_numbers,
    _find_ni_numbers,
    _find_emails,
    _find_dates,
    _find_phone_numbers,
    _find_hospital_numbers,
    _find_postcodes,
    _find_names,
    _find_full_names,
)


def _resolve(candidates: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longest (then most specific) of any overlapping candidates."""
    ordered = sorted(set(candidates), key=lambda c: (c[0] - c[1], _RANK[c[2]], c[0]))
    starts: list[int] = []
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in ordered:
        index = bisect.bisect_right(starts, start)
        if index and kept[index - 1][1] > start:
            continue
        if index < len(kept) and kept[index][0] < end:
            continue
        starts.insert(index, start)
        kept.insert(index, (start, end, kind))
    return kept


_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")


def _normalised(text: str) -> tuple[str, list[int]]:
    """The text as the detectors read it, and for each of its characters the index of the
    original character it came from.

    Look-alikes cannot hide an identifier: each character is NFKC-normalised
    (fullwidth digits become digits, odd spaces become spaces), every dash
    becomes "-", tabs become spaces, and invisible format characters (zero-width
    spaces, soft hyphens, direction marks) are dropped.
    """
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cf":
            continue
        if char == "\t":
            char = " "
        for piece in unicodedata.normalize("NFKC", char).translate(_DASHES):
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


def find_identifiers(text: str) -> list[Finding]:
    """Every stretch of `text` that looks like an identifier, sorted by start.

    Findings never overlap and their positions are in `text` as given. An empty
    list means the text passed.
    """
    if not text:
        return []
    normal, origin = _normalised(text)
    if not normal:
        return []
    candidates: list[tuple[int, int, str]] = []
    for detect in _DETECTORS:
        detect(normal, candidates)
    findings = []
    for start, end, kind in _resolve(candidates):
        first, last = origin[start], origin[end - 1] + 1
        findings.append(
            Finding(
                kind=kind, start=first, end=last, text=text[first:last], message=str(MESSAGES[kind])
            )
        )
    return findings


def describe(finding: Finding) -> str:
    """The message shown wherever the guard refuses text: what it found, and where."""
    return gettext("%(message)s Remove or reword “%(text)s”.") % {
        "message": finding.message,
        "text": finding.text,
    }


class IdentifiableTextError(ValidationError):
    """Text refused because it could identify someone; `findings` maps each field's name
    to what was found in it. Nothing was stored or sent."""

    def __init__(self, findings: Mapping[str, list[Finding]]) -> None:
        self.findings = dict(findings)
        super().__init__(
            {
                field: [describe(finding) for finding in items]
                for field, items in self.findings.items()
            }
        )

    @property
    def sentence(self) -> str:
        """Every finding in one line, for a place with a single message (chat, a flash)."""
        return " ".join(describe(f) for items in self.findings.values() for f in items)


def refuse_identifiers(texts: Mapping[str, str]) -> None:
    """Raise IdentifiableTextError if any of these texts (field name → text) could identify
    someone. Every service where case talk happens calls this before storing anything."""
    findings = {field: found for field, text in texts.items() if (found := find_identifiers(text))}
    if findings:
        raise IdentifiableTextError(findings)
