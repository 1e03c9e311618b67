"""Coordinators' pages for a return's definition: make one, edit its sections and
questions while it is a draft, send it to organisations, make a new version, close it."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members.decorators import member_required

from . import permissions, services
from .forms import FieldForm, SectionForm, SendForm, TemplateForm
from .models import Field, FrozenTemplate, ReturnTemplate, Section, TemplateStatus


def _managed(request: HttpRequest, pk: int | None = None) -> ReturnTemplate | None:
    if not permissions.can_manage_returns(request.user):
        raise Http404  # to everyone else these pages do not exist
    return get_object_or_404(ReturnTemplate, pk=pk) if pk is not None else None


def _frozen(request: HttpRequest, template: ReturnTemplate) -> HttpResponse:
    messages.info(
        request,
        _(
            "“%(template)s” has been sent to organisations, so its questions cannot change. "
            "Make a new version to change them."
        )
        % {"template": template},
    )
    return redirect("returns:progress", pk=template.pk)


def _save(request: HttpRequest, part, template: ReturnTemplate) -> bool:
    try:
        services.save_definition(part, by=request.user)
    except FrozenTemplate:
        _frozen(request, template)
        return False
    except IntegrityError:
        messages.error(request, _("Someone else changed this return at the same time; try again."))
        return False
    return True


@member_required
def template_new(request: HttpRequest) -> HttpResponse:
    _managed(request)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = form.save(commit=False)
        if _save(request, template, template):
            messages.success(request, _("The return is made. Now add its sections and questions."))
            return redirect("returns:template_edit", pk=template.pk)
    return render(request, "returns/template_form.html", {"form": form})


@member_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _managed(request, pk)
    if template.is_frozen:
        return _frozen(request, template)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        if _save(request, form.save(commit=False), template):
            messages.success(request, _("Saved."))
            return redirect("returns:template_edit", pk=pk)
    lay = services.layout(template)
    sections = [
        (section, [(field, lay.columns.get(field.pk, [])) for field in fields])
        for section, fields in lay.sections
    ]
    return render(
        request,
        "returns/template_edit.html",
        {"template": template, "form": form, "sections": sections, "section_form": SectionForm()},
    )


@member_required
def section_edit(request: HttpRequest, pk: int, section_pk: int | None = None) -> HttpResponse:
    template = _managed(request, pk)
    if template.is_frozen:
        return _frozen(request, template)
    section = (
        get_object_or_404(Section, pk=section_pk, template=template)
        if section_pk is not None
        else Section(template=template, position=template.sections.count() + 1)
    )
    if request.method == "POST" and "remove" in request.POST and section.pk is not None:
        return _remove(request, section, template)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        if _save(request, form.save(commit=False), template):
            messages.success(request, _("The section is saved."))
            return redirect("returns:template_edit", pk=pk)
    return render(
        request,
        "returns/section_form.html",
        {"template": template, "form": form, "section": section},
    )


@member_required
def field_edit(request: HttpRequest, pk: int, field_pk: int | None = None) -> HttpResponse:
    template = _managed(request, pk)
    if template.is_frozen:
        return _frozen(request, template)
    if field_pk is not None:
        field = get_object_or_404(Field, pk=field_pk, section__template=template)
    else:
        field = Field()
    if request.method == "POST" and "remove" in request.POST and field.pk is not None:
        return _remove(request, field, template)
    initial = {}
    if field.pk is None:
        section = template.sections.filter(pk=_int(request.GET.get("section"))).first()
        initial = {"section": section, "position": _next_position(section)}
    form = FieldForm(request.POST or None, instance=field, initial=initial, template=template)
    if request.method == "POST" and form.is_valid():
        if _save(request, form.save(commit=False), template):
            messages.success(request, _("The question is saved."))
            return redirect("returns:template_edit", pk=pk)
    return render(
        request, "returns/field_form.html", {"template": template, "form": form, "field": field}
    )


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


def _next_position(section: Section | None) -> int:
    return (section.fields.count() + 1) if section is not None else 1


def _remove(request: HttpRequest, part: Section | Field, template: ReturnTemplate) -> HttpResponse:
    try:
        services.remove_definition(part, by=request.user)
    except FrozenTemplate:
        return _frozen(request, template)
    except services.ReturnError as problem:
        messages.error(request, " ".join(problem.errors.values()))
        return redirect("returns:template_edit", pk=template.pk)
    messages.success(request, _("Removed."))
    return redirect("returns:template_edit", pk=template.pk)


@member_required
def send(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose organisations by kind, role or name; check the list; then send."""
    template = _managed(request, pk)
    if template.status == TemplateStatus.CLOSED:
        raise Http404
    form = SendForm(request.POST or None)
    chosen = None
    if request.method == "POST" and form.is_valid():
        already = set(template.returns.values_list("organisation_id", flat=True))
        chosen = [
            organisation
            for organisation in services.organisations_to_ask(
                kinds=form.cleaned_data["kinds"],
                roles=form.cleaned_data["roles"],
                named=[organisation.pk for organisation in form.cleaned_data["named"]],
            ).prefetch_related("leads")
            if organisation.pk not in already
        ]
        if not chosen:
            form.add_error(None, _("Every organisation chosen has been sent this return already."))
        elif request.POST.get("confirm") == "send" and request.POST.get("checked") != _keys(chosen):
            messages.info(request, _("The choice has changed: check the list, then send."))
        elif request.POST.get("confirm") == "send":
            try:
                made = services.open_template(
                    template, chosen, form.cleaned_data["due_date"], by=request.user
                )
            except services.ReturnError as problem:
                messages.error(request, " ".join(problem.errors.values()))
                return redirect("returns:template_edit", pk=pk)
            messages.success(
                request,
                ngettext(
                    "The return is sent to %(n)s organisation, and its leads are e-mailed.",
                    "The return is sent to %(n)s organisations, and their leads are e-mailed.",
                    len(made),
                )
                % {"n": len(made)},
            )
            return redirect("returns:progress", pk=pk)
    return render(
        request,
        "returns/send.html",
        {
            "template": template,
            "form": form,
            "chosen": chosen if not form.errors else None,
            "checked": _keys(chosen or []),
        },
    )


def _keys(organisations) -> str:
    return ",".join(str(organisation.pk) for organisation in organisations)


@member_required
@require_POST
def make_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    template = _managed(request, pk)
    copy = services.new_version(template)
    messages.success(
        request,
        _("Version %(v)s is a draft copy of every section and question; change it, then send it.")
        % {"v": copy.version},
    )
    return redirect("returns:template_edit", pk=copy.pk)


@member_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    template = _managed(request, pk)
    try:
        services.close_template(template, by=request.user)
        messages.success(request, _("The return is closed: no more reminders are sent."))
    except services.ReturnError as problem:
        messages.error(request, " ".join(problem.errors.values()))
    return redirect("returns:progress", pk=pk)
