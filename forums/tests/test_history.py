"""The verbs that write a moment take `now` and write it everywhere they write a time, so
that history (the demo, tests) is made by the services themselves, only earlier."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from forums import services
from forums.models import (
    Flag,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from forums.services import ForumError

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def earlier():
    """Noon thirty days ago: well before anything the fixtures make."""
    return timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - 30 * DAY


def test_a_thread_started_earlier_is_dated_then_with_all_it_makes(
    member, other_member, open_category, earlier
):
    services.subscribe(other_member, category=open_category, now=earlier - DAY)
    thread = services.start_thread(
        member, open_category, "Oxygen at school", "Does anyone have a plan?", now=earlier
    )
    thread.refresh_from_db()
    assert (thread.created_at, thread.last_post_at) == (earlier, earlier)
    assert thread.posts.get().created_at == earlier
    assert Subscription.objects.get(user=member, thread=thread).created_at == earlier
    (notification,) = Notification.objects.filter(post__thread=thread)
    assert (notification.user, notification.kind) == (other_member, Notification.Kind.NEW_THREAD)
    assert notification.created_at == earlier
    assert Subscription.objects.get(user=other_member, category=open_category).created_at == (
        earlier - DAY
    )


def test_a_reply_made_earlier_moves_the_thread_to_then(
    member, other_member, open_category, earlier
):
    thread = services.start_thread(member, open_category, "Title", "Opening", now=earlier)
    handle = services.profile_for(member).handle
    later = earlier + DAY
    post = services.reply(other_member, thread, f"Thanks @{handle}", now=later)
    thread.refresh_from_db()
    assert post.created_at == later
    assert thread.last_post_at == later
    assert thread.created_at == earlier
    assert Subscription.objects.get(user=other_member, thread=thread).created_at == later
    assert list(Notification.objects.filter(post=post).values_list("kind", "created_at")) == [
        (Notification.Kind.MENTION, later)
    ]
    # Posting again keeps the moment the member started following.
    services.reply(other_member, thread, "One more thing", now=later + DAY)
    assert Subscription.objects.get(user=other_member, thread=thread).created_at == later


def test_an_edit_made_earlier_dates_the_revision_and_new_mentions(
    member, other_member, open_category, earlier
):
    thread = services.start_thread(member, open_category, "Title", "Opening", now=earlier)
    post = thread.posts.get()
    edited = earlier + 2 * DAY
    handle = services.profile_for(other_member).handle
    services.edit_post(member, post, f"Opening, and @{handle}", now=edited)
    post.refresh_from_db()
    assert post.created_at == earlier
    assert post.edited_at == edited
    assert PostRevision.objects.get(post=post).edited_at == edited
    assert Notification.objects.get(post=post, user=other_member).created_at == edited


def test_reports_and_moderation_made_earlier_are_dated_then(
    reply, member, other_member, moderator, earlier
):
    flag = services.flag_post(member, reply, "Not right", now=earlier)
    assert Flag.objects.get(pk=flag.pk).created_at == earlier
    services.hide_post(moderator, reply, "Unsafe advice", now=earlier + DAY)
    flag.refresh_from_db()
    assert (flag.resolved_at, flag.resolved_by) == (earlier + DAY, moderator)
    services.restore_post(moderator, reply, "Corrected", now=earlier + 2 * DAY)
    services.flag_post(other_member, reply, "Still not right", now=earlier + 3 * DAY)
    assert services.dismiss_flags(moderator, reply, "It is fine", now=earlier + 4 * DAY) == 1
    assert Flag.objects.get(flagged_by=other_member).resolved_at == earlier + 4 * DAY
    actions = ModerationAction.objects.filter(post=reply).order_by("created_at")
    assert list(actions.values_list("kind", "created_at")) == [
        (ModerationAction.Kind.HIDE, earlier + DAY),
        (ModerationAction.Kind.RESTORE, earlier + 2 * DAY),
        (ModerationAction.Kind.DISMISS, earlier + 4 * DAY),
    ]


def test_thread_moderation_made_earlier_is_dated_then(thread, moderator, other_category, earlier):
    services.set_thread_state(moderator, thread, ModerationAction.Kind.PIN, "Useful", now=earlier)
    services.move_thread(moderator, thread, other_category, "Better there", now=earlier + DAY)
    actions = ModerationAction.objects.filter(thread=thread).order_by("created_at")
    assert list(actions.values_list("kind", "created_at")) == [
        (ModerationAction.Kind.PIN, earlier),
        (ModerationAction.Kind.MOVE, earlier + DAY),
    ]


def test_without_now_every_moment_is_the_present(member, open_category, moderator):
    before = timezone.now()
    thread = services.start_thread(member, open_category, "Title", "Opening")
    services.set_thread_state(moderator, thread, ModerationAction.Kind.LOCK, "Done")
    after = timezone.now()
    post = thread.posts.get()
    assert before <= post.created_at <= after
    assert before <= Subscription.objects.get(thread=thread).created_at <= after
    assert before <= ModerationAction.objects.get(thread=thread).created_at <= after


def test_the_flood_limit_counts_the_window_before_an_earlier_now(
    member, other_member, open_category, earlier
):
    # Today's posts do not stop history being written a month ago...
    thread = services.start_thread(member, open_category, "Title", "Opening")
    for n in range(5):
        services.reply(other_member, thread, f"Today {n}")
    services.reply(other_member, thread, "A month ago", now=earlier)
    # ...but a flood a month ago is refused as it would have been then.
    for n in range(4):
        services.reply(
            other_member, thread, f"Then {n}", now=earlier + datetime.timedelta(seconds=n)
        )
    with pytest.raises(ForumError, match="posting very quickly"):
        services.reply(
            other_member, thread, "Too quick", now=earlier + datetime.timedelta(seconds=5)
        )
    assert Post.objects.filter(author=other_member).count() == 10
    assert Thread.objects.get(pk=thread.pk).post_count == 11
