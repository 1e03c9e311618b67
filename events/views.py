from __future__ import annotations

import calendar as calendar_module
import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from schedule.models import Event, Occurrence

from core.dashboard import (
    DISCUSSION_PANELS,
    LIVE_ROOM_END_PANELS,
    OCCURRENCE_PANELS,
    object_panels,
)
from core.pii import IdentifiableTextError, describe
from members import permissions as member_permissions
from members.decorators import member_required, role_required
from members.models import StaffGroup, User

from . import ical, permissions, queries, scheduling, services
from .forms import (
    AttendanceFormSet,
    CalendarFilterForm,
    CancelOccurrenceForm,
    CaseForm,
    CurriculumFormSet,
    EventForm,
    MoveOccurrenceForm,
    ProgrammeForm,
    RecommendationForm,
    ReviewForm,
    validate_month,
)
from .models import (
    CalendarFeed,
    Case,
    CaseStatus,
    EchoProgramme,
    EventKind,
    Registration,
    RegistrationStatus,
)

UPCOMING_LIMIT = 60


def get_occurrence_or_404(pk: int) -> Occurrence:
    return get_object_or_404(queries.network_occurrences(), pk=pk)


@member_required
def calendar(request: HttpRequest) -> HttpResponse:
    filters = CalendarFilterForm(request.GET or None)
    kind = audience = ""
    if filters.is_valid():
        kind, audience = filters.cleaned_data["kind"], filters.cleaned_data["audience"]
    view = "month" if request.GET.get("view") == "month" else "list"
    zone = scheduling.network_zone()
    now = timezone.now()
    occurrences = queries.network_occurrences()
    if kind:
        occurrences = occurrences.filter(event__details__kind=kind)
    context: dict = {"filters": filters, "view": view, "kind": kind, "audience": audience}
    if view == "month":
        month = validate_month(request.GET.get("month", "")) or scheduling.local(now).date()
        month = month.replace(day=1)
        next_month = (month + datetime.timedelta(days=32)).replace(day=1)
        previous_month = (month - datetime.timedelta(days=1)).replace(day=1)
        start = datetime.datetime.combine(month, datetime.time(), tzinfo=zone)
        end = datetime.datetime.combine(next_month, datetime.time(), tzinfo=zone)
        rows = [
            o
            for o in occurrences.filter(start__gte=start, start__lt=end)
            if not audience or o.event.details.is_for(audience)
        ]
        by_day: dict[datetime.date, list[Occurrence]] = {}
        for occurrence in rows:
            by_day.setdefault(scheduling.local(occurrence.start).date(), []).append(occurrence)
        weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
        context.update(
            month=month,
            previous_month=previous_month,
            next_month=next_month,
            weeks=[
                [(day, day.month == month.month, by_day.get(day, [])) for day in week]
                for week in weeks
            ],  # fmt: skip
            days=sorted(by_day.items()),
            statuses=queries.registration_statuses(request.user, rows),
        )
    else:
        rows = [
            o
            for o in occurrences.filter(end__gte=now)[: UPCOMING_LIMIT * 2]
            if not audience or o.event.details.is_for(audience)
        ][:UPCOMING_LIMIT]
        staff_group = request.user.staff_group
        context.update(
            for_you=[o for o in rows if o.event.details.is_for(staff_group)],
            others=[o for o in rows if not o.event.details.is_for(staff_group)],
            staff_group_label=StaffGroup(staff_group).label if staff_group else "",
            statuses=queries.registration_statuses(request.user, rows),
        )
    context["can_manage"] = permissions.can_manage_events(request.user)
    context["programmes"] = EchoProgramme.objects.only("name", "slug")
    return render(request, "events/calendar.html", context)


