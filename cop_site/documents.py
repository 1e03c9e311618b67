"""Documents for members only: anything in the "Members only" collection."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from members import permissions

MEMBERS_COLLECTION = "Members only"


def members_collection():
    from wagtail.models import Collection

    return Collection.objects.filter(name=MEMBERS_COLLECTION, depth=2).first()


def is_members_only(document) -> bool:
    collection = members_collection()
    if collection is None:
        return False
    return document.collection.path.startswith(collection.path)


def guard_document(document, request: HttpRequest) -> HttpResponse | None:
    """Visitors sign in first; signed-in accounts that are not approved members get 404."""
    if not is_members_only(document) or permissions.is_approved_member(request.user):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
