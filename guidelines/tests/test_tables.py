"""The uptake pages' rows drawn in Python are the markup the template fragments drew."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone

from guidelines.uptake import OrganisationRow, Share
from members.models import NetworkRole
from members.tests.factories import OrganisationFactory

SHARE_FRAGMENT = (
    "{% load i18n %}{% if share.total %}{% blocktranslate with count=share.count "
    "total=share.total percent=share.percent %}{{ count }} of {{ total }} ({{ percent }}%)"
    '{% endblocktranslate %}{% else %}{% translate "none to count" %}{% endif %}'
)
ROWS_FRAGMENT = (
    '{% load i18n %}{% for row in organisations %}<tr class="nhsuk-table__row"><th scope="row" '
    'class="nhsuk-table__header">{{ row.organisation.name }}<br><span class="nc-meta '
    'nhsuk-body-s">{{ row.organisation.get_network_role_display }}{% if row.organisation.is_nhs %}'
    ' · {% translate "NHS" %}{% endif %}</span></th><td class="nhsuk-table__cell">'
    "{% with share=row.acknowledged %}"
    + SHARE_FRAGMENT.removeprefix("{% load i18n %}")
    + '{% endwith %}</td><td class="nhsuk-table__cell">{{ row.status_label }}{% if row.reason %}'
    '<br><bdi class="nhsuk-body-s">{{ row.reason }}</bdi>{% endif %}{% if row.updated_at %}<br>'
    '<span class="nc-meta nhsuk-body-s">{{ row.updated_at|date:"j M Y" }}</span>{% endif %}'
    "</td></tr>{% endfor %}"
)


@pytest.mark.parametrize("thousands", [False, True])
@pytest.mark.parametrize("share", [Share(3, 12), Share(0, 0), Share(1500, 4000)])
def test_share_text(share, thousands):
    with override_settings(USE_THOUSAND_SEPARATOR=thousands):
        drawn = Template(SHARE_FRAGMENT).render(Context({"share": share}))
        written = Template("{% load guideline_uptake %}{{ share|share_text }}").render(
            Context({"share": share})
        )
    assert written == drawn


@pytest.mark.django_db
def test_organisation_rows():
    hub = OrganisationFactory(name="O'Neill <House>", network_role=NetworkRole.HUB, is_nhs=True)
    spoke = OrganisationFactory(network_role=NetworkRole.SPOKE, is_nhs=False)
    late = timezone.make_aware(datetime.datetime(2026, 3, 28, 23, 30), datetime.UTC)
    organisations = [
        OrganisationRow(hub, Share(2, 3), "adopted", "Adopted", "Local <changes>", late),
        OrganisationRow(spoke, Share(0, 0), "not_reviewed", "Not yet reviewed", "", None),
        OrganisationRow(spoke, Share(2, 3), "declined", "Declined", "", late),
    ]
    context = {"organisations": organisations}
    drawn = Template(ROWS_FRAGMENT).render(Context(context))
    written = Template("{% load guideline_uptake %}{% organisation_rows organisations %}").render(
        Context(context)
    )
    assert written == drawn
