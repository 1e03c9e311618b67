"""A facilitator and two members run a live ECHO session in Chromium, over Daphne and Redis."""

from __future__ import annotations

import re

import pytest

from events.models import Attendance, AttendanceSource, Case, ChatMessage, PollVote, Recommendation
from events.tests.factories import build_room
from tests.browser import enter_room

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_facilitator_and_two_members_run_a_session(open_page):
    room = build_room()
    occurrence_id = room["occurrence"].pk
    fac, amy, ben = open_page(1200), open_page(), open_page()
    enter_room(fac, room["facilitator"], occurrence_id)
    enter_room(amy, room["amy"], occurrence_id)
    enter_room(ben, room["ben"], occurrence_id)

    people = fac.locator("#live-people")
    for name in ["Amy Member", "Ben Member", "Fola Facilitator"]:
        people.get_by_text(name).wait_for()

    # Chat, both ways, with markup shown as text.
    amy.get_by_label("Your message").fill("Hello from the rural spoke <b>team</b>")
    amy.get_by_label("Your message").press("Enter")
    ben.locator("#live-chat").get_by_text("Hello from the rural spoke <b>team</b>").wait_for()
    assert ben.locator("#live-chat b").count() == 0

    # Ben raises a hand; the facilitator takes it.
    ben.get_by_role("button", name="Raise my hand").click()
    fac.locator("#live-hands").get_by_text("Ben Member", exact=True).wait_for()
    fac.get_by_role("button", name="Take next hand").click()
    ben.locator("#live-hands-taken").get_by_text(re.compile("Ben Member|Your hand")).wait_for()

    # The facilitator starts the case item, which shows the case to everyone.
    case = room["case"]
    fac.locator("#live-agenda").get_by_role(
        "button", name=re.compile(f"Start this item.*{case.title}")
    ).click()
    amy.locator("#live-case-title").get_by_text(case.title).wait_for()
    assert "What can we add at home?" in amy.locator("#live-case-question").inner_text()

    # A recommendation is recorded against it.
    fac.get_by_role("textbox", name="Recommendation").fill(
        "Try a night-time plan with the hospice team."
    )
    fac.get_by_role("button", name="Add recommendation").click()
    amy.locator("#live-recs").get_by_text("Try a night-time plan").wait_for()

    # A quick poll: open, vote, watch the count, close.
    fac.get_by_role("textbox", name="Question").fill("How confident do you feel?")
    fac.get_by_label("Option 1").fill("Confident")
    fac.get_by_label("Option 2").fill("Not yet")
    fac.get_by_role("button", name="Open poll").click()
    amy.locator("#live-polls-open").get_by_text("How confident do you feel?", exact=True).wait_for()
    amy.locator("#live-polls-open").get_by_label("Confident").check()
    amy.locator("#live-polls-open").get_by_role("button", name=re.compile("Vote")).click()
    fac.locator("#live-polls-open").get_by_text("1 vote in total").wait_for()
    fac.locator("#live-polls-open").get_by_role("button", name=re.compile("Close poll")).click()
    ben.locator("#live-polls-closed").get_by_text(
        "How confident do you feel?", exact=True
    ).wait_for()

    # Facilitator controls are not offered to members.
    assert amy.get_by_role("button", name="Take next hand").count() == 0
    assert amy.get_by_role("button", name="End session").count() == 0

    fac.once("dialog", lambda dialog: dialog.accept())
    fac.get_by_role("button", name="End session").click()
    amy.locator("#live-status").get_by_text(re.compile("ended", re.I)).wait_for()

    assert ChatMessage.objects.filter(body__startswith="Hello from the rural spoke").exists()
    assert list(Recommendation.objects.values_list("body", flat=True)) == [
        "Try a night-time plan with the hospice team."
    ]
    assert PollVote.objects.get().member == room["amy"]
    records = dict(Attendance.objects.values_list("member__full_name", "source"))
    assert records == {
        "Amy Member": AttendanceSource.LIVE,
        "Ben Member": AttendanceSource.LIVE,
        "Fola Facilitator": AttendanceSource.LIVE,
    }
    assert Case.objects.get(pk=case.pk).status == "presented"
