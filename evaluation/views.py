"""Evaluation pages: surveys for members, figures for the people who answer for the network."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from schedule.models import Occurrence

from core.charts import Series, line_chart
from core.csvexport import csv_response
from core.dashboard import EVALUATION_PANELS, object_panels
from core.pii import IdentifiableTextError
from events.models import EchoProgramme, EventKind
from members.decorators import member_required
from members.models import NetworkRole, Organisation, OrganisationKind, Rurality, StaffGroup

from . import metrics, pdf, permissions, services
from .forms import SurveyForm
from .metrics import Filters
from .models import Answer, MooreLevel, QuestionKind, SurveyKind

CYCLE_KIND_SLUGS = {
    "before": SurveyKind.PRE_CONFIDENCE,
    "after": SurveyKind.POST_CONFIDENCE,
    "follow-up": SurveyKind.FOLLOW_UP,
}

PERIODS = {
    "all": _("All time"),
    "12m": _("Last 12 months"),
    "6m": _("Last 6 months"),
    "3m": _("Last 3 months"),
}


# --- Filters -----------------------------------------------------------------------------------


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def parse_filters(request: HttpRequest, *, organisation: Organisation | None = None) -> Filters:
    """Filters from the query string. Nonsense values are ignored, with a message saying so."""
    query = request.GET
    ignored: list[str] = []
    today = timezone.localdate()
    start = end = None
    period = query.get("period", "")
    if period in ("12m", "6m", "3m"):
        start = today - datetime.timedelta(days=int(period[:-1]) * 30)
    elif period and period != "all":
        ignored.append(_("period"))
    if query.get("start"):
        start = _date(query["start"]) or start
        if _date(query["start"]) is None:
            ignored.append(_("start date"))
    if query.get("end"):
        end = _date(query["end"])
        if end is None:
            ignored.append(_("end date"))
    if start and end and end < start:
        ignored.append(_("end date"))
        end = None

    def choice(name: str, values, label: str) -> str | None:
        value = query.get(name, "")
        if not value:
            return None
        if value in values:
            return value
        ignored.append(label)
        return None

    programme = None
    if query.get("programme"):
        programme = EchoProgramme.objects.filter(slug=query["programme"]).first()
        if programme is None:
            ignored.append(_("programme"))
    filters = Filters(
        start=start,
        end=end,
        programme=programme,
        event_kind=choice("event_kind", EventKind.values, _("kind of event")),
        organisation_kind=choice(
            "organisation_kind", OrganisationKind.values, _("kind of organisation")
        ),
        network_role=choice("network_role", NetworkRole.values, _("hub or spoke")),
        rurality=choice("rurality", Rurality.values, _("rurality")),
        staff_group=choice("staff_group", StaffGroup.values, _("staff group")),
        organisation=organisation,
    )
    if ignored:
        messages.warning(
            request,
            _("Some filters were not understood and were left out: %(names)s.")
            % {"names": ", ".join(dict.fromkeys(str(name) for name in ignored))},
        )
    return filters


def _filter_options(programmes: list[EchoProgramme]) -> dict:
    """The choices of the filters form; `programmes` are every programme, by name. The
    labels are translated once here rather than once per option as the form is drawn."""

    def labelled(choices) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in choices]

    return {
        "periods": list(PERIODS.items()),
        "programmes": [(programme.slug, programme.name) for programme in programmes],
        "event_kinds": labelled(EventKind.choices),
        "organisation_kinds": labelled(OrganisationKind.choices),
        "network_roles": labelled(NetworkRole.choices),
        "ruralities": labelled(Rurality.choices),
        "staff_groups": labelled(StaffGroup.choices),
    }


# --- Figures -----------------------------------------------------------------------------------


def _trend_chart(rows):
    points = [(row.month, row.attendances) for row in rows]
    people = [(row.month, row.attendees) for row in rows]
    return line_chart(
        [
            Series(_("Attendances"), points, "primary"),
            Series(_("Different people"), people, "secondary"),
        ],
        chart_id="attendance-trend",
        title=_("Attendance by month"),
        description=_("Attendances and different people attending, by month."),
        y_label=_("Attendances"),
    )


def _adoption_chart(rows, month_ends):
    if not rows or not any(any(row.history) for row in rows):
        return None
    total = [(day, sum(row.history[i] for row in rows)) for i, day in enumerate(month_ends)]
    return line_chart(
        [Series(_("Adoptions, all guidelines"), total, "primary")],
        chart_id="adoption-trend",
        title=_("Guideline adoption by month"),
        description=_(
            "Organisations that had adopted each guideline at the end of each month, "
            "added up over the guidelines."
        ),
        y_label=_("Adoptions"),
    )


def figures(filters: Filters, *, activity: bool = True) -> dict:
    """Everything the dashboard shows from `evaluation.metrics`; without `activity`, what the
    report shows (no month trend, cycle shares or table of sessions, which are not read)."""
    return _figures_context(metrics.network_figures(filters), activity=activity)


def _figures_context(network: metrics.NetworkFigures, *, activity: bool = True) -> dict:
    context = {
        "participation": network.participation,
        "reach": network.reach,
        "reach_labels": {
            name: label for name, (label, _path, _c) in metrics.REACH_DIMENSIONS.items()
        },
        "periphery": network.periphery,
        "satisfaction": network.satisfaction,
        "distributions": network.distributions,
        "learning": network.learning,
        "confidence": network.confidence,
        "adoption": network.adoption,
        "adoption_months": network.adoption_months,
        "adoption_chart": _adoption_chart(network.adoption, network.adoption_months),
        "practice": network.practice,
        "min_respondents": metrics.MIN_RESPONDENTS,
    }
    if activity:
        context |= {
            "trend": network.trend,
            "trend_chart": _trend_chart(network.trend) if network.trend else None,
            "cycles": network.cycles,
            "sessions": network.sessions,
        }
    return context


def _query_string(request: HttpRequest) -> str:
    return request.GET.urlencode()


def _require(predicate: bool) -> None:
    if not predicate:
        raise Http404


@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_evaluation(request.user))
    filters = parse_filters(request)
    network = metrics.network_figures(filters)
    context = {
        **_figures_context(network),
        **_filter_options(network.programmes),
        "filters": filters,
        "query": request.GET,
        "query_string": _query_string(request),
        "can_see_responses": permissions.can_see_individual_responses(request.user),
        "extra_panels": object_panels(EVALUATION_PANELS, request, filters),
    }
    return render(request, "evaluation/dashboard.html", context)


def _report_context(request: HttpRequest) -> dict:
    filters = parse_filters(request)
    return {
        **figures(filters, activity=False),
        "filters": filters,
        "period_label": PERIODS.get(request.GET.get("period", "all"), PERIODS["all"]),
        "quotes": metrics.chosen_quotes(filters),
        "unmeasured_levels": [MooreLevel.PATIENT_HEALTH, MooreLevel.COMMUNITY_HEALTH],
        "generated_at": timezone.now(),
        "pdf_available": pdf.available(),
        "query_string": _query_string(request),
        "extra_panels": object_panels(EVALUATION_PANELS, request, filters),
    }


@member_required
def report(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_evaluation(request.user))
    return render(request, "evaluation/report.html", _report_context(request))


@member_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The impact report as an A4 PDF (WeasyPrint), with the same figures and filters."""
    _require(permissions.can_view_evaluation(request.user))
    if not pdf.available():
        raise Http404
    context = {**_report_context(request), "as_pdf": True}
    html = render_to_string("evaluation/report.html", context, request=request)
    response = HttpResponse(pdf.render(html), content_type="application/pdf")
    filename = f"impact-report-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value):
    return value.export() if isinstance(value, metrics.Cell) else value


