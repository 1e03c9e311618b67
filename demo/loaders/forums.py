"""Demo forums: the categories and threads in `demo/content/forums/`, written through
`forums.services` as the site would.

`DEMO_STEPS` run after the members, events, learning and guidelines demos, so the demo
members, ECHO sessions, study day and guideline pages exist already. Each step returns a
one-line summary.

- `load_categories`: the categories (some restricted to groups, one to a group made here),
  who follows which category and how some members are e-mailed (categories.yaml).
- `load_threads`: the threads (threads.yaml), each post, edit, report and moderation
  action made by its service with `now=` at its moment in the last three months, so
  posts are rendered, members follow what they post in, and mentions and replies make
  notifications dated with their post. Case follow-ups are attached to the ECHO session
  where the case was presented and dated after it; the study-day announcement to the
  study day. Notifications are then settled as members would have left them (read or
  unread, e-mailed or waiting for the first digest).

Idempotent: a category is found by its slug (or name), a thread by its title among the
threads demo members started, wherever a moderator has moved it. What exists is left as
it is, so a second run makes nothing; only the transition group's members are added back
to it (the members demo takes every group that is not a network role away on each run).
"""

from __future__ import annotations

import datetime
import re
import zlib
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.utils import timezone
from schedule.models import Occurrence

from demo import content
from demo.content import ContentError
from demo.loaders import events as events_demo
from events.models import Case, CaseStatus
from forums import services
from forums.models import (
    Category,
    EmailMode,
    Flag,
    ForumProfile,
    ModerationAction,
    Notification,
    Post,
    Subscription,
    Thread,
)
from guidelines.models import GuidelinePage
from members.models import ApprovalStatus, User

Step = Callable[[], str]
Clock = Callable[[int, str], datetime.datetime]
Spec = dict[str, Any]

DEMO_DOMAIN = "@demo.example"
SETUP: Spec = content.load("forums/categories")
CATEGORIES: list[Spec] = SETUP["categories"]
THREADS: list[Spec] = content.load("forums/threads")
EVENTS = {"study_day": events_demo.STUDY_DAY}  # the events a thread may be attached to
THREAD_ACTIONS = (("pin", ModerationAction.Kind.PIN), ("lock", ModerationAction.Kind.LOCK))

DIGEST_AT = datetime.time(7, 0)  # when the daily digest goes out, network time
IMMEDIATE_EMAIL_AFTER = datetime.timedelta(minutes=1)
MENTION = re.compile(r"@\[([a-z.]+)\]")


# --- Reading the content -----------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.NETWORK_TIME_ZONE)


def _fraction(key: str) -> float:
    """A stable number in [0, 1) for `key`, the same on every run and every machine."""
    return zlib.crc32(key.encode()) / 2**32


def _member(local_part: str) -> User:
    """The approved, active demo member with this e-mail address."""
    email = f"{local_part}{DEMO_DOMAIN}"
    user = User.objects.filter(
        email__iexact=email, approval_status=ApprovalStatus.APPROVED, is_active=True
    ).first()
    if user is None:
        raise CommandError(f"The demo member {email} is missing: load the members demo first.")
    return user


def _blocks(body: str | list[Any]) -> list[Any]:
    return [body] if isinstance(body, str) else list(body)


def _markdown(blocks: list[Any]) -> str:
    """Paragraphs, {bullets: [...]} and {numbered: [...]}, one blank line apart; with the
    study day's date and places, and each "@[local-part]" as that member's @handle."""
    parts = []
    for block in blocks:
        if isinstance(block, str):
            parts.append(block)
        elif "bullets" in block:
            parts.append("\n".join(f"- {item}" for item in block["bullets"]))
        elif "numbered" in block:
            items = enumerate(block["numbered"], start=1)
            parts.append("\n".join(f"{number}. {item}" for number, item in items))
        else:
            raise ContentError(f"A body block is text, bullets or numbered, not {block!r}.")
    start = events_demo.STUDY_DAY.start.astimezone(_zone())
    text = (
        "\n\n".join(parts)
        .replace("{study_day_date}", f"{start:%A} {start.day} {start:%B %Y}")
        .replace("{study_day_places}", str(events_demo.STUDY_DAY.capacity))
    )
    return MENTION.sub(lambda match: "@" + services.profile_for(_member(match[1])).handle, text)


