"""A data return in Chromium at 360 px, by keyboard and pointer: a lead fills it in over
two visits, meets the year-on-year question, explains and submits; the coordinator
queries a field; the lead replies; the coordinator accepts and downloads the CSV."""

from __future__ import annotations

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from members import roles
from members.tests.factories import OrganisationFactory, UserFactory
from returns import services
from returns.tests.factories import FULL, build_template
from tests.browser import check_page, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def journey():
    coordinator = UserFactory(email="coordinator@returns.example", roles=[roles.COORDINATORS])
    hospice = OrganisationFactory(name="Harebell House")
    lead = UserFactory(email="lead@returns.example", organisation=hospice)
    hospice.leads.add(lead)
    last_year = build_template(name="Provision 2025/26", slug="provision-2025")
    (previous,) = services.open_template(
        last_year, [hospice], datetime.date(2026, 3, 31), by=coordinator
    )
    services.save_answers(previous, lead, FULL, revision=previous.revision)
    previous.refresh_from_db()
    services.submit(previous, lead, revision=previous.revision)
    this_year = build_template(name="Provision 2026/27", previous=last_year)
    (current,) = services.open_template(
        this_year, [hospice], datetime.date(2027, 3, 31), by=coordinator
    )
    return {"coordinator": coordinator, "lead": lead, "return": current}


def test_a_return_from_first_visit_to_acceptance(browser_page, journey):
    page = browser_page
    organisation_return = journey["return"]
    path = f"/returns/{organisation_return.pk}/"
    sign_in(page, journey["lead"].email)
    page.goto(path)
    assert check_page(page, path, Axe()) == []
    # First visit: a few answers, saved as a draft.
    page.get_by_label("Beds (beds)").fill("25")
    page.get_by_label("Offers 24/7 nursing").select_option("yes")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_load_state()
    assert "Your answers are saved." in page.content()
    # Second visit: the rest; night nurses are asked now that 24/7 nursing is yes.
    page.goto(path)
    page.get_by_label("Nurses on a night shift").fill("2")
    page.get_by_label("Region").select_option("North")
    page.locator("#f-service_name-0").fill("Respite")
    page.locator("#f-places-0").fill("4")
    page.get_by_role("button", name="Save and send to the network").click()
    page.wait_for_load_state()
    # 10 beds last year, 25 now: confirm with an explanation.
    assert "very different from last year (10, now 25)" in page.content()
    assert "Your answers are saved, but the return has not been sent yet." in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label(
        "Last year this was 10; now 25. Please confirm with a short explanation."
    ).fill("A new wing opened in June.")
    page.get_by_role("button", name="Save and send to the network").click()
    page.wait_for_load_state()
    assert "Your return has been sent to the network" in page.content()

    # The coordinator queries the beds figure.
    page.context.clear_cookies()
    sign_in(page, journey["coordinator"].email)
    page.goto(path)
    page.get_by_label("Question about").select_option("beds")
    page.get_by_label("Your question for the organisation").fill("Are the new beds staffed?")
    page.get_by_role("button", name="Send the question").click()
    page.wait_for_load_state()
    assert "Your query has been sent" in page.content()

    # The lead replies.
    page.context.clear_cookies()
    sign_in(page, journey["lead"].email)
    page.goto(path)
    assert "Are the new beds staffed?" in page.content()
    page.get_by_label("Your reply").fill("Yes, since September.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_load_state()

    # The coordinator accepts and downloads the answers.
    page.context.clear_cookies()
    sign_in(page, journey["coordinator"].email)
    page.goto(path)
    page.get_by_role("button", name="Accept this return").click()
    page.wait_for_load_state()
    assert "The return is accepted." in page.content()
    progress = f"/returns/templates/{organisation_return.template_id}/"
    page.goto(progress)
    assert check_page(page, progress, Axe()) == []
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Download the answers (CSV, one row per organisation)"
        ).click()
    csv = open(download.value.path(), encoding="utf-8").read()
    assert "Harebell House,accepted,25,yes,2,North" in csv


def test_a_coordinator_makes_a_return_and_sends_it_to_hospices(browser_page):
    from members.models import NetworkRole, OrganisationKind
    from returns.models import ReturnTemplate, TemplateStatus

    coordinator = UserFactory(email="maker@returns.example", roles=[roles.COORDINATORS])
    OrganisationFactory(name="Harebell House", kind=OrganisationKind.HOSPICE)
    OrganisationFactory(
        name="Town Nursing", kind=OrganisationKind.COMMUNITY_NURSING, network_role=NetworkRole.HUB
    )
    page = browser_page
    sign_in(page, coordinator.email)
    page.goto("/returns/")
    page.get_by_role("link", name="Make a new return").click()
    assert check_page(page, "/returns/templates/new/", Axe()) == []
    page.get_by_label("Name", exact=True).fill("Respite provision 2027/28")
    page.get_by_label("Short name").fill("respite")
    page.get_by_role("button", name="Make the return").click()
    page.wait_for_load_state()
    page.get_by_label("Title", exact=True).fill("Beds")
    page.get_by_role("button", name="Add the section").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Add a question to Beds").click()
    assert check_page(page, _here(page), Axe()) == []
    page.get_by_label("Code", exact=True).fill("respite beds")  # a space: refused
    page.get_by_label("Label", exact=True).fill("Respite beds")
    page.get_by_label("Agreed definition").fill("Beds kept for planned short breaks.")
    page.get_by_label("Kind", exact=True).select_option("integer")
    page.get_by_role("button", name="Save the question").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Code", exact=True).fill("respite_beds")
    page.get_by_role("button", name="Save the question").click()
    page.wait_for_load_state()
    assert "The question is saved." in page.content()
    page.get_by_role("link", name="Choose organisations and send").first.click()
    page.get_by_label("Children's hospice").check()
    page.get_by_label("Due date").fill("2099-03-31")
    page.get_by_role("button", name="Check who will be asked").click()
    page.wait_for_load_state()
    assert "1 organisation will be asked" in page.content()
    page.get_by_role("button", name="Send to this organisation").click()
    page.wait_for_load_state()
    assert "The return is sent to 1 organisation, and its leads are e-mailed." in page.content()
    assert check_page(page, _here(page), Axe()) == []
    template = ReturnTemplate.objects.get(slug="respite")
    assert template.status == TemplateStatus.OPEN
    assert [r.organisation.name for r in template.returns.all()] == ["Harebell House"]


def _here(page) -> str:
    from urllib.parse import urlsplit

    url = urlsplit(page.url)
    return url.path + (f"?{url.query}" if url.query else "")
