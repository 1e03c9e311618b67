"""Search in Chromium at 360 px: the header box, keyboard only, suggestions that never
show what the member may not open, and the results page's accessibility."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from forums import services
from forums.models import Category
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

    open_category = Category.objects.create(name="Symptom management", slug="symptoms")
    executive = Category.objects.create(name="Executive committee", slug="executive")
    executive.restricted_to.add(Group.objects.get(name=roles.EXECUTIVE_COMMITTEE))
    nurse = UserFactory(email="nurse@search.example", full_name="Nia Nurse")
    chair = UserFactory(email="chair@search.example", roles=[roles.EXECUTIVE_COMMITTEE])
    services.start_thread(
        nurse, open_category, "Syringe driver out of hours", "Who can set one up at night?"
    )
    services.start_thread(
        chair, executive, "Syringe budget for the hospice", "Confidential figures for next year."
    )
    return {"nurse": nurse, "chair": chair}


def test_a_member_searches_from_the_header_with_the_keyboard(browser_page, forum):
    page = browser_page
    sign_in(page, forum["nurse"].email)
    page.goto("/")
    box = page.get_by_label("Search the network")
    box.focus()
    page.keyboard.type("syri")
    # Suggestions arrive in the box's datalist: the open thread, never the restricted one.
    page.wait_for_function(
        "document.querySelectorAll('#search-suggestions option').length > 0", timeout=5000
    )
    options = page.eval_on_selector_all(
        "#search-suggestions option", "options => options.map(o => o.value)"
    )
    assert "Syringe driver out of hours" in options
    assert not any("budget" in option for option in options)
    page.keyboard.type("nge driver")
    page.keyboard.press("Tab")  # to the box's Search button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search/?q=syringe+driver" in page.url
    assert page.get_by_role("link", name="Syringe driver out of hours").is_visible()
    assert "Syringe budget" not in page.content()
    assert (
        page.get_by_label(
            "Search for guidelines, learning, sessions, forums and pages"
        ).input_value()
        == "syringe driver"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    axe = Axe()
    assert check_page(page, "/search/?q=syringe+driver", axe) == []
    assert check_page(page, "/search/?q=syringe+driver&kind=forum", axe) == []


def test_the_restricted_thread_is_found_by_its_group(browser_page, forum):
    page = browser_page
    sign_in(page, forum["chair"].email)
    page.goto("/search/?q=syringe+budget")
    assert page.get_by_role("link", name="Syringe budget for the hospice").is_visible()
