from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "network_role", "hub", "locality", "rurality", "is_nhs"]
    list_filter = ["kind", "network_role", "rurality", "is_nhs"]
    search_fields = ["name", "locality"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["leads"]


class MemberCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "staff_group", "profession"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = MemberCreationForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "organisation", "staff_group", "approval_status"]
    list_filter = ["approval_status", "staff_group", "profession", "groups"]
    search_fields = ["email", "full_name", "organisation__name"]
    readonly_fields = ["decided_at", "decided_by", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Member"),
            {
                "fields": [
                    "full_name",
                    "organisation",
                    "unlisted_organisation_name",
                    "staff_group",
                    "profession",
                    "job_title",
                ]
            },
        ),
        (
            _("Approval"),
            {"fields": ["approval_status", "decided_at", "decided_by", "decline_reason"]},
        ),
        (
            _("Roles and access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "staff_group",
                    "profession",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
