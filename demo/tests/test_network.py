"""The demo network loader: realistic coverage, working demo accounts, and idempotence."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, Revision

from cop_site.models import HomePage, NewsPage
from demo.loaders import network
from members import roles
from members.models import (
    ApprovalStatus,
    NetworkRole,
    Organisation,
    OrganisationKind,
    Profession,
    Rurality,
    StaffGroup,
    User,
)

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-password"


def load() -> str:
    out = StringIO()
    call_command("load_demo_network", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    users = [
        (
            user.email,
            user.full_name,
            user.organisation.slug if user.organisation else None,
            user.unlisted_organisation_name,
            user.staff_group,
            user.profession,
            user.job_title,
            user.approval_status,
            user.decided_at,
            user.decided_by.email if user.decided_by else None,
            user.decline_reason,
            user.is_active,
            user.date_joined,
            tuple(sorted(user.groups.values_list("name", flat=True))),
            user.password,
        )
        for user in User.objects.select_related("organisation", "decided_by").order_by("email")
    ]
    organisations = [
        (
            organisation.slug,
            organisation.name,
            organisation.kind,
            organisation.is_nhs,
            organisation.network_role,
            organisation.hub.slug if organisation.hub else None,
            organisation.locality,
            organisation.rurality,
            tuple(sorted(organisation.leads.values_list("email", flat=True))),
        )
        for organisation in Organisation.objects.select_related("hub").order_by("slug")
    ]
    pages = [
        (page.url_path, page.title, page.live, page.content_type.model, page.latest_revision_id)
        for page in Page.objects.select_related("content_type").order_by("path")
    ]
    return {
        "users": users,
        "organisations": organisations,
        "pages": pages,
        "revisions": Revision.objects.count(),
    }


def test_running_twice_gives_exactly_the_same_data(loaded_demo):
    first = snapshot()
    load()
    second = snapshot()

    assert len(first["organisations"]) == 12
    assert len(first["users"]) == 44
    assert second == first


def test_a_rerun_restores_the_canonical_values(loaded_demo):
    expected = snapshot()
    nurse = User.objects.get(email="nurse@demo.example")
    nurse.job_title = "Something else"
    nurse.set_password("changed-password")
    nurse.save()
    nurse.groups.clear()
    organisation = nurse.organisation
    organisation.locality = "Elsewhere"
    organisation.rurality = Rurality.URBAN
    organisation.save()
    organisation.leads.clear()

    load()

    nurse.refresh_from_db()
    assert nurse.job_title == "Community children's nurse and team leader"
    assert authenticate(username="nurse@demo.example", password=DEMO_PASSWORD) == nurse
    organisation.refresh_from_db()
    assert organisation.locality == "Thornby Bridge, Upper Garthdale"
    assert organisation.rurality == Rurality.RURAL
    assert list(organisation.leads.all()) == [nurse]
    # Even the password hash: the loader gives every account the one it has verified.
    assert snapshot() == expected


def test_the_network_has_every_kind_of_organisation_and_member(loaded_demo):
    organisations = list(Organisation.objects.all())
    approved = User.objects.filter(approval_status=ApprovalStatus.APPROVED)

    assert {o.kind for o in organisations} == set(OrganisationKind.values)
    assert {o.rurality for o in organisations} == set(Rurality.values)
    assert {o.network_role for o in organisations} == set(NetworkRole.values)
    assert {o.is_nhs for o in organisations} == {True, False}
    assert all(o.hub is None for o in organisations if o.network_role == NetworkRole.HUB)
    assert all(
        o.hub is not None and o.hub.network_role == NetworkRole.HUB
        for o in organisations
        if o.network_role != NetworkRole.HUB
    )
    assert Organisation.objects.filter(leads__isnull=False).distinct().count() >= 2

    assert 35 <= approved.count() <= 45
    assert set(approved.values_list("staff_group", flat=True)) == set(StaffGroup.values)
    assert set(approved.values_list("profession", flat=True)) == set(Profession.values)
    assert not approved.filter(organisation__isnull=True).exists()
    assert set(
        Organisation.objects.filter(members__in=approved).values_list("slug", flat=True)
    ) == {o.slug for o in organisations}
    for role in roles.ALL_ROLES:
        assert approved.filter(groups__name=role).exists(), role


def test_registrations_awaiting_a_decision_and_a_declined_one(loaded_demo):
    coordinator = User.objects.get(email="coordinator@demo.example")
    pending = User.objects.filter(approval_status=ApprovalStatus.PENDING)
    declined = User.objects.get(approval_status=ApprovalStatus.DECLINED)

    assert 2 <= pending.count() <= 5
    unlisted = pending.get(organisation__isnull=True)
    assert unlisted.unlisted_organisation_name
    assert declined.decided_by == coordinator
    assert declined.decline_reason
    assert not User.objects.filter(
        approval_status=ApprovalStatus.APPROVED, decided_at__isnull=True
    ).exists()
    assert User.objects.filter(decided_by=coordinator).count() == (
        User.objects.exclude(approval_status=ApprovalStatus.PENDING).count() - 1
    )


@pytest.mark.parametrize(
    ("email", "role", "staff_group", "profession", "kind", "network_role", "rurality"),
    [
        (
            "coordinator@demo.example",
            roles.COORDINATORS,
            StaffGroup.NON_CLINICAL,
            Profession.MANAGER,
            OrganisationKind.HOSPITAL_TRUST,
            NetworkRole.HUB,
            None,
        ),
        (
            "facilitator@demo.example",
            roles.FACILITATORS,
            StaffGroup.CLINICAL,
            Profession.DOCTOR,
            OrganisationKind.HOSPITAL_TRUST,
            NetworkRole.HUB,
            None,
        ),
        (
            "nurse@demo.example",
            None,
            StaffGroup.CLINICAL,
            Profession.NURSE,
            OrganisationKind.COMMUNITY_NURSING,
            NetworkRole.SPOKE,
            Rurality.RURAL,
        ),
        (
            "admin@demo.example",
            None,
            StaffGroup.NON_CLINICAL,
            Profession.ADMINISTRATOR,
            OrganisationKind.HOSPICE,
            None,
            None,
        ),
        (
            "teacher@demo.example",
            None,
            StaffGroup.UNIVERSAL_SERVICE,
            Profession.TEACHER,
            OrganisationKind.EDUCATION,
            None,
            None,
        ),
        (
            "exec@demo.example",
            roles.EXECUTIVE_COMMITTEE,
            None,
            None,
            None,
            None,
            None,
        ),
    ],
)
def test_demo_account_can_sign_in_with_its_role(
    loaded_demo, email, role, staff_group, profession, kind, network_role, rurality
):
    user = authenticate(username=email.upper(), password=DEMO_PASSWORD)

    assert user == User.objects.get(email=email)
    assert user.is_approved
    network_roles = user.groups.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True)
    assert list(network_roles) == ([role] if role else [])
    if staff_group:
        assert user.staff_group == staff_group
    if profession:
        assert user.profession == profession
    if kind:
        assert user.organisation.kind == kind
    if network_role:
        assert user.organisation.network_role == network_role
    if rurality:
        assert user.organisation.rurality == rurality


def test_the_nurse_leads_her_team_and_the_teacher_works_at_a_special_school(loaded_demo):
    nurse = User.objects.get(email="nurse@demo.example")
    teacher = User.objects.get(email="teacher@demo.example")

    assert list(nurse.led_organisations.all()) == [nurse.organisation]
    assert "Special School" in teacher.organisation.name


def test_the_summary_lists_the_demo_accounts_and_the_password(loaded_demo):
    output = loaded_demo

    assert DEMO_PASSWORD in output
    for email in (
        "coordinator@demo.example",
        "facilitator@demo.example",
        "nurse@demo.example",
        "admin@demo.example",
        "teacher@demo.example",
        "exec@demo.example",
    ):
        assert email in output
    assert "Upper Garthdale Community Children's Nursing Team" in output


def test_pages_are_published_in_the_menu_and_render(loaded_demo, client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    home = HomePage.objects.get(slug="home")
    menu = home.get_children().live().in_menu()
    news = NewsPage.objects.live().order_by("date")

    assert list(menu.values_list("slug", flat=True)) == ["about", "contact", "news"]
    assert [page.date.year for page in news] == [2026, 2026, 2026]
    assert [page.get_parent().slug for page in news] == ["news"] * 3
    for url, text in [
        ("/", "First ECHO cycle completes with 9 spoke teams"),
        ("/about/", "What the network does"),
        ("/contact/", "This page is not for urgent clinical advice"),
        ("/news/", "New rapid transfer guideline endorsed"),
        (news[2].url, "Brackenfield Special School"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


@pytest.mark.parametrize(
    ("field", "value"),
    [("staff_group", "clinicl"), ("profession", "surgeon"), ("roles", ("Coordinator",))],
)
def test_a_misspelt_choice_in_the_members_file_is_refused(field, value):
    spec = {
        "email": "someone@demo.example",
        "full_name": "Someone",
        "staff_group": "clinical",
        "profession": "nurse",
        "job_title": "Nurse",
    }

    with pytest.raises(ValueError, match=str(value[0] if field == "roles" else value)):
        network.DemoMember(**{**spec, field: value})


def test_refuses_to_run_under_production_settings(settings):
    settings.SETTINGS_MODULE = "cop_site.settings.production"
    before = (User.objects.count(), Organisation.objects.count())  # the demo may be loaded

    with pytest.raises(CommandError, match="production"):
        load()
    assert (User.objects.count(), Organisation.objects.count()) == before
