"""The forum pages: the restricted-category matrix across every view, attack inputs on a
rendered thread, and what members and moderators see and do through the web."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forums import queries, services
from forums.models import (
    EmailMode,
    Flag,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from members import roles
from members.tests.factories import UserFactory

from .factories import XSS_ATTACKS, assert_harmless

pytestmark = pytest.mark.django_db

MISSING_PK = 987_654_321
LOGIN_PATH = reverse("members:login")


def parsed(response) -> BeautifulSoup:
    """The page, parsed once per response."""
    if not hasattr(response, "_soup"):
        response._soup = BeautifulSoup(response.content, "html.parser")
    return response._soup


def heading(response) -> str:
    h1 = parsed(response).find("h1")
    return h1.get_text(" ", strip=True) if h1 else ""


def page_text(response) -> str:
    return parsed(response).get_text(" ", strip=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return client


# The restricted category, everything in it, and the matrix of views


@pytest.fixture
def board(executive, second_executive, exec_category):
    """A question in the Executive committee's category, an answer to it, and the
    notification the answer gave the asker."""
    question = services.start_thread(
        executive,
        exec_category,
        "Board question: the budget",
        "Secret budget figure 4242",
        is_question=True,
    )
    answer = services.reply(second_executive, question, "Confidential answer 7777")
    return SimpleNamespace(
        category=exec_category,
        thread=question,
        post=answer,
        notification=Notification.objects.get(user=executive, post=answer),
    )


SECRETS = ("Executive business", "Board question", "4242", "7777")


def _category(board, missing):
    return "no-such-category" if missing else board.category.slug


def _thread(board, missing):
    return MISSING_PK if missing else board.thread.pk


def _post(board, missing):
    return MISSING_PK if missing else board.post.pk


# name: (url name, which object, methods, POST data). Where a view has a form, both the
# form (GET) and its submission (POST) are requested.
VIEWS = {
    "category": ("forums:category", _category, ["get"], None),
    "follow category": ("forums:category_follow", _category, ["post"], {"action": "follow"}),
    "new thread": (
        "forums:thread_new",
        _category,
        ["get", "post"],
        {"title": "Sneak", "body": "In"},
    ),
    "thread": ("forums:thread", _thread, ["get"], None),
    "reply": ("forums:reply", _thread, ["post"], {"body": "Let me in"}),
    "follow thread": ("forums:thread_follow", _thread, ["post"], {"action": "follow"}),
    "lock thread": (
        "forums:thread_moderate",
        _thread,
        ["get", "post"],
        {"action": "lock", "reason": "Mine"},
    ),
    "edit": ("forums:post_edit", _post, ["get", "post"], {"body": "Rewritten"}),
    "delete": ("forums:post_delete", _post, ["get", "post"], {}),
    "report": ("forums:post_report", _post, ["get", "post"], {"reason": "Curious"}),
    "accept answer": ("forums:post_accept", _post, ["post"], {}),
    "hide post": (
        "forums:post_moderate",
        _post,
        ["get", "post"],
        {"action": "hide", "reason": "Mine"},
    ),
    "open notification": (
        "forums:notification",
        lambda board, missing: MISSING_PK if missing else board.notification.pk,
        ["get"],
        None,
    ),
}

# Who does each action when it is allowed, to show the matrix is not refusing everyone.
ALLOWED_AS = {
    "edit": "second_executive",
    "delete": "second_executive",
    "lock thread": "executive_moderator",
    "hide post": "executive_moderator",
}


def request_view(client, name, board, *, missing) -> list:
    url_name, target, methods, data = VIEWS[name]
    url = reverse(url_name, args=[target(board, missing)])
    return [client.post(url, data) if method == "post" else client.get(url) for method in methods]


def state() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        list(Thread.objects.order_by("pk").values_list("pk", "category", "is_locked", "is_pinned")),
        list(Thread.objects.values_list("accepted_post", flat=True).order_by("pk")),
        list(Post.objects.order_by("pk").values_list("pk", "body", "is_hidden", "deleted_at")),
        list(Flag.objects.values_list("pk", flat=True)),
        list(Subscription.objects.order_by("pk").values_list("pk", flat=True)),
        ModerationAction.objects.count(),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
    )


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    "person", ["member", "moderator", "coordinator", "pending_user", "visitor"], indirect=True
)
def test_the_restricted_category_answers_like_a_missing_one(person, view, board):
    client = client_for(person)
    before = state()
    for hidden, missing in zip(
        request_view(client, view, board, missing=False),
        request_view(client, view, board, missing=True),
        strict=True,
    ):
        assert hidden.status_code == missing.status_code
        if not person.is_authenticated:
            assert hidden.status_code == 302
            assert hidden.url.startswith(LOGIN_PATH) and missing.url.startswith(LOGIN_PATH)
        elif person.approval_status != "approved":
            assert hidden.status_code == 403
        else:
            assert hidden.status_code == 404
        assert heading(hidden) == heading(missing)
        text = page_text(hidden)
        for secret in SECRETS:
            assert secret not in text
    assert state() == before


@pytest.mark.parametrize("view", VIEWS)
def test_the_executive_committee_can_use_every_view(request, view, board):
    actor = request.getfixturevalue(ALLOWED_AS.get(view, "executive"))
    for response in request_view(client_for(actor), view, board, missing=False):
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response.url.startswith(LOGIN_PATH)
            assert response.url.startswith("/forums/")
        else:
            assert heading(response) != "Page not found"


LIST_PAGES = {
    "index": lambda: reverse("forums:index"),
    "notifications": lambda: reverse("forums:notifications"),
    "settings": lambda: reverse("forums:settings"),
    "dashboard": lambda: "/",
}


@pytest.mark.parametrize(
    "person", ["member", "moderator", "coordinator", "superuser"], indirect=True
)
def test_lists_leave_the_restricted_category_out(person, board, thread):
    services.subscribe(person, thread=thread)
    services.reply(UserFactory(), thread, "An open reply")
    client = client_for(person)
    for page, url in LIST_PAGES.items():
        response = client.get(url())
        assert response.status_code == 200, page
        text = page_text(response)
        for secret in SECRETS:
            assert secret not in text, page
        assert "Syringe drivers at home" in text, page


@pytest.mark.parametrize("page", LIST_PAGES)
def test_lists_show_the_restricted_category_to_the_executive(executive, page, board):
    services.subscribe(executive, category=board.category)
    text = page_text(client_for(executive).get(LIST_PAGES[page]()))
    assert "Board question: the budget" in text


def test_a_former_executives_old_notification_is_gone(executive, board):
    client = client_for(executive)
    executive.groups.remove(Group.objects.get(name=roles.EXECUTIVE_COMMITTEE))
    own = client.get(reverse("forums:notification", args=[board.notification.pk]))
    missing = client.get(reverse("forums:notification", args=[MISSING_PK]))
    assert own.status_code == missing.status_code == 404
    assert heading(own) == heading(missing)
    assert "Board question" not in page_text(client.get(reverse("forums:notifications")))
    assert "Board question" not in page_text(client.get("/"))
    board.notification.refresh_from_db()
    assert board.notification.read_at is None


def test_someone_elses_notification_is_missing(member, board):
    response = client_for(member).get(reverse("forums:notification", args=[board.notification.pk]))
    assert response.status_code == 404


def test_the_moderation_queue_and_log_leave_out_categories_the_moderator_cannot_see(
    moderator, executive_moderator, executive, board, reply, member
):
    services.flag_post(executive, board.post, "Figures are wrong")
    services.hide_post(executive_moderator, board.post, "Draft figures 9999")
    services.flag_post(member, reply, "Off topic")
    outsider = page_text(client_for(moderator).get(reverse("forums:moderation")))
    assert "Off topic" in outsider
    for secret in (*SECRETS, "Draft figures 9999", "Figures are wrong"):
        assert secret not in outsider
    insider = page_text(client_for(executive_moderator).get(reverse("forums:moderation")))
    assert "Draft figures 9999" in insider


def test_the_log_does_not_name_a_restricted_category_to_moderators_outside_it(
    moderator, executive_moderator, board, open_category
):
    services.move_thread(executive_moderator, board.thread, open_category, "Fine for everyone")
    text = page_text(client_for(moderator).get(reverse("forums:moderation")))
    assert "Fine for everyone" in text
    assert "Executive business" not in text
    insider = page_text(client_for(executive_moderator).get(reverse("forums:moderation")))
    assert "Executive business → General discussion" in insider


def test_quoting_a_post_from_elsewhere_quotes_nothing(member_client, thread, board, moderator):
    page = page_text(member_client.get(thread.get_absolute_url(), {"quote": board.post.pk}))
    assert "Confidential answer" not in page
    hidden = services.reply(UserFactory(), thread, "Hidden words")
    services.hide_post(moderator, hidden, "Spam")
    page = member_client.get(thread.get_absolute_url(), {"quote": hidden.pk}).content.decode()
    assert "Hidden words" not in page
    response = member_client.post(
        reverse("forums:reply", args=[thread.pk]), {"body": "Quoting", "quote_of": board.post.pk}
    )
    assert response.status_code == 302
    assert Post.objects.latest("pk").quote_of is None


@pytest.mark.parametrize("person", ["member", "coordinator", "pending_user"], indirect=True)
def test_the_moderation_queue_is_for_moderators(person):
    response = client_for(person).get(reverse("forums:moderation"))
    assert response.status_code in (403, 404)


# Guideline and event pages link to their discussions


@pytest.fixture
def guideline(db, executive):
    from guidelines.models import GuidelineIndexPage
    from guidelines.tests.factories import endorse, make_draft

    author = UserFactory(full_name="Ada Author", organisation=None, roles=[roles.COORDINATORS])
    clinician = UserFactory(
        full_name="Cal Clinical", organisation=None, roles=[roles.CLINICAL_STEERING_GROUP]
    )
    return endorse(
        make_draft(GuidelineIndexPage.objects.get(), author), author, clinician, executive
    )


def test_guideline_pages_link_only_to_discussions_the_member_can_see(
    guideline, executive, exec_category, member, open_category, moderator, coordinator, superuser
):
    services.start_thread(
        executive, exec_category, "Board view of the guideline", "Secret", guideline=guideline
    )
    services.start_thread(
        member, open_category, "Open view of the guideline", "Open", guideline=guideline
    )
    for person in (member, moderator, coordinator, superuser):
        response = client_for(person).get(guideline.url)
        assert response.status_code == 200
        text = page_text(response)
        assert "Open view of the guideline" in text
        assert "Board view of the guideline" not in text, person
        assert "Executive business" not in text, person
    board_text = page_text(client_for(executive).get(guideline.url))
    assert "Board view of the guideline" in board_text
    assert "Open view of the guideline" in board_text


def test_event_pages_link_only_to_discussions_the_member_can_see(
    executive, exec_category, member, open_category, moderator
):
    from events.tests.factories import first_occurrence, make_event

    occurrence = first_occurrence(make_event(title="Pain assessment webinar"))
    services.start_thread(
        executive, exec_category, "Board view of the webinar", "Secret", occurrence=occurrence
    )
    services.start_thread(
        member, open_category, "Open view of the webinar", "Open", occurrence=occurrence
    )
    url = reverse("events:occurrence", args=[occurrence.pk])
    for person in (member, moderator):
        text = page_text(client_for(person).get(url))
        assert "Open view of the webinar" in text
        assert "Board view of the webinar" not in text
    assert "Board view of the webinar" in page_text(client_for(executive).get(url))


# Attack inputs on the rendered thread page


@pytest.fixture
def attacked_thread(thread, monkeypatch):
    """Every attack as a reply that quotes the one before, each then edited by its author
    (so the attack is also in the edit history): the body, the quote and the revision are
    each rendered, on the same pages as the other attacks. One prolific attacker, so the
    flood limit is lifted."""
    monkeypatch.setattr(services, "RATE_LIMITS", ())
    author = UserFactory(full_name="Mallory Attacker")
    previous = None
    posts = {}
    for name, attack in XSS_ATTACKS.items():
        post = services.reply(author, thread, attack, quote_of=previous)
        services.edit_post(author, post, f"Edited: {attack}")
        posts[name] = previous = post
    return thread, posts


def _escaped_text_only(part) -> bool:
    """Quotes and edit history show the member's text as written: paragraphs and line
    breaks of escaped text, no markup of the member's."""
    return all(
        element.name in {"p", "br"}
        and not any(name.lower().startswith("on") for name in element.attrs)
        for element in part.find_all(True)
    )


