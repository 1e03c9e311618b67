"""The site shell keeps the page tree's menu in the cache and forgets it when the tree changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from cop_site.models import HomePage, StandardPage
from core.queries import count_rows
from events.models import Attendance

pytestmark = pytest.mark.django_db


def _footer(client) -> str:
    page = client.get(reverse("members:login")).content.decode()
    return page[page.index('class="nhsuk-footer') :]


@pytest.fixture
def home():
    return HomePage.objects.get(slug="home")


def _publish(page: Page) -> None:
    page.save_revision().publish()


def test_publishing_unpublishing_moving_and_deleting_update_the_footer(client, home):
    assert "Our network" not in _footer(client)  # the cache now holds the footer without it
    about = StandardPage(title="Our network", slug="our-network", show_in_menus=True, live=False)
    home.add_child(instance=about)
    assert "Our network" not in _footer(client)
    _publish(about)
    assert 'href="/our-network/"' in _footer(client)

    about.refresh_from_db()
    about.title = "About our network"
    _publish(about)
    assert "About our network" in _footer(client)

    about.refresh_from_db()
    about.unpublish()
    assert "our network" not in _footer(client)

    _publish(StandardPage.objects.get(pk=about.pk))
    parent = StandardPage(title="Parent", slug="parent", show_in_menus=False)
    home.add_child(instance=parent)
    _publish(parent)
    assert "About our network" in _footer(client)
    StandardPage.objects.get(pk=about.pk).move(parent, pos="last-child")
    assert "About our network" not in _footer(client)  # only the home page's children

    moved = StandardPage.objects.get(pk=about.pk)
    moved.move(home, pos="last-child")
    assert "About our network" in _footer(client)
    StandardPage.objects.get(pk=about.pk).delete()
    assert "About our network" not in _footer(client)


def test_a_view_restriction_takes_a_page_out_of_the_footer(client, home):
    about = StandardPage(title="Members corner", slug="corner", show_in_menus=True)
    home.add_child(instance=about)
    _publish(about)
    assert "Members corner" in _footer(client)
    restriction = PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.LOGIN
    )
    assert "Members corner" not in _footer(client)
    restriction.delete()
    assert "Members corner" in _footer(client)


def test_the_shell_reads_the_page_tree_once_until_it_changes(client):
    client.get(reverse("members:login"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("members:login"))
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("members:login"))
    assert not any("wagtailcore_page" in query["sql"] for query in second)
    assert len(first) == len(second)


def test_count_rows_counts_each_queryset_in_one_query(member, coordinator):
    from members.models import User

    querysets = {
        "everyone": User.objects.all(),
        "named_nia": User.objects.filter(full_name__startswith="Nia"),
        "none": User.objects.filter(pk__in=[]),
        "nothing": User.objects.none(),
        "distinct_orgs": User.objects.values("organisation").distinct(),
        "attendance": Attendance.objects.all(),
    }
    with CaptureQueriesContext(connection) as queries:
        counts = count_rows(**querysets)
    assert len(queries) == 1
    assert counts == {name: queryset.count() for name, queryset in querysets.items()}
    assert counts["everyone"] == 2 and counts["named_nia"] == 1 and counts["none"] == 0
    assert count_rows() == {}
