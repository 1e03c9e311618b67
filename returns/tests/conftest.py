"""A small return built for the tests (by `factories.build_template`): a hospice provision
return with a condition, a repeating group, limits and a suggested value, sent to two
organisations."""

from __future__ import annotations

import datetime

import pytest

from members import roles
from members.tests.factories import OrganisationFactory, UserFactory
from returns import services

from .factories import build_template


@pytest.fixture
def coordinator(db):
    return UserFactory(full_name="Cora Coordinator", roles=[roles.COORDINATORS])


@pytest.fixture
def hospice(db):
    return OrganisationFactory(name="Harebell House")


@pytest.fixture
def other_hospice(db):
    return OrganisationFactory(name="Bluebell Lodge")


@pytest.fixture
def lead(hospice):
    user = UserFactory(full_name="Lena Lead", organisation=hospice)
    hospice.leads.add(user)
    return user


@pytest.fixture
def other_lead(other_hospice):
    user = UserFactory(full_name="Otto Other", organisation=other_hospice)
    other_hospice.leads.add(user)
    return user


@pytest.fixture
def template(db):
    return build_template()


@pytest.fixture
def sent(template, hospice, other_hospice, coordinator):
    returns = services.open_template(
        template, [hospice, other_hospice], datetime.date(2027, 3, 31), by=coordinator
    )
    return {r.organisation_id: r for r in returns}


@pytest.fixture
def mine(sent, hospice):
    return sent[hospice.pk]