def test_attacks_on_the_thread_page_render_harmlessly(attacked_thread, member, moderator):
    thread, posts = attacked_thread
    for person in (member, moderator):
        client = client_for(person)
        pages = -(-(len(posts) + 1) // queries.POSTS_PER_PAGE)
        articles = {}
        failures = []
        for number in range(1, pages + 1):
            response = client.get(thread.get_absolute_url(), {"page": number})
            assert response.status_code == 200
            page = response.content.decode()
            for name, attack in XSS_ATTACKS.items():
                if "<" in attack and attack.replace("\x00", "") in page:
                    failures.append((name, "raw payload on the page"))
            for article in BeautifulSoup(page, "html.parser").select("article.nc-post"):
                articles[article["id"]] = article
                (body,) = article.select(".nc-post__body")
                try:
                    assert_harmless(body.decode_contents())
                except AssertionError as error:
                    failures.append((article["id"], str(error)[:300]))
                for part in article.select(".nc-quote, .nc-revision"):
                    if not _escaped_text_only(part):
                        failures.append((article["id"], part.decode()[:300]))
        assert failures == []
        # Every post is its own article: no unclosed tag swallowed the next one.
        assert set(articles) == {f"post-{post.pk}" for post in thread.posts.all()}
        quotes = sum(len(article.select(".nc-quote")) for article in articles.values())
        revisions = sum(len(article.select(".nc-revision")) for article in articles.values())
        assert quotes == len(posts) - 1
        # The edit history, with each attack in it, is shown to the moderator only.
        assert revisions == (len(posts) if person == moderator else 0)


def test_attacks_in_titles_are_escaped(member_client, member, open_category):
    title = "<script>alert(1)</script><img src=x onerror=alert(1)>"
    thread = services.start_thread(member, open_category, title, "Body")
    for url in (thread.get_absolute_url(), open_category.get_absolute_url(), "/forums/"):
        page = member_client.get(url).content.decode()
        assert title not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "0"},
        {"page": "99999"},
        {"page": "1e9"},
        {"page": "x" * 500},
        {"quote": "abc"},
        {"quote": "-5"},
        {"quote": "' OR 1=1 --"},
        {"quote": "99999999999999999999999"},
    ],
)
def test_pages_survive_bad_query_strings(member_client, thread, query):
    for url in (
        thread.get_absolute_url(),
        thread.category.get_absolute_url(),
        reverse("forums:notifications"),
    ):
        assert member_client.get(url, query).status_code == 200, url


