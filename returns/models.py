"""Standardised data returns: templates of agreed fields, and each organisation's answers.

A `ReturnTemplate` is one version of a return ("Hospice provision return 2026/27",
version 1). Its sections and fields are editable only while it is a draft; once it
is opened to organisations it is frozen, and a change means a new version. Each
organisation asked gets one `OrganisationReturn`, whose `Answer`s only its leads
edit; every change is written to the `AuditEntry` trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import QuickChoiceLabels


class FrozenTemplate(Exception):
    """A template opened to organisations cannot change; make a new version instead."""


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open to organisations")
    CLOSED = "closed", _("Closed")


class ReturnTemplate(QuickChoiceLabels, models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=100)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous return"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Last year's return, whose answers figures are checked against."),
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="returns_one_slug_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status != TemplateStatus.DRAFT


class Section(models.Model):
    template = models.ForeignKey(ReturnTemplate, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        _refuse_if_frozen(self.template)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_frozen(self.template)
        return super().delete(*args, **kwargs)


def _refuse_if_frozen(template: ReturnTemplate) -> None:
    if template.pk is not None:
        status = ReturnTemplate.objects.filter(pk=template.pk).values_list("status", flat=True)
        if status and status[0] != TemplateStatus.DRAFT:
            raise FrozenTemplate(
                f"“{template}” has been sent to organisations, so it cannot change. "
                "Make a new version instead."
            )


class FieldKind(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    PERCENTAGE = "percentage", _("Percentage")
    YES_NO = "yes_no", _("Yes or no")
    SINGLE_CHOICE = "single_choice", _("One of a list")
    MULTIPLE_CHOICE = "multiple_choice", _("Any of a list")
    DATE = "date", _("Date")
    SHORT_TEXT = "short_text", _("Short text")
    GROUP = "group", _("Repeating group (one row per item)")


NUMERIC_KINDS = {FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.PERCENTAGE}


class Prefill(models.TextChoices):
    NONE = "", _("None")
    ECHO_ATTENDANCES = "echo_attendances", _("ECHO attendances by the organisation's staff")
    TRACKS_COMPLETED = "tracks_completed", _("Staff who completed a learning track")
    GUIDELINES_ADOPTED = "guidelines_adopted", _("Network guidelines adopted")
    APPROVED_MEMBERS = "approved_members", _("Members of the network")


class Field(QuickChoiceLabels, models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="fields")
    group = models.ForeignKey(
        "self",
        verbose_name=_("repeating group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="columns",
        limit_choices_to={"kind": FieldKind.GROUP},
    )
    code = models.SlugField(_("code"), max_length=60, help_text=_("Column name in exports."))
    label = models.CharField(_("label"), max_length=300)
    definition = models.TextField(_("agreed definition"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=FieldKind.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    required = models.BooleanField(_("required"), default=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    max_rows = models.PositiveSmallIntegerField(_("most rows"), default=50)
    shown_if_code = models.SlugField(_("shown only if field"), max_length=60, blank=True)
    shown_if_value = models.CharField(_("has the answer"), max_length=200, blank=True)
    change_factor = models.DecimalField(
        _("year-on-year check"),
        max_digits=6,
        decimal_places=2,
        default=2,
        help_text=_(
            "A figure more than this many times, or less than one over it, last "
            "year's asks for confirmation."
        ),
    )
    prefill = models.CharField(
        _("suggested from"), max_length=24, choices=Prefill.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="returns_field_code_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    def save(self, *args, **kwargs):
        _refuse_if_frozen(self.section.template)
        clash = Field.objects.filter(
            section__template_id=self.section.template_id, code=self.code
        ).exclude(pk=self.pk)
        if clash.exists():
            raise ValueError(f"The code {self.code!r} is already used in this return.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_frozen(self.section.template)
        return super().delete(*args, **kwargs)


class ReturnStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    QUERIED = "queried", _("Queried")
    ACCEPTED = "accepted", _("Accepted")


class OrganisationReturn(QuickChoiceLabels, models.Model):
    template = models.ForeignKey(ReturnTemplate, on_delete=models.PROTECT, related_name="returns")
    organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.CASCADE, related_name="data_returns"
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.NOT_STARTED
    )
    revision = models.PositiveIntegerField(default=0, help_text="Bumped by every save (locking).")
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    reopened_reason = models.TextField(blank=True)
    reminded_for = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["template", "organisation"], name="returns_one_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} — {self.organisation}"

    @property
    def is_editable(self) -> bool:
        return self.status in {ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.QUERIED}


class Answer(models.Model):
    organisation_return = models.ForeignKey(
        OrganisationReturn, on_delete=models.CASCADE, related_name="answers"
    )
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="answers")
    row = models.PositiveSmallIntegerField(default=0)
    value = models.JSONField(null=True)
    explanation = models.TextField(blank=True)  # why a figure changed so much from last year

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_return", "field", "row"], name="returns_one_answer_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field_id}[{self.row}] = {self.value!r}"


class AuditEntry(models.Model):
    organisation_return = models.ForeignKey(
        OrganisationReturn, on_delete=models.CASCADE, related_name="audit"
    )
    field = models.ForeignKey(Field, null=True, on_delete=models.SET_NULL, related_name="+")
    row = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(max_length=20)  # answer, submit, reopen, query, reply, accept
    old = models.JSONField(null=True)
    new = models.JSONField(null=True)
    note = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


class FieldQuery(models.Model):
    """A coordinator's question on one answer, which the organisation's lead replies to."""

    organisation_return = models.ForeignKey(
        OrganisationReturn, on_delete=models.CASCADE, related_name="queries"
    )
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="+")
    question = models.TextField()
    reply = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_return", "field"],
                condition=Q(replied_at__isnull=True),
                name="returns_one_open_query_per_field",
            )
        ]

    def __str__(self) -> str:
        return self.question[:60]
