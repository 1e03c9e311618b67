"""Guideline pages' contexts and the views under them (their URLs are in `urls.py`).

The views under a page take the page, found from the URL by `guideline_route` or
`index_route` as Wagtail would serve it (live, in this site, behind its view
restrictions). Every view that shows figures about organisations or members answers
404 to those who may not see it, the same as for a page that does not exist.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.models import Page, Site

from core.charts import Marker, Series, line_chart
from core.csvexport import csv_response
from core.dashboard import DISCUSSION_PANELS, object_panels
from members import permissions as member_permissions
from members.decorators import member_required
from members.models import Organisation
from members.panels import led_organisations

from . import permissions, queries, services
from . import uptake as figures
from .forms import AcknowledgeForm, AdoptionForm, GuidelineFilterForm
from .models import (
    AUDIENCES,
    CARE_SETTINGS,
    RECENTLY_UPDATED_DAYS,
    Acknowledgement,
    Adoption,
    AdoptionStatus,
    EndorsedVersion,
    GuidelineIndexPage,
    GuidelinePage,
)

SETTING_FIELDS = {code: field for code, field, _label in CARE_SETTINGS}
AUDIENCE_FIELDS = {group: field for group, field, _label in AUDIENCES}

# Finding the page a view belongs to


def _serve_as_page(request: HttpRequest, page: Page, view: Callable, **kwargs) -> HttpResponse:
    """`view(request, page, **kwargs)` behind Wagtail's page-serving hooks, in the order its
    `serve` view runs them: the page's allowed methods and OPTIONS answer, then its view
    restrictions (a password form, or a login redirect), exactly as for the page itself."""
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, (), kwargs)
        if isinstance(result, HttpResponse):
            return result

    def serve(page: Page, request: HttpRequest, args: tuple, kwargs: dict) -> HttpResponse:
        return view(request, page, **kwargs)

    for hook in reversed(hooks.get_hooks("on_serve_page")):
        serve = hook(serve)
    return serve(page, request, (), kwargs)


def guideline_route(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view of the guideline whose slug is in the URL: 404 unless it is live in this
    site; the other URL arguments are passed on."""

    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
        site = Site.find_for_request(request)
        page = queries.live_guideline(site, slug) if site is not None else None
        if page is None:
            raise Http404
        return _serve_as_page(request, page, view, **kwargs)

    return wrapped


