"""Members of the network and the organisations they work for."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import QuickChoiceLabels


class StaffGroup(models.TextChoices):
    CLINICAL = "clinical", _("Clinical")
    NON_CLINICAL = "non_clinical", _("Non-clinical")
    UNIVERSAL_SERVICE = "universal_service", _("Universal service")


class Profession(models.TextChoices):
    NURSE = "nurse", _("Nurse")
    DOCTOR = "doctor", _("Doctor")
    ALLIED_HEALTH = "allied_health", _("Allied health professional")
    PHARMACIST = "pharmacist", _("Pharmacist")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    HEALTHCARE_ASSISTANT = "healthcare_assistant", _("Healthcare assistant")
    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager")
    FAMILY_SUPPORT = "family_support", _("Family support worker")
    CHAPLAIN = "chaplain", _("Chaplain or spiritual care")
    TEACHER = "teacher", _("Teacher or teaching assistant")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SCHOOL_NURSE = "school_nurse", _("School nurse")
    OTHER = "other", _("Other")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class OrganisationKind(models.TextChoices):
    HOSPITAL_TRUST = "hospital_trust", _("NHS hospital trust")
    HOSPICE = "hospice", _("Children's hospice")
    COMMUNITY_NURSING = "community_nursing", _("Community children's nursing team")
    GP_PRACTICE = "gp_practice", _("GP practice")
    SOCIAL_CARE = "social_care", _("Local authority social care")
    EDUCATION = "education", _("School or education setting")
    OTHER = "other", _("Charity or other")


class NetworkRole(models.TextChoices):
    HUB = "hub", _("Hub")
    SPOKE = "spoke", _("Spoke")
    ASSOCIATE = "associate", _("Associate")


class Rurality(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    MIXED = "mixed", _("Mixed")


class OrganisationQuerySet(models.QuerySet):
    def hubs(self) -> OrganisationQuerySet:
        return self.filter(network_role=NetworkRole.HUB)

    def with_member_counts(self) -> OrganisationQuerySet:
        return self.annotate(
            member_count=models.Count(
                "members", filter=models.Q(members__approval_status=ApprovalStatus.APPROVED)
            )
        )


class Organisation(QuickChoiceLabels, models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    is_nhs = models.BooleanField(_("NHS organisation"), default=False)
    network_role = models.CharField(
        _("network role"), max_length=16, choices=NetworkRole.choices, default=NetworkRole.SPOKE
    )
    hub = models.ForeignKey(
        "self",
        verbose_name=_("hub"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spokes",
        limit_choices_to={"network_role": NetworkRole.HUB},
        help_text=_("For spokes and associates: the hub organisation they work with."),
    )
    locality = models.CharField(_("locality"), max_length=100)
    rurality = models.CharField(_("rurality"), max_length=16, choices=Rurality.choices)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisation leads"),
        blank=True,
        related_name="led_organisations",
        help_text=_("Members who speak for this organisation."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("members:organisation_detail", kwargs={"slug": self.slug})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email)

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("approval_status", ApprovalStatus.APPROVED)
        fields.setdefault("full_name", email.split("@")[0])
        return self.create_user(email, password, **fields)


class User(QuickChoiceLabels, AbstractBaseUser, PermissionsMixin):
    """A person with an account. E-mail is the login; only approved members see member content."""

    email = models.EmailField(_("work e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    unlisted_organisation_name = models.CharField(
        _("organisation not listed"),
        max_length=200,
        blank=True,
        help_text=_("Given at registration when the organisation was not in the list."),
    )
    staff_group = models.CharField(_("staff group"), max_length=32, choices=StaffGroup.choices)
    profession = models.CharField(_("profession"), max_length=32, choices=Profession.choices)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    approval_status = models.CharField(
        _("approval status"),
        max_length=16,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
        db_index=True,
    )
    decided_at = models.DateTimeField(_("approved or declined at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "self",
        verbose_name=_("approved or declined by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True, max_length=2000)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can log in to the Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("registered"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="members_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_approved(self) -> bool:
        return self.is_active and self.approval_status == ApprovalStatus.APPROVED

    @property
    def organisation_display(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        return self.unlisted_organisation_name
