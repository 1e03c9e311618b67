"""Demo events for `load_demo_network`: the calendar, two ECHO programmes and their history.

`demo.management.commands.load_demo_network` runs `DEMO_STEPS` after its own
steps, in the same transaction and with e-mails suppressed, so the demo members
exist already. Each step returns a one-line summary.

Idempotent: everything is found by its natural key, created through the
services in `events.services` when missing, and otherwise left alone (events
and programmes are brought back to the values written here):

- an event by its title on the network calendar; a programme by its slug;
- a registration or an attendance record by (occurrence, member);
- a case by (series, presenter, title): a case is looked up in the whole
  series rather than on one occurrence, so that a case made for "the next
  session" stays where it is once that session has passed.

The series run on fixed dates (the 2026-27 cycle, September to August), so the
demo has sessions in the past and the future on both sides of the daylight
saving changes (25 October 2026, 28 March 2027). Which sessions are past is
decided from `timezone.now()` at each run: past sessions get registrations,
attendance and presented cases; upcoming ones get registrations and cases
waiting for review. Only ever demo accounts (`@demo.example`) take part.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from schedule.models import Event, Occurrence

from events import scheduling, services
from events.models import (
    AgeBand,
    Attendance,
    AttendanceChange,
    AttendanceMode,
    AttendanceStatus,
    Case,
    CaseStatus,
    ConditionGroup,
    EchoProgramme,
    EventKind,
    Recommendation,
    Registration,
    RegistrationStatus,
    SessionPlan,
)
from events.scheduling import Recurrence
from events.services import CaseData, EventData, ReviewDecision
from members import roles
from members.models import ApprovalStatus, StaffGroup, User

Step = Callable[[], str]

DEMO_DOMAIN = "@demo.example"
COORDINATOR_EMAIL = "coordinator@demo.example"
FACILITATOR_EMAIL = "facilitator@demo.example"
NURSE_EMAIL = "nurse@demo.example"
TEACHER_EMAIL = "teacher@demo.example"
ADMIN_EMAIL = "admin@demo.example"

CLINICAL, NON_CLINICAL, UNIVERSAL = (
    StaffGroup.CLINICAL,
    StaffGroup.NON_CLINICAL,
    StaffGroup.UNIVERSAL_SERVICE,
)
EVERY_STAFF_GROUP = (CLINICAL, NON_CLINICAL, UNIVERSAL)

# Cases are submitted for a session at least this long before it starts.
CASE_NOTICE = datetime.timedelta(days=7)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A wall-clock time in the network's zone (Europe/London)."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=scheduling.network_zone()
    )


def _event(
    title: str, kind: str, day: datetime.date, start: tuple[int, int], end: tuple[int, int], **kw
) -> EventData:
    return EventData(title=title, kind=kind, start=_at(day, *start), end=_at(day, *end), **kw)


# --- Events and programmes ---------------------------------------------------------------------


SYMPTOM_ECHO = _event(
    "Symptom management ECHO",
    EventKind.ECHO_SESSION,
    datetime.date(2026, 9, 8),  # the second Tuesday of September 2026
    (12, 30),
    (14, 0),
    recurrence=Recurrence.MONTHLY_WEEKDAY,
    repeat_until=datetime.date(2027, 8, 31),
    audience=(CLINICAL,),
    attendance_mode=AttendanceMode.ONLINE,
    video_link="https://meet.jit.si/westmoor-symptom-echo",
    cpd_hours=Decimal("1.5"),
    description=(
        "<p>A monthly online case discussion about managing symptoms in children with "
        "life-limiting conditions, at home, in hospital and in the hospice. Each session opens "
        "with a short teaching talk from the hub team, followed by one or two de-identified "
        "cases presented by members, with recommendations from the specialists and peers.</p>"
        "<p>Submit a case at least a week before the session. Each session counts for 1.5 "
        "hours of CPD; attend 80% of the cycle for a certificate.</p>"
    ),
)

TRANSITION_ECHO = _event(
    "Transition to adult services ECHO",
    EventKind.ECHO_SESSION,
    datetime.date(2026, 9, 24),  # the fourth Thursday of September 2026
    (12, 30),
    (14, 0),
    recurrence=Recurrence.MONTHLY_WEEKDAY,
    repeat_until=datetime.date(2027, 8, 31),
    audience=(CLINICAL, UNIVERSAL, NON_CLINICAL),
    attendance_mode=AttendanceMode.ONLINE,
    video_link="https://meet.jit.si/westmoor-transition-echo",
    cpd_hours=Decimal("1.5"),
    description=(
        "<p>A monthly online case discussion about young people with life-limiting conditions "
        "moving from children's to adult services. Health, social care, education and family "
        "support staff bring the young people they are planning with; the hub team and peers "
        "help find the next steps.</p>"
        "<p>Schools, colleges and social care teams are especially welcome. Each session "
        "counts for 1.5 hours of CPD.</p>"
    ),
)

STUDY_DAY = _event(
    # The members demo announces this study day in a news article: same title, date and times.
    "Study day: supporting children with life-limiting conditions in school",
    EventKind.STUDY_DAY,
    datetime.date(2027, 1, 21),
    (9, 30),
    (15, 30),
    audience=(UNIVERSAL, NON_CLINICAL, CLINICAL),
    attendance_mode=AttendanceMode.IN_PERSON,
    venue="Brackenfield Special School, Westmoor",
    capacity=40,
    waiting_list=True,
    cpd_hours=Decimal("5.5"),
    description=(
        "<p>A free study day for teachers, teaching assistants, SENCOs, school nurses and the "
        "community teams who work alongside them, hosted by Brackenfield Special School.</p>"
        "<ul>"
        "<li>Individual healthcare plans and advance care plans in school</li>"
        "<li>Recognising and responding to deterioration</li>"
        "<li>Talking with classmates when a child is very ill or has died</li>"
        "<li>Looking after yourself and your colleagues</li>"
        "</ul>"
        "<p>Lunch is provided. Please tell the coordinator about any dietary or access "
        "needs.</p>"
    ),
)

CONFERENCE = _event(
    "Westmoor and Dales children's palliative care conference 2027",
    EventKind.CONFERENCE,
    datetime.date(2027, 5, 20),
    (9, 0),
    (16, 30),
    audience=(CLINICAL, NON_CLINICAL, UNIVERSAL),
    attendance_mode=AttendanceMode.HYBRID,
    venue="Dalesford Assembly Rooms, Market Place, Dalesford",
    video_link="https://meet.jit.si/westmoor-dales-conference-2027",
    capacity=150,
    waiting_list=True,
    cpd_hours=Decimal("6"),
    description=(
        "<p>The network's annual conference: a day of talks, workshops and posters from across "
        "the region, and the executive committee's report on the year.</p>"
        "<p>This year's theme is <strong>care closer to home</strong>: how community teams, "
        "GP practices, schools and the hospice make it possible for children to be cared for "
        "where their families choose. Join us in Dalesford or online.</p>"
    ),
)

GOVERNANCE = _event(
    # There is no quarterly recurrence on the calendar: each meeting is a one-off event.
    "Network executive committee: quarterly meeting",
    EventKind.GOVERNANCE,
    datetime.date(2026, 12, 9),
    (14, 0),
    (16, 0),
    audience=(),
    attendance_mode=AttendanceMode.HYBRID,
    venue="Board room, Westmoor Children's Hospital",
    video_link="https://meet.jit.si/westmoor-dales-executive",
    capacity=20,
    waiting_list=False,
    description=(
        "<p>The quarterly meeting of the network executive committee: the network's "
        "priorities, guidelines for endorsement, the coordinator's report and the evaluation "
        "dashboard.</p>"
        "<p>For members of the committee. Other members may observe by arrangement with the "
        "network coordinator.</p>"
    ),
)

WEBINAR = _event(
    "Webinar: supporting brothers and sisters when a child is seriously ill",
    EventKind.WEBINAR,
    datetime.date(2027, 1, 13),
    (16, 0),
    (17, 0),
    audience=(CLINICAL, NON_CLINICAL, UNIVERSAL),
    attendance_mode=AttendanceMode.ONLINE,
    video_link="https://meet.jit.si/westmoor-siblings-webinar",
    capacity=15,
    waiting_list=True,
    cpd_hours=Decimal("1"),
    description=(
        "<p>An hour for anyone who supports the brothers and sisters of a seriously ill child: "
        "what siblings tell us they need, how to answer their questions honestly, and where to "
        "find help, led by the family support team at Harebell House.</p>"
        "<p>Places are limited to 15 so that everyone can take part in the small-group "
        "discussion; if the webinar is full, join the waiting list.</p>"
    ),
)

EVENTS: tuple[EventData, ...] = (
    SYMPTOM_ECHO,
    TRANSITION_ECHO,
    STUDY_DAY,
    CONFERENCE,
    GOVERNANCE,
    WEBINAR,
)


@dataclass(frozen=True)
class DemoProgramme:
    slug: str
    series: EventData
    description: str
    hub_team: tuple[str, ...]  # e-mails of facilitators
    target_staff_groups: tuple[str, ...]
    # Didactic topic and presenter by (year, month) of the session.
    topics: tuple[tuple[tuple[int, int], str, str], ...]
    # Sessions the coordinator has cancelled: local date and the reason given.
    cancelled: tuple[tuple[datetime.date, str], ...] = ()
    # Who comes to (nearly) every session, besides the hub team.
    regulars: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.series.title

    @property
    def cycle_start(self) -> datetime.date:
        return scheduling.local(self.series.start).date()

    @property
    def cycle_end(self) -> datetime.date:
        assert self.series.repeat_until is not None
        return self.series.repeat_until


PALLIATIVE_CONSULTANT = "Priya Raman, consultant in paediatric palliative medicine"
NURSE_SPECIALIST = "Aisha Begum, clinical nurse specialist"
CONSULTANT_PAEDIATRICIAN = "James Thornton, consultant paediatrician"
HOSPICE_HEAD_OF_CARE = "Joanne Pickering, head of care, Harebell House"
PSYCHOLOGIST = "Rachel Doyle, clinical psychologist"

SYMPTOM_PROGRAMME = DemoProgramme(
    slug="symptom-management-echo",
    series=SYMPTOM_ECHO,
    description=(
        "Monthly case-based learning on the symptoms that matter most to children with "
        "life-limiting conditions and their families: pain, breathlessness, agitation, "
        "seizures, secretions and feeding. For the clinical staff of every member "
        "organisation, from hospital wards to community teams and GP practices."
    ),
    hub_team=(FACILITATOR_EMAIL, "aisha.begum@demo.example"),
    target_staff_groups=(CLINICAL,),
    topics=(
        ((2026, 9), "Pain assessment in non-verbal children", NURSE_SPECIALIST),
        ((2026, 10), "Breathlessness at home", PALLIATIVE_CONSULTANT),
        ((2026, 11), "Managing agitation and seizures at end of life", PALLIATIVE_CONSULTANT),
        (
            (2026, 12),
            "Anticipatory prescribing for children",
            "Tom Gallagher, specialist paediatric pharmacist",
        ),
        (
            (2027, 1),
            "Nausea and vomiting: choosing an antiemetic",
            "Imran Shah, specialty doctor, Harebell House",
        ),
        ((2027, 2), "Secretions and noisy breathing in the last days of life", NURSE_SPECIALIST),
        (
            (2027, 3),
            "Setting up a syringe driver at home",
            "Claire Robson, community children's nursing team leader",
        ),
        (
            (2027, 4),
            "Feed intolerance and gut dystonia",
            "Mohammed Iqbal, paediatric dietitian",
        ),
        ((2027, 5), "Dystonia and neuro-irritability", PALLIATIVE_CONSULTANT),
        ((2027, 6), "Planning for a major bleed", PALLIATIVE_CONSULTANT),
        ((2027, 7), "Mouth and skin care in the last days of life", HOSPICE_HEAD_OF_CARE),
        ((2027, 8), "Looking after yourself after a child's death", PSYCHOLOGIST),
    ),
    regulars=(NURSE_EMAIL,),
)

TRANSITION_PROGRAMME = DemoProgramme(
    slug="transition-to-adult-services-echo",
    series=TRANSITION_ECHO,
    description=(
        "Monthly case-based learning on the move from children's to adult services for young "
        "people with life-limiting conditions: planning from 14, decisions and capacity, "
        "education after school, funding and handing over care. For health, social care, "
        "education and family support staff."
    ),
    hub_team=(FACILITATOR_EMAIL, "james.thornton@demo.example"),
    target_staff_groups=(CLINICAL, UNIVERSAL, NON_CLINICAL),
    topics=(
        ((2026, 9), "Preparing for transition at 14", CONSULTANT_PAEDIATRICIAN),
        ((2026, 10), "Advance care planning conversations", PALLIATIVE_CONSULTANT),
        (
            (2026, 11),
            "Mental capacity and decision-making from 16",
            "Nadia Hussain, social worker, children with disabilities team",
        ),
        ((2027, 1), "Moving from a children's hospice to adult services", HOSPICE_HEAD_OF_CARE),
        (
            (2027, 2),
            "Education, health and care plans after school",
            "Alison Crabtree, headteacher, Brackenfield Special School",
        ),
        (
            (2027, 3),
            "Parallel planning: hoping for the best, preparing for the worst",
            CONSULTANT_PAEDIATRICIAN,
        ),
        (
            (2027, 4),
            "Continuing healthcare funding at 18",
            "Stephen Wray, team manager, children with disabilities",
        ),
        ((2027, 5), "Handing over to the GP and adult teams", "Ruth Alderson, GP partner"),
        ((2027, 6), "Relationships, sexuality and independence", PSYCHOLOGIST),
        (
            (2027, 7),
            "Supporting parents as their child becomes an adult",
            "Lucy Barraclough, family support worker, Harebell House",
        ),
        (
            (2027, 8),
            "Looking back on the year: what made transition work",
            CONSULTANT_PAEDIATRICIAN,
        ),
    ),
    cancelled=(
        (
            datetime.date(2026, 12, 24),
            "There is no session on Christmas Eve. The next session is on 28 January.",
        ),
    ),
    regulars=(TEACHER_EMAIL,),
)

PROGRAMMES: tuple[DemoProgramme, ...] = (SYMPTOM_PROGRAMME, TRANSITION_PROGRAMME)


# --- Cases -------------------------------------------------------------------------------------

PAST, UPCOMING = "past", "upcoming"


@dataclass(frozen=True)
class DemoCase:
    programme: DemoProgramme
    presenter: str  # e-mail
    session: str  # PAST: the latest session held; UPCOMING: the next one a week or more away
    outcome: str  # the CaseStatus it is brought to
    data: CaseData
    review_note: str = ""
    recommendations: tuple[str, ...] = ()


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        programme=SYMPTOM_PROGRAMME,
        presenter="laura.hebden@demo.example",
        session=PAST,
        outcome=CaseStatus.PRESENTED,
        data=CaseData(
            title="Breathlessness and night-time anxiety in a teenager on home ventilation",
            age_band=AgeBand.YEARS_12_17,
            condition_group=ConditionGroup.ACT_2,
            summary=(
                "A 15-year-old with Duchenne muscular dystrophy has used overnight non-invasive "
                "ventilation for 2 years. He has had three chest infections in the last 6 "
                "months, each treated at home with oral antibiotics. Between infections he is "
                "now breathless when talking for long and anxious at night, and he has started "
                "to take his mask off in the early hours.\n\n"
                "He lives with his mum and two younger sisters on the coast, about an hour from "
                "the nearest children's ward. He has said clearly that he does not want to go "
                "back to intensive care. His advance care plan was written last year and does "
                "not say what should happen during a chest infection at home."
            ),
            question=(
                "How can we ease his breathlessness and night-time anxiety at home, and what "
                "should we add to his advance care plan before the next chest infection?"
            ),
        ),
        recommendations=(
            "Offer a low dose of oral morphine for breathlessness (for example 50 micrograms/kg "
            "up to every four hours when needed), with a regular laxative, and review it with "
            "him and his mum after 48 hours. A fan and a calm, practised breathing routine help "
            "many young people too.",
            "Ask the respiratory physiotherapist to review his mask and interface at home: "
            "taking the mask off at night is often about discomfort or a feeling of being "
            "smothered, and a different interface may help.",
            "Revisit the advance care plan with him within the next month. Record his wish to "
            "avoid intensive care, the treatment he would accept at home for a chest infection, "
            "and when the family should call the community team or the hospice.",
        ),
    ),
    DemoCase(
        programme=TRANSITION_PROGRAMME,
        presenter="claire.robson@demo.example",
        session=PAST,
        outcome=CaseStatus.PRESENTED,
        data=CaseData(
            title="Planning the move to adult services for a young man with complex epilepsy",
            age_band=AgeBand.YEARS_12_17,
            condition_group=ConditionGroup.ACT_4,
            summary=(
                "A 17-year-old with a severe epileptic encephalopathy is fed by gastrostomy and "
                "has up to ten seizures a day, some needing buccal midazolam. He will leave the "
                "children's community nursing caseload at 18. No adult community nurse in his "
                "area has cared for someone with his seizure plan, the adult neurology clinic "
                "has a long wait, and his parents are worried that his short breaks at the "
                "children's hospice will stop.\n\n"
                "He communicates with facial expression and a few signs. His parents are his "
                "main carers and both work part time."
            ),
            question=(
                "Who should lead his transition, and what can we put in place over the next few "
                "months so that nothing stops on his eighteenth birthday?"
            ),
        ),
        recommendations=(
            "Name a transition key worker now (the community nursing team leader is well "
            "placed) and hold one joint meeting with the adult community team, the GP, the "
            "hospice and his parents well before he turns 18.",
            "Refer to adult neurology now rather than at 18, and write his seizure plan so that "
            "any adult nurse or carer can follow it. Ask the adult hospice about joint visits "
            "with the children's hospice during the handover year.",
        ),
    ),
    DemoCase(
        programme=SYMPTOM_PROGRAMME,
        presenter=NURSE_EMAIL,
        session=UPCOMING,
        outcome=CaseStatus.SUBMITTED,
        data=CaseData(
            title="Evening agitation and poor sleep in a child with a neurodegenerative condition",
            age_band=AgeBand.YEARS_5_11,
            condition_group=ConditionGroup.ACT_3,
            summary=(
                "A 9-year-old with CLN2 Batten disease is now bed-bound and fed by gastrostomy. "
                "She lives with her parents and her older brother on a farm in the upper dale. "
                "Over the last month she has become agitated most evenings, crying and arching "
                "for up to two hours, and she sleeps for only three or four hours a night.\n\n"
                "She has regular paracetamol and ibuprofen, and melatonin 6 mg at night. Her "
                "anticonvulsants were reviewed 2 weeks ago and not changed. Her bowels open "
                "every two to three days with a daily laxative. Her parents are exhausted but "
                "want to keep caring for her at home; the nearest out-of-hours cover is 40 "
                "minutes away."
            ),
            question=(
                "What could be causing the evening agitation, and what would you try next at "
                "home before her next clinic review?"
            ),
        ),
    ),
    DemoCase(
        programme=SYMPTOM_PROGRAMME,
        presenter="ruth.alderson@demo.example",
        session=UPCOMING,
        outcome=CaseStatus.ACCEPTED,
        data=CaseData(
            title="Anticipatory medicines for a toddler with a life-limiting heart condition",
            age_band=AgeBand.YEARS_1_4,
            condition_group=ConditionGroup.ACT_1,
            summary=(
                "A 2-year-old with a complex congenital heart condition has been told that no "
                "further surgery is possible. The cardiac team expect her to deteriorate over "
                "the coming months. Her parents have chosen to care for her at home in our "
                "rural practice area, with support from the community children's nurses.\n\n"
                "The practice has not prescribed anticipatory medicines for a child this young "
                "before, and the local pharmacy does not stock the liquid preparations. She "
                "weighs 11 kg and takes medicines by mouth or through a nasogastric tube."
            ),
            question=(
                "Which anticipatory medicines, doses and routes should be in place for her now, "
                "and how do we make sure they are available out of hours?"
            ),
        ),
    ),
    DemoCase(
        programme=TRANSITION_PROGRAMME,
        presenter="nadia.hussain@demo.example",
        session=UPCOMING,
        outcome=CaseStatus.CHANGES_REQUESTED,
        data=CaseData(
            title="Care at home after 18 for a young man with cerebral palsy",
            age_band=AgeBand.YEARS_12_17,
            condition_group=ConditionGroup.ACT_4,
            summary=(
                "A young man of 17 with severe cerebral palsy lives at home with his mother, who "
                "is his only carer. His care package ends when he turns 18 and the continuing "
                "healthcare checklist has not been started."
            ),
            question="How should we go about this?",
        ),
        review_note=(
            "Thank you for sending this. Could you say a little more before we place it on the "
            "agenda: the support he has now, what he and his mother want after 18, and what has "
            "been tried so far? A more specific question will help the panel give useful "
            "recommendations."
        ),
    ),
)


# --- Helpers -----------------------------------------------------------------------------------


def _update(obj: Any, values: dict[str, Any]) -> bool:
    """Set the fields that differ from `values` and save only those; True if any changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def _user(email: str) -> User:
    return User.objects.get(email__iexact=email)


