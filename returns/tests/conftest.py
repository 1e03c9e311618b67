"""A small return built for the tests: a hospice provision return with a condition, a
repeating group, limits and a suggested value, sent to two organisations."""

from __future__ import annotations

import datetime

import pytest

from members import roles
from returns import services
from returns.models import Field, FieldKind, Prefill, ReturnTemplate, Section
from tests.factories import OrganisationFactory, UserFactory


def build_template(
    name="Hospice provision return 2026/27", slug="hospice-provision", previous=None
):
    template = ReturnTemplate.objects.create(name=name, slug=slug, previous=previous)
    section = Section.objects.create(template=template, title="Beds and staffing", position=1)

    def field(code, kind, label, position, **extra):
        return Field.objects.create(
            section=section,
            code=code,
            kind=kind,
            label=label,
            position=position,
            definition=f"Agreed definition of {label.lower()}.",
            **extra,
        )

    field("beds", FieldKind.INTEGER, "Beds", 1, min_value=0, max_value=100, unit="beds")
    field("offers_24_7", FieldKind.YES_NO, "Offers 24/7 nursing", 2)
    field(
        "night_nurses",
        FieldKind.INTEGER,
        "Nurses on a night shift",
        3,
        shown_if_code="offers_24_7",
        shown_if_value="yes",
        min_value=0,
    )
    field("region", FieldKind.SINGLE_CHOICE, "Region", 4, choices=["North", "South"])
    field(
        "staff_trained",
        FieldKind.INTEGER,
        "Staff trained",
        5,
        prefill=Prefill.TRACKS_COMPLETED,
        required=False,
    )
    group = field("services", FieldKind.GROUP, "Services offered", 6, max_rows=20)
    Field.objects.create(
        section=section,
        group=group,
        code="service_name",
        kind=FieldKind.SHORT_TEXT,
        label="Service",
        position=1,
    )
    Field.objects.create(
        section=section,
        group=group,
        code="places",
        kind=FieldKind.INTEGER,
        label="Places",
        position=2,
        min_value=0,
    )
    return template


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


FULL = {
    ("beds", 0): "10",
    ("offers_24_7", 0): "yes",
    ("night_nurses", 0): "2",
    ("region", 0): "North",
    ("service_name", 0): "Respite",
    ("places", 0): "4",
}
