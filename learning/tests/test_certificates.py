"""Certificates: issued once, shown only to their owner, verifiable by anyone by code;
ECHO cycle certificates for 80% attendance of an ended cycle."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from events import services as events_services
from events.tests.factories import LONDON
from learning import services
from learning.models import Certificate, CertificateKind
from members.tests.factories import OrganisationFactory, UserFactory

from .factories import (
    attend,
    complete,
    ended_echo_cycle,
    main_text,
    make_module,
    make_track,
    right_answers,
    sessions_of,
)

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def certificate_url(index, certificate) -> str:
    return f"{index.url}certificates/{certificate.pk}/"


@pytest.fixture
def completed(nurse, track, reading_module, quiz_module) -> Certificate:
    """The nurse has completed the track; returns the certificate it earned."""
    complete(nurse, reading_module)
    complete(nurse, quiz_module)
    return Certificate.objects.get(user=nurse)


# A track certificate, issued once


def test_completing_the_last_module_issues_the_certificate(
    nurse, track, reading_module, quiz_module
):
    complete(nurse, reading_module)
    services.mark_read(nurse, quiz_module)
    assert not Certificate.objects.exists()

    services.submit_quiz(nurse, quiz_module, right_answers(quiz_module))

    certificate = Certificate.objects.get()
    assert certificate.kind == CertificateKind.TRACK
    assert (certificate.user, certificate.track_id) == (nurse, track.pk)
    assert (certificate.recipient_name, certificate.title) == ("Nell Nurse", track.title)
    # Hours are the modules completed (2 × 30 minutes), not the track's estimate (1.5).
    assert (certificate.level, certificate.cpd_hours) == ("Universal", Decimal("1.0"))
    assert certificate.issued_on == timezone.localdate()


def test_finishing_on_the_page_leads_to_the_certificate(
    nurse_client, nurse, learning_index, track, reading_module, quiz_module
):
    complete(nurse, reading_module)
    services.submit_quiz(nurse, quiz_module, right_answers(quiz_module))

    response = nurse_client.post(quiz_module.url + "read/", follow=True)

    certificate = Certificate.objects.get()
    assert response.redirect_chain == [(track.url, 302)]
    assert "View your certificate" in main_text(response)
    assert certificate_url(learning_index, certificate) in response.content.decode()


def test_claiming_again_returns_the_same_certificate(
    nurse_client, learning_index, track, completed
):
    for _ in range(2):
        response = nurse_client.post(track.url + "certificate/")
        assert response.status_code == 302
        assert response["Location"] == certificate_url(learning_index, completed)
    assert Certificate.objects.count() == 1


def test_calling_the_service_twice_issues_one_certificate(nurse, track, completed):
    first = services.issue_track_certificate(nurse, track)
    second = services.issue_track_certificate(nurse, track)

    assert first.pk == second.pk == completed.pk
    assert first.code == completed.code
    assert Certificate.objects.count() == 1


def test_a_racing_second_issue_returns_the_first(nurse, track, completed):
    """What the loser of a race meets: the unique constraint, then the winner's certificate."""
    fields = {
        "kind": CertificateKind.TRACK,
        "user": nurse,
        "track": track,
        "recipient_name": nurse.get_full_name(),
        "title": track.title,
        "cpd_hours": Decimal("1.5"),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(code=services.new_code(), **fields)

    assert services._create_certificate(**fields).pk == completed.pk
    assert Certificate.objects.count() == 1


def test_an_unfinished_track_earns_no_certificate(
    nurse_client, nurse, track, reading_module, quiz_module
):
    complete(nurse, reading_module)

    response = nurse_client.post(track.url + "certificate/", follow=True)

    assert response.redirect_chain == [(track.url, 302)]
    assert (
        "Complete every module of the track to earn its certificate." in response.content.decode()
    )
    assert not Certificate.objects.exists()
    with pytest.raises(services.LearningError):
        services.issue_track_certificate(nurse, track)
    assert not Certificate.objects.exists()


def test_a_track_without_modules_earns_no_certificate(nurse, learning_index):
    empty = make_track(learning_index, slug="empty", title="Coming soon")

    with pytest.raises(services.LearningError):
        services.issue_track_certificate(nurse, empty)
    assert not Certificate.objects.exists()


def test_certificates_are_per_member_and_track(nurse, learning_index, track, completed):
    other_track = make_track(learning_index, slug="other", title="Another track")
    make_module(other_track, "only-module")
    colleague = UserFactory()
    complete(colleague, track.get_children().specific().first())

    assert Certificate.objects.filter(user=nurse).count() == 1
    assert not Certificate.objects.filter(user=colleague).exists()


def test_the_claim_is_for_members_only(client, pending_user, track, completed):
    assert client.post(track.url + "certificate/")["Location"].startswith("/members/login/")
    client.force_login(pending_user)
    assert client.post(track.url + "certificate/").status_code == 403
    assert Certificate.objects.count() == 1


# The certificate page


def test_the_owner_sees_the_certificate(nurse_client, learning_index, completed):
    response = nurse_client.get(certificate_url(learning_index, completed))

    page = main_text(response)
    assert response.status_code == 200
    assert "Certificate of completion" in page
    assert "Nell Nurse" in page and completed.title in page
    assert f"Verification code: {completed.display_code}" in page
    assert f"http://testserver/certificates/{completed.display_code}/" in page
    assert date_format(timezone.localdate(), "j F Y") in page


def test_another_member_gets_the_same_404_as_for_a_missing_certificate(
    client, learning_index, completed
):
    client.force_login(UserFactory(full_name="Olive Other"))

    theirs = client.get(certificate_url(learning_index, completed))
    missing = client.get(f"{learning_index.url}certificates/{completed.pk + 1000}/")

    assert theirs.status_code == missing.status_code == 404
    assert main_text(theirs) == main_text(missing)
    assert "Page not found" in main_text(theirs)
    assert completed.code not in theirs.content.decode()


def test_visitors_sign_in_to_see_a_certificate(client, learning_index, completed):
    response = client.get(certificate_url(learning_index, completed))

    assert response.status_code == 302
    assert response["Location"].startswith("/members/login/")


def test_my_learning_lists_the_members_certificates(nurse_client, learning_index, completed):
    page = nurse_client.get(learning_index.url).content.decode()

    assert certificate_url(learning_index, completed) in page
    assert "Your certificate" in page


# Codes and public verification


def test_the_code_is_sixteen_characters_from_the_alphabet(completed):
    assert len(completed.code) == services.CODE_LENGTH == 16
    assert set(completed.code) <= set(services.CODE_ALPHABET)
    assert not set("01IO") & set(services.CODE_ALPHABET)
    assert completed.display_code == "-".join(completed.code[i : i + 4] for i in range(0, 16, 4))


def test_codes_are_unguessable(nurse, learning_index, completed):
    other_track = make_track(learning_index, slug="other", title="Another track")
    complete(nurse, make_module(other_track, "only-module"))
    codes = set(Certificate.objects.values_list("code", flat=True))

    assert len(codes) == 2
    assert len({services.new_code() for _ in range(2000)}) == 2000


def display_lower(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, 16, 4)).lower()


