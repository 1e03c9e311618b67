"""What the evaluation dashboard repeats for every organisation or table, rendered in Python.

The reach tables have a row for each organisation and each locality in the network, and the
periphery an item for each organisation that stopped coming, and every table a link to its
CSV; rendered as template fragments per row or link they were most of the page's time.
These tags write the same markup in one pass, every value escaped by `format_html`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from evaluation.metrics import PeripheryRow, ReachRow
from members.models import NetworkRole, Rurality

register = template.Library()

_REACH_ROW = (
    '<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}</th>'
    '<td class="nhsuk-table__cell">{} / {}{}</td><td class="nhsuk-table__cell">{} / {}</td></tr>'
)


def _number(value: int) -> str:
    """`value` as a template prints it: `localize`, whose answer for a whole number without
    thousands separators is `str(value)`."""
    return localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


@register.simple_tag(takes_context=True)
def csv_link(context: template.Context, table: str, label: str) -> SafeString:
    """A paragraph with the link to download `table` as CSV, with the page's filters."""
    query = context.get("query_string")
    return format_html(
        '<p><a href="{}{}" download>{} ({})</a></p>\n',
        reverse("evaluation:csv", args=[table]),
        f"?{query}" if query else "",
        label,
        gettext("CSV"),
    )


@register.simple_tag
def reach_rows(rows: Iterable[ReachRow]) -> SafeString:
    """The body rows of one reach table: members and organisations reached of each group."""
    return format_html_join(
        "",
        _REACH_ROW,
        (
            (
                row.label,
                _number(row.members_reached),
                _number(row.members),
                "" if row.members_percent is None else f" ({_number(row.members_percent)}%)",
                _number(row.organisations_reached),
                _number(row.organisations),
            )
            for row in rows
        ),
    )


@register.simple_tag
def periphery_items(rows: Iterable[PeripheryRow]) -> SafeString:
    """The list items of the organisations none of whose members came lately."""
    roles = {value: str(label) for value, label in NetworkRole.choices}
    ruralities = {value: str(label) for value, label in Rurality.choices}
    last_attended = gettext("last attended")

    def item(row: PeripheryRow) -> SafeString:
        organisation = row.organisation
        members = ngettext("%(counter)s member", "%(counter)s members", row.members) % {
            "counter": _number(row.members)
        }
        return format_html(
            '<li>{} <span class="nc-meta">({}, {}, {}; {}{})</span></li>',
            organisation.name,
            roles.get(organisation.network_role, organisation.network_role),
            ruralities.get(organisation.rurality, organisation.rurality),
            organisation.locality,
            members,
            format_html(
                "; {} {}",
                last_attended,
                date_filter(template_localtime(row.last_attended), "M Y"),
            )
            if row.last_attended
            else "",
        )

    return format_html_join("", "{}", ((item(row),) for row in rows))
