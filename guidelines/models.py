"""Guideline pages, their endorsed versions, and the records that measure uptake.

A guideline is a Wagtail page. It is published only by the "Guideline endorsement"
workflow (see `workflows.py`), and each publication records an `EndorsedVersion`.
Members acknowledge a version; organisation leads record their organisation's
`Adoption`, whose history is kept in `AdoptionChange`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Page, PagePermissionTester, TaskState
from wagtail.search import index

from core.blocks import RICH_TEXT_FEATURES, BodyBlock
from core.choices import QuickChoiceLabels
from core.serving import QuickServing
from members.models import StaffGroup

REVIEW_SOON_DAYS = 90
RECENTLY_UPDATED_DAYS = 60


class Category(models.TextChoices):
    SYMPTOM_MANAGEMENT = "symptom_management", _("Symptom management")
    END_OF_LIFE_CARE = "end_of_life_care", _("End-of-life care")
    RAPID_TRANSFER = "rapid_transfer", _("Rapid transfer")
    ADVANCE_CARE_PLANNING = "advance_care_planning", _("Advance care planning")
    TRANSITION = "transition", _("Transition to adult services")
    BEREAVEMENT = "bereavement", _("Bereavement")
    CARE_AFTER_DEATH = "care_after_death", _("Care after death")
    EDUCATION_AND_SCHOOL = "education_and_school", _("Education and school")
    OTHER = "other", _("Other")


# Care settings a guideline applies to: (code, boolean field on GuidelinePage, label).
CARE_SETTINGS = [
    ("hospital", "applies_in_hospital", _("Hospital")),
    ("hospice", "applies_in_hospice", _("Hospice")),
    ("community", "applies_in_community", _("Community and home")),
    ("school", "applies_in_school", _("School")),
]

# Staff groups a guideline is written for: (staff group, boolean field, label).
AUDIENCES = [
    (StaffGroup.CLINICAL, "for_clinical", _("Clinical staff")),
    (StaffGroup.NON_CLINICAL, "for_non_clinical", _("Non-clinical staff")),
    (StaffGroup.UNIVERSAL_SERVICE, "for_universal_service", _("Universal-service staff")),
]


class GuidelineTableBlock(TableBlock):
    class Meta:
        template = "guidelines/blocks/table.html"
        label = _("Table")
        icon = "table"


class GuidelineBodyBlock(BodyBlock):
    """The page blocks plus tables, which guidelines need for doses and contacts."""

    table = GuidelineTableBlock(
        table_options={"contextMenu": ["row_above", "row_below", "col_left", "col_right"]}
    )


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(
        label=_("Description"), max_length=200, required=False, help_text=_("What it is for.")
    )

    class Meta:
        icon = "doc-full"


class GuidelineIndexPage(QuickServing, Page):
    """The list of endorsed guidelines; the endorsement workflow is assigned here.

    The reports and forms under it are ordinary views (`urls.py`, `views.py`).
    """

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True, verbose_name=_("introduction"))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["cop_site.HomePage"]
    subpage_types = ["guidelines.GuidelinePage"]

    class Meta:
        verbose_name = _("guideline index")

    def permissions_for_user(self, user) -> PagePermissionTester:
        return GuidelineIndexPermissionTester(user, self)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.index_context(request, self))
        return context


class GuidelinePage(QuickChoiceLabels, QuickServing, Page):
    """A guideline. Acknowledging, adoption and uptake are views under it (`urls.py`)."""

    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown in the list.")
    )
    body = StreamField(GuidelineBodyBlock(), verbose_name=_("body"))
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    applies_in_hospital = models.BooleanField(_("hospital"), default=False)
    applies_in_hospice = models.BooleanField(_("hospice"), default=False)
    applies_in_community = models.BooleanField(_("community and home"), default=False)
    applies_in_school = models.BooleanField(_("school"), default=False)
    for_clinical = models.BooleanField(_("clinical staff"), default=False)
    for_non_clinical = models.BooleanField(_("non-clinical staff"), default=False)
    for_universal_service = models.BooleanField(_("universal-service staff"), default=False)
    guideline_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guideline owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_guidelines",
        help_text=_("Responsible for keeping it current; reminded before the review date."),
    )
    review_due = models.DateField(_("review due"))
    change_summary = models.TextField(
        _("what changed in this version"),
        blank=True,
        help_text=_("Shown in the version history. Leave empty for a first version."),
    )
    attachments = StreamField(
        [("attachment", AttachmentBlock())], blank=True, verbose_name=_("attachments")
    )
    related_guidelines = StreamField(
        [("guideline", blocks.PageChooserBlock(page_type="guidelines.GuidelinePage"))],
        blank=True,
        verbose_name=_("related guidelines"),
    )

    content_panels = [
        *Page.content_panels,
        HelpPanel(
            content=_(
                "Guidelines are published only through the Guideline endorsement workflow: "
                "save a draft, then submit it for clinical review. The version number and "
                "the endorsement are recorded when the executive committee approves it."
            )
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("change_summary"),
        FieldPanel("attachments"),
        FieldPanel("related_guidelines"),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("guideline_owner"),
                FieldPanel("review_due"),
            ],
            heading=_("Ownership and review"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel(field) for _code, field, _label in CARE_SETTINGS]),
            ],
            heading=_("Settings it applies to"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel(field) for _group, field, _label in AUDIENCES])],
            heading=_("Written for"),
        ),
        # No publishing schedule: a guideline goes live when it is endorsed.
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("category"),
    ]
    parent_page_types = ["guidelines.GuidelineIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("guideline")

    def permissions_for_user(self, user) -> PagePermissionTester:
        return GuidelinePermissionTester(user, self)

    def clean(self) -> None:
        super().clean()
        if not self.audience_groups:
            raise ValidationError(
                {"for_clinical": _("Choose at least one staff group the guideline is written for.")}
            )
        if self.go_live_at or self.expire_at:
            raise ValidationError(
                _("Guidelines go live when they are endorsed; they cannot be scheduled.")
            )

    def save_revision(self, *args, overwrite_revision=None, **kwargs):
        # Wagtail lets an editor overwrite their own latest revision in place (autosave
        # does). A revision a reviewer has acted on must never change under them, so a
        # new revision is saved instead, which sends the review back to its first step.
        if (
            overwrite_revision is not None
            and TaskState.objects.filter(revision_id=overwrite_revision.pk).exists()
        ):
            overwrite_revision = None
        return super().save_revision(*args, overwrite_revision=overwrite_revision, **kwargs)

    # Descriptions used by the list, the page and the reports.

    @property
    def care_settings(self) -> list[str]:
        return [label for _code, field, label in CARE_SETTINGS if getattr(self, field)]

    @property
    def audience_labels(self) -> list[str]:
        return [label for _group, field, label in AUDIENCES if getattr(self, field)]

    @property
    def audience_groups(self) -> list[str]:
        return [group for group, field, _label in AUDIENCES if getattr(self, field)]

    def is_for_staff_group(self, staff_group: str) -> bool:
        return any(group == staff_group for group in self.audience_groups)

    def is_review_overdue(self, today: datetime.date | None = None) -> bool:
        return self.review_due < (today or timezone.localdate())

    def is_review_due_soon(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return today <= self.review_due <= today + datetime.timedelta(days=REVIEW_SOON_DAYS)

    @cached_property
    def current_version(self) -> EndorsedVersion | None:
        """The latest endorsed version, or None if the page was never endorsed."""
        return self.endorsed_versions.order_by("-number").first()

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.guideline_context(request, self))
        return context


class GuidelinePermissionTester(PagePermissionTester):
    """Nobody publishes a guideline directly: only the endorsement workflow does.

    Wagtail lets anyone with publish permission bypass a workflow. Guidelines are
    regional standards, so publishing is refused here for every user (superusers
    included) and the workflow's final step publishes through the revision instead.
    Unpublishing (withdrawing a guideline) stays with those who hold publish rights.
    """

    def can_publish(self) -> bool:
        return False

    def can_publish_subpage(self) -> bool:
        return False

    def can_reorder_children(self) -> bool:
        return False

    def can_copy(self) -> bool:
        # A copy could be published on creation; editors start a new draft instead.
        return False

    def can_delete(self, ignore_bulk: bool = False) -> bool:
        # An endorsed guideline carries the network's record of its uptake; withdraw it
        # by unpublishing instead.
        if self.page.pk and EndorsedVersion.objects.filter(guideline_id=self.page.pk).exists():
            return False
        return super().can_delete(ignore_bulk=ignore_bulk)


class GuidelineIndexPermissionTester(PagePermissionTester):
    def can_publish_subpage(self) -> bool:
        # Creating a guideline must not publish it in the same step.
        return False


class EndorsedVersion(models.Model):
    """A version of a guideline as published by the endorsement workflow."""

    guideline = models.ForeignKey(
        GuidelinePage,
        verbose_name=_("guideline"),
        on_delete=models.CASCADE,
        related_name="endorsed_versions",
    )
    number = models.PositiveIntegerField(_("version"))
    endorsed_at = models.DateTimeField(_("endorsed at"), default=timezone.now)
    endorsing_body = models.CharField(_("endorsing body"), max_length=100)
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255)
    change_summary = models.TextField(_("what changed"), blank=True)
    review_due = models.DateField(_("review due"))
    attachments = models.JSONField(_("attachments as endorsed"), default=list, blank=True)
    workflow_state = models.ForeignKey(
        "wagtailcore.WorkflowState",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["guideline", "-number"]
        verbose_name = _("endorsed version")
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "number"], name="guidelines_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return _("%(title)s, version %(number)s") % {"title": self.title, "number": self.number}


class EndorsementApproval(models.Model):
    """Who approved each step of the workflow that endorsed a version."""

    version = models.ForeignKey(EndorsedVersion, on_delete=models.CASCADE, related_name="approvals")
    step = models.CharField(_("step"), max_length=255)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approver_name = models.CharField(_("approver"), max_length=200)
    approved_at = models.DateTimeField(_("approved at"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["approved_at", "pk"]

    def __str__(self) -> str:
        return f"{self.step}: {self.approver_name}"


class Acknowledgement(models.Model):
    """A member has read a version of a guideline."""

    version = models.ForeignKey(
        EndorsedVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    # The guideline, repeated from the version so uptake can count by guideline.
    guideline = models.ForeignKey(GuidelinePage, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guideline_acknowledgements",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="guidelines_ack_once")
        ]
        indexes = [models.Index(fields=["guideline", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.version_id}"


class AdoptionStatus(models.TextChoices):
    NOT_REVIEWED = "not_reviewed", _("Not yet reviewed")
    UNDER_REVIEW = "under_review", _("Under review")
    ADOPTED = "adopted", _("Adopted")
    ADOPTED_WITH_CHANGES = "adopted_with_changes", _("Adopted with local changes")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


ADOPTED_STATUSES = (AdoptionStatus.ADOPTED, AdoptionStatus.ADOPTED_WITH_CHANGES)


class Adoption(QuickChoiceLabels, models.Model):
    """An organisation's current position on a guideline. Absent means not yet reviewed."""

    guideline = models.ForeignKey(GuidelinePage, on_delete=models.CASCADE, related_name="adoptions")
    organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.CASCADE, related_name="guideline_adoptions"
    )
    status = models.CharField(_("status"), max_length=32, choices=AdoptionStatus.choices)
    reason = models.TextField(_("reason or local changes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "organisation"], name="guidelines_adoption_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.get_status_display()}"

    @property
    def is_adopted(self) -> bool:
        return self.status in ADOPTED_STATUSES


class AdoptionChange(QuickChoiceLabels, models.Model):
    """Every status an organisation has recorded for a guideline, oldest first."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(_("status"), max_length=32, choices=AdoptionStatus.choices)
    reason = models.TextField(_("reason or local changes"), blank=True)
    version = models.ForeignKey(
        EndorsedVersion, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.adoption_id}: {self.get_status_display()} at {self.changed_at:%Y-%m-%d}"


class ReviewReminder(models.Model):
    """A review reminder sent to a guideline's owner: at most one per review-due date."""

    guideline = models.ForeignKey(
        GuidelinePage, on_delete=models.CASCADE, related_name="review_reminders"
    )
    review_due = models.DateField(_("review due"))
    sent_to = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "review_due"], name="guidelines_reminder_once_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.guideline_id} due {self.review_due}"


