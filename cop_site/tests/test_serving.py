"""`core.serving.QuickServing` routes every path and finds every page's view restrictions
as Wagtail's own code does, in fewer queries, and forgets what it kept when the tree
changes (issue 15)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from cop_site.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from core.serving import QuickServing
from learning.models import LearningIndexPage
from learning.tests.factories import make_module, make_track

pytestmark = pytest.mark.django_db


def wagtails_route(page, request, components):
    """Wagtail's own routing, all the way down: the mixin passed over at every level."""
    return super(QuickServing, page).route(request, components)


@pytest.fixture
def wagtail_only(monkeypatch):
    """Runs `compute()` with Wagtail's own routing and restrictions in place of ours."""

    def run(compute):
        with monkeypatch.context() as patched:
            patched.setattr(QuickServing, "route", wagtails_route)
            patched.setattr(
                QuickServing,
                "get_view_restrictions",
                lambda page: super(QuickServing, page).get_view_restrictions(),
            )
            return compute()

    return run


@pytest.fixture
def tree():
    """Home, a standard page with a draft child that has a live child, news with an
    article, the learning index with a track and two modules (all routable), a members-only
    section and an alias of the news article outside it."""
    home = HomePage.objects.get(slug="home")
    about = home.add_child(instance=StandardPage(title="About", slug="about", summary="."))
    draft = about.add_child(
        instance=StandardPage(title="Draft", slug="draft", summary=".", live=False)
    )
    draft.add_child(instance=StandardPage(title="Under a draft", slug="under", summary="."))
    news = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    article = news.add_child(
        instance=NewsPage(
            title="Article", slug="article", date=datetime.date(2026, 9, 1), summary="."
        )
    )
    private = home.add_child(
        instance=StandardPage(title="Members", slug="members-only", summary=".")
    )
    private.add_child(instance=StandardPage(title="Inside", slug="inside", summary="."))
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    groups = about.add_child(instance=StandardPage(title="Groups", slug="groups", summary="."))
    restriction = PageViewRestriction.objects.create(page=groups, restriction_type="groups")
    restriction.groups.add(Group.objects.create(name="Some group"))
    article.create_alias(parent=about, update_slug="article-copy")
    track = make_track(LearningIndexPage.objects.get())
    make_module(track, "first-module")
    make_module(track, "second-module")
    return home


PATHS = [
    "",
    "about",
    "about/draft",
    "about/draft/under",
    "about/nothing",
    "about/groups",
    "about/article-copy",
    "news",
    "news/article",
    "news/article/more",
    "members-only",
    "members-only/inside",
    "learning",
    "learning/cpd",
    "learning/cpd/csv",
    "learning/certificates/1",
    "learning/certificates/x",
    "learning/what-it-is",
    "learning/what-it-is/certificate",
    "learning/what-it-is/first-module",
    "learning/what-it-is/first-module/read",
    "learning/what-it-is/second-module/quiz",
    "learning/what-it-is/second-module/nowhere",
    "learning/nowhere/first-module",
    "guidelines",
    "nowhere",
    "nowhere/at/all",
]


def outcome(route_of, home, path):
    """What routing `path` from `home` gives: the page (id and type), and the sub-route's
    view and arguments if it is a routable page's; or 404."""
    request = RequestFactory().get("/" + path)
    components = [component for component in path.split("/") if component]
    try:
        page, args, kwargs = route_of(home, request, components)
    except Http404:
        return "404"
    if args:
        view, view_args, view_kwargs = args
        args = (view.__func__.__name__, tuple(view_args), dict(view_kwargs))
    return (page.pk, type(page).__name__, page.live, args, kwargs, page.get_parent().pk)


@pytest.mark.parametrize("path", PATHS)
def test_every_path_routes_as_with_wagtail(tree, wagtail_only, path):
    home = HomePage.objects.get(pk=tree.pk)
    ours = outcome(lambda page, request, parts: page.route(request, parts), home, path)
    again = outcome(lambda page, request, parts: page.route(request, parts), home, path)
    wagtails = wagtail_only(lambda: outcome(wagtails_route, home, path))
    assert ours == wagtails
    assert again == ours  # the second time from what was kept


def test_a_deep_page_costs_fewer_queries(tree, wagtail_only):
    home = HomePage.objects.get(pk=tree.pk)
    path = "learning/what-it-is/first-module"
    outcome(lambda page, request, parts: page.route(request, parts), home, path)  # kept
    with CaptureQueriesContext(connection) as ours:
        outcome(lambda page, request, parts: page.route(request, parts), home, path)
    with CaptureQueriesContext(connection) as wagtails:
        wagtail_only(lambda: outcome(wagtails_route, home, path))
    # Ours: the three pages, each read once. Wagtail's: each read twice.
    assert len(ours) == 3
    assert len(wagtails) == 6


def routed(home, path):
    return outcome(lambda page, request, parts: page.route(request, parts), home, path)


def test_what_was_kept_is_forgotten_when_the_tree_changes(tree):
    home = HomePage.objects.get(pk=tree.pk)
    assert routed(home, "news/article") != "404"
    article = Page.objects.get(slug="article", depth=4).specific
    article.slug = "renamed"
    article.save()
    assert routed(home, "news/article") == "404"
    assert routed(home, "news/renamed")[0] == article.pk
    article.move(Page.objects.get(slug="about"), pos="last-child")
    assert routed(home, "news/renamed") == "404"
    assert routed(home, "about/renamed")[0] == article.pk
    Page.objects.get(pk=article.pk).specific.unpublish()
    assert routed(home, "about/renamed") == "404"
    Page.objects.get(slug="about").specific.delete()
    assert routed(home, "about") == "404"
    assert routed(home, "about/renamed") == "404"


def restrictions(page):
    return sorted((r.pk, r.restriction_type) for r in page.specific.get_view_restrictions())


def test_every_page_has_the_restrictions_wagtail_finds(tree, wagtail_only):
    pages = list(Page.objects.filter(depth__gt=1))
    ours = {page.pk: restrictions(page) for page in pages}
    wagtails = wagtail_only(lambda: {page.pk: restrictions(page) for page in pages})
    assert ours == wagtails
    assert sum(1 for found in ours.values() if found) == 3  # members-only, inside, groups


def test_a_new_restriction_applies_at_once(tree):
    about = Page.objects.get(slug="about").specific
    assert restrictions(about) == []
    restriction = PageViewRestriction.objects.create(page=about, restriction_type="login")
    assert restrictions(about) == [(restriction.pk, "login")]
    assert (restriction.pk, "login") in restrictions(Page.objects.get(slug="draft"))
    restriction.delete()
    assert restrictions(about) == []


def test_a_page_with_no_restriction_reads_none(tree):
    article = Page.objects.get(slug="article", depth=4).specific
    restrictions(article)
    with CaptureQueriesContext(connection) as captured:
        assert list(article.get_view_restrictions()) == []
    assert len(captured) == 0


def test_every_page_model_serves_quickly():
    from django.apps import apps

    page_models = [
        model
        for model in apps.get_models()
        if issubclass(model, Page) and model is not Page and model._meta.app_label != "wagtailcore"
    ]
    ours = {"cop_site", "events", "evaluation", "forums", "guidelines", "learning", "returns"}
    project = [m for m in page_models if m.__module__.split(".")[0] in ours]
    assert len(project) >= 10
    assert [m.__name__ for m in project if not issubclass(m, QuickServing)] == []
