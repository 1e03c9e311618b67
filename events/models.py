"""The network calendar, ECHO programmes, registrations, attendance and cases.

django-scheduler holds the series (`schedule.Event` with its `Rule`) and the
occurrences. Every occurrence we show is persisted as a `schedule.Occurrence`
row ("materialised" by `events.scheduling`), so registrations, attendance and
cases can point at it and pages can query it directly. Our own details sit
beside those models.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schedule.models import Event, Occurrence

from core.choices import QuickChoiceLabels
from members.models import StaffGroup


class EventKind(models.TextChoices):
    ECHO_SESSION = "echo_session", _("ECHO session")
    STUDY_DAY = "study_day", _("Study day")
    CONFERENCE = "conference", _("Annual conference")
    GOVERNANCE = "governance", _("Governance meeting")
    WEBINAR = "webinar", _("Webinar")


class AttendanceMode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class EventDetails(QuickChoiceLabels, models.Model):
    """What the network knows about a calendar series beyond django-scheduler's fields."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="details"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    audience = models.JSONField(
        _("audience"),
        default=list,
        help_text=_("Staff groups the event is written for; empty means everyone."),
    )
    attendance_mode = models.CharField(
        _("online or in person"), max_length=12, choices=AttendanceMode.choices
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    video_link = models.URLField(
        _("video-call link"),
        max_length=500,
        blank=True,
        help_text=_("Teams, Zoom or Jitsi address. Shown only to members."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    cpd_hours = models.DecimalField(_("CPD hours"), max_digits=4, decimal_places=1, default=0)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Shown through the member-text sanitiser.")
    )

    class Meta:
        verbose_name = _("event details")
        verbose_name_plural = _("event details")

    def __str__(self) -> str:
        return self.event.title

    def is_for(self, staff_group: str) -> bool:
        return not self.audience or staff_group in self.audience

    @property
    def audience_labels(self) -> list[str]:
        if not self.audience:
            return [str(_("Everyone"))]
        return [str(StaffGroup(value).label) for value in self.audience if value in StaffGroup]

    @property
    def is_online(self) -> bool:
        return self.attendance_mode in {AttendanceMode.ONLINE, AttendanceMode.HYBRID}


class EchoProgramme(models.Model):
    """A recurring ECHO case-discussion programme with its hub team and curriculum."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    series = models.OneToOneField(
        Event,
        verbose_name=_("recurring series"),
        on_delete=models.PROTECT,
        related_name="echo_programme",
    )
    hub_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hub team (facilitators)"),
        related_name="facilitated_programmes",
        blank=True,
    )
    target_staff_groups = models.JSONField(_("target staff groups"), default=list)
    cycle_start = models.DateField(_("cycle start"))
    cycle_end = models.DateField(_("cycle end"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("ECHO programme")
        verbose_name_plural = _("ECHO programmes")

    def __str__(self) -> str:
        return self.name


class SessionPlan(models.Model):
    """Per-occurrence plan of an ECHO session: the didactic topic and who presents it."""

    occurrence = models.OneToOneField(
        Occurrence, on_delete=models.CASCADE, primary_key=True, related_name="session_plan"
    )
    didactic_topic = models.CharField(_("didactic topic"), max_length=200, blank=True)
    didactic_presenter = models.CharField(_("didactic presenter"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session plan")

    def __str__(self) -> str:
        return self.didactic_topic or str(self.occurrence_id)


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> RegistrationQuerySet:
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.REGISTERED)


class Registration(QuickChoiceLabels, models.Model):
    """A member's place (or place in the queue) at one occurrence. One row per member and
    occurrence; cancelling and registering again reuse it."""

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="registrations"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    queued_at = models.DateTimeField(
        _("joined the waiting list at"), null=True, blank=True, db_index=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_for = models.DateTimeField(
        _("reminder sent for start time"),
        null=True,
        blank=True,
        help_text=_("The start time the last reminder announced; a moved session gets a new one."),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "member"], name="events_registration_unique"
            )
        ]
        indexes = [models.Index(fields=["occurrence", "status"])]

    def __str__(self) -> str:
        return f"{self.member} → {self.occurrence_id} ({self.status})"


class AttendanceSource(models.TextChoices):
    LIVE = "live", _("Live connection")
    CHECK_IN = "check_in", _("Check-in")
    MANUAL = "manual", _("Marked by hand")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class AttendanceQuerySet(models.QuerySet):
    def present(self) -> AttendanceQuerySet:
        return self.filter(status=AttendanceStatus.PRESENT, minutes__gt=0)


class Attendance(QuickChoiceLabels, models.Model):
    """Presence of one member at one occurrence: the record CPD and evaluation count."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    minutes = models.PositiveIntegerField(_("minutes present"), default=0)
    source = models.CharField(_("recorded by"), max_length=10, choices=AttendanceSource.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "member"], name="events_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} at {self.occurrence_id}: {self.status} {self.minutes} min"

    @property
    def adjusted(self) -> bool:
        """True once anyone changed the record by hand after it was first made."""
        return self.changes.exclude(old_status="").exists()


class AttendanceChange(QuickChoiceLabels, models.Model):
    """Audit trail of a manual change to an attendance record."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    old_status = models.CharField(max_length=10, choices=AttendanceStatus.choices, blank=True)
    new_status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    old_minutes = models.PositiveIntegerField(null=True, blank=True)
    new_minutes = models.PositiveIntegerField()
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.old_status or '–'} {self.old_minutes} → {self.new_status} {self.new_minutes}"


class AgeBand(models.TextChoices):
    NEONATE = "neonate", _("Newborn (under 28 days)")
    INFANT = "infant", _("Infant (under 1 year)")
    YEARS_1_4 = "1_4", _("1 to 4 years")
    YEARS_5_11 = "5_11", _("5 to 11 years")
    YEARS_12_17 = "12_17", _("12 to 17 years")
    YEARS_18_25 = "18_25", _("18 to 25 years (transition)")


class ConditionGroup(models.TextChoices):
    """Together for Short Lives (ACT) categories of life-limiting conditions."""

    ACT_1 = "act1", _("Category 1: curative treatment possible but may fail")
    ACT_2 = "act2", _("Category 2: premature death inevitable, long periods of normal activity")
    ACT_3 = "act3", _("Category 3: progressive conditions without curative treatment")
    ACT_4 = "act4", _("Category 4: irreversible but non-progressive, with complex needs")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted for the session")
    DECLINED = "declined", _("Declined")
    PRESENTED = "presented", _("Presented")


class Case(QuickChoiceLabels, models.Model):
    """A de-identified case submitted for discussion at one ECHO session."""

    MAX_SUMMARY = 4000
    MAX_QUESTION = 1000

    occurrence = models.ForeignKey(Occurrence, on_delete=models.PROTECT, related_name="cases")
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("short title"), max_length=120)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    condition_group = models.CharField(
        _("condition group"), max_length=5, choices=ConditionGroup.choices
    )
    summary = models.TextField(_("de-identified summary"), max_length=MAX_SUMMARY)
    question = models.TextField(_("question for the panel"), max_length=MAX_QUESTION)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    review_note = models.TextField(_("note from the reviewer"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    agenda_position = models.PositiveSmallIntegerField(null=True, blank=True)
    recommendations_sent_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agenda_position", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "agenda_position"],
                condition=Q(agenda_position__isnull=False),
                name="events_case_agenda_position_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:case_detail", args=[self.pk])


class Recommendation(models.Model):
    """What the panel recommends for a case, written by a facilitator."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recommendations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("recommendation"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a member's personal calendar feed. Resetting replaces it."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.member}"


# --- The live session room --------------------------------------------------------------------


class LiveState(models.Model):
    """What the live room of one ECHO session shows now. The database is the record."""

    occurrence = models.OneToOneField(
        Occurrence, on_delete=models.CASCADE, primary_key=True, related_name="live_state"
    )
    current_item = models.CharField(_("agenda item now running"), max_length=40, blank=True)
    current_case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_taken = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    def __str__(self) -> str:
        return f"Live state of {self.occurrence_id}"


class ChatMessage(models.Model):
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="chat_messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=2000)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["occurrence", "sent_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class HandRaise(models.Model):
    """A raised hand; it stays in the queue until lowered, taken or cleared."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="hands")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, blank=True)  # lowered, taken, cleared

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "member"],
                condition=Q(resolved_at__isnull=True),
                name="events_one_raised_hand_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.occurrence_id}"


class Poll(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(max_length=300)
    options = models.JSONField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        return self.question


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    option = models.PositiveSmallIntegerField()
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="events_one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.option}"


class PresenceInterval(models.Model):
    """One websocket connection's stay in the room: join, last heartbeat, leave."""

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="presence_intervals"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200)
    joined_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["occurrence", "left_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.joined_at:%H:%M}–{self.left_at or '…'}"