def _approved_demo_members() -> Any:
    """Approved, active demo accounts (never anyone else who happens to be in the database)."""
    return User.objects.filter(
        approval_status=ApprovalStatus.APPROVED,
        is_active=True,
        email__iendswith=DEMO_DOMAIN,
    ).order_by("email")


def _series(data: EventData) -> Event | None:
    return (
        Event.objects.filter(calendar=scheduling.network_calendar(), title=data.title)
        .order_by("pk")
        .first()
    )


def _demo_series() -> list[Event]:
    return [event for data in EVENTS if (event := _series(data)) is not None]


def _sessions(programme: DemoProgramme) -> list[Occurrence]:
    """The programme's sessions that take place (not cancelled), in order."""
    series = _series(programme.series)
    if series is None:
        return []
    return list(
        Occurrence.objects.filter(event=series, cancelled=False)
        .select_related("event__details")
        .order_by("start")
    )


def _local_month(occurrence: Occurrence) -> tuple[int, int]:
    start = scheduling.local(occurrence.original_start or occurrence.start)
    return start.year, start.month


def _current_event_data(event: Event) -> EventData | None:
    details = getattr(event, "details", None)
    if details is None:
        return None
    until = None
    if event.end_recurring_period is not None:
        last_day = scheduling.local(event.end_recurring_period) - datetime.timedelta(days=1)
        until = last_day.date()
    return EventData(
        title=event.title,
        kind=details.kind,
        start=event.start,
        end=event.end,
        recurrence=scheduling.recurrence_of(event),
        repeat_until=until,
        audience=tuple(details.audience),
        attendance_mode=details.attendance_mode,
        venue=details.venue,
        video_link=details.video_link,
        capacity=details.capacity,
        waiting_list=details.waiting_list,
        cpd_hours=details.cpd_hours,
        description=details.description,
    )


