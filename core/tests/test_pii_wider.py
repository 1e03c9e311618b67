"""The guard's wider reach: National Insurance numbers, trust and hospital numbers in
their common formats, full names without a title, the NHS's own test numbers; and the
clinical prose, places and charities that must still pass."""

from __future__ import annotations

import time

import pytest

from core.pii import (
    KIND_FULL_NAME,
    KIND_HOSPITAL_NUMBER,
    KIND_NHS_NUMBER,
    KIND_NI_NUMBER,
    IdentifiableTextError,
    find_identifiers,
    refuse_identifiers,
)

from .factories import assert_well_formed

IDENTIFYING = [
    # National Insurance numbers, however they are written (prefixes are not checked)
    ("Dad's NI number is QQ 12 34 56 C for the DLA form.", KIND_NI_NUMBER, "QQ 12 34 56 C"),
    ("Benefits form shows AB123456C.", KIND_NI_NUMBER, "AB123456C"),
    ("ni: ab123456c was on the letter", KIND_NI_NUMBER, "ab123456c"),
    ("Carer's allowance ref JG-10-37-42-A", KIND_NI_NUMBER, "JG-10-37-42-A"),
    ("The form had AB 12 34 56 at the top.", KIND_NI_NUMBER, "AB 12 34 56"),
    ("National Insurance number: NY 01 23 45", KIND_NI_NUMBER, "NY 01 23 45"),
    ("NINO PE123456D noted", KIND_NI_NUMBER, "PE123456D"),
    # Hospital and trust numbers with letters, digits and separators
    ("Ward list: RXH-1234567 in bay 2.", KIND_HOSPITAL_NUMBER, "RXH-1234567"),
    ("Old notes under RJZ/123456 at the other trust.", KIND_HOSPITAL_NUMBER, "RJZ/123456"),
    ("Label RXH-123-4567 on the syringe driver.", KIND_HOSPITAL_NUMBER, "RXH-123-4567"),
    ("Wristband ABC 1234567 was checked.", KIND_HOSPITAL_NUMBER, "1234567"),
    ("Trust number: RX1 2345678 on the referral.", KIND_HOSPITAL_NUMBER, "RX1 2345678"),
    ("Trust ID 12-345-678 on the discharge letter.", KIND_HOSPITAL_NUMBER, "12-345-678"),
    ("PAS number 00123456 from the old system.", KIND_HOSPITAL_NUMBER, "00123456"),
    ("hospital no. RJ-123 4567 per the ward", KIND_HOSPITAL_NUMBER, "RJ-123 4567"),
    ("Local patient ID A12345B on the chart.", KIND_HOSPITAL_NUMBER, "A12345B"),
    ("CHI 1203191234 from the Scottish team.", KIND_HOSPITAL_NUMBER, "1203191234"),
    ("H&C number 320 123 4568 from Belfast.", KIND_HOSPITAL_NUMBER, "320 123 4568"),
    ("H&C number 320 123 4567 (valid as an NHS number)", KIND_NHS_NUMBER, "320 123 4567"),
    # Full names without a title
    ("Oliver Smith was admitted with a chest infection.", KIND_FULL_NAME, "Oliver Smith"),
    ("Seen with Amelia-Rose O'Neill's mum at home.", KIND_FULL_NAME, "Amelia-Rose O'Neill"),
    ("Discussed Isla Jane McDonald at the MDT.", KIND_FULL_NAME, "Isla Jane McDonald"),
    ("ALFIE JONES was transferred to the hospice.", KIND_FULL_NAME, "ALFIE JONES"),
    ("Referral for Sophie SMITH from the GP.", KIND_FULL_NAME, "Sophie SMITH"),
    ("Muhammad Khan's seizures increased.", KIND_FULL_NAME, "Muhammad Khan"),
    ("Thanks to Sarah Jones-Brown for presenting.", KIND_FULL_NAME, "Sarah Jones-Brown"),
    # The NHS's test numbers and repeated digits are valid by the check digit: refused
    ("Test patient 999 999 9999 in the demo system.", KIND_NHS_NUMBER, "999 999 9999"),
    ("Sandbox NHS number 9000000009.", KIND_NHS_NUMBER, "9000000009"),
    ("NHS no 1111111111 on the form", KIND_NHS_NUMBER, "1111111111"),
    ("The example 943 476 5919 from the NHS guide.", KIND_NHS_NUMBER, "943 476 5919"),
]


