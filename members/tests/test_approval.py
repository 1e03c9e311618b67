"""The approval queue: only coordinators decide, members are told, nothing changes otherwise."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from members import roles
from members.models import ApprovalStatus, User
from members.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("members:approval_queue")


def approve_url(user):
    return reverse("members:approve", args=[user.pk])


def decline_url(user):
    return reverse("members:decline", args=[user.pk])


def test_queue_lists_pending_registrations(coordinator_client, pending_user, member):
    response = coordinator_client.get(QUEUE)
    assert response.status_code == 200
    page = response.content.decode()
    assert pending_user.full_name in page
    assert member.full_name not in page


def test_coordinator_approves_and_member_is_emailed(
    coordinator_client, coordinator, pending_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(approve_url(pending_user))
    assert response.status_code == 302
    pending_user.refresh_from_db()
    assert pending_user.approval_status == ApprovalStatus.APPROVED
    assert pending_user.decided_by == coordinator
    assert pending_user.decided_at is not None
    assert [m.to for m in mail.outbox] == [[pending_user.email]]
    assert "approved" in mail.outbox[0].subject
    assert reverse("members:login") in mail.outbox[0].body


def test_coordinator_declines_with_a_reason(
    coordinator_client, pending_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            decline_url(pending_user), {"reason": "Not a member organisation of the network."}
        )
    assert response.status_code == 302
    pending_user.refresh_from_db()
    assert pending_user.approval_status == ApprovalStatus.DECLINED
    assert mail.outbox[0].to == [pending_user.email]
    assert "Not a member organisation of the network." in mail.outbox[0].body


def test_unlisted_organisation_must_be_chosen_before_approval(
    coordinator_client, django_capture_on_commit_callbacks
):
    applicant = UserFactory(
        organisation=None,
        unlisted_organisation_name="Hillside Primary",
        approval_status=ApprovalStatus.PENDING,
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        coordinator_client.post(approve_url(applicant))
    applicant.refresh_from_db()
    assert applicant.approval_status == ApprovalStatus.PENDING
    assert callbacks == []
    assert mail.outbox == []

    school = OrganisationFactory(name="Hillside Primary School")
    coordinator_client.post(approve_url(applicant), {"organisation": school.pk})
    applicant.refresh_from_db()
    assert applicant.approval_status == ApprovalStatus.APPROVED
    assert applicant.organisation == school
    assert applicant.unlisted_organisation_name == ""


def test_deciding_twice_changes_nothing(
    coordinator_client, pending_user, django_capture_on_commit_callbacks
):
    coordinator_client.post(approve_url(pending_user))
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(decline_url(pending_user), {"reason": "late"})
    assert response.status_code == 404
    pending_user.refresh_from_db()
    assert pending_user.approval_status == ApprovalStatus.APPROVED
    assert mail.outbox == []


def test_over_long_decline_reason_is_refused(
    coordinator_client, pending_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(decline_url(pending_user), {"reason": "x" * 2001})
    pending_user.refresh_from_db()
    assert pending_user.approval_status == ApprovalStatus.PENDING
    assert mail.outbox == []


@pytest.fixture(
    params=["anonymous", "member", "facilitator", "executive", "pending", "declined", "staff"]
)
def non_coordinator_client(request, client):
    role_users = {
        "member": {},
        "facilitator": {"roles": [roles.FACILITATORS]},
        "executive": {"roles": [roles.EXECUTIVE_COMMITTEE, roles.MODERATORS]},
        "pending": {"approval_status": ApprovalStatus.PENDING},
        "declined": {"approval_status": ApprovalStatus.DECLINED},
        "staff": {"is_staff": True},
    }
    if request.param != "anonymous":
        client.force_login(UserFactory(**role_users[request.param]))
    client.who = request.param
    return client


def test_queue_is_refused_to_everyone_but_coordinators(non_coordinator_client, pending_user):
    response = non_coordinator_client.get(QUEUE)
    if non_coordinator_client.who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("members:login"))
    else:
        assert response.status_code == 403
    assert pending_user.full_name.encode() not in response.content


@pytest.mark.parametrize("action", ["approve", "decline"])
def test_decisions_are_refused_to_everyone_but_coordinators(
    non_coordinator_client, pending_user, action, django_capture_on_commit_callbacks
):
    url = approve_url(pending_user) if action == "approve" else decline_url(pending_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = non_coordinator_client.post(url, {"reason": "no"})
    assert response.status_code in {302, 403, 404}
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("members:login"))
    pending_user.refresh_from_db()
    assert pending_user.approval_status == ApprovalStatus.PENDING
    assert pending_user.decided_by is None
    assert mail.outbox == []


def test_a_coordinator_who_is_not_approved_cannot_decide(client, pending_user):
    lapsed = UserFactory(roles=[roles.COORDINATORS], approval_status=ApprovalStatus.DECLINED)
    client.force_login(lapsed)
    client.post(approve_url(pending_user))
    pending_user.refresh_from_db()
    assert pending_user.approval_status == ApprovalStatus.PENDING


def test_get_on_an_action_changes_nothing(coordinator_client, pending_user):
    assert coordinator_client.get(approve_url(pending_user)).status_code == 405
    pending_user.refresh_from_db()
    assert pending_user.approval_status == ApprovalStatus.PENDING


def test_unknown_member_is_404(coordinator_client):
    assert coordinator_client.post(reverse("members:approve", args=[999999])).status_code == 404


def test_queue_query_count_does_not_grow(coordinator_client, django_assert_max_num_queries):
    for _ in range(3):
        UserFactory(approval_status=ApprovalStatus.PENDING)
    with django_assert_max_num_queries(20) as few:
        coordinator_client.get(QUEUE)
    for _ in range(20):
        UserFactory(approval_status=ApprovalStatus.PENDING, organisation=OrganisationFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(QUEUE)
    assert response.content.decode().count("nhsuk-card__heading") == 23
    assert User.objects.filter(approval_status=ApprovalStatus.PENDING).count() == 23