# --- Steps -------------------------------------------------------------------------------------


def _load_event(data: EventData, coordinator: User) -> Event:
    event = _series(data)
    if event is None:
        return services.create_event(data, by=None)
    if _current_event_data(event) != data:
        return services.update_event(event, data, by=coordinator)
    # A series loaded earlier has every occurrence up to its end already; this adds
    # any that a shorter horizon left out.
    scheduling.materialise(event)
    return event


def _load_programme(spec: DemoProgramme, series: Event) -> EchoProgramme:
    hub_team = [_user(email) for email in spec.hub_team]
    programme = EchoProgramme.objects.filter(slug=spec.slug).first()
    if programme is None:
        return services.create_programme(
            name=spec.name,
            slug=spec.slug,
            description=spec.description,
            series=series,
            cycle_start=spec.cycle_start,
            cycle_end=spec.cycle_end,
            target_staff_groups=spec.target_staff_groups,
            hub_team=hub_team,
        )
    # There is no service for editing a programme; these are plain fields.
    _update(
        programme,
        {
            "name": spec.name,
            "description": spec.description,
            "series": series,
            "cycle_start": spec.cycle_start,
            "cycle_end": spec.cycle_end,
            "target_staff_groups": list(spec.target_staff_groups),
        },
    )
    if set(programme.hub_team.values_list("pk", flat=True)) != {u.pk for u in hub_team}:
        programme.hub_team.set(hub_team)
    return programme


