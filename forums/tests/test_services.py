"""Threads, replies, edits, deletions, answers and profiles through the services, and the
bad input they refuse with a clear message and nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from forums import services
from forums.models import EmailMode, Post, PostRevision, Subscription, Thread
from forums.services import ForumError
from members.tests.factories import UserFactory

from .factories import OUTSIDERS

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int]:
    return Thread.objects.count(), Post.objects.count()


def test_starting_a_thread_makes_its_first_post(member, open_category):
    thread = services.start_thread(
        member, open_category, "  Oxygen   at  school ", "Does **anyone** have a care plan?"
    )
    thread.refresh_from_db()
    assert thread.title == "Oxygen at school"
    assert thread.author == member
    assert thread.post_count == 1
    post = thread.posts.get()
    assert post.author == member
    assert post.body == "Does **anyone** have a care plan?"
    assert post.body_html == "<p>Does <strong>anyone</strong> have a care plan?</p>"
    assert thread.last_post_at == post.created_at


def test_a_reply_counts_and_moves_the_thread_up(thread, other_member):
    before = Thread.objects.get(pk=thread.pk).last_post_at
    post = services.reply(other_member, thread, "We do.")
    thread.refresh_from_db()
    assert thread.post_count == 2
    assert thread.last_post_at == post.created_at > before
    assert list(thread.posts.values_list("body", flat=True)) == [
        "How do you set one up at home?",
        "We do.",
    ]


def test_a_reply_can_quote_a_post_in_the_same_thread(thread, first_post, other_member):
    post = services.reply(other_member, thread, "> quoted\n\nYes.", quote_of=first_post)
    assert post.quote_of == first_post


def test_quoting_a_post_from_another_thread_is_refused(
    thread, other_member, exec_post, open_category
):
    elsewhere = services.start_thread(other_member, open_category, "Other", "Other thread")
    before = counts()
    for foreign in (elsewhere.posts.get(), exec_post):
        with pytest.raises(ForumError, match="quote a post in this thread"):
            services.reply(other_member, thread, "Quoting", quote_of=foreign)
    assert counts() == before


@pytest.mark.parametrize(
    "title",
    ["", "   ", "ab", " a\x00b ", "x" * 201],
    ids=["empty", "blank", "short", "nul", "long"],
)
def test_bad_titles_are_refused(member, open_category, title):
    before = counts()
    with pytest.raises(ForumError, match="title of 3 to 200 characters"):
        services.start_thread(member, open_category, title, "A body")
    assert counts() == before


BAD_BODIES = {
    "empty": ("", "Write something"),
    "spaces": ("   ", "Write something"),
    "whitespace": (" \n\t\r\n  ", "Write something"),
    "nul bytes": ("\x00\x00 \x00", "Write something"),
    "over long": ("x" * 20_001, "under 20,000 characters; this one has 20,001"),
    "far too long": ("word " * 10_000, "under 20,000 characters"),
}


@pytest.mark.parametrize(("body", "message"), BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_bodies_are_refused_everywhere(
    member, open_category, thread, first_post, body, message
):
    before = counts()
    with pytest.raises(ForumError, match=message):
        services.start_thread(member, open_category, "A good title", body)
    with pytest.raises(ForumError, match=message):
        services.reply(member, thread, body)
    with pytest.raises(ForumError, match=message):
        services.edit_post(member, first_post, body)
    assert counts() == before
    first_post.refresh_from_db()
    assert first_post.body == "How do you set one up at home?"
    assert not PostRevision.objects.exists()


def test_a_post_of_exactly_the_limit_is_accepted(thread, other_member):
    post = services.reply(other_member, thread, "x" * services.BODY_MAX)
    assert len(post.body) == 20_000


def test_nul_bytes_are_removed_from_posts(thread, other_member):
    post = services.reply(other_member, thread, "a\x00b")
    assert post.body == "ab"


@pytest.mark.parametrize("person", [*OUTSIDERS, "declined_user"], indirect=True)
def test_outsiders_cannot_post_in_the_restricted_category(person, exec_category, exec_thread):
    before = counts()
    with pytest.raises(ForumError, match="cannot post in this category"):
        services.start_thread(person, exec_category, "Let me in", "Please")
    with pytest.raises(ForumError, match="cannot post in this thread"):
        services.reply(person, exec_thread, "Hello")
    assert counts() == before


def test_unapproved_accounts_cannot_post_anywhere(pending_user, open_category, thread):
    before = counts()
    with pytest.raises(ForumError):
        services.start_thread(pending_user, open_category, "Hello all", "Hi")
    with pytest.raises(ForumError):
        services.reply(pending_user, thread, "Hi")
    assert counts() == before


def test_a_deleted_thread_takes_no_replies(thread, other_member):
    Thread.objects.filter(pk=thread.pk).update(deleted_at=timezone.now())
    before = counts()
    with pytest.raises(ForumError):
        services.reply(other_member, thread, "Anyone?")
    assert counts() == before


def test_a_locked_thread_takes_replies_from_moderators_only(thread, other_member, moderator):
    services.set_thread_state(moderator, thread, "lock", "Going round in circles")
    before = counts()
    with pytest.raises(ForumError, match="locked"):
        services.reply(other_member, thread, "One more thing")
    assert counts() == before
    services.reply(moderator, thread, "Locked: see the new guideline.")
    assert Post.objects.count() == before[1] + 1


def test_a_moderator_outside_the_executive_cannot_reply_there(moderator, exec_thread):
    before = counts()
    with pytest.raises(ForumError):
        services.reply(moderator, exec_thread, "Moderating")
    assert counts() == before


# The reply flood


def test_the_sixth_post_within_a_minute_is_refused(thread, other_member):
    for n in range(5):
        services.reply(other_member, thread, f"Reply {n}")
    before = counts()
    with pytest.raises(ForumError, match="posting very quickly"):
        services.reply(other_member, thread, "Reply 6")
    assert counts() == before
    assert services.RATE_LIMITS[0] == (datetime.timedelta(minutes=1), 5)


def test_starting_threads_counts_towards_the_flood(member, open_category, thread):
    # `thread` is the member's first post of the minute.
    for n in range(4):
        services.start_thread(member, open_category, f"Thread {n}", "Body")
    before = counts()
    with pytest.raises(ForumError, match="posting very quickly"):
        services.start_thread(member, open_category, "Thread 5", "Body")
    with pytest.raises(ForumError, match="posting very quickly"):
        services.reply(member, thread, "Reply")
    assert counts() == before


def test_the_flood_limit_is_per_member(thread, other_member):
    for n in range(5):
        services.reply(other_member, thread, f"Reply {n}")
    services.reply(UserFactory(), thread, "Someone else may still reply")


def test_posts_older_than_a_minute_do_not_count(thread, other_member):
    for n in range(5):
        services.reply(other_member, thread, f"Reply {n}")
    Post.objects.filter(author=other_member).update(
        created_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    services.reply(other_member, thread, "After a pause")


def test_more_than_forty_posts_an_hour_are_refused(thread, other_member):
    earlier = timezone.now() - datetime.timedelta(minutes=30)
    Post.objects.bulk_create(
        Post(thread=thread, author=other_member, body="b", body_html="<p>b</p>", created_at=earlier)
        for _ in range(40)
    )
    before = counts()
    with pytest.raises(ForumError, match="a lot in the last hour"):
        services.reply(other_member, thread, "Forty-first")
    assert counts() == before


# Edits and deletions


def test_editing_keeps_the_previous_text(member, first_post):
    services.edit_post(member, first_post, "How do you set up a *syringe driver* at home?")
    services.edit_post(member, first_post, "Third version")
    first_post.refresh_from_db()
    assert first_post.body == "Third version"
    assert first_post.body_html == "<p>Third version</p>"
    assert first_post.edited_at is not None
    assert list(first_post.revisions.values_list("body", "edited_by")) == [
        ("How do you set one up at home?", member.pk),
        ("How do you set up a *syringe driver* at home?", member.pk),
    ]


def test_an_unchanged_edit_keeps_no_revision(member, first_post):
    services.edit_post(member, first_post, "  How do you set one up at home?  ")
    first_post.refresh_from_db()
    assert first_post.edited_at is None
    assert not first_post.revisions.exists()


@pytest.mark.parametrize(
    "person",
    ["other_member", "moderator", "coordinator", "executive_moderator", "superuser"],
    indirect=True,
)
def test_nobody_edits_or_deletes_someone_elses_post(person, thread, first_post):
    fresh_reply = services.reply(UserFactory(full_name="Rita Replier"), thread, "Fresh reply")
    for post in (first_post, fresh_reply):
        original = post.body
        with pytest.raises(ForumError, match="only edit your own posts"):
            services.edit_post(person, post, "Rewritten by someone else")
        with pytest.raises(ForumError):
            services.delete_own_post(person, post)
        post.refresh_from_db()
        assert post.body == original
        assert post.deleted_at is None
    assert not PostRevision.objects.exists()


def backdate_thread(thread, minutes: int) -> None:
    """Move the thread's posts back, so a reply can then be backdated and stay a reply."""
    Post.objects.filter(thread=thread).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_members_delete_their_own_reply_within_half_an_hour(thread, other_member, reply):
    backdate_thread(thread, 120)
    Post.objects.filter(pk=reply.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=29)
    )
    services.delete_own_post(other_member, reply)
    reply.refresh_from_db()
    assert reply.deleted_at is not None
    assert reply.is_removed


