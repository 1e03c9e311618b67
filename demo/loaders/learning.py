"""Demo learning for `load_demo_network`: tracks, modules, a study day, progress and certificates.

What the network says is in `demo/content/learning/`: `tracks.yaml` and `tracks/<slug>.yaml`
(the tracks, their modules and quizzes), `study_day.yaml` (the study day's programme,
speakers and materials) and `progress.yaml` (who learnt what, and when). This module makes
it through learning's services, after the members and events demos (so the demo members,
the ECHO programmes and the study day in the calendar exist already). Each step returns a
one-line summary.

- `load_tracks`: the tracks under the learning index, each module published five minutes
  after the one before.
- `load_study_day`: the study day's page, with its two members-only text documents and a
  recording link, for the study day in the calendar.
- `load_progress`: demo members work through modules through `learning.services` (visit,
  mark read, submit the quiz), each call made at its moment in the past year (`now=`), so
  attempts are scored and certificates issued as on the site.
- `load_echo_certificates`: members who attended 80% of an ECHO cycle that has ended get
  its certificate (the demo cycles run to 31 August 2027).

Idempotent: a track, module or study day is found by its slug under its parent and created
(and published, with no workflow) only when missing; pages that exist are left exactly as
they are, so editors' changes are kept. A member's progress on a module is only made when
they have none on it yet, so a second run records no visits, attempts or certificates.
Documents are found by title. Only ever demo accounts (`@demo.example`) take part.
"""

from __future__ import annotations

import datetime
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from schedule.models import Occurrence
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.utils.file import hash_filelike

from demo import content
from demo.loaders import events as events_demo
from events import queries as events_queries
from events.models import Attendance, EchoProgramme, EventKind
from learning import queries, services
from learning.models import (
    AUDIENCES,
    OUTCOME_AREAS,
    Certificate,
    CertificateKind,
    FrameworkLevel,
    LearningIndexPage,
    ModulePage,
    ModuleProgress,
    QuestionKind,
    QuizAttempt,
    StudyDayPage,
    TrackPage,
)
from members.documents import members_collection
from members.models import ApprovalStatus, StaffGroup, User

Step = Callable[[], str]

DEMO_DOMAIN = "@demo.example"
COORDINATOR = "coordinator@demo.example"  # publishes the pages

# Stable ids for quiz questions and answers, so that every load gives the same ones.
QUIZ_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://network-commons.example/demo/learning")
MODULES_PUBLISHED_APART = datetime.timedelta(minutes=5)

COMPLETE, READ, VISITED, FAILED = "complete", "read", "visited", "failed"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.NETWORK_TIME_ZONE)


def _user(email: str) -> User | None:
    """The approved, active demo member with this e-mail, if there is one."""
    return User.objects.filter(
        email__iexact=email, approval_status=ApprovalStatus.APPROVED, is_active=True
    ).first()


def _coordinator() -> User:
    user = _user(COORDINATOR)
    if user is None:
        raise CommandError("The demo coordinator is missing: load the members demo first.")
    return user


def _learning_index() -> LearningIndexPage:
    index = LearningIndexPage.objects.first()
    if index is None:
        raise CommandError("The learning index page is missing: run `manage.py migrate` first.")
    return index


def _list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _check_streams(page: Page, *names: str) -> None:
    """Validate stream content written here as the page editor would, before saving it."""
    for name in names:
        stream_block = page._meta.get_field(name).stream_block
        try:
            stream_block.clean(getattr(page, name))
        except ValidationError as error:
            raise CommandError(f"Demo page {page.title!r}: invalid {name}: {error}") from error


def _publish_child(parent: Page, page: Page, by: User, when: datetime.datetime) -> Page:
    """Add `page` under `parent` and publish it (no workflow for learning pages), as at `when`.

    Wagtail writes the publication times, the revision and the log entries itself, so they
    are moved to `when` afterwards. The page is new, so all its revisions and log entries are
    from this call. (Rows are told apart by key, not by time: tests move `timezone.now`,
    which model defaults ignore.)
    """
    page.owner = by
    parent.add_child(instance=page)
    page.save_revision(user=by).publish(user=by)
    Page.objects.filter(pk=page.pk).update(
        first_published_at=when, last_published_at=when, latest_revision_created_at=when
    )
    Revision.objects.for_instance(page).update(created_at=when)
    PageLogEntry.objects.filter(page_id=page.pk).update(timestamp=when)
    return page


# --- Tracks and modules ------------------------------------------------------------------------


