"""The guideline pages as readers see them, where they may be created, and their query counts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from wagtail.models import Page, PageViewRestriction, Site

from cop_site.models import HomePage, NewsIndexPage, StandardPage
from guidelines import services, uptake
from guidelines.models import AdoptionStatus, EndorsedVersion, GuidelineIndexPage, GuidelinePage
from members.models import StaffGroup
from members.tests.factories import OrganisationFactory, UserFactory

from .factories import endorse, endorse_new_version, grow_readership, make_draft

pytestmark = pytest.mark.django_db


# Where the pages may be created


def test_guideline_pages_live_only_under_the_index(wagtail_assert):
    wagtail_assert.assertAllowedParentPageTypes(GuidelinePage, {GuidelineIndexPage})
    wagtail_assert.assertAllowedSubpageTypes(GuidelinePage, set())
    wagtail_assert.assertAllowedSubpageTypes(GuidelineIndexPage, {GuidelinePage})
    wagtail_assert.assertCanCreateAt(GuidelineIndexPage, GuidelinePage)
    for parent in (HomePage, StandardPage, NewsIndexPage, GuidelinePage):
        wagtail_assert.assertCanNotCreateAt(parent, GuidelinePage)


def test_the_index_lives_only_under_the_home_page(wagtail_assert, index):
    assert isinstance(index.get_parent().specific, HomePage)
    wagtail_assert.assertAllowedParentPageTypes(GuidelineIndexPage, {HomePage})
    for parent in (StandardPage, NewsIndexPage, GuidelineIndexPage, GuidelinePage):
        wagtail_assert.assertCanNotCreateAt(parent, GuidelineIndexPage)
    # There is one index, and the endorsement workflow is assigned to it.
    assert not GuidelineIndexPage.can_create_at(index.get_parent())
    assert index.get_workflow().name == services.WORKFLOW_NAME


def test_pages_render(wagtail_assert, guideline, index, nurse):
    wagtail_assert.assertPageIsRenderable(index)
    wagtail_assert.assertPageIsRenderable(guideline)
    wagtail_assert.assertPageIsRenderable(guideline, user=nurse)


# The views under the pages (`urls.py`)


def test_views_under_the_pages_keep_the_addresses_of_the_pages_old_routes(guideline, index):
    """They were Wagtail routes of the pages, so links and bookmarks point at these."""
    assert [
        reverse("guidelines:acknowledge", args=[guideline.slug]),
        reverse("guidelines:adoption", args=[guideline.slug, "some-organisation"]),
        reverse("guidelines:uptake", args=[guideline.slug]),
        reverse("guidelines:uptake_csv", args=[guideline.slug, "timeline"]),
        reverse("guidelines:uptake_overview"),
        reverse("guidelines:uptake_overview_csv"),
        reverse("guidelines:review_due"),
        reverse("guidelines:review_due_csv"),
        reverse("guidelines:organisation_adoption", args=["some-organisation"]),
    ] == [
        guideline.url + "acknowledge/",
        guideline.url + "adoption/some-organisation/",
        guideline.url + "uptake/",
        guideline.url + "uptake/timeline/csv/",
        index.url + "uptake/",
        index.url + "uptake/csv/",
        index.url + "review-due/",
        index.url + "review-due/csv/",
        index.url + "organisations/some-organisation/",
    ]


def test_views_under_the_pages_render(client, guideline, coordinator, nurse):
    client.force_login(coordinator)
    for url in [
        reverse("guidelines:uptake", args=[guideline.slug]),
        reverse("guidelines:uptake_csv", args=[guideline.slug, "timeline"]),
        reverse("guidelines:uptake_overview"),
        reverse("guidelines:uptake_overview_csv"),
        reverse("guidelines:review_due"),
        reverse("guidelines:review_due_csv"),
    ]:
        assert client.get(url).status_code == 200, url
    client.force_login(nurse)
    assert client.get(reverse("guidelines:uptake", args=[guideline.slug])).status_code == 404
    # Acknowledging is a POST; any other method is refused as before.
    assert client.get(reverse("guidelines:acknowledge", args=[guideline.slug])).status_code == 405


def test_view_restrictions_on_the_pages_cover_the_views_under_them(
    client, coordinator, guideline, index
):
    """As when the views were the pages' own routes: Wagtail asks for the page's password,
    or sends the member to log in, before any view under the page answers."""
    client.force_login(coordinator)
    csv_url = reverse("guidelines:uptake_csv", args=[guideline.slug, "timeline"])
    restriction = PageViewRestriction.objects.create(
        page=guideline, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    response = client.get(csv_url)
    assert response.status_code == 200
    assert "wagtailcore/password_required.html" in [t.name for t in response.templates]
    assert response["Content-Type"] == "text/html; charset=utf-8"
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, guideline.pk]),
        {"password": "s3cret", "return_url": csv_url},
    )
    assert client.get(csv_url)["Content-Type"] == "text/csv; charset=utf-8"
    restriction.delete()

    others = PageViewRestriction.objects.create(
        page=index, restriction_type=PageViewRestriction.GROUPS
    )
    others.groups.add(Group.objects.create(name="Somebody else"))
    for url in [reverse("guidelines:uptake_overview"), csv_url]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "next=" in response["Location"]


def test_views_under_a_page_of_another_site_are_not_found(coordinator_client, guideline, settings):
    """The page is looked for in the site the request is for, as Wagtail serves pages."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "other.test"]
    other_root = Page.get_first_root_node().add_child(
        instance=StandardPage(title="Another site", slug="another-site")
    )
    Site.objects.create(hostname="other.test", root_page=other_root)
    url = reverse("guidelines:uptake", args=[guideline.slug])
    assert coordinator_client.get(url).status_code == 200
    assert coordinator_client.get(url, headers={"host": "other.test"}).status_code == 404
    assert (
        coordinator_client.get(
            reverse("guidelines:uptake_overview"), headers={"host": "other.test"}
        ).status_code
        == 404
    )