# Posting through the web


def test_a_reply_through_the_form(member_client, member, thread, other_member):
    client = client_for(other_member)
    response = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "**Yes**, we do"})
    post = Post.objects.latest("pk")
    assert response.status_code == 302
    assert response.url == queries.post_url(post)
    assert post.author == other_member
    page = client.get(response.url)
    assert "Your reply has been posted." in page_text(page)
    assert "<strong>Yes</strong>" in page.content.decode()


BAD_REPLIES = {
    "empty": ("", "Write something before posting."),
    "whitespace": ("  \n\t ", "Write something before posting."),
    "over long": ("x" * 20_001, "20000"),
}


@pytest.mark.parametrize(("body", "message"), BAD_REPLIES.values(), ids=BAD_REPLIES.keys())
def test_bad_replies_are_refused_with_a_message(member_client, thread, body, message):
    before = Post.objects.count()
    response = member_client.post(reverse("forums:reply", args=[thread.pk]), {"body": body})
    assert response.status_code == 200
    assert message in page_text(response).replace(",", "")
    assert Post.objects.count() == before


def test_a_reply_flood_is_refused_with_a_message(thread, other_member):
    client = client_for(other_member)
    url = reverse("forums:reply", args=[thread.pk])
    for n in range(5):
        assert client.post(url, {"body": f"Reply {n}"}).status_code == 302
    before = Post.objects.count()
    response = client.post(url, {"body": "Reply 6"})
    assert response.status_code == 200
    assert "You are posting very quickly" in page_text(response)
    assert Post.objects.count() == before


