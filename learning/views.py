"""Learning pages' contexts and sub-pages (routed by the Wagtail page models), the CPD
record and public certificate verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.csvexport import csv_response
from core.dashboard import OCCURRENCE_PANELS, object_panels
from members import permissions as member_permissions
from members.decorators import member_required

from . import cpd, queries, services
from .forms import PeriodForm, VerifyForm
from .models import (
    Certificate,
    LearningIndexPage,
    ModulePage,
    ModuleProgress,
    QuizAttempt,
    StudyDayPage,
    TrackPage,
)
from .progress import my_learning_sections, track_progress

QUIZ_FIELD_PREFIX = "q-"
MAX_QUIZ_FIELDS = 200


def refuse_non_members(request: HttpRequest) -> HttpResponse | None:
    """Modules are for members: visitors sign in, pending accounts are told why not."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not member_permissions.is_approved_member(request.user):
        return render(request, "members/not_approved.html", status=403)
    return None


def _live_tracks(index: LearningIndexPage | None = None) -> list[TrackPage]:
    tracks = TrackPage.objects.live().public()
    if index is not None:
        tracks = tracks.child_of(index)
    return list(tracks.order_by("path"))


def my_learning_context(request: HttpRequest, index: LearningIndexPage) -> dict:
    user = request.user
    tracks = _live_tracks(index)
    study_days = list(
        StudyDayPage.objects.child_of(index)
        .live()
        .public()
        .select_related("occurrence")
        .order_by("-occurrence__start", "-pk")[:5]
    )
    if not member_permissions.is_approved_member(user):
        return {"tracks": track_progress(None, tracks), "study_days": study_days}
    certificates = list(Certificate.objects.filter(user=user).order_by("-issued_at"))
    return {
        "sections": my_learning_sections(user, tracks, certificates=certificates),
        "certificates": certificates,
        "study_days": study_days,
        "is_member": True,
    }


def track_context(request: HttpRequest, track: TrackPage) -> dict:
    user = request.user if member_permissions.is_approved_member(request.user) else None
    progress = track_progress(user, [track])[0]
    return {"progress": progress, "is_member": user is not None}


def _neighbours(module: ModulePage) -> tuple[ModulePage | None, ModulePage | None]:
    # The live modules under the same track, in one query (no module type extends ModulePage).
    siblings = list(ModulePage.objects.sibling_of(module).live().order_by("path"))
    ids = [page.pk for page in siblings]
    position = ids.index(module.pk) if module.pk in ids else -1
    previous = siblings[position - 1] if position > 0 else None
    following = siblings[position + 1] if 0 <= position < len(siblings) - 1 else None
    return previous, following


def module_context(request: HttpRequest, module: ModulePage) -> dict:
    user = request.user
    is_preview = getattr(request, "is_preview", False)
    progress = None
    if not is_preview and member_permissions.is_approved_member(user) and module.live:
        if request.method == "GET":
            progress = services.record_visit(user, module)
        else:
            progress = ModuleProgress.objects.filter(user=user, module=module).first()
    previous, following = _neighbours(module)
    track = module.get_parent().specific
    return {
        "track": track,
        "quiz_result": _shown_attempt(request, module) if progress else None,
        "previous_module": previous,
        "next_module": following,
        "progress": progress,
        "questions": queries.quiz_questions(module),
        "attempts": (
            list(QuizAttempt.objects.filter(user=user, module=module)[:5]) if progress else []
        ),
        "is_preview": is_preview,
    }


@member_required
@require_POST
def mark_read(request: HttpRequest, module: ModulePage) -> HttpResponse:
    try:
        progress = services.mark_read(request.user, module)
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(module.url)
    if progress.completed_at:
        messages.success(request, _("Module complete."))
        _previous, following = _neighbours(module)
        return redirect(following.url if following else module.get_parent().url)
    messages.success(request, _("Marked as read. Pass the quiz below to complete the module."))
    return redirect(module.url + "#quiz")


def _submitted_answers(request: HttpRequest) -> dict[str, list[str]]:
    keys = [key for key in request.POST if key.startswith(QUIZ_FIELD_PREFIX)]
    if len(keys) > MAX_QUIZ_FIELDS:
        raise services.LearningError(_("Too many answers were sent."))
    return {key[len(QUIZ_FIELD_PREFIX) :]: request.POST.getlist(key) for key in keys}


