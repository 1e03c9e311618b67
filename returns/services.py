"""Every change to a data return, as a verb: open a template, save answers, submit,
reopen, query, reply, accept. All-or-nothing; each answer change is audited."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Organisation, User

from . import permissions
from .models import (
    NUMERIC_KINDS,
    Answer,
    AuditEntry,
    Field,
    FieldKind,
    FieldQuery,
    FrozenTemplate,
    OrganisationReturn,
    Prefill,
    ReturnStatus,
    ReturnTemplate,
    Section,
    TemplateStatus,
)

MAX_TEXT = 200
Cell = tuple[str, int]  # (field code, row); row 0 outside repeating groups


class ReturnError(Exception):
    """Answers that cannot be saved; `errors` maps (code, row) → message. Nothing was saved."""

    def __init__(self, errors: Mapping[Cell, str] | Mapping[str, str] | Mapping[Cell | str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


class StaleReturn(ReturnError):
    """Someone else saved the return since this form was opened."""


# --- Templates ------------------------------------------------------------------------------


def _coordinator(user: User) -> None:
    if not permissions.can_manage_returns(user):
        raise PermissionDenied


def ensure_editable(template: ReturnTemplate) -> None:
    if template.is_frozen:
        raise FrozenTemplate(
            _(
                "“%(template)s” has been sent to organisations, so it cannot change. Make a new "
                "version instead."
            )
            % {"template": template}
        )


@transaction.atomic
def new_version(template: ReturnTemplate) -> ReturnTemplate:
    """A draft copy of `template` as its next version, with every section and field."""
    latest = max(
        ReturnTemplate.objects.filter(slug=template.slug).values_list("version", flat=True)
    )
    copy = ReturnTemplate.objects.create(
        name=template.name,
        slug=template.slug,
        version=latest + 1,
        introduction=template.introduction,
        previous=template.previous,
    )
    for section in template.sections.all():
        fields = list(section.fields.order_by("group_id", "position", "pk"))
        new_section = Section.objects.create(
            template=copy, title=section.title, position=section.position
        )
        copied: dict[int, Field] = {}
        for field in sorted(fields, key=lambda f: f.group_id is not None):
            old_pk, old_group = field.pk, field.group_id
            field.pk = None
            field.section = new_section
            field.group = copied[old_group] if old_group is not None else None
            field.save()
            copied[old_pk] = field
    return copy


@transaction.atomic
def save_definition(part: ReturnTemplate | Section | Field, *, by: User):
    """Save a template, section or field a coordinator has edited, while the template is a
    draft. The template row is locked so it cannot be opened half-way through the change."""
    _coordinator(by)
    template = part if isinstance(part, ReturnTemplate) else _template_of(part)
    if template.pk is not None:
        locked = ReturnTemplate.objects.select_for_update().get(pk=template.pk)
        ensure_editable(locked)
    if isinstance(part, Field) and part.group_id:
        part.section = Field.objects.get(pk=part.group_id).section  # columns sit with the group
    part.save()
    return part


@transaction.atomic
def remove_definition(part: Section | Field, *, by: User) -> None:
    """Remove a section or field from a draft template; conditions that name a field keep it."""
    _coordinator(by)
    template = _template_of(part)
    ensure_editable(ReturnTemplate.objects.select_for_update().get(pk=template.pk))
    fields = [part] if isinstance(part, Field) else list(part.fields.all())
    codes = {field.code for field in fields}
    codes |= set(Field.objects.filter(group__in=fields).values_list("code", flat=True))
    leaning = (
        Field.objects.filter(section__template=template, shown_if_code__in=codes)
        .exclude(code__in=codes)
        .values_list("label", flat=True)
    )
    if leaning:
        raise ReturnError(
            {
                "definition": _(
                    "These questions are shown only depending on it, so change their condition "
                    "first: %(labels)s."
                )
                % {"labels": "; ".join(leaning)}
            }
        )
    part.delete()


def _template_of(part: Section | Field) -> ReturnTemplate:
    section = part if isinstance(part, Section) else part.section
    return section.template


@transaction.atomic
def close_template(template: ReturnTemplate, *, by: User) -> ReturnTemplate:
    """No more returns are sent or reminded; submitted answers stay, and can still be
    queried, accepted and exported."""
    _coordinator(by)
    template = ReturnTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != TemplateStatus.OPEN:
        raise ReturnError({"template": _("Only a return that has been sent can be closed.")})
    template.status = TemplateStatus.CLOSED
    template.save(update_fields=["status"])
    return template


def organisations_to_ask(
    *, kinds: Iterable[str] = (), roles: Iterable[str] = (), named: Iterable[int] = ()
):
    """Every organisation of any of these kinds, any of these hub/spoke roles, or named."""
    kinds, roles, named = list(kinds), list(roles), list(named)
    if not (kinds or roles or named):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(kind__in=kinds) | Q(network_role__in=roles) | Q(pk__in=named)
    ).order_by("name")


@transaction.atomic
def open_template(
    template: ReturnTemplate,
    organisations: Iterable[Organisation],
    due_date: datetime.date,
    *,
    by: User,
) -> list[OrganisationReturn]:
    """Send the return to these organisations; the template is frozen from now on."""
    _coordinator(by)
    template = ReturnTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status == TemplateStatus.CLOSED:
        raise FrozenTemplate(_("This return is closed."))
    if not Field.objects.filter(section__template=template).exists():
        raise ReturnError({"template": _("A return needs at least one field before it is sent.")})
    if template.status == TemplateStatus.DRAFT:
        template.status = TemplateStatus.OPEN
        template.opened_at = timezone.now()
        template.save(update_fields=["status", "opened_at"])
    created = []
    for organisation in organisations:
        organisation_return, made = OrganisationReturn.objects.get_or_create(
            template=template, organisation=organisation, defaults={"due_date": due_date}
        )
        if made:
            created.append(organisation_return)
            _email_leads(organisation_return, "returns/email/opened")
    return created


def _email_leads(organisation_return: OrganisationReturn, template_prefix: str) -> int:
    """E-mail the organisation's leads about its own return (nobody else's)."""
    from django.conf import settings
    from django.urls import reverse

    from core.emails import send_templated_email_on_commit

    leads = organisation_return.organisation.leads.filter(
        is_active=True, approval_status="approved"
    )
    url = settings.WAGTAILADMIN_BASE_URL + reverse("returns:return", args=[organisation_return.pk])
    for lead in leads:
        send_templated_email_on_commit(
            [lead.email],
            template_prefix,
            {"lead": lead, "organisation_return": organisation_return, "url": url},
        )
    return len(leads)


REMIND_DAYS_BEFORE = 7


def send_reminders(today: datetime.date | None = None) -> int:
    """Remind the leads of returns due within a week and not yet submitted, once per return
    and due date. Safe to run as often as you like."""
    today = today or timezone.localdate()
    due = OrganisationReturn.objects.filter(
        template__status=TemplateStatus.OPEN,
        status__in=[ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.QUERIED],
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
    ).select_related("template", "organisation")
    sent = 0
    for organisation_return in due:
        with transaction.atomic():
            claimed = (
                OrganisationReturn.objects.filter(pk=organisation_return.pk)
                .exclude(reminded_for=organisation_return.due_date)
                .update(reminded_for=organisation_return.due_date)
            )
            if claimed:
                sent += _email_leads(organisation_return, "returns/email/reminder")
    return sent


# --- Reading a return ------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """A template's fields, read once: top-level fields by section, group columns by group."""

    sections: list[tuple[Section, list[Field]]]
    columns: dict[int, list[Field]]
    by_code: dict[str, Field]


