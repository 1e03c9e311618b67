"""Every change in the forums, as verbs: threads, replies, edits, flags, moderation,
subscriptions, notifications and their e-mails. What the forums read is in `queries.py`.

The verbs that write a moment take an optional keyword-only `now` (default: the current
time) and use it for every timestamp they write, so that history (the demo, tests) is
made exactly as the site makes it, only earlier."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from html import unescape

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.emails import send_templated_email_on_commit
from core.pii import IdentifiableTextError, refuse_identifiers
from core.sanitise import markdown_to_html
from events.models import EventDetails, EventKind
from members.models import User

from . import permissions
from .models import (
    Category,
    EmailMode,
    Flag,
    ForumProfile,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from .queries import post_url

TITLE_MIN, TITLE_MAX = 3, 200
BODY_MAX = 20_000
REASON_MAX = 500
# A reply flood: at most this many posts by one member in each window.
RATE_LIMITS = ((datetime.timedelta(minutes=1), 5), (datetime.timedelta(hours=1), 40))
MENTION_RE = re.compile(r"(?<![\w@/])@([a-z0-9][a-z0-9-]{1,58}[a-z0-9])\b", re.IGNORECASE)
# Code, and quotations of other posts (their mentions were notified already).
QUIET_HTML_RE = re.compile(r"<(pre|code|blockquote)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]+>")


class ForumError(Exception):
    """A request the rules refuse; the message is fit to show the member."""


# Profiles and handles


def profile_for(user: User) -> ForumProfile:
    """The member's forum profile, made on first use with a handle from their name."""
    try:
        return user.forum_profile
    except ForumProfile.DoesNotExist:
        pass
    # Handles use only what a mention can match: lower-case letters, digits and hyphens.
    base = re.sub(r"[^a-z0-9-]+", "-", slugify(user.get_full_name()))
    base = re.sub(r"-{2,}", "-", base).strip("-")[:50].strip("-") or f"member-{user.pk}"
    if len(base) < 3:
        base = f"{base}-{user.pk}"
    for suffix in ["", *(f"-{n}" for n in range(2, 50))]:
        try:
            with transaction.atomic():
                return ForumProfile.objects.create(user=user, handle=f"{base}{suffix}")
        except IntegrityError:
            existing = ForumProfile.objects.filter(user=user).first()
            if existing is not None:
                return existing
    return ForumProfile.objects.create(user=user, handle=f"member-{user.pk}")


def set_email_mode(user: User, mode: str) -> ForumProfile:
    if mode not in EmailMode.values:
        raise ForumError(_("Choose how often to be e-mailed."))
    profile = profile_for(user)
    profile.email_mode = mode
    profile.save(update_fields=["email_mode"])
    return profile


def unsubscribe_by_token(token: str) -> ForumProfile | None:
    """The one-click unsubscribe link in every forum e-mail: no more forum e-mail."""
    if not token or len(token) > 64 or not token.isascii() or not token.isprintable():
        return None
    profile = ForumProfile.objects.filter(unsubscribe_token=token).first()
    if profile is not None and profile.email_mode != EmailMode.NONE:
        profile.email_mode = EmailMode.NONE
        profile.save(update_fields=["email_mode"])
    return profile


# Checks shared by posting verbs


def _clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ForumError(_("Write something before posting."))
    if len(body) > BODY_MAX:
        raise ForumError(
            _("Keep a post under %(max)s characters; this one has %(count)s.")
            % {"max": f"{BODY_MAX:,}", "count": f"{len(body):,}"}
        )
    return body


def _is_case_talk(category: Category, occurrence_id: int | None) -> bool:
    """A category for cases, or a thread started from an ECHO case-discussion session."""
    if category.case_discussion:
        return True
    return (
        occurrence_id is not None
        and EventDetails.objects.filter(
            event__occurrence__pk=occurrence_id, kind=EventKind.ECHO_SESSION
        ).exists()
    )


def _deidentified(category: Category, occurrence_id: int | None, **texts: str) -> None:
    """Where cases are discussed, text that could identify someone is refused before
    anything is stored or anyone is notified, with the same message as the case form."""
    if not _is_case_talk(category, occurrence_id):
        return
    try:
        refuse_identifiers(texts)
    except IdentifiableTextError as error:
        raise ForumError(
            _("Keep cases de-identified here. %(found)s") % {"found": error.sentence}
        ) from None


