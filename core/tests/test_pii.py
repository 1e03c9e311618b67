"""The PII guard: what it refuses, what it lets through, and how fast it does it."""

from __future__ import annotations

import dataclasses
import time

import pytest

from core.pii import (
    KIND_DATE,
    KIND_DATE_OF_BIRTH,
    KIND_EMAIL,
    KIND_HOSPITAL_NUMBER,
    KIND_NAME_WITH_TITLE,
    KIND_NHS_NUMBER,
    KIND_PHONE_NUMBER,
    KIND_POSSIBLE_NHS_NUMBER,
    KIND_POSTCODE,
    find_identifiers,
)

from .factories import assert_well_formed


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit, worked out independently of the module (None: invalid)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


# (text, kind, the identifier that the one finding must be)
IDENTIFYING = [
    # NHS numbers with a valid check digit, however they are written
    (
        "4-year-old with SMA type 1, NHS number 943 476 5919, seen at home",
        KIND_NHS_NUMBER,
        "943 476 5919",
    ),
    (
        "Referred by the hospice; NHS no. 943-476-5919 on the referral letter.",
        KIND_NHS_NUMBER,
        "943-476-5919",
    ),
    ("NHS: 943.476.5919 - please check against the summary.", KIND_NHS_NUMBER, "943.476.5919"),
    ("Her NHS number is 9434765919 and she lives with Mum.", KIND_NHS_NUMBER, "9434765919"),
    ("Number on the drug chart: 9 4 3 4 7 6 5 9 1 9.", KIND_NHS_NUMBER, "9 4 3 4 7 6 5 9 1 9"),
    (
        "A 10-year-old with neuroblastoma, 94 34 76 59 19 on the chart.",
        KIND_NHS_NUMBER,
        "94 34 76 59 19",
    ),
    ("Discharge letter lists 401 023 2137 for the child.", KIND_NHS_NUMBER, "401 023 2137"),
    ("Copied from the GP record (4857773457) by mistake.", KIND_NHS_NUMBER, "4857773457"),
    # shaped like an NHS number, wrong check digit
    ("Referral quoted 943 476 5918 as the identifier.", KIND_POSSIBLE_NHS_NUMBER, "943 476 5918"),
    ("Ward list: 1234567890, bed 4, trisomy 18.", KIND_POSSIBLE_NHS_NUMBER, "1234567890"),
    ("NHS no 94 34 76 59 18 on the old letter.", KIND_POSSIBLE_NHS_NUMBER, "94 34 76 59 18"),
    # dates of birth
    (
        "Boy with Duchenne muscular dystrophy, DOB 12/03/2019, lives with grandparents.",
        KIND_DATE_OF_BIRTH,
        "12/03/2019",
    ),
    ("D.O.B. 12-03-19; ACT category 1.", KIND_DATE_OF_BIRTH, "12-03-19"),
    (
        "Date of birth: 12th March 2019. Diagnosed with Batten disease at 3.",
        KIND_DATE_OF_BIRTH,
        "12th March 2019",
    ),
    ("She was born on 3 June 2018 at 28 weeks' gestation.", KIND_DATE_OF_BIRTH, "3 June 2018"),
    ("born 2019-03-12, transferred to NICU the next day", KIND_DATE_OF_BIRTH, "2019-03-12"),
    (
        "Born on the 12th of March 2019 by emergency caesarean.",
        KIND_DATE_OF_BIRTH,
        "12th of March 2019",
    ),
    ("Twins, 04.11.2020 (DOB), both with SMA type 1.", KIND_DATE_OF_BIRTH, "04.11.2020"),
    ("DOB: March 2019 (month only given on the form).", KIND_DATE_OF_BIRTH, "March 2019"),
    # other full dates
    ("Admitted to PICU on 12/03/2024 with aspiration pneumonia.", KIND_DATE, "12/03/2024"),
    ("MDT meeting held 14.02.2025 to agree the advance care plan.", KIND_DATE, "14.02.2025"),
    ("Gastrostomy placed on 5 January 2024 without complications.", KIND_DATE, "5 January 2024"),
    ("ReSPECT form signed on the 21st of August 2023.", KIND_DATE, "21st of August 2023"),
    ("Seen in clinic March 12, 2024 for symptom review.", KIND_DATE, "March 12, 2024"),
    ("Last seizure 2024-11-30, rescue midazolam given.", KIND_DATE, "2024-11-30"),
    ("Hospice stay from 3 Feb '24 for respite.", KIND_DATE, "3 Feb '24"),
    ("Bereavement follow-up booked for 02-10-25.", KIND_DATE, "02-10-25"),
    ("Syringe driver started 12-Mar-2024 at home.", KIND_DATE, "12-Mar-2024"),
    # names with titles
    (
        "Mrs Jones (Mum) wants to discuss end-of-life care at home.",
        KIND_NAME_WITH_TITLE,
        "Mrs Jones",
    ),
    (
        "Reviewed by Dr. Sarah O'Neill, paediatric palliative care consultant.",
        KIND_NAME_WITH_TITLE,
        "Dr. Sarah O'Neill",
    ),
    ("Master Oliver Smith, aged 6, has trisomy 18.", KIND_NAME_WITH_TITLE, "Master Oliver Smith"),
    (
        "Letter copied to Ms Smith-Jones at the special school.",
        KIND_NAME_WITH_TITLE,
        "Ms Smith-Jones",
    ),
    ("Prof Patel suggested a trial of gabapentin.", KIND_NAME_WITH_TITLE, "Prof Patel"),
    (
        "Nurse Bailey visits twice a week from the children's hospice.",
        KIND_NAME_WITH_TITLE,
        "Nurse Bailey",
    ),
    ("Discussed with Dr J. McDonald from neurology.", KIND_NAME_WITH_TITLE, "Dr J. McDonald"),
    ("Her older sister Amy, aged 9, is struggling at school.", KIND_NAME_WITH_TITLE, "sister Amy"),
    ("REFERRAL FROM DR PATEL, COMMUNITY PAEDIATRICS", KIND_NAME_WITH_TITLE, "DR PATEL"),
    ("Mx Taylor is the key worker for the family.", KIND_NAME_WITH_TITLE, "Mx Taylor"),
    ("Mr Ahmed's view is that she should stay at home.", KIND_NAME_WITH_TITLE, "Mr Ahmed"),
    ("Mrs Jane SMITH consented to the referral.", KIND_NAME_WITH_TITLE, "Mrs Jane SMITH"),
    # postcodes
    ("Family live at LS1 4AP, a flat on the third floor.", KIND_POSTCODE, "LS1 4AP"),
    ("Moved to SW1A 1AA last year; long journey to the hospice.", KIND_POSTCODE, "SW1A 1AA"),
    ("home postcode ls14ap per the referral", KIND_POSTCODE, "ls14ap"),
    ("Lives near B33 8TH with Mum, Dad and two siblings.", KIND_POSTCODE, "B33 8TH"),
    ("Transferred to a hospice near EC1A 1BB.", KIND_POSTCODE, "EC1A 1BB"),
    ("Grandparents in DN55 1PT help with respite.", KIND_POSTCODE, "DN55 1PT"),
    ("Address on the letter ends M1 1AE.", KIND_POSTCODE, "M1 1AE"),
    ("Their new address is in CR26XH, nearer school.", KIND_POSTCODE, "CR26XH"),
    # phone numbers
    ("Mum's mobile 07700 900123 if the team need to call.", KIND_PHONE_NUMBER, "07700 900123"),
    ("Contact the ward on 0113 496 0000 out of hours.", KIND_PHONE_NUMBER, "0113 496 0000"),
    ("Family abroad, reachable on +44 7700 900123.", KIND_PHONE_NUMBER, "+44 7700 900123"),
    ("Hospice line (0113) 4960000 for advice.", KIND_PHONE_NUMBER, "(0113) 4960000"),
    ("Community team on +44 (0)20 7946 0018.", KIND_PHONE_NUMBER, "+44 (0)20 7946 0018"),
    ("Call 020 7946 0018 for the on-call consultant.", KIND_PHONE_NUMBER, "020 7946 0018"),
    ("Symptom management advice line 01632 960 001.", KIND_PHONE_NUMBER, "01632 960 001"),
    ("Dad's number 07700900123 is on the care plan.", KIND_PHONE_NUMBER, "07700900123"),
    ("Tel: 0161 496 0123.", KIND_PHONE_NUMBER, "0161 496 0123"),
    # email addresses
    (
        "Dad emailed from dad.smith@example.com asking about respite.",
        KIND_EMAIL,
        "dad.smith@example.com",
    ),
    (
        "Please send the plan to palliative.team@nhs.net before the session.",
        KIND_EMAIL,
        "palliative.team@nhs.net",
    ),
    ("Contact: Jo_Bloggs+echo@hospice.org.uk.", KIND_EMAIL, "Jo_Bloggs+echo@hospice.org.uk"),
    # hospital numbers
    ("Hospital number RJ1234567 on the discharge summary.", KIND_HOSPITAL_NUMBER, "RJ1234567"),
    ("MRN: 12345678, transferred from the neonatal unit.", KIND_HOSPITAL_NUMBER, "12345678"),
    ("Hospital no. 1234567 - please redact before sharing.", KIND_HOSPITAL_NUMBER, "1234567"),
    ("hosp no K123456 per the ward list", KIND_HOSPITAL_NUMBER, "K123456"),
    ("Ward list shows A1234567 next to bed 4.", KIND_HOSPITAL_NUMBER, "A1234567"),
    ("Patient identifier: 7654321 on the wristband.", KIND_HOSPITAL_NUMBER, "7654321"),
    ("patient ID: AB123456 on the syringe driver chart", KIND_HOSPITAL_NUMBER, "AB123456"),
    ("Hospital number 943 476 5918 on the old notes.", KIND_HOSPITAL_NUMBER, "943 476 5918"),
]


