"""Guidelines in Chromium at 360 px: every page passes the accessibility checks, and a
member acknowledges a guideline and a lead records adoption with the keyboard only."""

from __future__ import annotations

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from guidelines import services
from guidelines.models import Acknowledgement, Adoption, GuidelineIndexPage, GuidelinePage
from guidelines.tests.factories import make_draft
from members import roles
from members.models import NetworkRole, StaffGroup
from members.tests.factories import OrganisationFactory, UserFactory
from tests.browser import check_page, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RICH_BODY = [
    {"type": "text", "value": "<h2>Before the transfer</h2><p>Agree the plan with the family.</p>"},
    {
        "type": "care_card",
        "value": {
            "type": "urgent",
            "title": "Call the on-call consultant if",
            "heading_level": 3,
            "body": [{"type": "richtext", "value": "<p>Breathing becomes distressed.</p>"}],
        },
    },
    {
        "type": "do_list",
        "value": {
            "heading_level": 3,
            "label": "",
            "do": ["<p>Take the anticipatory medicines</p>"],
        },
    },
    {
        "type": "dont_list",
        "value": {"heading_level": 3, "label": "", "dont": ["<p>Delay for paperwork</p>"]},
    },
    {
        "type": "expander",
        "value": {
            "title": "Ambulance booking",
            "body": [{"type": "richtext", "value": "<p>Use the end-of-life booking line.</p>"}],
        },
    },
    {
        "type": "table",
        "value": {
            "data": [["Who", "When"], ["Community nurse", "Within 2 hours"]],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "Who visits first",
        },
    },
]


@pytest.fixture
def network():
    hub = OrganisationFactory(name="Westmoor Childrens Hospital", network_role=NetworkRole.HUB)
    spoke = OrganisationFactory(name="Upper Dale Community Nursing Team", hub=hub)
    coordinator = UserFactory(
        email="coordinator@guide.example", organisation=hub, roles=[roles.COORDINATORS]
    )
    lead = UserFactory(email="lead@guide.example", organisation=spoke)
    spoke.leads.add(lead)
    nurse = UserFactory(
        email="nurse@guide.example", organisation=spoke, staff_group=StaffGroup.CLINICAL
    )
    clinical = UserFactory(email="clin@guide.example", roles=[roles.CLINICAL_STEERING_GROUP])
    executive = UserFactory(email="exec@guide.example", roles=[roles.EXECUTIVE_COMMITTEE])
    index = GuidelineIndexPage.objects.get()
    pages = []
    for number, (slug, due) in enumerate([("rapid-transfer", 200), ("breakthrough-pain", -3)]):
        page = make_draft(
            index,
            coordinator,
            title=f"Guideline {number + 1}: {slug.replace('-', ' ')}",
            slug=slug,
            body=RICH_BODY,
            guideline_owner=coordinator,
            review_due=timezone.localdate() + datetime.timedelta(days=due),
        )
        services.submit_for_endorsement(page, coordinator)
        services.approve_step(page, clinical, "Clinically sound.")
        services.approve_step(page, executive, "Endorsed.")
        pages.append(GuidelinePage.objects.get(pk=page.pk))
    services.record_adoption(lead, pages[1], spoke, "under_review")
    return {
        "index": index,
        "pages": pages,
        "coordinator": coordinator,
        "lead": lead,
        "nurse": nurse,
        "spoke": spoke,
        "executive": executive,
    }


def test_visitor_guideline_pages(browser_page, network):
    axe = Axe()
    paths = [network["index"].url, network["pages"][0].url, network["pages"][1].url]
    problems = [p for path in paths for p in check_page(browser_page, path, axe)]
    assert problems == []


def test_member_acknowledges_with_the_keyboard(browser_page, network):
    page = network["pages"][0]
    sign_in(browser_page, network["nurse"].email)
    axe = Axe()
    problems = [
        p
        for path in [network["index"].url, network["index"].url + "?category=nonsense", page.url]
        for p in check_page(browser_page, path, axe)
    ]
    assert problems == []
    button = browser_page.get_by_role("button", name="I have read version 1")
    button.focus()
    browser_page.keyboard.press("Enter")
    browser_page.get_by_text("You have acknowledged version 1").wait_for()
    assert Acknowledgement.objects.filter(user=network["nurse"], guideline=page).count() == 1
    assert check_page(browser_page, page.url, axe) == []


def test_lead_records_adoption_and_sees_errors(browser_page, network):
    page = network["pages"][0]
    spoke = network["spoke"]
    sign_in(browser_page, network["lead"].email)
    axe = Axe()
    adoption_url = reverse("guidelines:adoption", args=[page.slug, spoke.slug])
    browser_page.goto(adoption_url)
    browser_page.get_by_label("Not adopted").check()
    browser_page.get_by_role("button", name="Record the position").click()
    browser_page.get_by_text("There is a problem").wait_for()
    assert (
        axe.run(browser_page, options={"resultTypes": ["violations"]}).response["violations"] == []
    )
    assert not Adoption.objects.filter(guideline=page).exists()
    browser_page.get_by_label("Adopted with local changes").check()
    browser_page.get_by_label("Reason or local changes").fill("We give the first dose at home.")
    browser_page.get_by_role("button", name="Record the position").click()
    browser_page.get_by_text("Recorded").first.wait_for()
    assert Adoption.objects.get(guideline=page).status == "adopted_with_changes"
    paths = [adoption_url, reverse("guidelines:organisation_adoption", args=[spoke.slug]), "/"]
    problems = [p for path in paths for p in check_page(browser_page, path, axe)]
    assert problems == []


def test_coordinator_reports(browser_page, network):
    sign_in(browser_page, network["coordinator"].email)
    axe = Axe()
    uptake = reverse("guidelines:uptake", args=[network["pages"][1].slug])
    paths = [
        network["index"].url,
        reverse("guidelines:uptake_overview"),
        reverse("guidelines:review_due"),
        uptake,
        network["pages"][1].url,
        "/",
    ]
    problems = [p for path in paths for p in check_page(browser_page, path, axe)]
    assert problems == []
    browser_page.goto(uptake)
    chart = browser_page.locator("svg.nc-chart__svg")
    assert chart.count() == 1
    title_id = chart.get_attribute("aria-labelledby").split()[0]
    assert browser_page.locator(f"#{title_id}").text_content().startswith("Uptake of Guideline 2")