TYPED = {
    "as stored": lambda code: code,
    "as printed": lambda code: "-".join(code[i : i + 4] for i in range(0, 16, 4)),
    "lower case": lambda code: code.lower(),
    "printed, lower case": display_lower,
    "with spaces": lambda code: " ".join(code[i : i + 4] for i in range(0, 16, 4)),
    "padded": lambda code: f"  {display_lower(code)}  ",
}


@pytest.mark.parametrize("typed", TYPED.values(), ids=TYPED.keys())
def test_anyone_can_check_a_code_as_typed(client, completed, typed):
    response = client.get("/certificates/", {"code": typed(completed.code)}, follow=True)

    assert response.redirect_chain == [(f"/certificates/{completed.code}/", 302)]
    page = main_text(response)
    assert "This certificate is genuine" in page
    assert "Nell Nurse" in page and completed.title in page
    assert date_format(completed.issued_on, "j F Y") in page


@pytest.mark.parametrize("form", ["as printed", "printed, lower case"])
def test_the_printed_address_works(client, completed, form):
    response = client.get(f"/certificates/{TYPED[form](completed.code)}/")

    assert response.status_code == 200
    assert "This certificate is genuine" in response.content.decode()


UNKNOWN = {
    "well formed": "ABCD-EFGH-JKLM-NPQR",
    "markup": "<svg onload=alert(1)>",
    "sql": "' OR 1=1 --",
    "wildcard": "%25",
    "very long": "A" * 300,
    "unicode": "ÄBÇD-ÉFGH",
}


