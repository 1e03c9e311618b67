"""The search page as visitors, members and group members see it, with the index kept by
the apps' own services (signals → task → store)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from forums import services as forums
from forums.tests.factories import (  # noqa: F401  (fixtures re-exposed to these tests)
    exec_category,
    executive,
    make_category,
    open_category,
    other_member,
    second_executive,
)
from members import roles
from members.models import ApprovalStatus
from members.tests.factories import UserFactory
from search.models import PromotedResult, SearchDocument

from . import pages

pytestmark = pytest.mark.django_db(transaction=False)

search, text = pages.search, pages.text


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


def test_members_find_open_threads_and_not_restricted_ones(client, member, threads):
    client.force_login(member)
    page = text(search(client, "syringe"))
    assert "Syringe drivers at home" in page
    assert "Hospice budget" not in page
    assert "Forums (1)" in page  # the open thread, not the restricted one


def test_group_members_find_their_restricted_threads(client, executive, threads):  # noqa: F811
    client.force_login(executive)
    page = text(search(client, "hospice budget"))
    assert "Hospice budget syringe review" in page


def test_visitors_see_no_member_content(client, threads):
    page = text(search(client, "syringe"))
    assert "Syringe drivers at home" not in page
    assert "No results" in page


def test_unapproved_accounts_see_what_visitors_see(client, threads):
    pending = UserFactory(approval_status=ApprovalStatus.PENDING)
    client.force_login(pending)
    assert "Syringe drivers at home" not in text(search(client, "syringe"))


def test_restricting_a_category_later_hides_its_threads(
    client,
    commit_hooks,
    member,
    threads,
    open_category,  # noqa: F811
):
    client.force_login(member)
    assert "Syringe drivers at home" in text(search(client, "syringe"))
    with commit_hooks():
        open_category.restricted_to.set(
            [Group.objects.get_or_create(name=roles.EXECUTIVE_COMMITTEE)[0]]
        )
    assert "Syringe drivers at home" not in text(search(client, "syringe"))
    keys = set(
        SearchDocument.objects.filter(title__startswith="Syringe").values_list(
            "visibility", flat=True
        )
    )
    assert all("members" not in key for key in keys)


def test_a_hidden_or_deleted_post_leaves_the_index(client, commit_hooks, member, threads):
    client.force_login(member)
    open_thread, _secret = threads
    with commit_hooks():
        reply = forums.reply(member, open_thread, "We flush the line with saline first.")
    assert "saline" in text(search(client, "saline"))
    moderator = UserFactory(roles=[roles.MODERATORS])
    with commit_hooks():
        forums.hide_post(moderator, reply, "Off topic")
    assert "No results" in text(search(client, "saline"))


def test_a_member_whose_approval_is_withdrawn_sees_no_member_content(client, member, threads):
    client.force_login(member)
    assert "Syringe drivers at home" in text(search(client, "syringe"))
    member.approval_status = ApprovalStatus.DECLINED
    member.save()
    assert "Syringe drivers at home" not in text(search(client, "syringe"))


def test_crawl_restricted_titles_as_an_outsider_finds_nothing(client, member, threads):
    """Every restricted thread's title, searched by a member outside its group: nothing in
    results, counts, snippets or suggestions."""
    from forums.models import Thread

    client.force_login(member)
    restricted = Thread.objects.filter(category__restricted_to__isnull=False).distinct()
    assert restricted.exists()
    for thread in restricted:
        page = text(search(client, thread.title))
        # The query itself is echoed in the title and the box; nothing else may carry it.
        shown = page[page.index('class="nc-search-kinds"') :] if "nc-search-kinds" in page else ""
        assert thread.title not in shown
        assert reverse("forums:thread", args=[thread.pk]) not in page
        assert "Confidential" not in page
        # The forum count is exactly the forum results the outsider is shown.
        forums_only = text(search(client, thread.title, kind="forum"))
        listed = forums_only.count('class="nc-search-result"')
        count = re.search(r"Forums \((\d+)\)", forums_only)
        assert (int(count.group(1)) if count else 0) == listed
        assert reverse("forums:thread", args=[thread.pk]) not in forums_only
        suggestions = client.get(reverse("search:suggest"), {"q": thread.title[:6]}).json()
        assert thread.title not in suggestions["suggestions"]


def test_the_query_stays_in_the_box_and_kinds_filter(client, member, threads):
    client.force_login(member)
    page = text(search(client, "syringe", kind="forum"))
    assert 'value="syringe"' in page
    assert "Syringe drivers at home" in page
    assert "Forums (1)" in page


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "the of",
        '"',
        "-",
        "title:x AND (",
        "*",
        "~",
        "a" * 2000,
        "\x00\x07",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "दर्द",
        '"unclosed phrase',
    ],
)
def test_awkward_queries_get_a_page_never_a_500(client, member, threads, q):
    client.force_login(member)
    response = search(client, q)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in text(response)


@pytest.mark.parametrize("page", ["999", "-3", "abc", "1e9", ""])
def test_page_numbers_out_of_range_show_a_real_page(client, member, threads, page):
    client.force_login(member)
    response = search(client, "syringe", page=page)
    assert response.status_code == 200
    assert "Syringe drivers at home" in text(response)


def test_a_flood_of_searches_is_rate_limited(client, member, threads):
    from search.service import RATE_LIMIT

    client.force_login(member)
    for _ in range(RATE_LIMIT):
        assert search(client, "syringe").status_code == 200
    response = search(client, "syringe")
    assert response.status_code == 429
    assert "Please wait a minute" in text(response)


def test_spelling_help_when_nothing_is_found(client, member, threads):
    client.force_login(member)
    page = text(search(client, "syrnge"))
    assert "Did you mean" in page and "syringe" in page


def test_coordinators_pin_a_result_for_a_query(client, commit_hooks, member, threads):
    coordinator = UserFactory(roles=[roles.COORDINATORS])
    open_thread, _secret = threads
    client.force_login(coordinator)
    response = client.post(
        reverse("search:promote"), {"q": "Home", "key": f"forums.thread:{open_thread.pk}"}
    )
    assert response.status_code == 302
    assert PromotedResult.objects.filter(query="home").exists()
    client.force_login(member)
    page = text(search(client, "home"))
    assert "Recommended" in page
    client.force_login(member)
    assert (
        client.post(
            reverse("search:promote"), {"q": "home", "key": f"forums.thread:{open_thread.pk}"}
        ).status_code
        == 404
    )


def test_pinning_a_result_the_coordinator_cannot_see_is_refused(client, threads):
    coordinator = UserFactory(roles=[roles.COORDINATORS])
    _open, secret = threads
    client.force_login(coordinator)
    response = client.post(
        reverse("search:promote"), {"q": "budget", "key": f"forums.thread:{secret.pk}"}
    )
    assert response.status_code == 404


def test_a_stale_index_entry_is_not_suggested(client, member, threads):
    """Even if the index wrongly said members may see a restricted thread, the final check
    keeps its title out of the suggestions."""
    _open, secret = threads
    SearchDocument.objects.filter(key=f"forums.thread:{secret.pk}").update(visibility=" members ")
    client.force_login(member)
    suggestions = client.get(reverse("search:suggest"), {"q": "Hospice bud"}).json()
    assert suggestions["suggestions"] == []
    assert "Hospice budget" not in text(search(client, "hospice budget"))
