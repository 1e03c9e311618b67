"""A member attends a live ECHO session, gives feedback from its end screen, and the
coordinator's evaluation dashboard counts it: Chromium over Daphne, Redis and PostgreSQL."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from schedule.models import Occurrence

from evaluation.models import Answer, Response
from events.models import Attendance, PresenceInterval
from events.tests.factories import build_room
from members import roles
from members.tests.factories import UserFactory
from tests.browser import enter_room, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_feedback_from_the_end_screen_reaches_the_dashboard(open_page):
    room = build_room()
    # Forty minutes into the session (registration closes at the start, so move it there).
    now = timezone.now()
    Occurrence.objects.filter(pk=room["occurrence"].pk).update(
        start=now - datetime.timedelta(minutes=40), end=now + datetime.timedelta(minutes=50)
    )
    occurrence = Occurrence.objects.get(pk=room["occurrence"].pk)
    coordinator = UserFactory(full_name="Cora Coordinator", roles=[roles.COORDINATORS])
    fac, amy = open_page(1200), open_page()
    enter_room(fac, room["facilitator"], occurrence.pk)
    enter_room(amy, room["amy"], occurrence.pk)
    fac.locator("#live-people").get_by_text("Amy Member").wait_for()
    # Amy has been in the room since the session began (her connection's interval says so).
    PresenceInterval.objects.filter(member=room["amy"]).update(joined_at=occurrence.start)

    fac.once("dialog", lambda dialog: dialog.accept())
    fac.get_by_role("button", name="End session").click()
    amy.locator("#live-status").get_by_text(re.compile("ended", re.I)).wait_for()
    assert Attendance.objects.get(member=room["amy"]).minutes >= 39

    amy.get_by_role("link", name="Give feedback on this session").click()
    amy.get_by_role("heading", name=re.compile("ECHO session feedback")).wait_for()
    for legend in (
        "The session was useful to me.",
        "The session was relevant to my role.",
        "I would recommend these sessions to a colleague.",
    ):
        amy.get_by_role("group", name=legend).get_by_label("5 – Strongly agree").check()
    amy.get_by_label("What will you do differently after this session?").fill(
        "Ask about night-time agitation at every visit."
    )
    amy.get_by_role("button", name="Send my answers").click()
    amy.get_by_text(re.compile("Your answers are saved")).wait_for()
    response = Response.objects.get()
    assert response.member == room["amy"]
    assert sorted(Answer.objects.exclude(value=None).values_list("value", flat=True)) == [5, 5, 5]

    office = open_page(1200)
    sign_in(office, coordinator.email)
    office.goto("/evaluation/")
    office.get_by_text(re.compile(r"^1 feedback responses from \d+ attendances asked")).wait_for()
