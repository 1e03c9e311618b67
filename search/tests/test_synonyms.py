"""The clinical synonym list and its API. No database needed."""

from __future__ import annotations

from collections import Counter

import pytest

from search import synonyms

REQUIRED = ["csci", "acp", "eol", "cyp", "llc", "ppc", "ccn", "dnacpr", "respect", "prn", "mdt"]


def write(tmp_path, text):
    path = tmp_path / "synonyms.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_sits_beside_the_module():
    assert synonyms.SYNONYMS_FILE.name == "synonyms.txt"
    assert synonyms.SYNONYMS_FILE.parent == synonyms.Path(synonyms.__file__).resolve().parent
    assert synonyms.SYNONYMS_FILE.is_file()


def test_the_list_has_at_least_sixty_groups():
    assert len(synonyms.load()) >= 60


def test_every_group_has_two_distinct_normalised_terms():
    for group in synonyms.load():
        assert len(set(group)) == len(group) >= 2, group
        for term in group:
            assert term == synonyms.normalise(term) and term, group
            assert "=>" not in term and "," not in term, group


def test_no_term_is_in_two_groups():
    counts = Counter(term for group in synonyms.load() for term in group)
    assert [term for term, count in counts.items() if count > 1] == []


def test_the_raw_file_has_no_term_in_two_groups():
    # Independent of load(), which refuses such a file anyway.
    seen = {}
    lines = synonyms.SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert line == line.lower(), f"line {number} is not lower case"
        for term in line.split(", "):
            assert term not in seen, f"{term!r} on lines {seen.get(term)} and {number}"
            seen[term] = number


@pytest.mark.parametrize("abbreviation", REQUIRED)
def test_required_abbreviations_are_present(abbreviation):
    terms = {term for group in synonyms.load() for term in group}
    assert abbreviation in terms
    assert synonyms.alternatives(abbreviation)


def test_required_groups_hold_their_meanings():
    assert "syringe driver" in synonyms.alternatives("CSCI")
    assert "continuous subcutaneous infusion" in synonyms.alternatives("csci")
    assert {"advance care plan", "advance care planning"} <= set(synonyms.alternatives("acp"))
    assert "end of life" in synonyms.alternatives("EOL")
    assert "children and young people" in synonyms.alternatives("cyp")
    assert "paediatric palliative care" in synonyms.alternatives("ppc")
    assert "community children's nurse" in synonyms.alternatives("ccn")
    assert {"dnar", "dnacpr"} <= set(
        synonyms.alternatives("do not attempt cardiopulmonary resuscitation")
    )
    assert "as required" in synonyms.alternatives("prn")
    assert "multidisciplinary team" in synonyms.alternatives("mdt")


def test_the_preferred_form_comes_first():
    by_abbreviation = {term: group for group in synonyms.load() for term in group}
    assert by_abbreviation["csci"][0] == "continuous subcutaneous infusion"
    assert by_abbreviation["mdt"][0] == "multidisciplinary team"


def test_normalise():
    assert synonyms.normalise("  Children\u2019s \t Hospice\n") == "children's hospice"
    assert synonyms.normalise("\u2018CSCI\u2019") == "'csci'"
    assert synonyms.normalise("\uff23\uff33\uff23\uff29") == "csci"  # full-width, NFKC
    assert synonyms.normalise("") == ""


def test_alternatives():
    assert synonyms.alternatives("Syringe  Driver") == ("continuous subcutaneous infusion", "csci")
    assert "syringe driver" not in synonyms.alternatives("syringe driver")
    assert synonyms.alternatives("children\u2019s hospice")
    assert synonyms.alternatives("not a clinical term") == ()
    assert synonyms.alternatives("") == ()


def test_expand_single_word():
    assert synonyms.expand(["csci", "dose"]) == [
        (0, 1, ("continuous subcutaneous infusion", "syringe driver", "csci"))
    ]


def test_expand_multi_word_and_mixed_case():
    matches = synonyms.expand(["setting", "up", "a", "Syringe", "DRIVER", "at", "home"])
    assert matches == [(3, 5, ("continuous subcutaneous infusion", "syringe driver", "csci"))]


def test_expand_prefers_the_longest_match():
    # "end of life care" beats "end of life"; "hospice at home" beats "hospice".
    matches = synonyms.expand("end of life care and hospice at home".split())
    assert [(start, end) for start, end, _ in matches] == [(0, 4), (5, 8)]
    assert "eolc" in matches[0][2]
    assert "hospice" not in matches[1][2]
    assert synonyms.expand("end of life".split()) == [(0, 3, ("end of life", "eol"))]


def test_expand_finds_several_matches_without_overlap():
    words = "prn oramorph via ng tube for cyp".split()
    spans = [(start, end) for start, end, _ in synonyms.expand(words)]
    assert spans == [(0, 1), (1, 2), (3, 5), (6, 7)]
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start


def test_expand_with_nothing_to_find():
    assert synonyms.expand([]) == []
    assert synonyms.expand(["monthly", "webinar"]) == []


def test_load_reads_a_custom_file(tmp_path):
    path = write(tmp_path, "# comment\n\nAlpha,  Beta\u2019s ,gamma\n  one, two\n")
    assert synonyms.load(path) == (("alpha", "beta's", "gamma"), ("one", "two"))


@pytest.mark.parametrize(
    "bad_line",
    ["alpha", "alpha, , beta", "alpha, beta,", "alpha => beta", "alpha, alpha", "zeta, one"],
)
def test_load_rejects_a_malformed_line_with_its_number(tmp_path, bad_line):
    path = write(tmp_path, f"# header\none, two\n\n{bad_line}\n")
    with pytest.raises(ValueError, match=r"line 4\b"):
        synonyms.load(path)


def test_solr_rules_round_trip_with_load(tmp_path):
    rules = synonyms.solr_rules()
    assert len(rules) == len(synonyms.load())
    assert all("=>" not in rule for rule in rules)
    assert "continuous subcutaneous infusion, syringe driver, csci" in rules
    path = write(tmp_path, "\n".join(rules) + "\n")
    assert synonyms.load(path) == synonyms.load()