def _check_rate(user: User, now: datetime.datetime) -> None:
    """Refuse a post at `now` after too many in the window before it (later posts, which
    exist only when history is written with an earlier `now`, do not count)."""
    for window, limit in RATE_LIMITS:
        recent = Post.objects.filter(
            author=user, created_at__gt=now - window, created_at__lte=now
        ).count()
        if recent >= limit:
            raise ForumError(
                _("You are posting very quickly. Wait a minute and try again.")
                if window <= datetime.timedelta(minutes=1)
                else _("You have posted a lot in the last hour. Try again later.")
            )


def _lock_member(user: User) -> None:
    User.objects.select_for_update().filter(pk=user.pk).first()


def _new_post(
    thread: Thread,
    user: User,
    body: str,
    now: datetime.datetime,
    quote_of: Post | None = None,
) -> Post:
    post = Post.objects.create(
        thread=thread,
        author=user,
        body=body,
        body_html=markdown_to_html(body),
        quote_of=quote_of,
        created_at=now,
    )
    Thread.objects.filter(pk=thread.pk).update(last_post_at=now, post_count=F("post_count") + 1)
    return post


# Threads and posts


@transaction.atomic
def start_thread(
    user: User,
    category: Category,
    title: str,
    body: str,
    *,
    is_question: bool = False,
    occurrence=None,
    guideline=None,
    now: datetime.datetime | None = None,
) -> Thread:
    if not permissions.can_post_in(user, category):
        raise ForumError(_("You cannot post in this category."))
    title = " ".join((title or "").replace("\x00", "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise ForumError(
            _("Give the thread a title of %(min)s to %(max)s characters.")
            % {"min": TITLE_MIN, "max": TITLE_MAX}
        )
    body = _clean_body(body)
    _deidentified(category, occurrence.pk if occurrence else None, title=title, body=body)
    _lock_member(user)
    now = timezone.now() if now is None else now
    _check_rate(user, now)
    thread = Thread.objects.create(
        category=category,
        title=title,
        author=user,
        created_at=now,
        last_post_at=now,
        is_question=is_question,
        occurrence=occurrence,
        guideline=guideline,
    )
    post = _new_post(thread, user, body, now)
    subscribe(user, thread=thread, now=now)
    _notify(post, category_followers=True, now=now)
    return thread


@transaction.atomic
def reply(
    user: User,
    thread: Thread,
    body: str,
    *,
    quote_of: Post | None = None,
    now: datetime.datetime | None = None,
) -> Post:
    thread = Thread.objects.select_related("category").get(pk=thread.pk)
    if not permissions.can_view_thread(user, thread):
        raise ForumError(_("You cannot post in this thread."))
    if not permissions.can_reply(user, thread):
        raise ForumError(_("This thread is locked, so nobody can reply."))
    if quote_of is not None and (quote_of.thread_id != thread.pk or quote_of.is_removed):
        raise ForumError(_("You can only quote a post in this thread."))
    body = _clean_body(body)
    _deidentified(thread.category, thread.occurrence_id, body=body)
    _lock_member(user)
    now = timezone.now() if now is None else now
    _check_rate(user, now)
    post = _new_post(thread, user, body, now, quote_of=quote_of)
    subscribe(user, thread=thread, now=now)
    _notify(post, category_followers=False, now=now)
    return post


@transaction.atomic
def edit_post(user: User, post: Post, body: str, *, now: datetime.datetime | None = None) -> Post:
    post = Post.objects.select_for_update().select_related("thread__category").get(pk=post.pk)
    if not permissions.can_edit_post(user, post):
        raise ForumError(_("You can only edit your own posts."))
    body = _clean_body(body)
    if body == post.body:
        return post
    _deidentified(post.thread.category, post.thread.occurrence_id, body=body)
    now = timezone.now() if now is None else now
    PostRevision.objects.create(post=post, body=post.body, edited_by=user, edited_at=now)
    earlier_mentions = mentioned_handles(post.body)
    post.body = body
    post.body_html = markdown_to_html(body)
    post.edited_at = now
    post.save(update_fields=["body", "body_html", "edited_at"])
    # Someone mentioned for the first time in an edit hears about it, like any mention.
    _notify(
        post,
        category_followers=False,
        only_handles=mentioned_handles(body) - earlier_mentions,
        now=now,
    )
    return post


@transaction.atomic
def delete_own_post(user: User, post: Post) -> Post:
    post = Post.objects.select_for_update().select_related("thread__category").get(pk=post.pk)
    if not permissions.can_delete_post(user, post):
        raise ForumError(
            _("You can delete your own replies for 30 minutes after posting. Ask a moderator.")
        )
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    Notification.objects.filter(post=post).delete()
    return post


@transaction.atomic
def accept_answer(user: User, thread: Thread, post: Post) -> Thread:
    if not permissions.can_accept_answer(user, thread):
        raise ForumError(_("Only the person who asked can accept an answer."))
    if post.thread_id != thread.pk or post.is_removed:
        raise ForumError(_("Choose an answer from this thread."))
    thread.accepted_post = post
    thread.save(update_fields=["accepted_post"])
    return thread


# Flags and moderation


@transaction.atomic
def flag_post(user: User, post: Post, reason: str, *, now: datetime.datetime | None = None) -> Flag:
    if not permissions.can_view_thread(user, post.thread) or post.is_removed:
        raise ForumError(_("You cannot report this post."))
    reason = " ".join((reason or "").replace("\x00", "").split())
    if not reason:
        raise ForumError(_("Say why you are reporting this post."))
    if len(reason) > REASON_MAX:
        raise ForumError(_("Keep the reason under %(max)s characters.") % {"max": REASON_MAX})
    try:
        with transaction.atomic():
            return Flag.objects.create(
                post=post,
                flagged_by=user,
                reason=reason,
                created_at=timezone.now() if now is None else now,
            )
    except IntegrityError:
        raise ForumError(_("You have already reported this post.")) from None


def _moderate(user: User, category: Category, reason: str) -> str:
    if not permissions.can_moderate(user, category):
        raise ForumError(_("Only moderators can do that."))
    reason = " ".join((reason or "").replace("\x00", "").split())
    if not reason:
        raise ForumError(_("Give a reason; it is kept in the moderation log."))
    return reason[:REASON_MAX]


@transaction.atomic
def hide_post(
    moderator: User, post: Post, reason: str, *, now: datetime.datetime | None = None
) -> Post:
    reason = _moderate(moderator, post.thread.category, reason)
    now = timezone.now() if now is None else now
    post.is_hidden = True
    post.save(update_fields=["is_hidden"])
    Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=moderator
    )
    ModerationAction.objects.create(
        kind=ModerationAction.Kind.HIDE,
        moderator=moderator,
        thread=post.thread,
        post=post,
        reason=reason,
        created_at=now,
    )
    return post


