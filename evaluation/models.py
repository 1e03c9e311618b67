"""Surveys and their responses: the evidence the platform cannot read off other records.

A `Survey` is a form of one kind (session feedback, pre- and post-series
confidence, study-day feedback, follow-up practice change) with ordered
`Question`s. Who is asked is decided from the records (attendance,
registrations) by `evaluation.services`; nothing here stores a total. A
`Response` belongs to one member, one survey and one subject: an occurrence
(a session or study day) or a programme's cycle. Its `Answer`s hold numbers,
choices or free text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel

from core.choices import QuickChoiceLabels
from evaluation.admin_forms import SurveyAdminForm


class SurveyKind(models.TextChoices):
    SESSION_FEEDBACK = "session_feedback", _("Session feedback")
    PRE_CONFIDENCE = "pre_confidence", _("Pre-series confidence")
    POST_CONFIDENCE = "post_confidence", _("Post-series confidence")
    STUDY_DAY_FEEDBACK = "study_day_feedback", _("Study-day feedback")
    FOLLOW_UP = "follow_up", _("Follow-up practice change")


OCCURRENCE_KINDS = (SurveyKind.SESSION_FEEDBACK, SurveyKind.STUDY_DAY_FEEDBACK)
CYCLE_KINDS = (SurveyKind.PRE_CONFIDENCE, SurveyKind.POST_CONFIDENCE, SurveyKind.FOLLOW_UP)


class MooreLevel(models.IntegerChoices):
    """Moore, Green and Gallis (2009) levels of outcome for continuing education."""

    PARTICIPATION = 1, _("Level 1: participation")
    SATISFACTION = 2, _("Level 2: satisfaction")
    LEARNING = 3, _("Level 3: learning")
    COMPETENCE = 4, _("Level 4: competence")
    PERFORMANCE = 5, _("Level 5: performance")
    PATIENT_HEALTH = 6, _("Level 6: patient health")
    COMMUNITY_HEALTH = 7, _("Level 7: community health")


class QuestionKind(models.TextChoices):
    LIKERT_5 = "likert5", _("Agreement, 1 to 5")
    LIKERT_7 = "likert7", _("Agreement, 1 to 7")
    CONFIDENCE = "confidence", _("Confidence, 0 to 10")
    SINGLE_CHOICE = "single", _("Single choice")
    MULTIPLE_CHOICE = "multiple", _("Multiple choice")
    FREE_TEXT = "text", _("Free text")


NUMERIC_RANGES = {
    QuestionKind.LIKERT_5: (1, 5),
    QuestionKind.LIKERT_7: (1, 7),
    QuestionKind.CONFIDENCE: (0, 10),
}

MAX_FREE_TEXT = 2000


class Survey(QuickChoiceLabels, ClusterableModel):
    """A questionnaire of one kind. A programme's own survey of a kind replaces the default."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=SurveyKind.choices)
    introduction = models.TextField(_("introduction"), blank=True, max_length=1000)
    programme = models.ForeignKey(
        "events.EchoProgramme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="surveys",
        help_text=_("Leave empty for the network's default survey of this kind."),
    )
    open_days = models.PositiveSmallIntegerField(
        _("days open"),
        default=21,
        help_text=_("How long after the session or cycle answers can be given or changed."),
    )
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Closed surveys take no more answers.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    base_form_class = SurveyAdminForm
    panels = [
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("kind"), FieldPanel("programme")],
            heading=_("Survey"),
        ),
        FieldPanel("introduction"),
        FieldPanel("open_days"),
        FieldPanel("is_active"),
        InlinePanel("questions", label=_("Questions"), min_num=1),
    ]

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(programme__isnull=True, is_active=True),
                name="evaluation_one_default_survey_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "programme"],
                condition=Q(programme__isnull=False, is_active=True),
                name="evaluation_one_programme_survey_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Question(QuickChoiceLabels, models.Model):
    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions")
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=12, choices=QuestionKind.choices)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_("For single and multiple choice: the options, in order."),
    )
    required = models.BooleanField(_("answer required"), default=True)
    moore_level = models.PositiveSmallIntegerField(
        _("Moore level"), choices=MooreLevel.choices, null=True, blank=True
    )
    per_topic = models.BooleanField(
        _("one answer per curriculum topic"),
        default=False,
        help_text=_("For confidence questions: asked once for each topic of the programme."),
    )
    then_test = models.BooleanField(
        _("ask 'before' as well (retrospective pre-test)"),
        default=False,
        help_text=_("Post-series only: members also rate how they were before the series."),
    )

    panels = [
        FieldPanel("text"),
        FieldPanel("help_text"),
        FieldPanel("kind"),
        FieldPanel("choices"),
        FieldPanel("required"),
        FieldPanel("moore_level"),
        FieldPanel("per_topic"),
        FieldPanel("then_test"),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_RANGES

    @property
    def value_range(self) -> tuple[int, int] | None:
        return NUMERIC_RANGES.get(self.kind)


class Response(models.Model):
    """One member's answers to one survey about one subject; editable while the survey is open."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_responses"
    )
    occurrence = models.ForeignKey(
        "schedule.Occurrence",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    programme = models.ForeignKey(
        "events.EchoProgramme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    cycle_start = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member", "occurrence"],
                condition=Q(occurrence__isnull=False),
                name="evaluation_one_response_per_occurrence",
            ),
            models.UniqueConstraint(
                fields=["survey", "member", "programme", "cycle_start"],
                condition=Q(programme__isnull=False),
                name="evaluation_one_response_per_cycle",
            ),
            models.CheckConstraint(
                condition=Q(occurrence__isnull=False, programme__isnull=True)
                | Q(occurrence__isnull=True, programme__isnull=False, cycle_start__isnull=False),
                name="evaluation_response_has_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["occurrence", "survey"])]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.survey_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    topic = models.CharField(_("curriculum topic"), max_length=200, blank=True)
    value = models.SmallIntegerField(null=True, blank=True)
    before_value = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True, max_length=MAX_FREE_TEXT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "topic"], name="evaluation_one_answer_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value if self.value is not None else self.text[:40]}"


class ChosenQuote(models.Model):
    """A free-text answer a coordinator has chosen to quote in the impact report."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="chosen_quote")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.answer.text[:60]


class SurveyInvitation(models.Model):
    """The one e-mail inviting a member to answer a survey about a subject: never sent twice."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    occurrence = models.ForeignKey(
        "schedule.Occurrence", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        "events.EchoProgramme", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cycle_start = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member", "occurrence"],
                condition=Q(occurrence__isnull=False),
                name="evaluation_one_invitation_per_occurrence",
            ),
            models.UniqueConstraint(
                fields=["survey", "member", "programme", "cycle_start"],
                condition=Q(programme__isnull=False),
                name="evaluation_one_invitation_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.member_id} for {self.survey_id}"
