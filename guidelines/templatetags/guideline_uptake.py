"""What the uptake pages repeat for every organisation, rendered in Python.

The table of organisations has a row for each organisation in the network; rendered as a
template fragment per row it was most of the page's time. `organisation_rows` writes the
same markup in one pass, every value escaped by `format_html`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import template
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from guidelines.uptake import OrganisationRow, Share
from members.models import NetworkRole

register = template.Library()

_ORGANISATION_ROW = (
    '<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{}<br>'
    '<span class="nc-meta nhsuk-body-s">{}{}</span></th>'
    '<td class="nhsuk-table__cell">{}</td><td class="nhsuk-table__cell">{}{}{}</td></tr>'
)


def _number(value: int) -> str:
    """`value` as a template prints it: `localize`, whose answer for a whole number without
    thousands separators is `str(value)`."""
    return localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


@register.filter
def share_text(share: Share) -> str:
    """ "3 of 12 (25%)", or "none to count" when there is nothing to count."""
    if not share.total:
        return gettext("none to count")
    return gettext("%(count)s of %(total)s (%(percent)s%%)") % {
        "count": _number(share.count),
        "total": _number(share.total),
        "percent": _number(share.percent),
    }


@register.simple_tag
def organisation_rows(rows: Iterable[OrganisationRow]) -> SafeString:
    """The body rows of the uptake page's table by organisation. What many rows share (the
    labels of network roles, dates, shares) is worked out once per value."""
    roles = {value: str(label) for value, label in NetworkRole.choices}
    nhs = format_html(" · {}", gettext("NHS"))
    updated: dict[datetime.date, SafeString] = {}
    shares: dict[Share, str] = {}

    def updated_on(moment: datetime.datetime) -> SafeString:
        local = template_localtime(moment)
        day = local.date()
        if day not in updated:
            updated[day] = format_html(
                '<br><span class="nc-meta nhsuk-body-s">{}</span>', date_filter(local, "j M Y")
            )
        return updated[day]

    def share_of(share: Share) -> str:
        if share not in shares:
            shares[share] = share_text(share)
        return shares[share]

    return format_html_join(
        "",
        _ORGANISATION_ROW,
        (
            (
                row.organisation.name,
                roles.get(row.organisation.network_role, row.organisation.network_role),
                nhs if row.organisation.is_nhs else "",
                share_of(row.acknowledged),
                row.status_label,
                format_html('<br><bdi class="nhsuk-body-s">{}</bdi>', row.reason)
                if row.reason
                else "",
                updated_on(row.updated_at) if row.updated_at else "",
            )
            for row in rows
        ),
    )
