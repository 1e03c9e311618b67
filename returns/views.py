"""Pages of data returns: a lead's list and form, the coordinator's progress and exports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.csvexport import csv_response
from members.decorators import member_required

from . import permissions, services
from .models import Field, FieldKind, FieldQuery, OrganisationReturn, ReturnStatus, ReturnTemplate

EXTRA_ROWS = 1  # blank rows offered at the end of a repeating group


def _return_for(request: HttpRequest, pk: int) -> OrganisationReturn:
    organisation_return = get_object_or_404(
        OrganisationReturn.objects.select_related("template", "organisation"), pk=pk
    )
    if not permissions.can_view_return(request.user, organisation_return):
        raise Http404  # another organisation's return looks like no return at all
    return organisation_return


@member_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    own = OrganisationReturn.objects.filter(organisation__leads=user).select_related(
        "template", "organisation"
    )
    templates = []
    can_manage = permissions.can_manage_returns(user)
    if can_manage:
        counts = services.status_counts(ReturnTemplate.objects.all())
        templates = [
            (
                template,
                [
                    (label, counts[template.pk][status])
                    for status, label in ReturnStatus.choices
                    if counts[template.pk][status]
                ],
            )
            for template in ReturnTemplate.objects.order_by("-created_at")
        ]
    if not own and not can_manage:
        raise Http404
    return render(
        request,
        "returns/index.html",
        {"own": own, "templates": templates, "can_manage": can_manage},
    )


def _typed_from(request: HttpRequest, lay: services.Layout) -> dict:
    """What the form posted, as {(code, row): value}; rows only for group columns."""
    typed = {}
    for code, field in lay.by_code.items():
        if field.kind == FieldKind.GROUP:
            continue
        if field.group_id is None:
            name = f"f-{code}"
            if f"use-{code}" in request.POST:  # "use this" suggested value
                typed[(code, 0)] = request.POST[f"use-{code}"]
            elif field.kind == FieldKind.MULTIPLE_CHOICE:
                if f"{name}-present" in request.POST:
                    typed[(code, 0)] = request.POST.getlist(name)
            elif name in request.POST:
                typed[(code, 0)] = request.POST[name]
            continue
        prefix = f"f-{code}-"
        for key in request.POST:
            if key.startswith(prefix):
                row = key[len(prefix) :]
                if not row.isdigit() or len(row) > 4:
                    typed[(code, 10_000)] = request.POST[key]  # refused as too many rows
                else:
                    typed[(code, int(row))] = request.POST[key]
    return typed


def _rows(field: Field, lay, values) -> list[int]:
    columns = lay.columns.get(field.pk, [])
    existing = services._rows_of(field, values, columns)
    next_row = (max(existing) + 1) if existing else 0
    extra = [next_row] if next_row < field.max_rows else []
    return existing + extra


@member_required
def return_form(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_return = _return_for(request, pk)
    can_edit = permissions.can_edit_return(request.user, organisation_return) and (
        organisation_return.is_editable
    )
    lay = services.layout(organisation_return.template)
    errors: dict = {}
    explanations: dict[str, str] = {}
    if request.method == "POST":
        if not permissions.can_edit_return(request.user, organisation_return):
            raise Http404
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = -1
        typed = _typed_from(request, lay)
        explanations = {
            key[len("why-") :]: value
            for key, value in request.POST.items()
            if key.startswith("why-")
        }
        try:
            submitting = "submit" in request.POST
            services.save_answers(
                organisation_return,
                request.user,
                typed,
                revision=revision,
                then_submit=submitting,
                explanations=explanations,
            )
            if submitting:
                messages.success(request, _("Your return has been sent to the network. Thank you."))
            else:
                messages.success(request, _("Your answers are saved."))
            return redirect("returns:return", pk=organisation_return.pk)
        except services.ReturnError as problem:
            errors = problem.errors
            if submitting and not isinstance(problem, services.StaleReturn):
                # Not sent: keep the answers as a draft if they are fine on their own.
                try:
                    services.save_answers(
                        organisation_return, request.user, typed, revision=revision
                    )
                    messages.warning(
                        request, _("Your answers are saved, but the return has not been sent yet.")
                    )
                except services.ReturnError as draft_problem:
                    errors = draft_problem.errors
            organisation_return.refresh_from_db()
    values = stored_values = services.stored_values(organisation_return)
    if request.method == "POST" and errors:
        # Show what was typed, so nothing has to be typed twice.
        values = {**values, **_typed_from(request, lay)}
    changes = {
        change.field.code: change
        for change in services.big_changes(organisation_return, stored_values, lay)
    }
    suggested = services.suggestions(organisation_return, lay)
    sections = []
    for section, fields in lay.sections:
        items = []
        for field in fields:
            shown = services.is_shown(field, values)
            item = {
                "field": field,
                "shown": shown,
                "value": values.get((field.code, 0)),
                "error": errors.get((field.code, 0)),
                "suggested": suggested.get(field.code),
                "change": changes.get(field.code),
                "explanation": explanations.get(field.code, ""),
            }
            if field.kind == FieldKind.GROUP:
                columns = lay.columns.get(field.pk, [])
                item["columns"] = columns
                item["rows"] = [
                    {
                        "number": row,
                        "cells": [
                            {
                                "field": column,
                                "value": values.get((column.code, row)),
                                "error": errors.get((column.code, row)),
                            }
                            for column in columns
                        ],
                    }
                    for row in _rows(field, lay, values)
                ]
            items.append(item)
        sections.append({"section": section, "items": items})
    done, total = services.progress(organisation_return, stored_values, lay)
    return render(
        request,
        "returns/form.html",
        {
            "organisation_return": organisation_return,
            "sections": sections,
            "errors": errors,
            "general_errors": [
                message for key, message in errors.items() if not isinstance(key, tuple)
            ],
            "field_errors": [
                (key[0], message) for key, message in errors.items() if isinstance(key, tuple)
            ],
            "can_edit": can_edit,
            "can_manage": permissions.can_manage_returns(request.user),
            "done": done,
            "total": total,
            "queries": organisation_return.queries.select_related("field"),
        },
        status=400 if errors else 200,
    )


@member_required
@require_POST
def reply(request: HttpRequest, pk: int, query_pk: int) -> HttpResponse:
    organisation_return = _return_for(request, pk)
    query = get_object_or_404(FieldQuery, pk=query_pk, organisation_return=organisation_return)
    try:
        services.reply_to_query(query, request.user, request.POST.get("reply", ""))
        messages.success(request, _("Your reply has been sent to the coordinator."))
    except services.ReturnError as problem:
        messages.error(request, " ".join(problem.errors.values()))
    except services.PermissionDenied:
        raise Http404 from None
    return redirect("returns:return", pk=pk)


@member_required
@require_POST
def coordinate(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator's action on one return: query a field, accept or reopen."""
    organisation_return = _return_for(request, pk)
    if not permissions.can_manage_returns(request.user):
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "query":
            field = get_object_or_404(
                Field,
                section__template=organisation_return.template,
                code=request.POST.get("field", ""),
            )
            services.raise_query(
                organisation_return, request.user, field, request.POST.get("question", "")
            )
            messages.success(request, _("Your query has been sent to the organisation."))
        elif action == "accept":
            services.accept(organisation_return, request.user)
            messages.success(request, _("The return is accepted."))
        elif action == "reopen":
            services.reopen(organisation_return, request.user, request.POST.get("reason", ""))
            messages.success(request, _("The return is open for changes again."))
        else:
            raise Http404
    except services.ReturnError as problem:
        messages.error(request, " ".join(problem.errors.values()))
    return redirect("returns:return", pk=pk)