def index_route(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view of the list of guidelines: 404 unless it is live in this site."""

    @wraps(view)
    def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
        site = Site.find_for_request(request)
        index = queries.guideline_index(site) if site is not None else None
        if index is None:
            raise Http404
        return _serve_as_page(request, index, view, **kwargs)

    return wrapped


# The pages themselves


def _is_recent(moment: datetime.datetime | None, today: datetime.date) -> bool:
    return bool(moment) and (today - timezone.localdate(moment)).days <= RECENTLY_UPDATED_DAYS


def index_context(request: HttpRequest, index: GuidelineIndexPage) -> dict:
    form = GuidelineFilterForm(request.GET or None)
    guidelines = queries.with_acknowledged(queries.live_guidelines(index), request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["category"]:
            guidelines = guidelines.filter(category=data["category"])
        if data["setting"]:
            guidelines = guidelines.filter(**{SETTING_FIELDS[data["setting"]]: True})
        if data["audience"]:
            guidelines = guidelines.filter(**{AUDIENCE_FIELDS[data["audience"]]: True})
    today = timezone.localdate()
    staff_group = getattr(request.user, "staff_group", "")
    rows = [
        {
            "page": page,
            "overdue": page.is_review_overdue(today),
            "recent": _is_recent(page.current_endorsed_at, today),
            "for_you": bool(staff_group) and page.is_for_staff_group(staff_group),
        }
        for page in guidelines.order_by("title")
    ]
    user = request.user
    return {
        "filter_form": form,
        "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
        "rows": rows,
        "can_view_uptake": permissions.can_view_uptake(user),
        "can_view_review_report": permissions.can_view_review_report(user),
        "led_organisations": (
            led_organisations(request) if member_permissions.is_approved_member(user) else []
        ),
    }


def guideline_context(request: HttpRequest, page: GuidelinePage) -> dict:
    user = request.user
    is_member = member_permissions.is_approved_member(user)
    versions_queryset = page.endorsed_versions.prefetch_related("approvals").order_by("-number")
    if is_member:
        # Whether the member has acknowledged each version, in the same query.
        versions_queryset = versions_queryset.annotate(
            acknowledged_by_member=Exists(
                Acknowledgement.objects.filter(user=user, guideline=page, version=OuterRef("pk"))
            )
        )
    versions = list(versions_queryset)
    current = versions[0] if versions else None
    context = {
        "is_preview": getattr(request, "is_preview", False),
        "versions": versions,
        "current_version": current,
        "first_version": versions[-1] if versions else None,
        "overdue": page.is_review_overdue(),
        "related": [
            block.value.specific
            for block in page.related_guidelines
            if block.value is not None and block.value.live and block.value.pk != page.pk
        ],
        "can_view_uptake": permissions.can_view_uptake(user),
        "is_member": is_member,
        "attachments": _attachments(page, current),
    }
    is_preview = context["is_preview"]
    context["discussion_panels"] = (
        [] if is_preview else object_panels(DISCUSSION_PANELS, request, page)
    )
    if is_member and current is not None:
        acknowledged = {version.number for version in versions if version.acknowledged_by_member}
        context["acknowledged_current"] = current.number in acknowledged
        context["acknowledged_earlier"] = max(acknowledged, default=None)
        led = led_organisations(request)
        adoptions = (
            {
                adoption.organisation_id: adoption
                for adoption in Adoption.objects.filter(guideline=page, organisation__in=led)
            }
            if led
            else {}
        )
        context["lead_adoptions"] = [
            (organisation, adoptions.get(organisation.pk)) for organisation in led
        ]
    return context


def _attachments(page: GuidelinePage, current: EndorsedVersion | None) -> list[dict]:
    """The page's documents, each marked if its file differs from the one endorsed."""
    endorsed = {item["id"]: item["file_hash"] for item in (current.attachments if current else [])}
    attachments = []
    for block in page.attachments:
        document = block.value.get("document")
        if document is None:
            continue
        attachments.append(
            {
                "document": document,
                "description": block.value.get("description", ""),
                "changed": current is not None and endorsed.get(document.pk) != document.file_hash,
            }
        )
    return attachments


@member_required
@require_POST
def acknowledge(request: HttpRequest, page: GuidelinePage) -> HttpResponse:
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the version you have read."))
        return redirect(page.url)
    try:
        services.acknowledge(request.user, page, form.cleaned_data["version"])
    except services.GuidelineError as error:
        messages.error(request, str(error))
        return redirect(page.url)
    messages.success(
        request,
        _("Thank you. You have acknowledged version %(number)s.")
        % {"number": form.cleaned_data["version"]},
    )
    return redirect(page.url)


def _led_organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not permissions.can_record_adoption(request.user, organisation):
        raise Http404
    return organisation


@member_required
def record_adoption(
    request: HttpRequest, page: GuidelinePage, organisation_slug: str
) -> HttpResponse:
    organisation = _led_organisation(request, organisation_slug)
    adoption = Adoption.objects.filter(guideline=page, organisation=organisation).first()
    initial = (
        {"status": adoption.status, "reason": adoption.reason}
        if adoption
        else {"status": AdoptionStatus.NOT_REVIEWED}
    )
    form = AdoptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_adoption(
                request.user,
                page,
                organisation,
                form.cleaned_data["status"],
                form.cleaned_data["reason"],
            )
        except services.GuidelineError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Recorded %(organisation)s's position on this guideline.")
                % {"organisation": organisation.name},
            )
            return redirect(page.url)
    history = adoption.changes.select_related("changed_by", "version") if adoption else []
    return render(
        request,
        "guidelines/adoption_form.html",
        {
            "page": page,
            "organisation": organisation,
            "form": form,
            "adoption": adoption,
            "history": history,
        },
    )


