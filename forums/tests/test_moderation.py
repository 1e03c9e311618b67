"""Reports, hiding and restoring, locking, pinning and moving threads, and the log that
keeps who did what and why."""

from __future__ import annotations

import pytest

from forums import permissions, services
from forums.models import Flag, ModerationAction, Post, Subscription, Thread
from forums.services import ForumError
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def log() -> list[tuple[str, int | None, str]]:
    """The moderation log, oldest first: what was done, by whom and why."""
    return list(ModerationAction.objects.order_by("pk").values_list("kind", "moderator", "reason"))


def moves() -> list[tuple[str, str]]:
    """Each logged move, from and to."""
    return [
        (action.from_category.name, action.to_category.name)
        for action in ModerationAction.objects.filter(kind="move").order_by("pk")
    ]


# Reports


def test_a_member_reports_a_post_once(reply, member):
    flag = services.flag_post(member, reply, "  It could   identify a family ")
    assert flag.reason == "It could identify a family"
    with pytest.raises(ForumError, match="already reported"):
        services.flag_post(member, reply, "Again")
    assert Flag.objects.filter(post=reply).count() == 1


def test_two_members_may_report_the_same_post(reply, member, moderator):
    services.flag_post(member, reply, "Identifiable")
    services.flag_post(UserFactory(), reply, "Advertising")
    assert Flag.objects.filter(post=reply, resolved_at__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Say why"), ("   \n", "Say why"), ("\x00", "Say why"), ("x" * 501, "under 500")],
    ids=["empty", "blank", "nul", "long"],
)
def test_a_report_needs_a_reason(reply, member, reason, message):
    with pytest.raises(ForumError, match=message):
        services.flag_post(member, reply, reason)
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    "person", ["member", "moderator", "coordinator", "pending_user", "superuser"], indirect=True
)
def test_outsiders_cannot_report_posts_they_cannot_see(person, exec_post):
    with pytest.raises(ForumError):
        services.flag_post(person, exec_post, "Curious")
    assert not Flag.objects.exists()


def test_a_hidden_post_cannot_be_reported(reply, member, moderator):
    services.hide_post(moderator, reply, "Spam")
    reply.refresh_from_db()
    with pytest.raises(ForumError):
        services.flag_post(member, reply, "Spam")
    assert not Flag.objects.exists()


# Hiding, restoring, dismissing


@pytest.mark.parametrize("reason", ["", "   ", "\x00\n"])
def test_hiding_needs_a_reason(reply, member, moderator, reason):
    services.flag_post(member, reply, "Identifiable")
    with pytest.raises(ForumError, match="Give a reason"):
        services.hide_post(moderator, reply, reason)
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert Flag.objects.get().resolved_at is None
    assert log() == []


def test_hiding_resolves_the_reports_and_is_logged(reply, member, moderator):
    services.flag_post(member, reply, "Identifiable")
    services.flag_post(UserFactory(), reply, "Also identifiable")
    services.hide_post(moderator, reply, "Names a child")
    reply.refresh_from_db()
    assert reply.is_hidden and reply.is_removed
    assert set(Flag.objects.values_list("resolved_by", flat=True)) == {moderator.pk}
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    action = ModerationAction.objects.get()
    assert (action.kind, action.moderator, action.reason) == ("hide", moderator, "Names a child")
    assert (action.thread_id, action.post_id) == (reply.thread_id, reply.pk)


def test_restoring_is_logged(reply, moderator):
    services.hide_post(moderator, reply, "Names a child")
    services.restore_post(moderator, reply, "The name was the author's own")
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert log() == [
        ("hide", moderator.pk, "Names a child"),
        ("restore", moderator.pk, "The name was the author's own"),
    ]


def test_dismissing_reports_leaves_the_post(reply, member, moderator):
    services.flag_post(member, reply, "I disagree")
    assert services.dismiss_flags(moderator, reply, "Disagreement is not abuse") == 1
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert Flag.objects.get().resolved_by == moderator
    assert log() == [("dismiss", moderator.pk, "Disagreement is not abuse")]


@pytest.mark.parametrize(
    "person", ["member", "other_member", "coordinator", "superuser"], indirect=True
)
def test_only_moderators_moderate(person, thread, reply):
    before = log()
    with pytest.raises(ForumError, match="Only moderators"):
        services.hide_post(person, reply, "Because")
    with pytest.raises(ForumError, match="Only moderators"):
        services.set_thread_state(person, thread, "lock", "Because")
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert not reply.is_hidden and not thread.is_locked
    assert log() == before