@pytest.mark.parametrize(("text", "kind", "identifier"), IDENTIFYING)
def test_wider_identifier_is_found(text, kind, identifier):
    findings = find_identifiers(text)
    assert_well_formed(text, findings)
    assert [(f.kind, f.text) for f in findings] == [(kind, identifier)]


CLEAN = [
    # First names alone, and names that are part of places, wards and charities
    "Oliver's mum asked about respite at the weekend.",
    "Referred to Martin House Hospice and to Mary Stevens Hospice for respite.",
    "Transferred from Lily Ward to Grace House for end of life care.",
    "The Marie Curie nurses and Sue Ryder team shared the nights.",
    "Donna Louise Children's Hospice offered a bed; Helen Douglas House too.",
    "Jessie May nurses visit at home; the Florence Nightingale Foundation funded training.",
    "Alexander Devine Children's Hospice Service covers the area.",
    "He loves Peppa Pig and Harry Potter, and watches Paw Patrol before sleep.",
    # Eponymous conditions and tools
    "Alexander disease was confirmed; Louis-Bar syndrome had been considered.",
    "The AMBER care bundle and the Amber Care Bundle checklist were both used.",
    "Charcot-Marie-Tooth, Prader-Willi and Rett syndrome are in the differential.",
    "Hunter syndrome (MPS II) with Sanfilippo considered earlier.",
    # Numbers that are not identifiers
    "HR 140 150 160 overnight, then settled; GCS 15 14 13 across the shifts.",
    "BP 120/80, SpO2 92% on 2 L/min, ICD-10 G12.0 recorded.",
    "Placeholders 000 000 0000 and XXX XXX XXXX were left in the template.",
    "Dose 2.5 mg PRN, max 6 doses in 24 hours; 10 ml syringe; 3/7 course.",
    "Version 2.1.3 of the guideline, section 4.2, table 3.",
    "MRN not known; hospital number to follow.",
    "Reviewed at the MDT, with Mum and Dad, the GP and the CNS.",
    "Sentences may start with Will, May or June: Will Mum manage at home in June?",
    "ACT category 2, SMA type 1, T21, CLN2 and ABC approach were discussed.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clinical_prose_places_and_charities_pass(text):
    assert [(f.kind, f.text) for f in find_identifiers(text)] == []


@pytest.mark.parametrize(
    "text",
    [
        "Oliver " * 5_000,
        "Oliver Smith " * 2_000,
        "QQ 12 " * 4_000,
        "MRN 1 " * 4_000,
        "RXH-1" * 4_000,
    ],
    ids=["first names", "full names", "ni pairs", "mrn digits", "trust codes"],
)
def test_adversarial_input_for_the_new_detectors_is_fast(text):
    started = time.perf_counter()
    findings = find_identifiers(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.3f}s"
    assert_well_formed(text, findings)


def test_refuse_identifiers_names_every_finding_by_field():
    refuse_identifiers({"body": "Nothing to see: a 7-year-old with SMA type 1."})
    with pytest.raises(IdentifiableTextError) as refused:
        refuse_identifiers(
            {"title": "Oliver Smith", "body": "NHS number 943 476 5919, NI QQ123456C", "ok": "x"}
        )
    error = refused.value
    assert set(error.findings) == {"title", "body"}
    assert [f.kind for f in error.findings["body"]] == [KIND_NHS_NUMBER, KIND_NI_NUMBER]
    assert error.message_dict["title"] == [
        "This looks like a person's full name. Describe people by their role instead, for "
        "example “the consultant” or “Mum”. Remove or reword “Oliver Smith”."
    ]
    assert "“943 476 5919”" in error.sentence and "“QQ123456C”" in error.sentence
