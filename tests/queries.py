"""Query-count checks for pages (issue 15): a page asks the database a fixed number of
questions, at most `MAX_QUERIES`, however much data it shows.

Each app's `tests/test_page_queries.py` builds its data and calls `assert_flat`; the
numbers come from Django's own `CaptureQueriesContext` on the test database."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

MAX_QUERIES = 15


def queries_of(client, url: str, *, expect: str = "") -> int:
    """The queries of one request, after a first that fills what is kept between requests
    (the shell's page tree, the page caches). The page must answer 200 and contain
    `expect`."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert expect in response.content.decode(), f"{expect!r} is not on {url}"
    return len(captured)


def assert_flat(
    client,
    url: str,
    grow: Callable[[], None],
    *,
    expect: str = "",
    budget: int = MAX_QUERIES,
) -> None:
    """At most `budget` queries before and after `grow()`, and the same number both times;
    after growing, the page shows `expect` (proof that the grown data is on it)."""
    before = queries_of(client, url)
    grow()
    after = queries_of(client, url, expect=expect)
    assert before <= budget, f"{url}: {before} queries, more than {budget}"
    assert after == before, f"{url}: {before} queries, then {after} with more data"
