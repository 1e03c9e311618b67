"""Who can sign in and see member pages: pending and declined accounts cannot."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from members.models import ApprovalStatus, NetworkRole
from members.tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBER_PAGES = [
    reverse("members:profile"),
    reverse("members:organisation_directory"),
    reverse("members:password_change"),
]


def login(client, email, password=PASSWORD):
    return client.post(reverse("members:login"), {"username": email, "password": password})


def test_approved_member_signs_in_with_email_in_any_case(client, member):
    response = login(client, member.email.upper())
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "Hello, Nia" in page
    assert member.organisation.name in page


@pytest.mark.parametrize(
    ("status", "message"),
    [(ApprovalStatus.PENDING, "waiting for a coordinator"), (ApprovalStatus.DECLINED, "declined")],
)
def test_pending_and_declined_accounts_cannot_sign_in(client, status, message):
    user = UserFactory(approval_status=status)
    response = login(client, user.email)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused(client, member):
    response = login(client, member.email, "not-the-password")
    assert "Enter a correct e-mail address and password" in response.content.decode()


@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:login"))


@pytest.mark.parametrize("status", [ApprovalStatus.PENDING, ApprovalStatus.DECLINED])
@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_pending_and_declined_sessions_see_no_member_content(client, status, url, member):
    # A session can outlive approval: a coordinator may decline someone already signed in.
    client.force_login(UserFactory(approval_status=status))
    response = client.get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your membership is not active" in page
    assert member.full_name not in page


@pytest.mark.parametrize("status", [ApprovalStatus.PENDING, ApprovalStatus.DECLINED])
def test_home_page_shows_no_dashboard_to_unapproved_users(client, status):
    client.force_login(UserFactory(approval_status=status))
    page = client.get("/").content.decode()
    assert "Hello," not in page
    assert "How to join" in page


def test_visitor_home_page_explains_the_network(client):
    page = client.get("/").content.decode()
    assert "How to join" in page
    assert reverse("members:register") in page
    assert 'href="#maincontent"' in page


def test_member_edits_their_profile(member_client, member):
    response = member_client.post(
        reverse("members:profile"),
        {
            "full_name": "Nia Parry",
            "job_title": "Senior community children's nurse",
            "profession": "nurse",
            "staff_group": "clinical",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Nia Parry"
    assert member.job_title == "Senior community children's nurse"


def test_profile_cannot_change_email_organisation_or_status(member_client, member):
    other = OrganisationFactory()
    member_client.post(
        reverse("members:profile"),
        {
            "full_name": "Nia Member",
            "job_title": "",
            "profession": "nurse",
            "staff_group": "clinical",
            "email": "hijack@test.example",
            "organisation": other.pk,
            "approval_status": "approved",
            "is_staff": "on",
        },
    )
    member.refresh_from_db()
    assert member.email == "nia@test.example"
    assert member.organisation != other
    assert not member.is_staff


def test_profile_with_bad_input_saves_nothing(member_client, member):
    response = member_client.post(
        reverse("members:profile"),
        {
            "full_name": "x" * 151,
            "job_title": "",
            "profession": "wizard",
            "staff_group": "clinical",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    member.refresh_from_db()
    assert member.full_name == "Nia Member"


def test_directory_shows_hubs_with_their_spokes(member_client):
    hub = OrganisationFactory(name="Westmoor Childrens Hospital", network_role=NetworkRole.HUB)
    spoke = OrganisationFactory(name="Upper Dale Community Nursing", hub=hub)
    UserFactory(organisation=spoke)
    UserFactory(organisation=spoke, approval_status=ApprovalStatus.PENDING)
    page = member_client.get(reverse("members:organisation_directory")).content.decode()
    assert page.index(hub.name) < page.index(spoke.name)
    assert "1 member" in page


def test_organisation_page_lists_only_approved_members(member_client):
    organisation = OrganisationFactory()
    shown = UserFactory(organisation=organisation, full_name="Shown Person")
    UserFactory(
        organisation=organisation,
        full_name="Hidden Pending",
        approval_status=ApprovalStatus.PENDING,
    )
    organisation.leads.add(shown)
    page = member_client.get(organisation.get_absolute_url()).content.decode()
    assert "Shown Person" in page
    assert "Organisation lead" in page
    assert "Hidden Pending" not in page


def test_unknown_organisation_is_404(member_client):
    url = reverse("members:organisation_detail", args=["no-such-place"])
    assert member_client.get(url).status_code == 404


def test_directory_query_count_does_not_grow(member_client, django_assert_max_num_queries):
    hub = OrganisationFactory(network_role=NetworkRole.HUB)
    OrganisationFactory(hub=hub)
    with django_assert_max_num_queries(20) as baseline:
        member_client.get(reverse("members:organisation_directory"))
    for _ in range(15):
        UserFactory(organisation=OrganisationFactory(hub=hub))
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        member_client.get(reverse("members:organisation_directory"))


def test_organisation_page_query_count_does_not_grow(member_client, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    UserFactory(organisation=organisation)
    with django_assert_max_num_queries(20) as baseline:
        member_client.get(organisation.get_absolute_url())
    for _ in range(15):
        organisation.leads.add(UserFactory(organisation=organisation))
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        member_client.get(organisation.get_absolute_url())


def test_password_reset_sends_a_working_link(client, member):
    client.post(reverse("members:password_reset"), {"email": member.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "heather-moor-2026", "new_password2": "heather-moor-2026"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("heather-moor-2026")


def test_password_reset_for_unknown_address_says_the_same(client):
    response = client.post(reverse("members:password_reset"), {"email": "nobody@test.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_sign_out_is_a_post(member_client):
    response = member_client.post(reverse("members:logout"))
    assert response.status_code in {200, 302}
    assert "_auth_user_id" not in member_client.session
