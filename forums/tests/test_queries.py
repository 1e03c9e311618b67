"""The number of queries behind each forum list does not grow with the data: measure a
small forum, grow it, and the same page must need no more queries."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F
from django.urls import reverse

from core.sanitise import markdown_to_html
from forums import queries, services
from forums.models import Post, PostRevision, Thread
from members import roles
from members.tests.factories import UserFactory

from .factories import make_category

pytestmark = pytest.mark.django_db


def add_posts(thread: Thread, count: int, authors: list) -> list[Post]:
    """`count` replies, quickly: bulk-created after the thread's last post, by `authors` in
    turn, every tenth quoting the opening post; the thread's count and date follow."""
    html = markdown_to_html("A short **reply** with a [link](https://www.nhs.uk/).")
    opening = thread.posts.order_by("created_at", "pk").first()
    start = thread.posts.order_by("-created_at").values_list("created_at", flat=True).first()
    posts = Post.objects.bulk_create(
        Post(
            thread=thread,
            author=authors[n % len(authors)],
            body="A short **reply** with a [link](https://www.nhs.uk/).",
            body_html=html,
            quote_of=opening if n % 10 == 0 else None,
            created_at=start + datetime.timedelta(seconds=n + 1),
        )
        for n in range(count)
    )
    Thread.objects.filter(pk=thread.pk).update(
        post_count=F("post_count") + count, last_post_at=posts[-1].created_at
    )
    return posts