CSV_TABLES = (
    "participation",
    "reach",
    "periphery",
    "trend",
    "cycles",
    "sessions",
    "feedback",
    "learning",
    "confidence",
    "adoption",
    "practice",
)


def _csv_rows(table: str, filters: Filters):
    suppressed = str(metrics.SUPPRESSED_TEXT)
    if table == "participation":
        p = metrics.participation(filters)
        return ["measure", "value"], [
            ["sessions_held", p.sessions_held],
            ["attendances", p.attendances],
            ["unique_attendees", p.unique_attendees],
            ["mean_attendance_per_session", round(p.mean_per_session or 0, 1)],
            ["members_in_network", p.members_in_network],
            ["organisations_reached", p.organisations_reached],
            ["organisations_in_network", p.organisations_in_network],
        ]
    if table == "reach":
        rows = []
        for dimension, items in metrics.reach(filters).items():
            for row in items:
                rows.append(
                    [
                        dimension,
                        row.label,
                        row.members,
                        row.members_reached,
                        row.organisations,
                        row.organisations_reached,
                    ]
                )
        return [
            "split",
            "group",
            "members",
            "members_reached",
            "organisations",
            "organisations_reached",
        ], rows
    if table == "periphery":
        return ["organisation", "kind", "network_role", "locality", "members", "last_attended"], [
            [
                row.organisation.name,
                row.organisation.get_kind_display(),
                row.organisation.get_network_role_display(),
                row.organisation.locality,
                row.members,
                row.last_attended,
            ]
            for row in metrics.periphery(filters)
        ]
    if table == "trend":
        return ["month", "attendances", "different_people"], [
            [row.month.strftime("%Y-%m"), row.attendances, row.attendees]
            for row in metrics.trend_by_month(filters)
        ]
    if table == "cycles":
        return [
            "programme",
            "cycle_start",
            "cycle_end",
            "sessions_held",
            "attendees",
            "mean_share_attended",
            "attended_80_percent",
        ], [
            [
                row.programme.name,
                row.programme.cycle_start,
                row.programme.cycle_end,
                row.sessions_held,
                row.attendees,
                round(row.mean_share, 2) if row.mean_share is not None else "",
                row.attended_most,
            ]
            for row in metrics.cycle_shares(filters)
        ]
    if table == "sessions":
        return ["session", "start", "attendances", "responses"], [
            [
                row.occurrence.title or row.occurrence.event.title,
                row.occurrence.start,
                row.attendances,
                row.responses if row.responses >= metrics.MIN_RESPONDENTS else suppressed,
            ]
            for row in metrics.feedback_by_session(filters, limit=10_000)
        ]
    if table in ("feedback", "practice"):
        rows = (
            metrics.distributions(
                filters, (SurveyKind.SESSION_FEEDBACK, SurveyKind.STUDY_DAY_FEEDBACK)
            )
            if table == "feedback"
            else metrics.practice_change(filters)
        )
        result = []
        for row in rows:
            for option, count in row.counts:
                result.append(
                    [
                        row.survey_kind,
                        row.question,
                        option,
                        suppressed if row.suppressed else count,
                        suppressed if row.suppressed else row.respondents,
                    ]
                )
        return ["survey", "question", "answer", "count", "respondents"], result
    if table == "learning":
        return [
            "staff_group",
            "members",
            "attempted_a_quiz",
            "passed_a_quiz",
            "completed_a_track",
        ], [
            [row.label, row.members, row.attempted_quiz, row.passed_quiz, row.completed_track]
            for row in metrics.learning_by_staff_group(filters)
        ]
    if table == "confidence":
        return [
            "programme",
            "topic",
            "pairs",
            "mean_before",
            "mean_after",
            "mean_change",
            "ci95_low",
            "ci95_high",
            "retrospective_pairs",
            "mean_retrospective_before",
        ], [
            [
                row.programme,
                row.topic,
                suppressed if row.suppressed else row.pairs,
                *(
                    _cell(row.cell(name))
                    if row.cell(name).value is None or row.suppressed
                    else round(row.cell(name).value, 2)
                    for name in ("mean_pre", "mean_post", "mean_change", "ci_low", "ci_high")
                ),
                suppressed if row.retrospective_suppressed else row.retrospective_pairs,
                suppressed
                if row.retrospective_suppressed or row.mean_retrospective_pre is None
                else round(row.mean_retrospective_pre, 2),
            ]
            for row in metrics.confidence_change(filters)
        ]
    if table == "adoption":
        month_ends = metrics.adoption_month_ends()
        history = [f"adopted_at_{day:%Y-%m-%d}" for day in month_ends]
        return [
            "guideline",
            "version",
            "organisations_adopted",
            "organisations",
            "overdue",
            *history,
        ], [
            [row.title, row.version, row.adopted, row.organisations, row.overdue, *row.history]
            for row in metrics.guideline_adoption()
        ]
    raise Http404


