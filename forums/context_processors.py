"""The unread-notification count in the page header."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest

from members import permissions as member_permissions

from . import queries


def forum_notifications(request: HttpRequest) -> dict:
    """`forum_unread_count` for approved members, counted (one query) only if a template
    uses it; nothing for anyone else."""
    user = getattr(request, "user", None)
    if not member_permissions.is_approved_member(user):
        return {}
    return {"forum_unread_count": cache(lambda: queries.unread_count_for_request(request))}
