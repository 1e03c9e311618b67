"""Who may see and do what in the forums. One predicate per rule.

A restricted category is visible only to members of its groups: not to other
moderators, coordinators or superusers. Everything inside it (threads, posts,
notifications, e-mails, links from other pages, search) follows the category.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from members import permissions as member_permissions

from .models import Category, Post, Thread

DELETE_OWN_POST_WINDOW = datetime.timedelta(minutes=30)


def visible_categories(user: Any) -> QuerySet[Category]:
    """Categories the user may read, in order; none for visitors and unapproved accounts."""
    if not member_permissions.is_approved_member(user):
        return Category.objects.none()
    # A subquery, not a list: the whole check stays one SQL query wherever it is used.
    group_ids = user.groups.values("pk")
    open_to_all = Category.objects.filter(restricted_to__isnull=True).values("pk")
    open_to_user = Category.objects.filter(restricted_to__in=group_ids).values("pk")
    return Category.objects.filter(Q(pk__in=open_to_all) | Q(pk__in=open_to_user)).order_by(
        "position", "name"
    )


def can_view_category(user: Any, category: Category) -> bool:
    return visible_categories(user).filter(pk=category.pk).exists()


def can_view_thread(user: Any, thread: Thread) -> bool:
    return thread.deleted_at is None and can_view_category(user, thread.category)


def can_post_in(user: Any, category: Category) -> bool:
    return can_view_category(user, category)


def can_moderate(user: Any, category: Category) -> bool:
    return member_permissions.is_moderator(user) and can_view_category(user, category)


def can_reply(user: Any, thread: Thread) -> bool:
    if not can_view_thread(user, thread):
        return False
    return not thread.is_locked or can_moderate(user, thread.category)


def _is_own_open_post(user: Any, post: Post) -> bool:
    return (
        post.author_id == getattr(user, "pk", None)
        and not post.is_removed
        and not post.thread.is_locked
    )


def _first_post_id(thread: Thread) -> int | None:
    return thread.posts.order_by("created_at", "pk").values_list("pk", flat=True).first()


def _in_delete_window(post: Post, now: datetime.datetime, first_post_id: int | None) -> bool:
    """Within the window, and not the post that opened the thread."""
    return now - post.created_at <= DELETE_OWN_POST_WINDOW and first_post_id != post.pk


def can_edit_post(user: Any, post: Post) -> bool:
    return _is_own_open_post(user, post) and can_view_thread(user, post.thread)


def can_delete_post(user: Any, post: Post, now: datetime.datetime | None = None) -> bool:
    """Members delete their own posts within a short window; after that, they ask a moderator."""
    now = now or timezone.now()
    return can_edit_post(user, post) and _in_delete_window(post, now, _first_post_id(post.thread))


def can_accept_answer(user: Any, thread: Thread) -> bool:
    return (
        thread.is_question
        and can_view_thread(user, thread)
        and (thread.author_id == getattr(user, "pk", None) or can_moderate(user, thread.category))
    )


def can_see_edit_history(user: Any, post: Post) -> bool:
    return can_moderate(user, post.thread.category)


def post_actions(
    user: Any, thread: Thread, posts: Iterable[Post], now: datetime.datetime | None = None
) -> dict[int, frozenset[str]]:
    """For a page of one thread's posts, which of `can_edit_post` ("edit"),
    `can_delete_post` ("delete"), `can_accept_answer` ("accept") and
    `can_see_edit_history` ("history") hold, by post id: the same rules, with the
    checks that are the same for every post (visibility, moderation, the first post)
    made once, so the number of queries does not grow with the posts."""
    posts = list(posts)
    if not posts or not can_view_thread(user, thread):
        return {post.pk: frozenset() for post in posts}
    now = now or timezone.now()
    moderates = can_moderate(user, thread.category)
    accepts = can_accept_answer(user, thread)
    first_post_id = _first_post_id(thread)
    answers: dict[int, frozenset[str]] = {}
    for post in posts:
        if post.thread_id != thread.pk:
            raise ValueError("post_actions answers for the posts of one thread.")
        post.thread = thread
        actions = set()
        if _is_own_open_post(user, post):
            actions.add("edit")
            if _in_delete_window(post, now, first_post_id):
                actions.add("delete")
        if accepts:
            actions.add("accept")
        if moderates:
            actions.add("history")
        answers[post.pk] = frozenset(actions)
    return answers


def members_who_can_view(category: Category, user_ids) -> set[int]:
    """Which of these accounts may read the category, in one query."""
    from members.models import ApprovalStatus, User

    members = User.objects.filter(
        pk__in=list(user_ids), is_active=True, approval_status=ApprovalStatus.APPROVED
    )
    if category.restricted_to.exists():
        members = members.filter(groups__in=category.restricted_to.all())
    return set(members.values_list("pk", flat=True).distinct())
