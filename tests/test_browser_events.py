"""A community nurse finds the monthly session, registers, and submits a case, in Chromium."""

from __future__ import annotations

import pytest

from events.models import Case, Registration, RegistrationStatus
from events.tests.factories import events_for
from members.tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_register_for_a_session_and_submit_a_case(browser_page):
    page = browser_page
    coordinator = UserFactory(email="hub@browser.example", roles=["Coordinators"])
    organiser = UserFactory(email="someone@browser.example")
    events = events_for(organiser, coordinator)
    nurse = UserFactory(email="nurse@browser.example", full_name="Rhiannon Hughes")

    page.goto("/members/login/")
    page.get_by_label("Work e-mail address").fill(nurse.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/events/")
    page.locator(".nc-events").get_by_role("link", name="Symptom management ECHO").first.click()
    page.get_by_role("heading", name="Your place").wait_for()
    assert "The joining link is shown here once you are registered." in page.content()
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered").wait_for()
    assert page.get_by_role("link", name="Join the video call").is_visible()
    registration = Registration.objects.get(member=nurse, occurrence=events["session"])
    assert registration.status == RegistrationStatus.REGISTERED

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")

    # An identifying summary is refused and the text is kept for correction.
    page.get_by_role("link", name="Submit a de-identified case for this session").click()
    page.get_by_label("Short title").fill("Agitation at end of life")
    page.get_by_label("Age band").select_option(label="5 to 11 years")
    page.get_by_label("Category 3: progressive conditions without curative treatment").check()
    summary = page.get_by_label("De-identified summary")
    summary.fill("A 9-year-old with Batten disease, NHS number 943 476 5919, agitated at night.")
    page.get_by_label("Your question for the panel").fill("What can we add at home?")
    page.get_by_role("button", name="Submit the case").click()
    page.get_by_text("This looks like an NHS number.").first.wait_for()
    assert "Batten disease" in summary.input_value()
    assert not Case.objects.filter(presenter=nurse).exists()

    summary.fill("A 9-year-old with Batten disease, agitated at night despite melatonin.")
    page.get_by_role("button", name="Submit the case").click()
    page.get_by_text("Your case is submitted").wait_for()
    assert Case.objects.get(presenter=nurse).title == "Agitation at end of life"