def load_events() -> str:
    """The network calendar's events, the two ECHO programmes and their session plans."""
    coordinator = _user(COORDINATOR_EMAIL)
    series = {data.title: _load_event(data, coordinator) for data in EVENTS}
    plans = 0
    for spec in PROGRAMMES:
        event = series[spec.name]
        _load_programme(spec, event)
        for day, reason in spec.cancelled:
            occurrences = Occurrence.objects.filter(event=event, cancelled=False)
            for occurrence in occurrences:
                if scheduling.local(occurrence.original_start).date() == day:
                    services.cancel_occurrence(occurrence, by=coordinator, reason=reason)
        topics = {month: (topic, presenter) for month, topic, presenter in spec.topics}
        for occurrence in _sessions(spec):
            planned = topics.get(_local_month(occurrence))
            if planned is None:
                continue
            topic, presenter = planned
            current = SessionPlan.objects.filter(occurrence=occurrence).first()
            if current is None or (current.didactic_topic, current.didactic_presenter) != planned:
                services.plan_session(
                    occurrence, didactic_topic=topic, didactic_presenter=presenter
                )
            plans += 1
    occurrences = Occurrence.objects.filter(event__in=series.values())
    cancelled = occurrences.filter(cancelled=True).count()
    return (
        f"{len(series)} events, {occurrences.count()} occurrences ({cancelled} cancelled), "
        f"{len(PROGRAMMES)} ECHO programmes, {plans} session plans"
    )