def _template_for(request: HttpRequest, pk: int) -> ReturnTemplate:
    if not permissions.can_manage_returns(request.user):
        raise Http404
    return get_object_or_404(ReturnTemplate, pk=pk)


@member_required
def template_progress(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_for(request, pk)
    returns = template.returns.select_related("organisation").order_by("organisation__name")
    return render(
        request,
        "returns/progress.html",
        {
            "template": template,
            "returns": returns,
            "overview": services.progress_overview(template),
            "overdue": set(services.overdue(template).values_list("pk", flat=True)),
        },
    )


@member_required
def answers_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per organisation, one column per field code (rows of a group numbered)."""
    template = _template_for(request, pk)
    lay = services.layout(template)
    returns = list(template.returns.select_related("organisation").order_by("organisation__name"))
    values_by_return = {r.pk: services.stored_values(r) for r in returns}
    columns: list[tuple[str, int]] = []
    for _section, fields in lay.sections:
        for field in fields:
            if field.kind != FieldKind.GROUP:
                columns.append((field.code, 0))
                continue
            most = max(
                (
                    len(services._rows_of(field, values, lay.columns.get(field.pk, [])))
                    for values in values_by_return.values()
                ),
                default=0,
            )
            for row in range(most):
                for column in lay.columns.get(field.pk, []):
                    columns.append((column.code, row))
    header = [
        "organisation",
        "status",
        *[code if not lay.by_code[code].group_id else f"{code}_{row + 1}" for code, row in columns],
    ]
    rows = []
    for organisation_return in returns:
        values = values_by_return[organisation_return.pk]
        rows.append(
            [organisation_return.organisation.name, organisation_return.status]
            + [_export(values.get(cell)) for cell in columns]
        )
    return csv_response(f"{template.slug}-v{template.version}.csv", header, rows)


def _export(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(value)
    return "" if value is None else value


@member_required
def dictionary_csv(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_for(request, pk)
    lay = services.layout(template)
    rows = [
        [
            field.code,
            field.label,
            field.definition,
            field.get_kind_display(),
            field.unit,
            "yes" if field.required else "no",
            "" if field.min_value is None else field.min_value.normalize(),
            "" if field.max_value is None else field.max_value.normalize(),
            "; ".join(field.choices),
            lay.by_code[code].group.code if field.group_id else "",
        ]
        for code, field in sorted(
            lay.by_code.items(), key=lambda item: (item[1].section.position, item[1].position)
        )
    ]
    return csv_response(
        f"{template.slug}-v{template.version}-dictionary.csv",
        [
            "code",
            "label",
            "definition",
            "kind",
            "unit",
            "required",
            "min",
            "max",
            "choices",
            "group",
        ],
        rows,
    )


@member_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_view_summary(request.user):
        raise Http404
    template = get_object_or_404(ReturnTemplate, pk=pk)
    full = permissions.can_manage_returns(request.user)
    figures = services.network_summary(template, full=full)
    return render(
        request,
        "returns/summary.html",
        {
            "template": template,
            "figures": figures,
            "min_organisations": services.MIN_ORGANISATIONS,
            "full": full,
        },
    )