class EndorsementStep(AbstractGroupApprovalTask):
    """A step of the "Guideline endorsement" workflow, approved by one body.

    Unlike Wagtail's group approval task, only members of the body may act (a
    superuser is not an endorsing body), and nobody may approve two steps of the
    same submission: the executive cannot endorse its own clinical review.
    """

    endorsing_body = models.BooleanField(
        _("endorsing body"),
        default=False,
        help_text=_("The body whose approval is recorded as the endorsement."),
    )

    admin_form_fields = [*AbstractGroupApprovalTask.admin_form_fields, "endorsing_body"]

    class Meta:
        verbose_name = _("endorsement step")
        verbose_name_plural = _("endorsement steps")

    def _approved_another_step(self, workflow_state, user) -> bool:
        if workflow_state is None or not user.is_authenticated:
            return False
        return (
            TaskState.objects.filter(
                workflow_state=workflow_state,
                status=TaskState.STATUS_APPROVED,
                finished_by_id=user.pk,
            )
            .exclude(task_id=self.pk)
            .exists()
        )

    def _may_act(self, workflow_state, user) -> bool:
        from members.permissions import is_approved_member

        return (
            is_approved_member(user)
            and self._user_in_groups(user)
            and not self._approved_another_step(workflow_state, user)
        )

    def user_can_act(self, obj, user) -> bool:
        return self._may_act(getattr(obj, "current_workflow_state", None), user)

    def on_action(self, task_state, user, action_name, **kwargs):
        # Wagtail's action view takes the page and the task state from the URL without
        # checking they belong together, so the checks are made on the task state itself.
        if (
            task_state.task_id != self.pk
            or task_state.status != TaskState.STATUS_IN_PROGRESS
            or not self._may_act(task_state.workflow_state, user)
        ):
            raise PermissionDenied
        return super().on_action(task_state, user, action_name, **kwargs)

    def start(self, workflow_state, user=None):
        # When a draft comes back after changes were asked for, Wagtail restarts at the
        # step that asked. Every step must approve the revision that is endorsed, in
        # order, so start at the first step that has not approved the latest revision.
        first_pending = workflow_state.get_next_task()
        if first_pending is not None and first_pending.pk != self.pk:
            return first_pending.specific.start(workflow_state, user=user)
        return super().start(workflow_state, user=user)

    def user_can_access_editor(self, obj, user) -> bool:
        return user.is_superuser or self._user_in_groups(user)

    def locked_for_user(self, obj, user) -> bool:
        return not self._user_in_groups(user)

    def get_actions(self, obj, user):
        if self.user_can_act(obj, user):
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if self._user_in_groups(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    @classmethod
    def get_description(cls):
        return _("Members of the chosen body approve this step; nobody approves two steps.")
