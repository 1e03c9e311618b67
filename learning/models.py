"""Learning tracks, modules with quizzes, study days, progress and certificates.

Tracks and modules are Wagtail pages: a `TrackPage`'s modules are its child
`ModulePage`s, in the page tree's order. What members do is recorded in plain
models: `ModuleProgress` (read, passed, complete), `QuizAttempt` (every attempt)
and `Certificate` (a completed track, or an ECHO cycle attended at 80% or more).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.blocks import StructBlockValidationError
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.blocks import RICH_TEXT_FEATURES, BodyBlock
from core.choices import QuickChoiceLabels
from core.serving import QuickServing
from members.models import StaffGroup


class FrameworkLevel(models.TextChoices):
    """Levels of the UK & Ireland children's palliative care education framework."""

    PUBLIC_HEALTH = "public_health", _("Public health")
    UNIVERSAL = "universal", _("Universal")
    CORE = "core", _("Core")
    SPECIALIST = "specialist", _("Specialist")


LEVEL_ORDER = {level: position for position, level in enumerate(FrameworkLevel.values)}

# The framework's outcome areas: (code, boolean field on TrackPage, label).
OUTCOME_AREAS = [
    ("communicating", "covers_communicating", _("Communicating effectively")),
    ("working_with_others", "covers_working_with_others", _("Working with others across settings")),
    ("symptoms", "covers_symptoms", _("Identifying and managing symptoms")),
    ("self_care", "covers_self_care", _("Self-care and supporting others")),
]

AUDIENCES = [
    (StaffGroup.CLINICAL, "for_clinical", _("Clinical staff")),
    (StaffGroup.NON_CLINICAL, "for_non_clinical", _("Non-clinical staff")),
    (StaffGroup.UNIVERSAL_SERVICE, "for_universal_service", _("Universal-service staff")),
]


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo address."))
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    transcript = DocumentChooserBlock(
        label=_("Transcript"), required=False, help_text=_("Give every video a transcript.")
    )

    class Meta:
        icon = "media"
        template = "learning/blocks/video.html"


class ModuleBodyBlock(BodyBlock):
    video = VideoBlock()


class AnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("Feedback"),
        required=False,
        max_length=600,
        help_text=_("Shown to a member who chose this answer."),
    )


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Choose one answer")
    MULTIPLE = "multiple", _("Choose every answer that applies")


class QuestionBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("Question"), max_length=600)
    kind = blocks.ChoiceBlock(
        label=_("Kind"), choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    answers = blocks.ListBlock(AnswerBlock(), label=_("Answers"), min_num=2, max_num=8)

    class Meta:
        icon = "help"

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for answer in value["answers"] if answer["correct"])
        if value["kind"] == QuestionKind.SINGLE and correct != 1:
            raise StructBlockValidationError(
                block_errors={"answers": ValidationError(_("Mark exactly one answer as correct."))}
            )
        if value["kind"] == QuestionKind.MULTIPLE and correct < 1:
            raise StructBlockValidationError(
                block_errors={"answers": ValidationError(_("Mark at least one answer as correct."))}
            )
        return value


def _documents_in(value) -> list:
    """Every document chosen anywhere inside a StreamField value."""
    from wagtail.documents.models import AbstractDocument

    found = []

    def walk(item) -> None:
        if isinstance(item, AbstractDocument):
            found.append(item)
        elif isinstance(item, dict) or hasattr(item, "items"):
            for child in item.values():
                walk(child)
        elif isinstance(item, list | tuple) or hasattr(item, "raw_data"):
            for child in item:
                walk(getattr(child, "value", child))

    walk(value)
    return found


def check_members_only_documents(stream, label) -> None:
    """Member material must be filed where only members can open it (members.documents)."""
    from members.documents import is_members_only

    public = [document.title for document in _documents_in(stream) if not is_members_only(document)]
    if public:
        raise ValidationError(
            _(
                "%(label)s must be in the members-only collection, or anyone could open "
                "them: %(titles)s."
            )
            % {"label": label, "titles": ", ".join(public)}
        )


