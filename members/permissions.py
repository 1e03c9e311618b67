"""One predicate per permission rule, used by views, consumers, templates and search.

Every predicate takes the user as given by Django (possibly anonymous) and
answers False rather than raising for anyone it does not apply to. Role
membership is read once per user object and cached on it, so templates and
views may call these freely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import roles
from .models import ApprovalStatus

if TYPE_CHECKING:
    from .models import Organisation

_ROLE_CACHE = "_network_role_names"


def role_names(user: Any) -> frozenset[str]:
    """Names of the network roles (groups) the user holds; empty for anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, _ROLE_CACHE, None)
    if cached is None:
        cached = _read_roles(user)
    return cached


def _read_roles(user: Any) -> frozenset[str]:
    """Read the user's role names, and with them, in the same query, the permissions that
    `members.backends.EmailBackend` would read for the first permission check (Wagtail's
    editors' bar makes one on every page): the member's own and their groups'. A superuser
    or an inactive account has its permissions worked out by the backend as usual."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import CharField, Q, Value
    from django.db.models.functions import Concat

    names = (
        Group.objects.filter(user=user)
        .annotate(kind=Value("role"))
        .values_list("kind", "name")
        .order_by()
    )
    if user.is_superuser or not user.is_active or hasattr(user, "_perm_cache"):
        rows = list(names)
    else:
        permissions = (
            Permission.objects.filter(Q(user=user) | Q(group__user=user))
            .annotate(
                kind=Value("permission"),
                label=Concat(
                    "content_type__app_label", Value("."), "codename", output_field=CharField()
                ),
            )
            .values_list("kind", "label")
            .order_by()
        )
        rows = list(names.union(permissions))
        user._perm_cache = {label for kind, label in rows if kind == "permission"}
    found = frozenset(name for kind, name in rows if kind == "role")
    setattr(user, _ROLE_CACHE, found)
    return found


def prime_roles(users: list[Any]) -> None:
    """Load the roles of many users in one query, so predicates on each need none."""
    from collections import defaultdict

    from .models import User

    names: dict[int, set[str]] = defaultdict(set)
    for user_id, name in User.groups.through.objects.filter(
        user_id__in=[user.pk for user in users]
    ).values_list("user_id", "group__name"):
        names[user_id].add(name)
    for user in users:
        setattr(user, _ROLE_CACHE, frozenset(names[user.pk]))


def forget_roles(user: Any) -> None:
    """Drop the cached roles after the user's groups change."""
    if hasattr(user, _ROLE_CACHE):
        delattr(user, _ROLE_CACHE)


def is_approved_member(user: Any) -> bool:
    """Signed in, active and approved by a coordinator: may see member content."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.approval_status == ApprovalStatus.APPROVED
    )


def _has_role(user: Any, role: str) -> bool:
    return is_approved_member(user) and role in role_names(user)


def is_coordinator(user: Any) -> bool:
    return _has_role(user, roles.COORDINATORS)


def is_facilitator(user: Any) -> bool:
    return _has_role(user, roles.FACILITATORS)


def is_moderator(user: Any) -> bool:
    return _has_role(user, roles.MODERATORS)


def is_executive(user: Any) -> bool:
    return _has_role(user, roles.EXECUTIVE_COMMITTEE)


def is_clinical_steering_member(user: Any) -> bool:
    return _has_role(user, roles.CLINICAL_STEERING_GROUP)


def is_education_steering_member(user: Any) -> bool:
    return _has_role(user, roles.EDUCATION_STEERING_GROUP)


def can_approve_members(user: Any) -> bool:
    """Only coordinators approve or decline registrations."""
    return is_coordinator(user)


def can_view_directory(user: Any) -> bool:
    return is_approved_member(user)


def is_organisation_lead(user: Any, organisation: Organisation) -> bool:
    """The member speaks for the organisation (records its adoption of guidelines, etc.)."""
    if not is_approved_member(user):
        return False
    return organisation.leads.filter(pk=user.pk).exists()
