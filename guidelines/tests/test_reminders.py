"""Review dates: overdue and due-soon boundaries, and reminders sent once per due date."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guidelines import services
from guidelines.models import GuidelinePage, ReviewReminder
from members.tests.factories import UserFactory

from .factories import days_from_today, endorse, endorse_new_version, make_draft

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days", "overdue", "due_soon"),
    [
        (-365, True, False),
        (-1, True, False),
        (0, False, True),
        (1, False, True),
        (90, False, True),
        (91, False, False),
    ],
)
def test_overdue_and_due_soon_boundaries(days, overdue, due_soon):
    today = timezone.localdate()
    page = GuidelinePage(review_due=today + datetime.timedelta(days=days))
    assert page.is_review_overdue(today) is overdue
    assert page.is_review_due_soon(today) is due_soon
    # Without a date given, both use today's date in the network's time zone.
    assert page.is_review_overdue() is overdue
    assert page.is_review_due_soon() is due_soon


def set_review_due(page: GuidelinePage, days: int) -> GuidelinePage:
    GuidelinePage.objects.filter(pk=page.pk).update(review_due=days_from_today(days))
    return GuidelinePage.objects.get(pk=page.pk)


@pytest.fixture
def owner(db):
    return UserFactory(full_name="Olu Owner", email="olu@test.example", organisation=None)


@pytest.fixture
def owned(guideline, owner) -> GuidelinePage:
    GuidelinePage.objects.filter(pk=guideline.pk).update(guideline_owner=owner)
    return set_review_due(guideline, 30)


@pytest.fixture
def send(deliver):
    def run(today: datetime.date | None = None) -> int:
        with deliver():
            return services.send_review_reminders(today)

    return run


def reminders(outbox):
    return [m for m in outbox if m.subject.startswith(("Review due soon", "Review overdue"))]


def test_owner_is_reminded_once(send, outbox, owned, owner):
    assert send() == 1
    sent = reminders(outbox)
    assert [m.to for m in sent] == [[owner.email]]
    assert sent[0].subject == f"Review due soon: {owned.title}"
    assert "in 30 days" in sent[0].body
    assert "http://127.0.0.1:8000/guidelines/rapid-transfer-home/" in sent[0].body
    assert ReviewReminder.objects.get().review_due == days_from_today(30)

    assert send() == 0
    assert send(timezone.localdate() + datetime.timedelta(days=10)) == 0
    assert len(reminders(outbox)) == 1
    assert ReviewReminder.objects.count() == 1


def test_overdue_guideline_gets_an_overdue_reminder(send, outbox, owned):
    set_review_due(owned, -3)
    assert send() == 1
    [sent] = reminders(outbox)
    assert sent.subject == f"Review overdue: {owned.title}"
    assert "was due for review on" in sent.body


def test_a_new_review_date_earns_a_new_reminder(
    send, outbox, owned, owner, author, clinical_reviewer, executive
):
    assert send() == 1
    endorse_new_version(owned, author, clinical_reviewer, executive, review_due=days_from_today(60))
    assert GuidelinePage.objects.get(pk=owned.pk).review_due == days_from_today(60)
    assert send() == 1
    assert send() == 0
    assert [m.to for m in reminders(outbox)] == [[owner.email], [owner.email]]
    assert sorted(ReviewReminder.objects.values_list("review_due", flat=True)) == [
        days_from_today(30),
        days_from_today(60),
    ]


def test_not_yet_due_is_not_reminded(send, outbox, owned):
    set_review_due(owned, 91)
    assert send() == 0
    set_review_due(owned, 90)
    assert send() == 1
    assert len(reminders(outbox)) == 1


def test_no_owner_no_email_and_no_row(send, outbox, guideline):
    set_review_due(guideline, 10)
    assert send() == 0
    assert reminders(outbox) == []
    assert not ReviewReminder.objects.exists()


def test_inactive_owner_gets_nothing_and_is_not_marked_as_reminded(send, outbox, owned, owner):
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    assert send() == 0
    assert not ReviewReminder.objects.exists()


def test_drafts_are_not_reminded(send, outbox, index, author, owner):
    make_draft(
        index, author, slug="draft-due", guideline_owner=owner, review_due=days_from_today(5)
    )
    assert send() == 0
    assert not ReviewReminder.objects.exists()


def test_each_owner_hears_about_their_own_guideline(
    send, outbox, index, author, clinical_reviewer, executive, owner
):
    other = UserFactory(email="pip@test.example", organisation=None)
    for slug, who in [("first", owner), ("second", other)]:
        endorse(
            make_draft(
                index,
                author,
                slug=slug,
                title=f"Guideline {slug}",
                guideline_owner=who,
                review_due=days_from_today(20),
            ),
            author,
            clinical_reviewer,
            executive,
        )
    assert send() == 2
    assert sorted((m.to[0], m.subject) for m in reminders(outbox)) == [
        ("olu@test.example", "Review due soon: Guideline first"),
        ("pip@test.example", "Review due soon: Guideline second"),
    ]


def test_management_command(deliver, outbox, owned, owner):
    out = StringIO()
    with deliver():
        call_command("send_guideline_review_reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 1 review reminder(s)."
    assert [m.to for m in reminders(outbox)] == [[owner.email]]
    out = StringIO()
    with deliver():
        call_command("send_guideline_review_reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 0 review reminder(s)."
    assert len(reminders(outbox)) == 1


# What readers see


def test_page_says_review_overdue_after_the_date(guideline, index):
    client = Client()
    assert "Review overdue" not in client.get(guideline.url).content.decode()
    assert "Review overdue" not in client.get(index.url).content.decode()

    set_review_due(guideline, 0)
    assert "Review overdue" not in client.get(guideline.url).content.decode()

    page = set_review_due(guideline, -1)
    body = client.get(guideline.url).content.decode()
    assert "Review overdue" in body
    assert f"This guideline was due for review on {page.review_due:%-d %B %Y}" in body
    assert "Review overdue" in client.get(index.url).content.decode()


def test_review_due_report_lists_overdue_and_soon(
    coordinator_client, index, author, clinical_reviewer, executive, owner
):
    for slug, days in [("late", -2), ("soon", 45), ("later", 200)]:
        endorse(
            make_draft(
                index,
                author,
                slug=slug,
                title=f"Guideline {slug}",
                review_due=days_from_today(days),
                guideline_owner=owner,
            ),
            author,
            clinical_reviewer,
            executive,
        )
    body = coordinator_client.get(reverse("guidelines:review_due")).content.decode()
    overdue, soon = body.split("Due in the next 90 days")
    assert "Guideline late" in overdue and "2 days ago" in overdue
    assert "Guideline soon" in soon and "in 45 days" in soon
    assert "Guideline later" not in body
    assert "Olu Owner" in body