@transaction.atomic
def restore_post(
    moderator: User, post: Post, reason: str, *, now: datetime.datetime | None = None
) -> Post:
    reason = _moderate(moderator, post.thread.category, reason)
    post.is_hidden = False
    post.save(update_fields=["is_hidden"])
    ModerationAction.objects.create(
        kind=ModerationAction.Kind.RESTORE,
        moderator=moderator,
        thread=post.thread,
        post=post,
        reason=reason,
        created_at=timezone.now() if now is None else now,
    )
    return post


@transaction.atomic
def dismiss_flags(
    moderator: User, post: Post, reason: str, *, now: datetime.datetime | None = None
) -> int:
    reason = _moderate(moderator, post.thread.category, reason)
    now = timezone.now() if now is None else now
    count = Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=moderator
    )
    ModerationAction.objects.create(
        kind=ModerationAction.Kind.DISMISS,
        moderator=moderator,
        thread=post.thread,
        post=post,
        reason=reason,
        created_at=now,
    )
    return count


@transaction.atomic
def set_thread_state(
    moderator: User,
    thread: Thread,
    kind: str,
    reason: str,
    *,
    now: datetime.datetime | None = None,
) -> Thread:
    """Lock, unlock, pin or unpin a thread."""
    fields: dict[str, tuple[str, bool]] = {
        ModerationAction.Kind.LOCK: ("is_locked", True),
        ModerationAction.Kind.UNLOCK: ("is_locked", False),
        ModerationAction.Kind.PIN: ("is_pinned", True),
        ModerationAction.Kind.UNPIN: ("is_pinned", False),
    }
    if kind not in fields:
        raise ForumError(_("Unknown moderation action."))
    reason = _moderate(moderator, thread.category, reason)
    field, value = fields[kind]
    setattr(thread, field, value)
    thread.save(update_fields=[field])
    ModerationAction.objects.create(
        kind=kind,
        moderator=moderator,
        thread=thread,
        reason=reason,
        created_at=timezone.now() if now is None else now,
    )
    return thread