def _require_uptake_viewer(request: HttpRequest) -> None:
    if not permissions.can_view_uptake(request.user):
        raise Http404


def _timeline_chart(page: GuidelinePage, rows, versions):
    if not rows:
        return None
    return line_chart(
        [
            Series(
                _("Members who have read the current version"),
                [(row.date, row.acknowledged) for row in rows],
                "primary",
            ),
            Series(
                _("Organisations that have adopted it"),
                [(row.date, row.adopted) for row in rows],
                "secondary",
            ),
        ],
        chart_id="uptake-timeline",
        title=_("Uptake of %(title)s since endorsement") % {"title": page.title},
        description=_(
            "Acknowledgements of the version in force, which start again from nought with "
            "each new version, and organisations that have adopted the guideline, from %(start)s "
            "to %(end)s."
        )
        % {"start": rows[0].date.strftime("%-d %B %Y"), "end": rows[-1].date.strftime("%-d %B %Y")},
        markers=[
            Marker(
                timezone.localdate(version.endorsed_at),
                _("Version %(number)s") % {"number": version.number},
            )
            for version in versions
        ],
        step=True,
        y_label=_("Number"),
        # Narrower than the default so the labels stay legible when a phone scales it down.
        width=480,
    )


@member_required
def uptake(request: HttpRequest, page: GuidelinePage) -> HttpResponse:
    _require_uptake_viewer(request)
    rows, versions = figures.timeline(page)
    current = versions[-1] if versions else None  # the versions are oldest first
    organisations = figures.organisation_rows(page, current)
    today = timezone.localdate()
    return render(
        request,
        "guidelines/uptake.html",
        {
            "page": page,
            "current_version": current,
            "first_version": versions[0] if versions else None,
            "days_since_first": (
                (today - timezone.localdate(versions[0].endorsed_at)).days if versions else None
            ),
            "days_since_current": (
                (today - timezone.localdate(current.endorsed_at)).days if current else None
            ),
            "adoption": figures.adoption_summary_of(organisations),
            "staff_groups": figures.acknowledgements_by_staff_group(page, current),
            "organisations": organisations,
            "timeline": rows,
            "chart": _timeline_chart(page, rows, versions),
        },
    )


UPTAKE_TABLES = ("organisations", "staff-groups", "adoption", "timeline")


@member_required
def uptake_csv(request: HttpRequest, page: GuidelinePage, table: str) -> HttpResponse:
    _require_uptake_viewer(request)
    if table not in UPTAKE_TABLES:
        raise Http404
    current = page.endorsed_versions.order_by("-number").first()
    filename = f"{page.slug}-{table}.csv"
    if table == "organisations":
        return csv_response(
            filename,
            [
                _("Organisation"),
                _("Network role"),
                _("NHS"),
                _("Members"),
                _("Acknowledged current version"),
                _("Per cent"),
                _("Adoption status"),
                _("Reason or local changes"),
                _("Status updated"),
            ],
            [
                (
                    row.organisation.name,
                    row.organisation.get_network_role_display(),
                    row.organisation.is_nhs,
                    row.acknowledged.total,
                    row.acknowledged.count,
                    row.acknowledged.percent,
                    row.status_label,
                    row.reason,
                    row.updated_at,
                )
                for row in figures.organisation_rows(page, current)
            ],
        )
    if table == "staff-groups":
        return csv_response(
            filename,
            [_("Staff group"), _("In audience"), _("Members"), _("Acknowledged"), _("Per cent")],
            [
                (
                    row.label,
                    row.in_audience,
                    row.acknowledged.total,
                    row.acknowledged.count,
                    row.acknowledged.percent,
                )
                for row in figures.acknowledgements_by_staff_group(page, current)
            ],
        )
    if table == "adoption":
        summary = figures.adoption_summary(page)
        rows = [(_("All organisations"), *_share_cells(summary.overall))]
        rows += [(split.label, *_share_cells(split.adopted)) for split in summary.by_role]
        rows += [(split.label, *_share_cells(split.adopted)) for split in summary.by_sector]
        return csv_response(
            filename, [_("Organisations"), _("Total"), _("Adopted"), _("Per cent")], rows
        )
    rows, _versions = figures.timeline(page)
    return csv_response(
        filename,
        [
            _("Date"),
            _("Version in force"),
            _("Members who had read it"),
            _("Organisations adopted"),
            _("Events"),
        ],
        [
            (row.date, row.version, row.acknowledged, row.adopted, "; ".join(row.events))
            for row in rows
        ],
    )