@pytest.mark.parametrize("code", UNKNOWN.values(), ids=UNKNOWN.keys())
def test_an_unknown_code_is_not_found(client, completed, code):
    response = client.get(f"/certificates/{code}/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "No certificate has this code" in page
    assert "Nell Nurse" not in page
    assert "<svg onload" not in page


def test_a_code_one_character_off_is_not_found(client, completed):
    wrong = ("B" if completed.code[0] != "B" else "C") + completed.code[1:]

    response = client.get(f"/certificates/{wrong}/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("- - -", "Enter the code printed on the certificate."),
        ("x" * 41, "Ensure this value has at most 40 characters"),
    ],
)
def test_the_form_asks_again_for_a_code_it_cannot_read(client, typed, error):
    response = client.get("/certificates/", {"code": typed})

    assert response.status_code == 200
    assert error in response.content.decode()


def test_verification_shows_only_name_track_and_date(client, nurse, learning_index, completed):
    nurse.organisation = OrganisationFactory(name="Westmoor Hospice for Children")
    nurse.job_title = "Lead nurse for palliative care"
    nurse.save(update_fields=["organisation", "job_title"])
    other_track = make_track(learning_index, slug="secret", title="Bereavement after a death")
    complete(nurse, make_module(other_track, "only-module"))

    response = client.get(f"/certificates/{completed.display_code}/")

    page = main_text(response)
    assert "Nell Nurse" in page and completed.title in page
    for private in [
        nurse.email,
        "Westmoor Hospice",
        nurse.job_title,
        "CPD hours",
        str(completed.cpd_hours),
        completed.level,
        "Bereavement after a death",  # the owner's other certificate
    ]:
        assert private not in page
    assert certificate_url(learning_index, completed) not in response.content.decode()


# ECHO cycle certificates


@pytest.mark.parametrize(
    ("held", "attended", "certified"),
    [
        (5, 5, True),
        (5, 4, True),  # exactly 80%
        (10, 8, True),
        (5, 3, False),
        (19, 15, False),  # 78.9%
        (4, 3, False),
    ],
)
def test_echo_certificate_needs_80_percent_of_held_sessions(
    nurse, coordinator, held, attended, certified
):
    programme = ended_echo_cycle(held)
    for session in sessions_of(programme)[:attended]:
        attend(session, nurse, by=coordinator)

    issued = services.issue_echo_certificates(programme)

    assert [c.user for c in issued] == ([nurse] if certified else [])
    assert Certificate.objects.filter(kind=CertificateKind.ECHO_CYCLE).count() == int(certified)


def test_the_echo_certificate_records_the_cycle(nurse, coordinator):
    programme = ended_echo_cycle(5)
    for session in sessions_of(programme)[:4]:
        attend(session, nurse, by=coordinator, minutes=45)

    [certificate] = services.issue_echo_certificates(programme)

    assert (certificate.kind, certificate.programme, certificate.track) == (
        CertificateKind.ECHO_CYCLE,
        programme,
        None,
    )
    assert (certificate.title, certificate.recipient_name) == ("Transition ECHO", "Nell Nurse")
    assert certificate.cpd_hours == Decimal("3.0")
    assert certificate.detail.startswith("Attended 4 of 5 sessions, ")


def test_no_echo_certificate_before_the_cycle_ends(nurse, coordinator):
    programme = ended_echo_cycle(5)
    for session in sessions_of(programme):
        attend(session, nurse, by=coordinator)
    last_evening = at(programme.cycle_end, 23, 0)
    next_morning = at(programme.cycle_end + datetime.timedelta(days=1), 0, 30)

    assert services.issue_echo_certificates(programme, now=last_evening) == []
    assert services.issue_echo_certificate(nurse, programme, now=last_evening) is None
    assert not Certificate.objects.exists()

    assert len(services.issue_echo_certificates(programme, now=next_morning)) == 1


def test_my_learning_issues_no_certificate_for_a_cycle_still_running(
    nurse_client, nurse, coordinator, learning_index
):
    programme = ended_echo_cycle(5, ended_days_ago=0)  # the cycle ends today
    for session in sessions_of(programme):
        attend(session, nurse, by=coordinator)

    nurse_client.get(learning_index.url)

    assert not Certificate.objects.exists()


def test_cancelled_sessions_are_not_held(nurse, coordinator):
    programme = ended_echo_cycle(6)
    sessions = sessions_of(programme)
    for session in sessions[:4]:
        attend(session, nurse, by=coordinator)
    assert services.issue_echo_certificates(programme) == []  # 4 of 6

    events_services.cancel_occurrence(sessions[5], by=coordinator, reason="No quorum")

    [certificate] = services.issue_echo_certificates(programme)  # 4 of 5
    assert certificate.detail.startswith("Attended 4 of 5 sessions")