@member_required
def take_quiz(request: HttpRequest, module: ModulePage) -> HttpResponse:
    """Score the answers, then redirect to the result (so reloading does not resubmit)."""
    if request.method != "POST":
        return redirect(module.url + "#quiz")
    answers: dict[str, list[str]] = {}
    try:
        answers = _submitted_answers(request)
        result = services.submit_quiz(request.user, module, answers)
    except services.LearningError as error:
        response = module.render(
            request,
            context_overrides={
                "quiz_error": str(error),
                "quiz_error_question": error.question_id,
                "chosen": {answer for chosen in answers.values() for answer in chosen},
            },
        )
        response.status_code = 400
        return response
    return redirect(f"{module.url}?attempt={result.attempt.pk}#quiz-result")


def _shown_attempt(request: HttpRequest, module: ModulePage):
    """The member's own attempt named in ?attempt=, to show its result."""
    attempt_id = request.GET.get("attempt", "")
    if not attempt_id.isdigit() or len(attempt_id) > 12:
        return None
    attempt = QuizAttempt.objects.filter(
        pk=int(attempt_id), user=request.user, module=module
    ).first()
    return queries.attempt_result(attempt) if attempt else None


@member_required
@require_POST
def claim_track_certificate(request: HttpRequest, track: TrackPage) -> HttpResponse:
    try:
        certificate = services.issue_track_certificate(request.user, track)
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(track.url)
    index = track.get_parent().specific
    return redirect(index.url + f"certificates/{certificate.pk}/")


@member_required
def certificate(request: HttpRequest, index: LearningIndexPage, pk: int) -> HttpResponse:
    found = Certificate.objects.filter(pk=pk, user=request.user).first()
    if found is None:
        raise Http404
    return render(
        request,
        "learning/certificate.html",
        {
            "certificate": found,
            "page": index,
            "verify_url": request.build_absolute_uri(
                reverse("learning:verify_code", args=[found.display_code])
            ),
        },
    )


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone may check a certificate: by the form, or by the address printed on it."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = queries.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("learning:verify_code", code=code)
        form.add_error("code", _("Enter the code printed on the certificate."))
    return render(request, "learning/verify.html", {"form": form})


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    found = Certificate.objects.filter(code=queries.normalise_code(code)).first()
    if found is None:
        return render(request, "learning/verify_unknown.html", {"form": VerifyForm()}, status=404)
    return render(request, "learning/verify_result.html", {"certificate": found})


def _period(request: HttpRequest) -> tuple[PeriodForm, tuple]:
    start, end = cpd.default_period(timezone.localdate())
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, (start, end)


@member_required
def cpd_record(request: HttpRequest, index: LearningIndexPage) -> HttpResponse:
    form, (start, end) = _period(request)
    record = cpd.cpd_record(request.user, start, end)
    template = (
        "learning/cpd_print.html" if request.GET.get("view") == "print" else "learning/cpd.html"
    )
    query = f"?start={start.isoformat()}&end={end.isoformat()}"
    return render(
        request,
        template,
        {
            "page": index,
            "form": form,
            "record": record,
            "query": query,
            "nmc_total": cpd.NMC_TOTAL_HOURS,
            "nmc_participatory": cpd.NMC_PARTICIPATORY_HOURS,
        },
    )


@member_required
def cpd_csv(request: HttpRequest, index: LearningIndexPage) -> HttpResponse:
    _form, (start, end) = _period(request)
    record = cpd.cpd_record(request.user, start, end)
    return csv_response(
        f"cpd-record-{start.isoformat()}-to-{end.isoformat()}.csv",
        [
            _("Date"),
            _("Title"),
            _("Type"),
            _("Minutes"),
            _("Hours"),
            _("Participatory"),
            _("Detail"),
        ],
        [
            (
                activity.date,
                activity.title,
                activity.type_label,
                activity.minutes,
                float(activity.hours),
                activity.participatory,
                activity.detail,
            )
            for activity in record.activities
        ],
    )


def study_day_context(request: HttpRequest, page: StudyDayPage) -> dict:
    occurrence = page.occurrence
    is_over = bool(occurrence and occurrence.end <= timezone.now())
    return {
        "is_member": member_permissions.is_approved_member(request.user),
        "occurrence": occurrence,
        "event_url": reverse("events:occurrence", args=[occurrence.pk]) if occurrence else None,
        "is_over": is_over,
        # Feedback on the day (and its figures), added by evaluation once the day is over.
        "occurrence_panels": (
            object_panels(OCCURRENCE_PANELS, request, occurrence) if is_over else []
        ),
    }
