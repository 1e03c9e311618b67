from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, services
from .decorators import member_required, role_required
from .forms import (
    ApproveForm,
    DeclineForm,
    LoginForm,
    OrganisationForm,
    ProfileForm,
    RegistrationForm,
)
from .models import ApprovalStatus, NetworkRole, Organisation, User


class LoginView(auth_views.LoginView):
    template_name = "members/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    template_name = "members/logged_out.html"


@method_decorator(member_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "members/password_change.html"
    success_url = reverse_lazy("members:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "members/password_reset.html"
    email_template_name = "members/email/password_reset_body.txt"
    subject_template_name = "members/email/password_reset_subject.txt"
    success_url = reverse_lazy("members:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "members/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "members/password_reset_confirm.html"
    success_url = reverse_lazy("members:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "members/password_reset_complete.html"


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("/")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_member(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                staff_group=data["staff_group"],
                profession=data["profession"],
                job_title=data["job_title"],
                organisation=data["organisation"],
                unlisted_organisation_name=data["unlisted_organisation_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("members:registration_received")
    return render(request, "members/register.html", {"form": form})


def registration_received(request: HttpRequest) -> HttpResponse:
    return render(request, "members/registration_received.html")


@member_required
def profile(request: HttpRequest) -> HttpResponse:
    member = request.user
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=member.pk))
    if request.method == "POST" and form.is_valid():
        services.update_profile(member, **form.cleaned_data)
        messages.success(request, _("Your details have been saved."))
        return redirect("members:profile")
    return render(request, "members/profile.html", {"form": form, "member": member})


@role_required(permissions.can_approve_members)
def approval_queue(request: HttpRequest) -> HttpResponse:
    pending = (
        User.objects.filter(approval_status=ApprovalStatus.PENDING)
        .select_related("organisation")
        .order_by("date_joined")
    )
    recently_decided = (
        User.objects.exclude(approval_status=ApprovalStatus.PENDING)
        .filter(decided_at__isnull=False)
        .select_related("organisation", "decided_by")
        .order_by("-decided_at")[:10]
    )
    return render(
        request,
        "members/approval_queue.html",
        {
            "pending": pending,
            "recently_decided": recently_decided,
            "approve_form": ApproveForm(),
            "decline_form": DeclineForm(),
        },
    )


def _pending_or_404(member_id: int) -> User:
    return get_object_or_404(User, pk=member_id, approval_status=ApprovalStatus.PENDING)


@require_POST
@role_required(permissions.can_approve_members)
def approve(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _pending_or_404(member_id)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.approve_member(
                member, by=request.user, organisation=form.cleaned_data["organisation"]
            )
        except ValidationError as error:
            messages.error(request, f"{member.full_name}: {' '.join(error.messages)}")
        else:
            messages.success(
                request, _("%(name)s is approved and has been e-mailed.") % {"name": member}
            )
    else:
        messages.error(request, _("Choose an organisation from the list."))
    return redirect("members:approval_queue")


@require_POST
@role_required(permissions.can_approve_members)
def decline(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _pending_or_404(member_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        services.decline_member(member, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("%(name)s's registration is declined and they have been e-mailed.")
            % {"name": member},
        )
    else:
        messages.error(request, " ".join(form.errors.get("reason", [])))
    return redirect("members:approval_queue")


@role_required(permissions.is_coordinator)
def organisation_add(request: HttpRequest) -> HttpResponse:
    initial = {"name": request.GET.get("name", "")[:200]}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(by=request.user, **form.cleaned_data)
        messages.success(request, _("%(name)s has been added.") % {"name": organisation})
        next_url = request.POST.get("next")
        if next_url == "approval_queue":
            return redirect("members:approval_queue")
        return redirect(organisation)
    return render(
        request,
        "members/organisation_form.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@member_required
def organisation_directory(request: HttpRequest) -> HttpResponse:
    approved = User.objects.filter(approval_status=ApprovalStatus.APPROVED, is_active=True)
    organisations = Organisation.objects.with_member_counts().order_by("name")
    hubs = [org for org in organisations if org.network_role == NetworkRole.HUB]
    by_hub: dict[int | None, list[Organisation]] = {}
    for org in organisations:
        if org.network_role != NetworkRole.HUB:
            by_hub.setdefault(org.hub_id, []).append(org)
    hub_rows = [(hub, by_hub.get(hub.pk, [])) for hub in hubs]
    unattached = by_hub.get(None, [])
    return render(
        request,
        "members/organisation_directory.html",
        {
            "hub_rows": hub_rows,
            "unattached": unattached,
            "total_members": approved.count(),
            "total_organisations": len(organisations),
        },
    )


@member_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("hub").prefetch_related(
            Prefetch(
                "members",
                queryset=User.objects.filter(
                    approval_status=ApprovalStatus.APPROVED, is_active=True
                ).order_by("full_name"),
                to_attr="approved_members",
            ),
            "leads",
            "spokes",
        ),
        slug=slug,
    )
    lead_ids = {lead.pk for lead in organisation.leads.all()}
    return render(
        request,
        "members/organisation_detail.html",
        {"organisation": organisation, "lead_ids": lead_ids},
    )
