"""Who is asked which survey, and the one way answers are saved.

Who is asked comes from the records, never from a list kept by hand:

- session feedback: members whose attendance (present) was recorded for an ECHO
  session, webinar or conference, from the moment it ends (or the facilitator
  ends the live room) for the survey's `open_days`;
- study-day feedback: the same for study days;
- pre-series confidence: members registered for a session of a programme's
  cycle, until the first session they registered for has ended;
- post-series confidence: members who attended at least one session of the
  cycle, from the day after the cycle ends for `open_days`;
- follow-up practice change: the same members, from 90 days after the cycle ends.

Anyone else asking for a survey gets a 404: `ask_for()` returns None.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from schedule.models import Occurrence

from core.pii import refuse_identifiers
from events import scheduling
from events.models import (
    Attendance,
    EchoProgramme,
    EventKind,
    Registration,
    RegistrationStatus,
    SessionPlan,
)
from events.queries import programme_sessions
from members.models import User

from .models import (
    MAX_FREE_TEXT,
    Answer,
    ChosenQuote,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyInvitation,
    SurveyKind,
)

FEEDBACK_EVENT_KINDS = (EventKind.ECHO_SESSION, EventKind.WEBINAR, EventKind.CONFERENCE)
FOLLOW_UP_AFTER = datetime.timedelta(days=90)


class SurveyError(Exception):
    """A response that cannot be accepted; the message is for the member."""


@dataclass(frozen=True)
class Ask:
    """A survey a member is asked to answer about one subject, and whether it is still open."""

    survey: Survey
    occurrence: Occurrence | None
    programme: EchoProgramme | None
    cycle_start: datetime.date | None
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    response: Response | None = None

    @property
    def subject_title(self) -> str:
        if self.occurrence is not None:
            return self.occurrence.title or self.occurrence.event.title
        assert self.programme is not None
        return self.programme.name

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.survey.is_active and self.opens_at <= now < self.closes_at


@dataclass(frozen=True)
class AnswerData:
    question_id: int
    topic: str = ""
    value: int | None = None
    before_value: int | None = None
    choices: Sequence[str] = field(default_factory=tuple)
    text: str = ""


CYCLE_KINDS = (SurveyKind.PRE_CONFIDENCE, SurveyKind.POST_CONFIDENCE, SurveyKind.FOLLOW_UP)


def _chosen_survey(
    surveys: Iterable[Survey], kind: str, programme: EchoProgramme | None
) -> Survey | None:
    """Of `surveys` (in the surveys' order), the programme's own active survey of `kind`,
    else the network's default (the last one, if there are several)."""
    chosen = None
    for survey in surveys:
        if survey.kind != kind or not survey.is_active:
            continue
        if survey.programme_id is None:
            chosen = survey
        elif programme is not None and survey.programme_id == programme.pk:
            return survey
    return chosen


ACTIVE_SURVEYS_KEY = "evaluation:active-surveys"
ACTIVE_SURVEYS_SECONDS = 60 * 60


def active_surveys() -> list[Survey]:
    """The surveys in use, in their order. The same for everyone, read by every dashboard
    and changed now and then by a coordinator, so kept in the cache until a survey is
    saved or deleted (`forget_active_surveys`, connected in `signals.py`)."""
    surveys = cache.get(ACTIVE_SURVEYS_KEY)
    if surveys is None:
        surveys = list(Survey.objects.filter(is_active=True))
        cache.set(ACTIVE_SURVEYS_KEY, surveys, ACTIVE_SURVEYS_SECONDS)
    return surveys


def forget_active_surveys(**_kwargs) -> None:
    """Forget the surveys in use now, and again once the change is committed (a request
    between the two may have kept what it read before the change)."""
    cache.delete(ACTIVE_SURVEYS_KEY)
    transaction.on_commit(lambda: cache.delete(ACTIVE_SURVEYS_KEY))


def survey_for(kind: str, programme: EchoProgramme | None = None) -> Survey | None:
    """The programme's own active survey of `kind`, else the network's default."""
    return _chosen_survey(active_surveys(), kind, programme)


def _midnight_after(day: datetime.date) -> datetime.datetime:
    zone = scheduling.network_zone()
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone)


