from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ApprovalStatus, Organisation, Profession, StaffGroup, User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Work e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _("Enter a correct e-mail address and password."),
        "inactive": _("This account is inactive."),
        "pending": _(
            "Your registration is waiting for a coordinator to approve it. "
            "We will e-mail you when it has been approved."
        ),
        "declined": _("Your registration was declined. Contact the network coordinator."),
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if user.approval_status == ApprovalStatus.PENDING:
            raise ValidationError(self.error_messages["pending"], code="pending")
        if user.approval_status == ApprovalStatus.DECLINED:
            raise ValidationError(self.error_messages["declined"], code="declined")


class RegistrationForm(forms.Form):
    # One of the two is required; the form says so in their labels and errors.
    unmarked_optional_fields = ("organisation", "unlisted_organisation_name")

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(
        label=_("Work e-mail address"),
        max_length=254,
        help_text=_("Use your work address: the coordinator checks it against your organisation."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Choose your organisation"),
    )
    unlisted_organisation_name = forms.CharField(
        label=_("My organisation is not listed: its name"),
        max_length=200,
        required=False,
        help_text=_("Only if your organisation is not in the list above."),
    )
    staff_group = forms.ChoiceField(
        label=_("Staff group"),
        choices=StaffGroup.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Clinical: you care for children directly in a health role. Non-clinical: "
            "administration, management, family support. Universal service: education, "
            "social care and other services every child uses."
        ),
    )
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[("", _("Choose your profession")), *Profession.choices]
    )
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only numbers, and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "An account with this e-mail address already exists. "
                    "Sign in or reset your password."
                ),
                code="duplicate_email",
            )
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        unlisted = (cleaned.get("unlisted_organisation_name") or "").strip()
        if organisation is None and not unlisted:
            self.add_error(
                "organisation",
                _("Choose your organisation, or give its name if it is not listed."),
            )
        if organisation is not None and unlisted:
            self.add_error(
                "unlisted_organisation_name",
                _("Leave this empty when you have chosen your organisation from the list."),
            )
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            candidate = User(
                email=cleaned.get("email") or "", full_name=cleaned.get("full_name") or ""
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "job_title", "profession", "staff_group"]
        widgets = {"staff_group": forms.RadioSelect}


class ApproveForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Keep the organisation they chose"),
        help_text=_("Needed when the member's organisation was not listed."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "is_nhs", "network_role", "hub", "locality", "rurality"]
