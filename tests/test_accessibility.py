"""Crawl the site as each kind of user in Chromium at 360 px and check every page.

For each page: axe-core finds no WCAG 2.x A/AA violations, headings start at
one h1 and never skip a level, nothing scrolls sideways, and every form control
has a label.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from events.tests.factories import build_room, events_for
from members import roles
from members.models import ApprovalStatus, NetworkRole
from members.tests.factories import OrganisationFactory, UserFactory
from tests.browser import AXE_OPTIONS, HEADINGS_SCRIPT, UNLABELLED_SCRIPT, check_page, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def network():
    hub = OrganisationFactory(name="Westmoor Childrens Hospital", network_role=NetworkRole.HUB)
    spoke = OrganisationFactory(name="Upper Dale Community Nursing Team", hub=hub)
    UserFactory(email="applicant@a11y.example", approval_status=ApprovalStatus.PENDING)
    UserFactory(
        email="unlisted@a11y.example",
        organisation=None,
        unlisted_organisation_name="Hillside Primary",
        approval_status=ApprovalStatus.PENDING,
    )
    return {
        "hub": hub,
        "spoke": spoke,
        "member": UserFactory(email="member@a11y.example", organisation=spoke),
        "coordinator": UserFactory(
            email="coordinator@a11y.example", organisation=hub, roles=[roles.COORDINATORS]
        ),
        "pending": UserFactory(
            email="pending@a11y.example", approval_status=ApprovalStatus.PENDING
        ),
    }


PUBLIC_PAGES = [
    "/",
    reverse("members:login"),
    reverse("members:register"),
    reverse("members:registration_received"),
    reverse("members:password_reset"),
    reverse("members:password_reset_done"),
    "/no-such-page/",
    reverse("search:search"),
    reverse("search:search") + "?q=pain+assessment",
]


def test_visitor_pages(browser_page, network):
    axe = Axe()
    problems = [p for path in PUBLIC_PAGES for p in check_page(browser_page, path, axe)]
    assert problems == []


def test_form_with_errors_is_accessible(browser_page, network):
    browser_page.goto(reverse("members:register"))
    browser_page.get_by_role("button", name="Register").click()
    browser_page.get_by_text("There is a problem").wait_for()
    results = Axe().run(browser_page, options=AXE_OPTIONS)
    assert results.response["violations"] == []


def test_member_pages(browser_page, network):
    events = events_for(network["member"], network["coordinator"])
    sign_in(browser_page, network["member"].email)
    axe = Axe()
    paths = [
        reverse("events:calendar"),
        reverse("events:calendar") + "?view=month",
        reverse("events:occurrence", args=[events["session"].pk]),
        reverse("events:my_events"),
        reverse("events:programme", args=[events["programme"].slug]),
        reverse("events:case_submit", args=[events["session"].pk]),
        events["case"].get_absolute_url(),
        "/",
        reverse("members:profile"),
        reverse("members:password_change"),
        reverse("members:organisation_directory"),
        network["spoke"].get_absolute_url(),
        network["hub"].get_absolute_url(),
        reverse("members:approval_queue"),
        reverse("search:search") + "?q=breathlessness",
        reverse("search:search") + "?q=breathlessness&kind=session",
        reverse("search:search") + "?q=zzqqxx+nothing",
    ]
    problems = [p for path in paths for p in check_page(browser_page, path, axe)]
    assert problems == []


def test_coordinator_pages(browser_page, network):
    events = events_for(network["member"], network["coordinator"])
    session = events["session"]
    sign_in(browser_page, network["coordinator"].email)
    axe = Axe()
    paths = [
        "/",
        reverse("members:approval_queue"),
        reverse("members:organisation_add"),
        reverse("events:event_create"),
        reverse("events:event_edit", args=[session.event_id]),
        reverse("events:occurrence", args=[session.pk]),
        reverse("events:occurrence_move", args=[session.pk]),
        reverse("events:occurrence_cancel", args=[session.pk]),
        reverse("events:attendance", args=[session.pk]),
        reverse("events:review_queue"),
        events["case"].get_absolute_url(),
        reverse("search:search") + "?q=breathlessness",  # with the pin buttons
    ]
    problems = [p for path in paths for p in check_page(browser_page, path, axe)]
    assert problems == []


def test_pending_user_sees_an_accessible_refusal(browser_page, network):
    sign_in(browser_page, network["pending"].email)
    assert "waiting for a coordinator" in browser_page.content()
    results = Axe().run(browser_page, options=AXE_OPTIONS)
    assert results.response["violations"] == []


def test_the_scan_itself_finds_problems(browser_page):
    # Guards the guard: a page with known faults must fail every check above.
    browser_page.set_content(
        '<html><body><h2>Skipped h1</h2><h4>Jump</h4><input name="q">'
        '<img src="/x.png"><div style="width:900px">wide</div></body></html>'
    )
    problems = []
    results = Axe().run(browser_page, options=AXE_OPTIONS)
    problems += [v["id"] for v in results.response["violations"]]
    levels = browser_page.evaluate(HEADINGS_SCRIPT)
    assert levels == [2, 4]
    assert "image-alt" in problems
    assert "label" in problems
    assert browser_page.evaluate(UNLABELLED_SCRIPT) == ["q"]
    assert browser_page.evaluate("document.documentElement.scrollWidth") > 360


def test_live_room_pages(open_page):
    room = build_room()
    axe = Axe()
    problems = []
    for who, width in [("facilitator", 360), ("amy", 360), ("facilitator", 1200)]:
        page = open_page(width)
        sign_in(page, room[who].email)
        path = f"/sessions/{room['occurrence'].pk}/live/"
        page.goto(path)
        page.locator("#live-status").get_by_text("Connected").wait_for()
        results = axe.run(page, options=AXE_OPTIONS)
        problems += [
            f"{who}@{width}: {v['id']} {v['help']}" for v in results.response["violations"]
        ]
        levels = page.evaluate(HEADINGS_SCRIPT)
        if levels.count(1) != 1 or any(b > a + 1 for a, b in zip(levels, levels[1:], strict=False)):
            problems.append(f"{who}@{width}: headings {levels}")
        if page.evaluate(UNLABELLED_SCRIPT):
            problems.append(f"{who}@{width}: unlabelled {page.evaluate(UNLABELLED_SCRIPT)}")
        if page.evaluate("document.documentElement.scrollWidth") > width:
            problems.append(f"{who}@{width}: wider than the screen")
    assert problems == []