def _tracks() -> list[dict[str, Any]]:
    """The tracks of `tracks.yaml`, in order, each read from `tracks/<slug>.yaml`."""
    return [
        content.load(f"learning/tracks/{slug}")
        for slug in content.load("learning/tracks")["tracks"]
    ]


def _answer(spec: dict[str, Any]) -> dict[str, Any]:
    if ("right" in spec) == ("wrong" in spec):
        raise content.ContentError(f"A quiz answer is either right: or wrong:, not {spec!r}.")
    correct = "right" in spec
    return {
        "text": spec["right" if correct else "wrong"],
        "correct": correct,
        "feedback": spec["feedback"],
    }


def _quiz_stream(track: dict[str, Any], module: dict[str, Any]) -> list[dict[str, Any]]:
    def block_id(*parts: object) -> str:
        return str(
            uuid.uuid5(QUIZ_NAMESPACE, "/".join([track["slug"], module["slug"], *map(str, parts)]))
        )

    return [
        {
            "type": "question",
            "id": block_id(number),
            "value": {
                "question": question["question"],
                "kind": QuestionKind(question["kind"]),
                "answers": [
                    {"type": "item", "id": block_id(number, letter), "value": _answer(answer)}
                    for letter, answer in enumerate(question["answers"])
                ],
            },
        }
        for number, question in enumerate(module.get("quiz", []))
    ]


def _track_page(spec: dict[str, Any]) -> TrackPage:
    minutes = sum(module["minutes"] for module in spec["modules"])
    values: dict[str, Any] = {
        "title": spec["title"],
        "slug": spec["slug"],
        "summary": spec["summary"],
        "description": spec["description"],
        "framework_level": FrameworkLevel(spec["level"]),
        "estimated_hours": (Decimal(minutes) / 60).quantize(Decimal("0.1")),
    }
    for group, field, _label in AUDIENCES:
        values[field] = group in spec["audiences"]
    for code, field, _label in OUTCOME_AREAS:
        values[field] = code in spec["outcome_areas"]
    return TrackPage(**values)


def _module_page(track: dict[str, Any], spec: dict[str, Any]) -> ModulePage:
    page = ModulePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        learning_outcomes=_list(spec["outcomes"]),
        body=content.body(spec["body"]),
        estimated_minutes=spec["minutes"],
        quiz=_quiz_stream(track, spec),
        pass_mark=spec.get("pass_mark", 80),
    )
    _check_streams(page, "body", "quiz")
    return page


def _at(now: datetime.datetime, days_ago: int, key: str) -> datetime.datetime:
    """A moment in the working day (`progress.yaml`) `days_ago` days before `now`, the same
    on every run and every machine for `key`."""
    working_day = content.load("learning/progress")["working_day"]
    day = now.astimezone(_zone()).date() - datetime.timedelta(days=days_ago)
    start = datetime.datetime.combine(
        day, datetime.time.fromisoformat(working_day["starts"]), tzinfo=_zone()
    )
    fraction = zlib.crc32(key.encode()) / 2**32
    return start + datetime.timedelta(minutes=int(working_day["hours"] * 60 * fraction))


def load_tracks() -> str:
    """The demo tracks and their modules exist under the learning index; existing ones are kept."""
    index = _learning_index()
    coordinator = _coordinator()
    now = timezone.now()
    specs = _tracks()
    for spec in specs:
        published = _at(now, spec["published_days_ago"], f"published:{spec['slug']}")
        track = TrackPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if track is None:
            track = _publish_child(index, _track_page(spec), coordinator, published)
        existing = set(track.get_children().values_list("slug", flat=True))
        for position, module in enumerate(spec["modules"]):
            if module["slug"] in existing:
                continue
            when = published + MODULES_PUBLISHED_APART * (position + 1)
            _publish_child(track, _module_page(spec, module), coordinator, when)
    tracks = TrackPage.objects.child_of(index).filter(slug__in=[spec["slug"] for spec in specs])
    modules = [module for track in tracks for module in ModulePage.objects.child_of(track)]
    with_quiz = sum(1 for module in modules if module.has_quiz)
    levels = [
        str(label).lower()
        for level, label in FrameworkLevel.choices
        if any(track.framework_level == level for track in tracks)
    ]
    return (
        f"{tracks.count()} learning tracks ({', '.join(levels)}), {len(modules)} modules "
        f"({with_quiz} with a quiz)"
    )


# --- Study day ---------------------------------------------------------------------------------


