"""Where cases are discussed in the forums (a category marked for cases, or a thread started
from an ECHO session), text that could identify someone is refused, with the case form's
message; nothing is stored and nobody is notified. Elsewhere the forums are unchanged."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import EventKind
from events.tests.factories import make_event
from forums import services
from forums.models import Post, Thread

from .factories import make_category

pytestmark = pytest.mark.django_db

IDENTIFYING = [
    ("Oliver Smith is home again", "Oliver Smith"),
    ("NHS number 943 476 5919 on the letter", "943 476 5919"),
    ("Mum's NI number QQ 12 34 56 C", "QQ 12 34 56 C"),
    ("Ward list shows RXH-1234567", "RXH-1234567"),
    ("Born 12/03/2019 at the general", "12/03/2019"),
]


@pytest.fixture
def case_category(db):
    category = make_category("Case follow-up", position=4)
    category.case_discussion = True
    category.save()
    return category


def occurrence_of(kind):
    start = timezone.now() - datetime.timedelta(days=2)
    return make_event(title=f"A {kind}", kind=kind, start=start).occurrence_set.get()


@pytest.mark.parametrize(("text", "found"), IDENTIFYING)
def test_a_case_category_refuses_identifying_titles_posts_and_edits(
    member, other_member, case_category, text, found, deliver
):
    with deliver(), pytest.raises(services.ForumError) as refused:
        services.start_thread(member, case_category, "An update", text)
    assert f"Remove or reword “{found}”" in str(refused.value)
    assert "Keep cases de-identified here." in str(refused.value)
    with pytest.raises(services.ForumError):
        services.start_thread(member, case_category, f"About {text}", "A 9-year-old, settled.")
    assert not Thread.objects.exists()
    thread = services.start_thread(member, case_category, "An update", "A 9-year-old, settled.")
    services.subscribe(other_member, thread=thread)
    mail.outbox.clear()
    with deliver(), pytest.raises(services.ForumError):
        services.reply(other_member, thread, text)
    post = thread.posts.get()
    with pytest.raises(services.ForumError):
        services.edit_post(member, post, text)
    post.refresh_from_db()
    assert post.body == "A 9-year-old, settled." and Post.objects.count() == 1
    assert mail.outbox == []


def test_threads_from_an_echo_session_are_checked_wherever_they_are(member, open_category):
    echo = occurrence_of(EventKind.ECHO_SESSION)
    with pytest.raises(services.ForumError):
        services.start_thread(
            member, open_category, "After the session", "Oliver Smith again", occurrence=echo
        )
    study_day = occurrence_of(EventKind.STUDY_DAY)
    thread = services.start_thread(
        member, open_category, "Study day", "Booking opens 21 January 2027.", occurrence=study_day
    )
    assert thread.posts.get().body == "Booking opens 21 January 2027."


def test_other_categories_are_unchanged(member, open_category):
    thread = services.start_thread(
        member, open_category, "Study day", "Dr Sarah Jones speaks on 21 January 2027."
    )
    assert thread.posts.count() == 1


def test_the_form_shows_the_refusal_and_keeps_what_was_typed(client, member, case_category):
    client.force_login(member)
    response = client.post(
        reverse("forums:thread_new", args=[case_category.slug]),
        {"title": "An update", "body": "Oliver Smith is home again"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Remove or reword “Oliver Smith”" in page
    assert "Oliver Smith is home again</textarea>" in page
    assert not Thread.objects.exists()