def layout(template: ReturnTemplate) -> Layout:
    fields = list(Field.objects.filter(section__template=template).select_related("section"))
    columns: dict[int, list[Field]] = {}
    top: dict[int, list[Field]] = {}
    for field in sorted(fields, key=lambda f: (f.position, f.pk)):
        if field.group_id:
            columns.setdefault(field.group_id, []).append(field)
        else:
            top.setdefault(field.section_id, []).append(field)
    sections = [(section, top.get(section.pk, [])) for section in template.sections.all()]
    return Layout(sections, columns, {field.code: field for field in fields})


def stored_values(organisation_return: OrganisationReturn) -> dict[Cell, object]:
    return {
        (code, row): value
        for code, row, value in organisation_return.answers.values_list(
            "field__code", "row", "value"
        )
    }


def is_shown(field: Field, values: Mapping[Cell, object]) -> bool:
    """A field with a condition is asked only when the other field has that answer."""
    if not field.shown_if_code:
        return True
    answer = values.get((field.shown_if_code, 0))
    wanted = field.shown_if_value
    if isinstance(answer, bool):
        return answer == (wanted.lower() in {"yes", "true", "1"})
    if isinstance(answer, list):
        return wanted in answer
    return answer is not None and str(answer) == wanted


def _rows_of(group: Field, values: Mapping[Cell, object], columns: list[Field]) -> list[int]:
    codes = {column.code for column in columns}
    return sorted({row for (code, row) in values if code in codes})


