"""What the forums read: the threads and notifications a member can see, the unread
count and the address of a post on its thread's pages. Nothing here changes anything;
the changes are verbs in `services.py`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from core.perrequest import once_per_request
from members import permissions as member_permissions
from members.models import User

from . import permissions
from .models import Notification, Post, Thread

POSTS_PER_PAGE = 20


def visible_threads(user: User) -> QuerySet[Thread]:
    """Threads in categories the user can read, deleted ones left out."""
    return Thread.objects.visible().filter(category__in=permissions.visible_categories(user))


def visible_notifications(user: User) -> QuerySet[Notification]:
    """The member's notifications they can still see (categories, removed posts)."""
    return (
        Notification.objects.filter(
            user=user,
            post__deleted_at__isnull=True,
            post__is_hidden=False,
            post__thread__deleted_at__isnull=True,
            post__thread__category__in=permissions.visible_categories(user),
        )
        .select_related("post__author", "post__thread__category")
        .order_by("-created_at", "-pk")
    )


def unread(user: User) -> QuerySet[Notification]:
    """The member's unread notifications they may still see (none unless approved)."""
    if not member_permissions.is_approved_member(user):
        return Notification.objects.none()
    return visible_notifications(user).filter(read_at__isnull=True)


def unread_count(user: User) -> int:
    return unread(user).count()


# The per-request key of the signed-in member's unread count (`core.perrequest`): the header
# and the dashboard's forums panel (which counts it with the other panels' numbers) share it.
UNREAD_COUNT_KEY = "forums:unread-count"


def unread_count_for_request(request: HttpRequest) -> int:
    """`unread_count` of the signed-in member, counted once for the request: the header and
    the dashboard's forums panel both show it."""
    user = request.user
    if not isinstance(user, User):  # a visitor
        return 0
    return once_per_request(request, UNREAD_COUNT_KEY, lambda: unread_count(user))


def post_url(post: Post) -> str:
    """The post on its page of the thread (`POSTS_PER_PAGE` a page, oldest first)."""
    position = Post.objects.filter(thread_id=post.thread_id, created_at__lt=post.created_at).count()
    page = position // POSTS_PER_PAGE + 1
    return f"{reverse('forums:thread', args=[post.thread_id])}?page={page}#post-{post.pk}"
