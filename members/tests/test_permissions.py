from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from members import permissions, roles
from members.models import ApprovalStatus
from members.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PREDICATES = {
    roles.COORDINATORS: permissions.is_coordinator,
    roles.FACILITATORS: permissions.is_facilitator,
    roles.MODERATORS: permissions.is_moderator,
    roles.EXECUTIVE_COMMITTEE: permissions.is_executive,
    roles.CLINICAL_STEERING_GROUP: permissions.is_clinical_steering_member,
    roles.EDUCATION_STEERING_GROUP: permissions.is_education_steering_member,
}


def test_roles_exist_as_groups():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_each_role_predicate_holds_only_for_its_role(role):
    holder = UserFactory(roles=[role])
    other = UserFactory(roles=[r for r in roles.ALL_ROLES if r != role])
    assert PREDICATES[role](holder)
    assert not PREDICATES[role](other)


@pytest.mark.parametrize("role", roles.ALL_ROLES)
@pytest.mark.parametrize("status", [ApprovalStatus.PENDING, ApprovalStatus.DECLINED])
def test_roles_count_for_nothing_until_approved(role, status):
    assert not PREDICATES[role](UserFactory(roles=[role], approval_status=status))


@pytest.mark.parametrize("predicate", [*PREDICATES.values(), permissions.is_approved_member])
def test_anonymous_users_hold_nothing(predicate):
    assert not predicate(AnonymousUser())
    assert not predicate(None)


def test_inactive_member_is_not_approved():
    assert not permissions.is_approved_member(UserFactory(is_active=False))


def test_organisation_lead():
    organisation = OrganisationFactory()
    lead = UserFactory(organisation=organisation)
    organisation.leads.add(lead)
    assert permissions.is_organisation_lead(lead, organisation)
    assert not permissions.is_organisation_lead(UserFactory(), organisation)
    assert not permissions.is_organisation_lead(AnonymousUser(), organisation)