def test_echo_certificate_hours_leave_out_cancelled_sessions(nurse, coordinator):
    """Minutes marked at a session that was then cancelled count neither as held nor as CPD."""
    programme = ended_echo_cycle(6)
    sessions = sessions_of(programme)
    for session in [*sessions[:4], sessions[5]]:
        attend(session, nurse, by=coordinator, minutes=60)
    events_services.cancel_occurrence(sessions[5], by=coordinator, reason="Did not go ahead")

    [certificate] = services.issue_echo_certificates(programme)

    assert certificate.detail.startswith("Attended 4 of 5 sessions")
    assert certificate.cpd_hours == Decimal("4.0")


def test_an_echo_certificate_is_issued_once(nurse, coordinator):
    programme = ended_echo_cycle(5)
    for session in sessions_of(programme):
        attend(session, nurse, by=coordinator)

    [first] = services.issue_echo_certificates(programme)
    [second] = services.issue_echo_certificates(programme)
    third = services.issue_echo_certificate(nurse, programme)

    assert first.pk == second.pk == third.pk
    assert Certificate.objects.count() == 1


def test_members_not_approved_get_no_echo_certificate(pending_user, coordinator):
    programme = ended_echo_cycle(5)
    for session in sessions_of(programme):
        attend(session, pending_user, by=coordinator)

    assert services.issue_echo_certificates(programme) == []
    assert not Certificate.objects.exists()


def test_the_command_issues_echo_certificates_once(nurse, coordinator):
    ended = ended_echo_cycle(5)
    running = ended_echo_cycle(5, name="Neonatal ECHO", ended_days_ago=-30)
    for programme in (ended, running):
        for session in sessions_of(programme)[:4]:
            attend(session, nurse, by=coordinator)
    absent = UserFactory()
    attend(sessions_of(ended)[0], absent, by=coordinator)

    for _ in range(2):
        out = StringIO()
        call_command("issue_echo_certificates", stdout=out)
        assert out.getvalue().strip() == "1 certificate(s) issued or already held."

    [certificate] = Certificate.objects.all()
    assert (certificate.user, certificate.programme) == (nurse, ended)


def test_an_echo_certificate_is_shown_and_verifiable(
    nurse_client, nurse, coordinator, learning_index
):
    programme = ended_echo_cycle(5)
    for session in sessions_of(programme)[:4]:
        attend(session, nurse, by=coordinator)

    call_command("issue_echo_certificates", stdout=StringIO())
    my_learning = nurse_client.get(learning_index.url).content.decode()

    certificate = Certificate.objects.get(kind=CertificateKind.ECHO_CYCLE)
    assert "Transition ECHO" in my_learning
    page = main_text(nurse_client.get(certificate_url(learning_index, certificate)))
    assert "Certificate of participation" in page
    assert "took part in the ECHO programme" in page
    assert "Attended 4 of 5 sessions" in page
    nurse_client.logout()
    verified = main_text(nurse_client.get(f"/certificates/{certificate.display_code}/"))
    assert "ECHO programme" in verified and "Transition ECHO" in verified
    assert "Attended 4 of 5" not in verified


# Moments given to the services


def test_the_track_certificate_is_issued_when_the_last_module_is_completed(
    nurse, track, reading_module, quiz_module
):
    services.mark_read(nurse, reading_module, now=at(datetime.date(2026, 2, 2), 10, 0))
    services.mark_read(nurse, quiz_module, now=at(datetime.date(2026, 2, 9), 10, 0))
    passed = at(datetime.date(2026, 2, 9), 10, 5)

    services.submit_quiz(nurse, quiz_module, right_answers(quiz_module), now=passed)

    assert Certificate.objects.get(user=nurse).issued_at == passed


def test_a_claimed_track_certificate_is_issued_at_the_moment_given(nurse, track, completed):
    completed.delete()
    claimed = at(datetime.date(2026, 4, 1), 16, 30)

    certificate = services.issue_track_certificate(nurse, track, now=claimed)

    assert certificate.issued_at == claimed
    assert services.issue_track_certificate(nurse, track, now=timezone.now()) == certificate


def test_an_echo_certificate_is_issued_at_the_moment_given(nurse, coordinator):
    programme = ended_echo_cycle(5)
    for session in sessions_of(programme):
        attend(session, nurse, by=coordinator)
    next_morning = at(programme.cycle_end + datetime.timedelta(days=1), 10, 0)

    certificate = services.issue_echo_certificate(nurse, programme, now=next_morning)

    assert certificate is not None and certificate.issued_at == next_morning
    assert certificate.detail.startswith("Attended 5 of 5 sessions, ")
