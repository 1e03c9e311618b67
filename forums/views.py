"""Forum pages: each view parses input with a form, calls a service and renders.

Anything a member may not see (a restricted category, its threads and posts, another
member's notification) answers 404, exactly as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from members import permissions as member_permissions
from members.decorators import member_required
from members.models import User

from . import permissions, queries, services
from .forms import (
    QUOTE_EXCERPT,
    EmailSettingsForm,
    PostEditForm,
    PostModerationForm,
    ReplyForm,
    ReportForm,
    ThreadForm,
    ThreadModerationForm,
    attachable_guideline,
    attachable_occurrence,
    parse_id,
)
from .models import (
    Category,
    Flag,
    ForumProfile,
    ModerationAction,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from .queries import visible_threads
from .services import ForumError

THREADS_PER_PAGE = 25
NOTIFICATIONS_PER_PAGE = 25
MODERATION_LOG_LIMIT = 50
LAST_PAGE = "last"


# Access: one helper per kind of object, each answering 404 for "missing" and "not yours"


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Moderators only; anyone else gets the page-not-found answer."""

    @member_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not member_permissions.is_moderator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def get_category_for_user(user: User, slug: str) -> Category:
    return get_object_or_404(permissions.visible_categories(user), slug=slug)


def get_thread_for_user(user: User, pk: int) -> Thread:
    threads = visible_threads(user).select_related(
        "category", "occurrence", "guideline", "accepted_post"
    )
    return get_object_or_404(threads, pk=pk)


def get_post_for_user(user: User, pk: int) -> Post:
    posts = Post.objects.filter(thread__in=visible_threads(user)).select_related(
        "thread__category", "author__organisation"
    )
    return get_object_or_404(posts, pk=pk)


def _page(request: HttpRequest, items, per_page: int, number=None) -> Page:
    """A page of items; a page number that is not a number gives page 1, one past the end
    gives the last page (Django's `get_page`)."""
    paginator = Paginator(items, per_page)
    if number == LAST_PAGE:
        number = paginator.num_pages
    return paginator.get_page(number or request.GET.get("page"))


# Categories


def _categories_with_activity(user: User):
    """Visible categories with their thread and post counts and latest post id: one query,
    and one more for the groups of restricted categories."""
    threads = Thread.objects.visible().filter(category=OuterRef("pk"))
    posts = Post.objects.filter(
        thread__category=OuterRef("pk"),
        thread__deleted_at__isnull=True,
        deleted_at__isnull=True,
        is_hidden=False,
    )

    def count(queryset, group_by):
        counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return (
        permissions.visible_categories(user)
        .annotate(
            thread_total=count(threads, "category"),
            post_total=count(posts, "thread__category"),
            latest_post_id=Subquery(posts.order_by("-created_at", "-pk").values("pk")[:1]),
        )
        .prefetch_related("restricted_to")
    )


@member_required
def index(request: HttpRequest) -> HttpResponse:
    categories = list(_categories_with_activity(request.user))
    latest = Post.objects.select_related("author", "thread").in_bulk(
        [category.latest_post_id for category in categories if category.latest_post_id]
    )
    for category in categories:
        category.latest_post = latest.get(category.latest_post_id)
    return render(
        request,
        "forums/index.html",
        {"categories": categories, "is_moderator": member_permissions.is_moderator(request.user)},
    )


@member_required
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_category_for_user(request.user, slug)
    last_author = (
        Post.objects.filter(thread=OuterRef("pk"), deleted_at__isnull=True, is_hidden=False)
        .order_by("-created_at", "-pk")
        .values("author__full_name")[:1]
    )
    threads = (
        category.threads.visible()
        .select_related("author")
        .annotate(last_author_name=Subquery(last_author))
        .order_by("-is_pinned", "-last_post_at", "-pk")
    )
    context = {
        "category": category,
        "restricted_to": list(category.restricted_to.all()),
        "page_obj": _page(request, threads, THREADS_PER_PAGE),
        "following": Subscription.objects.filter(user=request.user, category=category).exists(),
    }
    return render(request, "forums/category.html", context)


FOLLOW_MESSAGES = {
    ("thread", "follow"): gettext_lazy("You follow this thread: we will tell you about replies."),
    ("thread", "unfollow"): gettext_lazy("You no longer follow this thread."),
    ("category", "follow"): gettext_lazy(
        "You follow this category: we will tell you about new threads."
    ),
    ("category", "unfollow"): gettext_lazy("You no longer follow this category."),
}


def _set_following(request: HttpRequest, **target) -> None:
    """Follow or unfollow one thread or category, as the form's `action` says."""
    action = "unfollow" if request.POST.get("action") == "unfollow" else "follow"
    try:
        if action == "unfollow":
            services.unsubscribe(request.user, **target)
        else:
            services.subscribe(request.user, **target)
    except ForumError as error:
        messages.error(request, str(error))
    else:
        kind = "thread" if target.get("thread") is not None else "category"
        messages.success(request, str(FOLLOW_MESSAGES[kind, action]))