def _study_day_occurrence() -> Occurrence | None:
    return (
        Occurrence.objects.filter(
            event__details__kind=EventKind.STUDY_DAY, event__title=events_demo.STUDY_DAY.title
        )
        .select_related("event__details")
        .order_by("start")
        .first()
    )


def _clock(moment: datetime.datetime) -> str:
    """9:30am, 3:30pm: how the network writes times."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def _session_time(session: dict[str, Any]) -> datetime.time:
    return datetime.time.fromisoformat(session["time"])


def _handout(occurrence: Occurrence, spec: dict[str, Any]) -> str:
    """The handout's text, its blanks filled in from the study day in the calendar."""
    details = occurrence.event.details
    start, end = occurrence.start.astimezone(_zone()), occurrence.end.astimezone(_zone())
    programme = [
        f"{_session_time(session):%H:%M}  {session['title']}"
        + (f" ({session['speaker']})" if session.get("speaker") else "")
        for session in spec["programme"]
    ]
    return spec["handout"]["text"].format(
        title=occurrence.event.title,
        date=f"{start:%A} {start.day} {start:%B %Y}",
        start=_clock(start),
        end=_clock(end),
        venue=details.venue,
        cpd_hours=details.cpd_hours,
        programme="\n".join(programme),
    )


def _document(spec: dict[str, Any], text: str, by: User, when: datetime.datetime) -> Any:
    """The Wagtail document with this title, made from `text` if there is none."""
    Document = get_document_model()
    document = Document.objects.filter(title=spec["title"]).order_by("pk").first()
    if document is not None:
        if document.collection_id != members_collection().pk:
            Document.objects.filter(pk=document.pk).update(collection=members_collection())
        return document
    data = ContentFile(text.encode(), name=spec["filename"])
    document = Document(
        title=spec["title"],
        collection=members_collection(),
        file=data,
        file_size=data.size,
        file_hash=hash_filelike(data),
        uploaded_by_user=by,
    )
    document.save()
    # Wagtail sets the upload time itself (auto_now_add); the document dates from `when`.
    Document.objects.filter(pk=document.pk).update(created_at=when)
    return document


def _study_day_page(
    occurrence: Occurrence, spec: dict[str, Any], by: User, when: datetime.datetime
) -> StudyDayPage:
    handout = _document(spec["handout"], _handout(occurrence, spec), by, when)
    slides = _document(spec["slides"], spec["slides"]["text"], by, when)
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    audience = occurrence.event.details.audience or []
    page = StudyDayPage(
        title=occurrence.event.title,
        slug=spec["slug"],
        occurrence=occurrence,
        summary=spec["summary"],
        for_clinical=StaffGroup.CLINICAL in audience,
        for_non_clinical=StaffGroup.NON_CLINICAL in audience,
        for_universal_service=StaffGroup.UNIVERSAL_SERVICE in audience,
        introduction=spec["introduction"],
        programme=[
            {
                "type": "session",
                "value": {
                    "time": _session_time(session).strftime("%H:%M:%S"),
                    "title": session["title"],
                    "speaker": session.get("speaker", ""),
                    "description": session["description"],
                },
            }
            for session in spec["programme"]
        ],
        speakers=[{"type": "speaker", "value": speaker} for speaker in spec["speakers"]],
        materials=[
            {
                "type": "document",
                "value": {"document": handout.pk, "description": spec["handout"]["description"]},
            },
            {
                "type": "document",
                "value": {"document": slides.pk, "description": spec["slides"]["description"]},
            },
            {
                "type": "recording",
                "value": {
                    "title": spec["recording"]["title"],
                    "url": base_url + reverse("events:occurrence", kwargs={"pk": occurrence.pk}),
                    "description": spec["recording"]["description"],
                },
            },
        ],
    )
    _check_streams(page, "programme", "speakers", "materials")
    return page


def load_study_day() -> str:
    """The study day's page, linked to the study day in the calendar; an existing one is kept."""
    index = _learning_index()
    occurrence = _study_day_occurrence()
    if occurrence is None:
        return "no study day page: the demo study day is not in the calendar"
    spec = content.load("learning/study_day")
    page = StudyDayPage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if page is None:
        coordinator = _coordinator()
        # Published some weeks before the day (or as long ago, for a day to come).
        when = min(timezone.now(), occurrence.start) - datetime.timedelta(
            days=spec["published_days_before"]
        )
        page = _publish_child(
            index, _study_day_page(occurrence, spec, coordinator, when), coordinator, when
        )
    day = occurrence.start.astimezone(_zone())
    return (
        f"1 study day page ({len(page.programme)} sessions, {len(page.speakers)} speakers, "
        f"{len(page.materials)} materials) for {day.day} {day:%B %Y}"
    )


