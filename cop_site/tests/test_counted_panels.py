"""Numbers dashboard panels show are counted together in one query, each once per request,
and each panel gets its own number back (issue 15)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from core.dashboard import HOOK_NAME, Counted, DashboardPanel, dashboard_panels
from core.perrequest import counted_once_per_request, once_per_request
from members.models import Organisation
from members.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_counts_not_yet_known_are_counted_together_once():
    request = RequestFactory().get("/")
    OrganisationFactory.create_batch(3)
    UserFactory()
    organisations = Organisation.objects.all()
    with CaptureQueriesContext(connection) as queries:
        first = counted_once_per_request(
            request, {"test:organisations": organisations, "test:none": organisations.none()}
        )
        again = counted_once_per_request(request, {"test:organisations": organisations})
    assert len(queries) == 1
    assert first == {"test:organisations": organisations.count(), "test:none": 0}
    assert again == {"test:organisations": first["test:organisations"]}
    # Anything asking for the same key in the request gets the same number, uncounted.
    assert (
        once_per_request(request, "test:organisations", lambda: -1) == first["test:organisations"]
    )


def test_each_panel_gets_its_own_numbers_in_place():
    OrganisationFactory.create_batch(2)
    request = RequestFactory().get("/")
    request.user = UserFactory()

    def panel_a(request):
        return DashboardPanel(
            order=2,
            template="a.html",
            context={"n": Counted("test:all", Organisation.objects.all()), "label": "A"},
        )

    def panel_b(request):
        wanted = Organisation.objects.filter(name__startswith="no such")
        return DashboardPanel(order=1, template="b.html", context={"n": Counted("test:b", wanted)})

    with (
        hooks.register_temporarily(HOOK_NAME, panel_a),
        hooks.register_temporarily(HOOK_NAME, panel_b),
    ):
        panels = {panel.template: panel for panel in dashboard_panels(request)}
    assert panels["a.html"].context == {"n": Organisation.objects.count(), "label": "A"}
    assert panels["b.html"].context == {"n": 0}