def progress(organisation_return: OrganisationReturn, values=None, lay=None) -> tuple[int, int]:
    """(required fields answered, required fields asked)."""
    lay = lay or layout(organisation_return.template)
    values = stored_values(organisation_return) if values is None else values
    done = total = 0
    for _section, fields in lay.sections:
        for field in fields:
            if not field.required or not is_shown(field, values):
                continue
            total += 1
            if field.kind == FieldKind.GROUP:
                columns = lay.columns.get(field.pk, [])
                done += bool(_rows_of(field, values, columns))
            elif values.get((field.code, 0)) not in (None, "", []):
                done += 1
    return done, total


# --- Parsing what was typed ------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_value(field: Field, raw) -> object:
    """The stored (JSON) value of what was typed, or ValueError with a clear message.
    Empty means no answer (None)."""
    if field.kind == FieldKind.MULTIPLE_CHOICE:
        chosen = [str(item) for item in (raw if isinstance(raw, list | tuple) else [raw]) if item]
        unknown = [item for item in chosen if item not in field.choices]
        if unknown:
            raise ValueError(_("Choose from the options given."))
        return [item for item in field.choices if item in chosen] or None
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    if field.kind in NUMERIC_KINDS:
        cleaned = text.replace(",", "").rstrip("%").strip()
        if not _NUMBER.match(cleaned):
            raise ValueError(_("Enter a number, like 12 or 3.5."))
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(_("Enter a number, like 12 or 3.5.")) from None
        if field.kind == FieldKind.INTEGER and number != number.to_integral_value():
            raise ValueError(_("Enter a whole number."))
        low, high = field.min_value, field.max_value
        if field.kind == FieldKind.PERCENTAGE:
            low = max(low, Decimal(0)) if low is not None else Decimal(0)
            high = min(high, Decimal(100)) if high is not None else Decimal(100)
        if low is not None and number < low:
            raise ValueError(_("Enter %(low)s or more.") % {"low": _plain(low)})
        if high is not None and number > high:
            raise ValueError(_("Enter %(high)s or less.") % {"high": _plain(high)})
        return int(number) if field.kind == FieldKind.INTEGER else float(number)
    if field.kind == FieldKind.YES_NO:
        if text.lower() in {"yes", "true", "1"}:
            return True
        if text.lower() in {"no", "false", "0"}:
            return False
        raise ValueError(_("Choose yes or no."))
    if field.kind == FieldKind.SINGLE_CHOICE:
        if text not in field.choices:
            raise ValueError(_("Choose from the options given."))
        return text
    if field.kind == FieldKind.DATE:
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(_("Enter a real date, like 2027-03-31.")) from None
    if field.kind == FieldKind.SHORT_TEXT:
        if len(text) > MAX_TEXT:
            raise ValueError(_("Use %(n)s characters or fewer.") % {"n": MAX_TEXT})
        return text
    raise ValueError(_("This field takes no answer of its own."))


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


# --- Saving -----------------------------------------------------------------------------------


def _locked(organisation_return: OrganisationReturn, user: User, revision: int):
    if not permissions.can_edit_return(user, organisation_return):
        raise PermissionDenied
    locked = OrganisationReturn.objects.select_for_update().get(pk=organisation_return.pk)
    if not locked.is_editable:
        raise ReturnError({"return": _("This return has been submitted and cannot be changed.")})
    if locked.revision != revision:
        raise StaleReturn(
            {
                "return": _(
                    "Someone else from your organisation saved this return while you were "
                    "working on it. Your changes were not saved: reload the page to see theirs."
                )
            }
        )
    return locked


