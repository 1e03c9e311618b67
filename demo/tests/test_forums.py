"""The forums demo: every thread in the content written through the services, dated in
the past, de-identified where cases are discussed, and loaded once only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from core.pii import find_identifiers
from demo.content import ContentError
from demo.loaders import forums as demo_forums
from forums.models import Flag, ModerationAction, Notification, Post, PostRevision, Thread

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "threads": sorted(
            Thread.objects.values_list(
                "title", "category__slug", "author__email", "created_at", "last_post_at"
            )
        ),
        "posts": sorted(Post.objects.values_list("thread__title", "author__email", "created_at")),
        "notifications": sorted(
            Notification.objects.values_list(
                "user__email", "post__created_at", "created_at", "read_at", "emailed_at"
            )
        ),
        "flags": sorted(Flag.objects.values_list("reason", "created_at", "resolved_at")),
        "actions": sorted(ModerationAction.objects.values_list("kind", "created_at")),
    }


def test_every_thread_and_post_in_the_content_is_written_once(loaded_demo):
    threads = Thread.objects.filter(title__in=[spec["title"] for spec in demo_forums.THREADS])
    assert threads.count() == len(demo_forums.THREADS)
    posts = sum(len(spec["posts"]) for spec in demo_forums.THREADS)
    assert Post.objects.filter(thread__in=threads).count() == posts
    assert f"forum threads with {posts} posts;" in loaded_demo
    assert not Post.objects.filter(body__contains="@[").exists()  # every mention resolved
    first = snapshot()
    out = StringIO()
    call_command("load_demo_network", stdout=out)
    assert snapshot() == first


def test_history_is_dated_by_the_services_and_never_in_the_future(loaded_demo):
    now = timezone.now()
    for model, field in (
        (Thread, "created_at"),
        (Thread, "last_post_at"),
        (Post, "created_at"),
        (PostRevision, "edited_at"),
        (Flag, "created_at"),
        (ModerationAction, "created_at"),
    ):
        assert not model.objects.filter(**{f"{field}__gt": now}).exists(), (model, field)
    for thread in Thread.objects.all():
        times = list(thread.posts.order_by("pk").values_list("created_at", flat=True))
        assert times == sorted(times)
        assert (thread.created_at, thread.last_post_at) == (times[0], times[-1])
    # Each notification is as old as the post that made it.
    assert not Notification.objects.exclude(created_at=F("post__created_at")).exists()
    edited = Post.objects.get(edited_at__isnull=False)
    assert edited.revisions.get().edited_at == edited.edited_at > edited.created_at
    hidden = Post.objects.get(is_hidden=True)
    assert ModerationAction.objects.get(post=hidden).created_at > hidden.created_at
    (flag,) = Flag.objects.all()
    assert flag.resolved_at is None and flag.created_at > flag.post.created_at


def test_case_follow_ups_come_after_their_session(loaded_demo):
    for thread in Thread.objects.filter(category__slug="case-follow-up"):
        assert thread.occurrence is not None
        assert thread.created_at > thread.occurrence.end


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    values = value.values() if isinstance(value, dict) else value
    return [text for item in values for text in _texts(item)]


def test_every_case_follow_up_passes_the_identifier_check():
    texts = [
        text
        for spec in demo_forums.THREADS
        if spec["category"] == "case-follow-up"
        for post in spec["posts"]
        for text in _texts(post["body"])
    ]
    assert texts and [text for text in texts if find_identifiers(text)] == []


def test_an_unquoted_time_is_refused_with_a_hint():
    with pytest.raises(ContentError, match="in quotes"):
        demo_forums._time(20 * 60 + 45)  # how YAML reads time: 20:45