@member_required
def occurrence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_object_or_404(
        # The series' rule describes it; the live room's state says whether it is open.
        queries.network_occurrences().select_related("event__rule", "live_state"),
        pk=pk,
    )
    user = request.user
    registration = Registration.objects.filter(occurrence=occurrence, member=user).first()
    if registration and registration.status == RegistrationStatus.CANCELLED:
        registration = None
    details = occurrence.event.details
    programme = getattr(occurrence.event, "echo_programme", None)
    is_reviewer = permissions.can_review_cases_for(user, occurrence)
    registered = registration is not None and registration.status == RegistrationStatus.REGISTERED
    # A session has a handful of cases: read them once, for the agenda, the member's own
    # and the count waiting for review.
    all_cases = list(occurrence.cases.select_related("presenter__organisation"))
    cases = []
    if permissions.can_see_session_cases(user, occurrence):
        cases = [
            case for case in all_cases if case.status in {CaseStatus.ACCEPTED, CaseStatus.PRESENTED}
        ]
    context = {
        "occurrence": occurrence,
        "details": details,
        "programme": programme,
        "plan": getattr(occurrence, "session_plan", None),
        "registration": registration,
        "waiting_position": queries.waiting_position(registration) if registration else None,
        "is_open": queries.occurrence_is_open(occurrence),
        "has_started": occurrence.start <= timezone.now(),
        "places_left": None
        if details.capacity is None
        else max(details.capacity - occurrence.places_taken, 0),
        "show_video_link": registered or permissions.can_see_joining_link(user, occurrence),
        "cases": cases,
        "my_cases": [case for case in all_cases if case.presenter_id == user.pk],
        "can_submit_case": permissions.can_submit_case(user, occurrence)
        and queries.occurrence_is_open(occurrence)
        and occurrence.start > timezone.now(),
        "is_reviewer": is_reviewer,
        "pending_review": sum(
            case.status in {CaseStatus.SUBMITTED, CaseStatus.CHANGES_REQUESTED}
            for case in all_cases
        )
        if is_reviewer
        else 0,
        "can_manage": permissions.can_manage_events(user),
        "can_take_register": permissions.can_take_register(user, occurrence),
        "series_description": scheduling.describe_event(occurrence.event),
        "live_open": _live_open(user, occurrence),
        "extra_panels": object_panels(OCCURRENCE_PANELS, request, occurrence),
        "discussion_panels": object_panels(DISCUSSION_PANELS, request, occurrence),
    }
    return render(request, "events/occurrence_detail.html", context)


def _live_open(user: User, occurrence: Occurrence) -> bool:
    from . import live

    return live.may_join(user, occurrence)


