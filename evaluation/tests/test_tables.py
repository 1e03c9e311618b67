"""The dashboard's rows drawn in Python are the markup the template fragments drew."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone

from evaluation.metrics import PeripheryRow, ReachRow
from members.models import NetworkRole, Rurality
from members.tests.factories import OrganisationFactory

REACH_FRAGMENT = (
    '{% for row in rows %}<tr class="nhsuk-table__row"><th scope="row" '
    'class="nhsuk-table__header">{{ row.label }}</th><td class="nhsuk-table__cell">'
    "{{ row.members_reached }} / {{ row.members }}{% if row.members_percent is not None %} "
    '({{ row.members_percent }}%){% endif %}</td><td class="nhsuk-table__cell">'
    "{{ row.organisations_reached }} / {{ row.organisations }}</td></tr>{% endfor %}"
)
PERIPHERY_FRAGMENT = (
    "{% load i18n %}{% for row in rows %}<li>{{ row.organisation.name }} "
    '<span class="nc-meta">({{ row.organisation.get_network_role_display }}, '
    "{{ row.organisation.get_rurality_display }}, {{ row.organisation.locality }}; "
    "{% blocktranslate count counter=row.members %}{{ counter }} member{% plural %}"
    "{{ counter }} members{% endblocktranslate %}{% if row.last_attended %}; "
    '{% translate "last attended" %} {{ row.last_attended|date:"M Y" }}{% endif %})'
    "</span></li>{% endfor %}"
)
CSV_FRAGMENT = (
    "{% load i18n %}<p><a href=\"{% url 'evaluation:csv' table %}{% if query_string %}"
    '?{{ query_string }}{% endif %}" download>{{ label }} ({% translate "CSV" %})</a></p>\n'
)


def _both(fragment: str, tag: str, **context) -> tuple[str, str]:
    drawn = Template(fragment).render(Context(context))
    written = Template("{% load evaluation_tables %}" + tag).render(Context(context))
    return drawn, written


@pytest.mark.parametrize("thousands", [False, True])
def test_reach_rows(thousands):
    rows = [
        ReachRow("Hub & <spoke>", 1234, 567, 12, 3),
        ReachRow("No members", 0, 0, 0, 0),
    ]
    with override_settings(USE_THOUSAND_SEPARATOR=thousands):
        drawn, written = _both(REACH_FRAGMENT, "{% reach_rows rows %}", rows=rows)
    assert written == drawn


@pytest.mark.django_db
def test_periphery_items():
    hub = OrganisationFactory(
        name="O'Neill <House>", network_role=NetworkRole.HUB, rurality=Rurality.RURAL
    )
    spoke = OrganisationFactory(network_role=NetworkRole.SPOKE, rurality=Rurality.URBAN)
    late = timezone.make_aware(datetime.datetime(2026, 1, 31, 23, 30), datetime.UTC)
    rows = [PeripheryRow(hub, 1, late), PeripheryRow(spoke, 3, None), PeripheryRow(spoke, 0, None)]
    drawn, written = _both(PERIPHERY_FRAGMENT, "{% periphery_items rows %}", rows=rows)
    assert written == drawn


@pytest.mark.parametrize("query_string", ["", "period=12m&staff_group=clinical"])
def test_csv_link(query_string):
    drawn, written = _both(
        CSV_FRAGMENT,
        '{% csv_link "reach" label %}',
        table="reach",
        label="Download <reach>",
        query_string=query_string,
    )
    assert written == drawn
