"""The network's figures, checked to the unit on small data built through the services."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

import pytest
from scipy import stats

from evaluation import metrics, services
from evaluation.metrics import Cell, Filters
from evaluation.models import SurveyKind
from evaluation.services import AnswerData
from events import services as events
from events.models import AttendanceStatus, EventKind
from events.queries import programme_sessions
from events.tests.factories import LONDON, make_event
from members.models import NetworkRole, OrganisationKind, Rurality, StaffGroup
from members.tests.factories import OrganisationFactory, UserFactory

from .factories import attend, past_event, post_ask, register_in_the_past

pytestmark = pytest.mark.django_db


@dataclass
class Network:
    hub: object
    spoke: object
    quiet: object
    ann: object
    ben: object
    cat: object
    dan: object
    sessions: list


@pytest.fixture
def network(coordinator):
    """Seven attendances by three members of two organisations at three held sessions.

    Ann (hub, urban, NHS, clinical) came to all three; Ben (hub, non-clinical) to the
    first and last, and was marked absent from the second; Cat (spoke, rural,
    non-NHS, universal service) to the first two, and was marked present for 0
    minutes at the last. Dan's organisation (spoke, urban, NHS) never came. A session
    still to come has nobody yet.
    """
    hub = OrganisationFactory(
        name="Alder Children's Trust",
        kind=OrganisationKind.HOSPITAL_TRUST,
        network_role=NetworkRole.HUB,
        rurality=Rurality.URBAN,
        is_nhs=True,
    )
    spoke = OrganisationFactory(
        name="Birch Hospice",
        kind=OrganisationKind.HOSPICE,
        network_role=NetworkRole.SPOKE,
        rurality=Rurality.RURAL,
        is_nhs=False,
    )
    quiet = OrganisationFactory(
        name="Cedar Community Nursing",
        network_role=NetworkRole.SPOKE,
        rurality=Rurality.URBAN,
        is_nhs=True,
    )
    ann = UserFactory(organisation=hub, staff_group=StaffGroup.CLINICAL)
    ben = UserFactory(organisation=hub, staff_group=StaffGroup.NON_CLINICAL)
    cat = UserFactory(organisation=spoke, staff_group=StaffGroup.UNIVERSAL_SERVICE)
    dan = UserFactory(organisation=quiet, staff_group=StaffGroup.CLINICAL)
    sessions = [past_event(40), past_event(25, kind=EventKind.STUDY_DAY), past_event(10)]
    make_event(title="Still to come")
    first, second, third = sessions
    for occurrence in sessions:
        attend(occurrence, ann, by=coordinator)
    attend(first, ben, by=coordinator)
    attend(second, ben, by=coordinator, status=AttendanceStatus.ABSENT)
    attend(third, ben, by=coordinator)
    attend(first, cat, by=coordinator)
    attend(second, cat, by=coordinator)
    attend(third, cat, by=coordinator, minutes=0)
    return Network(hub, spoke, quiet, ann, ben, cat, dan, sessions)


def test_participation_counts_present_records_at_held_sessions(network):
    figures = metrics.participation(Filters())

    assert figures.sessions_held == 3
    assert figures.attendances == 7
    assert figures.unique_attendees == 3
    assert figures.organisations_reached == 2
    assert figures.organisations_in_network == 3
    # Ann, Ben, Cat, Dan and the coordinator.
    assert figures.members_in_network == 5
    assert figures.mean_per_session == pytest.approx(7 / 3)
    assert figures.members_reached_percent == 60
    assert figures.organisations_reached_percent == 67


def test_nothing_held_means_no_mean(db):
    make_event(title="Still to come")

    figures = metrics.participation(Filters())

    assert figures.sessions_held == 0
    assert figures.attendances == 0
    assert figures.mean_per_session is None


def rows(dimension: str) -> list[tuple]:
    return [
        (row.label, row.members, row.members_reached, row.organisations, row.organisations_reached)
        for row in metrics.reach(Filters())[dimension]
    ]


def test_reach_splits_members_and_organisations_every_way(network):
    assert rows("network_role") == [
        ("Hub", 2, 2, 1, 1),
        ("No organisation", 1, 0, 0, 0),
        ("Spoke", 2, 1, 2, 1),
    ]
    assert rows("rurality") == [
        ("No organisation", 1, 0, 0, 0),
        ("Rural", 1, 1, 1, 1),
        ("Urban", 3, 2, 2, 1),
    ]
    assert rows("is_nhs") == [
        ("NHS", 3, 2, 2, 1),
        ("No organisation", 1, 0, 0, 0),
        ("Non-NHS", 1, 1, 1, 1),
    ]
    assert rows("staff_group") == [
        ("Clinical", 3, 1, 2, 1),
        ("Non-clinical", 1, 1, 1, 1),
        ("Universal service", 1, 1, 1, 1),
    ]


def test_staff_group_filter_narrows_attendance_not_sessions(network):
    figures = metrics.participation(Filters(staff_group=StaffGroup.NON_CLINICAL))

    assert figures.sessions_held == 3
    assert figures.attendances == 2
    assert figures.unique_attendees == 1
    assert figures.organisations_reached == 1
    assert figures.members_in_network == 1


def test_rurality_filter_narrows_to_rural_organisations(network):
    figures = metrics.participation(Filters(rurality=Rurality.RURAL))

    assert figures.attendances == 2
    assert figures.unique_attendees == 1
    assert figures.organisations_reached == 1
    assert figures.organisations_in_network == 1
    assert [row.label for row in metrics.reach(Filters(rurality=Rurality.RURAL))["rurality"]] == [
        "Rural"
    ]


def test_period_takes_sessions_starting_between_start_and_end_inclusive(network):
    day = network.sessions[1].start.astimezone(LONDON).date()

    only_second = metrics.participation(Filters(start=day, end=day))
    from_second = metrics.participation(Filters(start=day))
    until_second = metrics.participation(Filters(end=day))

    assert (only_second.sessions_held, only_second.attendances) == (1, 2)
    assert only_second.unique_attendees == 2
    assert (from_second.sessions_held, from_second.attendances) == (2, 4)
    assert (until_second.sessions_held, until_second.attendances) == (2, 5)
    assert metrics.participation(Filters(end=day - datetime.timedelta(days=30))).attendances == 0


def test_periphery_lists_organisations_without_attendance(network):
    found = metrics.periphery(Filters())

    assert [(row.organisation, row.members, row.last_attended) for row in found] == [
        (network.quiet, 1, None)
    ]


def test_periphery_counts_six_months_back(coordinator):
    lapsed = OrganisationFactory(name="Lapsed Trust")
    recent = OrganisationFactory(name="Recent Trust")
    long_ago = past_event(200)
    lately = past_event(30)
    attend(long_ago, UserFactory(organisation=lapsed), by=coordinator)
    attend(lately, UserFactory(organisation=recent), by=coordinator)

    found = metrics.periphery(Filters())

    assert [(row.organisation, row.last_attended) for row in found] == [(lapsed, long_ago.start)]


def test_trend_by_month_counts_attendances_and_people(network):
    expected: dict[datetime.date, list] = {}
    attended = {
        0: ["ann", "ben", "cat"],
        1: ["ann", "cat"],
        2: ["ann", "ben"],
    }
    for index, names in attended.items():
        month = network.sessions[index].start.astimezone(LONDON).date().replace(day=1)
        entry = expected.setdefault(month, [0, set()])
        entry[0] += len(names)
        entry[1].update(names)

    trend = metrics.trend_by_month(Filters())

    assert [(row.month, row.attendances, row.attendees) for row in trend] == [
        (month, n, len(people)) for month, (n, people) in sorted(expected.items())
    ]
    assert sum(row.attendances for row in trend) == 7


def test_cycle_shares_give_the_share_of_held_sessions_each_attendee_came_to(past_echo, coordinator):
    sessions = list(programme_sessions(past_echo))
    held = len(sessions)
    assert held >= 4
    keen, once = UserFactory(), UserFactory()
    for occurrence in sessions:
        attend(occurrence, keen, by=coordinator)
    attend(sessions[0], once, by=coordinator)

    [row] = metrics.cycle_shares(Filters())

    assert row.programme == past_echo
    assert row.sessions_held == held
    assert row.attendees == 2
    assert row.mean_share == pytest.approx((1 + 1 / held) / 2)
    assert row.attended_most == 1


# --- Suppression -----------------------------------------------------------------------------


def test_cells_over_fewer_than_five_respondents_are_suppressed():
    assert Cell(4.2, 4).suppressed is True
    assert str(Cell(4.2, 4)) == "fewer than 5"
    assert Cell(4.2, 4).export() == "fewer than 5"
    assert Cell(4.2, 5).suppressed is False
    assert str(Cell(4.2, 5)) == "4.2"
    assert Cell(7, 5).export() == 7


def answer_feedback(member, occurrence, useful: int) -> None:
    ask = services.occurrence_ask(member, occurrence)
    questions = [question for question, _topic in services.questions_with_topics(ask)]
    numeric = [question for question in questions if question.is_numeric]
    services.submit_response(
        member,
        ask,
        [AnswerData(numeric[0].pk, value=useful)]
        + [AnswerData(question.pk, value=4) for question in numeric[1:]],
    )


def feedback_distributions():
    return metrics.distributions(Filters(), (SurveyKind.SESSION_FEEDBACK,))


def test_feedback_distributions_are_suppressed_below_five_respondents(coordinator):
    occurrence = past_event(2)
    people = [UserFactory() for _ in range(5)]
    for person, useful in zip(people[:4], [5, 4, 4, 2], strict=True):
        attend(occurrence, person, by=coordinator)
        answer_feedback(person, occurrence, useful)

    four = feedback_distributions()

    assert len(four) == 3
    assert all(d.respondents == 4 and d.suppressed for d in four)
    assert str(four[0].mean_cell) == "fewer than 5"

    attend(occurrence, people[4], by=coordinator)
    answer_feedback(people[4], occurrence, 5)

    five = feedback_distributions()

    assert all(d.respondents == 5 and not d.suppressed for d in five)
    useful = five[0]
    assert useful.question == "The session was useful to me."
    assert useful.counts == (("1", 0), ("2", 1), ("3", 0), ("4", 2), ("5", 2))
    assert useful.bars == (("1", 0, 0), ("2", 1, 20), ("3", 0, 0), ("4", 2, 40), ("5", 2, 40))
    assert useful.mean == pytest.approx(4.0)
    assert str(useful.mean_cell) == "4.0"


# --- Confidence --------------------------------------------------------------------------------

PRE = {"Pain": [3, 4, 5, 2, 6], "Breathlessness": [2, 2, 3, 4, 1]}
POST = {"Pain": [6, 7, 5, 5, 8], "Breathlessness": [5, 4, 3, 6, 4]}
BEFORE = {"Pain": [2, 3, 4, 2, 5], "Breathlessness": [1, 2, 2, 3, 1]}
# A sixth member answered only after the series: a retrospective pair, not a paired change.
LATE = {"Pain": (9, 4), "Breathlessness": (7, 3)}


def confidence_answers(ask, values: dict[str, int], before: dict[str, int] | None = None):
    return [
        AnswerData(
            question.pk,
            topic,
            value=values[topic],
            before_value=before[topic] if before else None,
        )
        for question, topic in services.questions_with_topics(ask)
    ]


@pytest.fixture
def confidence(past_echo, coordinator):
    sessions = list(programme_sessions(past_echo))
    events.plan_session(sessions[0], didactic_topic="Pain")
    events.plan_session(sessions[1], didactic_topic="Breathlessness")
    events.plan_session(sessions[2], didactic_topic="Pain")
    people = [UserFactory() for _ in range(6)]
    for index, person in enumerate(people):
        attend(sessions[1], person, by=coordinator)
        post = post_ask(person, past_echo)
        if index < 5:
            register_in_the_past(person, sessions[0])
            pre = services.cycle_ask(person, past_echo, SurveyKind.PRE_CONFIDENCE)
            before_first_end = sessions[0].end - datetime.timedelta(hours=1)
            services.submit_response(
                person,
                pre,
                confidence_answers(pre, {topic: PRE[topic][index] for topic in PRE}),
                now=before_first_end,
            )
            services.submit_response(
                person,
                post,
                confidence_answers(
                    post,
                    {topic: POST[topic][index] for topic in POST},
                    {topic: BEFORE[topic][index] for topic in BEFORE},
                ),
            )
        else:
            services.submit_response(
                person,
                post,
                confidence_answers(
                    post,
                    {topic: value for topic, (value, _b) in LATE.items()},
                    {topic: before for topic, (_v, before) in LATE.items()},
                ),
            )
    return past_echo


def test_confidence_change_pairs_the_same_members_pre_and_post(confidence):
    found = metrics.confidence_change(Filters())

    assert [(row.programme, row.topic) for row in found] == [
        ("Symptom management ECHO", "Breathlessness"),
        ("Symptom management ECHO", "Pain"),
    ]
    for row in found:
        changes = [b - a for a, b in zip(PRE[row.topic], POST[row.topic], strict=True)]
        mean = statistics.fmean(changes)
        low, high = stats.t.interval(0.95, len(changes) - 1, loc=mean, scale=stats.sem(changes))
        assert row.pairs == 5
        assert not row.suppressed
        assert row.mean_pre == pytest.approx(statistics.fmean(PRE[row.topic]))
        assert row.mean_post == pytest.approx(statistics.fmean(POST[row.topic]))
        assert row.mean_change == pytest.approx(mean)
        assert row.ci_low == pytest.approx(low)
        assert row.ci_high == pytest.approx(high)
        assert row.ci_low < row.mean_change < row.ci_high
        assert row.retrospective_pairs == 6
        assert row.mean_retrospective_pre == pytest.approx(
            statistics.fmean([*BEFORE[row.topic], LATE[row.topic][1]])
        )


def test_confidence_change_figures(confidence):
    pain = {row.topic: row for row in metrics.confidence_change(Filters())}["Pain"]

    assert pain.mean_change == pytest.approx(2.2)
    assert pain.mean_pre == pytest.approx(4.0)
    assert pain.mean_post == pytest.approx(6.2)


def test_confidence_change_is_suppressed_below_five_pairs(past_echo, coordinator):
    sessions = list(programme_sessions(past_echo))
    events.plan_session(sessions[0], didactic_topic="Pain")
    person = UserFactory()
    attend(sessions[0], person, by=coordinator)
    register_in_the_past(person, sessions[0])
    pre = services.cycle_ask(person, past_echo, SurveyKind.PRE_CONFIDENCE)
    services.submit_response(
        person, pre, confidence_answers(pre, {"Pain": 3}), now=sessions[0].start
    )
    post = post_ask(person, past_echo)
    services.submit_response(person, post, confidence_answers(post, {"Pain": 7}, {"Pain": 2}))

    [row] = metrics.confidence_change(Filters())

    assert (row.topic, row.pairs, row.mean_change) == ("Pain", 1, 4)
    assert row.suppressed
    assert (row.ci_low, row.ci_high) == (None, None)
    assert str(row.cell("mean_change")) == "fewer than 5"
    assert str(row.cell("mean_retrospective_pre")) == "fewer than 5"