@pytest.mark.parametrize(("text", "kind", "identifier"), IDENTIFYING)
def test_identifier_is_found(text, kind, identifier):
    findings = find_identifiers(text)
    assert_well_formed(text, findings)
    assert [(f.kind, f.text) for f in findings] == [(kind, identifier)]
    (finding,) = findings
    start = text.index(identifier)
    assert finding.start <= start and finding.end >= start + len(identifier)


CLEAN = [
    # ages and durations
    "A 7-year-old girl with Duchenne muscular dystrophy, now non-ambulant.",
    "Aged 14 months, diagnosed with SMA type 1 at 3 months old.",
    "A 4-year-old boy with neuroblastoma relapse, ACT category 1.",
    "Trisomy 18 diagnosed antenatally; born at 36 weeks, now 18 months old.",
    "Batten disease (CLN2), ACT category 3, enzyme replacement stopped in 2023.",
    "3 admissions in 6 months, each for aspiration pneumonia.",
    "Reduced to 2/52 reviews, then 3/7 after the last admission.",
    "An advance care plan was agreed in 2024 and reviewed 6 months later.",
    "Ventilated for 72 hours, then extubated to 1 L/min high-flow.",
    "She is 4 years old and was born in 2021 after an uneventful pregnancy.",
    # drugs and doses
    "Morphine 0.1 mg/kg every 4 hours as required for breakthrough pain.",
    "Midazolam 2.5 mg buccal for seizures lasting more than 5 minutes.",
    "Levetiracetam 250 mg twice daily, increased to 500 mg twice daily.",
    "Oxygen 2 L/min via nasal cannula overnight; SpO2 92-94%.",
    "Gabapentin 5 mg/kg/day in three divided doses for neuropathic pain.",
    "Paracetamol 15 mg/kg 4-6 hourly, maximum 4 doses in 24 hours.",
    "Diazepam 0.5 mg/kg rectally, needed 2-3 times a month.",
    "Glycopyrronium 40 micrograms/kg three times daily for secretions.",
    "Ketamine 0.1 mg/kg/hour via syringe driver, plus 10 ml flushes.",
    "Sodium valproate 20 mg/kg/day; levels 50-100 mg/L.",
    "Feeds 60 ml/hour for 20 hours via gastrostomy; 4 hours off.",
    "Vitamin B12 and vitamin D supplements; PEG-J since 2022.",
    # settings, people without names
    "Lives at home in a rural area, 45 minutes from the children's hospice.",
    "Attends a special school three days a week with a 1:1 carer.",
    "Mum and Dad are the main carers; the GP visits weekly.",
    "Discussed with the community team and the GP; the consultant agreed.",
    "The dr said a syringe driver could be started at home if needed.",
    "The Clinical Nurse Specialist and the ward sister met the family.",
    "Seen by Dr A and Dr B in the joint clinic (names removed).",
    "Parents did not want to miss Christmas at home.",
    "Family support from the MS Society as Dad has multiple sclerosis.",
    "Hospital no longer felt like the right place for her to be.",
    "NHS number withheld; hospital number removed before submission.",
    "Placeholders XXX XXX XXXX and 000 000 0000 were left in the template.",
    "Seen by the Nurse Specialist; Mum's sister helps with personal care.",
    "She saw the Dr. Then the family went home.",
    # times, month and year, scores, results
    "Seizures cluster around 12:30 and again overnight.",
    "Increasing breathlessness since March 2025; no hospital admissions since.",
    "Palliative care team reviewed her at the end of May and again in early June.",
    "Hb 95 g/L, CRP 45, platelets 110 x 10^9/L, sodium 134 mmol/L.",
    "GCS 10/15 on arrival, FLACC 6/10 at rest, 2/10 after paracetamol.",
    "Weight 12.4 kg (below the 2nd centile), height 92 cm.",
    "Blood pressure 95/60, heart rate 140, respiratory rate 40, temperature 37.8.",
    "BiPAP 12/6 overnight since she was 2; 24/7 ventilation discussed.",
    "Apnoeas lasting 10-20 seconds, 5-10 times an hour.",
    "Oxygen saturations 85% in air, 95% on 0.5 L/min.",
    # diagnoses and codes
    "MR brain showed progressive cerebellar atrophy.",
    "Known T21 with AVSD repaired in infancy; also G6PD deficiency.",
    "COVID-19 positive twice; CF ruled out by sweat test.",
    "SMA1 with 2 copies of SMN2; nusinersen doses 1-4 given.",
    "H1N1 vaccination up to date; RSV in 2023 needed PICU.",
    "Outward codes alone such as LS1 or SW1A are not enough to identify anyone.",
    "In Year 3 at school; enjoys music and sensory stories.",
    "ECHO session 4 of 10: symptom management at the end of life.",
    "Doses given on days 1 2 3 4 5 and 6 of the cycle.",
    "Titrated 10 12 14 16 18 mg over five days.",
    "Karyotype 47,XX,+18 confirmed; GCS E4 V5 M6 on arrival.",
    "Medicines: 5 ml of 2.5 mg/5 ml; 1-2 puffs; 100 micrograms/hour.",
    # titles before words that are not people's names
    "Support worker from Dr Barnardo's visits; she loves Mr Tumble and the Mr Men books.",
    "Mrs X and Mr J attended; Mrs [name] declined to be named.",
    "Nurse-led clinic; the Nurse Advisor and the Nurse Home Visits team.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_passes(text):
    assert find_identifiers(text) == []


def test_empty_text():
    assert find_identifiers("") == []


# --- the NHS check digit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("9434765919", KIND_NHS_NUMBER),
        ("9434765918", KIND_POSSIBLE_NHS_NUMBER),
        ("4010232137", KIND_NHS_NUMBER),
        ("4010232136", KIND_POSSIBLE_NHS_NUMBER),
        ("4505577104", KIND_NHS_NUMBER),
        ("1000000060", KIND_NHS_NUMBER),  # 11 - 0 = 11, which means a check digit of 0
        ("1000000061", KIND_POSSIBLE_NHS_NUMBER),
        ("1000000010", KIND_POSSIBLE_NHS_NUMBER),  # check digit would be 10: never valid
        ("1000000019", KIND_POSSIBLE_NHS_NUMBER),
    ],
)
def test_check_digit(number, kind):
    expected = nhs_check_digit(number[:9])
    assert (expected == int(number[9])) is (kind == KIND_NHS_NUMBER)
    findings = find_identifiers(f"Number on the letter: {number}.")
    assert [(f.kind, f.text) for f in findings] == [(kind, number)]


