"""View guards built on the predicates in `members.permissions`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import permissions


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Approved members only: visitors go to the login page, pending or declined accounts
    get a page saying why they cannot come in (status 403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_approved_member(request.user):
            return render(request, "members/not_approved.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def role_required(
    predicate: Callable[..., bool],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Approved members for whom `predicate(user)` holds; other members get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @member_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not predicate(request.user):
                return render(request, "403.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
