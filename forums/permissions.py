"""Who may see and do what in the forums. One predicate per rule.

A restricted category is visible only to members of its groups: not to other
moderators, coordinators or superusers. Everything inside it (threads, posts,
notifications, e-mails, links from other pages, search) follows the category.
"""

from __future__ import annotations

import datetime
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
    group_ids = list(user.groups.values_list("pk", flat=True))
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


def can_edit_post(user: Any, post: Post) -> bool:
    return (
        post.author_id == getattr(user, "pk", None)
        and not post.is_removed
        and not post.thread.is_locked
        and can_view_thread(user, post.thread)
    )


def can_delete_post(user: Any, post: Post, now: datetime.datetime | None = None) -> bool:
    """Members delete their own posts within a short window; after that, they ask a moderator."""
    now = now or timezone.now()
    return (
        can_edit_post(user, post)
        and now - post.created_at <= DELETE_OWN_POST_WINDOW
        and post.thread.posts.order_by("created_at", "pk").values_list("pk", flat=True).first()
        != post.pk
    )


def can_accept_answer(user: Any, thread: Thread) -> bool:
    return (
        thread.is_question
        and can_view_thread(user, thread)
        and (thread.author_id == getattr(user, "pk", None) or can_moderate(user, thread.category))
    )


def can_see_edit_history(user: Any, post: Post) -> bool:
    return can_moderate(user, post.thread.category)
