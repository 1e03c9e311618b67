"""The member's own and led organisations, as the dashboard's greeting and panels use them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from members.panels import member_organisations
from members.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_own_and_led_organisations_in_one_query_once_per_request():
    member = UserFactory(organisation=OrganisationFactory(name="Moorside Hospice"))
    for name in ("Westmoor Nursing", "Ashby Children's Ward"):
        OrganisationFactory(name=name).leads.add(member, UserFactory())
    member.organisation.leads.add(UserFactory())  # someone else leads their own
    request = request_for(member)

    with CaptureQueriesContext(connection) as context:
        found = member_organisations(request)
        assert member_organisations(request) is found

    assert len(context.captured_queries) == 1
    assert found.own is not None and found.own.name == "Moorside Hospice"
    assert [org.name for org in found.led] == ["Ashby Children's Ward", "Westmoor Nursing"]


def test_a_lead_of_their_own_organisation_and_a_member_without_one():
    lead = UserFactory()
    lead.organisation.leads.add(lead)
    assert member_organisations(request_for(lead)).led == [lead.organisation]
    assert member_organisations(request_for(lead)).own == lead.organisation

    alone = UserFactory(organisation=None)
    OrganisationFactory().leads.add(UserFactory())
    found = member_organisations(request_for(alone))
    assert found.own is None and found.led == []