def _time(value: object) -> datetime.time:
    if not isinstance(value, str):  # YAML reads an unquoted 20:45 as a number
        raise ContentError(f'Write each time as "HH:MM", in quotes, not {value!r}.')
    return datetime.time.fromisoformat(value)


def _moments(spec: Spec) -> list[tuple[int, str]]:
    """(day, time) of every post and action in the thread."""
    actions = [spec.get(key) for key, _ in THREAD_ACTIONS]
    for post in spec["posts"]:
        actions += [post.get("edit"), post.get("flag"), post.get("hide")]
    return [(post["day"], post["time"]) for post in spec["posts"]] + [
        (action["day"], action["time"]) for action in actions if action is not None
    ]


# --- Finding what exists -----------------------------------------------------------------------


def _category(slug: str) -> Category:
    """The demo category with this slug, or with its name if someone has changed the slug."""
    spec = next(spec for spec in CATEGORIES if spec["slug"] == slug)
    category = (
        Category.objects.filter(slug=slug).first()
        or Category.objects.filter(name__iexact=spec["name"]).first()
    )
    if category is None:
        raise CommandError(f"The demo forum category {slug!r} is missing.")
    return category


def _demo_threads() -> QuerySet[Thread]:
    """The demo's threads, wherever they are now (a moderator may have moved one)."""
    return Thread.objects.filter(
        title__in=[spec["title"] for spec in THREADS], author__email__iendswith=DEMO_DOMAIN
    )


def _session(spec: Spec, now: datetime.datetime) -> Occurrence | None:
    """The ECHO session where the thread's case was presented (else the programme's latest)."""
    email = f"{spec['case_presenter']}{DEMO_DOMAIN}"
    case_spec = next(
        (
            case
            for case in events_demo.CASES
            if case.presenter == email and case.outcome == CaseStatus.PRESENTED
        ),
        None,
    )
    if case_spec is None:
        return None
    case = (
        Case.objects.filter(
            presenter__email__iexact=email,
            title=case_spec.data.title,
            status=CaseStatus.PRESENTED,
            occurrence__end__lte=now,
        )
        .select_related("occurrence")
        .order_by("-occurrence__start")
        .first()
    )
    if case is not None:
        return case.occurrence
    return (
        Occurrence.objects.filter(
            event__title=case_spec.programme.series.title, cancelled=False, end__lte=now
        )
        .order_by("-start")
        .first()
    )


def _clock(spec: Spec, now: datetime.datetime, session: Occurrence | None) -> Clock:
    """When (day, "HH:MM") of the thread falls: days after its start, or after its session.

    Nothing may fall in the future: a thread whose session was only days ago has its
    moments drawn closer to the session, keeping their order.
    """
    zone = _zone()
    if session is not None:
        first_day = session.end.astimezone(zone).date()
    else:
        first_day = now.astimezone(zone).date() - datetime.timedelta(days=spec["started_days_ago"])

    def wall_clock(day: int, time: str) -> datetime.datetime:
        return datetime.datetime.combine(
            first_day + datetime.timedelta(days=day), _time(time), zone
        )

    moments = [wall_clock(day, time) for day, time in _moments(spec)]
    origin = session.end if session is not None else min(moments)
    latest, last = now - datetime.timedelta(minutes=1), max(moments)
    scale = 1.0
    if last > latest:
        scale = max(latest - origin, datetime.timedelta(0)) / (last - origin)

    def clock(day: int, time: str) -> datetime.datetime:
        return origin + (wall_clock(day, time) - origin) * scale

    return clock


# --- Writing -----------------------------------------------------------------------------------


