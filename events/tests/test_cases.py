"""De-identified case submission, review, agenda order and recommendations."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.pii import IdentifiableTextError
from events import services
from events.exceptions import CaseError
from events.models import Case, CaseStatus
from members import roles
from members.tests.factories import UserFactory

from .factories import first_occurrence, make_event

pytestmark = pytest.mark.django_db

CLEAN = {
    "title": "Breathlessness at home in a teenager with DMD",
    "age_band": "12_17",
    "condition_group": "act3",
    "summary": (
        "A 15-year-old with Duchenne muscular dystrophy on overnight NIV, increasingly "
        "breathless by day. Oramorph 1 mg as needed helps for about two hours. Lives at home "
        "in a rural area, 40 minutes from the hospice."
    ),
    "question": "How should we plan for escalating breathlessness at home?",
}


def case_data(**overrides) -> services.CaseData:
    return services.CaseData(**{**CLEAN, **overrides})


@pytest.fixture
def presenter(db):
    return UserFactory(full_name="Nia Presenter")


@pytest.fixture
def case(presenter, session):
    return services.submit_case(presenter, session, case_data())


def test_clean_case_is_submitted_and_reviewers_told(
    presenter, session, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.submit_case(presenter, session, case_data())
    assert case.status == CaseStatus.SUBMITTED
    assert [m.to for m in mail.outbox] == [[facilitator.email]]


IDENTIFYING = [
    ("summary", "NHS number 943 476 5919, breathless at home."),
    ("summary", "Seen with Mrs Jones, her mother, at home."),
    ("summary", "Born on 12/03/2012 with DMD."),
    ("summary", "Family live at LS1 4AP."),
    ("summary", "Call mum on 07700 900123."),
    ("question", "Email the family at parent@example.org?"),
    ("title", "Master Oliver Smith"),
    ("summary", "Hospital number RJ1234567."),
]


@pytest.mark.parametrize(("field", "text"), IDENTIFYING)
def test_case_with_identifiers_is_refused_and_nothing_saved(presenter, session, field, text):
    with pytest.raises(IdentifiableTextError) as raised:
        services.submit_case(presenter, session, case_data(**{field: text}))
    assert field in raised.value.findings
    assert not Case.objects.exists()


@pytest.mark.parametrize(("field", "text"), IDENTIFYING)
def test_case_form_points_at_each_identifier(member_client, session, field, text):
    url = reverse("events:case_submit", args=[session.pk])
    response = member_client.post(url, {**CLEAN, field: text})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert "There is a problem" in page
    assert not Case.objects.exists()


def test_over_long_summary_is_refused(member_client, session):
    url = reverse("events:case_submit", args=[session.pk])
    response = member_client.post(url, {**CLEAN, "summary": "x" * (Case.MAX_SUMMARY + 1)})
    assert "summary" in response.context["form"].errors
    assert not Case.objects.exists()


def test_cases_only_for_echo_sessions(member_client, occurrence, presenter):
    assert member_client.get(reverse("events:case_submit", args=[occurrence.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.submit_case(presenter, occurrence, case_data())


def test_submit_through_the_page(member_client, member, session):
    response = member_client.post(reverse("events:case_submit", args=[session.pk]), CLEAN)
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert case.presenter == member


@pytest.fixture(params=["stranger", "other_facilitator", "pending"])
def outsider(request):
    return {
        "stranger": lambda: UserFactory(),
        "other_facilitator": lambda: UserFactory(roles=[roles.FACILITATORS]),
        "pending": lambda: UserFactory(approval_status="pending"),
    }[request.param]()


def test_outsiders_cannot_see_or_change_a_case(client, case, outsider):
    client.force_login(outsider)
    for name in ["case_detail", "case_edit"]:
        response = client.get(reverse(f"events:{name}", args=[case.pk]))
        assert response.status_code in {403, 404}
        assert CLEAN["summary"][:30] not in response.content.decode()
    for name, data in [
        ("case_review", {"decision": "accept"}),
        ("case_edit", CLEAN | {"title": "Hijacked"}),
        ("recommendation_add", {"body": "Do this"}),
        ("recommendations_send", {}),
    ]:
        response = client.post(reverse(f"events:{name}", args=[case.pk]), data)
        assert response.status_code in {403, 404}
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.title == CLEAN["title"]
    assert not case.recommendations.exists()


def test_missing_and_forbidden_cases_look_the_same(client, case):
    client.force_login(UserFactory())
    forbidden = client.get(reverse("events:case_detail", args=[case.pk]))
    missing = client.get(reverse("events:case_detail", args=[case.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404

    def main(response):
        page = response.content.decode()
        return page[page.index("<main") : page.index("</main>")]

    assert main(forbidden) == main(missing)


def test_presenter_edits_until_accepted(client, presenter, case, facilitator):
    client.force_login(presenter)
    response = client.post(
        reverse("events:case_edit", args=[case.pk]), CLEAN | {"title": "Breathlessness at home"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "Breathlessness at home"
    services.review_case(case, by=facilitator, decision="accept")
    assert client.get(reverse("events:case_edit", args=[case.pk])).status_code == 404


def test_edit_with_identifiers_changes_nothing(client, presenter, case):
    client.force_login(presenter)
    client.post(reverse("events:case_edit", args=[case.pk]), CLEAN | {"summary": "DOB 01/02/2013"})
    case.refresh_from_db()
    assert case.summary == CLEAN["summary"]


@pytest.mark.parametrize("reviewer_kind", ["facilitator", "coordinator"])
def test_reviewers_accept_onto_the_agenda_in_order(
    request, reviewer_kind, session, presenter, django_capture_on_commit_callbacks
):
    reviewer = (
        request.getfixturevalue("facilitator")
        if reviewer_kind == "facilitator"
        else UserFactory(roles=[roles.COORDINATORS])
    )
    cases = [
        services.submit_case(presenter, session, case_data(title=f"Case {n}")) for n in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for case in cases:
            services.review_case(case, by=reviewer, decision="accept")
    assert [c.agenda_position for c in Case.objects.order_by("pk")] == [1, 2, 3]
    assert len(mail.outbox) == 3
    services.move_case_on_agenda(cases[2], by=reviewer, offset=-1)
    assert list(Case.objects.order_by("agenda_position").values_list("title", flat=True)) == [
        "Case 0",
        "Case 2",
        "Case 1",
    ]


def test_request_changes_and_decline_need_a_note(case, facilitator):
    for decision in ["request_changes", "decline"]:
        with pytest.raises(CaseError):
            services.review_case(case, by=facilitator, decision=decision, note="  ")
    services.review_case(case, by=facilitator, decision="request_changes", note="Add the plan.")
    case.refresh_from_db()
    assert case.status == CaseStatus.CHANGES_REQUESTED
    assert case.review_note == "Add the plan."


def test_a_decided_case_cannot_be_decided_again(case, facilitator):
    services.review_case(case, by=facilitator, decision="decline", note="Out of scope.")
    with pytest.raises(CaseError):
        services.review_case(case, by=facilitator, decision="accept")


def test_recommendations_go_to_the_presenter(
    case, facilitator, presenter, django_capture_on_commit_callbacks
):
    with pytest.raises(CaseError):
        services.add_recommendation(case, by=facilitator, body="Too early")
    services.review_case(case, by=facilitator, decision="accept")
    with pytest.raises(CaseError):
        services.send_recommendations(case, by=facilitator)
    services.add_recommendation(case, by=facilitator, body="Start a breathlessness plan.")
    services.add_recommendation(case, by=facilitator, body="Refer to the hospice team.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_recommendations(case, by=facilitator)
    case.refresh_from_db()
    assert case.status == CaseStatus.PRESENTED
    assert mail.outbox[0].to == [presenter.email]
    assert "1. Start a breathlessness plan." in mail.outbox[0].body
    assert "2. Refer to the hospice team." in mail.outbox[0].body


def test_accepted_cases_are_shown_to_registered_members_only(client, case, facilitator, session):
    services.review_case(case, by=facilitator, decision="accept")
    attendee, bystander = UserFactory(), UserFactory()
    services.register_for_occurrence(attendee, session)
    url = reverse("events:occurrence", args=[session.pk])
    client.force_login(bystander)
    assert CLEAN["question"] not in client.get(url).content.decode()
    client.force_login(attendee)
    assert CLEAN["question"] in client.get(url).content.decode()


def test_review_queue_for_reviewers_only(client, case, facilitator):
    client.force_login(facilitator)
    assert CLEAN["title"] in client.get(reverse("events:review_queue")).content.decode()
    client.force_login(UserFactory(roles=[roles.FACILITATORS]))
    assert CLEAN["title"] not in client.get(reverse("events:review_queue")).content.decode()
    client.force_login(UserFactory())
    assert client.get(reverse("events:review_queue")).status_code == 403


def test_no_cases_for_a_session_that_has_started(member):
    from .factories import london

    past = first_occurrence(make_event(kind="echo_session", start=london(2026, 1, 13, 12, 30)))
    with pytest.raises(CaseError):
        services.submit_case(member, past, case_data())


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("Ask Oliver Smith's GP to review.", "Oliver Smith"),
        ("Write to Mrs Jones at LS1 4AP.", "Mrs Jones"),
        ("Use NHS number 943 476 5919 on the plan.", "943 476 5919"),
    ],
)
def test_an_identifying_recommendation_is_refused_and_the_form_keeps_it(
    client, case, facilitator, body, found
):
    services.review_case(case, by=facilitator, decision="accept")
    with pytest.raises(IdentifiableTextError):
        services.add_recommendation(case, by=facilitator, body=body)
    client.force_login(facilitator)
    response = client.post(reverse("events:recommendation_add", args=[case.pk]), {"body": body})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Remove or reword “{found}”" in page
    assert f"{body}</textarea>".replace("'", "&#x27;") in page
    assert not case.recommendations.exists()
