"""Filling in, checking and submitting a return, with exact expectations."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from learning.models import Certificate
from returns import services
from returns.models import (
    Answer,
    AuditEntry,
    Field,
    FieldKind,
    FrozenTemplate,
    ReturnStatus,
    Section,
    TemplateStatus,
)
from returns.services import ReturnError, StaleReturn

from .factories import FULL, build_template

pytestmark = pytest.mark.django_db


def save(organisation_return, user, typed):
    organisation_return.refresh_from_db()
    return services.save_answers(
        organisation_return, user, typed, revision=organisation_return.revision
    )


def test_opening_freezes_the_template(template, sent):
    template.refresh_from_db()
    assert template.status == TemplateStatus.OPEN and template.opened_at is not None
    field = Field.objects.filter(section__template=template).first()
    field.label = "Changed after opening"
    with pytest.raises(FrozenTemplate):
        field.save()
    with pytest.raises(FrozenTemplate):
        Section.objects.create(template=template, title="Added later")
    with pytest.raises(FrozenTemplate):
        field.delete()


def test_a_change_makes_a_new_version_with_every_field(template, sent):
    copy = services.new_version(template)
    assert copy.version == 2 and copy.status == TemplateStatus.DRAFT
    codes = set(Field.objects.filter(section__template=copy).values_list("code", flat=True))
    assert codes == set(
        Field.objects.filter(section__template=template).values_list("code", flat=True)
    )
    group = Field.objects.get(section__template=copy, code="services")
    assert set(group.columns.values_list("code", flat=True)) == {"service_name", "places"}
    Field.objects.filter(section__template=copy, code="beds").update(label="Beds (new)")


def test_only_coordinators_send_returns(template, hospice, lead):
    with pytest.raises(PermissionDenied):
        services.open_template(template, [hospice], datetime.date(2027, 3, 31), by=lead)


def test_a_lead_saves_a_draft_and_progress_counts_required_questions(mine, lead):
    assert services.progress(mine) == (0, 4)  # beds, 24/7, region, services (night: hidden)
    save(mine, lead, {("beds", 0): "10", ("offers_24_7", 0): "yes"})
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.DRAFT
    assert services.progress(mine) == (2, 5)  # night nurses now asked
    assert services.stored_values(mine) == {("beds", 0): 10, ("offers_24_7", 0): True}


@pytest.mark.parametrize(
    ("cell", "typed", "message"),
    [
        (("beds", 0), "ten", "Enter a number"),
        (("beds", 0), "3.5", "whole number"),
        (("beds", 0), "101", "100 or less"),
        (("beds", 0), "-1", "0 or more"),
        (("beds", 0), "1e9", "Enter a number"),
        (("region", 0), "East", "Choose from the options"),
        (("offers_24_7", 0), "maybe", "yes or no"),
        (("places", 999), "3", "at most 20 rows"),
        (("beds", 3), "3", "no rows"),
        (("no_such_code", 0), "3", "no such question"),
        (("services", 0), "3", "no such question"),
        (("night_nurses", 0), "3", "not asked"),  # hidden: 24/7 not answered yes
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(mine, lead, cell, typed, message):
    with pytest.raises(ReturnError) as refused:
        save(mine, lead, {("region", 0): "North", cell: typed})
    assert message in refused.value.errors[cell]
    assert not Answer.objects.filter(organisation_return=mine).exists()
    assert not AuditEntry.objects.filter(organisation_return=mine).exists()


def test_another_organisations_lead_cannot_touch_the_return(mine, other_lead, coordinator):
    for user in (other_lead, coordinator):
        with pytest.raises(PermissionDenied):
            save(mine, user, {("beds", 0): "10"})


def test_two_leads_saving_at_once_do_not_overwrite_each_other(mine, lead, hospice):
    from members.tests.factories import UserFactory

    second = UserFactory(organisation=hospice)
    hospice.leads.add(second)
    opened_revision = mine.revision
    services.save_answers(mine, lead, {("beds", 0): "10"}, revision=opened_revision)
    with pytest.raises(StaleReturn) as stale:
        services.save_answers(mine, second, {("beds", 0): "12"}, revision=opened_revision)
    assert "Someone else from your organisation saved" in stale.value.errors["return"]
    assert services.stored_values(mine)[("beds", 0)] == 10


def test_every_change_is_audited_with_old_and_new_values(mine, lead):
    save(mine, lead, {("beds", 0): "10"})
    save(mine, lead, {("beds", 0): "12"})
    save(mine, lead, {("beds", 0): "12"})  # unchanged: no entry
    save(mine, lead, {("beds", 0): ""})  # cleared
    trail = list(
        AuditEntry.objects.filter(organisation_return=mine).values_list("old", "new", "user")
    )
    assert trail == [(None, 10, lead.pk), (10, 12, lead.pk), (12, None, lead.pk)]


def test_an_incomplete_return_cannot_be_submitted(mine, lead):
    save(mine, lead, {("beds", 0): "10"})
    mine.refresh_from_db()
    with pytest.raises(ReturnError) as refused:
        services.submit(mine, lead, revision=mine.revision)
    assert set(refused.value.errors) == {("offers_24_7", 0), ("region", 0), ("services", 0)}
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.DRAFT


def test_a_submitted_return_is_read_only_until_reopened(mine, lead, coordinator):
    save(mine, lead, FULL)
    mine.refresh_from_db()
    services.submit(mine, lead, revision=mine.revision)
    with pytest.raises(ReturnError, match="submitted"):
        save(mine, lead, {("beds", 0): "11"})
    with pytest.raises(ReturnError):
        services.reopen(mine, coordinator, "  ")
    services.reopen(mine, coordinator, "Beds were counted twice.")
    save(mine, lead, {("beds", 0): "11"})
    assert services.stored_values(mine)[("beds", 0)] == 11


def test_big_changes_from_last_year_need_an_explanation(hospice, lead, coordinator):
    last_year = build_template(name="Hospice provision return 2025/26", slug="hospice-2025")
    (previous,) = services.open_template(
        last_year, [hospice], datetime.date(2026, 3, 31), by=coordinator
    )
    save(previous, lead, FULL)
    previous.refresh_from_db()
    services.submit(previous, lead, revision=previous.revision)
    this_year = build_template(previous=last_year)
    (current,) = services.open_template(
        this_year, [hospice], datetime.date(2027, 3, 31), by=coordinator
    )
    save(current, lead, {**FULL, ("beds", 0): "21"})  # 10 → 21: more than twice
    current.refresh_from_db()
    (change,) = services.big_changes(current)
    assert (change.field.code, change.last_year, change.this_year) == ("beds", 10, 21)
    with pytest.raises(ReturnError) as refused:
        services.submit(current, lead, revision=current.revision)
    assert "very different from last year (10, now 21)" in refused.value.errors[("beds", 0)]
    services.submit(
        current, lead, revision=current.revision, explanations={"beds": "A new wing opened."}
    )
    assert Answer.objects.get(organisation_return=current, field__code="beds").explanation == (
        "A new wing opened."
    )


def test_exactly_twice_last_year_is_not_queried(hospice, lead, coordinator):
    last_year = build_template(name="Last", slug="last")
    (previous,) = services.open_template(
        last_year, [hospice], datetime.date(2026, 3, 31), by=coordinator
    )
    save(previous, lead, FULL)
    previous.refresh_from_db()
    services.submit(previous, lead, revision=previous.revision)
    (current,) = services.open_template(
        build_template(previous=last_year), [hospice], datetime.date(2027, 3, 31), by=coordinator
    )
    save(current, lead, {**FULL, ("beds", 0): "20", ("night_nurses", 0): "1"})
    assert services.big_changes(current) == []


def test_queries_replies_and_acceptance(mine, lead, coordinator, other_lead):
    save(mine, lead, FULL)
    mine.refresh_from_db()
    services.submit(mine, lead, revision=mine.revision)
    beds = Field.objects.get(section__template=mine.template, code="beds")
    with pytest.raises(PermissionDenied):
        services.raise_query(mine, lead, beds, "Why?")
    query = services.raise_query(mine, coordinator, beds, "Does this include respite beds?")
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.QUERIED
    with pytest.raises(ReturnError):
        services.accept(mine, coordinator)
    with pytest.raises(PermissionDenied):
        services.reply_to_query(query, other_lead, "Not ours")
    services.reply_to_query(query, lead, "Yes, two of the ten.")
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.SUBMITTED
    services.accept(mine, coordinator)
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.ACCEPTED
    actions = list(
        AuditEntry.objects.filter(organisation_return=mine).values_list("action", flat=True)
    )
    assert actions[-4:] == ["submit", "query", "reply", "accept"]


def test_suggested_values_come_from_the_platform(mine, hospice):
    from members.tests.factories import UserFactory

    for number in range(3):
        Certificate.objects.create(
            kind="track", user=UserFactory(organisation=hospice), cpd_hours=1, code=f"T{number}"
        )
    Certificate.objects.create(kind="track", user=UserFactory(), cpd_hours=1, code="ELSEWHERE")
    assert services.suggestions(mine) == {"staff_trained": 3}


def test_overview_counts_every_status(template, sent, mine, lead):
    save(mine, lead, {("beds", 0): "1"})
    overview = services.progress_overview(template)
    assert overview[ReturnStatus.DRAFT] == 1 and overview[ReturnStatus.NOT_STARTED] == 1
    assert set(services.overdue(template, datetime.date(2027, 4, 1))) == set(sent.values())


def test_field_codes_are_unique_in_a_template(template):
    section = Section.objects.create(template=template, title="Another")
    with pytest.raises(ValueError, match="already used"):
        Field.objects.create(section=section, code="beds", kind=FieldKind.INTEGER, label="Beds")
