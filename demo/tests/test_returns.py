"""The demo network's data returns, as `make run` shows them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.loaders import returns as demo_network
from returns import services
from returns.models import Answer, OrganisationReturn, ReturnStatus, ReturnTemplate

pytestmark = pytest.mark.django_db


def test_the_demo_tells_the_returns_story(client):
    call_command("load_demo_network", verbosity=0)
    assert demo_network.statuses() == {
        "harebell-house-childrens-hospice": ReturnStatus.SUBMITTED,
        "westmoor-city-community-childrens-nursing-team": ReturnStatus.SUBMITTED,
        "eastfell-coast-community-childrens-nursing-team": ReturnStatus.DRAFT,
        "upper-garthdale-community-childrens-nursing-team": ReturnStatus.NOT_STARTED,
    }
    last_year = ReturnTemplate.objects.get(slug=demo_network.PROVISION)
    assert set(last_year.returns.values_list("status", flat=True)) == {ReturnStatus.ACCEPTED}
    jump = Answer.objects.get(
        organisation_return__organisation__slug="harebell-house-childrens-hospice",
        organisation_return__template__slug=f"{demo_network.PROVISION}-2026",
        field__code="home_visits",
    )
    assert jump.value == 905 and "Upper Garthdale" in jump.explanation
    training = OrganisationReturn.objects.get(
        template__slug=demo_network.TRAINING,
        organisation__slug="upper-garthdale-community-childrens-nursing-team",
    )
    assert set(services.suggestions(training)) == {"tracks_completed", "echo_attendances"}
    # The lead sees the return on the dashboard and can open it.
    client.login(username="nurse@demo.example", password="demo-password")
    dashboard = client.get("/").content.decode()
    assert "Community nursing training return 2026/27" in dashboard
    assert client.get(reverse("returns:return", args=[training.pk])).status_code == 200
    assert OrganisationReturn.objects.count() == 10
    # Loading the demo twice is checked once for every app, in
    # evaluation/tests/test_demo_evaluation.py (same output, nothing added).