@transaction.atomic
def save_answers(
    organisation_return: OrganisationReturn,
    user: User,
    typed: Mapping[Cell, object],
    *,
    revision: int,
    then_submit: bool = False,
    explanations: Mapping[str, str] | None = None,
) -> OrganisationReturn:
    """Save a section's answers (a draft), and with `then_submit` send the return in the
    same transaction. Refuses every answer if any is wrong, or if the submission is."""
    locked = _locked(organisation_return, user, revision)
    lay = layout(locked.template)
    groups = {field.pk: field for field in lay.by_code.values() if field.kind == FieldKind.GROUP}
    rows_stored = list(locked.answers.values_list("pk", "field_id", "field__code", "row", "value"))
    stored = {(code, row): value for _pk, _field, code, row, value in rows_stored}
    errors: dict[Cell, str] = {}
    parsed: dict[Cell, object] = {}
    for (code, row), raw in typed.items():
        field = lay.by_code.get(code)
        if field is None or field.kind == FieldKind.GROUP:
            errors[(code, row)] = _("This return has no such question.")
            continue
        group = groups.get(field.group_id) if field.group_id else None
        if group is None and row != 0:
            errors[(code, row)] = _("This question has no rows.")
            continue
        if group is not None and not (0 <= row < group.max_rows):
            errors[(code, row)] = _("Use at most %(n)s rows.") % {"n": group.max_rows}
            continue
        try:
            parsed[(code, row)] = parse_value(field, raw)
        except ValueError as problem:
            errors[(code, row)] = str(problem)
    merged = {**stored, **parsed}
    for (code, row), value in parsed.items():
        field = lay.by_code[code]
        owner = groups[field.group_id] if field.group_id else field
        if value is not None and not is_shown(owner, merged):
            errors[(code, row)] = _(
                "This question is not asked with your other answers, so it was not saved."
            )
    if errors:
        raise ReturnError(errors)
    answers = {
        (code, row): Answer(
            pk=pk, organisation_return=locked, field_id=field_id, row=row, value=value
        )
        for pk, field_id, code, row, value in rows_stored
        if (code, row) in parsed
    }
    now = timezone.now()
    audit, created, updated, removed = [], [], [], []
    for (code, row), value in parsed.items():
        field = lay.by_code[code]
        existing = answers.get((code, row))
        old = existing.value if existing is not None else None
        if old == value:
            continue
        if value is None and existing is not None:
            removed.append(existing.pk)
        elif existing is not None:
            existing.value = value
            updated.append(existing)
        else:
            created.append(Answer(organisation_return=locked, field=field, row=row, value=value))
        audit.append(
            AuditEntry(
                organisation_return=locked,
                field=field,
                row=row,
                action="answer",
                old=old,
                new=value,
                user=user,
                at=now,
            )
        )
    # A whole section in a handful of queries, however many rows it has.
    if removed:
        Answer.objects.filter(pk__in=removed).delete()
    if updated:
        Answer.objects.bulk_update(updated, ["value"], batch_size=500)
    if created:
        Answer.objects.bulk_create(created, batch_size=500)
    AuditEntry.objects.bulk_create(audit)
    locked.revision += 1
    if locked.status == ReturnStatus.NOT_STARTED:
        locked.status = ReturnStatus.DRAFT
    if then_submit:
        values = {cell: value for cell, value in merged.items() if value is not None}
        return _submit_locked(locked, user, lay, values, explanations)
    locked.save(update_fields=["revision", "status"])
    return locked


# --- Checks before submitting -----------------------------------------------------------------


@dataclass(frozen=True)
class BigChange:
    field: Field
    last_year: float
    this_year: float


def big_changes(organisation_return: OrganisationReturn, values=None, lay=None) -> list[BigChange]:
    """Figures that moved more than their field's factor from the organisation's previous
    return (same field code), which the lead must confirm with a short explanation."""
    previous_template = organisation_return.template.previous
    if previous_template is None:
        return []
    previous = OrganisationReturn.objects.filter(
        template=previous_template,
        organisation=organisation_return.organisation,
        status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED],
    ).first()
    if previous is None:
        return []
    lay = lay or layout(organisation_return.template)
    values = stored_values(organisation_return) if values is None else values
    last = stored_values(previous)
    changes = []
    for code, field in lay.by_code.items():
        if field.kind not in NUMERIC_KINDS or field.group_id:
            continue
        now, before = values.get((code, 0)), last.get((code, 0))
        if not isinstance(now, int | float) or not isinstance(before, int | float):
            continue
        factor = float(field.change_factor)
        if before == 0 and now == 0:
            continue
        if before == 0 or now == 0 or now / before > factor or now / before < 1 / factor:
            changes.append(BigChange(field, before, now))
    return changes