def curriculum_topics(programme: EchoProgramme) -> list[str]:
    """The didactic topics planned for the programme's sessions, in session order, once each."""
    topics: list[str] = []
    plans = SessionPlan.objects.filter(occurrence__in=programme_sessions(programme)).order_by(
        "occurrence__start"
    )
    for topic in plans.values_list("didactic_topic", flat=True):
        topic = topic.strip()
        if topic and topic not in topics:
            topics.append(topic)
    return topics


def _existing_response(survey: Survey, member: User, **subject) -> Response | None:
    return Response.objects.filter(survey=survey, member=member, **subject).first()


def _feedback_kind(occurrence: Occurrence) -> str | None:
    """The kind of feedback survey asked about `occurrence`, or None if none is."""
    details = getattr(occurrence.event, "details", None)
    if details is None or occurrence.cancelled:
        return None
    if details.kind == EventKind.STUDY_DAY:
        return SurveyKind.STUDY_DAY_FEEDBACK
    if details.kind in FEEDBACK_EVENT_KINDS:
        return SurveyKind.SESSION_FEEDBACK
    return None


def _occurrence_ask(occurrence: Occurrence, survey: Survey) -> Ask:
    """The ask about `occurrence` for a member whose attendance was recorded (no response)."""
    live_state = getattr(occurrence, "live_state", None)
    ended = occurrence.end
    if live_state is not None and live_state.ended_at is not None:
        ended = min(ended, live_state.ended_at)
    return Ask(
        survey=survey,
        occurrence=occurrence,
        programme=None,
        cycle_start=None,
        opens_at=ended,
        closes_at=occurrence.end + datetime.timedelta(days=survey.open_days),
    )


def occurrence_ask(
    member: User, occurrence: Occurrence, now: datetime.datetime | None = None
) -> Ask | None:
    """The feedback survey `member` is asked for `occurrence`, or None if they are not asked."""
    kind = _feedback_kind(occurrence)
    if kind is None:
        return None
    programme = getattr(occurrence.event, "echo_programme", None)
    survey = survey_for(kind, programme)
    if survey is None:
        return None
    if not Attendance.objects.present().filter(occurrence=occurrence, member=member).exists():
        return None
    return replace(
        _occurrence_ask(occurrence, survey),
        response=_existing_response(survey, member, occurrence=occurrence),
    )


def _cycle_ask(
    programme: EchoProgramme,
    kind: str,
    survey: Survey,
    *,
    first_registered_end: datetime.datetime | None,
    attended: bool,
) -> Ask | None:
    """The cycle survey of `kind` for a member with the given part in the cycle's sessions:
    the end of the first they are registered for, and whether they attended any."""
    if kind == SurveyKind.PRE_CONFIDENCE:
        if first_registered_end is None:
            return None
        opens_at = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        closes_at = first_registered_end
    else:
        if not attended:
            return None
        opens_at = _midnight_after(programme.cycle_end)
        if kind == SurveyKind.FOLLOW_UP:
            opens_at += FOLLOW_UP_AFTER
        closes_at = opens_at + datetime.timedelta(days=survey.open_days)
    return Ask(
        survey=survey,
        occurrence=None,
        programme=programme,
        cycle_start=programme.cycle_start,
        opens_at=opens_at,
        closes_at=closes_at,
    )