@member_required
def table_csv(request: HttpRequest, table: str) -> HttpResponse:
    _require(permissions.can_view_evaluation(request.user))
    if table not in CSV_TABLES:
        raise Http404
    header, rows = _csv_rows(table, parse_filters(request))
    return csv_response(f"evaluation-{table}.csv", header, rows)


@member_required
def programme_figures(request: HttpRequest, slug: str) -> HttpResponse:
    programme = EchoProgramme.objects.filter(slug=slug).first()
    _require(programme is not None)
    _require(permissions.can_view_programme_evaluation(request.user, programme))
    filters = Filters(programme=programme)
    return render(
        request,
        "evaluation/programme.html",
        {
            "programme": programme,
            "participation": metrics.participation(filters),
            "cycles": metrics.cycle_shares(filters),
            "sessions": metrics.feedback_by_session(filters, limit=100),
            "distributions": metrics.distributions(filters, (SurveyKind.SESSION_FEEDBACK,)),
            "confidence": metrics.confidence_change(filters),
            "practice": metrics.practice_change(filters),
            "min_respondents": metrics.MIN_RESPONDENTS,
        },
    )


@member_required
def session_figures(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = (
        Occurrence.objects.select_related("event__details", "event__echo_programme")
        .filter(pk=pk)
        .first()
    )
    _require(occurrence is not None)
    programme = getattr(occurrence.event, "echo_programme", None)
    allowed = permissions.can_view_evaluation(request.user) or (
        programme is not None and permissions.can_view_programme_evaluation(request.user, programme)
    )
    _require(allowed)
    rows = metrics.feedback_by_session(Filters(occurrence_id=occurrence.pk), limit=1)
    row = rows[0] if rows else None
    return render(
        request,
        "evaluation/session.html",
        {
            "occurrence": occurrence,
            "programme": programme,
            "row": row,
            "distributions": metrics.session_distributions(occurrence),
            "min_respondents": metrics.MIN_RESPONDENTS,
        },
    )


@member_required
def organisation_figures(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = Organisation.objects.filter(slug=slug).first()
    _require(organisation is not None)
    _require(permissions.can_view_organisation_evaluation(request.user, organisation))
    network = Filters()
    own = Filters(organisation=organisation)
    feedback_kinds = (SurveyKind.SESSION_FEEDBACK, SurveyKind.STUDY_DAY_FEEDBACK)
    return render(
        request,
        "evaluation/organisation.html",
        {
            "organisation": organisation,
            "own": metrics.participation(own),
            "network": metrics.participation(network),
            "own_satisfaction": metrics.satisfaction_summary(own),
            "network_satisfaction": metrics.satisfaction_summary(network),
            "own_learning": metrics.learning_by_staff_group(own),
            "own_distributions": metrics.distributions(own, feedback_kinds),
            "network_distributions": metrics.distributions(network, feedback_kinds),
            "min_respondents": metrics.MIN_RESPONDENTS,
        },
    )


# --- Surveys for members -----------------------------------------------------------------------


@member_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/my_surveys.html", {"asks": services.open_asks(request.user)})


def _respond(request: HttpRequest, ask: services.Ask | None, back_url: str) -> HttpResponse:
    if ask is None:
        raise Http404
    now = timezone.now()
    if ask.opens_at > now:
        raise Http404
    asked = services.questions_with_topics(ask)
    is_open = ask.is_open(now)
    if request.method == "POST":
        form = SurveyForm(asked, request.POST)
        if not is_open:
            messages.error(
                request, _("This survey is closed, so answers can no longer be given or changed.")
            )
            return redirect(request.path)
        if form.is_valid():
            try:
                services.submit_response(request.user, ask, form.answers(), now=now)
            except IdentifiableTextError as error:
                form.add_identifier_errors(error)
            except services.SurveyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Thank you. Your answers are saved; you can change them until %(date)s.")
                    % {"date": timezone.localtime(ask.closes_at).strftime("%-d %B %Y")},
                )
                return redirect(back_url)
    else:
        form = SurveyForm(asked)
        form.initial_from(ask.response)
    return render(
        request,
        "evaluation/respond.html",
        {"ask": ask, "form": form, "is_open": is_open, "back_url": back_url},
    )


@member_required
def respond_occurrence(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = (
        Occurrence.objects.select_related("event__details", "event__echo_programme")
        .filter(pk=pk)
        .first()
    )
    if occurrence is None:
        raise Http404
    ask = services.occurrence_ask(request.user, occurrence)
    return _respond(request, ask, reverse("evaluation:my_surveys"))


@member_required
def respond_cycle(request: HttpRequest, slug: str, stage: str) -> HttpResponse:
    kind = CYCLE_KIND_SLUGS.get(stage)
    programme = EchoProgramme.objects.filter(slug=slug).first()
    if kind is None or programme is None:
        raise Http404
    ask = services.cycle_ask(request.user, programme, kind)
    return _respond(request, ask, reverse("evaluation:my_surveys"))


def ask_url(ask: services.Ask) -> str:
    if ask.occurrence is not None:
        return reverse("evaluation:respond_occurrence", args=[ask.occurrence.pk])
    stage = {v: k for k, v in CYCLE_KIND_SLUGS.items()}[ask.survey.kind]
    return reverse("evaluation:respond_cycle", args=[ask.programme.slug, stage])


# --- Responses and quotes (coordinators) -------------------------------------------------------


@member_required
def written_answers(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_see_individual_responses(request.user))
    answers = (
        Answer.objects.filter(question__kind=QuestionKind.FREE_TEXT)
        .exclude(text="")
        .select_related(
            "question__survey",
            "response__member__organisation",
            "response__occurrence__event",
            "response__programme",
            "chosen_quote",
        )
        .order_by("-response__updated_at", "-pk")[:200]
    )
    return render(request, "evaluation/written_answers.html", {"answers": answers})


@require_POST
@member_required
def toggle_quote(request: HttpRequest, pk: int) -> HttpResponse:
    _require(permissions.can_see_individual_responses(request.user))
    answer = get_object_or_404(Answer.objects.select_related("question"), pk=pk)
    try:
        if request.POST.get("choose") == "1":
            services.choose_quote(answer, by=request.user)
            messages.success(request, _("The answer will be quoted in the impact report."))
        else:
            services.unchoose_quote(answer, by=request.user)
            messages.success(request, _("The answer is no longer quoted."))
    except services.SurveyError as error:
        messages.error(request, str(error))
    return redirect("evaluation:written_answers")
