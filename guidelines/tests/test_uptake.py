"""Uptake figures on a network built for the purpose, with exact expected numbers.

Five organisations (a hub, two spokes and two associates; three NHS, two not),
members in every staff group, acknowledgements of version 1 and version 2 on known
days, and adoption positions that change over time. The three reviewers from the
conftest are clinical members without an organisation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from guidelines import services, uptake
from guidelines.models import Acknowledgement, AdoptionChange, AdoptionStatus, EndorsedVersion
from members.models import ApprovalStatus, NetworkRole, Organisation, StaffGroup, User
from members.tests.factories import OrganisationFactory, UserFactory

from .factories import endorse, endorse_new_version, make_draft, noon

pytestmark = pytest.mark.django_db

CLINICAL, NON_CLINICAL, UNIVERSAL = (
    StaffGroup.CLINICAL,
    StaffGroup.NON_CLINICAL,
    StaffGroup.UNIVERSAL_SERVICE,
)
REVIEWERS = 3  # author, clinical reviewer and executive: clinical members, no organisation


@dataclass
class Network:
    page: object
    v1: EndorsedVersion
    v2: EndorsedVersion
    orgs: dict[str, Organisation]
    people: dict[str, User]

    def deactivate(self, key: str) -> None:
        User.objects.filter(pk=self.people[key].pk).update(is_active=False)


ORGANISATIONS = {
    "alder": ("Alder Children's Hospital", NetworkRole.HUB, True),
    "birch": ("Birch Community Nursing", NetworkRole.SPOKE, True),
    "cedar": ("Cedar Children's Hospice", NetworkRole.SPOKE, False),
    "damson": ("Damson GP Practice", NetworkRole.ASSOCIATE, True),
    "elm": ("Elm Special School", NetworkRole.ASSOCIATE, False),
}

# key: (organisation, staff group)
PEOPLE = {
    "a1": ("alder", CLINICAL),
    "a2": ("alder", CLINICAL),
    "a3": ("alder", NON_CLINICAL),
    "a4": ("alder", UNIVERSAL),
    "leaver": ("alder", CLINICAL),  # reads version 2, then leaves the network
    "b1": ("birch", CLINICAL),
    "b2": ("birch", NON_CLINICAL),
    "c1": ("cedar", CLINICAL),
    "c2": ("cedar", UNIVERSAL),
    "d1": ("damson", NON_CLINICAL),
    "e1": ("elm", UNIVERSAL),
}

# (who, version number, days ago)
ACKNOWLEDGEMENTS = [
    ("a1", 1, 28),
    ("a2", 1, 28),
    ("c1", 1, 25),
    ("d1", 1, 25),
    ("a1", 2, 14),
    ("d1", 2, 14),
    ("a3", 2, 7),
    ("b1", 2, 7),
    ("leaver", 2, 7),
    ("c2", 2, 2),
]


@pytest.fixture
def network(index, author, clinical_reviewer, executive) -> Network:
    orgs = {
        key: OrganisationFactory(name=name, network_role=role, is_nhs=nhs)
        for key, (name, role, nhs) in ORGANISATIONS.items()
    }
    people = {
        key: UserFactory(full_name=f"Member {key}", organisation=orgs[org], staff_group=group)
        for key, (org, group) in PEOPLE.items()
    }
    # Applicants awaiting approval are not members: never counted.
    UserFactory(organisation=orgs["birch"], approval_status=ApprovalStatus.PENDING)
    UserFactory(organisation=orgs["elm"], approval_status=ApprovalStatus.DECLINED)
    for org, lead in [("alder", "a1"), ("birch", "b1"), ("cedar", "c1"), ("damson", "d1")]:
        orgs[org].leads.add(people[lead])

    page = endorse(
        make_draft(index, author, for_clinical=True, for_non_clinical=True),
        author,
        clinical_reviewer,
        executive,
    )
    for who, number, _days in ACKNOWLEDGEMENTS:
        if number == 1:
            services.acknowledge(people[who], page, 1)
    services.record_adoption(
        people["a1"], page, orgs["alder"], AdoptionStatus.UNDER_REVIEW, now=noon(20)
    )

    page = endorse_new_version(
        page, author, clinical_reviewer, executive, change_summary="New oxygen doses."
    )
    for who, number, _days in ACKNOWLEDGEMENTS:
        if number == 2:
            services.acknowledge(people[who], page, 2)
    services.record_adoption(
        people["a1"], page, orgs["alder"], AdoptionStatus.ADOPTED, now=noon(10)
    )
    services.record_adoption(
        people["b1"],
        page,
        orgs["birch"],
        AdoptionStatus.ADOPTED_WITH_CHANGES,
        "Uses the local syringe driver.",
        now=noon(5),
    )
    services.record_adoption(
        people["c1"],
        page,
        orgs["cedar"],
        AdoptionStatus.NOT_ADOPTED,
        "No inpatient beds.",
        now=noon(3),
    )
    services.record_adoption(
        people["d1"], page, orgs["damson"], AdoptionStatus.ADOPTED, now=noon(1)
    )

    v1, v2 = EndorsedVersion.objects.filter(guideline=page).order_by("number")
    EndorsedVersion.objects.filter(pk=v1.pk).update(endorsed_at=noon(30))
    EndorsedVersion.objects.filter(pk=v2.pk).update(endorsed_at=noon(15))
    for who, number, days in ACKNOWLEDGEMENTS:
        Acknowledgement.objects.filter(user=people[who], version=v1 if number == 1 else v2).update(
            acknowledged_at=noon(days)
        )
    v1.refresh_from_db()
    v2.refresh_from_db()
    return Network(page=page, v1=v1, v2=v2, orgs=orgs, people=people)


def shares(rows, attribute="adopted"):
    return [
        (row.label, getattr(row, attribute).count, getattr(row, attribute).total) for row in rows
    ]


def test_adoption_summary(network):
    summary = uptake.adoption_summary(network.page)
    assert (summary.overall.count, summary.overall.total, summary.overall.percent) == (3, 5, 60)
    assert shares(summary.by_role) == [("Hub", 1, 1), ("Spoke", 1, 2), ("Associate", 1, 2)]
    assert shares(summary.by_sector) == [("NHS", 3, 3), ("Non-NHS", 0, 2)]
    assert [(str(label), n) for label, n in summary.by_status] == [
        ("Not yet reviewed", 1),
        ("Under review", 0),
        ("Adopted", 2),
        ("Adopted with local changes", 1),
        ("Not adopted", 1),
    ]


def test_adoption_summary_before_anyone_records(guideline):
    OrganisationFactory.create_batch(3)
    summary = uptake.adoption_summary(guideline)
    assert (summary.overall.count, summary.overall.total) == (0, 3)
    assert {str(label): n for label, n in summary.by_status}["Not yet reviewed"] == 3


def staff_group_figures(page, version):
    return [
        (row.staff_group, row.in_audience, row.acknowledged.count, row.acknowledged.total)
        for row in uptake.acknowledgements_by_staff_group(page, version)
    ]


def test_acknowledgements_by_staff_group_count_the_version_asked_for(network):
    assert staff_group_figures(network.page, network.v2) == [
        (CLINICAL, True, 3, 5 + REVIEWERS),
        (NON_CLINICAL, True, 2, 3),
        (UNIVERSAL, False, 1, 3),
    ]
    assert staff_group_figures(network.page, network.v1) == [
        (CLINICAL, True, 3, 5 + REVIEWERS),
        (NON_CLINICAL, True, 1, 3),
        (UNIVERSAL, False, 0, 3),
    ]


def test_members_who_leave_are_no_longer_counted(network):
    network.deactivate("leaver")
    assert staff_group_figures(network.page, network.v2) == [
        (CLINICAL, True, 2, 4 + REVIEWERS),
        (NON_CLINICAL, True, 2, 3),
        (UNIVERSAL, False, 1, 3),
    ]


def test_a_guideline_never_endorsed_has_no_acknowledgements(draft, nurse):
    """No version means nobody can have read it, whatever they have read elsewhere."""
    assert [
        row.acknowledged.count for row in uptake.acknowledgements_by_staff_group(draft, None)
    ] == [
        0,
        0,
        0,
    ]
    assert [row.acknowledged.count for row in uptake.organisation_rows(draft, None)] == [0]


def organisation_figures(rows):
    return [
        (
            row.organisation.name,
            row.acknowledged.count,
            row.acknowledged.total,
            row.status,
            str(row.status_label),
            row.reason,
            timezone.localdate(row.updated_at) if row.updated_at else None,
        )
        for row in rows
    ]


def test_organisation_rows(network):
    network.deactivate("leaver")
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    assert organisation_figures(uptake.organisation_rows(network.page, network.v2)) == [
        ("Alder Children's Hospital", 2, 4, "adopted", "Adopted", "", ago(10)),
        (
            "Birch Community Nursing",
            1,
            2,
            "adopted_with_changes",
            "Adopted with local changes",
            "Uses the local syringe driver.",
            ago(5),
        ),
        (
            "Cedar Children's Hospice",
            1,
            2,
            "not_adopted",
            "Not adopted",
            "No inpatient beds.",
            ago(3),
        ),
        ("Damson GP Practice", 1, 1, "adopted", "Adopted", "", ago(1)),
        ("Elm Special School", 0, 1, "not_reviewed", "Not yet reviewed", "", None),
    ]
    # Against version 1, Alder's two clinicians and Cedar's and Damson's readers count.
    assert [
        (row.acknowledged.count, row.acknowledged.total)
        for row in uptake.organisation_rows(network.page, network.v1)
    ] == [(2, 4), (0, 2), (1, 2), (1, 1), (0, 1)]


def test_adoption_history_keeps_every_change_with_its_version(network):
    history = [
        (c.adoption.organisation.name, c.status, c.version.number)
        for c in AdoptionChange.objects.select_related("adoption__organisation", "version")
    ]
    assert history == [
        ("Alder Children's Hospital", "under_review", 1),
        ("Alder Children's Hospital", "adopted", 2),
        ("Birch Community Nursing", "adopted_with_changes", 2),
        ("Cedar Children's Hospice", "not_adopted", 2),
        ("Damson GP Practice", "adopted", 2),
    ]


def timeline_figures(page):
    rows, versions = uptake.timeline(page)
    today = timezone.localdate()
    return [
        ((today - row.date).days, row.version, row.acknowledged, row.adopted, row.events)
        for row in rows
    ], [v.number for v in versions]


def test_timeline_starts_again_at_each_version_and_follows_adoption(network):
    rows, versions = timeline_figures(network.page)
    assert versions == [1, 2]
    # (days ago, version in force, members who had read it, organisations adopted, events)
    assert rows == [
        (30, 1, 0, 0, ["Version 1 endorsed"]),
        (28, 1, 2, 0, []),
        (25, 1, 4, 0, []),
        (20, 1, 4, 0, []),  # Alder: under review
        (15, 2, 0, 0, ["Version 2 endorsed"]),
        (14, 2, 2, 0, []),
        (10, 2, 2, 1, []),  # Alder adopts
        (7, 2, 5, 1, []),
        (5, 2, 5, 2, []),  # Birch adopts with changes
        (3, 2, 5, 2, []),  # Cedar does not adopt
        (2, 2, 6, 2, []),
        (1, 2, 6, 3, []),  # Damson adopts
        (0, 2, 6, 3, []),
    ]


def test_timeline_ends_at_the_figures_shown_today(network):
    """Its last row agrees with the staff-group table: members who left are not counted."""
    network.deactivate("leaver")
    rows, _versions = uptake.timeline(network.page)
    read_today = sum(
        row.acknowledged.count
        for row in uptake.acknowledgements_by_staff_group(network.page, network.v2)
    )
    assert read_today == 5
    assert rows[-1].acknowledged == read_today


def test_timeline_of_a_withdrawn_adoption(network):
    services.record_adoption(
        network.people["d1"],
        network.page,
        network.orgs["damson"],
        AdoptionStatus.UNDER_REVIEW,
    )
    rows, _versions = uptake.timeline(network.page)
    assert rows[-1].date == timezone.localdate()
    assert rows[-1].adopted == 2


def test_two_versions_endorsed_on_the_same_day_both_appear(
    guideline, author, clinical_reviewer, executive, nurse
):
    """A same-day correction: the timeline (and its CSV) still records version 1."""
    services.acknowledge(nurse, guideline, 1)
    page = endorse_new_version(
        guideline, author, clinical_reviewer, executive, change_summary="Typo in a dose."
    )
    rows, versions = uptake.timeline(page)
    assert [v.number for v in versions] == [1, 2]
    events = [event for row in rows for event in row.events]
    assert events == ["Version 1 endorsed", "Version 2 endorsed"]
    assert (rows[-1].version, rows[-1].acknowledged) == (2, 0)


def test_timeline_is_empty_before_endorsement(draft):
    assert uptake.timeline(draft) == ([], [])


def test_overview(network, index, author, clinical_reviewer, executive):
    network.deactivate("leaver")
    school = endorse(
        make_draft(
            index,
            author,
            title="A school day plan",
            slug="school-day-plan",
            for_clinical=False,
            for_universal_service=True,
        ),
        author,
        clinical_reviewer,
        executive,
    )
    services.acknowledge(network.people["c2"], school, 1)
    make_draft(index, author, title="Not yet endorsed", slug="not-yet-endorsed")

    rows = uptake.overview()
    assert [row.guideline.title for row in rows] == [
        "A school day plan",
        "Rapid transfer home for end-of-life care",
    ]
    school_row, transfer_row = rows
    assert transfer_row.version == 2
    assert timezone.localdate(transfer_row.endorsed_at) == network.v2.endorsed_at.date()
    assert transfer_row.first_endorsed_at == network.v1.endorsed_at
    assert transfer_row.days_since_endorsement == 15
    assert (transfer_row.adopted.count, transfer_row.adopted.total) == (3, 5)
    # Audience: clinical and non-clinical members; readers of version 2 among them.
    assert (transfer_row.acknowledged.count, transfer_row.acknowledged.total) == (
        4,
        4 + REVIEWERS + 3,
    )
    assert not transfer_row.overdue
    assert not transfer_row.due_soon

    assert school_row.version == 1
    assert school_row.days_since_endorsement == 0
    assert (school_row.adopted.count, school_row.adopted.total) == (0, 5)
    assert (school_row.acknowledged.count, school_row.acknowledged.total) == (1, 3)
    assert school_row.acknowledged.percent == 33


def test_share_percentages():
    assert uptake.Share(1, 3).percent == 33
    assert uptake.Share(2, 3).percent == 67
    assert uptake.Share(0, 0).percent is None
    assert uptake.Share(5, 5).percent == 100


def test_adoption_history_follows_the_change_log_to_each_day(network):
    """The same story as the timeline: Alder adopts 10 days ago, Birch 5, Damson 1."""
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in (40, 11, 10, 6, 5, 2, 1, 0)]
    (row,) = uptake.overview([network.page], history_days=days)
    assert row.history == (0, 0, 1, 1, 2, 2, 3, 3)
    assert row.history[-1] == row.adopted.count
    (row,) = uptake.overview([network.page])
    assert row.history == ()


def test_adoption_history_counts_the_latest_change_of_each_day(network):
    """Damson adopted it yesterday: withdrawn today, it is not adopted at today's end; adopted
    again a second later, it is."""
    today = timezone.localdate()
    moment = timezone.now()
    page, damson, lead = network.page, network.orgs["damson"], network.people["d1"]
    services.record_adoption(
        lead, page, damson, AdoptionStatus.NOT_ADOPTED, "No longer staffed.", now=moment
    )
    (row,) = uptake.overview([page], history_days=[today - datetime.timedelta(days=1), today])
    assert row.history == (3, 2) and row.adopted.count == 2
    services.record_adoption(
        lead, page, damson, AdoptionStatus.ADOPTED, now=moment + datetime.timedelta(seconds=1)
    )
    (row,) = uptake.overview([page], history_days=[today - datetime.timedelta(days=1), today])
    assert row.history == (3, 3) and row.adopted.count == 3


def test_overview_without_readership_reads_one_query(network, django_assert_num_queries):
    with django_assert_num_queries(1):
        (row,) = uptake.overview([network.page], readership=False)
    assert row.acknowledged is None
    assert row.adopted == uptake.overview([network.page])[0].adopted


def test_evaluation_adoption_history_ends_at_todays_figure(network):
    from evaluation import metrics

    rows = metrics.guideline_adoption()
    (row,) = [row for row in rows if row.title == network.page.title]
    assert len(row.history) == metrics.ADOPTION_MONTHS
    assert row.history[-1] == row.adopted == 3
    ends = metrics.adoption_month_ends(datetime.date(2026, 3, 15))
    assert ends == [
        datetime.date(2025, 10, 31),
        datetime.date(2025, 11, 30),
        datetime.date(2025, 12, 31),
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 15),
    ]
