"""Work done once per request and shared by everything in that request that asks for it
again: the header and a dashboard panel both show the forum unread count, three panels
need the organisations the member leads. The result lives on the request object, so it
is per member and gone when the response is sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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