def test_check_digit_arithmetic():
    # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 % 11 = 2; 11 - 2 = 9
    assert nhs_check_digit("943476591") == 9
    assert nhs_check_digit("100000006") == 0
    assert nhs_check_digit("100000001") is None


@pytest.mark.parametrize(
    "written",
    [
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        "943.476.5919",
        "943\u00a0476\u00a05919",
        "9 4 3 4 7 6 5 9 1 9",
        "94 34 76 59 19",
        "9434 765 919",
        "9-4-3-4-7-6-5-9-1-9",
    ],
)
def test_nhs_number_spacing_variants(written):
    text = f"Child with SMA type 1; identifier {written} copied from the letter."
    findings = find_identifiers(text)
    assert [(f.kind, f.text) for f in findings] == [(KIND_NHS_NUMBER, written)]


@pytest.mark.parametrize(
    "text",
    [
        "Lists like 9434 765 918 in odd groups pass unless the check digit is right.",
        "Twelve digits 943 476 5919 12 are not read as one number.",
    ],
)
def test_nhs_number_boundaries(text):
    kinds = [f.kind for f in find_identifiers(text)]
    if "5919" in text:
        assert kinds == [KIND_NHS_NUMBER]
    else:
        assert kinds == []


def test_valid_nhs_number_beats_a_phone_shape():
    # 01697 72349 is also how a ten-digit Cumbrian number is written; the check digit wins.
    number = "0169772349"
    assert nhs_check_digit(number[:9]) == 9
    findings = find_identifiers(f"On the form: {number}.")
    assert [(f.kind, f.text) for f in findings] == [(KIND_NHS_NUMBER, number)]


