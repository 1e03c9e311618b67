"""What the apps put in the index, kept true by their own services and Wagtail's publishing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidelines import services as guideline_services
from guidelines.models import AdoptionStatus
from guidelines.tests.factories import (  # noqa: F401  (fixtures re-exposed to these tests)
    author,
    clinical_reviewer,
    draft,
    edit_draft,
    endorse_new_version,
    executive,
    guideline,
    index,
)
from members.tests.factories import UserFactory
from search import service
from search.models import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def index_at_once(monkeypatch):
    """Index updates wait for the commit, which a test's transaction never reaches; here
    they are applied as they are scheduled (test_search_pages runs them on commit)."""
    from search import indexing, signals

    def apply_now(*refs):
        indexing.apply([ref for ref in refs if ref[1] is not None])

    monkeypatch.setattr(signals, "schedule", apply_now)


def titles(user, q):
    return [entry.hit.title for entry in service.run_search(user, q).entries]


def test_an_endorsed_guideline_is_found_by_visitors_with_its_version(guideline):  # noqa: F811
    from django.contrib.auth.models import AnonymousUser

    result = service.run_search(AnonymousUser(), "rapid transfer")
    (entry,) = [e for e in result.entries if e.hit.kind == "guideline"]
    assert entry.governance.version == 1
    assert entry.governance.review_overdue is False
    assert entry.governance.adopted is None  # a visitor has no organisation


def test_a_draft_guideline_is_not_found(draft):  # noqa: F811
    assert not SearchDocument.objects.filter(key=f"wagtailcore.page:{draft.pk}").exists()


def test_only_the_current_endorsed_text_is_indexed(  # noqa: F811
    guideline,
    author,
    clinical_reviewer,
    executive,  # noqa: F811
):
    edit_draft(guideline, author, summary="Zebrafinch wording in an unendorsed draft.")
    document = SearchDocument.objects.get(key=f"wagtailcore.page:{guideline.pk}")
    assert "Zebrafinch" not in document.summary  # a draft is not what members are told
    endorse_new_version(
        guideline, author, clinical_reviewer, executive, summary="Version two wording."
    )
    document.refresh_from_db()
    assert document.summary == "Version two wording."
    assert document.meta["version"] == 2


def test_adoption_by_the_members_organisation_is_shown(guideline):  # noqa: F811
    lead = UserFactory()
    lead.organisation.leads.add(lead)
    member = UserFactory(organisation=lead.organisation)
    (entry,) = list(service.run_search(member, "rapid transfer").entries)
    assert entry.governance.adopted is False
    guideline_services.record_adoption(lead, guideline, lead.organisation, AdoptionStatus.ADOPTED)
    (entry,) = list(service.run_search(member, "rapid transfer").entries)
    assert entry.governance.adopted is True


def test_an_unpublished_page_leaves_the_index(guideline):  # noqa: F811
    assert SearchDocument.objects.filter(key=f"wagtailcore.page:{guideline.pk}").exists()
    guideline.unpublish()
    assert not SearchDocument.objects.filter(key=f"wagtailcore.page:{guideline.pk}").exists()


def test_programmes_and_upcoming_sessions_are_for_members(client, member):
    from events import services as event_services
    from events.models import EventKind
    from events.scheduling import Recurrence
    from events.tests.factories import make_event, soon

    event = make_event(
        title="Breathlessness ECHO",
        kind=EventKind.ECHO_SESSION,
        start=soon(days=7),
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        repeat_until=soon(days=120).date(),
    )
    event_services.create_programme(
        name="Breathlessness ECHO",
        slug="breathlessness-echo",
        description="Monthly case discussion on breathlessness.",
        series=event,
        cycle_start=soon(days=7).date(),
        cycle_end=soon(days=120).date(),
        hub_team=[],
    )
    keys = set(SearchDocument.objects.values_list("key", flat=True))
    assert any(key.startswith("events.echoprogramme:") for key in keys)
    assert any(key.startswith("schedule.occurrence:") for key in keys)
    assert "Breathlessness ECHO" in titles(member, "breathlessness")
    from django.contrib.auth.models import AnonymousUser

    assert titles(AnonymousUser(), "breathlessness") == []
    client.force_login(member)
    page = client.get(reverse("search:search"), {"q": "breathlessness"}).content.decode()
    assert "Sessions and programmes" in page