def cycle_ask(
    member: User, programme: EchoProgramme, kind: str, now: datetime.datetime | None = None
) -> Ask | None:
    """The pre-series, post-series or follow-up survey of the programme's cycle for `member`."""
    if kind not in CYCLE_KINDS:
        return None
    survey = survey_for(kind, programme)
    if survey is None:
        return None
    sessions = programme_sessions(programme).filter(cancelled=False)
    first_registered_end = None
    attended = False
    if kind == SurveyKind.PRE_CONFIDENCE:
        first_registered_end = Registration.objects.filter(
            member=member, occurrence__in=sessions, status=RegistrationStatus.REGISTERED
        ).aggregate(first=Min("occurrence__end"))["first"]
    else:
        attended = (
            Attendance.objects.present().filter(member=member, occurrence__in=sessions).exists()
        )
    ask = _cycle_ask(
        programme, kind, survey, first_registered_end=first_registered_end, attended=attended
    )
    if ask is None:
        return None
    return replace(
        ask,
        response=_existing_response(
            survey, member, programme=programme, cycle_start=programme.cycle_start
        ),
    )


def _in_cycle(programme: EchoProgramme, occurrence: Occurrence) -> bool:
    """Whether `occurrence` is one of `programme_sessions(programme)`."""
    return occurrence.event_id == programme.series_id and _midnight_after(
        programme.cycle_start - datetime.timedelta(days=1)
    ) <= occurrence.start < _midnight_after(programme.cycle_end)


def open_asks(member: User, now: datetime.datetime | None = None) -> list[Ask]:
    """Every survey the member may answer (or change) now, newest subject first.

    As `occurrence_ask` for each session attended in the last 60 days, then `cycle_ask`
    for each programme the member took part in, by name, but in at most three queries
    however many sessions, programmes and cycles there are: the member's sessions, the
    surveys in use (usually from the cache), and the member's responses to what is open."""
    now = now or timezone.now()
    recent = now - datetime.timedelta(days=60)
    # Every session the member registered for or attended, in any state, with whether
    # they are registered and were present; the programmes come with them, by name.
    mine = list(
        Occurrence.objects.filter(
            Q(pk__in=Registration.objects.filter(member=member).values("occurrence"))
            | Q(pk__in=Attendance.objects.filter(member=member).values("occurrence"))
        )
        .annotate(
            registered=Exists(
                Registration.objects.filter(
                    member=member, occurrence=OuterRef("pk"), status=RegistrationStatus.REGISTERED
                )
            ),
            present=Exists(
                Attendance.objects.present().filter(member=member, occurrence=OuterRef("pk"))
            ),
        )
        .select_related("event__details", "event__echo_programme", "live_state")
        .order_by("event__echo_programme__name", "-start")
    )
    attended = sorted(
        (
            occurrence
            for occurrence in mine
            if occurrence.present and recent <= occurrence.start <= now
        ),
        key=lambda occurrence: occurrence.start,
        reverse=True,
    )
    feedback = [
        (occurrence, kind) for occurrence in attended if (kind := _feedback_kind(occurrence))
    ]
    programmes: dict[int, EchoProgramme] = {}
    for occurrence in mine:
        programme = getattr(occurrence.event, "echo_programme", None)
        if programme is not None:
            programmes.setdefault(programme.pk, programme)
    if not feedback and not programmes:
        return []
    surveys = active_surveys()
    asks: list[Ask] = []
    for occurrence, kind in feedback:
        survey = _chosen_survey(surveys, kind, getattr(occurrence.event, "echo_programme", None))
        if survey is not None and (ask := _occurrence_ask(occurrence, survey)).is_open(now):
            asks.append(ask)
    for programme in programmes.values():
        sessions = [
            occurrence
            for occurrence in mine
            if not occurrence.cancelled and _in_cycle(programme, occurrence)
        ]
        first_registered_end = min(
            (occurrence.end for occurrence in sessions if occurrence.registered), default=None
        )
        attended_any = any(occurrence.present for occurrence in sessions)
        for kind in CYCLE_KINDS:
            survey = _chosen_survey(surveys, kind, programme)
            if survey is None:
                continue
            cycle = _cycle_ask(
                programme,
                kind,
                survey,
                first_registered_end=first_registered_end,
                attended=attended_any,
            )
            if cycle is not None and cycle.is_open(now):
                asks.append(cycle)
    return _with_responses(member, asks)


