"""Every change to learning records, as verbs: visiting and reading modules, quizzes,
completion and certificates. Each verb takes an optional `now`, the moment it happens
(the demo loader passes past moments). Reads are in `queries.py`, `progress.py` and
`cpd.py`."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from events import queries as events_queries
from events.models import Attendance, EchoProgramme
from members import permissions as member_permissions
from members.models import ApprovalStatus, User

from . import queries
from .models import (
    Certificate,
    CertificateKind,
    ModulePage,
    ModuleProgress,
    QuestionKind,
    QuizAttempt,
    TrackPage,
)
from .queries import QuizResult

ECHO_CERTIFICATE_SHARE = Decimal("0.8")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 16  # 80 bits


class LearningError(Exception):
    """A request the rules refuse; the message is fit to show the member.

    `question_id` names the quiz question at fault, when there is one."""

    def __init__(self, message: str, question_id: str | None = None) -> None:
        super().__init__(message)
        self.question_id = question_id


def _require_member(user: User) -> None:
    if not member_permissions.is_approved_member(user):
        raise LearningError(_("Only approved members keep a learning record."))


def _track_of(module: ModulePage) -> TrackPage | None:
    parent = module.get_parent()
    return (
        parent.specific if parent is not None and isinstance(parent.specific, TrackPage) else None
    )


def _progress(user: User, module: ModulePage, now: datetime.datetime) -> ModuleProgress:
    progress, _created = ModuleProgress.objects.get_or_create(
        user=user,
        module=module,
        defaults={"track": _track_of(module), "started_at": now, "last_visited_at": now},
    )
    return progress


def _require_available(module: ModulePage) -> None:
    if not module.is_available():
        raise LearningError(_("This module is not published."))


def _lock_member(user: User) -> None:
    """Serialise one member's learning changes, so that finishing the last two modules
    of a track at the same moment still issues the certificate."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def record_visit(
    user: User, module: ModulePage, *, now: datetime.datetime | None = None
) -> ModuleProgress:
    """The member opened the module: it is now "in progress" and where they left off.

    Most visits only move `last_visited_at` on a record that exists and has nothing to
    complete: one UPDATE, without the member's lock. That is what the locked visit does
    too: every change that reads or passes a module completes it in the same locked
    transaction, so a committed record is "done but not complete" only when the module's
    quiz was removed (a page edit, which the member's lock does not order either). A
    visit that may complete the module, creates the record, or finds it gone takes the
    lock and decides on the record read under it."""
    now = now or timezone.now()
    _require_member(user)
    progress = ModuleProgress.objects.filter(user=user, module=module).first()
    if progress is not None and not _is_done(progress, module):
        if ModuleProgress.objects.filter(pk=progress.pk).update(last_visited_at=now):
            progress.last_visited_at = now
            return progress
    return _record_visit_locked(user, module, now)


@transaction.atomic
def _record_visit_locked(user: User, module: ModulePage, now: datetime.datetime) -> ModuleProgress:
    _lock_member(user)
    progress = _progress(user, module, now)
    progress.last_visited_at = now
    progress.save(update_fields=["last_visited_at"])
    # The quiz may have been removed since the member read the module.
    if _complete_if_done(progress, module, now):
        _issue_track_certificate_if_complete(user, progress.track, now)
    return progress


def _is_done(progress: ModuleProgress, module: ModulePage) -> bool:
    """Read and, if the module has a quiz, passed, but not yet marked complete."""
    if progress.completed_at is not None or progress.read_at is None:
        return False
    return not (module.has_quiz and progress.passed_at is None)


def _complete_if_done(progress: ModuleProgress, module: ModulePage, now: datetime.datetime) -> bool:
    """Mark the module complete when it is read and, if it has a quiz, passed.

    What was completed is copied onto the record, so later edits to the module
    (or its deletion) do not change the member's CPD record."""
    if not _is_done(progress, module):
        return False
    track = _track_of(module)
    progress.completed_at = now
    progress.track = track
    progress.module_title = module.title
    progress.track_title = track.title if track else ""
    progress.minutes = module.estimated_minutes
    progress.save(update_fields=["completed_at", "track", "module_title", "track_title", "minutes"])
    return True