@require_POST
@member_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_occurrence_or_404(pk)
    try:
        registration = services.registration.register_for_occurrence(request.user, occurrence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == RegistrationStatus.WAITING:
            messages.success(
                request, _("The event is full: you are on the waiting list. We will e-mail you.")
            )
        else:
            messages.success(
                request, _("You are registered. We have e-mailed you a calendar invitation.")
            )
    return redirect("events:occurrence", pk=occurrence.pk)


@require_POST
@member_required
def cancel_registration(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_occurrence_or_404(pk)
    try:
        services.registration.cancel_registration(request.user, occurrence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:occurrence", pk=occurrence.pk)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_required
def occurrence_ics(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_occurrence_or_404(pk)
    content = ical.calendar_bytes(
        [occurrence],
        name=occurrence.title,
        for_member=permissions.can_see_joining_link(request.user, occurrence),
    )
    return _ics_response(content, f"event-{occurrence.pk}.ics")


def network_feed(request: HttpRequest) -> HttpResponse:
    """Public feed of the network calendar: no joining links, from 60 days ago onwards."""
    since = timezone.now() - datetime.timedelta(days=60)
    occurrences = queries.network_occurrences().filter(end__gte=since)
    content = ical.calendar_bytes(occurrences, name="Network Commons", for_member=False)
    return HttpResponse(content, content_type=ical.CONTENT_TYPE)


def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's registered occurrences, at a secret address calendar apps can fetch."""
    feed = (
        CalendarFeed.objects.select_related("member").filter(token=token).first()
        if len(token) <= 64
        else None
    )
    if feed is None or not member_permissions.is_approved_member(feed.member):
        raise Http404
    occurrences = queries.network_occurrences().filter(
        registrations__member=feed.member,
        registrations__status=RegistrationStatus.REGISTERED,
    )
    content = ical.calendar_bytes(occurrences, name="My network events", for_member=True)
    return HttpResponse(content, content_type=ical.CONTENT_TYPE)


@member_required
def my_events(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    registrations = (
        Registration.objects.filter(member=request.user)
        .active()
        .filter(occurrence__end__gte=now)
        .select_related("occurrence__event__details")
        .order_by("occurrence__start")
    )
    feed = services.calendar.feed_for(request.user)
    programmes = EchoProgramme.objects.filter(
        series__occurrence__registrations__member=request.user
    ).distinct()
    return render(
        request,
        "events/my_events.html",
        {
            "registrations": registrations,
            "cases": Case.objects.filter(presenter=request.user)
            .select_related("occurrence")
            .order_by("-submitted_at"),
            "feed_url": request.build_absolute_uri(
                reverse("events:personal_feed", args=[feed.token])
            ),
            "cycles": [queries.cycle_summary(request.user, p) for p in programmes],
        },
    )


@require_POST
@member_required
def reset_feed(request: HttpRequest) -> HttpResponse:
    services.calendar.reset_feed(request.user)
    messages.success(
        request, _("Your calendar feed has a new address. The old one no longer works.")
    )
    return redirect("events:my_events")


# --- Coordinator: events and occurrences ----------------------------------------------------


@role_required(permissions.can_manage_events)
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.calendar.create_event(form.event_data(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The event is on the calendar."))
            first = event.occurrence_set.order_by("start").first()
            if first is None:
                return redirect("events:calendar")
            return redirect("events:occurrence", pk=first.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@role_required(permissions.can_manage_events)
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(
        Event.objects.select_related("details", "rule"),
        pk=event_id,
        calendar__slug=scheduling.NETWORK_CALENDAR_SLUG,
    )
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar.update_event(event, form.event_data(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The event is saved; future dates follow the change."))
            return redirect("events:calendar")
    return render(request, "events/event_form.html", {"form": form, "event": event})


@role_required(permissions.can_manage_events)
def occurrence_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_occurrence_or_404(pk)
    form = CancelOccurrenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar.cancel_occurrence(
                occurrence, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cancelled. Everyone registered has been e-mailed."))
            return redirect("events:occurrence", pk=occurrence.pk)
    return render(
        request, "events/occurrence_cancel.html", {"form": form, "occurrence": occurrence}
    )


@role_required(permissions.can_manage_events)
def occurrence_move(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_occurrence_or_404(pk)
    start, end = scheduling.local(occurrence.start), scheduling.local(occurrence.end)
    form = MoveOccurrenceForm(
        request.POST or None,
        initial={"date": start.date(), "start_time": start.time(), "end_time": end.time()},
    )
    if request.method == "POST" and form.is_valid():
        new_start, new_end = form.times()
        try:
            services.calendar.move_occurrence(
                occurrence, by=request.user, start=new_start, end=new_end
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Moved. Everyone registered has been e-mailed."))
            return redirect("events:occurrence", pk=occurrence.pk)
    return render(request, "events/occurrence_move.html", {"form": form, "occurrence": occurrence})


@member_required
def attendance_register(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_occurrence_or_404(pk)
    if not permissions.can_take_register(request.user, occurrence):
        raise Http404
    register = queries.attendance_register(occurrence)
    initial = [
        {"member": row.member.pk, "status": row.status, "minutes": row.minutes}
        for row in register.rows
    ]
    formset = AttendanceFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        errors = []
        for form in formset:
            data = form.cleaned_data
            row = register.row_for(data.get("member"))
            if row is None or not data.get("status"):
                continue
            try:
                services.attendance.record_attendance(
                    occurrence,
                    row.member,
                    status=data["status"],
                    minutes=data.get("minutes"),
                    by=request.user,
                    reason=data.get("reason") or "",
                )
            except ValidationError as error:
                errors.append(f"{row.member.full_name}: {' '.join(error.messages)}")
        for error in errors:
            messages.error(request, error)
        if not errors:
            messages.success(request, _("The register is saved."))
            return redirect("events:attendance", pk=occurrence.pk)
    if request.method == "POST":
        # Pair each posted row with the member it names: the register may have changed
        # since the page was loaded.
        rows = []
        for form in formset:
            try:
                row = register.row_for(int(form["member"].value()))
            except (TypeError, ValueError):
                row = None
            if row is not None:
                rows.append((row, form))
    else:
        rows = list(zip(register.rows, formset, strict=True))
    return render(
        request,
        "events/attendance.html",
        {"occurrence": occurrence, "formset": formset, "rows": rows},
    )


# --- Cases ------------------------------------------------------------------------------------


def get_case_for_user_or_404(user: User, pk: int) -> Case:
    """The same 404 for a case that does not exist and one the user may not see."""
    case = (
        Case.objects.select_related(
            "occurrence__event__details",
            "occurrence__event__echo_programme",
            "presenter__organisation",
            "reviewed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None or not permissions.can_view_case(user, case):
        raise Http404
    return case


@member_required
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_occurrence_or_404(pk)
    if not permissions.can_submit_case(request.user, occurrence):
        raise Http404
    if occurrence.cancelled or occurrence.start <= timezone.now():
        messages.error(
            request,
            _("This session has been cancelled.")
            if occurrence.cancelled
            else _("Cases can only be submitted for sessions that have not started."),
        )
        return redirect("events:occurrence", pk=occurrence.pk)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.cases.submit_case(request.user, occurrence, form.case_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your case is submitted. The hub team will review it."))
            return redirect(case)
    return render(
        request, "events/case_form.html", {"form": form, "occurrence": occurrence, "case": None}
    )


@member_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, get_case_for_user_or_404(request.user, pk))


def _case_page(request: HttpRequest, case, recommendation_form=None) -> HttpResponse:
    is_reviewer = permissions.can_review_case(request.user, case)
    if is_reviewer and recommendation_form is None:
        recommendation_form = RecommendationForm()
    return render(
        request,
        "events/case_detail.html",
        {
            "case": case,
            "occurrence": case.occurrence,
            "recommendations": list(case.recommendations.select_related("author")),
            "is_reviewer": is_reviewer,
            "can_edit": permissions.can_edit_case(request.user, case),
            "review_form": ReviewForm() if is_reviewer else None,
            "recommendation_form": recommendation_form if is_reviewer else None,
        },
    )


@member_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user_or_404(request.user, pk)
    if not permissions.can_edit_case(request.user, case):
        raise Http404
    initial = {
        field: getattr(case, field)
        for field in ["title", "age_band", "condition_group", "summary", "question"]
    }
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cases.update_case(case, form.case_data(), by=request.user)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, getattr(error, "messages", [_("You cannot edit this case.")]))
        else:
            messages.success(request, _("Your case is updated and back with the reviewers."))
            return redirect(case)
    return render(
        request,
        "events/case_form.html",
        {"form": form, "occurrence": case.occurrence, "case": case},
    )


def _reviewable_case_or_404(user: User, pk: int) -> Case:
    case = get_case_for_user_or_404(user, pk)
    if not permissions.can_review_case(user, case):
        raise Http404
    return case


@require_POST
@member_required
def case_review(request: HttpRequest, pk: int) -> HttpResponse:
    case = _reviewable_case_or_404(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.cases.review_case(
                case,
                by=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Decision saved; the presenter has been e-mailed."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(case)


@require_POST
@member_required
def case_move(request: HttpRequest, pk: int) -> HttpResponse:
    case = _reviewable_case_or_404(request.user, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.cases.move_case_on_agenda(case, by=request.user, offset=offset)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("events:occurrence", args=[case.occurrence_id]) + "#agenda")


@require_POST
@member_required
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _reviewable_case_or_404(request.user, pk)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.cases.add_recommendation(case, by=request.user, body=form.cleaned_data["body"])
        except IdentifiableTextError as error:
            for finding in error.findings["body"]:
                form.add_error("body", describe(finding))
            return _case_page(request, case, form)  # keeps what was typed
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Recommendation added."))
    else:
        messages.error(request, " ".join(form.errors.get("body", [])))
    return redirect(case)


@require_POST
@member_required
def recommendations_send(request: HttpRequest, pk: int) -> HttpResponse:
    case = _reviewable_case_or_404(request.user, pk)
    try:
        services.cases.send_recommendations(case, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The recommendations have been sent to the presenter."))
    return redirect(case)


@member_required
def review_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if member_permissions.is_coordinator(user):
        cases = Case.objects.all()
    elif member_permissions.is_facilitator(user):
        cases = Case.objects.filter(occurrence__event__echo_programme__hub_team=user)
    else:
        return render(request, "403.html", status=403)
    cases = (
        cases.filter(status__in=[CaseStatus.SUBMITTED, CaseStatus.CHANGES_REQUESTED])
        .select_related("occurrence", "presenter__organisation")
        .order_by("occurrence__start", "submitted_at")
    )
    return render(request, "events/review_queue.html", {"cases": cases})


@member_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(
        EchoProgramme.objects.select_related("series").prefetch_related(
            Prefetch("hub_team", queryset=User.objects.select_related("organisation"))
        ),
        slug=slug,
    )
    sessions = list(queries.programme_sessions(programme).select_related("session_plan"))
    return render(
        request,
        "events/programme_detail.html",
        {
            "programme": programme,
            "sessions": sessions,
            "summary": queries.cycle_summary(request.user, programme),
            "statuses": queries.registration_statuses(request.user, sessions),
            "series_description": scheduling.describe_event(programme.series),
            "echo_kind": EventKind.ECHO_SESSION,
            "can_manage": permissions.can_manage_events(request.user),
            "can_plan": permissions.can_manage_programme(request.user, programme),
        },
    )


@role_required(permissions.can_manage_events)
def programme_form(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    programme = get_object_or_404(EchoProgramme, slug=slug) if slug else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programmes.save_programme(
                programme, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("events:programme", slug=programme.slug)
    return render(request, "events/programme_form.html", {"form": form, "programme": programme})


@member_required
def curriculum(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(EchoProgramme, slug=slug)
    if not permissions.can_manage_programme(request.user, programme):
        raise Http404
    sessions = list(queries.programme_sessions(programme).select_related("session_plan"))
    initial = [
        {
            "occurrence": session.pk,
            "didactic_topic": getattr(getattr(session, "session_plan", None), "didactic_topic", ""),
            "didactic_presenter": getattr(
                getattr(session, "session_plan", None), "didactic_presenter", ""
            ),
        }
        for session in sessions
    ]
    formset = CurriculumFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        plans = [
            (f.cleaned_data["occurrence"], f.cleaned_data["didactic_topic"],
             f.cleaned_data["didactic_presenter"])
            for f in formset
            if f.cleaned_data
        ]  # fmt: skip
        try:
            services.programmes.plan_curriculum(programme, plans, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The curriculum is saved."))
            return redirect("events:programme", slug=programme.slug)
    return render(
        request,
        "events/curriculum.html",
        {
            "programme": programme,
            "formset": formset,
            "rows": list(zip(sessions, formset, strict=False)),
        },
    )


@member_required
def live_room(request: HttpRequest, pk: int) -> HttpResponse:
    """The live session page; its websocket is `/ws/sessions/<pk>/` (see PROTOCOL.md)."""
    from . import live

    occurrence = live.get_session(pk)
    if not live.may_join(request.user, occurrence):
        if occurrence is not None and live.would_join_when_open(request.user, occurrence):
            # A participant outside the room's hours: say so on the session page.
            messages.info(
                request,
                _("The live room is open from 15 minutes before the session starts until it ends."),
            )
            return redirect("events:occurrence", pk=occurrence.pk)
        raise Http404
    return render(
        request,
        "events/live.html",
        {
            "occurrence": occurrence,
            "websocket_path": f"/ws/sessions/{occurrence.pk}/",
            "time_zone": settings.NETWORK_TIME_ZONE,
            "is_facilitator": live.is_room_facilitator(request.user, occurrence),
            "end_panels": object_panels(LIVE_ROOM_END_PANELS, request, occurrence),
        },
    )


@member_required
def transcript(request: HttpRequest, pk: int) -> HttpResponse:
    """Chat, recommendations and poll results of a session, as plain text, for facilitators."""
    from . import live

    occurrence = live.get_session(pk)
    if occurrence is None or not live.is_room_facilitator(request.user, occurrence):
        raise Http404
    response = HttpResponse(
        live.transcript_text(occurrence), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="session-{occurrence.pk}-transcript.txt"'
    )
    return response