def _case_occurrence(spec: DemoCase, now: datetime.datetime) -> Occurrence | None:
    """Where the case is: where it was put on an earlier run, else the session it is for."""
    series = _series(spec.programme.series)
    if series is None:
        return None
    existing = _find_case(spec, series)
    if existing is not None:
        return existing.occurrence
    sessions = _sessions(spec.programme)
    if spec.session == PAST:
        held = [s for s in sessions if s.end <= now]
        return held[-1] if held else None
    ahead = [s for s in sessions if s.start >= now + CASE_NOTICE]
    return ahead[0] if ahead else None


def _find_case(spec: DemoCase, series: Event) -> Case | None:
    return (
        Case.objects.filter(
            occurrence__event=series,
            presenter__email__iexact=spec.presenter,
            title=spec.data.title,
        )
        .select_related("occurrence__event__details")
        .order_by("pk")
        .first()
    )


def _presenters_by_occurrence(now: datetime.datetime) -> dict[int, list[User]]:
    presenters: dict[int, list[User]] = {}
    for spec in CASES:
        occurrence = _case_occurrence(spec, now)
        if occurrence is not None:
            presenters.setdefault(occurrence.pk, []).append(_user(spec.presenter))
    return presenters


def _ensure_registration(
    member: User, occurrence: Occurrence, now: datetime.datetime
) -> Registration | None:
    """The member's registration for the occurrence, made if missing; None if there can't be."""
    registration = Registration.objects.filter(occurrence=occurrence, member=member).first()
    if registration is not None or occurrence.cancelled:
        return registration
    if occurrence.start > now:
        return services.register_for_occurrence(member, occurrence)
    # History cannot be made through services that guard the present:
    # register_for_occurrence refuses occurrences that have started, so the rows for
    # past occurrences are written as they would have stood when the event took place.
    details = occurrence.event.details
    taken = Registration.objects.filter(occurrence=occurrence).confirmed().count()
    full = details.capacity is not None and taken >= details.capacity
    if full and not details.waiting_list:
        return None
    registered_at = occurrence.start - datetime.timedelta(days=6 + (taken % 15), hours=taken % 7)
    return Registration.objects.create(
        occurrence=occurrence,
        member=member,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED,
        registered_at=registered_at,
        queued_at=registered_at if full else None,
        reminder_sent_for=None if full else occurrence.start,
    )