# The guideline page


@pytest.fixture
def second_version(guideline, author, clinical_reviewer, executive) -> GuidelinePage:
    owner = UserFactory(full_name="Olu Owner", job_title="Consultant in paediatric palliative care")
    GuidelinePage.objects.filter(pk=guideline.pk).update(guideline_owner=owner)
    return endorse_new_version(
        guideline,
        author,
        clinical_reviewer,
        executive,
        change_summary="Oxygen doses updated for the new supplier.",
    )


def test_guideline_page_shows_endorsement_version_and_review_date(client, second_version):
    body = client.get(second_version.url).content.decode()
    v1, v2 = EndorsedVersion.objects.filter(guideline=second_version).order_by("number")
    endorsed_on = date_format(timezone.localtime(v2.endorsed_at), "j F Y")
    assert f"By the Executive committee on {endorsed_on}" in body
    assert '<dd class="nhsuk-summary-list__value">2</dd>' in body
    assert date_format(second_version.review_due, "j F Y") in body
    assert "Olu Owner, Consultant in paediatric palliative care" in body
    assert "What changed in version 2" in body
    # Version history, newest first, with change summaries and who approved each step.
    history = body.split("Version history")[1]
    assert history.index("Version 2, endorsed") < history.index("Version 1, endorsed")
    assert "Oxygen doses updated for the new supplier." in history
    assert "First version." in history
    today = date_format(timezone.localdate(), "j M Y")
    assert f"Clinical review: Cal Clinical, {today}" in history
    assert f"Executive endorsement: Eve Executive, {today}" in history
    assert "Review overdue" not in body


def test_visitors_see_the_guideline_but_no_acknowledge_button(guideline):
    body = Client().get(guideline.url).content.decode()
    assert "Plan the transfer with the family before the day." in body
    assert "I have read version 1" not in body
    assert "Uptake of this guideline" not in body


def test_uptake_link_for_coordinators_only(client, guideline, coordinator, nurse):
    client.force_login(coordinator)
    assert "Uptake of this guideline" in client.get(guideline.url).content.decode()
    client.force_login(nurse)
    assert "Uptake of this guideline" not in client.get(guideline.url).content.decode()


