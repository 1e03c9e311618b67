"""Self sign-up: what is saved, who is told, and what bad input does."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from members.models import ApprovalStatus, StaffGroup, User
from members.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("members:register")


def valid_data(chosen, **overrides) -> dict:
    data = {
        "full_name": "Rhiannon Hughes",
        "email": "Rhiannon.Hughes@Westmoor-CCN.example",
        "organisation": str(chosen.pk),
        "unlisted_organisation_name": "",
        "staff_group": StaffGroup.CLINICAL,
        "profession": "nurse",
        "job_title": "Community children's nurse",
        "password1": "snowdrop-lantern-47",
        "password2": "snowdrop-lantern-47",
    }
    data.update(overrides)
    return data


def test_registration_creates_a_pending_member_and_tells_the_coordinators(
    client, coordinator, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid_data(organisation))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:registration_received")
    member = User.objects.get(email="rhiannon.hughes@westmoor-ccn.example")
    assert member.approval_status == ApprovalStatus.PENDING
    assert member.organisation == organisation
    assert member.check_password("snowdrop-lantern-47")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [coordinator.email]
    assert "Rhiannon Hughes" in mail.outbox[0].subject
    assert reverse("members:approval_queue") in mail.outbox[0].body


def test_registration_with_an_unlisted_organisation(client):
    OrganisationFactory()
    data = valid_data(
        OrganisationFactory(), organisation="", unlisted_organisation_name="Hillside Primary"
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    member = User.objects.get(email="rhiannon.hughes@westmoor-ccn.example")
    assert member.organisation is None
    assert member.unlisted_organisation_name == "Hillside Primary"


def _assert_rejected(client, data, field, fragment):
    before = User.objects.count()
    response = client.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert any(fragment in message for message in form.errors[field])
    assert User.objects.count() == before
    assert len(mail.outbox) == 0
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}' in page
    return response


@pytest.mark.parametrize(
    "existing", ["rhiannon.hughes@westmoor-ccn.example", "RHIANNON.HUGHES@WESTMOOR-CCN.EXAMPLE"]
)
def test_email_already_in_use_is_refused_whatever_its_case(client, existing):
    UserFactory(email=existing.lower())
    _assert_rejected(client, valid_data(OrganisationFactory()), "email", "already exists")


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@", "@example.org", "two@@example.org", "sp ace@example.org"]
)
def test_malformed_email_is_refused(client, email):
    _assert_rejected(client, valid_data(OrganisationFactory(), email=email), "email", "valid")


@pytest.mark.parametrize(
    ("field", "length"),
    [("full_name", 151), ("job_title", 151), ("unlisted_organisation_name", 201)],
)
def test_over_long_fields_are_refused(client, field, length):
    data = valid_data(OrganisationFactory(), **{field: "x" * length})
    if field == "unlisted_organisation_name":
        data["organisation"] = ""
    _assert_rejected(client, data, field, "at most")


def test_over_long_email_is_refused(client):
    email = "a" * 250 + "@example.org"
    _assert_rejected(client, valid_data(OrganisationFactory(), email=email), "email", "at most")


def test_missing_organisation_is_refused(client):
    data = valid_data(OrganisationFactory(), organisation="", unlisted_organisation_name="  ")
    _assert_rejected(client, data, "organisation", "Choose your organisation")


def test_unknown_organisation_is_refused(client):
    _assert_rejected(
        client, valid_data(OrganisationFactory(), organisation="999999"), "organisation", "valid"
    )


def test_both_listed_and_unlisted_organisation_is_refused(client):
    data = valid_data(OrganisationFactory(), unlisted_organisation_name="Somewhere else")
    _assert_rejected(client, data, "unlisted_organisation_name", "Leave this empty")


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("staff_group", "surgeon", "valid choice"),
        ("profession", "", "required"),
        ("full_name", "", "required"),
    ],
)
def test_missing_or_invalid_choices_are_refused(client, field, value, fragment):
    _assert_rejected(client, valid_data(OrganisationFactory(), **{field: value}), field, fragment)


def test_mismatched_passwords_are_refused(client):
    data = valid_data(OrganisationFactory(), password2="something-else-47")
    _assert_rejected(client, data, "password2", "do not match")


@pytest.mark.parametrize("password", ["12345678", "password", "short"])
def test_weak_passwords_are_refused(client, password):
    data = valid_data(OrganisationFactory(), password1=password, password2=password)
    _assert_rejected(client, data, "password1", "")


def test_signed_in_members_are_sent_home(member_client):
    assert member_client.get(URL).status_code == 302