def _audience_panel() -> MultiFieldPanel:
    return MultiFieldPanel(
        [FieldRowPanel([FieldPanel(field) for _group, field, _label in AUDIENCES])],
        heading=_("Written for"),
    )


class LearningIndexPage(QuickServing, RoutablePageMixin, Page):
    """ "My learning" for members; the list of tracks for visitors."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True, verbose_name=_("introduction"))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["cop_site.HomePage"]
    subpage_types = ["learning.TrackPage", "learning.StudyDayPage"]

    class Meta:
        verbose_name = _("learning index")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.my_learning_context(request, self))
        return context

    @path("")
    def my_learning(self, request: HttpRequest):
        return self.render(request)

    @path("cpd/")
    def cpd(self, request: HttpRequest):
        from . import views

        return views.cpd_record(request, self)

    @path("cpd/csv/")
    def cpd_csv(self, request: HttpRequest):
        from . import views

        return views.cpd_csv(request, self)

    @path("certificates/<int:pk>/")
    def certificate(self, request: HttpRequest, pk: int):
        from . import views

        return views.certificate(request, self, pk)


class TrackPage(QuickChoiceLabels, QuickServing, RoutablePageMixin, Page):
    framework_level = models.CharField(
        _("framework level"), max_length=16, choices=FrameworkLevel.choices
    )
    for_clinical = models.BooleanField(_("clinical staff"), default=False)
    for_non_clinical = models.BooleanField(_("non-clinical staff"), default=False)
    for_universal_service = models.BooleanField(_("universal-service staff"), default=False)
    covers_communicating = models.BooleanField(_("communicating effectively"), default=False)
    covers_working_with_others = models.BooleanField(
        _("working with others across settings"), default=False
    )
    covers_symptoms = models.BooleanField(_("identifying and managing symptoms"), default=False)
    covers_self_care = models.BooleanField(_("self-care and supporting others"), default=False)
    summary = models.CharField(_("summary"), max_length=300)
    description = RichTextField(features=RICH_TEXT_FEATURES, verbose_name=_("description"))
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("200"))],
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("framework_level"), FieldPanel("estimated_hours")],
            heading=_("Level and length"),
        ),
        _audience_panel(),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel(field) for _code, field, _label in OUTCOME_AREAS])],
            heading=_("Outcome areas it covers"),
        ),
        HelpPanel(
            content=_("Add the track's modules as pages under it, in the order to take them.")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
    ]
    parent_page_types = ["learning.LearningIndexPage"]
    subpage_types = ["learning.ModulePage"]

    class Meta:
        verbose_name = _("learning track")

    @property
    def audience_groups(self) -> list[str]:
        return [group for group, field, _label in AUDIENCES if getattr(self, field)]

    @property
    def audience_labels(self) -> list[str]:
        return [label for _group, field, label in AUDIENCES if getattr(self, field)]

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not self.audience_groups:
            errors["for_clinical"] = _("Choose at least one staff group the track is for.")
        if not self.outcome_labels:
            errors["covers_communicating"] = _("Choose at least one outcome area it covers.")
        if errors:
            raise ValidationError(errors)

    @property
    def outcome_labels(self) -> list[str]:
        return [label for _code, field, label in OUTCOME_AREAS if getattr(self, field)]

    def modules(self):
        """The track's live modules, in order."""
        return ModulePage.objects.child_of(self).live().order_by("path")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.track_context(request, self))
        return context

    @path("")
    def track(self, request: HttpRequest):
        return self.render(request)

    @path("certificate/")
    def claim_certificate(self, request: HttpRequest):
        from . import views

        return views.claim_track_certificate(request, self)


