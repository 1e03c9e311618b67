"""Work done once per request and shared by everything in that request that asks for it
again: the header and a dashboard panel both show the forum unread count, three panels
need the organisations the member leads. The result lives on the request object, so it
is per member and gone when the response is sent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db.models import QuerySet

from .queries import count_rows

T = TypeVar("T")

_ATTRIBUTE = "_network_once_per_request"


def once_per_request(request: Any, key: str, compute: Callable[[], T]) -> T:
    """`compute()` the first time `key` is asked for in this request, the same value after.

    Keys are named after the app that computes them (`"forums:unread-count"`). Only for
    what does not change during the request: a view that changes it and then asks again
    must compute it itself."""
    results: dict[str, Any] = request.__dict__.setdefault(_ATTRIBUTE, {})
    if key not in results:
        results[key] = compute()
    return results[key]


def counted_once_per_request(request: Any, querysets: Mapping[str, QuerySet]) -> dict[str, int]:
    """`once_per_request(request, key, queryset.count)` for each key and queryset, with those
    not yet counted in this request counted together, in one query."""
    results: dict[str, Any] = request.__dict__.setdefault(_ATTRIBUTE, {})
    missing = {key: queryset for key, queryset in querysets.items() if key not in results}
    if missing:
        results.update(count_rows(**missing))
    return {key: results[key] for key in querysets}
