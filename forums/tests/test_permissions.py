"""The permission predicates: who sees a restricted category, who may reply, edit, delete,
accept an answer and read the edit history."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone

from forums import permissions, services
from members import permissions as member_permissions
from members import roles
from members.tests.factories import UserFactory

from .factories import OUTSIDERS

pytestmark = pytest.mark.django_db

INSIDERS = ["executive", "executive_moderator"]


@pytest.mark.parametrize("person", INSIDERS, indirect=True)
def test_executive_members_see_the_restricted_category_and_everything_in_it(
    person, exec_category, exec_thread, exec_post, open_category
):
    assert list(permissions.visible_categories(person)) == [open_category, exec_category]
    assert permissions.can_view_category(person, exec_category)
    assert permissions.can_view_thread(person, exec_thread)
    assert permissions.can_post_in(person, exec_category)
    assert permissions.can_reply(person, exec_thread)


@pytest.mark.parametrize("person", [*OUTSIDERS, "visitor"], indirect=True)
def test_nobody_else_sees_the_restricted_category(
    person, exec_category, exec_thread, exec_post, open_category
):
    assert exec_category not in permissions.visible_categories(person)
    assert not permissions.can_view_category(person, exec_category)
    assert not permissions.can_view_thread(person, exec_thread)
    assert not permissions.can_post_in(person, exec_category)
    assert not permissions.can_reply(person, exec_thread)
    assert not permissions.can_moderate(person, exec_category)
    assert not permissions.can_see_edit_history(person, exec_post)
    assert not permissions.can_edit_post(person, exec_post)
    assert not permissions.can_delete_post(person, exec_post)


def test_a_moderator_outside_the_executive_cannot_moderate_its_category(
    moderator, executive_moderator, exec_category, open_category
):
    assert permissions.can_moderate(moderator, open_category)
    assert not permissions.can_moderate(moderator, exec_category)
    assert permissions.can_moderate(executive_moderator, exec_category)


@pytest.mark.parametrize(
    "person", ["member", "moderator", "coordinator", "superuser"], indirect=True
)
def test_approved_members_see_open_categories(person, open_category, exec_category):
    assert list(permissions.visible_categories(person)) == [open_category]


@pytest.mark.parametrize("person", ["pending_user", "declined_user", "visitor"], indirect=True)
def test_visitors_and_unapproved_accounts_see_no_category(person, open_category, thread):
    assert list(permissions.visible_categories(person)) == []
    assert not permissions.can_view_thread(person, thread)
    assert not permissions.can_post_in(person, open_category)


def test_deactivated_executive_sees_nothing(executive, exec_category, open_category):
    executive.is_active = False
    executive.save(update_fields=["is_active"])
    assert list(permissions.visible_categories(executive)) == []


def test_leaving_the_executive_takes_the_category_away(executive, exec_category, exec_thread):
    assert permissions.can_view_thread(executive, exec_thread)
    executive.groups.remove(Group.objects.get(name=roles.EXECUTIVE_COMMITTEE))
    member_permissions.forget_roles(executive)
    assert not permissions.can_view_thread(executive, exec_thread)


def test_a_category_restricted_to_two_groups_is_seen_by_both(open_category):
    from .factories import make_category

    steering = make_category(
        "Steering",
        restricted_to=(roles.EXECUTIVE_COMMITTEE, roles.CLINICAL_STEERING_GROUP),
        position=5,
    )
    clinician = UserFactory(roles=[roles.CLINICAL_STEERING_GROUP])
    executive = UserFactory(roles=[roles.EXECUTIVE_COMMITTEE])
    teacher = UserFactory(roles=[roles.EDUCATION_STEERING_GROUP])
    assert permissions.can_view_category(clinician, steering)
    assert permissions.can_view_category(executive, steering)
    assert not permissions.can_view_category(teacher, steering)
    # Two matching groups must not list the category twice.
    both = UserFactory(roles=[roles.EXECUTIVE_COMMITTEE, roles.CLINICAL_STEERING_GROUP])
    assert list(permissions.visible_categories(both)) == [open_category, steering]


def test_a_deleted_thread_is_seen_by_nobody(thread, member, moderator):
    thread.deleted_at = timezone.now()
    thread.save(update_fields=["deleted_at"])
    assert not permissions.can_view_thread(member, thread)
    assert not permissions.can_view_thread(moderator, thread)


def test_only_moderators_reply_to_a_locked_thread(thread, member, other_member, moderator):
    services.set_thread_state(moderator, thread, "lock", "Heated")
    assert not permissions.can_reply(member, thread)
    assert not permissions.can_reply(other_member, thread)
    assert permissions.can_reply(moderator, thread)


@pytest.mark.parametrize(
    "person",
    ["other_member", "moderator", "executive_moderator", "coordinator", "superuser"],
    indirect=True,
)
def test_nobody_edits_someone_elses_post(person, first_post):
    assert not permissions.can_edit_post(person, first_post)
    assert not permissions.can_delete_post(person, first_post)


def test_authors_edit_their_own_post_until_it_is_removed_or_locked(
    member, moderator, thread, first_post
):
    assert permissions.can_edit_post(member, first_post)
    services.hide_post(moderator, first_post, "Off topic")
    first_post.refresh_from_db()
    assert not permissions.can_edit_post(member, first_post)
    services.restore_post(moderator, first_post, "Fine after all")
    first_post.refresh_from_db()
    services.set_thread_state(moderator, thread, "lock", "Resolved")
    first_post.thread.refresh_from_db()
    assert not permissions.can_edit_post(member, first_post)


def test_own_reply_can_be_deleted_for_thirty_minutes(other_member, reply):
    assert permissions.can_delete_post(other_member, reply)
    just_inside = reply.created_at + datetime.timedelta(minutes=29, seconds=59)
    just_outside = reply.created_at + datetime.timedelta(minutes=30, seconds=1)
    assert permissions.can_delete_post(other_member, reply, now=just_inside)
    assert not permissions.can_delete_post(other_member, reply, now=just_outside)


def test_the_first_post_cannot_be_deleted_by_its_author(member, first_post):
    assert permissions.can_edit_post(member, first_post)
    assert not permissions.can_delete_post(member, first_post)


def test_question_author_and_moderators_accept_answers(
    member, other_member, moderator, open_category
):
    question = services.start_thread(
        member, open_category, "Which syringe driver?", "Which one?", is_question=True
    )
    assert permissions.can_accept_answer(member, question)
    assert permissions.can_accept_answer(moderator, question)
    assert not permissions.can_accept_answer(other_member, question)
    assert not permissions.can_accept_answer(AnonymousUser(), question)


def test_answers_are_only_accepted_on_questions(member, moderator, thread):
    assert not permissions.can_accept_answer(member, thread)
    assert not permissions.can_accept_answer(moderator, thread)


@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        ("member", False),
        ("other_member", False),
        ("coordinator", False),
        ("moderator", True),
    ],
    indirect=["person"],
)
def test_edit_history_is_for_moderators(person, allowed, first_post):
    assert permissions.can_see_edit_history(person, first_post) is allowed


def test_edit_history_in_the_executive_category_is_for_executive_moderators(
    exec_post, moderator, executive_moderator, second_executive
):
    assert permissions.can_see_edit_history(executive_moderator, exec_post)
    assert not permissions.can_see_edit_history(moderator, exec_post)
    assert not permissions.can_see_edit_history(second_executive, exec_post)
