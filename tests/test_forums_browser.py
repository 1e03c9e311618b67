"""Forums in Chromium at 360 px: pages pass the accessibility checks, and a member
starts a thread, a colleague replies with a mention, all with the keyboard."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from forums import services
from forums.models import Category, Notification, Post
from members import roles
from members.tests.factories import UserFactory
from tests.browser import check_page, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def forum():
    from django.contrib.auth.models import Group

    open_category = Category.objects.create(
        name="Symptom management", slug="symptom-management", description="Questions and tips."
    )
    executive = Category.objects.create(name="Executive committee", slug="executive")
    executive.restricted_to.add(Group.objects.get(name=roles.EXECUTIVE_COMMITTEE))
    nurse = UserFactory(email="nurse@forum.example", full_name="Nia Nurse")
    colleague = UserFactory(email="colleague@forum.example", full_name="Cal Colleague")
    moderator = UserFactory(email="mod@forum.example", roles=[roles.MODERATORS])
    thread = services.start_thread(
        colleague, open_category, "Syringe driver out of hours", "Who can *help* at night?"
    )
    services.flag_post(nurse, thread.posts.get(), "Testing the queue")
    return {
        "category": open_category,
        "executive": executive,
        "nurse": nurse,
        "colleague": colleague,
        "moderator": moderator,
        "thread": thread,
    }


def test_member_starts_a_thread_and_is_mentioned(browser_page, forum):
    page = browser_page
    sign_in(page, forum["nurse"].email)
    axe = Axe()
    paths = [
        "/forums/",
        "/forums/symptom-management/",
        "/forums/symptom-management/new/",
        forum["thread"].get_absolute_url(),
        "/forums/notifications/",
        "/forums/settings/",
        "/forums/executive/",
    ]
    assert [p for path in paths for p in check_page(page, path, axe)] == []

    page.goto("/forums/symptom-management/new/")
    page.get_by_role("button", name="Post the thread").click()
    page.get_by_text("There is a problem").wait_for()
    assert axe.run(page).response["violations"] == []

    page.get_by_label("Title").fill("Mouth care at home")
    page.get_by_label("Your post").fill("What do you use for **dry mouth**?")
    page.get_by_role("button", name="Post the thread").press("Enter")
    page.get_by_role("heading", name="Mouth care at home").wait_for()
    assert Post.objects.filter(thread__title="Mouth care at home").count() == 1

    handle = services.profile_for(forum["nurse"]).handle
    thread = forum["thread"]
    services.reply(forum["colleague"], thread, f"@{handle} could you share your rota?")
    assert Notification.objects.filter(user=forum["nurse"], kind="mention").count() == 1
    page.goto("/")
    link = page.locator("header a[href='/forums/notifications/']").first
    assert " ".join(link.text_content().split()) == "Notifications (1 unread)"


def test_moderator_pages(browser_page, forum):
    sign_in(browser_page, forum["moderator"].email)
    axe = Axe()
    post = forum["thread"].posts.get()
    paths = [
        "/forums/moderation/",
        f"/forums/threads/{forum['thread'].pk}/moderate/",
        f"/forums/posts/{post.pk}/moderate/",
    ]
    assert [p for path in paths for p in check_page(browser_page, path, axe)] == []