def _act_on_post(post: Post, spec: Spec, clock: Clock) -> None:
    """The edit, report and moderation the post meets, each at its moment."""
    if edit := spec.get("edit"):
        body = _markdown(_blocks(spec["body"]) + _blocks(edit["append"]))
        services.edit_post(_member(edit["by"]), post, body, now=clock(edit["day"], edit["time"]))
    if flag := spec.get("flag"):
        when = clock(flag["day"], flag["time"])
        services.flag_post(_member(flag["by"]), post, flag["reason"], now=when)
    if hide := spec.get("hide"):
        when = clock(hide["day"], hide["time"])
        services.hide_post(_member(hide["by"]), post, hide["reason"], now=when)


def _load_thread(spec: Spec, category: Category, now: datetime.datetime) -> list[int]:
    """Start the thread and write its posts through the services; the new posts' ids."""
    session = _session(spec, now) if spec.get("case_presenter") else None
    occurrence = session
    if event := spec.get("event"):
        if event not in EVENTS:
            raise ContentError(f"{spec['title']!r}: unknown event {event!r}.")
        occurrence = (
            Occurrence.objects.filter(event__title=EVENTS[event].title, cancelled=False)
            .order_by("start")
            .first()
        )
    guideline = None
    if spec.get("guideline"):
        guideline = GuidelinePage.objects.live().filter(slug=spec["guideline"]).first()
    clock = _clock(spec, now, session)
    thread: Thread | None = None
    posts: list[Post] = []
    for post_spec in spec["posts"]:
        author, body = _member(post_spec["author"]), _markdown(_blocks(post_spec["body"]))
        when = clock(post_spec["day"], post_spec["time"])
        if thread is None:
            thread = services.start_thread(
                author,
                category,
                spec["title"],
                body,
                is_question=spec.get("question", False),
                occurrence=occurrence,
                guideline=guideline,
                now=when,
            )
            post = thread.posts.get()
        else:
            quote = post_spec.get("quote")
            quote_of = posts[quote] if quote is not None else None
            post = services.reply(author, thread, body, quote_of=quote_of, now=when)
        posts.append(post)
        _act_on_post(post, post_spec, clock)
    if thread is None:
        raise ContentError(f"The demo thread {spec['title']!r} has no posts.")
    if spec.get("accepted") is not None:
        services.accept_answer(thread.author, thread, posts[spec["accepted"]])
    for key, kind in THREAD_ACTIONS:
        if action := spec.get(key):
            when = clock(action["day"], action["time"])
            services.set_thread_state(
                _member(action["by"]), thread, kind, action["reason"], now=when
            )
    return [post.pk for post in posts]


def _emailed_at(
    created_at: datetime.datetime, mode: str | None, now: datetime.datetime
) -> datetime.datetime | None:
    """When a notification would have been e-mailed under the member's choice."""
    if mode == EmailMode.IMMEDIATE:
        return min(created_at + IMMEDIATE_EMAIL_AFTER, now)
    if mode == EmailMode.DAILY:
        local = created_at.astimezone(_zone())
        digest = datetime.datetime.combine(local.date(), DIGEST_AT, _zone())
        if digest <= local:
            digest += datetime.timedelta(days=1)
        return min(digest, now)
    return None


def _settle_notifications(post_ids: Sequence[int], now: datetime.datetime) -> None:
    """Read the older notifications of these posts, and mark what was e-mailed.

    Set in place: reading and e-mailing are the members' and the mail jobs' doing, each
    notification at its own moment, not something the posting services write."""
    settle = SETUP["notifications"]
    unread_window = datetime.timedelta(days=settle["read_after_days"])
    notifications = list(
        Notification.objects.filter(post_id__in=post_ids).order_by("created_at", "pk")
    )
    modes = dict(
        ForumProfile.objects.filter(
            user_id__in={notification.user_id for notification in notifications}
        ).values_list("user_id", "email_mode")
    )
    unsent = settle["left_for_the_digest"]
    waiting = _member(unsent["member"]).pk
    latest = [n.pk for n in notifications if n.user_id == waiting][-unsent["latest"] :]
    for notification in notifications:
        created_at = notification.created_at
        read_at = None
        if created_at < now - unread_window:
            hours = 1 + 20 * _fraction(f"{notification.user_id}:{notification.post_id}")
            read_at = created_at + datetime.timedelta(hours=hours)
        emailed_at = None
        if notification.pk not in latest or read_at is not None:
            emailed_at = _emailed_at(created_at, modes.get(notification.user_id), now)
        Notification.objects.filter(pk=notification.pk).update(
            read_at=read_at, emailed_at=emailed_at
        )