def test_invalid_ten_digits_starting_0_is_a_phone_number():
    findings = find_identifiers("Landline 0113 496000 on the referral.")
    assert [(f.kind, f.text) for f in findings] == [(KIND_PHONE_NUMBER, "0113 496000")]


def test_eleven_digits_starting_0_is_a_phone_not_an_nhs_number():
    findings = find_identifiers("Mobile 07700900123.")
    assert [f.kind for f in findings] == [KIND_PHONE_NUMBER]


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date",
    [
        "12/03/2019",
        "12-03-19",
        "12.03.2019",
        "2019-03-12",
        "12 March 2019",
        "12th March 2019",
        "March 12, 2019",
        "12 Mar 2019",
        "1st Sept 2019",
        "12/3/19",
    ],
)
def test_full_date_formats(date):
    text = f"Reviewed in clinic on {date} with both parents."
    assert [(f.kind, f.text) for f in find_identifiers(text)] == [(KIND_DATE, date)]


@pytest.mark.parametrize(
    "lead",
    ["DOB", "DOB:", "D.O.B.", "d.o.b", "Date of birth", "date of birth:", "born", "born on"],
)
def test_date_of_birth_cues(lead):
    text = f"Girl with trisomy 18, {lead} 12/03/2019, lives at home."
    assert [(f.kind, f.text) for f in find_identifiers(text)] == [
        (KIND_DATE_OF_BIRTH, "12/03/2019")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Since March 2019 she has needed oxygen at night.",
        "Born in 2019, diagnosed in 2020.",
        "Diagnosed on 12 March; admitted twice since.",
        "Mum's DOB is not relevant. March 2019 was the first admission.",
        "Reviewed 5 may 10 times a day if needed.",
    ],
)
def test_partial_dates_pass(text):
    assert find_identifiers(text) == []


