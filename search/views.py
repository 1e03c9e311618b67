from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import permissions as member_permissions

from . import service
from .models import PromotedResult

MAX_PAGE = 1000  # beyond any real list; larger numbers show the last page
KEY = re.compile(r"[a-z_]+\.[a-z_.]+:[0-9]{1,12}")


def _page_number(value: str | None) -> int:
    try:
        return min(MAX_PAGE, max(1, int(str(value or 1)[:12])))
    except (TypeError, ValueError):
        return 1


def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    kind = request.GET.get("kind") or None
    context = {"q": service.query_parsing.clean(raw), "kind": kind}
    if not raw.strip():
        return render(request, "search/results.html", {**context, "result": None})
    if not service.allow_search(request):
        context["rate_limited"] = True
        return render(request, "search/results.html", {**context, "result": None}, status=429)
    result = service.run_search(
        request.user, raw, kind=kind, page=_page_number(request.GET.get("page"))
    )
    can_promote = member_permissions.is_coordinator(request.user)
    pinned = (
        set(
            PromotedResult.objects.filter(query=service.normalise_query(raw)).values_list(
                "key", flat=True
            )
        )
        if can_promote
        else set()
    )
    base = {"q": context["q"], **({"kind": kind} if kind else {})}
    return render(
        request,
        "search/results.html",
        {
            **context,
            "result": result,
            "can_promote": can_promote,
            "pinned": pinned,
            "page_query": urlencode(base),
            "query_only": urlencode({"q": context["q"]}),
        },
        status=503 if result.unavailable else 200,
    )


def suggest(request: HttpRequest) -> JsonResponse:
    """Titles for the search box as the member types (only what they may open)."""
    if not service.allow_search(request, "suggest", service.SUGGEST_RATE_LIMIT):
        return JsonResponse({"suggestions": [], "error": _("Too many searches.")}, status=429)
    return JsonResponse(
        {"suggestions": service.suggestions(request.user, request.GET.get("q", ""))}
    )


@require_POST
def promote(request: HttpRequest) -> HttpResponse:
    """Coordinators pin a result to the top for a query, or unpin it."""
    if not member_permissions.is_coordinator(request.user):
        raise Http404
    query = service.normalise_query(request.POST.get("q", ""))
    key = request.POST.get("key", "")[:200]
    if not query or not KEY.fullmatch(key):
        raise Http404
    if request.POST.get("action") == "unpin":
        PromotedResult.objects.filter(query=query, key=key).delete()
        messages.success(request, _("The result is no longer pinned for this search."))
    else:
        visible = service.get_store().get([key], visibility=service.visibility_for(request.user))
        if not visible:
            raise Http404
        position = PromotedResult.objects.filter(query=query).count()
        PromotedResult.objects.get_or_create(
            query=query, key=key, defaults={"position": position, "created_by": request.user}
        )
        messages.success(request, _("The result is pinned to the top for this search."))
    return redirect(f"{request.path.rsplit('promote/', 1)[0]}?{urlencode({'q': query})}")