# --- Steps -------------------------------------------------------------------------------------


def load_categories() -> str:
    """The forum categories, the transition group, category followers and e-mail choices."""
    group = SETUP["transition_group"]
    transition_group, _ = Group.objects.get_or_create(name=group["name"])
    for local_part in group["members"]:
        member = _member(local_part)
        if not member.groups.filter(pk=transition_group.pk).exists():
            member.groups.add(transition_group)

    for position, spec in enumerate(CATEGORIES, start=1):
        if (
            Category.objects.filter(slug=spec["slug"]).exists()
            or Category.objects.filter(name__iexact=spec["name"]).exists()
        ):
            continue  # kept as the coordinators have it, restrictions included
        # Coordinators make categories in the admin; there is no service for it.
        category = Category.objects.create(
            name=spec["name"],
            slug=spec["slug"],
            description=spec["description"],
            position=position,
            case_discussion=spec.get("case_discussion", False),
        )
        if restricted_to := spec.get("restricted_to", []):
            groups = list(Group.objects.filter(name__in=restricted_to))
            if len(groups) != len(restricted_to):
                raise CommandError(f"A group that {spec['name']!r} is restricted to is missing.")
            category.restricted_to.set(groups)

    since = timezone.now() - datetime.timedelta(days=SETUP["following_since_days"])
    for follower in SETUP["followers"]:
        member, category = _member(follower["member"]), _category(follower["category"])
        if not Subscription.objects.filter(user=member, category=category).exists():
            services.subscribe(member, category=category, now=since)
    for local_part, mode in SETUP["email_modes"].items():
        member = _member(local_part)
        if services.profile_for(member).email_mode != mode:
            services.set_email_mode(member, mode)

    categories = Category.objects.filter(pk__in=[_category(spec["slug"]).pk for spec in CATEGORIES])
    restricted = categories.filter(restricted_to__isnull=False).distinct().count()
    return (
        f"{categories.count()} forum categories ({restricted} restricted to groups); "
        f"{transition_group.user_set.count()} members in the {group['name'].lower()}"
    )


def load_threads() -> str:
    """The demo threads and posts, their notifications, a report and moderation."""
    now = timezone.now()
    new_posts: list[int] = []
    for spec in THREADS:
        category = _category(spec["category"])
        if _demo_threads().filter(title=spec["title"]).exists():
            continue  # made by an earlier run: left as members and moderators have it
        try:
            new_posts += _load_thread(spec, category, now)
        except services.ForumError as error:
            # The services refuse what they would refuse a member (identifying text in a
            # case thread, a flood of posts in the window before a post's moment).
            raise CommandError(
                f"The forums refused the demo thread {spec['title']!r}: {error}"
            ) from error
    _settle_notifications(new_posts, now)

    threads = _demo_threads()
    posts = Post.objects.filter(thread__in=threads)
    notifications = Notification.objects.filter(post__in=posts)
    unread = notifications.filter(read_at__isnull=True).count()
    flags = Flag.objects.filter(post__in=posts, resolved_at__isnull=True).count()
    actions = ModerationAction.objects.filter(thread__in=threads).count()
    return (
        f"{threads.count()} forum threads with {posts.count()} posts; "
        f"{notifications.count()} notifications ({unread} unread); "
        f"{flags} reported post(s) awaiting moderation; {actions} moderation actions"
    )


DEMO_STEPS: Sequence[Step] = (load_categories, load_threads)