def _share_cells(share: figures.Share) -> tuple:
    return share.total, share.count, share.percent


@member_required
def uptake_overview(request: HttpRequest, index: GuidelineIndexPage) -> HttpResponse:
    _require_uptake_viewer(request)
    return render(
        request,
        "guidelines/uptake_overview.html",
        {"page": index, "rows": figures.overview(queries.live_guidelines(index))},
    )


@member_required
def uptake_overview_csv(request: HttpRequest, index: GuidelineIndexPage) -> HttpResponse:
    _require_uptake_viewer(request)
    return csv_response(
        "guideline-uptake.csv",
        [
            _("Guideline"),
            _("Version"),
            _("Endorsed"),
            _("Days since endorsement"),
            _("Review due"),
            _("Review overdue"),
            _("Organisations"),
            _("Organisations adopted"),
            _("Per cent adopted"),
            _("Audience members"),
            _("Acknowledged current version"),
            _("Per cent acknowledged"),
        ],
        [
            (
                row.guideline.title,
                row.version,
                row.endorsed_at,
                row.days_since_endorsement,
                row.guideline.review_due,
                row.overdue,
                row.adopted.total,
                row.adopted.count,
                row.adopted.percent,
                row.acknowledged.total,
                row.acknowledged.count,
                row.acknowledged.percent,
            )
            for row in figures.overview(queries.live_guidelines(index))
        ],
    )


def _require_review_viewer(request: HttpRequest) -> None:
    if not permissions.can_view_review_report(request.user):
        raise Http404


def _review_rows():
    today = timezone.localdate()
    return [
        {
            "page": page,
            "overdue": page.is_review_overdue(today),
            "days": (page.review_due - today).days,
            "days_overdue": (today - page.review_due).days,
        }
        for page in queries.guidelines_due_for_review(today)
    ]


@member_required
def review_due(request: HttpRequest, index: GuidelineIndexPage) -> HttpResponse:
    _require_review_viewer(request)
    rows = _review_rows()
    return render(
        request,
        "guidelines/review_due.html",
        {
            "page": index,
            "overdue": [row for row in rows if row["overdue"]],
            "due_soon": [row for row in rows if not row["overdue"]],
        },
    )


@member_required
def review_due_csv(request: HttpRequest, index: GuidelineIndexPage) -> HttpResponse:
    _require_review_viewer(request)
    return csv_response(
        "guidelines-due-for-review.csv",
        [_("Guideline"), _("Owner"), _("Owner e-mail"), _("Review due"), _("Days"), _("Overdue")],
        [
            (
                row["page"].title,
                row["page"].guideline_owner.get_full_name() if row["page"].guideline_owner else "",
                row["page"].guideline_owner.email if row["page"].guideline_owner else "",
                row["page"].review_due,
                row["days"],
                row["overdue"],
            )
            for row in _review_rows()
        ],
    )


@member_required
def organisation_adoption(
    request: HttpRequest, index: GuidelineIndexPage, organisation_slug: str
) -> HttpResponse:
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None or not permissions.can_view_organisation_adoption(
        request.user, organisation
    ):
        raise Http404
    adoptions = {
        adoption.guideline_id: adoption
        for adoption in Adoption.objects.filter(organisation=organisation)
    }
    guidelines = list(queries.live_guidelines(index).order_by("title"))
    return render(
        request,
        "guidelines/organisation_adoption.html",
        {
            "page": index,
            "organisation": organisation,
            "can_record": permissions.can_record_adoption(request.user, organisation),
            "rows": [(guideline, adoptions.get(guideline.pk)) for guideline in guidelines],
        },
    )