def _with_responses(member: User, asks: list[Ask]) -> list[Ask]:
    """`asks` with the member's response to each (None where they have not answered)."""
    if not asks:
        return []
    responses = Response.objects.filter(member=member).filter(
        Q(occurrence__in=[ask.occurrence.pk for ask in asks if ask.occurrence is not None])
        | Q(programme__in=[ask.programme.pk for ask in asks if ask.programme is not None])
    )
    found: dict[tuple, Response] = {}
    for response in responses.order_by("pk"):  # the first, as `_existing_response`
        if response.occurrence_id is not None:
            key: tuple = (response.survey_id, "occurrence", response.occurrence_id)
        else:
            key = (response.survey_id, "cycle", response.programme_id, response.cycle_start)
        found.setdefault(key, response)

    def key_of(ask: Ask) -> tuple:
        if ask.occurrence is not None:
            return (ask.survey.pk, "occurrence", ask.occurrence.pk)
        assert ask.programme is not None
        return (ask.survey.pk, "cycle", ask.programme.pk, ask.cycle_start)

    return [replace(ask, response=found.get(key_of(ask))) for ask in asks]


def questions_with_topics(ask: Ask) -> list[tuple[Question, str]]:
    """The questions as asked: a per-topic question once for each curriculum topic."""
    topics = curriculum_topics(ask.programme) if ask.programme is not None else []
    asked: list[tuple[Question, str]] = []
    for question in ask.survey.questions.all():
        if question.per_topic:
            asked.extend((question, topic) for topic in topics)
        else:
            asked.append((question, ""))
    return asked


def _check(question: Question, answer: AnswerData) -> None:
    value_range = question.value_range
    if value_range is not None:
        low, high = value_range
        for value in (answer.value, answer.before_value):
            if value is not None and not low <= value <= high:
                raise SurveyError(
                    _("Answers must be between %(low)s and %(high)s.") % {"low": low, "high": high}
                )
    elif question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        if any(choice not in question.choices for choice in answer.choices):
            raise SurveyError(_("Choose from the options given."))
        if question.kind == QuestionKind.SINGLE_CHOICE and len(answer.choices) > 1:
            raise SurveyError(_("Choose one option."))
    if len(answer.text) > MAX_FREE_TEXT:
        raise SurveyError(_("Answers can be up to %(n)s characters.") % {"n": MAX_FREE_TEXT})


def check_free_text(answers: Sequence[AnswerData]) -> None:
    """Refuse free text that identifies a patient, as case text is refused."""
    refuse_identifiers(
        {f"{answer.question_id}:{answer.topic}": answer.text for answer in answers if answer.text}
    )


@transaction.atomic
def submit_response(
    member: User, ask: Ask, answers: Sequence[AnswerData], now: datetime.datetime | None = None
) -> Response:
    """Save the member's answers for `ask`, replacing earlier ones. All or nothing.

    Raises SurveyError when the survey is closed or an answer does not fit its
    question, and IdentifiableTextError when free text identifies someone.
    """
    now = now or timezone.now()
    still_active = Survey.objects.filter(pk=ask.survey.pk, is_active=True).exists()
    if not ask.is_open(now) or not still_active:
        raise SurveyError(_("This survey is closed, so answers can no longer be given or changed."))
    asked = {(question.pk, topic): question for question, topic in questions_with_topics(ask)}
    seen: set[tuple[int, str]] = set()
    for answer in answers:
        key = (answer.question_id, answer.topic)
        question = asked.get(key)
        if question is None:
            raise SurveyError(_("That question is not part of this survey."))
        if key in seen:
            raise SurveyError(_("Each question can be answered once."))
        seen.add(key)
        _check(question, answer)
    for key, question in asked.items():
        if question.required and key not in seen:
            raise SurveyError(_("Answer every question marked as required."))
    check_free_text(answers)
    subject = (
        {"occurrence": ask.occurrence}
        if ask.occurrence is not None
        else {"programme": ask.programme, "cycle_start": ask.cycle_start}
    )
    response = (
        Response.objects.select_for_update()
        .filter(survey=ask.survey, member=member, **subject)
        .first()
    )
    if response is None:
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    survey=ask.survey, member=member, submitted_at=now, updated_at=now, **subject
                )
        except IntegrityError:
            # Another tab saved first: change that response instead.
            response = Response.objects.select_for_update().get(
                survey=ask.survey, member=member, **subject
            )
    response.updated_at = now
    response.save(update_fields=["updated_at"])
    response.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question_id=answer.question_id,
            topic=answer.topic,
            value=answer.value,
            before_value=answer.before_value,
            choices=list(answer.choices),
            text=answer.text.strip(),
        )
        for answer in answers
        if answer.value is not None or answer.choices or answer.text.strip()
    )
    return response