def _unique(members: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    result = []
    for member in members:
        if member.pk not in seen:
            seen.add(member.pk)
            result.append(member)
    return result


def _participants(spec: DemoProgramme) -> list[User]:
    """Members a programme is for, besides its hub team and regulars, by e-mail."""
    excluded = {*spec.hub_team, *spec.regulars, COORDINATOR_EMAIL}
    return [
        member
        for member in _approved_demo_members().filter(staff_group__in=spec.target_staff_groups)
        if member.email.lower() not in excluded
    ]


# How many members register for the next sessions, besides regulars and presenters.
UPCOMING_SESSION_SIZES = (8, 5, 3)
PAST_SESSION_SIZE = 9
STUDY_DAY_SIZE = 14
CONFERENCE_SIZE = 12
WEBINAR_WAITING = 2


def _echo_registrants(spec: DemoProgramme, index: int, upcoming_rank: int | None) -> list[User]:
    """Who registers for the programme's `index`-th session: regulars, then a rotating share.

    `upcoming_rank` is None for a session that has started, else 0 for the next session,
    1 for the one after, ...; only the next few sessions have registrations yet.
    """
    pool = _participants(spec)
    if upcoming_rank is None:
        size = PAST_SESSION_SIZE
    elif upcoming_rank < len(UPCOMING_SESSION_SIZES):
        size = UPCOMING_SESSION_SIZES[upcoming_rank]
    else:
        return []
    size = min(size, len(pool))
    offset = index * 5
    rotating = [pool[(offset + j) % len(pool)] for j in range(size)] if pool else []
    return _unique([*(_user(email) for email in spec.regulars), *rotating])


def load_registrations() -> str:
    """Members registered for past and upcoming ECHO sessions and the other events."""
    now = timezone.now()
    presenters = _presenters_by_occurrence(now)
    for spec in PROGRAMMES:
        upcoming_rank = 0
        for index, occurrence in enumerate(_sessions(spec)):
            if occurrence.start > now:
                registrants = _echo_registrants(spec, index, upcoming_rank)
                upcoming_rank += 1
            else:
                registrants = _echo_registrants(spec, index, None)
            for member in _unique([*presenters.get(occurrence.pk, []), *registrants]):
                _ensure_registration(member, occurrence, now)

    approved = _approved_demo_members().exclude(email__iexact=COORDINATOR_EMAIL)
    key_accounts = [_user(email) for email in (TEACHER_EMAIL, ADMIN_EMAIL, NURSE_EMAIL)]
    everyone = list(approved)
    school_and_support = list(approved.filter(staff_group__in=[UNIVERSAL, NON_CLINICAL]))
    webinar_places = WEBINAR.capacity or 0
    attendees: dict[str, list[User]] = {
        # Mostly school, social care and family support staff, with some nurses.
        STUDY_DAY.title: _unique([*key_accounts, *school_and_support])[:STUDY_DAY_SIZE],
        # Every place taken, and two on the waiting list.
        WEBINAR.title: _unique([*key_accounts[:2], *everyone[::2], *everyone[1::2]])[
            : webinar_places + WEBINAR_WAITING
        ],
        GOVERNANCE.title: [
            *approved.filter(groups__name=roles.EXECUTIVE_COMMITTEE),
            _user(COORDINATOR_EMAIL),
        ],
        CONFERENCE.title: _unique([*key_accounts, *everyone[1::4]])[:CONFERENCE_SIZE],
    }
    for title, members in attendees.items():
        event = _series(next(data for data in EVENTS if data.title == title))
        if event is None:
            continue
        for occurrence in Occurrence.objects.filter(event=event).select_related("event__details"):
            for member in _unique(members):
                _ensure_registration(member, occurrence, now)

    registrations = Registration.objects.filter(occurrence__event__in=_demo_series()).active()
    counts = registrations.aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        occurrences=Count("occurrence", distinct=True),
    )
    return (
        f"{counts['total']} registrations ({counts['waiting']} waiting) "
        f"for {counts['occurrences']} occurrences"
    )


