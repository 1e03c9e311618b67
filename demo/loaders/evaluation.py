"""Demo evaluation data for `load_demo_network`: feedback, confidence and follow-up answers.

The command runs `DEMO_STEPS` after the other apps' steps, in the same transaction and
with e-mails suppressed, so the demo members, events, registrations and attendance exist.
What the network says is in `demo/content/evaluation/`: the ended programme and its
members (`programme.yaml`) and what members write (`answers.yaml`).

The demo's own ECHO cycles (2026-27) have not ended, so there would be nothing to show for
pre- and post-series confidence or the three-month follow-up. The first step therefore
adds a third, earlier programme whose cycle has ended, "Advance care planning ECHO"
(monthly from January to June 2026), with its session plans, registrations and
attendance, made with the events demo's helpers. Registrations for its (past) sessions
are written as they would have stood at the time, because `register_for_occurrence`
refuses sessions that have started.

The second step answers the surveys through `evaluation.services.submit_response`, each
with `now` set to a moment when the survey was open (for example an hour after a session
ended), so the answers are dated as if given then:

- session feedback from about two in three attendees of every demo session that has ended
  (fewer from spoke and universal-service staff), mostly 4s and 5s;
- pre-series confidence before each member's first session, post-series confidence (with
  a retrospective "before") soon after the cycle ended, and the follow-up about three
  months later, for the advance care planning cycle;
- a few written answers the coordinator has chosen to quote.

Who answers, and what, is decided by `random.Random` seeded with the member's e-mail and
the subject, so every run and every database gets the same answers.

Idempotent: the programme is found by its slug, a registration or attendance record by
(occurrence, member), a response by (survey, member, subject) and a quote by its answer.
Anything found is left as it is (a response is never submitted again, since that would
replace its answers and drop their quotes).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence

from django.db.models import Count, Q
from django.utils import timezone
from schedule.models import Occurrence

from demo import content
from demo.loaders import events as events_demo
from evaluation import services
from evaluation.models import Answer, ChosenQuote, Question, QuestionKind, Response, SurveyKind
from evaluation.services import AnswerData
from events import queries as events_queries
from events import services as events_services
from events.models import (
    Attendance,
    AttendanceStatus,
    EchoProgramme,
    Registration,
    RegistrationStatus,
    SessionPlan,
)
from members.models import NetworkRole, StaffGroup, User

Step = Callable[[], str]

DEMO_DOMAIN = events_demo.DEMO_DOMAIN
COORDINATOR_EMAIL = events_demo.COORDINATOR_EMAIL
FACILITATOR_EMAIL = events_demo.FACILITATOR_EMAIL
ECHO_MINUTES = events_demo.ECHO_MINUTES

CLINICAL, UNIVERSAL = StaffGroup.CLINICAL, StaffGroup.UNIVERSAL_SERVICE

# --- The content -------------------------------------------------------------------------------

_PROGRAMME = content.load("evaluation/programme")
ACP_ECHO = events_demo.event_data(_PROGRAMME["event"])
ACP_PROGRAMME = events_demo.programme(_PROGRAMME["programme"], ACP_ECHO)
ACP_SLUG = ACP_PROGRAMME.slug
ACP_CYCLE_END = ACP_PROGRAMME.cycle_end
# Each member of the cycle, in order, with the share of sessions they registered for and
# the share of those they came to.
ACP_MEMBERS: dict[str, tuple[float, float]] = {
    email: (
        _PROGRAMME["profiles"][profile]["registers"],
        _PROGRAMME["profiles"][profile]["attends"],
    )
    for email, profile in _PROGRAMME["members"].items()
}

_ANSWERS = content.load("evaluation/answers")
# "What will you do differently after this session?", by the session's teaching topic.
DIFFERENTLY: dict[str, tuple[str, ...]] = {
    topic: tuple(texts) for topic, texts in _ANSWERS["differently"].items()
}
DIFFERENTLY_ANY: tuple[str, ...] = tuple(_ANSWERS["differently_any"])
FOLLOW_UP = _ANSWERS["follow_up"]
FOLLOW_UP_CHOICES: tuple[tuple[str, float], ...] = tuple(
    (choice["answer"], choice["share"]) for choice in FOLLOW_UP["made_a_change"]
)
WHAT_CHANGED: tuple[str, ...] = tuple(FOLLOW_UP["what_changed"])
# "Tell us about one change, without naming anyone." (follow-up)
ONE_CHANGE: tuple[str, ...] = tuple(FOLLOW_UP["one_change"])
# Written answers the coordinator may choose for the impact report: the first QUOTE_COUNT of
# these that someone wrote.
QUOTE_COUNT: int = _ANSWERS["quote_count"]
QUOTES: tuple[str, ...] = tuple(_ANSWERS["quotes"])


# --- Helpers -----------------------------------------------------------------------------------


def _rng(*key: object) -> random.Random:
    """A generator seeded by `key`: the same answers on every run and in every database."""
    return random.Random("|".join(str(part) for part in key))


def _occurrence_key(occurrence: Occurrence) -> str:
    return f"{occurrence.event.title}@{(occurrence.original_start or occurrence.start).isoformat()}"


def _feedback_rate(member: User) -> float:
    """The share of sessions after which the member fills in the feedback form."""
    role = member.organisation.network_role if member.organisation else ""
    if member.staff_group == UNIVERSAL:
        return 0.5
    if role == NetworkRole.HUB:
        return 0.8
    return 0.65


def _likert(rng: random.Random, warmth: float) -> int:
    """Mostly 4s and 5s, some 3s; `warmth` (0 to 1) moves a member towards 5."""
    roll = rng.random()
    if roll < 0.08 + 0.08 * (1 - warmth):
        return 3
    if roll < 0.45 + 0.2 * (1 - warmth):
        return 4
    return 5


def _clip(value: float, low: int = 0, high: int = 10) -> int:
    return max(low, min(high, round(value)))


# --- Step 1: the ended programme ---------------------------------------------------------------


def _planned_registrations(
    email: str, profile: tuple[float, float], sessions: Sequence[Occurrence]
) -> list[tuple[Occurrence, str, int | None]]:
    """(session, attendance status, minutes) for each session the member registered for."""
    register_share, attend_share = profile
    rng = _rng("acp-registrations", email)
    planned = []
    for index, occurrence in enumerate(sessions):
        if rng.random() >= register_share:
            continue
        roll = rng.random()
        if roll < attend_share:
            minutes = ECHO_MINUTES[(index + len(planned)) % len(ECHO_MINUTES)]
            planned.append((occurrence, AttendanceStatus.PRESENT, minutes))
        elif roll < attend_share + (1 - attend_share) / 2:
            planned.append((occurrence, AttendanceStatus.EXCUSED, None))
        else:
            planned.append((occurrence, AttendanceStatus.ABSENT, None))
    if not planned:
        # Everyone in the list registered at least once: for the session nearest their name.
        occurrence = sessions[sum(map(ord, email)) % len(sessions)]
        planned.append((occurrence, AttendanceStatus.ABSENT, None))
    return planned


def load_ended_programme() -> str:
    """The advance care planning ECHO (January to June 2026), its plans and its history."""
    coordinator = events_demo.user(COORDINATOR_EMAIL)
    facilitator = events_demo.user(FACILITATOR_EMAIL)
    series = events_demo.load_event(ACP_ECHO, coordinator)
    programme, _plans = events_demo.load_programme(ACP_PROGRAMME, series, coordinator)
    sessions = events_demo.demo_sessions(ACP_PROGRAMME)

    now = timezone.now()
    held = [occurrence for occurrence in sessions if occurrence.end <= now]
    hub_team = list(programme.hub_team.order_by("email"))
    for occurrence in held:
        for member in hub_team:
            if not Attendance.objects.filter(occurrence=occurrence, member=member).exists():
                events_services.record_attendance(
                    occurrence, member, status=AttendanceStatus.PRESENT, by=facilitator
                )
    available = set(events_demo.demo_members().values_list("email", flat=True))
    for position, (email, profile) in enumerate(ACP_MEMBERS.items()):
        if email not in available:
            continue
        member = events_demo.user(email)
        for occurrence, status, minutes in _planned_registrations(email, profile, held):
            # History cannot be made through register_for_occurrence, which refuses sessions
            # that have started: the row is written as it stood before the session.
            registered_at = occurrence.start - datetime.timedelta(
                days=5 + position % 12, hours=position % 7
            )
            Registration.objects.get_or_create(
                occurrence=occurrence,
                member=member,
                defaults={
                    "status": RegistrationStatus.REGISTERED,
                    "registered_at": registered_at,
                    "reminder_sent_for": occurrence.start,
                },
            )
            if not Attendance.objects.filter(occurrence=occurrence, member=member).exists():
                events_services.record_attendance(
                    occurrence, member, status=status, minutes=minutes, by=facilitator
                )

    registrations = Registration.objects.filter(occurrence__in=sessions).count()
    records = Attendance.objects.filter(occurrence__in=sessions)
    present = records.present().count()
    return (
        f"1 ended ECHO programme ({ACP_PROGRAMME.name}, {ACP_PROGRAMME.cycle_start:%B %Y} to "
        f"{ACP_CYCLE_END:%B %Y}): {len(sessions)} sessions, {registrations} registrations, "
        f"{records.count()} attendance records ({present} present)"
    )


# --- Step 2: the answers -----------------------------------------------------------------------


def _questions(ask: services.Ask) -> list[tuple[Question, str]]:
    return services.questions_with_topics(ask)


def _feedback_answers(
    ask: services.Ask, member: User, occurrence: Occurrence, rng: random.Random
) -> list[AnswerData]:
    plan = SessionPlan.objects.filter(occurrence=occurrence).first()
    topic = plan.didactic_topic if plan is not None else ""
    warmth = _rng("warmth", member.email).random()
    answers = []
    for question, question_topic in _questions(ask):
        if question.is_numeric:
            answers.append(AnswerData(question.pk, question_topic, value=_likert(rng, warmth)))
        elif question.kind == QuestionKind.FREE_TEXT and rng.random() < 0.4:
            texts = DIFFERENTLY.get(topic) or DIFFERENTLY_ANY
            answers.append(AnswerData(question.pk, question_topic, text=rng.choice(texts)))
    return answers


def _feedback_occurrences(now: datetime.datetime) -> list[Occurrence]:
    """Every demo session, webinar, conference or study day that has ended."""
    series = [*events_demo.demo_series()]
    acp = events_demo.find_series(ACP_ECHO)
    if acp is not None:
        series.append(acp)
    return list(
        Occurrence.objects.filter(event__in=series, cancelled=False, end__lte=now)
        .select_related("event__details", "event__echo_programme")
        .order_by("start", "pk")
    )


def _load_feedback(now: datetime.datetime) -> None:
    for occurrence in _feedback_occurrences(now):
        programme = getattr(occurrence.event, "echo_programme", None)
        hub_team = set(programme.hub_team.values_list("pk", flat=True)) if programme else set()
        attendees = (
            events_demo.demo_members()
            .filter(attendance__in=Attendance.objects.present().filter(occurrence=occurrence))
            .exclude(pk__in=hub_team)
            .exclude(email__iexact=COORDINATOR_EMAIL)
            .select_related("organisation")
        )
        for member in attendees:
            rng = _rng("feedback", member.email, _occurrence_key(occurrence))
            if rng.random() >= _feedback_rate(member):
                continue
            ask = services.occurrence_ask(member, occurrence)
            if ask is None or ask.response is not None:
                continue
            # Answered between an hour and two days after the session ended.
            when = min(ask.opens_at + datetime.timedelta(minutes=60 + rng.randrange(48 * 60)), now)
            if not ask.is_open(when):
                continue
            services.submit_response(
                member, ask, _feedback_answers(ask, member, occurrence, rng), now=when
            )


def _baseline(member: User, topic: str) -> int:
    """How confident the member was in a topic before the cycle (0 to 10)."""
    role = member.organisation.network_role if member.organisation else ""
    if member.staff_group == CLINICAL:
        centre = 6.0 if role == NetworkRole.HUB else 4.5
    elif member.staff_group == UNIVERSAL:
        centre = 2.5
    else:
        centre = 3.5
    return _clip(centre + _rng("baseline", member.email, topic).gauss(0, 1.2), 0, 8)


def _gain(member: User, topic: str, attended: int, held: int) -> int:
    """A modest rise, larger for members who came to more of the cycle."""
    share = attended / held if held else 0
    return _clip(0.6 + 2.2 * share + _rng("gain", member.email, topic).gauss(0, 0.8), 0, 5)


def _load_confidence(programme: EchoProgramme, now: datetime.datetime) -> None:
    sessions = events_queries.programme_sessions(programme).filter(cancelled=False)
    held = sessions.filter(end__lte=now).count()
    members = (
        events_demo.demo_members()
        .filter(registrations__occurrence__in=sessions)
        .exclude(pk__in=programme.hub_team.values_list("pk", flat=True))
        .distinct()
        .select_related("organisation")
    )
    for member in members:
        rng = _rng("confidence", programme.slug, member.email)
        attended = (
            Attendance.objects.present().filter(member=member, occurrence__in=sessions).count()
        )
        answers_pre = rng.random() < 0.8
        answers_post = rng.random() < 0.55 + 0.3 * (attended / held if held else 0)
        answers_follow_up = rng.random() < 0.6

        ask = services.cycle_ask(member, programme, SurveyKind.PRE_CONFIDENCE)
        if answers_pre and ask is not None and ask.response is None:
            # A day or a few before the first session they registered for.
            when = ask.closes_at - datetime.timedelta(days=1 + rng.randrange(6), hours=3)
            if ask.is_open(when):
                services.submit_response(
                    member,
                    ask,
                    [
                        AnswerData(q.pk, topic, value=_baseline(member, topic))
                        for q, topic in _questions(ask)
                        if q.is_numeric
                    ],
                    now=when,
                )

        ask = services.cycle_ask(member, programme, SurveyKind.POST_CONFIDENCE)
        if answers_post and ask is not None and ask.response is None:
            when = min(ask.opens_at + datetime.timedelta(days=rng.randrange(14), hours=9), now)
            if ask.is_open(when):
                answers = []
                for question, topic in _questions(ask):
                    if not question.is_numeric:
                        continue
                    before = _baseline(member, topic)
                    after = _clip(before + _gain(member, topic, attended, held))
                    # Looking back, members rate their starting point a little lower.
                    hindsight = _rng("hindsight", member.email, topic).choice((0, 0, 1, 1, 2))
                    answers.append(
                        AnswerData(
                            question.pk,
                            topic,
                            value=after,
                            before_value=(
                                _clip(before - hindsight) if question.then_test else None
                            ),
                        )
                    )
                services.submit_response(member, ask, answers, now=when)

        ask = services.cycle_ask(member, programme, SurveyKind.FOLLOW_UP)
        if answers_follow_up and ask is not None and ask.response is None:
            # About three months on: a few days after the follow-up opened.
            when = min(ask.opens_at + datetime.timedelta(days=4 + rng.randrange(10), hours=10), now)
            if ask.is_open(when):
                services.submit_response(member, ask, _follow_up_answers(ask, rng), now=when)


def _follow_up_answers(ask: services.Ask, rng: random.Random) -> list[AnswerData]:
    roll, changed = rng.random(), FOLLOW_UP_CHOICES[-1][0]
    for choice, share in FOLLOW_UP_CHOICES:
        if roll < share:
            changed = choice
            break
        roll -= share
    made_a_change = changed.startswith("Yes")
    answers = []
    for question, topic in _questions(ask):
        if question.kind == QuestionKind.SINGLE_CHOICE:
            answers.append(AnswerData(question.pk, topic, choices=(changed,)))
        elif question.kind == QuestionKind.MULTIPLE_CHOICE and made_a_change:
            picked = {FOLLOW_UP["always_changed"]}
            picked.update(rng.sample(WHAT_CHANGED, rng.randrange(0, 3)))
            options = [option for option in question.choices if option in picked]
            answers.append(AnswerData(question.pk, topic, choices=tuple(options)))
        elif question.kind == QuestionKind.FREE_TEXT and made_a_change and rng.random() < 0.5:
            answers.append(AnswerData(question.pk, topic, text=rng.choice(ONE_CHANGE)))
    return answers


def _load_quotes() -> None:
    coordinator = events_demo.user(COORDINATOR_EMAIL)
    chosen = 0
    for text in QUOTES:
        if chosen == QUOTE_COUNT:
            break
        answer = (
            Answer.objects.filter(
                text=text,
                question__kind=QuestionKind.FREE_TEXT,
                response__member__email__iendswith=DEMO_DOMAIN,
            )
            .order_by("response__submitted_at", "pk")
            .first()
        )
        if answer is not None:
            services.choose_quote(answer, by=coordinator)
            chosen += 1


def load_responses() -> str:
    """Answers to the surveys, given while each was open, and the coordinator's quotes."""
    now = timezone.now()
    _load_feedback(now)
    programme = EchoProgramme.objects.filter(slug=ACP_SLUG).first()
    if programme is not None:
        _load_confidence(programme, now)
    _load_quotes()

    responses = Response.objects.filter(member__email__iendswith=DEMO_DOMAIN)
    by_kind = dict(
        responses.order_by()
        .values("survey__kind")
        .annotate(n=Count("pk"))
        .values_list("survey__kind", "n")
    )
    feedback = by_kind.get(SurveyKind.SESSION_FEEDBACK, 0) + by_kind.get(
        SurveyKind.STUDY_DAY_FEEDBACK, 0
    )
    sessions = responses.filter(occurrence__isnull=False).values("occurrence").distinct().count()
    pre = by_kind.get(SurveyKind.PRE_CONFIDENCE, 0)
    post = by_kind.get(SurveyKind.POST_CONFIDENCE, 0)
    follow_ups = by_kind.get(SurveyKind.FOLLOW_UP, 0)
    quotes = ChosenQuote.objects.filter(
        Q(answer__response__member__email__iendswith=DEMO_DOMAIN)
    ).count()
    return (
        f"Evaluation: {feedback} feedback responses for {sessions} sessions, "
        f"{pre + post} confidence responses ({pre} before, {post} after the series), "
        f"{follow_ups} follow-ups, {quotes} quotes"
    )


DEMO_STEPS: Sequence[Step] = (load_ended_programme, load_responses)
