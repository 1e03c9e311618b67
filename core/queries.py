"""Small helpers for reading several figures from the database in one round trip."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def count_rows(**querysets: QuerySet) -> dict[str, int]:
    """The number of rows each queryset would return, counted by the database in one query.

    `count_rows(held=occurrences, people=attendances.values("member").distinct())` is
    `{"held": occurrences.count(), "people": ...}` in one `SELECT (…), (…)`. All the
    querysets must use the same database.
    """
    if not querysets:
        return {}
    aliases = {queryset.db for queryset in querysets.values()}
    if len(aliases) != 1:
        raise ValueError("count_rows needs querysets on one database")
    connection = connections[aliases.pop()]
    columns: list[str] = []
    params: list[Any] = []
    for position, queryset in enumerate(querysets.values()):
        try:
            sql, query_params = queryset.order_by().query.sql_with_params()
        except EmptyResultSet:  # e.g. `pk__in=[]` or `.none()`: nothing to ask the database
            columns.append("0")
            continue
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{position})")
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(querysets, row, strict=True)}
