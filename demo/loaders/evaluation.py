"""Demo evaluation data for `load_demo_network`: feedback, confidence and follow-up answers.

`demo.management.commands.load_demo_network` runs `DEMO_STEPS` after the other
apps' steps (this app comes last), in the same transaction and with e-mails
suppressed, so the demo members, events, registrations and attendance exist.

The demo's own ECHO cycles (2026-27) have not ended, so there would be nothing
to show for pre- and post-series confidence or the three-month follow-up. The
first step therefore adds a third, earlier programme whose cycle has ended:
"Advance care planning ECHO", monthly from January to June 2026, with its
session plans, registrations and attendance. It is made through
`events.services` like the others; registrations for its (past) sessions are
written as they would have stood at the time, because `register_for_occurrence`
refuses sessions that have started.

The second step answers the surveys through `evaluation.services.submit_response`,
each with `now` set to a moment when the survey was open (for example an hour
after a session ended), so the answers are dated as if given then:

- session feedback from about two in three attendees of every demo session that
  has ended (fewer from spoke and universal-service staff), mostly 4s and 5s;
- pre-series confidence before each member's first session, post-series
  confidence (with a retrospective "before") soon after the cycle ended, and the
  follow-up about three months later, for the advance care planning cycle;
- a few written answers the coordinator has chosen to quote.

Who answers, and what, is decided by `random.Random` seeded with the member's
e-mail and the subject, so every run and every database gets the same answers.

Idempotent: the programme is found by its slug, a registration or attendance
record by (occurrence, member), a response by (survey, member, subject) and a
quote by its answer. Anything found is left as it is (a response is never
submitted again, since that would replace its answers and drop their quotes).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from schedule.models import Event, Occurrence

from demo.loaders import events as events_demo
from evaluation import services
from evaluation.models import Answer, ChosenQuote, Question, QuestionKind, Response, SurveyKind
from evaluation.services import AnswerData
from events import services as events_services
from events.models import (
    Attendance,
    AttendanceMode,
    AttendanceStatus,
    EchoProgramme,
    EventKind,
    Registration,
    RegistrationStatus,
    SessionPlan,
)
from events.scheduling import Recurrence
from members.models import NetworkRole, StaffGroup, User

Step = Callable[[], str]

DEMO_DOMAIN = events_demo.DEMO_DOMAIN
COORDINATOR_EMAIL = events_demo.COORDINATOR_EMAIL
FACILITATOR_EMAIL = events_demo.FACILITATOR_EMAIL

CLINICAL, NON_CLINICAL, UNIVERSAL = (
    StaffGroup.CLINICAL,
    StaffGroup.NON_CLINICAL,
    StaffGroup.UNIVERSAL_SERVICE,
)

# --- The ended programme -----------------------------------------------------------------------

ACP_SLUG = "advance-care-planning-echo"
ACP_CYCLE_END = datetime.date(2026, 6, 30)

ACP_ECHO = events_demo._event(
    "Advance care planning ECHO",
    EventKind.ECHO_SESSION,
    datetime.date(2026, 1, 21),  # the third Wednesday of January 2026
    (12, 30),
    (14, 0),
    recurrence=Recurrence.MONTHLY_WEEKDAY,
    repeat_until=ACP_CYCLE_END,
    audience=(CLINICAL, UNIVERSAL, NON_CLINICAL),
    attendance_mode=AttendanceMode.ONLINE,
    video_link="https://meet.jit.si/westmoor-acp-echo",
    cpd_hours=Decimal("1.5"),
    description=(
        "<p>A six-month online case discussion about advance care planning with children, "
        "young people and their families: starting the conversation, parallel planning, "
        "recording wishes and keeping plans alive as things change.</p>"
        "<p>This cycle ran from January to June 2026. Each session counted for 1.5 hours of "
        "CPD.</p>"
    ),
)

ACP_PROGRAMME = events_demo.DemoProgramme(
    slug=ACP_SLUG,
    series=ACP_ECHO,
    description=(
        "Six months of case-based learning on advance care planning for children with "
        "life-limiting conditions: when and how to start, planning in parallel, ReSPECT and "
        "the CYP ACP, changing plans, and choosing the place of care. For health, social care, "
        "education and family support staff."
    ),
    hub_team=(FACILITATOR_EMAIL, "joanne.pickering@demo.example"),
    target_staff_groups=(CLINICAL, UNIVERSAL, NON_CLINICAL),
    topics=(
        ((2026, 1), "Starting the conversation", events_demo.PALLIATIVE_CONSULTANT),
        ((2026, 2), "Parallel planning", events_demo.CONSULTANT_PAEDIATRICIAN),
        ((2026, 3), "Recording wishes (ReSPECT and CYP ACP)", events_demo.NURSE_SPECIALIST),
        ((2026, 4), "When plans change", events_demo.PALLIATIVE_CONSULTANT),
        ((2026, 5), "Place of care and death", events_demo.HOSPICE_HEAD_OF_CARE),
        ((2026, 6), "Supporting the team", events_demo.PSYCHOLOGIST),
    ),
)

# Members of the advance care planning cycle and how keen they were: the share of sessions
# they registered for and the share of those they came to. Hub staff come most, spoke teams
# less, and school and social care staff least; two spoke members hardly ever come.
KEEN, STEADY, OCCASIONAL, RARE = (0.95, 0.9), (0.85, 0.8), (0.6, 0.7), (0.35, 0.5)
ACP_MEMBERS: tuple[tuple[str, tuple[float, float]], ...] = (
    ("nurse@demo.example", KEEN),
    ("teacher@demo.example", OCCASIONAL),
    ("catherine.marsh@demo.example", KEEN),
    ("hannah.nowak@demo.example", KEEN),
    ("imran.shah@demo.example", STEADY),
    ("rachel.doyle@demo.example", STEADY),
    ("tom.gallagher@demo.example", OCCASIONAL),
    ("lucy.barraclough@demo.example", STEADY),
    ("siobhan.kelly@demo.example", OCCASIONAL),
    ("claire.robson@demo.example", KEEN),
    ("kelly.armitage@demo.example", STEADY),
    ("natalie.green@demo.example", STEADY),
    ("beth.dinsdale@demo.example", STEADY),
    ("gareth.lloyd@demo.example", RARE),
    ("laura.hebden@demo.example", STEADY),
    ("ryan.postlethwaite@demo.example", OCCASIONAL),
    ("emma.sutcliffe@demo.example", STEADY),
    ("andrew.collier@demo.example", OCCASIONAL),
    ("ruth.alderson@demo.example", STEADY),
    ("oliver.brennan@demo.example", RARE),
    ("karen.metcalfe@demo.example", OCCASIONAL),
    ("alison.crabtree@demo.example", OCCASIONAL),
    ("nadia.hussain@demo.example", STEADY),
    ("stephen.wray@demo.example", RARE),
    ("jennifer.lowe@demo.example", OCCASIONAL),
    ("victoria.hirst@demo.example", RARE),
    ("grace.mensah@demo.example", OCCASIONAL),
    ("paul.rigby@demo.example", RARE),
)

ECHO_MINUTES = events_demo.ECHO_MINUTES

# --- What members write ------------------------------------------------------------------------

# "What will you do differently after this session?", by the session's teaching topic.
DIFFERENTLY: dict[str, tuple[str, ...]] = {
    "Pain assessment in non-verbal children": (
        "Start pain scores at every home visit using FLACC.",
        "Ask parents to describe what their child's usual pain cues look like and write them "
        "in the care plan.",
        "Use the Paediatric Pain Profile with families for children who cannot tell us.",
    ),
    "Breathlessness at home": (
        "Offer a hand-held fan and a breathing routine before reaching for more medicines.",
        "Check that every child on our caseload with breathlessness has a plan for a bad "
        "night at home.",
    ),
    "Managing agitation and seizures at end of life": (
        "Review the buccal midazolam plan with the family at the next visit, not only when "
        "something goes wrong.",
        "Look for simple causes first (a full bladder, constipation, pain) when a child "
        "becomes agitated.",
    ),
    "Preparing for transition at 14": (
        "Put transition on the agenda at the annual review from Year 9 onwards.",
        "Ask young people what matters to them about adult services, not only their parents.",
    ),
    "Advance care planning conversations": (
        "Raise the advance care plan at the school review rather than waiting to be asked.",
        "Use the question 'what are you hoping for, and what are you worried about?' with "
        "families.",
    ),
    "Mental capacity and decision-making from 16": (
        "Record how a young person was supported to make the decision, not just the outcome.",
        "Check who holds decision-making responsibility before a young person turns 16.",
    ),
    "Starting the conversation": (
        "Start the advance care planning conversation earlier, at a calm clinic visit rather "
        "than during an admission.",
        "Ask families what they already know and what they want to know before giving information.",
        "Offer a second meeting so families have time to think and bring their questions.",
    ),
    "Parallel planning": (
        "Write plans that hope for the best and prepare for the worst side by side.",
        "Explain parallel planning to families as keeping every door open for as long as possible.",
    ),
    "Recording wishes (ReSPECT and CYP ACP)": (
        "Scan the completed CYP ACP into the shared record so the ambulance service can see it.",
        "Check that school has a copy of the current advance care plan and knows who to call.",
        "Use the child's own words in the 'what matters to me' section.",
    ),
    "When plans change": (
        "Put a review date on every advance care plan and revisit it after each admission.",
        "Tell the whole team, including out-of-hours services, when a plan changes.",
    ),
    "Place of care and death": (
        "Ask families where they would like care to happen, and ask again as things change.",
        "Talk to the hospice early about what care at home would need overnight.",
    ),
    "Supporting the team": (
        "Hold a short debrief after a child on our caseload dies, for everyone involved.",
        "Pair newer staff with an experienced colleague for their first advance care planning "
        "conversation.",
    ),
}
DIFFERENTLY_ANY = (
    "Bring a case from our team to a future session.",
    "Share the session slides at our next team meeting.",
    "Contact the hub team sooner when a family's situation changes.",
)

# "Tell us about one change, without naming anyone." (follow-up)
ONE_CHANGE = (
    "We now start advance care planning at the first palliative care review, and families say "
    "it feels less sudden.",
    "Our school keeps a copy of each pupil's advance care plan with the healthcare plan, and "
    "staff know what to do in an emergency.",
    "I use parallel planning language with every family on my caseload.",
    "Our team reviews every advance care plan after an admission and sends the update to the "
    "ambulance service and the GP.",
    "We hold a team debrief after every death, and newer staff say they feel better supported.",
    "I ask families where they would like care to happen at each review, and record it.",
    "The practice now flags children with an advance care plan so out-of-hours doctors see it.",
)

WHAT_CHANGED_OPTIONS = (
    "How I assess symptoms",
    "How I talk with families",
    "How I work with other services",
    "How I plan ahead (advance care planning)",
    "How I look after myself and colleagues",
)

FOLLOW_UP_CHOICES = (
    ("Yes, a lot", 0.35),
    ("Yes, a little", 0.47),
    ("Not yet, but I plan to", 0.13),
    ("No", 0.05),
)

# Written answers the coordinator may choose for the impact report: the first QUOTE_COUNT of
# these that someone wrote.
QUOTE_COUNT = 4
QUOTES = (
    "Start the advance care planning conversation earlier, at a calm clinic visit rather than "
    "during an admission.",
    "Start pain scores at every home visit using FLACC.",
    "We now start advance care planning at the first palliative care review, and families say "
    "it feels less sudden.",
    "Our school keeps a copy of each pupil's advance care plan with the healthcare plan, and "
    "staff know what to do in an emergency.",
    "Scan the completed CYP ACP into the shared record so the ambulance service can see it.",
    "We hold a team debrief after every death, and newer staff say they feel better supported.",
    "Hold a short debrief after a child on our caseload dies, for everyone involved.",
)


# --- Helpers -----------------------------------------------------------------------------------


def _rng(*key: object) -> random.Random:
    """A generator seeded by `key`: the same answers on every run and in every database."""
    return random.Random("|".join(str(part) for part in key))


def _user(email: str) -> User:
    return User.objects.get(email__iexact=email)


def _demo_members():
    return events_demo._approved_demo_members()


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


def _acp_series() -> Event | None:
    return events_demo._series(ACP_ECHO)


def _acp_sessions() -> list[Occurrence]:
    return events_demo._sessions(ACP_PROGRAMME)


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
    coordinator = _user(COORDINATOR_EMAIL)
    facilitator = _user(FACILITATOR_EMAIL)
    series = events_demo._load_event(ACP_ECHO, coordinator)
    programme = events_demo._load_programme(ACP_PROGRAMME, series)
    topics = {month: (topic, presenter) for month, topic, presenter in ACP_PROGRAMME.topics}
    sessions = _acp_sessions()
    for occurrence in sessions:
        planned = topics.get(events_demo._local_month(occurrence))
        if planned is None:
            continue
        current = SessionPlan.objects.filter(occurrence=occurrence).first()
        if current is None or (current.didactic_topic, current.didactic_presenter) != planned:
            events_services.plan_session(
                occurrence, didactic_topic=planned[0], didactic_presenter=planned[1]
            )

    now = timezone.now()
    held = [occurrence for occurrence in sessions if occurrence.end <= now]
    hub_team = list(programme.hub_team.order_by("email"))
    for occurrence in held:
        for member in hub_team:
            if not Attendance.objects.filter(occurrence=occurrence, member=member).exists():
                events_services.record_attendance(
                    occurrence, member, status=AttendanceStatus.PRESENT, by=facilitator
                )
    available = set(_demo_members().values_list("email", flat=True))
    for position, (email, profile) in enumerate(ACP_MEMBERS):
        if email not in available:
            continue
        member = _user(email)
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
    series = [*events_demo._demo_series()]
    acp = _acp_series()
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
            _demo_members()
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
    sessions = events_services.programme_sessions(programme).filter(cancelled=False)
    held = sessions.filter(end__lte=now).count()
    members = (
        _demo_members()
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
            picked = {"How I plan ahead (advance care planning)"}
            picked.update(rng.sample(WHAT_CHANGED_OPTIONS, rng.randrange(0, 3)))
            options = [option for option in question.choices if option in picked]
            answers.append(AnswerData(question.pk, topic, choices=tuple(options)))
        elif question.kind == QuestionKind.FREE_TEXT and made_a_change and rng.random() < 0.5:
            answers.append(AnswerData(question.pk, topic, text=rng.choice(ONE_CHANGE)))
    return answers


def _load_quotes() -> None:
    coordinator = _user(COORDINATOR_EMAIL)
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
