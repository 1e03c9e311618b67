"""Documents for members only: anything in a collection with a privacy setting.

The "Members only" collection (created by a data migration) requires sign-in in
Wagtail's own privacy settings; this module narrows that to approved members, and
fails closed: it keys on the collection's privacy setting, not its name, so
renaming or moving the collection keeps its documents private.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from members import permissions

MEMBERS_COLLECTION = "Members only"


def members_collection():
    """The collection new member material goes into (for demo data and editors' help)."""
    from wagtail.models import Collection

    restricted = Collection.objects.filter(view_restrictions__isnull=False).order_by("depth", "pk")
    return restricted.filter(name=MEMBERS_COLLECTION).first() or restricted.first()


def is_members_only(document) -> bool:
    return document.collection.get_view_restrictions().exists()


def guard_document(document, request: HttpRequest) -> HttpResponse | None:
    """Visitors sign in first; signed-in accounts that are not approved members get 404."""
    if not is_members_only(document) or permissions.is_approved_member(request.user):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
