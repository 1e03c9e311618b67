"""Learning in Chromium at 360 px: pages pass the accessibility checks, and a member
takes a quiz, completes a track and verifies the certificate with the keyboard only."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from learning.models import Certificate, LearningIndexPage, QuizAttempt
from learning.tests.factories import QUIZ, make_module, make_track
from members.models import StaffGroup
from members.tests.factories import UserFactory
from tests.browser import AXE_OPTIONS, check_page, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def learning():
    index = LearningIndexPage.objects.get()
    track = make_track(index)
    reading = make_module(track, "what-palliative-care-means")
    quiz = make_module(track, "who-is-involved", quiz=QUIZ)
    member = UserFactory(email="learner@learn.example", staff_group=StaffGroup.NON_CLINICAL)
    return {"index": index, "track": track, "reading": reading, "quiz": quiz, "member": member}


def test_visitor_learning_pages(browser_page, learning):
    axe = Axe()
    paths = [learning["index"].url, learning["track"].url, "/certificates/", "/certificates/X/"]
    problems = [p for path in paths for p in check_page(browser_page, path, axe)]
    assert problems == []


def test_member_completes_a_track_with_the_keyboard(browser_page, learning):
    page = browser_page
    sign_in(page, learning["member"].email)
    axe = Axe()
    problems = [
        p
        for path in [learning["index"].url, learning["track"].url, learning["index"].url + "cpd/"]
        for p in check_page(page, path, axe)
    ]
    assert problems == []

    assert check_page(page, learning["reading"].url, axe) == []
    page.get_by_role("button", name="Mark this module complete").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Module complete.").wait_for()

    assert check_page(page, learning["quiz"].url, axe) == []
    page.get_by_role("button", name="I have read this module").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Marked as read").wait_for()
    # A wrong answer first: recorded, not passed.
    page.get_by_label("Only those dying").check()
    page.get_by_label("Teachers").check()
    page.get_by_role("button", name="Check my answers").press("Enter")
    page.get_by_text("Not passed yet").wait_for()
    assert axe.run(page, options=AXE_OPTIONS).response["violations"] == []
    page.get_by_label("Those with life-limiting conditions").check()
    page.get_by_label("Teachers").check()
    page.get_by_label("Community nurses").check()
    page.get_by_role("button", name="Check my answers").press("Enter")
    page.get_by_text("You passed").wait_for()
    assert QuizAttempt.objects.filter(user=learning["member"]).count() == 2

    certificate = Certificate.objects.get(user=learning["member"])
    page.goto(learning["index"].url)
    page.get_by_role("link", name="Your certificate").first.click()
    page.get_by_text("Certificate of completion").wait_for()
    assert check_page(page, page.url.replace(page.url.split("/learning/")[0], ""), axe) == []

    page.goto("/certificates/")
    page.get_by_label("Certificate code").fill(certificate.display_code.lower())
    page.get_by_label("Certificate code").press("Enter")
    page.get_by_text("This certificate is genuine").wait_for()
    assert learning["member"].full_name in page.content()
