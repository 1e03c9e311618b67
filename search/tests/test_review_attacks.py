"""Review: attacks and edge cases on search that the other search tests leave out.

Each test asserts what the product's rules require, so a failure is a bug."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from forums import services as forums
from forums.tests.factories import (  # noqa: F401  (fixtures re-exposed to these tests)
    exec_category,
    executive,
    executive_moderator,
    open_category,
)
from members import roles
from members.tests.factories import UserFactory
from search import indexing, service
from search.models import PromotedResult, SearchDocument

from . import pages

pytestmark = pytest.mark.django_db(transaction=False)

search, text = pages.search, pages.text


def results_area(page: str) -> str:
    """What the page says about results (counts, headings, hits): after the search form."""
    marker = 'class="nc-search-kinds"'
    return page[page.index(marker) :] if marker in page else ""


def suggested(client, prefix):
    return client.get(reverse("search:suggest"), {"q": prefix}).json()["suggestions"]


@pytest.fixture
def threads(commit_hooks, member, executive, open_category, exec_category):  # noqa: F811
    with commit_hooks():
        open_thread = forums.start_thread(
            member, open_category, "Syringe drivers at home", "How do you set one up at home?"
        )
        secret = forums.start_thread(
            executive, exec_category, "Hospice budget syringe review", "Confidential figures."
        )
    return open_thread, secret


@pytest.fixture
def home(db):
    from cop_site.models import HomePage

    return HomePage.objects.get(slug="home")


def publish_page(commit_hooks, parent, title, slug, **fields):
    from cop_site.models import StandardPage

    page = StandardPage(title=title, slug=slug, live=False, **fields)
    parent.add_child(instance=page)
    with commit_hooks():
        page.save_revision().publish()
    return StandardPage.objects.get(pk=page.pk)


# --- Escaping ----------------------------------------------------------------------------------


def test_markup_in_thread_titles_and_posts_is_shown_as_text(
    client,
    commit_hooks,
    open_category,  # noqa: F811
):
    author = UserFactory()
    with commit_hooks():
        forums.start_thread(
            author,
            open_category,
            "<img src=x onerror=alert(1)> Syringe pumps",
            "&lt;script&gt;alert(2)&lt;/script&gt; syringe flush "
            "<b onmouseover=alert(3)>bold</b> `<svg onload=alert(4)>` syringe",
        )
    coordinator = UserFactory(roles=[roles.COORDINATORS])  # sees the pin form too
    client.force_login(coordinator)
    page = text(search(client, "syringe"))
    soup = BeautifulSoup(results_area(page), "html.parser")
    results = soup.find("ol", class_="nc-search-results")
    assert results is not None and "Syringe pumps" in results.get_text()
    for element in results.find_all(True):
        assert element.name not in {"img", "script", "svg", "iframe"}, element
        assert not any(name.lower().startswith("on") for name in element.attrs), element
    lowered = str(results).lower()
    assert "<script" not in lowered and "<svg" not in lowered and "<img" not in lowered


def test_query_and_unknown_kind_are_echoed_escaped(client, member, threads):
    client.force_login(member)
    evil_kind = '"><script>alert(2)</script>'
    response = search(client, "syringe", kind=evil_kind)
    assert response.status_code == 200
    assert "<script>alert(2)" not in text(response)
    assert "Syringe drivers at home" in text(response)  # an unknown kind is ignored
    response = search(client, 'x"><svg onload=alert(1)> syringe', kind=evil_kind)
    assert response.status_code == 200
    assert "<svg onload" not in text(response) and "<script>alert(2)" not in text(response)


def test_spelling_suggestion_never_offers_a_restricted_title_word(client, member, threads):
    client.force_login(member)
    page = text(search(client, "hospice budgte"))
    assert "budget" not in results_area(page).lower()


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["99999999999999999999", str(2**63)])
def test_a_huge_page_number_shows_the_last_page(client, member, threads, number):
    client.force_login(member)
    response = search(client, "syringe", page=number)
    assert response.status_code == 200
    assert "Syringe drivers at home" in text(response)


def test_pinning_with_a_control_character_in_the_key_is_refused_not_an_error(client, threads):
    coordinator = UserFactory(roles=[roles.COORDINATORS])
    client.force_login(coordinator)
    open_thread, _secret = threads
    response = client.post(
        reverse("search:promote"), {"q": "home", "key": f"forums.thread:{open_thread.pk}\x00"}
    )
    assert response.status_code == 404


# --- Forums kept true ----------------------------------------------------------------------------


def test_a_thread_moved_into_a_restricted_category_leaves_outsiders_results(
    client,
    commit_hooks,
    member,
    threads,
    exec_category,  # noqa: F811
    executive_moderator,  # noqa: F811
):
    open_thread, _secret = threads
    client.force_login(member)
    assert "Syringe drivers at home" in text(search(client, "drivers"))
    with commit_hooks():
        forums.move_thread(executive_moderator, open_thread, exec_category, "Executive matter")
    page = text(search(client, "drivers"))
    assert "Syringe drivers at home" not in page
    assert "No results" in page and "Forums (" not in page
    assert "Syringe drivers at home" not in suggested(client, "Syringe dr")


def test_a_category_restricted_from_the_groups_side_hides_its_threads(
    client,
    commit_hooks,
    member,
    threads,
    open_category,  # noqa: F811
):
    group = Group.objects.get_or_create(name=roles.EXECUTIVE_COMMITTEE)[0]
    with commit_hooks():
        group.forum_categories.add(open_category)
    client.force_login(member)
    page = text(search(client, "drivers"))
    assert "No results" in page and "Forums (" not in page
    assert "Syringe drivers at home" not in suggested(client, "Syringe dr")


@pytest.mark.parametrize("how", ["soft", "hard"])
def test_a_deleted_thread_leaves_the_index(client, commit_hooks, member, threads, how):
    open_thread, _secret = threads
    with commit_hooks():
        if how == "soft":
            open_thread.deleted_at = timezone.now()
            open_thread.save()
        else:
            open_thread.delete()
    assert not SearchDocument.objects.filter(key=f"forums.thread:{open_thread.pk}").exists()
    client.force_login(member)
    assert "No results" in text(search(client, "drivers"))
    assert suggested(client, "Syringe dr") == []


def test_an_edited_post_is_not_found_by_its_old_words(client, commit_hooks, member, threads):
    open_thread, _secret = threads
    with commit_hooks():
        reply = forums.reply(member, open_thread, "The code word is xylophone.")
    client.force_login(member)
    assert "Syringe drivers at home" in text(search(client, "xylophone"))
    with commit_hooks():
        forums.edit_post(member, reply, "Nothing to see.")
    assert "No results" in text(search(client, "xylophone"))


def test_a_member_removed_from_a_group_no_longer_finds_its_threads(
    client,
    executive,
    threads,  # noqa: F811
):
    client.force_login(executive)
    assert "Hospice budget syringe review" in text(search(client, "hospice budget"))
    executive.groups.remove(Group.objects.get(name=roles.EXECUTIVE_COMMITTEE))
    page = text(search(client, "hospice budget"))
    assert "Hospice budget" not in results_area(page)
    assert "No results" in page and "Forums (" not in page
    assert suggested(client, "Hospice bu") == []


def test_visitors_get_no_suggestions_from_member_titles(client, threads):
    assert suggested(client, "Hospice bu") == []
    assert suggested(client, "Syringe dr") == []


def test_a_pinned_thread_later_restricted_is_not_shown_to_outsiders(
    client,
    commit_hooks,
    member,
    threads,
    open_category,  # noqa: F811
):
    open_thread, _secret = threads
    coordinator = UserFactory(roles=[roles.COORDINATORS])
    client.force_login(coordinator)
    client.post(reverse("search:promote"), {"q": "home", "key": f"forums.thread:{open_thread.pk}"})
    assert PromotedResult.objects.filter(query="home").exists()
    with commit_hooks():
        open_category.restricted_to.set(
            [Group.objects.get_or_create(name=roles.EXECUTIVE_COMMITTEE)[0]]
        )
    for viewer in (member, coordinator):
        client.force_login(viewer)
        page = text(search(client, "home"))
        assert "Recommended" not in page
        assert "Syringe drivers at home" not in results_area(page)
        assert reverse("forums:thread", args=[open_thread.pk]) not in page


# --- Pages kept true -----------------------------------------------------------------------------


def test_a_module_is_never_found_by_visitors(client, member, db):
    from learning.models import LearningIndexPage
    from learning.tests.factories import make_module, make_track

    track = make_track(LearningIndexPage.objects.get())
    make_module(track, "zanzibar-nebuliser", title="Zanzibar nebuliser care")
    indexing.apply([("page", track.pk)])
    assert "Zanzibar nebuliser care" in [
        entry.hit.title for entry in service.run_search(member, "zanzibar").entries
    ]
    page = text(search(client, "zanzibar"))
    assert "Zanzibar nebuliser" not in results_area(page)
    assert "No results" in page and "Learning (" not in page
    assert suggested(client, "Zanzibar") == []


def test_a_page_moved_under_an_unpublished_parent_is_found_by_nobody(
    client, commit_hooks, member, home
):
    from cop_site.models import StandardPage

    archive = StandardPage(title="Archive", slug="archive", live=False)
    home.add_child(instance=archive)
    child = publish_page(commit_hooks, home, "Quokka transport policy", "quokka")
    assert "Quokka transport policy" in text(search(client, "quokka"))
    with commit_hooks():
        Page.objects.get(pk=child.pk).move(Page.objects.get(pk=archive.pk), pos="last-child")
    for viewer in (None, member):
        if viewer is not None:
            client.force_login(viewer)
        page = text(search(client, "quokka"))
        assert "No results" in page and "Pages (" not in page
        assert suggested(client, "Quokka") == []


@pytest.mark.parametrize("kind", ["login", "password", "groups"])
def test_a_view_restriction_added_to_a_parent_hides_its_children(
    client, commit_hooks, member, home, kind
):
    parent = publish_page(commit_hooks, home, "Members corner", "corner")
    publish_page(commit_hooks, parent, "Wombat handover notes", "wombat")
    assert "Wombat handover notes" in text(search(client, "wombat"))
    with commit_hooks():
        restriction = PageViewRestriction.objects.create(
            page=parent, restriction_type=kind, password="secret" if kind == "password" else ""
        )
        if kind == "groups":
            restriction.groups.set([Group.objects.create(name="Wombat keepers")])
    viewers = {"login": [None], "password": [None, member], "groups": [None, member]}[kind]
    for viewer in viewers:
        if viewer is not None:
            client.force_login(viewer)
        page = text(search(client, "wombat"))
        assert "No results" in page and "Pages (" not in page, (kind, viewer)
        assert suggested(client, "Wombat") == [], (kind, viewer)


def test_a_page_restricted_to_two_groups_in_turn_needs_both(client, commit_hooks, home):
    """Wagtail lets a reader through only if every restriction above the page lets them
    through: a parent for group A and a child for group B is for members of both."""
    alpha, beta = Group.objects.create(name="Alpha"), Group.objects.create(name="Beta")
    parent = publish_page(commit_hooks, home, "Alpha room", "alpha-room")
    child = publish_page(commit_hooks, parent, "Pangolin rota", "pangolin")
    with commit_hooks():
        for page, group in ((parent, alpha), (child, beta)):
            restriction = PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.GROUPS
            )
            restriction.groups.set([group])
    only_beta = UserFactory()
    only_beta.groups.add(beta)
    client.force_login(only_beta)
    assert client.get(child.url).status_code != 200  # Wagtail refuses them the page
    page = text(search(client, "pangolin"))
    assert "Pangolin rota" not in results_area(page)
    assert "No results" in page and "Pages (" not in page
    assert suggested(client, "Pangolin") == []
