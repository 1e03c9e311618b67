"""Acknowledging a guideline and recording an organisation's adoption: the rules and the views."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from guidelines import services
from guidelines.models import (
    Acknowledgement,
    Adoption,
    AdoptionChange,
    AdoptionStatus,
    GuidelinePage,
)
from members import roles
from members.models import ApprovalStatus
from members.tests.factories import OrganisationFactory, UserFactory

from .factories import endorse_new_version, make_draft

pytestmark = pytest.mark.django_db


def fresh(page: GuidelinePage) -> GuidelinePage:
    return GuidelinePage.objects.get(pk=page.pk)


# Acknowledgements


def test_member_acknowledges_the_current_version_once(nurse, guideline):
    first = services.acknowledge(nurse, guideline, 1)
    again = services.acknowledge(nurse, guideline, 1)
    assert first.pk == again.pk
    ack = Acknowledgement.objects.get()
    assert (ack.user_id, ack.guideline_id, ack.version.number) == (nurse.pk, guideline.pk, 1)


def test_a_new_version_asks_again(nurse, guideline, author, clinical_reviewer, executive):
    services.acknowledge(nurse, guideline, 1)
    page = endorse_new_version(
        guideline, author, clinical_reviewer, executive, change_summary="New oxygen doses."
    )
    assert not Acknowledgement.objects.filter(user=nurse, version=page.current_version).exists()
    # Version 1 can no longer be acknowledged: it is superseded.
    with pytest.raises(services.GuidelineError):
        services.acknowledge(nurse, page, 1)
    services.acknowledge(nurse, page, 2)
    assert sorted(
        Acknowledgement.objects.filter(user=nurse).values_list("version__number", flat=True)
    ) == [1, 2]


@pytest.mark.parametrize("version", [0, 2, -1, 99])
def test_only_the_current_version_number_is_accepted(nurse, guideline, version):
    with pytest.raises(services.GuidelineError):
        services.acknowledge(nurse, guideline, version)
    assert not Acknowledgement.objects.exists()


def test_an_unpublished_guideline_cannot_be_acknowledged(nurse, guideline, author):
    fresh(guideline).unpublish(user=author)
    with pytest.raises(services.GuidelineError):
        services.acknowledge(nurse, fresh(guideline), 1)
    assert not Acknowledgement.objects.exists()


def test_a_draft_never_endorsed_cannot_be_acknowledged(nurse, draft):
    with pytest.raises(services.GuidelineError):
        services.acknowledge(nurse, draft, 1)
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(approval_status=ApprovalStatus.PENDING),
        lambda: UserFactory(approval_status=ApprovalStatus.DECLINED),
        lambda: UserFactory(is_active=False),
        AnonymousUser,
    ],
    ids=["pending", "declined", "inactive", "anonymous"],
)
def test_only_approved_members_acknowledge(guideline, make_user):
    with pytest.raises(services.GuidelineError):
        services.acknowledge(make_user(), guideline, 1)
    assert not Acknowledgement.objects.exists()


# Acknowledging through the page


def ack_url(page) -> str:
    return reverse("guidelines:acknowledge", args=[page.slug])


def test_acknowledge_button_records_and_thanks(client, nurse, guideline):
    client.force_login(nurse)
    page = client.get(guideline.url).content.decode()
    assert "I have read version 1" in page
    response = client.post(ack_url(guideline), {"version": "1"}, follow=True)
    body = response.content.decode()
    assert "Thank you. You have acknowledged version 1." in body
    assert "You have read version 1" in body
    assert "I have read version 1" not in body
    assert Acknowledgement.objects.filter(user=nurse).count() == 1


def test_page_asks_again_for_a_new_version(
    client, nurse, guideline, author, clinical_reviewer, executive
):
    services.acknowledge(nurse, guideline, 1)
    endorse_new_version(guideline, author, clinical_reviewer, executive)
    client.force_login(nurse)
    body = client.get(guideline.url).content.decode()
    assert "You read version 1. Version 2 has changed; please read it again." in body
    assert "I have read version 2" in body
    assert "You have read version 2" not in body


def test_acknowledge_refuses_get(client, nurse, guideline):
    client.force_login(nurse)
    assert client.get(ack_url(guideline)).status_code == 405
    assert not Acknowledgement.objects.exists()


def test_visitors_are_sent_to_log_in(client, guideline):
    response = client.post(ack_url(guideline), {"version": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:login") + "?next=")
    assert not Acknowledgement.objects.exists()


def test_pending_members_are_refused(client, guideline):
    client.force_login(UserFactory(approval_status=ApprovalStatus.PENDING))
    response = client.post(ack_url(guideline), {"version": "1"})
    assert response.status_code == 403
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize(
    "version", ["", "abc", "-1", "0", "99999999999999999999", "1; DROP TABLE", "1e3", " ", "2"]
)
def test_bad_version_values_are_refused_with_a_message(client, nurse, guideline, version):
    client.force_login(nurse)
    response = client.post(ack_url(guideline), {"version": version}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose the version you have read." in body or "is not the current version" in body
    assert "Thank you" not in body
    assert not Acknowledgement.objects.exists()


def test_missing_version_is_refused(client, nurse, guideline):
    client.force_login(nurse)
    response = client.post(ack_url(guideline), {}, follow=True)
    assert "Choose the version you have read." in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_superseded_version_through_the_page_is_refused(
    client, nurse, guideline, author, clinical_reviewer, executive
):
    endorse_new_version(guideline, author, clinical_reviewer, executive)
    client.force_login(nurse)
    response = client.post(ack_url(guideline), {"version": "1"}, follow=True)
    assert "Version 1 is not the current version of this guideline." in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_draft_has_no_acknowledge_route(client, nurse, index, author):
    make_draft(index, author, slug="never-endorsed")
    client.force_login(nurse)
    response = client.post(
        reverse("guidelines:acknowledge", args=["never-endorsed"]), {"version": "1"}
    )
    assert response.status_code == 404
    assert not Acknowledgement.objects.exists()


# Adoption


@pytest.fixture
def hospice(db):
    return OrganisationFactory(name="Cedar Children's Hospice", is_nhs=False)


@pytest.fixture
def lead(hospice):
    user = UserFactory(full_name="Lee Lead", organisation=hospice)
    hospice.leads.add(user)
    return user


def test_a_lead_records_adoption_and_history_is_kept(lead, hospice, guideline):
    services.record_adoption(lead, guideline, hospice, AdoptionStatus.UNDER_REVIEW)
    services.record_adoption(
        lead, guideline, hospice, AdoptionStatus.ADOPTED_WITH_CHANGES, "  Local oxygen supplier.  "
    )
    adoption = Adoption.objects.get()
    assert adoption.status == AdoptionStatus.ADOPTED_WITH_CHANGES
    assert adoption.reason == "Local oxygen supplier."
    assert adoption.updated_by_id == lead.pk
    history = [
        (c.status, c.reason, c.version.number, c.changed_by_id) for c in adoption.changes.all()
    ]
    assert history == [
        (AdoptionStatus.UNDER_REVIEW, "", 1, lead.pk),
        (AdoptionStatus.ADOPTED_WITH_CHANGES, "Local oxygen supplier.", 1, lead.pk),
    ]


def test_history_records_the_version_in_force(
    lead, hospice, guideline, author, clinical_reviewer, executive
):
    services.record_adoption(lead, guideline, hospice, AdoptionStatus.ADOPTED)
    page = endorse_new_version(guideline, author, clinical_reviewer, executive)
    services.record_adoption(lead, page, hospice, AdoptionStatus.UNDER_REVIEW)
    assert [c.version.number for c in AdoptionChange.objects.order_by("changed_at", "pk")] == [1, 2]


def test_recording_the_same_position_twice_adds_no_history(lead, hospice, guideline):
    services.record_adoption(lead, guideline, hospice, AdoptionStatus.NOT_ADOPTED, "No hospital.")
    services.record_adoption(lead, guideline, hospice, AdoptionStatus.NOT_ADOPTED, "No hospital.")
    assert AdoptionChange.objects.count() == 1
    services.record_adoption(lead, guideline, hospice, AdoptionStatus.NOT_ADOPTED, "Changed mind.")
    assert AdoptionChange.objects.count() == 2


@pytest.mark.parametrize(
    "status", [AdoptionStatus.NOT_ADOPTED, AdoptionStatus.ADOPTED_WITH_CHANGES]
)
@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_not_adopted_and_local_changes_need_a_reason(lead, hospice, guideline, status, reason):
    with pytest.raises(services.GuidelineError):
        services.record_adoption(lead, guideline, hospice, status, reason)
    assert not Adoption.objects.exists()
    assert not AdoptionChange.objects.exists()


@pytest.mark.parametrize("status", ["", "ADOPTED", "approved", "adopted; drop table", "x" * 40])
def test_an_invalid_status_is_refused(lead, hospice, guideline, status):
    with pytest.raises(services.GuidelineError):
        services.record_adoption(lead, guideline, hospice, status, "A reason.")
    assert not Adoption.objects.exists()


@pytest.mark.parametrize(
    ("reason", "stored"),
    [
        ("Adopted on \u202e2026-01-03\u202c.", "Adopted on 2026-01-03."),
        ("\u2067Local\u2069 changes \u200f", "Local changes"),
        ("\u061cOxygen\u200e supplier", "Oxygen supplier"),
    ],
)
def test_direction_controls_are_removed_from_reasons(lead, hospice, guideline, reason, stored):
    services.record_adoption(lead, guideline, hospice, AdoptionStatus.NOT_ADOPTED, reason)
    assert Adoption.objects.get().reason == stored


def test_a_reason_of_direction_controls_only_is_no_reason(client, lead, hospice, guideline):
    with pytest.raises(services.GuidelineError):
        services.record_adoption(lead, guideline, hospice, AdoptionStatus.NOT_ADOPTED, "\u202e")
    client.force_login(lead)
    response = client.post(
        adoption_url(guideline, hospice),
        {"status": AdoptionStatus.NOT_ADOPTED, "reason": "\u202e\u202c"},
    )
    assert response.status_code == 200
    assert "Give the reason your organisation has not adopted it." in response.content.decode()
    assert not Adoption.objects.exists()


def test_an_overlong_reason_is_refused(lead, hospice, guideline):
    with pytest.raises(services.GuidelineError):
        services.record_adoption(lead, guideline, hospice, AdoptionStatus.NOT_ADOPTED, "x" * 2001)
    assert not Adoption.objects.exists()


def test_adoption_of_an_unpublished_guideline_is_refused(lead, hospice, draft):
    with pytest.raises(services.GuidelineError):
        services.record_adoption(lead, draft, hospice, AdoptionStatus.ADOPTED)
    assert not Adoption.objects.exists()


def other_lead(hospice):
    elsewhere = OrganisationFactory(name="Birch Community Nursing")
    user = UserFactory(organisation=elsewhere)
    elsewhere.leads.add(user)
    return user


def lead_no_longer_approved(hospice):
    user = UserFactory(organisation=hospice, is_active=False)
    hospice.leads.add(user)
    return user


OUTSIDERS = {
    "member of the organisation": lambda hospice: UserFactory(organisation=hospice),
    "lead of another organisation": other_lead,
    "coordinator who is not a lead": lambda hospice: UserFactory(
        organisation=hospice, roles=[roles.COORDINATORS]
    ),
    "executive who is not a lead": lambda hospice: UserFactory(
        organisation=hospice, roles=[roles.EXECUTIVE_COMMITTEE]
    ),
    "deactivated lead": lead_no_longer_approved,
}


def test_anonymous_cannot_record_adoption(hospice, guideline):
    with pytest.raises(services.GuidelineError):
        services.record_adoption(AnonymousUser(), guideline, hospice, AdoptionStatus.ADOPTED)


# Adoption through the page


def adoption_url(page, organisation) -> str:
    return reverse("guidelines:adoption", args=[page.slug, organisation.slug])


def test_lead_records_through_the_form(client, lead, hospice, guideline):
    client.force_login(lead)
    page = client.get(guideline.url).content.decode()
    assert "Adoption by your organisation" in page
    assert adoption_url(guideline, hospice) in page
    form = client.get(adoption_url(guideline, hospice))
    assert form.status_code == 200
    assert "Has Cedar Children&#x27;s Hospice adopted this guideline?" in form.content.decode()
    response = client.post(
        adoption_url(guideline, hospice),
        {"status": AdoptionStatus.NOT_ADOPTED, "reason": "We have no inpatient beds."},
    )
    assert response.status_code == 302
    assert response["Location"] == guideline.url
    adoption = Adoption.objects.get()
    assert (adoption.status, adoption.reason) == ("not_adopted", "We have no inpatient beds.")
    history = client.get(adoption_url(guideline, hospice)).content.decode()
    assert "We have no inpatient beds." in history
    assert "version 1" in history


def test_form_asks_for_the_missing_reason(client, lead, hospice, guideline):
    client.force_login(lead)
    response = client.post(
        adoption_url(guideline, hospice), {"status": AdoptionStatus.NOT_ADOPTED, "reason": " "}
    )
    assert response.status_code == 200
    assert "Give the reason your organisation has not adopted it." in response.content.decode()
    assert not Adoption.objects.exists()


@pytest.mark.parametrize("status", ["", "bogus", "<script>alert(1)</script>"])
def test_form_refuses_an_invalid_status(client, lead, hospice, guideline, status):
    client.force_login(lead)
    response = client.post(adoption_url(guideline, hospice), {"status": status, "reason": "x"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Adoption.objects.exists()


@pytest.mark.parametrize("make_user", OUTSIDERS.values(), ids=OUTSIDERS.keys())
def test_only_a_lead_of_the_organisation_records_its_adoption(
    client, hospice, guideline, make_user
):
    """Refused by the service; the page answers 404, as for an organisation that does not exist."""
    user = make_user(hospice)
    with pytest.raises(services.GuidelineError):
        services.record_adoption(user, guideline, hospice, AdoptionStatus.ADOPTED)
    assert not Adoption.objects.exists()
    client.force_login(user)
    url = adoption_url(guideline, hospice)
    if not user.is_active:
        # A deactivated account is signed out, so it is asked to log in.
        assert client.get(url).status_code == 302
        return
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": AdoptionStatus.ADOPTED}).status_code == 404
    missing = reverse("guidelines:adoption", args=[guideline.slug, "no-such-organisation"])
    assert client.get(missing).status_code == 404
    assert not Adoption.objects.exists()


def test_organisation_adoption_overview_for_its_lead_only(client, lead, hospice, guideline):
    services.record_adoption(
        lead, guideline, hospice, AdoptionStatus.ADOPTED_WITH_CHANGES, "Our own oxygen supplier."
    )
    url = reverse("guidelines:organisation_adoption", args=[hospice.slug])
    client.force_login(lead)
    body = client.get(url).content.decode()
    assert "Adopted with local changes" in body
    assert "Our own oxygen supplier." in body
    client.force_login(UserFactory(organisation=hospice))
    assert client.get(url).status_code == 404
    nowhere = reverse("guidelines:organisation_adoption", args=["nowhere"])
    assert client.get(nowhere).status_code == 404