@transaction.atomic
def submit(
    organisation_return: OrganisationReturn,
    user: User,
    *,
    revision: int,
    explanations: Mapping[str, str] | None = None,
) -> OrganisationReturn:
    """Send the return to the network: every required question answered, and every big
    change from last year explained. Read-only afterwards unless a coordinator reopens it."""
    locked = _locked(organisation_return, user, revision)
    lay = layout(locked.template)
    return _submit_locked(locked, user, lay, stored_values(locked), explanations)


def _submit_locked(locked, user, lay: Layout, values, explanations) -> OrganisationReturn:
    errors: dict[Cell | str, str] = {}
    for _section, fields in lay.sections:
        for field in fields:
            if not field.required or not is_shown(field, values):
                continue
            if field.kind == FieldKind.GROUP:
                if not _rows_of(field, values, lay.columns.get(field.pk, [])):
                    errors[(field.code, 0)] = _("Add at least one row.")
            elif values.get((field.code, 0)) in (None, "", []):
                errors[(field.code, 0)] = _("Answer this question before you submit.")
    explanations = {
        code: (text or "").strip()[:1000] for code, text in (explanations or {}).items()
    }
    changes = big_changes(locked, values, lay)
    for change in changes:
        if not explanations.get(change.field.code):
            errors[(change.field.code, 0)] = _(
                "This is very different from last year (%(before)s, now %(now)s). Confirm it "
                "with a short explanation."
            ) % {"before": _number(change.last_year), "now": _number(change.this_year)}
    if errors:
        raise ReturnError(errors)
    for change in changes:
        Answer.objects.filter(organisation_return=locked, field=change.field, row=0).update(
            explanation=explanations[change.field.code]
        )
    locked.status = ReturnStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.revision += 1
    locked.save(update_fields=["status", "submitted_at", "revision"])
    AuditEntry.objects.create(organisation_return=locked, action="submit", user=user)
    return locked


def _number(value: float) -> str:
    return f"{value:g}"


# --- The coordinator's side -------------------------------------------------------------------


@transaction.atomic
def reopen(organisation_return: OrganisationReturn, user: User, reason: str) -> OrganisationReturn:
    _coordinator(user)
    reason = (reason or "").strip()
    if not reason:
        raise ReturnError({"reason": _("Say why the return is reopened.")})
    locked = OrganisationReturn.objects.select_for_update().get(pk=organisation_return.pk)
    locked.status = ReturnStatus.DRAFT
    locked.reopened_reason = reason[:1000]
    locked.accepted_at = None
    locked.revision += 1
    locked.save(update_fields=["status", "reopened_reason", "accepted_at", "revision"])
    AuditEntry.objects.create(organisation_return=locked, action="reopen", note=reason, user=user)
    return locked


@transaction.atomic
def raise_query(
    organisation_return: OrganisationReturn, user: User, field: Field, question: str
) -> FieldQuery:
    _coordinator(user)
    question = (question or "").strip()
    if not question:
        raise ReturnError({"question": _("Write the question for the organisation.")})
    if field.section.template_id != organisation_return.template_id:
        raise ReturnError({"field": _("That question is not in this return.")})
    locked = OrganisationReturn.objects.select_for_update().get(pk=organisation_return.pk)
    if locked.status not in {ReturnStatus.SUBMITTED, ReturnStatus.QUERIED}:
        raise ReturnError({"return": _("Only a submitted return can be queried.")})
    if FieldQuery.objects.filter(
        organisation_return=locked, field=field, replied_at__isnull=True
    ).exists():
        raise ReturnError({"field": _("This question already has an open query.")})
    query = FieldQuery.objects.create(
        organisation_return=locked, field=field, question=question[:2000], raised_by=user
    )
    locked.status = ReturnStatus.QUERIED
    locked.revision += 1
    locked.save(update_fields=["status", "revision"])
    AuditEntry.objects.create(
        organisation_return=locked, field=field, action="query", note=question, user=user
    )
    return query