def test_a_moderator_outside_the_executive_cannot_moderate_there(
    moderator, exec_thread, exec_post, open_category
):
    for attempt in (
        lambda: services.hide_post(moderator, exec_post, "Checking"),
        lambda: services.set_thread_state(moderator, exec_thread, "pin", "Checking"),
        lambda: services.move_thread(moderator, exec_thread, open_category, "Checking"),
        lambda: services.dismiss_flags(moderator, exec_post, "Checking"),
    ):
        with pytest.raises(ForumError):
            attempt()
    exec_thread.refresh_from_db()
    assert exec_thread.category.name == "Executive business"
    assert log() == []


def test_an_executive_moderator_moderates_the_executive_category(executive_moderator, exec_post):
    services.hide_post(executive_moderator, exec_post, "Draft figures")
    exec_post.refresh_from_db()
    assert exec_post.is_hidden


# Locking and pinning


def test_locking_stops_member_replies_but_not_the_moderator(thread, other_member, moderator):
    services.set_thread_state(moderator, thread, "lock", "Answered")
    thread.refresh_from_db()
    assert thread.is_locked
    with pytest.raises(ForumError, match="locked"):
        services.reply(other_member, thread, "But")
    services.reply(moderator, thread, "Locked: answered above.")
    services.set_thread_state(moderator, thread, "unlock", "Reopened")
    services.reply(other_member, thread, "Thanks for reopening")
    assert log() == [
        ("lock", moderator.pk, "Answered"),
        ("unlock", moderator.pk, "Reopened"),
    ]


def test_a_pinned_thread_comes_first(member, open_category, moderator):
    older = services.start_thread(member, open_category, "House rules", "Be kind")
    newer = services.start_thread(member, open_category, "Newer thread", "Body")
    assert list(open_category.threads.all()) == [newer, older]
    services.set_thread_state(moderator, older, "pin", "Everyone should read this")
    assert list(open_category.threads.all()) == [older, newer]
    services.set_thread_state(moderator, older, "unpin", "Read by now")
    assert list(open_category.threads.all()) == [newer, older]


@pytest.mark.parametrize("kind", ["move", "hide", "delete", "", "LOCK"])
def test_unknown_thread_actions_are_refused(thread, moderator, kind):
    with pytest.raises(ForumError, match="Unknown"):
        services.set_thread_state(moderator, thread, kind, "Reason")
    assert log() == []


# Moving


def test_moving_is_logged_from_and_to(thread, moderator, other_category):
    services.move_thread(moderator, thread, other_category, "Belongs with symptoms")
    thread.refresh_from_db()
    assert thread.category == other_category
    assert log() == [("move", moderator.pk, "Belongs with symptoms")]
    assert moves() == [("General discussion", "Symptom management")]


def test_moving_into_a_restricted_category_unsubscribes_those_who_cannot_follow(
    thread, member, other_member, executive, executive_moderator, exec_category
):
    services.reply(other_member, thread, "Me too")
    services.reply(executive, thread, "This is for the board")
    services.move_thread(executive_moderator, thread, exec_category, "Board matter")
    followers = set(Subscription.objects.filter(thread=thread).values_list("user", flat=True))
    assert followers == {executive.pk}
    assert moves() == [("General discussion", "Executive business")]


def test_a_moderator_cannot_move_a_thread_where_they_cannot_see(
    thread, moderator, exec_category, open_category
):
    with pytest.raises(ForumError, match="cannot move"):
        services.move_thread(moderator, thread, exec_category, "Hide it")
    with pytest.raises(ForumError, match="already in"):
        services.move_thread(moderator, thread, open_category, "Same place")
    thread.refresh_from_db()
    assert thread.category == open_category
    assert log() == []


def test_moving_needs_a_reason(thread, moderator, other_category):
    with pytest.raises(ForumError, match="Give a reason"):
        services.move_thread(moderator, thread, other_category, " ")
    assert Thread.objects.get(pk=thread.pk).category_id != other_category.pk


# Own posts, edits and their history


def test_edit_history_is_kept_for_moderators(member, first_post, moderator):
    services.edit_post(member, first_post, "Edited once")
    services.edit_post(member, first_post, "Edited twice")
    revisions = list(first_post.revisions.values_list("body", flat=True))
    assert revisions == ["How do you set one up at home?", "Edited once"]
    assert permissions.can_see_edit_history(moderator, first_post)
    assert not permissions.can_see_edit_history(member, first_post)


def test_a_moderator_cannot_rewrite_a_members_post(member, first_post, moderator):
    with pytest.raises(ForumError):
        services.edit_post(moderator, first_post, "Rewritten by the moderator")
    assert Post.objects.get(pk=first_post.pk).body == "How do you set one up at home?"