# Minutes present at a 90-minute ECHO session: most stay throughout, some join late or leave
# early for a visit.
ECHO_MINUTES = (90, 86, 90, 74, 90, 81, 88, 90, 70, 90, 83)
# Of every ten registrants, one does not come and one sends apologies.
ABSENT_SLOT, EXCUSED_SLOT = 4, 7
CORRECTION_REASON = (
    "Joined by phone from a home visit after the register was taken; confirmed by the facilitator."
)


def _planned_attendance(
    occurrence: Occurrence, index: int, position: int, member: User, presenters: list[User]
) -> tuple[str, int | None]:
    """(status, minutes) for the `position`-th registrant of the `index`-th occurrence.

    Minutes None means the whole occurrence.
    """
    if member in presenters:
        return AttendanceStatus.PRESENT, None
    programme = next((p for p in PROGRAMMES if p.name == occurrence.event.title), None)
    if programme is not None and member.email.lower() in programme.regulars:
        # A regular misses one session in three, with apologies.
        if index % 3 == 1:
            return AttendanceStatus.EXCUSED, None
        return AttendanceStatus.PRESENT, ECHO_MINUTES[index % len(ECHO_MINUTES)]
    slot = (3 * index + position) % 10
    if slot == ABSENT_SLOT:
        return AttendanceStatus.ABSENT, None
    if slot == EXCUSED_SLOT:
        return AttendanceStatus.EXCUSED, None
    if programme is None:
        return AttendanceStatus.PRESENT, None
    return AttendanceStatus.PRESENT, ECHO_MINUTES[(index + position) % len(ECHO_MINUTES)]