# --- names, postcodes, phones ------------------------------------------------------------------


@pytest.mark.parametrize(
    "title", ["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Dr.", "Master", "Prof", "Prof.", "Professor",
              "Sir", "Dame", "Rev", "Revd", "Nurse", "Sister", "dr", "mrs"],
)  # fmt: skip
def test_titles(title):
    text = f"Discussed with {title} Okonkwo at the hospice."
    expected = f"{title} Okonkwo"
    assert [(f.kind, f.text) for f in find_identifiers(text)] == [(KIND_NAME_WITH_TITLE, expected)]


@pytest.mark.parametrize(
    "text",
    [
        "Mum rang the dr about the pain.",
        "The Dr on call agreed.",
        "Seen by Dr A in clinic.",
        "The Nurse Specialist visits weekly.",
        "She will miss School on Monday.",
        "Dr She said it was fine.",
        "MS Trust leaflets given to Dad.",
        "Mr and Mrs were left out of the summary.",
    ],
)
def test_titles_without_names_pass(text):
    assert [f for f in find_identifiers(text) if f.kind == KIND_NAME_WITH_TITLE] == []


@pytest.mark.parametrize(
    "postcode", ["LS1 4AP", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB",
                 "ls1 4ap", "LS14AP", "sw1a1aa"],
)  # fmt: skip
def test_postcodes(postcode):
    text = f"Lives at {postcode} with her parents."
    assert [(f.kind, f.text) for f in find_identifiers(text)] == [(KIND_POSTCODE, postcode)]


