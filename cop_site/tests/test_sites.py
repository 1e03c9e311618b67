"""`core.sites` finds the site of a request as Wagtail does, without a query while the
sites are cached, and forgets them when a site changes (issue 15)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from core.sites import find_site

pytestmark = pytest.mark.django_db

HOSTS = ["localhost", "example.org", "other.example.org", "unknown.example.net"]
PORTS = [80, 443, 8000]

# Each layout is a list of (hostname, port, is_default_site) over the one root page.
LAYOUTS = {
    "one default": [("localhost", 80, True)],
    "one, not default": [("example.org", 80, False)],
    "default and another host": [("localhost", 80, True), ("example.org", 80, False)],
    "default and a host on two ports": [
        ("localhost", 80, True),
        ("example.org", 80, False),
        ("example.org", 8000, False),
    ],
    "a host on two ports, no default": [("example.org", 80, False), ("example.org", 443, False)],
    "default on a host with two ports": [
        ("example.org", 80, True),
        ("example.org", 8000, False),
        ("other.example.org", 443, False),
    ],
    "none": [],
}


def request_for(hostname: str, port: int):
    return RequestFactory().get("/", SERVER_NAME=hostname, SERVER_PORT=str(port))


def lay_out(sites):
    Site.objects.all().delete()
    root = Page.objects.get(depth=2)
    for hostname, port, default in sites:
        Site.objects.create(hostname=hostname, port=port, root_page=root, is_default_site=default)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_same_site_as_wagtails_own_lookup(layout, settings):
    settings.ALLOWED_HOSTS = ["*"]
    lay_out(LAYOUTS[layout])
    for hostname, port in itertools.product(HOSTS, PORTS):
        request = request_for(hostname, port)
        expected = Site._find_for_request(request)
        found = find_site(request)
        assert (found and found.pk) == (expected and expected.pk), (hostname, port)


def test_no_query_once_cached_and_a_changed_site_is_seen(settings):
    settings.ALLOWED_HOSTS = ["*"]
    lay_out([("localhost", 80, True), ("example.org", 80, False)])
    find_site(request_for("example.org", 80))
    with CaptureQueriesContext(connection) as queries:
        found = find_site(request_for("example.org", 80))
    assert len(queries) == 0
    assert found.hostname == "example.org"
    assert found.root_page.depth == 2  # read with the site

    Site.objects.filter(hostname="example.org").get().delete()
    assert find_site(request_for("example.org", 80)).hostname == "localhost"
    site = Site.objects.get()
    site.hostname = "example.org"
    site.save()
    assert find_site(request_for("localhost", 80)).hostname == "example.org"


def test_wagtail_pages_are_served_for_the_cached_site(client):
    """The page view finds its site without asking the database."""
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert not [query for query in queries if "wagtailcore_site" in query["sql"]]