def load_attendance() -> str:
    """Attendance at everything that has ended, recorded by the facilitator or coordinator."""
    now = timezone.now()
    coordinator = _user(COORDINATOR_EMAIL)
    facilitator = _user(FACILITATOR_EMAIL)
    presenters = _presenters_by_occurrence(now)
    corrected = False
    for event in _demo_series():
        is_echo = event.details.kind == EventKind.ECHO_SESSION
        hub_team = list(event.echo_programme.hub_team.order_by("email")) if is_echo else []
        by = facilitator if is_echo else coordinator
        held = (
            Occurrence.objects.filter(event=event, cancelled=False, end__lte=now)
            .select_related("event__details")
            .order_by("start")
        )
        index_of = {
            pk: i
            for i, pk in enumerate(
                Occurrence.objects.filter(event=event, cancelled=False)
                .order_by("start")
                .values_list("pk", flat=True)
            )
        }
        for occurrence in held:
            index = index_of[occurrence.pk]
            # A record made earlier is left as it is: someone may have corrected it since,
            # and record_attendance only changes a record with a reason.
            marked = set(
                Attendance.objects.filter(occurrence=occurrence).values_list("member", flat=True)
            )
            for member in hub_team:
                if member.pk not in marked:
                    services.record_attendance(
                        occurrence, member, status=AttendanceStatus.PRESENT, by=by
                    )
            registrants = [
                registration.member
                for registration in Registration.objects.filter(
                    occurrence=occurrence, status=RegistrationStatus.REGISTERED
                )
                .select_related("member")
                .order_by("member__email")
            ]
            for position, member in enumerate(registrants):
                if member in hub_team:
                    continue
                status, minutes = _planned_attendance(
                    occurrence, index, position, member, presenters.get(occurrence.pk, [])
                )
                correction = is_echo and not corrected and status == AttendanceStatus.ABSENT
                # The demo's one corrected record (the first absence at an ECHO session):
                # marked absent on the day, then put right by the facilitator with a reason.
                corrected = corrected or correction
                if member.pk in marked:
                    continue
                services.record_attendance(
                    occurrence, member, status=status, minutes=minutes, by=by
                )
                if correction:
                    services.record_attendance(
                        occurrence,
                        member,
                        status=AttendanceStatus.PRESENT,
                        minutes=62,
                        by=by,
                        reason=CORRECTION_REASON,
                    )

    records = Attendance.objects.filter(occurrence__event__in=_demo_series())
    present = records.present().count()
    changes = AttendanceChange.objects.filter(attendance__in=records).exclude(old_status="")
    return (
        f"{records.count()} attendance records ({present} present, "
        f"{records.count() - present} absent or excused; {changes.count()} corrected)"
    )


def _backdate_review(case: Case, occurrence: Occurrence) -> None:
    """Move the review and recommendations to when they would have happened."""
    reviewed_at = occurrence.start - datetime.timedelta(days=9, hours=3)
    Case.objects.filter(pk=case.pk).update(
        submitted_at=occurrence.start - datetime.timedelta(days=16, hours=5),
        reviewed_at=reviewed_at,
        recommendations_sent_at=(
            occurrence.end + datetime.timedelta(days=1, hours=2)
            if case.status == CaseStatus.PRESENTED
            else None
        ),
    )
    for minutes, recommendation in enumerate(case.recommendations.order_by("pk"), start=1):
        Recommendation.objects.filter(pk=recommendation.pk).update(
            created_at=occurrence.end - datetime.timedelta(minutes=40 - minutes * 5)
        )


def _load_case(spec: DemoCase, reviewer: User, now: datetime.datetime) -> Case | None:
    occurrence = _case_occurrence(spec, now)
    if occurrence is None:
        return None  # no session held yet, or none left this cycle
    presenter = _user(spec.presenter)
    series = occurrence.event
    case = _find_case(spec, series)
    history = spec.session == PAST
    if case is None and history:
        # History cannot be made through services that guard the present: submit_case
        # refuses sessions that have started, so the case is written as it stood when it
        # was submitted (after the same identifier check), then reviewed, given its
        # recommendations and sent through the services like any other.
        services.check_case_text(spec.data)
        case = Case.objects.create(
            occurrence=occurrence,
            presenter=presenter,
            title=spec.data.title,
            age_band=spec.data.age_band,
            condition_group=spec.data.condition_group,
            summary=spec.data.summary,
            question=spec.data.question,
            status=CaseStatus.SUBMITTED,
        )
    elif case is None:
        case = services.submit_case(presenter, occurrence, spec.data)
    if case.status == CaseStatus.SUBMITTED and spec.outcome != CaseStatus.SUBMITTED:
        decision = (
            ReviewDecision.REQUEST_CHANGES
            if spec.outcome == CaseStatus.CHANGES_REQUESTED
            else ReviewDecision.ACCEPT
        )
        case = services.review_case(case, by=reviewer, decision=decision, note=spec.review_note)
    if case.status == CaseStatus.ACCEPTED and spec.outcome == CaseStatus.PRESENTED:
        written = set(case.recommendations.values_list("body", flat=True))
        for body in spec.recommendations:
            if body not in written:
                services.add_recommendation(case, by=reviewer, body=body)
        case = services.send_recommendations(case, by=reviewer)
        if history:
            _backdate_review(case, occurrence)
    return case


def load_cases() -> str:
    """Cases presented at past sessions with their recommendations, and cases under review."""
    now = timezone.now()
    reviewer = _user(FACILITATOR_EMAIL)
    for spec in CASES:
        _load_case(spec, reviewer, now)
    cases = Case.objects.filter(occurrence__event__in=_demo_series())
    by_status = dict(
        cases.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    statuses = ", ".join(
        f"{by_status[status]} {status.replace('_', ' ')}"
        for status in CaseStatus.values
        if by_status.get(status)
    )
    recommendations = Recommendation.objects.filter(case__in=cases).count()
    return f"{cases.count()} cases ({statuses}), {recommendations} recommendations"


DEMO_STEPS: Sequence[Step] = (load_events, load_registrations, load_attendance, load_cases)
