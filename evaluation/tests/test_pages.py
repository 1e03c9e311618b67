"""Evaluation pages: who may open what, filters that make no sense, CSVs, suppression."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import Response
from events import services as event_services
from events.models import AttendanceStatus, EventKind
from events.tests.factories import first_occurrence, make_event
from members import roles
from members.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _past(days: int) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def held_session(coordinator):
    """A webinar held five days ago with six members of one organisation present."""
    occurrence = first_occurrence(make_event(start=_past(5), kind=EventKind.WEBINAR))
    organisation = OrganisationFactory(name="Fellside Hospice")
    attendees = [UserFactory(organisation=organisation) for _ in range(6)]
    for member in attendees:
        event_services.record_attendance(
            occurrence, member, status=AttendanceStatus.PRESENT, by=coordinator
        )
    return occurrence, organisation, attendees


def _feedback(member, occurrence, value: int, text: str = "") -> Response:
    ask = services.occurrence_ask(member, occurrence)
    assert ask is not None
    answers = []
    for question, topic in services.questions_with_topics(ask):
        if question.is_numeric:
            answers.append(services.AnswerData(question.pk, topic, value=value))
        elif text:
            answers.append(services.AnswerData(question.pk, topic, text=text))
    return services.submit_response(member, ask, answers)


DASHBOARD_PAGES = [
    ("evaluation:dashboard", ()),
    ("evaluation:report", ()),
    ("evaluation:report_pdf", ()),
    ("evaluation:csv", ("participation",)),
    ("evaluation:csv", ("reach",)),
    ("evaluation:csv", ("feedback",)),
    ("evaluation:csv", ("confidence",)),
    ("evaluation:csv", ("adoption",)),
]


@pytest.mark.parametrize(("name", "args"), DASHBOARD_PAGES)
def test_network_figures_are_for_coordinators_and_the_executive(client, held_session, name, args):
    url = reverse(name, args=args)
    for role, status in ((roles.COORDINATORS, 200), (roles.EXECUTIVE_COMMITTEE, 200)):
        client.force_login(UserFactory(roles=[role]))
        assert client.get(url).status_code == status
    client.force_login(UserFactory(roles=[roles.FACILITATORS]))
    assert client.get(url).status_code == 404
    client.force_login(held_session[2][0])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_unknown_csv_table_is_missing(coordinator_client):
    assert coordinator_client.get("/evaluation/csv/nothing/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "period=forever",
        "staff_group=<script>",
        "programme=no-such-programme",
        "start=2026-13-45&end=yesterday",
        "rurality=%00&network_role=hub%27--",
        "start=2026-06-01&end=2026-01-01",
    ],
)
def test_nonsense_filters_are_ignored_with_a_message(coordinator_client, held_session, query):
    response = coordinator_client.get(f"/evaluation/?{query}")
    assert response.status_code == 200
    assert "were not understood" in response.content.decode()
    assert coordinator_client.get(f"/evaluation/csv/reach/?{query}").status_code == 200


def test_a_filter_narrows_the_figures(coordinator_client, held_session):
    everyone = coordinator_client.get("/evaluation/csv/participation/").content.decode()
    assert "attendances,6" in everyone.replace("\r", "")
    universal = coordinator_client.get(
        "/evaluation/csv/participation/?staff_group=universal_service"
    ).content.decode()
    assert "attendances,0" in universal.replace("\r", "")


def test_feedback_from_four_people_is_suppressed_and_from_five_is_shown(
    coordinator_client, held_session
):
    occurrence, _organisation, attendees = held_session
    for member in attendees[:4]:
        _feedback(member, occurrence, 4)
    csv_text = coordinator_client.get("/evaluation/csv/feedback/").content.decode()
    assert "fewer than 5" in csv_text
    page = coordinator_client.get(reverse("evaluation:session", args=[occurrence.pk]))
    assert "fewer than 5" in page.content.decode()
    _feedback(attendees[4], occurrence, 5)
    csv_text = coordinator_client.get("/evaluation/csv/feedback/").content.decode()
    assert "fewer than 5" not in csv_text
    # Four answered 4 and one answered 5 to each of the three agreement questions.
    lines = [line for line in csv_text.splitlines() if "useful to me" in line]
    assert [line.split(",")[-2:] for line in lines[3:5]] == [["4", "5"], ["1", "5"]]


def test_members_answer_feedback_through_the_page_and_non_attendees_get_404(client, held_session):
    occurrence, _organisation, attendees = held_session
    url = reverse("evaluation:respond_occurrence", args=[occurrence.pk])
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(attendees[0])
    page = client.get(url)
    assert page.status_code == 200
    ask = services.occurrence_ask(attendees[0], occurrence)
    questions = [question for question, _topic in services.questions_with_topics(ask)]
    data = {f"q{question.pk}": "4" for question in questions if question.is_numeric}
    text_question = next(question for question in questions if not question.is_numeric)
    data[f"q{text_question.pk}"] = "I will ask Mrs Jane Holloway about the plan."
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "looks like a person" in refused.content.decode()
    assert Response.objects.count() == 0
    data[f"q{text_question.pk}"] = "Start pain scores at every home visit."
    data[f"q{questions[0].pk}"] = "9"
    out_of_range = client.post(url, data)
    assert out_of_range.status_code == 200
    assert Response.objects.count() == 0
    data[f"q{questions[0].pk}"] = "5"
    assert client.post(url, data).status_code == 302
    assert Response.objects.get().answers.count() == len(questions)


def test_organisation_leads_see_their_own_organisation_only(client, held_session):
    _occurrence, organisation, attendees = held_session
    lead = attendees[0]
    organisation.leads.add(lead)
    other = OrganisationFactory(name="Other Trust")
    client.force_login(lead)
    assert (
        client.get(reverse("evaluation:organisation", args=[organisation.slug])).status_code == 200
    )
    assert client.get(reverse("evaluation:organisation", args=[other.slug])).status_code == 404
    assert client.get(reverse("evaluation:organisation", args=["missing"])).status_code == 404


def test_programme_figures_are_for_its_hub_team(client, coordinator):
    facilitator = UserFactory(roles=[roles.FACILITATORS])
    other_facilitator = UserFactory(roles=[roles.FACILITATORS])
    event = make_event(title="Transition ECHO", kind=EventKind.ECHO_SESSION, start=_past(30))
    programme = event_services.create_programme(
        name="Transition ECHO",
        slug="transition-echo",
        description="",
        series=event,
        cycle_start=_past(30).date(),
        cycle_end=_past(1).date(),
        hub_team=[facilitator],
    )
    url = reverse("evaluation:programme", args=[programme.slug])
    client.force_login(facilitator)
    assert client.get(url).status_code == 200
    session = reverse("evaluation:session", args=[first_occurrence(event).pk])
    assert client.get(session).status_code == 200
    client.force_login(other_facilitator)
    assert client.get(url).status_code == 404
    assert client.get(session).status_code == 404


def test_individual_answers_are_for_coordinators_only(client, coordinator, held_session):
    occurrence, _organisation, attendees = held_session
    _feedback(attendees[0], occurrence, 4, text="Use the symptom diary with families.")
    client.force_login(UserFactory(roles=[roles.EXECUTIVE_COMMITTEE]))
    assert client.get(reverse("evaluation:written_answers")).status_code == 404
    client.force_login(coordinator)
    page = client.get(reverse("evaluation:written_answers")).content.decode()
    assert "Use the symptom diary with families." in page
    answer = Response.objects.get().answers.exclude(text="").get()
    client.post(reverse("evaluation:toggle_quote", args=[answer.pk]), {"choose": "1"})
    report = client.get(reverse("evaluation:report")).content.decode()
    assert "Use the symptom diary with families." in report
    assert 'href="/evaluation/report/pdf/"' in report


def test_the_report_downloads_as_an_a4_pdf_with_the_same_figures(client, coordinator, held_session):
    import io

    from pypdf import PdfReader

    occurrence, _organisation, attendees = held_session
    _feedback(attendees[0], occurrence, 4, text="Ring the family the day after.")
    answer = Response.objects.get().answers.exclude(text="").get()
    client.force_login(coordinator)
    client.post(reverse("evaluation:toggle_quote", args=[answer.pk]), {"choose": "1"})
    response = client.get(reverse("evaluation:report_pdf") + "?period=12m")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="impact-report-')
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)  # A4 in points
    assert "impact report" in text
    assert "Ring the family the day after." in text
    assert "Headline achievements" in text
    assert "Sign out" not in text  # the site's header and menus are not printed


def test_session_page_offers_feedback_to_attendees_only(client, held_session):
    occurrence, _organisation, attendees = held_session
    url = reverse("events:occurrence", args=[occurrence.pk])
    client.force_login(attendees[0])
    assert "Give feedback on this session" in client.get(url).content.decode()
    client.force_login(UserFactory())
    assert "Give feedback on this session" not in client.get(url).content.decode()


def test_dashboard_panel_lists_unanswered_feedback(client, held_session):
    occurrence, _organisation, attendees = held_session
    client.force_login(attendees[1])
    home = client.get("/").content.decode()
    assert "Your feedback" in home
    assert reverse("evaluation:respond_occurrence", args=[occurrence.pk]) in home


def test_invitations_are_sent_once_to_attendees_who_have_not_answered(
    held_session, mailoutbox, django_capture_on_commit_callbacks
):
    occurrence, _organisation, attendees = held_session
    _feedback(attendees[0], occurrence, 4)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_survey_invitations() == 5
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_survey_invitations() == 0
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted(member.email for member in attendees[1:])
    assert reverse("evaluation:respond_occurrence", args=[occurrence.pk]) in mailoutbox[0].body
