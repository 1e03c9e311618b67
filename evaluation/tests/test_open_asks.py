"""`open_asks` gives what `occurrence_ask` and `cycle_ask` give for each subject, in a
fixed number of queries however many sessions, programmes and cycles the member has; the
surveys in use are kept in the cache until one changes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from schedule.models import Occurrence

from evaluation import services
from evaluation.models import Survey, SurveyKind
from events import services as events
from events.models import Attendance, AttendanceStatus, EchoProgramme, EventKind
from events.queries import programme_sessions
from events.scheduling import Recurrence
from events.tests.factories import make_programme, soon
from members.tests.factories import UserFactory

from .factories import attend, days_ago, full_answers, past_event, register_in_the_past

pytestmark = pytest.mark.django_db

MAX_QUERIES = 2  # the member's sessions and their responses; the surveys are cached


def one_by_one(member, now: datetime.datetime) -> list[services.Ask]:
    """What the member may answer now, asking `occurrence_ask` and `cycle_ask` about each
    subject in turn: the rule `open_asks` must keep."""
    recent = now - datetime.timedelta(days=60)
    attended = Occurrence.objects.filter(
        attendance__in=Attendance.objects.present().filter(member=member),
        start__gte=recent,
        start__lte=now,
    ).order_by("-start")
    asks = [
        ask
        for occurrence in attended
        if (ask := services.occurrence_ask(member, occurrence, now)) and ask.is_open(now)
    ]
    programmes = EchoProgramme.objects.filter(
        Q(series__occurrence__registrations__member=member)
        | Q(series__occurrence__attendance__member=member)
    ).distinct()
    for programme in programmes:
        for kind in services.CYCLE_KINDS:
            ask = services.cycle_ask(member, programme, kind, now)
            if ask is not None and ask.is_open(now):
                asks.append(ask)
    return asks


def programme(name: str, *, start: datetime.datetime, days: int, facilitator):
    until = (start + datetime.timedelta(days=days)).date()
    return make_programme(
        name,
        start=start,
        until=until,
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        description="Monthly case discussion.",
        hub_team=[facilitator],
    )


def take_part(member, coordinator, facilitator, number: int, label: str = "") -> None:
    """`member` in `number` finished programmes (attended the last session of each), one
    coming programme (registered), recent webinars and a study day (present at some,
    absent at one); someone else beside them."""
    other = UserFactory()
    for index in range(number):
        done = programme(
            f"Finished ECHO {label}{index}", start=days_ago(150), days=130, facilitator=facilitator
        )
        sessions = list(programme_sessions(done))
        attend(sessions[-1], member, by=coordinator)
        register_in_the_past(member, sessions[0])
        attend(sessions[0], other, by=coordinator)
        webinar = past_event(3 + index, title=f"Webinar {label}{index}")
        attend(webinar, member, by=coordinator)
    coming = programme(
        f"Coming ECHO {label}", start=soon(days=10), days=150, facilitator=facilitator
    )
    events.register_for_occurrence(member, list(programme_sessions(coming))[0])
    attend(past_event(5, title="Study day", kind=EventKind.STUDY_DAY), member, by=coordinator)
    missed = past_event(6, title="Missed webinar")
    attend(missed, member, by=coordinator, status=AttendanceStatus.ABSENT)


@pytest.fixture
def facilitator(db):
    return UserFactory(full_name="Fola Facilitator")


def test_open_asks_agrees_with_asking_about_each_subject(member, coordinator, facilitator):
    take_part(member, coordinator, facilitator, 2)
    finished = EchoProgramme.objects.get(name="Finished ECHO 0")
    Survey.objects.create(
        title="Finished ECHO's own", kind=SurveyKind.POST_CONFIDENCE, programme=finished
    )
    first = services.open_asks(member)[0]
    services.submit_response(member, first, full_answers(first))
    now = timezone.now()

    asks = services.open_asks(member, now)

    assert asks == one_by_one(member, now)
    kinds = [(ask.survey.kind, ask.response is not None) for ask in asks]
    assert kinds.count((SurveyKind.SESSION_FEEDBACK, True)) == 1
    assert (SurveyKind.STUDY_DAY_FEEDBACK, False) in kinds
    assert (SurveyKind.PRE_CONFIDENCE, False) in kinds
    assert kinds.count((SurveyKind.POST_CONFIDENCE, False)) == 2
    assert [ask.survey.title for ask in asks if ask.programme == finished] == [
        "Finished ECHO's own"
    ]
    assert "Missed webinar" not in [ask.subject_title for ask in asks]


def test_open_asks_agrees_at_other_moments(member, coordinator, facilitator):
    take_part(member, coordinator, facilitator, 1)
    for days in (-200, -30, 1, 15, 40, 100, 120):
        now = timezone.now() + datetime.timedelta(days=days)
        assert services.open_asks(member, now) == one_by_one(member, now)


def test_open_asks_takes_the_same_queries_however_much_the_member_took_part(
    member, coordinator, facilitator
):
    def queries() -> int:
        services.open_asks(member)  # the surveys in use are then in the cache
        with CaptureQueriesContext(connection) as context:
            services.open_asks(member)
        return len(context.captured_queries)

    assert queries() == 1  # nothing to ask about: one look at the member's sessions
    take_part(member, coordinator, facilitator, 1)
    few = queries()
    take_part(member, coordinator, facilitator, 4, label="more ")
    assert queries() == few <= MAX_QUERIES


def test_a_changed_survey_is_asked_at_once(member, coordinator, ended_session):
    attend(ended_session, member, by=coordinator)
    [ask] = services.open_asks(member)
    ask.survey.title = "Your view of the session"
    ask.survey.save()
    assert [ask.survey.title for ask in services.open_asks(member)] == ["Your view of the session"]
    ask.survey.is_active = False
    ask.survey.save()
    assert services.open_asks(member) == []