@transaction.atomic
def reply_to_query(query: FieldQuery, user: User, reply: str) -> FieldQuery:
    organisation_return = query.organisation_return
    if not permissions.can_edit_return(user, organisation_return):
        raise PermissionDenied
    reply = (reply or "").strip()
    if not reply:
        raise ReturnError({"reply": _("Write your reply to the coordinator.")})
    query = FieldQuery.objects.select_for_update().get(pk=query.pk)
    if query.replied_at is not None:
        raise ReturnError({"reply": _("This query has already been answered.")})
    query.reply = reply[:2000]
    query.replied_at = timezone.now()
    query.save(update_fields=["reply", "replied_at"])
    locked = OrganisationReturn.objects.select_for_update().get(pk=organisation_return.pk)
    if not locked.queries.filter(replied_at__isnull=True).exists():
        locked.status = ReturnStatus.SUBMITTED
        locked.revision += 1
        locked.save(update_fields=["status", "revision"])
    AuditEntry.objects.create(
        organisation_return=locked, field=query.field, action="reply", note=reply, user=user
    )
    return query


@transaction.atomic
def accept(organisation_return: OrganisationReturn, user: User) -> OrganisationReturn:
    _coordinator(user)
    locked = OrganisationReturn.objects.select_for_update().get(pk=organisation_return.pk)
    if locked.status != ReturnStatus.SUBMITTED:
        raise ReturnError({"return": _("Only a submitted return with no open query is accepted.")})
    locked.status = ReturnStatus.ACCEPTED
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["status", "accepted_at"])
    AuditEntry.objects.create(organisation_return=locked, action="accept", user=user)
    return locked


# --- Suggestions from the platform's own records -------------------------------------------------


def suggestions(
    organisation_return: OrganisationReturn, lay: Layout | None = None
) -> dict[str, int]:
    """Values the platform already knows for fields that ask for them, by field code."""
    lay = lay or layout(organisation_return.template)
    wanted = {field.prefill: code for code, field in lay.by_code.items() if field.prefill}
    if not wanted:
        return {}
    organisation = organisation_return.organisation
    known: dict[str, int] = {}
    if Prefill.APPROVED_MEMBERS in wanted:
        known[Prefill.APPROVED_MEMBERS] = organisation.members.filter(
            is_active=True, approval_status="approved"
        ).count()
    if Prefill.ECHO_ATTENDANCES in wanted:
        from events.models import Attendance, EventKind

        known[Prefill.ECHO_ATTENDANCES] = (
            Attendance.objects.present()
            .filter(
                member__organisation=organisation,
                occurrence__event__details__kind=EventKind.ECHO_SESSION,
            )
            .count()
        )
    if Prefill.TRACKS_COMPLETED in wanted:
        from learning.models import Certificate

        known[Prefill.TRACKS_COMPLETED] = (
            Certificate.objects.filter(kind="track", user__organisation=organisation)
            .values("user")
            .distinct()
            .count()
        )
    if Prefill.GUIDELINES_ADOPTED in wanted:
        from guidelines.models import ADOPTED_STATUSES, Adoption

        known[Prefill.GUIDELINES_ADOPTED] = Adoption.objects.filter(
            organisation=organisation, status__in=ADOPTED_STATUSES, guideline__live=True
        ).count()
    return {code: known[source] for source, code in wanted.items() if source in known}


def progress_overview(template: ReturnTemplate) -> dict[str, int]:
    """How many organisations' returns are at each status."""
    counts = dict(template.returns.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in ReturnStatus.values}