class ModulePage(QuickServing, RoutablePageMixin, Page):
    summary = models.CharField(_("summary"), max_length=300)
    learning_outcomes = RichTextField(
        features=["bold", "italic", "ul", "ol"],
        verbose_name=_("learning outcomes"),
        help_text=_("What a member will be able to do afterwards, as a list."),
    )
    body = StreamField(ModuleBodyBlock(), verbose_name=_("body"))
    estimated_minutes = models.PositiveIntegerField(
        _("estimated minutes"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    quiz = StreamField(
        [("question", QuestionBlock())],
        blank=True,
        verbose_name=_("quiz"),
        help_text=_("Optional. A module with a quiz is complete once the quiz is passed."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (per cent)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("learning_outcomes"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("quiz"), FieldPanel("pass_mark")], heading=_("Quiz")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["learning.TrackPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("module")

    @property
    def has_quiz(self) -> bool:
        return len(self.quiz) > 0

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.estimated_minutes) / 60).quantize(Decimal("0.01"))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.module_context(request, self))
        return context

    def serve(self, request: HttpRequest, *args, **kwargs):
        from . import views

        refusal = views.refuse_non_members(request)
        if refusal is not None:
            return refusal
        # The router read the pages above this one in this request, each knowing its parent.
        if not self.is_available(ancestors=self._routed_ancestors()):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def _routed_ancestors(self) -> list[Page] | None:
        """The pages above this one, down to depth 2, as the router left them on the page
        (`core.serving`: each page read on the way knows its parent); None if a level is
        not known, and then `is_available` asks the database."""
        ancestors: list[Page] = []
        page: Page = self
        while page.depth > 2:
            parent = page.__dict__.get("_cached_parent_obj")
            if parent is None:
                return None
            ancestors.append(parent)
            page = parent
        return ancestors

    def is_available(self, ancestors: list[Page] | None = None) -> bool:
        """Live, and so is every page above it (below the tree's root): a withdrawn track
        withdraws its modules. `ancestors`, every page above it from depth 2, if the caller
        has just read them."""
        if not self.live:
            return False
        if ancestors is not None:
            return all(page.live for page in ancestors)
        return not Page.objects.ancestor_of(self).filter(depth__gt=1, live=False).exists()

    def clean(self) -> None:
        super().clean()
        check_members_only_documents(self.body, _("Module documents"))

    @path("")
    def module(self, request: HttpRequest):
        return self.render(request)

    @path("read/")
    def mark_read(self, request: HttpRequest):
        from . import views

        return views.mark_read(request, self)

    @path("quiz/")
    def take_quiz(self, request: HttpRequest):
        from . import views

        return views.take_quiz(request, self)


class StudyDayPage(QuickServing, Page):
    """The programme, speakers and materials of a study day in the calendar."""

    occurrence = models.ForeignKey(
        "schedule.Occurrence",
        verbose_name=_("study day in the calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"event__details__kind": "study_day"},
    )
    summary = models.CharField(_("summary"), max_length=300)
    for_clinical = models.BooleanField(_("clinical staff"), default=False)
    for_non_clinical = models.BooleanField(_("non-clinical staff"), default=False)
    for_universal_service = models.BooleanField(_("universal-service staff"), default=False)
    introduction = RichTextField(
        features=RICH_TEXT_FEATURES, blank=True, verbose_name=_("introduction")
    )
    programme = StreamField(
        [
            (
                "session",
                blocks.StructBlock(
                    [
                        ("time", blocks.TimeBlock(label=_("Starts"))),
                        ("title", blocks.CharBlock(label=_("Title"), max_length=200)),
                        (
                            "speaker",
                            blocks.CharBlock(label=_("Speaker"), max_length=200, required=False),
                        ),
                        (
                            "description",
                            blocks.TextBlock(label=_("Description"), required=False),
                        ),
                    ],
                    icon="time",
                ),
            )
        ],
        blank=True,
        verbose_name=_("programme"),
    )
    speakers = StreamField(
        [
            (
                "speaker",
                blocks.StructBlock(
                    [
                        ("name", blocks.CharBlock(label=_("Name"), max_length=200)),
                        ("role", blocks.CharBlock(label=_("Role"), max_length=300)),
                        ("biography", blocks.TextBlock(label=_("Biography"), required=False)),
                    ],
                    icon="user",
                ),
            )
        ],
        blank=True,
        verbose_name=_("speakers"),
    )
    materials = StreamField(
        [
            (
                "document",
                blocks.StructBlock(
                    [
                        ("document", DocumentChooserBlock(label=_("Document"))),
                        (
                            "description",
                            blocks.CharBlock(label=_("Description"), required=False),
                        ),
                    ],
                    icon="doc-full",
                ),
            ),
            (
                "recording",
                blocks.StructBlock(
                    [
                        ("title", blocks.CharBlock(label=_("Title"), max_length=200)),
                        ("url", blocks.URLBlock(label=_("Address of the recording"))),
                        (
                            "description",
                            blocks.CharBlock(label=_("Description"), required=False),
                        ),
                    ],
                    icon="media",
                ),
            ),
        ],
        blank=True,
        verbose_name=_("materials"),
        help_text=_("Slides, handouts and recordings. Only members see them."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("occurrence"),
        FieldPanel("summary"),
        _audience_panel(),
        FieldPanel("introduction"),
        FieldPanel("programme"),
        FieldPanel("speakers"),
        FieldPanel("materials"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["learning.LearningIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("study day")

    @property
    def audience_labels(self) -> list[str]:
        return [label for _group, field, label in AUDIENCES if getattr(self, field)]

    def clean(self) -> None:
        super().clean()
        check_members_only_documents(self.materials, _("Materials"))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from . import views

        context = super().get_context(request, *args, **kwargs)
        context.update(views.study_day_context(request, self))
        return context


class ModuleProgress(models.Model):
    """A member's progress through one module."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_progress"
    )
    # Kept if the module is deleted: the member's CPD record must not change afterwards.
    module = models.ForeignKey(
        ModulePage, null=True, on_delete=models.SET_NULL, related_name="progress"
    )
    track = models.ForeignKey(
        TrackPage, null=True, on_delete=models.SET_NULL, related_name="module_progress"
    )
    # What was completed, as it stood then (copied at completion).
    module_title = models.CharField(_("module"), max_length=255, blank=True)
    track_title = models.CharField(_("track"), max_length=255, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_visited_at = models.DateTimeField(_("last visited at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    passed_at = models.DateTimeField(_("quiz passed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="learning_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.module_id}"


class QuizAttempt(models.Model):
    """One submitted attempt at a module's quiz. Every attempt is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    module = models.ForeignKey(
        ModulePage, null=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    score = models.PositiveSmallIntegerField(_("questions right"))
    total = models.PositiveSmallIntegerField(_("questions"))
    percent = models.PositiveSmallIntegerField(_("per cent"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"))
    passed = models.BooleanField(_("passed"))
    answers = models.JSONField(_("answers"), default=dict)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.module_id}: {self.percent}%"


class CertificateKind(models.TextChoices):
    TRACK = "track", _("Learning track")
    ECHO_CYCLE = "echo_cycle", _("ECHO cycle participation")


class Certificate(QuickChoiceLabels, models.Model):
    """Issued once per member and track (or ECHO cycle); verifiable by its code.

    The name, title, level and hours are copied at issue, so the certificate
    says what it said on the day even if the track is later edited.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    track = models.ForeignKey(
        TrackPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    programme = models.ForeignKey(
        "events.EchoProgramme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    recipient_name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=255)
    level = models.CharField(_("level"), max_length=100, blank=True)
    cpd_hours = models.DecimalField(_("CPD hours"), max_digits=5, decimal_places=1)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track"],
                condition=models.Q(kind="track"),
                name="learning_one_certificate_per_track",
            ),
            models.UniqueConstraint(
                fields=["user", "programme"],
                condition=models.Q(kind="echo_cycle"),
                name="learning_one_certificate_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.recipient_name}"

    @property
    def issued_on(self) -> datetime.date:
        return timezone.localdate(self.issued_at)

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