def test_members_cannot_delete_their_reply_after_half_an_hour(thread, other_member, reply):
    backdate_thread(thread, 120)
    Post.objects.filter(pk=reply.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    with pytest.raises(ForumError, match="30 minutes"):
        services.delete_own_post(other_member, reply)
    reply.refresh_from_db()
    assert reply.deleted_at is None


def test_the_opening_post_cannot_be_deleted(member, first_post):
    with pytest.raises(ForumError):
        services.delete_own_post(member, first_post)
    first_post.refresh_from_db()
    assert first_post.deleted_at is None


# Accepted answers


@pytest.fixture
def question(member, open_category):
    return services.start_thread(
        member, open_category, "Which syringe driver?", "Which one do you use?", is_question=True
    )


def test_the_asker_accepts_an_answer(member, question, other_member):
    answer = services.reply(other_member, question, "The T34.")
    services.accept_answer(member, question, answer)
    question.refresh_from_db()
    assert question.accepted_post == answer


def test_only_the_asker_or_a_moderator_accepts(question, other_member, moderator):
    answer = services.reply(other_member, question, "The T34.")
    with pytest.raises(ForumError, match="Only the person who asked"):
        services.accept_answer(other_member, question, answer)
    question.refresh_from_db()
    assert question.accepted_post is None
    services.accept_answer(moderator, question, answer)
    question.refresh_from_db()
    assert question.accepted_post == answer


def test_an_answer_from_another_thread_or_a_hidden_one_is_refused(
    member, question, thread, first_post, other_member, moderator
):
    answer = services.reply(other_member, question, "Spam")
    services.hide_post(moderator, answer, "Spam")
    answer.refresh_from_db()
    for post in (first_post, answer):
        with pytest.raises(ForumError, match="answer from this thread"):
            services.accept_answer(member, question, post)
    question.refresh_from_db()
    assert question.accepted_post is None


def test_an_ordinary_thread_takes_no_accepted_answer(member, thread, reply):
    with pytest.raises(ForumError):
        services.accept_answer(member, thread, reply)


# Profiles, handles and e-mail choices


def test_every_member_gets_a_unique_handle():
    first = UserFactory(full_name="Sam Jones")
    second = UserFactory(full_name="Sam Jones")
    short = UserFactory(full_name="Al")
    assert first.forum_profile.handle == "sam-jones"
    assert second.forum_profile.handle == "sam-jones-2"
    assert short.forum_profile.handle == f"al-{short.pk}"
    assert first.forum_profile.email_mode == EmailMode.DAILY
    assert first.forum_profile.unsubscribe_token != second.forum_profile.unsubscribe_token


@pytest.mark.parametrize("mode", ["", "hourly", "IMMEDIATE", "none "])
def test_unknown_email_modes_are_refused(member, mode):
    with pytest.raises(ForumError):
        services.set_email_mode(member, mode)
    member.forum_profile.refresh_from_db()
    assert member.forum_profile.email_mode == EmailMode.DAILY


def test_following_and_unfollowing(member, other_member, thread, open_category):
    services.subscribe(other_member, thread=thread)
    services.subscribe(other_member, thread=thread)
    services.subscribe(other_member, category=open_category)
    assert Subscription.objects.filter(user=other_member).count() == 2
    services.unsubscribe(other_member, thread=thread)
    assert list(
        Subscription.objects.filter(user=other_member).values_list("thread", "category")
    ) == [(None, open_category.pk)]
    with pytest.raises(ValueError):
        services.subscribe(other_member)


@pytest.mark.parametrize("person", OUTSIDERS, indirect=True)
def test_outsiders_cannot_follow_the_restricted_category(person, exec_category, exec_thread):
    with pytest.raises(ForumError):
        services.subscribe(person, category=exec_category)
    with pytest.raises(ForumError):
        services.subscribe(person, thread=exec_thread)
    assert not Subscription.objects.filter(user=person).exists()


@pytest.mark.parametrize("slug", ["moderation", "notifications", "settings", "threads", "posts"])
def test_a_category_cannot_take_the_address_of_a_forum_page(slug):
    from django.core.exceptions import ValidationError

    from forums.models import Category

    with pytest.raises(ValidationError):
        Category(name="Clash", slug=slug).full_clean()