@require_POST
@member_required
def category_follow(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_category_for_user(request.user, slug)
    _set_following(request, category=category)
    return redirect(category)


@member_required
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_category_for_user(request.user, slug)
    initial = {key: request.GET.get(key, "")[:20] for key in ("occurrence", "guideline")}
    form = ThreadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(request.user, category, **form.cleaned_data)
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your thread has been posted. You follow it now."))
            return redirect(thread)
    context = {
        "category": category,
        "form": form,
        "occurrence": attachable_occurrence(form["occurrence"].value()),
        "guideline": attachable_guideline(form["guideline"].value()),
    }
    return render(request, "forums/thread_form.html", context)


# Threads


def _thread_context(request: HttpRequest, thread: Thread, reply_form: ReplyForm, number=None):
    user = request.user
    moderates = permissions.can_moderate(user, thread.category)
    posts = thread.posts.select_related(
        "author__organisation", "author__forum_profile", "quote_of__author"
    ).order_by("created_at", "pk")
    if moderates:
        revisions = PostRevision.objects.select_related("edited_by").order_by("-edited_at", "-pk")
        posts = posts.prefetch_related(Prefetch("revisions", queryset=revisions))
    page = _page(request, posts, queries.POSTS_PER_PAGE, number)
    actions = permissions.post_actions(user, thread, page.object_list)
    for post in page.object_list:
        post.allowed_actions = actions[post.pk]
        post.is_accepted = post.pk == thread.accepted_post_id
    accepted = thread.accepted_post
    return {
        "thread": thread,
        "category": thread.category,
        "page_obj": page,
        "can_moderate": moderates,
        "can_reply": permissions.can_reply(user, thread),
        "following": Subscription.objects.filter(user=user, thread=thread).exists(),
        "reply_form": reply_form,
        "accepted_url": queries.post_url(accepted) if accepted and not accepted.is_removed else "",
    }


def _quote_initial(request: HttpRequest, thread: Thread) -> dict:
    """Prefill the reply with the quoted post as a Markdown blockquote (`?quote=<post id>`)."""
    quote_id = parse_id(request.GET.get("quote"))
    quoted = (
        quote_id
        and thread.posts.filter(pk=quote_id, is_hidden=False, deleted_at__isnull=True).first()
    )
    if not quoted:
        return {}
    lines = Truncator(quoted.body).chars(QUOTE_EXCERPT).splitlines()
    return {"quote_of": quoted.pk, "body": "\n".join(f"> {line}".rstrip() for line in lines)}


@member_required
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = get_thread_for_user(request.user, pk)
    form = ReplyForm(initial=_quote_initial(request, thread))
    return render(request, "forums/thread.html", _thread_context(request, thread, form))


@require_POST
@member_required
def thread_reply(request: HttpRequest, pk: int) -> HttpResponse:
    thread = get_thread_for_user(request.user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        quote_id = form.cleaned_data["quote_of"]
        quote_of = thread.posts.filter(pk=quote_id).first() if quote_id else None
        try:
            post = services.reply(
                request.user, thread, form.cleaned_data["body"], quote_of=quote_of
            )
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your reply has been posted."))
            return redirect(queries.post_url(post))
    context = _thread_context(request, thread, form, number=LAST_PAGE)
    return render(request, "forums/thread.html", context)


@require_POST
@member_required
def thread_follow(request: HttpRequest, pk: int) -> HttpResponse:
    thread = get_thread_for_user(request.user, pk)
    _set_following(request, thread=thread)
    return redirect(thread)


THREAD_MODERATION_DONE = {
    ModerationAction.Kind.LOCK: gettext_lazy("The thread is locked."),
    ModerationAction.Kind.UNLOCK: gettext_lazy("The thread is unlocked."),
    ModerationAction.Kind.PIN: gettext_lazy("The thread is pinned."),
    ModerationAction.Kind.UNPIN: gettext_lazy("The thread is unpinned."),
    ModerationAction.Kind.MOVE: gettext_lazy("The thread has been moved."),
}


@moderator_required
def thread_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    thread = get_thread_for_user(user, pk)
    # A moderator may moderate exactly the categories they can see (permissions.can_moderate).
    categories = permissions.visible_categories(user)
    form = ThreadModerationForm(request.POST or None, thread=thread, categories=categories)
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == ModerationAction.Kind.MOVE:
                services.move_thread(user, thread, form.cleaned_data["category"], reason)
            else:
                services.set_thread_state(user, thread, action, reason)
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, str(THREAD_MODERATION_DONE[action]))
            return redirect(thread)
    return render(request, "forums/thread_moderate.html", {"thread": thread, "form": form})


# Posts


@member_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if not permissions.can_edit_post(request.user, post):
        raise Http404
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(request.user, post, form.cleaned_data["body"])
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your post has been updated."))
            return redirect(queries.post_url(post))
    context = {"post": post, "thread": post.thread, "form": form}
    return render(request, "forums/post_edit.html", context)


@member_required
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if request.method != "POST":
        if not permissions.can_delete_post(request.user, post):
            raise Http404
        return render(request, "forums/post_delete.html", {"post": post, "thread": post.thread})
    try:
        services.delete_own_post(request.user, post)
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your post has been deleted."))
    return redirect(queries.post_url(post))


@member_required
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    if post.is_removed:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_post(request.user, post, form.cleaned_data["reason"])
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. A moderator will look at the post."))
            return redirect(queries.post_url(post))
    context = {"post": post, "thread": post.thread, "form": form}
    return render(request, "forums/post_report.html", context)


@require_POST
@member_required
def post_accept(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    try:
        services.accept_answer(request.user, post.thread, post)
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The answer is marked as accepted."))
    return redirect(queries.post_url(post))


POST_MODERATION = {
    "hide": (services.hide_post, gettext_lazy("The post is hidden and its reports are closed.")),
    "restore": (services.restore_post, gettext_lazy("The post is shown again.")),
    "dismiss": (services.dismiss_flags, gettext_lazy("The reports are dismissed.")),
}


@moderator_required
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_post_for_user(request.user, pk)
    flags = list(post.flags.filter(resolved_at__isnull=True).select_related("flagged_by"))
    actions = ["restore" if post.is_hidden else "hide"] + (["dismiss"] if flags else [])
    initial = {"next": request.GET.get("next", "")}
    form = PostModerationForm(request.POST or None, actions=actions, initial=initial)
    if request.method == "POST" and form.is_valid():
        verb, done = POST_MODERATION[form.cleaned_data["action"]]
        try:
            verb(request.user, post, form.cleaned_data["reason"])
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, str(done))
            if form.cleaned_data["next"] == "queue":
                return redirect("forums:moderation")
            return redirect(queries.post_url(post))
    context = {
        "post": post,
        "thread": post.thread,
        "flags": flags,
        "form": form,
        "post_url": queries.post_url(post),
    }
    return render(request, "forums/post_moderate.html", context)


@moderator_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    visible = permissions.visible_categories(request.user)
    flags = Flag.objects.filter(
        resolved_at__isnull=True,
        post__thread__deleted_at__isnull=True,
        post__thread__category__in=visible,
    ).select_related("post__author__organisation", "post__thread__category", "flagged_by")
    reported: dict[int, tuple[Post, list[Flag]]] = {}
    for flag in flags.order_by("created_at", "pk"):
        reported.setdefault(flag.post_id, (flag.post, []))[1].append(flag)
    log = list(
        ModerationAction.objects.filter(thread__category__in=visible).select_related(
            "moderator", "thread", "post__author", "from_category", "to_category"
        )[:MODERATION_LOG_LIMIT]
    )
    visible_ids = set(visible.values_list("pk", flat=True))
    for action in log:
        # A move names the category it came from only to those who may see that category.
        action.moved_from = action.from_category if action.from_category_id in visible_ids else None
        action.moved_to = action.to_category if action.to_category_id in visible_ids else None
    return render(
        request,
        "forums/moderation_queue.html",
        {"reported": list(reported.values()), "log": log},
    )


# Notifications and settings


@member_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = _page(request, queries.visible_notifications(request.user), NOTIFICATIONS_PER_PAGE)
    return render(request, "forums/notifications.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@member_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to its post. A GET may do this: it only marks read."""
    notification = get_object_or_404(queries.visible_notifications(request.user), pk=pk)
    services.mark_read(request.user, [notification.pk])
    return redirect(queries.post_url(notification.post))


@require_POST
@member_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.mark_read(request.user)
    messages.success(request, _("All your notifications are marked as read."))
    return redirect("forums:notifications")


@member_required
def forum_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = services.profile_for(user)
    form = EmailSettingsForm(request.POST or None, initial={"email_mode": profile.email_mode})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_email_mode(user, form.cleaned_data["email_mode"])
        except ForumError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your forum e-mail settings have been saved."))
            return redirect("forums:settings")
    following = Subscription.objects.filter(user=user).order_by("-created_at")
    context = {
        "form": form,
        "profile": profile,
        "threads": following.filter(thread__in=visible_threads(user)).select_related("thread"),
        "categories": following.filter(
            category__in=permissions.visible_categories(user)
        ).select_related("category"),
    }
    return render(request, "forums/settings.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click unsubscribe link in forum e-mails. The token is the credential, so
    there is no CSRF check here: a mail client may POST straight to it (RFC 8058)."""
    if request.method == "POST":
        if services.unsubscribe_by_token(token) is None:
            raise Http404
        return render(request, "forums/unsubscribe.html", {"done": True})
    if len(token) > 64 or not ForumProfile.objects.filter(unsubscribe_token=token).exists():
        raise Http404
    return render(request, "forums/unsubscribe.html", {"done": False})