# --- Progress ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Learner:
    """One member's way through one track (see `progress.yaml`)."""

    email: str
    track: str  # slug
    started_days_ago: int
    completed: int
    days_between: int = 10
    retakes: tuple[int, ...] = ()  # modules counted from 1
    then: str = ""
    then_days_ago: int = 0


@dataclass(frozen=True)
class Habits:
    """When members read and take quizzes."""

    quiz_after_reading: datetime.timedelta
    retake_after: datetime.timedelta
    latest: datetime.datetime  # nothing happens later than this


def _answers(module: ModulePage, *, passing: bool) -> dict[str, list[str]]:
    """Every right answer; or, for a failed attempt, enough wrong ones to miss the pass mark.

    A member who fails misses one of the right answers to a multiple-choice question, or
    picks the first wrong answer to a single-choice one, on the last questions of the quiz.
    """
    questions = queries.quiz_questions(module)
    answers = {
        question["id"]: [answer["id"] for answer in question["answers"] if answer["correct"]]
        for question in questions
    }
    if passing:
        return answers
    total, wrong = len(questions), 1
    while wrong < total and round(100 * (total - wrong) / total) >= module.pass_mark:
        wrong += 1
    for question in questions[total - wrong :]:
        right = answers[question["id"]]
        if question["kind"] == QuestionKind.MULTIPLE and len(right) > 1:
            answers[question["id"]] = right[:-1]
        else:
            answers[question["id"]] = [
                next(answer["id"] for answer in question["answers"] if not answer["correct"])
            ]
    return answers


def _submit(user: User, module: ModulePage, *, passing: bool, now: datetime.datetime) -> None:
    result = services.submit_quiz(user, module, _answers(module, passing=passing), now=now)
    if result.passed != passing:
        raise CommandError(
            f"The demo quiz on {module.title!r} scored {result.attempt.percent}% "
            f"(pass mark {module.pass_mark}%), which is not the {'pass' if passing else 'fail'} "
            "it is meant to be."
        )


def _take_module(
    user: User,
    module: ModulePage,
    outcome: str,
    start: datetime.datetime,
    *,
    retake: bool,
    habits: Habits,
) -> None:
    """The member works through the module through the services, each step at its moment.

    They open it at `start`, read it for its estimated length and take the quiz straight
    afterwards; a `retake` fails first and passes later. The services complete the module
    and issue the track's certificate as on the site.
    """
    services.record_visit(user, module, now=min(start, habits.latest))
    if outcome == VISITED:
        return
    last = min(start + datetime.timedelta(minutes=module.estimated_minutes), habits.latest)
    services.mark_read(user, module, now=last)
    read_at = last
    if module.has_quiz and (outcome == FAILED or (outcome == COMPLETE and retake)):
        last = min(read_at + habits.quiz_after_reading, habits.latest)
        _submit(user, module, passing=False, now=last)
    if module.has_quiz and outcome == COMPLETE:
        last = min(
            read_at + (habits.retake_after if retake else habits.quiz_after_reading),
            habits.latest,
        )
        _submit(user, module, passing=True, now=last)
    # The site shows the module again after marking it read and after each quiz result.
    services.record_visit(user, module, now=last)


def _check_learners(learners: Sequence[Learner], tracks: Sequence[dict[str, Any]]) -> None:
    """Nobody starts a track before it was published, or finishes a module in the future."""
    published = {spec["slug"]: spec["published_days_ago"] for spec in tracks}
    for spec in learners:
        first = spec.started_days_ago
        last = first - (spec.completed - 1) * spec.days_between
        if spec.track not in published or first >= published[spec.track] or last < 2:
            raise CommandError(f"The demo learner {spec.email} on {spec.track!r} is out of time.")
        if spec.then and not 1 <= spec.then_days_ago < last:
            raise CommandError(f"The demo learner {spec.email} on {spec.track!r} is out of time.")
        if spec.then not in ("", VISITED, READ, FAILED):
            raise content.ContentError(f"The demo learner {spec.email}: unknown {spec.then!r}.")