def test_a_locked_thread_refuses_member_replies(thread, other_member, moderator):
    services.set_thread_state(moderator, thread, "lock", "Resolved")
    client = client_for(other_member)
    page = client.get(thread.get_absolute_url())
    assert "This thread is locked" in page_text(page)
    reply_url = reverse("forums:reply", args=[thread.pk])
    assert f'action="{reply_url}"' not in page.content.decode()
    before = Post.objects.count()
    response = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "But"})
    assert response.status_code == 200
    assert "locked" in page_text(response)
    assert Post.objects.count() == before
    moderated = client_for(moderator).post(
        reverse("forums:reply", args=[thread.pk]), {"body": "Locked, see above"}
    )
    assert moderated.status_code == 302
    assert Post.objects.count() == before + 1


def test_starting_a_thread_through_the_form(member_client, open_category):
    response = member_client.post(
        reverse("forums:thread_new", args=[open_category.slug]),
        {"title": "Oxygen at school", "body": "Any care plans?", "is_question": "on"},
    )
    thread = Thread.objects.get(title="Oxygen at school")
    assert response.status_code == 302
    assert response.url == thread.get_absolute_url()
    assert thread.is_question


def test_nobody_edits_someone_elses_post_through_the_web(first_post, other_member, moderator):
    for person in (other_member, moderator):
        client = client_for(person)
        url = reverse("forums:post_edit", args=[first_post.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Rewritten"}).status_code == 404
    first_post.refresh_from_db()
    assert first_post.body == "How do you set one up at home?"
    assert not PostRevision.objects.exists()


def test_edit_history_is_shown_to_moderators_only(
    member_client, member, first_post, thread, moderator
):
    response = member_client.post(
        reverse("forums:post_edit", args=[first_post.pk]), {"body": "Edited version"}
    )
    assert response.status_code == 302
    first_post.refresh_from_db()
    assert first_post.body == "Edited version"
    assert first_post.revisions.get().body == "How do you set one up at home?"
    for person, sees in ((member, False), (UserFactory(), False), (moderator, True)):
        text = page_text(client_for(person).get(thread.get_absolute_url()))
        assert ("Edit history: 1 earlier version" in text) is sees
        assert ("How do you set one up at home?" in text) is sees


def test_members_delete_their_own_reply_within_half_an_hour(thread, other_member, reply):
    client = client_for(other_member)
    url = reverse("forums:post_delete", args=[reply.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    reply.refresh_from_db()
    assert reply.deleted_at is not None
    assert "Deleted post" in page_text(client.get(thread.get_absolute_url()))


def test_members_cannot_delete_their_reply_after_half_an_hour(thread, other_member, reply):
    Post.objects.filter(thread=thread).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    Post.objects.filter(pk=reply.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    client = client_for(other_member)
    url = reverse("forums:post_delete", args=[reply.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, follow=True)
    assert "30 minutes" in page_text(response)
    reply.refresh_from_db()
    assert reply.deleted_at is None


def test_reporting_twice_is_refused(member_client, reply):
    url = reverse("forums:post_report", args=[reply.pk])
    assert member_client.post(url, {"reason": "Identifiable"}).status_code == 302
    response = member_client.post(url, {"reason": "Again"})
    assert response.status_code == 200
    assert "You have already reported this post." in page_text(response)
    assert Flag.objects.count() == 1


def test_a_report_reaches_the_queue_and_hiding_needs_a_reason(
    member_client, reply, moderator, thread
):
    member_client.post(reverse("forums:post_report", args=[reply.pk]), {"reason": "Names a child"})
    client = client_for(moderator)
    queue = page_text(client.get(reverse("forums:moderation")))
    assert "1 reported post" in queue
    assert "Names a child" in queue and "We use the regional protocol." in queue

    url = reverse("forums:post_moderate", args=[reply.pk])
    refused = client.post(url, {"action": "hide", "reason": "  ", "next": "queue"})
    assert refused.status_code == 200
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert not ModerationAction.objects.exists()

    done = client.post(url, {"action": "hide", "reason": "Identifies a family", "next": "queue"})
    assert done.status_code == 302 and done.url == reverse("forums:moderation")
    reply.refresh_from_db()
    assert reply.is_hidden
    queue = page_text(client.get(reverse("forums:moderation")))
    assert "0 reported posts" in queue
    assert "Identifies a family" in queue and "Mo Moderator" in queue

    member_view = page_text(member_client.get(thread.get_absolute_url()))
    assert "This post was hidden by a moderator." in member_view
    assert "We use the regional protocol." not in member_view
    moderator_view = page_text(client.get(thread.get_absolute_url()))
    assert "Hidden from members" in moderator_view
    assert "We use the regional protocol." in moderator_view


def test_a_pinned_thread_is_listed_first(
    member_client, member, other_member, open_category, moderator
):
    pinned = services.start_thread(member, open_category, "House rules", "Be kind")
    services.start_thread(other_member, open_category, "A newer thread", "Body")
    client_for(moderator).post(
        reverse("forums:thread_moderate", args=[pinned.pk]), {"action": "pin", "reason": "Rules"}
    )
    page = member_client.get(open_category.get_absolute_url())
    titles = [
        a.get_text(strip=True)
        for a in BeautifulSoup(page.content, "html.parser").select(".nc-threads h3 a")
    ]
    assert titles == ["House rules", "A newer thread"]


def test_moving_through_the_web_is_logged(thread, moderator, other_category):
    client = client_for(moderator)
    response = client.post(
        reverse("forums:thread_moderate", args=[thread.pk]),
        {"action": "move", "category": other_category.pk, "reason": "Symptoms"},
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.category == other_category
    assert "General discussion → Symptom management" in page_text(
        client.get(reverse("forums:moderation"))
    )


def test_a_moderator_cannot_move_a_thread_into_a_category_they_cannot_see(
    thread, moderator, exec_category
):
    response = client_for(moderator).post(
        reverse("forums:thread_moderate", args=[thread.pk]),
        {"action": "move", "category": exec_category.pk, "reason": "Hide it"},
    )
    assert response.status_code == 200
    thread.refresh_from_db()
    assert thread.category.name == "General discussion"
    assert "Executive business" not in page_text(response)


def test_accepting_an_answer_through_the_web(member, other_member, open_category):
    question = services.start_thread(member, open_category, "Which driver?", "?", is_question=True)
    answer = services.reply(other_member, question, "The T34")
    refused = client_for(other_member).post(reverse("forums:post_accept", args=[answer.pk]))
    assert refused.status_code == 302
    question.refresh_from_db()
    assert question.accepted_post is None
    client_for(member).post(reverse("forums:post_accept", args=[answer.pk]))
    question.refresh_from_db()
    assert question.accepted_post == answer
    assert "Accepted answer" in page_text(client_for(other_member).get(question.get_absolute_url()))


# Notifications, settings and unsubscribing


def test_opening_a_notification_marks_it_read_and_goes_to_the_post(member_client, member, reply):
    notification = Notification.objects.get(user=member)
    assert "Notifications (1 unread" in page_text(member_client.get(reverse("forums:index")))
    response = member_client.get(reverse("forums:notification", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == queries.post_url(reply)
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "Notifications (" not in page_text(member_client.get(reverse("forums:index")))


def test_mark_all_read(member_client, member, reply, thread):
    services.reply(UserFactory(), thread, "Another")
    assert queries.unread_count(member) == 2
    response = member_client.post(reverse("forums:notifications_read"))
    assert response.status_code == 302
    assert queries.unread_count(member) == 0


def test_choosing_the_email_mode(member_client, member):
    url = reverse("forums:settings")
    page = page_text(member_client.get(url))
    assert "@nia-member" in page
    assert member_client.post(url, {"email_mode": "immediate"}).status_code == 302
    member.forum_profile.refresh_from_db()
    assert member.forum_profile.email_mode == EmailMode.IMMEDIATE
    refused = member_client.post(url, {"email_mode": "hourly"})
    assert refused.status_code == 200
    member.forum_profile.refresh_from_db()
    assert member.forum_profile.email_mode == EmailMode.IMMEDIATE


def test_one_click_unsubscribe(member):
    client = Client()
    url = reverse("forums:unsubscribe", args=[member.forum_profile.unsubscribe_token])
    assert client.get(url).status_code == 200
    member.forum_profile.refresh_from_db()
    assert member.forum_profile.email_mode == EmailMode.DAILY
    response = client.post(url)
    assert response.status_code == 200
    assert "You will get no more forum e-mails" in page_text(response)
    member.forum_profile.refresh_from_db()
    assert member.forum_profile.email_mode == EmailMode.NONE


@pytest.mark.parametrize("token", ["wrong", "a" * 65, "%00", "..%2F..%2Fadmin"])
def test_a_wrong_unsubscribe_link_is_missing(member, token):
    client = Client()
    url = f"/forums/unsubscribe/{token}/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    member.forum_profile.refresh_from_db()
    assert member.forum_profile.email_mode == EmailMode.DAILY


def test_the_unsubscribe_link_in_an_email_works(thread, member, other_member, deliver, mailoutbox):
    services.reply(other_member, thread, "A reply")
    with deliver():
        services.send_digests()
    (message,) = mailoutbox
    link = next(word for word in message.body.split() if "/forums/unsubscribe/" in word)
    path = link.split("127.0.0.1:8000", 1)[1]
    assert Client().post(path).status_code == 200
    member.forum_profile.refresh_from_db()
    assert member.forum_profile.email_mode == EmailMode.NONE


@pytest.mark.parametrize("name", ["index", "notifications", "settings", "moderation"])
def test_visitors_are_sent_to_sign_in(name):
    response = Client().get(reverse(f"forums:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_PATH)
