"""Mentions, subscriptions and the notifications they make; immediate e-mails, the daily
digest and the one-click unsubscribe. Nothing reaches anyone who cannot see the post."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from forums import queries, services
from forums.models import EmailMode, Notification, Post, Subscription, Thread
from members import roles
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notified(post) -> dict[str, str]:
    """Who a post notified, by e-mail address, with the kind of notification."""
    return dict(Notification.objects.filter(post=post).values_list("user__email", "kind"))


@pytest.fixture
def tess(db):
    return UserFactory(full_name="Tess Third", email="tess@test.example")


# Mentions


def test_a_mention_notifies_the_member_once(thread, other_member, tess):
    post = services.reply(
        other_member, thread, "@tess-third have a look. Thanks @Tess-Third! (cc @tess-third)"
    )
    assert Notification.objects.filter(post=post, user=tess).count() == 1
    assert notified(post) == {"tess@test.example": "mention", "nia@test.example": "reply"}


@pytest.mark.parametrize(
    "name",
    ["Zoë Ó Briain", "A.B. O'Neil-Jones", "Mary_Jane Smith", "李小龍", "Al", "x" * 80],
)
def test_every_members_handle_can_mention_them(thread, other_member, name):
    mentioned = UserFactory(full_name=name)
    handle = mentioned.forum_profile.handle
    post = services.reply(other_member, thread, f"Over to you, @{handle}.")
    assert Notification.objects.filter(post=post, user=mentioned, kind="mention").exists()


def test_mentioning_yourself_notifies_nobody(thread, other_member):
    post = services.reply(other_member, thread, "As @omar-other said before")
    assert "omar@test.example" not in notified(post)


@pytest.mark.parametrize(
    "body",
    [
        "Type `@tess-third` to mention her",
        "```\n@tess-third\n```",
        "~~~\n@tess-third\n~~~",
        "Type ``@tess-third`` to mention her",
        "An example:\n\n    @tess-third hello\n",
        "Type <code>@tess-third</code> to mention her",
    ],
    ids=["inline", "fence", "tilde-fence", "double-backtick", "indented", "html-code"],
)
def test_a_handle_shown_as_code_is_not_a_mention(thread, other_member, tess, body):
    post = services.reply(other_member, thread, body)
    assert "<code>" in post.body_html
    assert "tess@test.example" not in notified(post)


def test_a_handle_inside_a_quoted_post_is_not_a_new_mention(thread, other_member, tess):
    post = services.reply(other_member, thread, "> @tess-third wrote this earlier\n\nI agree.")
    assert "tess@test.example" not in notified(post)


@pytest.mark.parametrize(
    "body",
    [
        "Write to tess-third@test.example",
        "See /members/@tess-third",
        "@@tess-third",
        "@no-such-member",
    ],
)
def test_things_that_are_not_mentions(thread, other_member, tess, body):
    post = services.reply(other_member, thread, body)
    assert "tess@test.example" not in notified(post)


@pytest.mark.parametrize(
    "person", ["member", "moderator", "coordinator", "pending_user", "superuser"], indirect=True
)
def test_mentioning_an_outsider_in_the_executive_category_tells_them_nothing(
    person, exec_thread, second_executive, immediate, deliver, mailoutbox
):
    handle = services.profile_for(person).handle
    immediate(person)
    with deliver():
        post = services.reply(second_executive, exec_thread, f"@{handle} should not see this")
    with deliver():
        services.send_digests()
    assert not Notification.objects.filter(user=person).exists()
    assert queries.unread_count(person) == 0
    assert [message.to for message in mailoutbox] == [["eve@test.example"]]
    assert notified(post) == {"eve@test.example": "reply"}


def test_mentioning_an_executive_in_their_category_notifies_them(
    exec_thread, executive_moderator, second_executive, immediate, deliver, mailoutbox
):
    immediate(executive_moderator)
    with deliver():
        post = services.reply(second_executive, exec_thread, "@max-chair please chair this")
    assert notified(post)["max@test.example"] == "mention"
    assert [message.to for message in mailoutbox] == [["max@test.example"]]


def test_a_mentioned_member_who_is_no_longer_active_is_not_notified(thread, other_member, tess):
    tess.is_active = False
    tess.save(update_fields=["is_active"])
    post = services.reply(other_member, thread, "@tess-third?")
    assert "tess@test.example" not in notified(post)


# Subscriptions


def test_authors_and_repliers_follow_the_thread(thread, member, other_member):
    assert Subscription.objects.filter(user=member, thread=thread).exists()
    services.reply(other_member, thread, "Me too")
    assert Subscription.objects.filter(user=other_member, thread=thread).exists()


def test_thread_followers_hear_of_replies_but_not_of_their_own(thread, other_member, tess):
    services.reply(other_member, thread, "First reply")
    post = services.reply(tess, thread, "Second reply")
    assert notified(post) == {"nia@test.example": "reply", "omar@test.example": "reply"}
    own = services.reply(other_member, thread, "Third reply")
    assert notified(own) == {"nia@test.example": "reply", "tess@test.example": "reply"}


def test_unfollowing_stops_reply_notifications(thread, member, other_member):
    services.unsubscribe(member, thread=thread)
    post = services.reply(other_member, thread, "Anyone?")
    assert notified(post) == {}


def test_category_followers_hear_of_new_threads(open_category, member, other_member, tess):
    services.subscribe(tess, category=open_category)
    thread = services.start_thread(other_member, open_category, "Transition to adult care", "?")
    assert notified(thread.posts.get()) == {"tess@test.example": "new_thread"}
    own = services.start_thread(tess, open_category, "My own thread", "Mine")
    assert notified(own.posts.get()) == {}


def test_one_notification_per_member_per_post(open_category, other_member, tess):
    services.subscribe(tess, category=open_category)
    thread = services.start_thread(other_member, open_category, "Hello", "Hello @tess-third")
    first = thread.posts.get()
    assert notified(first) == {"tess@test.example": "mention"}
    services.subscribe(tess, thread=thread)
    post = services.reply(other_member, thread, "@tess-third @tess-third again")
    assert Notification.objects.filter(user=tess).count() == 2
    assert notified(post) == {"tess@test.example": "mention"}


def test_a_follower_who_left_the_executive_hears_nothing_more(
    exec_thread, exec_category, executive, second_executive
):
    services.subscribe(second_executive, category=exec_category)
    executive.groups.remove(Group.objects.get(name=roles.EXECUTIVE_COMMITTEE))
    post = services.reply(second_executive, exec_thread, "Minutes attached")
    assert notified(post) == {}
    fresh = services.start_thread(
        UserFactory(roles=[roles.EXECUTIVE_COMMITTEE]), exec_category, "AGM", "When?"
    )
    assert notified(fresh.posts.get()) == {"ezra@test.example": "new_thread"}


# Unread count and marking read


def test_unread_count_and_mark_read(thread, member, other_member, tess):
    first = services.reply(other_member, thread, "One")
    services.reply(tess, thread, "Two")
    assert queries.unread_count(member) == 2
    one = Notification.objects.get(user=member, post=first)
    assert services.mark_read(member, [one.pk]) == 1
    assert queries.unread_count(member) == 1
    assert services.mark_read(member) == 1
    assert queries.unread_count(member) == 0
    assert services.mark_read(member) == 0


def test_members_cannot_mark_someone_elses_notifications(thread, member, other_member, tess):
    services.reply(other_member, thread, "One")
    notification = Notification.objects.get(user=member)
    assert services.mark_read(tess, [notification.pk]) == 0
    assert queries.unread_count(member) == 1


def test_unread_count_leaves_out_what_the_member_cannot_see(
    thread, member, other_member, moderator, exec_thread, executive, second_executive
):
    post = services.reply(other_member, thread, "Spam")
    services.reply(second_executive, exec_thread, "Board only")
    assert queries.unread_count(member) == 1
    assert queries.unread_count(executive) == 1
    services.hide_post(moderator, post, "Spam")
    assert queries.unread_count(member) == 0
    executive.groups.remove(Group.objects.get(name=roles.EXECUTIVE_COMMITTEE))
    assert queries.unread_count(executive) == 0
    assert list(queries.visible_notifications(executive)) == []


def test_deleting_a_reply_withdraws_its_notifications(thread, member, other_member):
    post = services.reply(other_member, thread, "Oops, wrong thread")
    assert queries.unread_count(member) == 1
    services.delete_own_post(other_member, post)
    assert queries.unread_count(member) == 0
    assert not Notification.objects.filter(post=post).exists()


# Immediate e-mails


def test_immediate_members_are_emailed_once_after_commit(
    thread, member, other_member, immediate, deliver, mailoutbox
):
    immediate(member)
    with deliver():
        post = services.reply(other_member, thread, "The regional protocol is on page 4.")
        assert mailoutbox == []
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [member.email]
    assert "Syringe drivers at home" in message.subject
    assert "The regional protocol is on page 4." in message.body
    assert f"http://127.0.0.1:8000{queries.post_url(post)}" in message.body
    token = member.forum_profile.unsubscribe_token
    assert f"http://127.0.0.1:8000/forums/unsubscribe/{token}/" in message.body
    assert Notification.objects.get(user=member).emailed_at is not None
    with deliver():
        assert services.send_digests() == 0
    assert len(mailoutbox) == 1


def test_nothing_is_emailed_for_a_post_that_was_rolled_back(
    thread, member, other_member, immediate, django_capture_on_commit_callbacks, mailoutbox
):
    immediate(member)
    with django_capture_on_commit_callbacks(execute=False):
        services.reply(other_member, thread, "Never committed")
    assert mailoutbox == []


def test_daily_and_none_members_get_no_immediate_email(
    thread, member, other_member, tess, deliver, mailoutbox
):
    services.set_email_mode(other_member, EmailMode.NONE)
    services.reply(other_member, thread, "Following now")
    with deliver():
        services.reply(tess, thread, "Hello both")
    assert mailoutbox == []
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 0


# The daily digest


@pytest.fixture
def busy_thread(thread, member, other_member, tess):
    """Nia (the author) has two notifications, Omar one; both want the daily digest."""
    services.reply(other_member, thread, "Omar's reply")
    services.reply(tess, thread, "Tess's reply")
    return thread


def test_the_digest_sends_one_email_per_member_and_nothing_twice(
    busy_thread, member, other_member, deliver, mailoutbox
):
    with deliver():
        assert services.send_digests() == 2
    assert sorted(message.to[0] for message in mailoutbox) == [member.email, other_member.email]
    to_nia = next(message for message in mailoutbox if message.to == [member.email])
    assert "Omar's reply" in to_nia.body and "Tess's reply" in to_nia.body
    assert to_nia.body.count("Syringe drivers at home") == 2
    assert member.forum_profile.unsubscribe_token in to_nia.body
    to_omar = next(message for message in mailoutbox if message.to == [other_member.email])
    assert "Tess's reply" in to_omar.body and "Omar's reply" not in to_omar.body
    with deliver():
        assert services.send_digests() == 0
    assert len(mailoutbox) == 2
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_digest_command_is_idempotent(busy_thread, deliver, mailoutbox, capsys):
    with deliver():
        call_command("send_forum_digest")
    with deliver():
        call_command("send_forum_digest")
    assert capsys.readouterr().out.splitlines() == ["Sent 2 digest(s).", "Sent 0 digest(s)."]
    assert len(mailoutbox) == 2


def test_the_digest_takes_only_what_is_new(
    busy_thread, member, other_member, tess, deliver, mailoutbox
):
    with deliver():
        services.send_digests()
    mailoutbox.clear()
    services.reply(tess, busy_thread, "A late reply")
    with deliver():
        assert services.send_digests() == 2
    assert all("Omar's reply" not in message.body for message in mailoutbox)


def test_none_members_get_no_digest(busy_thread, member, other_member, deliver, mailoutbox):
    services.set_email_mode(member, EmailMode.NONE)
    with deliver():
        assert services.send_digests() == 1
    assert [message.to for message in mailoutbox] == [[other_member.email]]
    # They still see their notifications on the site.
    assert queries.unread_count(member) == 2


def test_immediate_members_are_not_emailed_again_in_the_digest(
    thread, member, other_member, tess, immediate, deliver, mailoutbox
):
    immediate(member)
    with deliver():
        services.reply(other_member, thread, "First")
        services.reply(tess, thread, "Second")
    assert [message.to for message in mailoutbox] == [[member.email], [member.email]]
    mailoutbox.clear()
    with deliver():
        services.send_digests()
    assert member.email not in [message.to[0] for message in mailoutbox]


def test_the_one_click_unsubscribe_switches_email_off(busy_thread, member, deliver, mailoutbox):
    token = member.forum_profile.unsubscribe_token
    assert services.unsubscribe_by_token(token) == member.forum_profile
    member.forum_profile.refresh_from_db()
    assert member.forum_profile.email_mode == EmailMode.NONE
    with deliver():
        services.send_digests()
    assert member.email not in [message.to[0] for message in mailoutbox]


@pytest.mark.parametrize("token", ["", "x", "a" * 65, "' OR 1=1 --"])
def test_a_wrong_unsubscribe_token_changes_nothing(member, token):
    assert services.unsubscribe_by_token(token) is None
    member.forum_profile.refresh_from_db()
    assert member.forum_profile.email_mode == EmailMode.DAILY


def test_a_thread_moved_into_a_restricted_category_leaves_the_digest(
    busy_thread,
    member,
    other_member,
    tess,
    executive,
    executive_moderator,
    exec_category,
    deliver,
    mailoutbox,
):
    services.reply(executive, busy_thread, "Executive view, before the move")
    services.reply(tess, busy_thread, "Tess again, before the move")
    assert Notification.objects.filter(user=member).count() == 4
    services.move_thread(executive_moderator, busy_thread, exec_category, "Board matter")
    with deliver():
        assert services.send_digests() == 1
    assert [message.to for message in mailoutbox] == [[executive.email]]
    assert not Notification.objects.filter(user__in=[member, other_member]).exists()


def test_the_digest_leaves_out_a_category_the_member_has_since_lost(
    exec_thread, exec_post, executive, deliver, mailoutbox
):
    assert Notification.objects.filter(user=executive).count() == 1
    executive.groups.remove(Group.objects.get(name=roles.EXECUTIVE_COMMITTEE))
    with deliver():
        assert services.send_digests() == 0
    assert mailoutbox == []


def test_the_digest_leaves_out_hidden_and_deleted_posts(
    thread, member, other_member, tess, moderator, deliver, mailoutbox
):
    hidden = services.reply(other_member, thread, "Advertising: buy our pumps")
    deleted = services.reply(tess, thread, "Posted in the wrong place")
    services.hide_post(moderator, hidden, "Advertising")
    services.delete_own_post(tess, deleted)
    kept = services.reply(UserFactory(full_name="Kim Kept"), thread, "Useful answer")
    with deliver():
        services.send_digests()
    to_nia = [message for message in mailoutbox if message.to == [member.email]]
    assert len(to_nia) == 1
    assert "buy our pumps" not in to_nia[0].body
    assert "wrong place" not in to_nia[0].body
    assert f"#post-{kept.pk}" in to_nia[0].body
    assert f"#post-{hidden.pk}" not in to_nia[0].body


def test_the_digest_leaves_out_a_deleted_thread(
    busy_thread, member, other_member, deliver, mailoutbox
):
    """A deleted thread is seen by nobody (`can_view_thread`), so it is e-mailed to nobody."""
    Thread.objects.filter(pk=busy_thread.pk).update(deleted_at=timezone.now())
    assert queries.unread_count(member) == 0
    with deliver():
        services.send_digests()
    assert mailoutbox == []


def test_inactive_members_get_no_email(busy_thread, member, other_member, deliver, mailoutbox):
    member.is_active = False
    member.save(update_fields=["is_active"])
    with deliver():
        assert services.send_digests() == 1
    assert [message.to for message in mailoutbox] == [[other_member.email]]


def test_post_urls_point_at_the_right_page(thread, other_member):
    posts = Post.objects.bulk_create(
        Post(thread=thread, author=other_member, body="b", body_html="<p>b</p>") for _ in range(25)
    )
    assert queries.post_url(posts[0]).endswith(f"?page=1#post-{posts[0].pk}")
    assert queries.post_url(posts[-1]).endswith(f"?page=2#post-{posts[-1].pk}")


def test_forum_emails_carry_one_click_unsubscribe_headers(
    busy_thread, member, other_member, deliver, mailoutbox
):
    with deliver():
        services.send_digests()
    message = next(m for m in mailoutbox if m.to == [member.email])
    token = services.profile_for(member).unsubscribe_token
    assert message.extra_headers["List-Unsubscribe"].endswith(f"/forums/unsubscribe/{token}/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_mention_added_by_an_edit_notifies_only_the_newly_mentioned(
    thread, reply, other_member, executive
):
    colleague = UserFactory()
    handle = services.profile_for(colleague).handle
    Notification.objects.all().delete()

    services.edit_post(other_member, reply, f"We use the regional protocol. @{handle} knows it.")
    services.edit_post(
        other_member, reply, f"We use the regional protocol; @{handle} knows it well."
    )
    outsider_handle = services.profile_for(executive).handle  # can see the open category
    services.edit_post(other_member, reply, f"@{handle} and @{outsider_handle} know it.")

    assert sorted(Notification.objects.values_list("user_id", "kind")) == sorted(
        [(colleague.pk, "mention"), (executive.pk, "mention")]
    )
