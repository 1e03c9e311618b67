"""The Wagtail pages: home, standard and news, and who may edit them."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cop_site.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from guidelines.models import GuidelineIndexPage
from learning.models import LearningIndexPage
from members import roles
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return HomePage.objects.get(slug="home")


def test_home_page_is_the_site_root(client, home):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == home
    assert client.get("/").status_code == 200


def test_standard_and_news_pages_render(client, home):
    about = StandardPage(
        title="About the network",
        slug="about",
        summary="Who we are.",
        body=[("text", "<p>The network links hospitals, hospices and schools.</p>")],
        show_in_menus=True,
    )
    home.add_child(instance=about)
    news = NewsIndexPage(title="News", slug="news")
    home.add_child(instance=news)
    article = NewsPage(
        title="First ECHO cycle completes",
        slug="first-cycle",
        date=datetime.date(2026, 9, 1),
        summary="Nine spoke teams took part.",
    )
    news.add_child(instance=article)

    page = client.get("/about/").content.decode()
    assert "The network links hospitals, hospices and schools." in page
    listing = client.get("/news/").content.decode()
    assert "First ECHO cycle completes" in listing
    assert "Nine spoke teams took part." in client.get("/news/first-cycle/").content.decode()
    # In-menu pages are linked from every page's footer, and news from the home page.
    home_page = client.get("/").content.decode()
    assert 'href="/about/"' in home_page
    assert "First ECHO cycle completes" in home_page


def test_news_lists_only_live_articles(client, home):
    news = NewsIndexPage(title="News", slug="news")
    home.add_child(instance=news)
    draft = NewsPage(
        title="Embargoed", slug="embargoed", date=datetime.date(2026, 1, 1), summary="x", live=False
    )
    news.add_child(instance=draft)
    assert "Embargoed" not in client.get("/news/").content.decode()
    assert client.get("/news/embargoed/").status_code == 404


def test_coordinators_can_edit_and_publish_pages_in_the_cms(client, home):
    coordinator = UserFactory(roles=[roles.COORDINATORS])
    client.force_login(coordinator)
    assert client.get("/cms/").status_code == 200
    response = client.post(
        f"/cms/pages/add/cop_site/standardpage/{home.pk}/",
        nested_form_data(
            {
                "title": "Contact the coordinator",
                "slug": "contact",
                "summary": "How to reach us.",
                "body": streamfield([("text", rich_text("<p>Call the network office.</p>"))]),
                "action-publish": "publish",
            }
        ),
    )
    assert response.status_code == 302, response.content[:2000]
    page = StandardPage.objects.get(slug="contact")
    assert page.live
    assert "Call the network office." in client.get("/contact/").content.decode()


@pytest.mark.parametrize("role", [roles.MODERATORS, roles.FACILITATORS, None])
def test_other_roles_have_no_cms_access(client, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    response = client.get("/cms/")
    assert response.status_code == 302
    assert "/cms/login/" in response["Location"]


@pytest.mark.parametrize("role", [roles.EXECUTIVE_COMMITTEE, roles.CLINICAL_STEERING_GROUP])
def test_guideline_reviewers_reach_the_cms_but_edit_no_pages(client, role):
    """They review guidelines in the CMS; they hold no page rights of their own."""
    client.force_login(UserFactory(roles=[role]))
    assert client.get("/cms/").status_code == 200
    group = Group.objects.get(name=role)
    assert not GroupPagePermission.objects.filter(group=group).exists()


def test_forum_moderators_hold_no_page_rights():
    moderators = Group.objects.get(name=roles.MODERATORS)
    assert not moderators.permissions.exists()
    assert not GroupPagePermission.objects.filter(group=moderators).exists()
    assert not Group.objects.filter(name="Editors").exists()


def test_only_the_intended_page_types_can_be_created():
    assert set(HomePage.allowed_subpage_models()) == {
        StandardPage,
        NewsIndexPage,
        GuidelineIndexPage,
        LearningIndexPage,
    }
    # Each section exists once, created by its app's data migration.
    assert not GuidelineIndexPage.can_create_at(Page.objects.type(HomePage).get())
    assert not LearningIndexPage.can_create_at(Page.objects.type(HomePage).get())
    assert NewsIndexPage.allowed_subpage_models() == [NewsPage]
    assert Page.objects.type(HomePage).count() == 1