@transaction.atomic
def move_thread(
    moderator: User,
    thread: Thread,
    category: Category,
    reason: str,
    *,
    now: datetime.datetime | None = None,
) -> Thread:
    reason = _moderate(moderator, thread.category, reason)
    if not permissions.can_moderate(moderator, category):
        raise ForumError(_("You cannot move a thread into that category."))
    if category.pk == thread.category_id:
        raise ForumError(_("The thread is already in that category."))
    from_category = thread.category
    thread.category = category
    thread.save(update_fields=["category"])
    # Followers who cannot see the new category lose the thread, and its notifications.
    for subscription in Subscription.objects.filter(thread=thread).select_related("user"):
        if not permissions.can_view_category(subscription.user, category):
            subscription.delete()
    stale = [
        notification.pk
        for notification in Notification.objects.filter(post__thread=thread).select_related("user")
        if not permissions.can_view_category(notification.user, category)
    ]
    Notification.objects.filter(pk__in=stale).delete()
    ModerationAction.objects.create(
        kind=ModerationAction.Kind.MOVE,
        moderator=moderator,
        thread=thread,
        reason=reason,
        from_category=from_category,
        to_category=category,
        created_at=timezone.now() if now is None else now,
    )
    return thread


# Subscriptions


def subscribe(
    user: User,
    *,
    thread: Thread | None = None,
    category: Category | None = None,
    now: datetime.datetime | None = None,
) -> Subscription:
    """Follow a thread or a category; following again keeps the first moment."""
    if (thread is None) == (category is None):
        raise ValueError("Subscribe to a thread or a category.")
    target = thread.category if thread is not None else category
    assert target is not None  # one of the two, as checked above
    if not permissions.can_view_category(user, target):
        raise ForumError(_("You cannot follow this."))
    since = timezone.now() if now is None else now
    try:
        with transaction.atomic():
            return Subscription.objects.get_or_create(
                user=user, thread=thread, category=category, defaults={"created_at": since}
            )[0]
    except IntegrityError:
        return Subscription.objects.get(user=user, thread=thread, category=category)


def unsubscribe(user: User, *, thread: Thread | None = None, category: Category | None = None):
    Subscription.objects.filter(user=user, thread=thread, category=category).delete()


# Notifications


def mentioned_handles(body: str) -> set[str]:
    """@handles in a post, read from its rendered text so that code (fenced, indented or
    inline, however written) and quoted posts never mention anyone."""
    html = QUIET_HTML_RE.sub(" ", str(markdown_to_html(body)))
    text = unescape(TAG_RE.sub(" ", html))
    return {match.lower() for match in MENTION_RE.findall(text)}


def _notify(
    post: Post,
    *,
    category_followers: bool,
    now: datetime.datetime,
    only_handles: set[str] | None = None,
) -> None:
    """Notify mentioned members, then followers; each member once per post, and only if
    they can see the category; never the author. With `only_handles`, notify just those
    newly mentioned (after an edit). The notifications are made at `now`."""
    thread = post.thread
    category = thread.category
    recipients: dict[int, str] = {}
    handles = mentioned_handles(post.body) if only_handles is None else only_handles
    if handles:
        for profile in ForumProfile.objects.filter(handle__in=handles).select_related("user"):
            recipients.setdefault(profile.user_id, Notification.Kind.MENTION)
    followers = Subscription.objects.filter(thread=thread)
    if category_followers:
        followers = Subscription.objects.filter(category=category) | followers
    if only_handles is not None:
        followers = Subscription.objects.none()
    for user_id in followers.values_list("user_id", flat=True):
        recipients.setdefault(
            user_id,
            Notification.Kind.NEW_THREAD if category_followers else Notification.Kind.REPLY,
        )
    if post.author_id is not None:
        recipients.pop(post.author_id, None)
    if not recipients:
        return
    allowed = permissions.members_who_can_view(category, recipients)
    created = [
        Notification(user_id=user_id, kind=kind, post=post, created_at=now)
        for user_id, kind in recipients.items()
        if user_id in allowed
    ]
    Notification.objects.bulk_create(created, ignore_conflicts=True)
    post_id = post.pk
    transaction.on_commit(lambda: send_immediate_emails(post_id))


def mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    notifications = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        notifications = notifications.filter(pk__in=list(notification_ids))
    return notifications.update(read_at=timezone.now())


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def _unsubscribe_url(profile: ForumProfile) -> str:
    return _base_url() + reverse("forums:unsubscribe", args=[profile.unsubscribe_token])


def _unsubscribe_headers(profile: ForumProfile) -> dict[str, str]:
    """One-click unsubscribe for mail programs (RFC 8058): a POST to the same address."""
    return {
        "List-Unsubscribe": f"<{_unsubscribe_url(profile)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _claim(notifications, now) -> list[Notification]:
    """Mark notifications e-mailed before sending, so nothing is sent twice."""
    ids = list(notifications.values_list("pk", flat=True))
    claimed = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
        emailed_at=now
    )
    if not claimed:
        return []
    return list(
        Notification.objects.filter(pk__in=ids, emailed_at=now)
        .select_related("post__author", "post__thread__category", "user")
        .order_by("created_at", "pk")
    )


def send_immediate_emails(post_id: int) -> int:
    """E-mail members who asked for notifications straight away."""
    now = timezone.now()
    sent = 0
    pending = Notification.objects.filter(
        post_id=post_id,
        emailed_at__isnull=True,
        user__forum_profile__email_mode=EmailMode.IMMEDIATE,
        user__is_active=True,
    )
    for notification in _claim(pending, now):
        user = notification.user
        thread = notification.post.thread
        if not permissions.can_view_thread(user, thread) or notification.post.is_removed:
            continue
        profile = profile_for(user)
        send_templated_email_on_commit(
            [user.email],
            "forums/email/notification",
            {
                "notification": notification,
                "post": notification.post,
                "thread": thread,
                "url": _base_url() + post_url(notification.post),
                "unsubscribe_url": _unsubscribe_url(profile),
                "settings_url": _base_url() + reverse("forums:settings"),
            },
            headers=_unsubscribe_headers(profile),
        )
        sent += 1
    return sent


def send_digests(now: datetime.datetime | None = None) -> int:
    """One e-mail per member who chose a daily digest, with everything not yet e-mailed.

    Notifications are claimed (marked e-mailed) before the e-mail is queued, under
    a conditional update, so running this twice, or twice at once, sends nothing twice.
    """
    now = now or timezone.now()
    pending = Notification.objects.filter(
        emailed_at__isnull=True,
        user__forum_profile__email_mode=EmailMode.DAILY,
        user__is_active=True,
    )
    by_user: dict[int, list[int]] = defaultdict(list)
    for notification_id, user_id in pending.values_list("pk", "user_id"):
        by_user[user_id].append(notification_id)
    sent = 0
    for ids in by_user.values():
        with transaction.atomic():
            claimed = _claim(Notification.objects.filter(pk__in=ids), now)
            if not claimed:
                continue
            user = claimed[0].user
            visible = [
                notification
                for notification in claimed
                if permissions.can_view_thread(user, notification.post.thread)
                and not notification.post.is_removed
            ]
            if not visible:
                continue
            profile = profile_for(user)
            send_templated_email_on_commit(
                [user.email],
                "forums/email/digest",
                {
                    "user": user,
                    "items": [
                        {
                            "notification": notification,
                            "post": notification.post,
                            "thread": notification.post.thread,
                            "url": _base_url() + post_url(notification.post),
                        }
                        for notification in visible
                    ],
                    "unsubscribe_url": _unsubscribe_url(profile),
                    "settings_url": _base_url() + reverse("forums:settings"),
                },
                headers=_unsubscribe_headers(profile),
            )
            sent += 1
    return sent