def load_progress() -> str:
    """Demo members' progress, quiz attempts and track certificates over the past year."""
    plan = content.load("learning/progress")
    specs = _tracks()
    learners = [
        Learner(**{**entry, "retakes": tuple(entry.get("retakes", ()))})
        for entry in plan["learners"]
    ]
    _check_learners(learners, specs)
    index = _learning_index()
    now = timezone.now()
    habits = Habits(
        quiz_after_reading=datetime.timedelta(minutes=plan["quiz_after_reading_minutes"]),
        retake_after=datetime.timedelta(hours=plan["retake_after_hours"]),
        latest=now - datetime.timedelta(minutes=1),
    )
    slugs = [spec["slug"] for spec in specs]
    tracks = {
        track.slug: track
        for track in TrackPage.objects.child_of(index).live().filter(slug__in=slugs)
    }
    modules_of = {slug: list(track.modules()) for slug, track in tracks.items()}
    for spec in learners:
        user = _user(spec.email)
        modules = modules_of.get(spec.track, [])
        if user is None or not modules:
            continue
        steps = [
            (position, COMPLETE, spec.started_days_ago - position * spec.days_between)
            for position in range(spec.completed)
        ]
        if spec.then:
            steps.append((spec.completed, spec.then, spec.then_days_ago))
        for position, outcome, days_ago in steps:
            if position >= len(modules):
                break
            module = modules[position]
            if ModuleProgress.objects.filter(user=user, module=module).exists():
                continue  # made by an earlier run, or by the member: left as it is
            start = _at(now, days_ago, f"{spec.email}:{module.slug}")
            _take_module(
                user, module, outcome, start, retake=position + 1 in spec.retakes, habits=habits
            )

    module_ids = [module.pk for modules in modules_of.values() for module in modules]
    demo_members = Q(user__email__iendswith=DEMO_DOMAIN)
    progress = ModuleProgress.objects.filter(demo_members, module_id__in=module_ids)
    complete = progress.filter(completed_at__isnull=False).count()
    attempts = QuizAttempt.objects.filter(demo_members, module_id__in=module_ids)
    failed = attempts.filter(passed=False).count()
    certificates = Certificate.objects.filter(
        demo_members, kind=CertificateKind.TRACK, track__in=list(tracks.values())
    ).count()
    members = progress.values("user").distinct().count()
    return (
        f"learning progress for {members} members: {complete} modules complete, "
        f"{progress.count() - complete} in progress; {attempts.count()} quiz attempts "
        f"({failed} failed); {certificates} track certificates"
    )


# --- ECHO cycle certificates -------------------------------------------------------------------


def load_echo_certificates() -> str:
    """Certificates for members who attended 80% of a demo ECHO cycle that has ended."""
    issue = content.load("learning/progress")["echo_certificates"]
    now = timezone.now()
    today = timezone.localdate(now)
    slugs = [spec.slug for spec in events_demo.PROGRAMMES]
    programmes = list(EchoProgramme.objects.filter(slug__in=slugs).order_by("cycle_end", "slug"))
    ended = [programme for programme in programmes if programme.cycle_end < today]
    if not ended:
        if not programmes:
            return "no ECHO cycle certificates: there are no demo ECHO programmes"
        first = programmes[0].cycle_end
        return (
            "no ECHO cycle certificates: no demo ECHO cycle has ended yet (the first ends on "
            f"{first.day} {first:%B %Y})"
        )
    for programme in ended:
        # Issued the morning after the cycle ended, as if the member had looked that day.
        issued_at = datetime.datetime.combine(
            programme.cycle_end + datetime.timedelta(days=issue["days_after_cycle"]),
            datetime.time.fromisoformat(issue["at"]),
            tzinfo=_zone(),
        )
        attended = (
            Attendance.objects.present()
            .filter(occurrence__in=events_queries.programme_sessions(programme))
            .values_list("member", flat=True)
        )
        members = User.objects.filter(
            pk__in=attended,
            email__iendswith=DEMO_DOMAIN,
            approval_status=ApprovalStatus.APPROVED,
        ).order_by("email")
        for member in members:
            # Only if they attended 80%; a certificate already held is left as it is.
            services.issue_echo_certificate(member, programme, now=min(issued_at, now))
    issued = Certificate.objects.filter(
        kind=CertificateKind.ECHO_CYCLE, programme__in=ended, user__email__iendswith=DEMO_DOMAIN
    ).count()
    return f"{issued} ECHO cycle certificates for {len(ended)} ended ECHO cycles"


DEMO_STEPS: Sequence[Step] = (load_tracks, load_study_day, load_progress, load_echo_certificates)