@transaction.atomic
def mark_read(
    user: User, module: ModulePage, *, now: datetime.datetime | None = None
) -> ModuleProgress:
    now = now or timezone.now()
    _require_member(user)
    _require_available(module)
    _lock_member(user)
    progress = ModuleProgress.objects.select_for_update().get(pk=_progress(user, module, now).pk)
    if progress.read_at is None:
        progress.read_at = now
        progress.save(update_fields=["read_at"])
    if _complete_if_done(progress, module, now):
        _issue_track_certificate_if_complete(user, progress.track, now)
    return progress


# Quizzes


def check_quiz_answers(
    module: ModulePage, answers: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Validate submitted answers against the module's own questions.

    `answers` maps question id → chosen answer ids. Every question must be
    answered; answers must belong to their question; a single-choice question
    takes one answer; nothing may be chosen twice; ids from other modules or
    made up are refused. Returns the answers, or raises LearningError.
    """
    questions = {question["id"]: question for question in queries.quiz_questions(module)}
    if not questions:
        raise LearningError(_("This module has no quiz."))
    unknown = set(answers) - set(questions)
    if unknown:
        raise LearningError(_("The answers include a question that is not in this module."))
    checked: dict[str, list[str]] = {}
    for number, (question_id, question) in enumerate(questions.items(), start=1):
        chosen = list(answers.get(question_id) or [])
        if not chosen:
            raise LearningError(_("Answer question %(number)s.") % {"number": number}, question_id)
        if len(set(chosen)) != len(chosen):
            raise LearningError(
                _("An answer to question %(number)s was chosen twice.") % {"number": number},
                question_id,
            )
        if question["kind"] == QuestionKind.SINGLE and len(chosen) > 1:
            raise LearningError(
                _("Choose only one answer to question %(number)s.") % {"number": number},
                question_id,
            )
        valid = {answer["id"] for answer in question["answers"]}
        if not set(chosen) <= valid:
            raise LearningError(
                _("An answer to question %(number)s is not one of its answers.")
                % {"number": number},
                question_id,
            )
        checked[question_id] = chosen
    return checked


@transaction.atomic
def submit_quiz(
    user: User,
    module: ModulePage,
    answers: Mapping[str, Sequence[str]],
    *,
    now: datetime.datetime | None = None,
) -> QuizResult:
    """Score an attempt on the server, record it, and complete the module if passed."""
    now = now or timezone.now()
    _require_member(user)
    _require_available(module)
    checked = check_quiz_answers(module, answers)
    _lock_member(user)
    results = queries.score_answers(module, checked)
    score = sum(1 for result in results if result.correct)
    total = len(results)
    attempt = QuizAttempt.objects.create(
        user=user,
        module=module,
        score=score,
        total=total,
        # Rounded down, and the pass decided on whole numbers: 2 of 3 is not 67%.
        percent=100 * score // total,
        pass_mark=module.pass_mark,
        passed=score * 100 >= module.pass_mark * total,
        answers=checked,
        submitted_at=now,
    )
    progress = ModuleProgress.objects.select_for_update().get(pk=_progress(user, module, now).pk)
    if attempt.passed and progress.passed_at is None:
        progress.passed_at = now
        progress.save(update_fields=["passed_at"])
    if _complete_if_done(progress, module, now):
        _issue_track_certificate_if_complete(user, progress.track, now)
    return QuizResult(attempt=attempt, questions=results)


# Certificates


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _create_certificate(**fields) -> Certificate:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(code=new_code(), **fields)
        except IntegrityError:
            existing = _existing_certificate(fields)
            if existing is not None:
                return existing
    raise LearningError(_("Could not issue the certificate. Try again."))


def _existing_certificate(fields: dict) -> Certificate | None:
    lookup = {"user": fields["user"], "kind": fields["kind"]}
    if fields["kind"] == CertificateKind.TRACK:
        lookup["track"] = fields["track"]
    else:
        lookup["programme"] = fields["programme"]
    return Certificate.objects.filter(**lookup).first()


def _issue_track_certificate_if_complete(
    user: User, track: TrackPage | None, now: datetime.datetime
) -> None:
    if track is not None and track.live and queries.track_is_complete(user, track):
        issue_track_certificate(user, track, now=now)


@transaction.atomic
def issue_track_certificate(
    user: User, track: TrackPage, *, now: datetime.datetime | None = None
) -> Certificate:
    """Issue the member's certificate for a completed track; the same one if asked again."""
    now = now or timezone.now()
    _require_member(user)
    existing = Certificate.objects.filter(
        user=user, track=track, kind=CertificateKind.TRACK
    ).first()
    if existing is not None:
        return existing
    if not track.live or not queries.track_is_complete(user, track):
        raise LearningError(_("Complete every module of the track to earn its certificate."))
    return _create_certificate(
        kind=CertificateKind.TRACK,
        user=user,
        track=track,
        issued_at=now,
        recipient_name=user.get_full_name(),
        title=track.title,
        level=track.get_framework_level_display(),
        # The modules' own lengths, as completed, not the editor's estimate for the track.
        cpd_hours=(
            Decimal(
                sum(
                    ModuleProgress.objects.filter(
                        user=user, module__in=track.modules(), completed_at__isnull=False
                    ).values_list("minutes", flat=True)
                )
            )
            / 60
        ).quantize(Decimal("0.1")),
    )


def issue_due_echo_certificates(*, now: datetime.datetime | None = None) -> int:
    """Certify attendees of every programme whose cycle has ended; safe to run daily (a
    member gets one certificate per programme cycle). Returns certificates issued or held."""
    now = now or timezone.now()
    return sum(
        len(issue_echo_certificates(programme, now=now))
        for programme in EchoProgramme.objects.filter(cycle_end__lt=timezone.localdate(now))
    )


def issue_echo_certificates(
    programme: EchoProgramme, *, now: datetime.datetime | None = None
) -> list[Certificate]:
    """After a cycle ends, certify every member who attended at least 80% of its sessions."""
    now = now or timezone.now()
    if programme.cycle_end >= timezone.localdate(now):
        return []
    held = events_queries.programme_sessions(programme).filter(cancelled=False, end__lte=now)
    held_count = held.count()
    if not held_count:
        return []
    attended = (
        Attendance.objects.present()
        .filter(occurrence__in=held, member__approval_status=ApprovalStatus.APPROVED)
        .values("member")
        .annotate(sessions=Count("occurrence", distinct=True))
    )
    issued = []
    for row in attended:
        if Decimal(row["sessions"]) / held_count < ECHO_CERTIFICATE_SHARE:
            continue
        member = User.objects.get(pk=row["member"])
        certificate = issue_echo_certificate(member, programme, now=now)
        if certificate is not None:
            issued.append(certificate)
    return issued


@transaction.atomic
def issue_echo_certificate(
    member: User, programme: EchoProgramme, *, now: datetime.datetime | None = None
) -> Certificate | None:
    """The member's certificate of participation in an ended cycle, if they attended 80%, as
    at `now`: the sessions held by then count, and the certificate is issued then."""
    now = now or timezone.now()
    if not member_permissions.is_approved_member(member):
        return None
    existing = Certificate.objects.filter(
        user=member, programme=programme, kind=CertificateKind.ECHO_CYCLE
    ).first()
    if existing is not None:
        return existing
    if programme.cycle_end >= timezone.localdate(now):
        return None
    summary = events_queries.cycle_summary(member, programme, now=now)
    if not summary.held or Decimal(summary.attended) / summary.held < ECHO_CERTIFICATE_SHARE:
        return None
    held = events_queries.programme_sessions(programme).filter(cancelled=False, end__lte=now)
    cycle_minutes = (
        Attendance.objects.present()
        .filter(member=member, occurrence__in=held)
        .aggregate(total=Sum("minutes"))["total"]
        or 0
    )
    return _create_certificate(
        kind=CertificateKind.ECHO_CYCLE,
        user=member,
        programme=programme,
        issued_at=now,
        recipient_name=member.get_full_name(),
        title=programme.name,
        level=_("ECHO cycle participation"),
        cpd_hours=(Decimal(cycle_minutes) / 60).quantize(Decimal("0.1")),
        detail=_("Attended %(attended)s of %(held)s sessions, %(start)s to %(end)s")
        % {
            "attended": summary.attended,
            "held": summary.held,
            "start": programme.cycle_start.strftime("%d/%m/%Y"),
            "end": programme.cycle_end.strftime("%d/%m/%Y"),
        },
    )