def status_counts(templates) -> dict[int, dict[str, int]]:
    """{template pk: {status: organisations}} for many templates in one query; a template
    sent to nobody has every count 0."""
    counts: defaultdict[int, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(ReturnStatus.values, 0)
    )
    for template_id, status, n in (
        OrganisationReturn.objects.filter(template__in=templates)
        .values_list("template_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[template_id][status] = n
    return counts


def overdue(template: ReturnTemplate, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return template.returns.filter(due_date__lt=today).filter(
        Q(status=ReturnStatus.NOT_STARTED) | Q(status=ReturnStatus.DRAFT)
    )


# --- The network summary -----------------------------------------------------------------------

MIN_ORGANISATIONS = 5


@dataclass(frozen=True)
class SummaryCell:
    organisations: int
    total: float | None
    median: float | None
    suppressed: bool


def summary_cell(values: list[float], *, full: bool) -> SummaryCell:
    """Total and median of one figure; under MIN_ORGANISATIONS organisations the cell is
    suppressed unless `full`. No answers at all has nothing to hide."""
    import statistics

    if 0 < len(values) < MIN_ORGANISATIONS and not full:
        return SummaryCell(len(values), None, None, True)
    return SummaryCell(
        len(values),
        sum(values) if values else None,
        statistics.median(values) if values else None,
        False,
    )


def network_summary(template: ReturnTemplate, *, full: bool) -> dict:
    """Totals and medians of every top-level number, by kind of organisation and by hub,
    spoke or associate, over submitted and accepted returns. Unless `full` (coordinators),
    a cell over fewer than MIN_ORGANISATIONS organisations is suppressed."""
    from members.models import NetworkRole, OrganisationKind

    lay = layout(template)
    numeric = [
        field
        for _section, fields in lay.sections
        for field in fields
        if field.kind in NUMERIC_KINDS
    ]
    returns = list(
        template.returns.filter(
            status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED]
        ).select_related("organisation")
    )
    answers = Answer.objects.filter(
        organisation_return__in=returns, field__in=numeric, row=0
    ).values_list("organisation_return_id", "field_id", "value")
    by_return: dict[int, dict[int, float]] = {}
    for return_id, field_id, value in answers:
        if isinstance(value, int | float) and not isinstance(value, bool):
            by_return.setdefault(return_id, {})[field_id] = value

    def cell(values: list[float]) -> SummaryCell:
        return summary_cell(values, full=full)

    splits = {
        "kind": (OrganisationKind, lambda r: r.organisation.kind),
        "network_role": (NetworkRole, lambda r: r.organisation.network_role),
    }
    result: dict[str, Any] = {"fields": numeric, "splits": {}}
    for name, (choices, key) in splits.items():
        groups = {}
        for value, label in choices.choices:
            members = [r for r in returns if key(r) == value]
            if not members:
                continue
            groups[str(label)] = [
                cell([by_return[r.pk][f.pk] for r in members if f.pk in by_return.get(r.pk, {})])
                for f in numeric
            ]
        result["splits"][name] = groups
    result["network"] = [
        cell([by_return[r.pk][f.pk] for r in returns if f.pk in by_return.get(r.pk, {})])
        for f in numeric
    ]
    result["returns"] = len(returns)
    return result


@dataclass(frozen=True)
class ReturnOverview:
    """A sent return on the evaluation dashboard: how far organisations have got, and the
    network's totals of its top-level figures over submitted and accepted returns."""

    template: ReturnTemplate
    counts: dict[str, int]
    asked: int
    complete: int
    figures: list[tuple[Field, SummaryCell]]

    @property
    def percent_complete(self) -> int | None:
        return round(100 * self.complete / self.asked) if self.asked else None


def overview_for_evaluation(*, full: bool, limit: int = 3) -> list[ReturnOverview]:
    """The latest sent returns, in two queries whatever their number of organisations."""
    # Each template with its returns counted by status (as `status_counts`), in one query.
    templates = list(
        ReturnTemplate.objects.exclude(status=TemplateStatus.DRAFT)
        .annotate(
            **{
                f"returns_{status}": Count("returns", filter=Q(returns__status=status))
                for status in ReturnStatus.values
            }
        )
        .order_by("-opened_at", "-pk")[:limit]
    )
    if not templates:
        return []
    counts = {
        template.pk: {
            status: getattr(template, f"returns_{status}") for status in ReturnStatus.values
        }
        for template in templates
    }
    done = (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED)
    # Each template's top-level numbers with their answers, in one query: a row per answer
    # (with its return's status), and a field nobody has answered once, with None.
    fields: dict[int, Field] = {}
    values: dict[int, list[float]] = defaultdict(list)
    for field in (
        Field.objects.filter(
            section__template__in=templates, kind__in=NUMERIC_KINDS, group__isnull=True
        )
        .alias(cell=FilteredRelation("answers", condition=Q(answers__row=0)))
        .annotate(sent_value=F("cell__value"), sent_status=F("cell__organisation_return__status"))
        .select_related("section")
        .order_by("section__position", "section_id", "position", "pk")
    ):
        fields.setdefault(field.pk, field)
        value = field.sent_value
        if (
            field.sent_status in done
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            values[field.pk].append(value)
    return [
        ReturnOverview(
            template=template,
            counts=counts[template.pk],
            asked=sum(counts[template.pk].values()),
            complete=sum(counts[template.pk][status] for status in done),
            figures=[
                (field, summary_cell(values[field.pk], full=full))
                for field in fields.values()
                if field.section.template_id == template.pk
            ],
        )
        for template in templates
    ]
