"""Registration → approval → e-mail → sign in → dashboard, in Debian's Chromium against Daphne."""

from __future__ import annotations

import re

import pytest

from members import roles
from members.models import ApprovalStatus, NetworkRole, User
from members.tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, email, password):
    page.goto("/members/login/")
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_registration_approval_email_and_dashboard(browser_page, live_daphne):
    page = browser_page
    hub = OrganisationFactory(name="Westmoor Childrens Hospital", network_role=NetworkRole.HUB)
    spoke = OrganisationFactory(name="Upper Dale Community Nursing Team", hub=hub)
    coordinator = UserFactory(
        email="coordinator@browser.example",
        full_name="Cora Coordinator",
        organisation=hub,
        roles=[roles.COORDINATORS],
    )

    # A community nurse at a rural spoke registers on a narrow screen.
    response = page.goto("/")
    assert response.status == 200, page.content()[:3000]
    page.get_by_role("link", name="Register as a member").click()
    page.get_by_label("Full name").fill("Rhiannon Hughes")
    page.get_by_label("Work e-mail address").fill("rhiannon@browser.example")
    page.get_by_label("Organisation", exact=True).select_option(label=spoke.name)
    page.get_by_label("Clinical", exact=True).check()
    page.get_by_label("Profession").select_option(label="Nurse")
    page.get_by_label("Job title").fill("Community children's nurse")
    page.get_by_label("Password", exact=True).fill("snowdrop-lantern-47")
    page.get_by_label("Password again").fill("snowdrop-lantern-47")
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Registration received").wait_for()
    assert User.objects.get(email="rhiannon@browser.example").approval_status == "pending"

    # She cannot sign in yet, and is told why.
    sign_in(page, "rhiannon@browser.example", "snowdrop-lantern-47")
    page.get_by_text("waiting for a coordinator").first.wait_for()

    # The coordinator was told, and approves her from the queue on the site.
    assert any("Rhiannon Hughes" in m["Subject"] for m in live_daphne.emails())
    sign_in(page, coordinator.email, PASSWORD)
    page.get_by_role("heading", name="Hello, Cora").wait_for()
    page.get_by_role("link", name="1 registration to approve").click()
    page.get_by_role("button", name="Approve Rhiannon Hughes").click()
    page.get_by_text("is approved and has been e-mailed").wait_for()
    assert User.objects.get(email="rhiannon@browser.example").approval_status == (
        ApprovalStatus.APPROVED
    )
    page.get_by_role("button", name="Sign out").click()

    # The e-mail tells her she can sign in, with the address to do it.
    approval = next(m for m in live_daphne.emails() if m["To"] == "rhiannon@browser.example")
    assert "approved" in approval["Subject"]
    login_url = re.search(r"https?://\S+/members/login/", approval.get_payload()).group(0)
    assert login_url.endswith("/members/login/")

    sign_in(page, "rhiannon@browser.example", "snowdrop-lantern-47")
    page.get_by_role("heading", name="Hello, Rhiannon").wait_for()
    assert spoke.name in page.locator("main").inner_text()
    # Nothing overflows the 360 px viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_registration_errors_are_shown_and_linked(browser_page):
    page = browser_page
    OrganisationFactory(name="Hillside Special School")
    UserFactory(email="taken@browser.example")
    page.goto("/members/register/")
    page.get_by_label("Full name").fill("Tom Taken")
    page.get_by_label("Work e-mail address").fill("TAKEN@browser.example")
    page.get_by_role("button", name="Register").click()
    summary = page.get_by_role("alert")
    summary.get_by_text("There is a problem").wait_for()
    summary.get_by_role("link", name=re.compile("already exists")).click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert page.get_by_label("Full name").input_value() == "Tom Taken"
    assert User.objects.filter(full_name="Tom Taken").count() == 0


def test_skip_link_is_first_and_moves_focus(browser_page):
    page = browser_page
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#maincontent"