@pytest.mark.parametrize("text", ["Ls1 4Ap", "LS1 4ap", "LS1 4CI", "QS1 4AP", "LS1"])
def test_not_postcodes(text):
    assert find_identifiers(f"Code {text} on the pump.") == []


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700 900 123",
        "+44 7700 900123",
        "0113 496 0000",
        "0113-496-0000",
        "(0113) 4960000",
        "020 7946 0018",
        "01632 960 001",
        "+44 (0)20 7946 0018",
        "0044 20 7946 0018",
    ],
)
def test_phone_numbers(phone):
    text = f"Family can be reached on {phone} during the day."
    assert [(f.kind, f.text) for f in find_identifiers(text)] == [(KIND_PHONE_NUMBER, phone)]


def test_phone_numbers_in_a_row():
    text = "Numbers: 0113 496 0000 020 7946 0018 07700 900123"
    assert [f.text for f in find_identifiers(text)] == [
        "0113 496 0000",
        "020 7946 0018",
        "07700 900123",
    ]


# --- several at once ---------------------------------------------------------------------------


def test_several_identifiers_sorted_and_non_overlapping():
    text = (
        "Mrs Jones (DOB 12/03/2019) lives at LS1 4AP. NHS number 943 476 5919, "
        "hospital number RJ1234567. Call 07700 900123 or email jones.family@example.com. "
        "Seen 01/02/2024 by Dr Patel."
    )
    findings = find_identifiers(text)
    assert_well_formed(text, findings)
    assert [(f.kind, f.text) for f in findings] == [
        (KIND_NAME_WITH_TITLE, "Mrs Jones"),
        (KIND_DATE_OF_BIRTH, "12/03/2019"),
        (KIND_POSTCODE, "LS1 4AP"),
        (KIND_NHS_NUMBER, "943 476 5919"),
        (KIND_HOSPITAL_NUMBER, "RJ1234567"),
        (KIND_PHONE_NUMBER, "07700 900123"),
        (KIND_EMAIL, "jones.family@example.com"),
        (KIND_DATE, "01/02/2024"),
        (KIND_NAME_WITH_TITLE, "Dr Patel"),
    ]


