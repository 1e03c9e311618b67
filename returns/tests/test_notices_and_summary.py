"""E-mails to leads, reminders never twice, and the network summary's suppression."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from members import roles
from members.tests.factories import OrganisationFactory, UserFactory
from returns import services
from returns.models import ReturnStatus

from .factories import FULL, build_template

pytestmark = pytest.mark.django_db


def test_sending_a_return_emails_each_organisations_own_leads(
    django_capture_on_commit_callbacks,
    template,
    hospice,
    other_hospice,
    lead,
    other_lead,
    coordinator,
):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.open_template(
            template, [hospice, other_hospice], datetime.date(2027, 3, 31), by=coordinator
        )
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert set(by_recipient) == {lead.email, other_lead.email}
    mine = next(r for r in created if r.organisation == hospice)
    theirs = next(r for r in created if r.organisation == other_hospice)
    assert reverse("returns:return", args=[mine.pk]) in by_recipient[lead.email]
    assert reverse("returns:return", args=[theirs.pk]) not in by_recipient[lead.email]


def test_reminders_go_once_per_due_date(django_capture_on_commit_callbacks, mine, lead):
    mail.outbox.clear()
    week_before = mine.due_date - datetime.timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(week_before) == 1
        assert services.send_reminders(week_before) == 0
        assert services.send_reminders(week_before + datetime.timedelta(days=1)) == 0
    assert [message.to for message in mail.outbox] == [[lead.email]]
    assert services.send_reminders(mine.due_date - datetime.timedelta(days=30)) == 0


def _submitted_returns(count, coordinator, kind="hospice"):
    template = build_template(name="Summary test", slug="summary-test")
    organisations = [OrganisationFactory(kind=kind, network_role="spoke") for _ in range(count)]
    created = services.open_template(
        template, organisations, datetime.date(2027, 3, 31), by=coordinator
    )
    for number, organisation_return in enumerate(created):
        lead = UserFactory(organisation=organisation_return.organisation)
        organisation_return.organisation.leads.add(lead)
        organisation_return.refresh_from_db()
        services.save_answers(
            organisation_return,
            lead,
            {**FULL, ("beds", 0): str(number + 1)},
            revision=organisation_return.revision,
        )
        organisation_return.refresh_from_db()
        services.submit(organisation_return, lead, revision=organisation_return.revision)
    return template


@pytest.mark.parametrize(("count", "suppressed"), [(4, True), (5, False)])
def test_summary_cells_under_five_organisations_are_suppressed_for_non_coordinators(
    client, coordinator, count, suppressed
):
    template = _submitted_returns(count, coordinator)
    figures = services.network_summary(template, full=False)
    beds = figures["fields"].index(next(f for f in figures["fields"] if f.code == "beds"))
    cell = figures["network"][beds]
    assert cell.suppressed is suppressed
    if not suppressed:
        assert (cell.total, cell.median) == (15, 3)  # 1 + 2 + 3 + 4 + 5
    full = services.network_summary(template, full=True)["network"][beds]
    assert full.suppressed is False and full.organisations == count
    executive = UserFactory(roles=[roles.EXECUTIVE_COMMITTEE])
    client.force_login(executive)
    page = client.get(reverse("returns:summary", args=[template.pk])).content.decode()
    assert ('<td class="nhsuk-table__cell">fewer than 5</td>' in page) is suppressed
    client.force_login(UserFactory())
    assert client.get(reverse("returns:summary", args=[template.pk])).status_code == 404


def test_drafts_are_left_out_of_the_summary(coordinator, mine, lead):
    services.save_answers(mine, lead, FULL, revision=mine.revision)
    figures = services.network_summary(mine.template, full=True)
    assert figures["returns"] == 0
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.DRAFT


@pytest.mark.parametrize(("count", "suppressed"), [(4, True), (5, False)])
def test_the_evaluation_dashboard_and_report_show_completion_and_the_summary(
    client, coordinator, count, suppressed
):
    template = _submitted_returns(count, coordinator)
    waiting = OrganisationFactory(kind="hospice")
    services.open_template(template, [waiting], datetime.date(2027, 3, 31), by=coordinator)
    executive = UserFactory(roles=[roles.EXECUTIVE_COMMITTEE])
    pct = round(100 * count / (count + 1))
    for url in (reverse("evaluation:dashboard"), reverse("evaluation:report")):
        client.force_login(executive)
        page = client.get(url).content.decode()
        assert "Data returns from member organisations" in page
        assert f"{count} of {count + 1} organisations asked have sent their return ({pct}%)" in page
        beds_row = page.split("Beds <span", 1)[1].split("</tr>", 1)[0]
        assert ("fewer than 5" in beds_row) is suppressed
        if not suppressed:
            assert '<td class="nhsuk-table__cell">15</td>' in beds_row  # 1 + 2 + 3 + 4 + 5
        client.force_login(coordinator)
        beds_row = client.get(url).content.decode().split("Beds <span", 1)[1].split("</tr>")[0]
        assert "fewer than 5" not in beds_row  # coordinators see every figure


def test_the_returns_on_the_evaluation_dashboard_take_the_same_queries_at_any_size(
    client, coordinator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _submitted_returns(2, coordinator)
    client.force_login(coordinator)
    client.get(reverse("evaluation:dashboard"))  # warm the site shell's cache
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("evaluation:dashboard"))
    other = build_template(name="Second", slug="second")
    services.open_template(
        other,
        [OrganisationFactory() for _ in range(6)],
        datetime.date(2027, 3, 31),
        by=coordinator,
    )
    services.open_template(
        other, [OrganisationFactory() for _ in range(3)], datetime.date(2027, 3, 31), by=coordinator
    )
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("evaluation:dashboard")).content.decode()
    assert "Second" in page and "Summary test" in page
    assert len(large) == len(small)


def test_no_panel_before_any_return_is_sent(client, coordinator, template):
    client.force_login(coordinator)
    page = client.get(reverse("evaluation:dashboard")).content.decode()
    assert "Data returns from member organisations" not in page