def last_page(thread: Thread) -> int:
    thread.refresh_from_db()
    return -(-thread.post_count // queries.POSTS_PER_PAGE)


def test_a_thread_of_500_posts_needs_no_more_queries_than_a_short_one(
    member_client, thread, other_member, django_assert_max_num_queries
):
    services.reply(other_member, thread, "A first reply")
    url = thread.get_absolute_url()
    with django_assert_max_num_queries(40) as baseline:
        member_client.get(url)
    allowed = len(baseline.captured_queries)

    add_posts(thread, 500, [UserFactory() for _ in range(25)])
    assert last_page(thread) == 26
    with django_assert_max_num_queries(allowed):
        first = member_client.get(url)
    with django_assert_max_num_queries(allowed):
        last = member_client.get(url, {"page": 26})
    assert first.content.decode().count('class="nc-post__body"') == 20
    assert last.content.decode().count('class="nc-post__body"') == 2


def test_a_long_thread_with_edits_needs_no_more_queries_for_a_moderator(
    thread, member, other_member, moderator, client, django_assert_max_num_queries
):
    client.force_login(moderator)
    post = services.reply(other_member, thread, "A first reply")
    services.edit_post(other_member, post, "A first reply, edited")
    url = thread.get_absolute_url()
    with django_assert_max_num_queries(40) as baseline:
        client.get(url)
    allowed = len(baseline.captured_queries)

    posts = add_posts(thread, 500, [UserFactory() for _ in range(25)])
    PostRevision.objects.bulk_create(
        PostRevision(post=post, body=f"Earlier text {n}", edited_by=post.author)
        for post in posts[:40]
        for n in range(2)
    )
    with django_assert_max_num_queries(allowed):
        response = client.get(url)
    assert response.content.decode().count("Edit history: 2 earlier versions") == 18
    last = last_page(thread)
    with django_assert_max_num_queries(allowed):
        client.get(url, {"page": last})


def start_threads(category, count: int) -> list[Thread]:
    """`count` threads, five per author (the flood limit), some pinned, locked or questions."""
    moderator = UserFactory(roles=[roles.MODERATORS, roles.EXECUTIVE_COMMITTEE])
    threads = []
    authors = [UserFactory() for _ in range(-(-count // 5))]
    for n in range(count):
        thread = services.start_thread(
            authors[n // 5], category, f"Thread number {n}", "Body", is_question=n % 3 == 0
        )
        if n < 5:
            services.reply(UserFactory(), thread, "A reply")
        if n % 7 == 0:
            services.set_thread_state(moderator, thread, "pin", "Useful")
        if n % 11 == 0:
            services.set_thread_state(moderator, thread, "lock", "Done")
        threads.append(thread)
    return threads


def test_the_category_page_needs_no_more_queries_with_many_threads(
    member_client, open_category, django_assert_max_num_queries
):
    start_threads(open_category, 2)
    url = open_category.get_absolute_url()
    with django_assert_max_num_queries(40) as baseline:
        member_client.get(url)
    allowed = len(baseline.captured_queries)

    start_threads(open_category, 60)
    with django_assert_max_num_queries(allowed):
        response = member_client.get(url)
    assert response.content.decode().count("Thread number") == 25
    with django_assert_max_num_queries(allowed):
        member_client.get(url, {"page": 3})


def test_the_forum_index_needs_no_more_queries_with_many_categories(
    client, executive, django_assert_max_num_queries
):
    client.force_login(executive)
    every_role = [roles.EXECUTIVE_COMMITTEE, roles.EDUCATION_STEERING_GROUP]

    def grow(first: int, last: int) -> None:
        for n in range(first, last):
            restricted = {
                0: (),
                1: (roles.EXECUTIVE_COMMITTEE,),
                2: (roles.EXECUTIVE_COMMITTEE, roles.CLINICAL_STEERING_GROUP),
                3: (roles.EDUCATION_STEERING_GROUP,),
            }[n % 4]
            category = make_category(f"Category {n:02d}", restricted_to=restricted, position=n)
            if n % 4 != 3:
                author = UserFactory(roles=every_role)
                services.start_thread(author, category, f"Thread in {n:02d}", "Body")

    grow(0, 2)
    url = reverse("forums:index")
    with django_assert_max_num_queries(40) as baseline:
        client.get(url)
    allowed = len(baseline.captured_queries)

    grow(2, 40)
    with django_assert_max_num_queries(allowed):
        response = client.get(url)
    page = response.content.decode()
    assert page.count("Thread in ") == 30
    assert "Category 03" not in page


def test_notifications_need_no_more_queries_when_there_are_many(
    member_client, member, thread, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(services, "RATE_LIMITS", ())
    replier = UserFactory()
    services.reply(replier, thread, "One")
    url = reverse("forums:notifications")
    with django_assert_max_num_queries(40) as baseline:
        member_client.get(url)
    allowed = len(baseline.captured_queries)

    for _ in range(30):
        services.reply(replier, thread, "Another reply")
    with django_assert_max_num_queries(allowed):
        response = member_client.get(url)
    assert response.content.decode().count("replied in a thread you follow") == 25


def test_the_moderation_queue_needs_no_more_queries_with_many_reports(
    thread, moderator, client, monkeypatch, django_assert_max_num_queries
):
    client.force_login(moderator)
    monkeypatch.setattr(services, "RATE_LIMITS", ())
    author, flagger, second_flagger = UserFactory(), UserFactory(), UserFactory()

    def report(count: int) -> None:
        for _ in range(count):
            post = services.reply(author, thread, "Reported reply")
            services.flag_post(flagger, post, "Reported")
            services.flag_post(second_flagger, post, "Reported again")
            services.hide_post(moderator, services.reply(author, thread, "Hidden"), "Spam")

    report(1)
    url = reverse("forums:moderation")
    with django_assert_max_num_queries(40) as baseline:
        client.get(url)
    allowed = len(baseline.captured_queries)

    report(12)
    with django_assert_max_num_queries(allowed):
        response = client.get(url)
    assert "13 reported posts" in response.content.decode()


def test_the_dashboard_needs_no_more_queries_with_more_forum_activity(
    member_client, open_category, django_assert_max_num_queries
):
    start_threads(open_category, 1)
    with django_assert_max_num_queries(60) as baseline:
        member_client.get("/")
    allowed = len(baseline.captured_queries)

    start_threads(open_category, 20)
    with django_assert_max_num_queries(allowed):
        response = member_client.get("/")
    assert response.content.decode().count("Thread number") == 5


def test_a_reply_needs_no_more_queries_with_many_followers(
    thread, other_member, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Deciding who may be notified is one question to the database, not one per follower."""
    for _ in range(2):
        services.subscribe(UserFactory(), thread=thread)
    with django_assert_max_num_queries(60) as baseline:
        services.reply(other_member, thread, "Reply to a few followers")
    allowed = len(baseline.captured_queries)

    for _ in range(30):
        services.subscribe(UserFactory(), thread=thread)
    author = UserFactory()
    with django_assert_max_num_queries(allowed):
        post = services.reply(author, thread, "Reply to many followers")
    assert post.notifications.count() == 34