def test_draft_changes_stay_out_of_the_live_page(client, guideline, author):
    draft = GuidelinePage.objects.get(pk=guideline.pk).get_latest_revision_as_object()
    draft.summary = "An unendorsed summary."
    draft.save_revision(user=author)
    assert "An unendorsed summary." not in client.get(guideline.url).content.decode()


# The index and its filters


@pytest.fixture
def three_guidelines(index, author, clinical_reviewer, executive):
    specs = [
        (
            "Rapid transfer home",
            "rapid_transfer",
            {"applies_in_hospital": True, "applies_in_community": True, "for_clinical": True},
        ),
        (
            "Pain at school",
            "symptom_management",
            {
                "applies_in_hospital": False,
                "applies_in_community": False,
                "applies_in_school": True,
                "for_clinical": False,
                "for_universal_service": True,
            },
        ),
        (
            "Bereavement support",
            "bereavement",
            {
                "applies_in_hospital": False,
                "applies_in_community": False,
                "applies_in_hospice": True,
                "for_clinical": True,
                "for_non_clinical": True,
            },
        ),
    ]
    pages = {}
    for title, category, fields in specs:
        page = make_draft(
            index,
            author,
            title=title,
            slug=title.lower().replace(" ", "-"),
            category=category,
            **fields,
        )
        pages[title] = endorse(page, author, clinical_reviewer, executive)
    make_draft(index, author, title="Unendorsed draft", slug="unendorsed-draft")
    return pages


TITLES = ["Rapid transfer home", "Pain at school", "Bereavement support", "Unendorsed draft"]


def listed(client, index, **query) -> list[str]:
    body = client.get(index.url, query).content.decode()
    return [title for title in TITLES if f">{title}</a>" in body]


FILTER_CASES = [
    ({}, ["Rapid transfer home", "Pain at school", "Bereavement support"]),
    ({"category": "symptom_management"}, ["Pain at school"]),
    ({"category": "transition"}, []),
    ({"setting": "hospice"}, ["Bereavement support"]),
    ({"setting": "hospital"}, ["Rapid transfer home"]),
    ({"audience": "universal_service"}, ["Pain at school"]),
    ({"audience": "clinical"}, ["Rapid transfer home", "Bereavement support"]),
    ({"setting": "community", "audience": "clinical"}, ["Rapid transfer home"]),
    ({"category": "bereavement", "setting": "school"}, []),
]


def test_index_filters_by_category_setting_and_audience(client, index, three_guidelines):
    # One test over the cases: building the three guidelines is the slow part.
    for query, expected in FILTER_CASES:
        assert listed(client, index, **query) == expected, query


def test_index_says_how_many_match(client, index, three_guidelines):
    body = client.get(index.url, {"audience": "clinical"}).content.decode()
    assert "2 matching guidelines" in body
    body = client.get(index.url, {"category": "transition"}).content.decode()
    assert "No guideline matches these filters." in body


@pytest.mark.parametrize(
    "query",
    [
        {"category": "bogus"},
        {"setting": "<script>alert(1)</script>"},
        {"audience": "x" * 500},
        {"category": "'; DROP TABLE guidelines_guidelinepage; --"},
        {"setting": "hospice", "audience": "robots"},
        {"audience": "clinical\x00"},
    ],
)
def test_invalid_filter_shows_an_error_not_a_crash(client, index, guideline, query):
    make_draft(index, guideline.owner, title="Unendorsed draft", slug="unendorsed-draft")
    response = client.get(index.url, query)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice." in body or "Null characters are not allowed." in body
    assert "<script>alert(1)</script>" not in body
    # The list is shown unfiltered: live guidelines only.
    assert f">{guideline.title}</a>" in body
    assert ">Unendorsed draft</a>" not in body


def test_index_marks_guidelines_for_my_staff_group(client, index, three_guidelines, nurse):
    client.force_login(nurse)
    services.acknowledge(nurse, three_guidelines["Rapid transfer home"], 1)
    body = client.get(index.url).content.decode()
    items = {title: body.split(f">{title}</a>")[1].split("</li>")[0] for title in TITLES[:3]}
    assert "You have read this version" in items["Rapid transfer home"]
    assert "Not yet read" in items["Bereavement support"]
    assert "For your staff group" in items["Bereavement support"]
    assert "For your staff group" not in items["Pain at school"]
    assert "Not yet read" not in items["Pain at school"]