def test_overlapping_candidates_keep_one():
    # A labelled hospital number in NHS-number shape is one finding, not two.
    text = "Hospital number 943 476 5918 and NHS number 943 476 5919."
    assert [(f.kind, f.text) for f in find_identifiers(text)] == [
        (KIND_HOSPITAL_NUMBER, "943 476 5918"),
        (KIND_NHS_NUMBER, "943 476 5919"),
    ]


def test_finding_is_frozen_and_has_a_british_message():
    (finding,) = find_identifiers("NHS number 943 476 5919")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.kind = KIND_DATE  # type: ignore[misc]
    assert str(finding.message) == "This looks like an NHS number."
    messages = {str(f.message) for f in find_identifiers("07700 900123 a@b.co.uk LS1 4AP")}
    assert "This looks like an email address." in messages
    assert len(messages) == 3


# --- performance -------------------------------------------------------------------------------

REALISTIC_PARAGRAPH = " ".join(CLEAN) + " " + " ".join(text for text, _, _ in IDENTIFYING[:12])


def realistic_text(length: int = 20_000) -> str:
    return (REALISTIC_PARAGRAPH + " ") * (length // len(REALISTIC_PARAGRAPH) + 1)


ADVERSARIAL = {
    "spaced digits": "1 " * 10_000,
    "titles": "Mr " * 5_000,
    "at signs": "a@" * 5_000,
    "zeros": "0" * 20_000,
    "dotted digits": "1." * 10_000,
    "dashed digits": "1-" * 10_000,
    "slashes": "12/" * 7_000,
    "email local part": "a." * 10_000 + "@",
    "email domain": "a@" + "a." * 10_000,
    "spaced zeros": "0 " * 10_000,
    "area codes": "0113 " * 4_000,
    "plus 44": "+44 " * 5_000,
    "brackets": "(0" * 10_000,
    "dob labels": "DOB " * 5_000,
    "born on the": "born on the " * 2_000,
    "names": "Mr Smith " * 2_500,
    "initials": "Dr A. " * 4_000,
    "capitals": "A" * 20_000,
    "letter digit": "A1" * 10_000,
    "outward codes": "LS1 " * 5_000,
    "month day": "March 12 " * 2_000,
    "nhs labels": "NHS number " * 2_000,
    "mrn labels": "MRN " * 5_000,
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_input_is_fast(text):
    started = time.perf_counter()
    findings = find_identifiers(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.3f}s"
    assert_well_formed(text, findings)


def test_realistic_20k_text_is_fast():
    text = realistic_text()[:20_000]
    assert len(text) == 20_000
    find_identifiers(text)  # warm up
    started = time.perf_counter()
    findings = find_identifiers(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.3f}s"
    assert_well_formed(text, findings)
    assert findings  # the identifying sentences mixed in are still found


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("NHS 943\u200b476\u200b5919 seen at home", "nhs_number"),
        ("NHS 94\xad34765919", "nhs_number"),
        ("NHS 943\u2009476\u20095919", "nhs_number"),
        ("NHS 943\t476\t5919", "nhs_number"),
        ("NHS \uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19", "nhs_number"),
        ("NHS 943\u2014476\u20145919", "nhs_number"),
        ("Mum is Mrs\u200b Jones", "name_with_title"),
        ("Lives at LS1\u200b4AP", "postcode"),
        ("Call 0770\u200b0 900123", "phone_number"),
        ("DOB 12\u200b/03/2019", "date_of_birth"),
        ("DOB 12\u201103\u20112019", "date_of_birth"),
        ("DOB 12\u221203\u22122019", "date_of_birth"),
    ],
)
def test_look_alike_and_invisible_characters_do_not_hide_identifiers(text, kind):
    findings = find_identifiers(text)
    assert [f.kind for f in findings] == [kind]
    (finding,) = findings
    assert text[finding.start : finding.end] == finding.text


@pytest.mark.parametrize(
    "text",
    ["Seen with Mr.Jones today", "Mr. Łukasz Nowak visited", "Discussed with Dr.Ødegaard"],
)
def test_names_without_a_space_or_beyond_latin_1_are_found(text):
    assert [f.kind for f in find_identifiers(text)] == ["name_with_title"]