@transaction.atomic
def choose_quote(answer: Answer, *, by: User) -> ChosenQuote:
    """Mark a free-text answer for quotation in the impact report (coordinators only)."""
    from members.permissions import is_coordinator

    if not is_coordinator(by):
        raise SurveyError(_("Only coordinators choose quotes."))
    if answer.question.kind != QuestionKind.FREE_TEXT or not answer.text:
        raise SurveyError(_("Only written answers can be quoted."))
    quote, _created = ChosenQuote.objects.get_or_create(answer=answer, defaults={"chosen_by": by})
    return quote


@transaction.atomic
def unchoose_quote(answer: Answer, *, by: User) -> None:
    from members.permissions import is_coordinator

    if not is_coordinator(by):
        raise SurveyError(_("Only coordinators choose quotes."))
    ChosenQuote.objects.filter(answer=answer).delete()


INVITE_WITHIN = datetime.timedelta(days=7)


def _invite(ask: Ask, member: User, subject: dict) -> bool:
    """Record and send one invitation; False if this member was invited to this already."""
    from django.conf import settings

    from core.emails import send_templated_email_on_commit

    try:
        with transaction.atomic():
            SurveyInvitation.objects.create(survey=ask.survey, member=member, **subject)
    except IntegrityError:
        return False
    from .views import ask_url

    send_templated_email_on_commit(
        [member.email],
        "evaluation/email/invitation",
        {
            "member": member,
            "ask": ask,
            "url": settings.WAGTAILADMIN_BASE_URL + ask_url(ask),
        },
    )
    return True


@transaction.atomic
def send_survey_invitations(now: datetime.datetime | None = None) -> int:
    """E-mail each member once per survey and subject they are asked about and have not
    answered: sessions and study days that ended in the last week, and cycle surveys
    (pre-series, post-series, follow-up) that are open now. Safe to run as often as you like."""
    now = now or timezone.now()
    sent = 0
    recent = (
        Occurrence.objects.filter(end__lte=now, end__gte=now - INVITE_WITHIN, cancelled=False)
        .select_related("event__details", "event__echo_programme", "live_state")
        .order_by("start")
    )
    for occurrence in recent:
        attendees = User.objects.filter(
            attendance__in=Attendance.objects.present().filter(occurrence=occurrence),
            is_active=True,
        ).distinct()
        for member in attendees:
            ask = occurrence_ask(member, occurrence, now)
            if ask is not None and ask.is_open(now) and ask.response is None:
                sent += _invite(ask, member, {"occurrence": occurrence})
    for programme in EchoProgramme.objects.all():
        sessions = programme_sessions(programme).filter(cancelled=False)
        people = User.objects.filter(
            Q(registrations__occurrence__in=sessions, registrations__status="registered")
            | Q(attendance__occurrence__in=sessions),
            is_active=True,
        ).distinct()
        for member in people:
            for kind in (
                SurveyKind.PRE_CONFIDENCE,
                SurveyKind.POST_CONFIDENCE,
                SurveyKind.FOLLOW_UP,
            ):
                ask = cycle_ask(member, programme, kind, now)
                if ask is not None and ask.is_open(now) and ask.response is None:
                    sent += _invite(
                        ask,
                        member,
                        {"programme": programme, "cycle_start": programme.cycle_start},
                    )
    return sent