def test_index_links_reports_for_those_who_may_see_them(client, index, coordinator, nurse):
    client.force_login(coordinator)
    body = client.get(index.url).content.decode()
    assert "Uptake of every guideline" in body
    assert "Guidelines due for review" in body
    client.force_login(nurse)
    body = client.get(index.url).content.decode()
    assert "Uptake of every guideline" not in body
    assert "Guidelines due for review" not in body


# The dashboard panel


def panel(client) -> str:
    body = client.get("/").content.decode()
    return body.split("Guidelines to read")[1].split("All guidelines")[0]


def test_dashboard_lists_unread_guidelines_for_my_staff_group_only(client, three_guidelines, nurse):
    client.force_login(nurse)
    unread = panel(client)
    assert "2 new or updated guidelines for your staff group" in unread
    assert "Rapid transfer home" in unread
    assert "Bereavement support" in unread
    assert "Pain at school" not in unread
    assert "Unendorsed draft" not in unread

    services.acknowledge(nurse, three_guidelines["Rapid transfer home"], 1)
    unread = panel(client)
    assert "1 new or updated guideline for your staff group" in unread
    assert "Rapid transfer home" not in unread


def test_a_guideline_for_no_staff_group_in_particular_is_asked_of_its_whole_audience(
    client, index, author, clinical_reviewer, executive, nurse
):
    """The uptake overview counts every member as the audience of a guideline written
    for no staff group in particular; the dashboard must then ask every member to read
    it (or such a guideline must be refused when it is saved)."""
    try:
        page = endorse(
            make_draft(
                index, author, title="For everyone", slug="for-everyone", for_clinical=False
            ),
            author,
            clinical_reviewer,
            executive,
        )
    except ValidationError:
        return
    [row] = uptake.overview()
    assert row.guideline.pk == page.pk
    assert row.acknowledged.total > 0  # the nurse is counted as not having read it
    client.force_login(nurse)
    assert "For everyone" in panel(client)


def test_dashboard_for_another_staff_group(client, three_guidelines):
    teacher = UserFactory(staff_group=StaffGroup.UNIVERSAL_SERVICE)
    client.force_login(teacher)
    unread = panel(client)
    assert "Pain at school" in unread
    assert "Rapid transfer home" not in unread
    assert "Bereavement support" not in unread
    services.acknowledge(teacher, three_guidelines["Pain at school"], 1)
    assert "You have read the current version of every guideline" in panel(client)


def test_dashboard_asks_again_after_a_new_version(
    client, guideline, nurse, author, clinical_reviewer, executive
):
    services.acknowledge(nurse, guideline, 1)
    client.force_login(nurse)
    assert "You have read the current version of every guideline" in panel(client)
    endorse_new_version(guideline, author, clinical_reviewer, executive)
    unread = panel(client)
    assert guideline.title in unread
    assert "updated to version 2" in unread


def test_dashboard_reminds_leads_to_record_adoption(client, guideline):
    organisation = OrganisationFactory(name="Cedar Children's Hospice")
    lead = UserFactory(organisation=organisation)
    organisation.leads.add(lead)
    client.force_login(lead)
    assert "Cedar Children&#x27;s Hospice has not recorded its position on 1 guideline" in panel(
        client
    )
    services.record_adoption(lead, guideline, organisation, AdoptionStatus.ADOPTED)
    assert "has not recorded its position" not in panel(client)


# Query counts that do not grow with the data


@pytest.fixture
def lead_client(client, guideline):
    organisation = OrganisationFactory(name="Lead's organisation")
    lead = UserFactory(organisation=organisation)
    organisation.leads.add(lead)
    services.acknowledge(lead, guideline, 1)
    client.force_login(lead)
    return client


def test_dashboard_query_count_does_not_grow(lead_client, guideline, django_assert_max_num_queries):
    grow_readership(guideline, 1, 2)
    with django_assert_max_num_queries(60) as baseline:
        lead_client.get("/")
    grow_readership(guideline, 12, 4)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        lead_client.get("/")
