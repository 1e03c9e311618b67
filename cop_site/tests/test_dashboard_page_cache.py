"""What the dashboard keeps of the page tree is forgotten as soon as the tree changes: new,
moved, unpublished and deleted pages, and view restrictions added or removed."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from cop_site.models import HomePage, NewsIndexPage, NewsPage
from core.pagecache import page_tree_cached, public
from learning.models import LearningIndexPage, TrackPage
from learning.tests.factories import make_module, make_track
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client():
    client = Client()
    client.force_login(UserFactory(full_name="Nia Member"))
    return client


def dashboard(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_public_leaves_out_the_same_pages_as_wagtail():
    index = LearningIndexPage.objects.get()
    open_track = make_track(index, title="Open track", slug="open-track")
    closed_track = make_track(index, title="Closed track", slug="closed-track")
    make_module(closed_track, "inside")
    pages = Page.objects.live()

    assert set(public(pages)) == set(pages.public())
    PageViewRestriction.objects.create(page=closed_track, restriction_type="login")
    assert set(public(pages)) == set(pages.public())
    assert closed_track.page_ptr not in set(public(pages))
    assert open_track.page_ptr in set(public(pages))
    PageViewRestriction.objects.all().delete()
    assert set(public(pages)) == set(pages)


def test_an_entry_is_kept_until_a_page_changes():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert page_tree_cached("test:entry", compute) == 1
    assert page_tree_cached("test:entry", compute) == 1
    home = HomePage.objects.get()
    home.save_revision().publish()
    assert page_tree_cached("test:entry", compute) == 2


def test_the_learning_panel_follows_new_restricted_and_unpublished_tracks(member_client):
    index = LearningIndexPage.objects.get()
    first = make_track(index, title="Talking with families", slug="talking")
    make_module(first, "first-conversation")
    assert "Talking with families" in dashboard(member_client)  # now in the cache

    second = make_track(index, title="Managing pain at home", slug="pain")
    make_module(second, "assessing-pain")
    assert "Managing pain at home" in dashboard(member_client)

    restriction = PageViewRestriction.objects.create(page=second, restriction_type="login")
    assert "Managing pain at home" not in dashboard(member_client)
    restriction.delete()
    assert "Managing pain at home" in dashboard(member_client)

    TrackPage.objects.get(pk=second.pk).unpublish()
    assert "Managing pain at home" not in dashboard(member_client)
    TrackPage.objects.get(pk=first.pk).delete()
    assert "Talking with families" not in dashboard(member_client)


def test_the_latest_news_follow_what_is_published(member_client):
    home = HomePage.objects.get()
    news = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    assert "News from the network" not in dashboard(member_client)

    article = NewsPage(
        title="First ECHO cycle completes",
        slug="first-cycle",
        date=datetime.date(2026, 9, 1),
        summary="Nine spoke teams took part.",
        live=False,
    )
    news.add_child(instance=article)
    assert "First ECHO cycle completes" not in dashboard(member_client)
    article.save_revision().publish()
    assert "First ECHO cycle completes" in dashboard(member_client)
    assert "First ECHO cycle completes" in Client().get("/").content.decode()  # and visitors
