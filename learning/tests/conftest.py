"""Fixtures for learning tests: the index from the data migration, a track with modules
and quizzes built as editors would (with the builders in `factories.py`), members of each
staff group, and Wagtail's page assertions."""

from __future__ import annotations

import pytest
from wagtail.coreutils import get_dummy_request
from wagtail.test.utils import WagtailPageTestCase

from learning.models import LearningIndexPage, ModulePage, TrackPage
from members.models import StaffGroup
from members.tests.factories import UserFactory

from .factories import QUIZ, make_module, make_track, question


@pytest.fixture
def learning_index(db) -> LearningIndexPage:
    return LearningIndexPage.objects.get()


@pytest.fixture
def track(learning_index) -> TrackPage:
    return make_track(learning_index)


@pytest.fixture
def reading_module(track) -> ModulePage:
    return make_module(track, "what-palliative-care-means")


@pytest.fixture
def quiz_module(track, reading_module) -> ModulePage:
    return make_module(track, "who-is-involved", quiz=QUIZ)


@pytest.fixture
def other_quiz_module(learning_index) -> ModulePage:
    """A module with its own quiz, in another track."""
    other = make_track(learning_index, title="Symptoms", slug="symptoms", framework_level="core")
    return make_module(
        other,
        "pain",
        quiz=[question("Is pain common?", [("Yes", True), ("No", False)])],
    )


@pytest.fixture
def nurse(db):
    return UserFactory(full_name="Nell Nurse", staff_group=StaffGroup.CLINICAL)


@pytest.fixture
def nurse_client(client, nurse):
    client.force_login(nurse)
    return client


@pytest.fixture
def administrator(db):
    """A hospice administrator: non-clinical staff."""
    return UserFactory(
        full_name="Ada Administrator",
        staff_group=StaffGroup.NON_CLINICAL,
        job_title="Hospice administrator",
    )


@pytest.fixture
def teacher(db):
    """A primary-school teacher: universal-service staff."""
    return UserFactory(
        full_name="Tess Teacher",
        staff_group=StaffGroup.UNIVERSAL_SERVICE,
        job_title="Year 3 teacher",
    )


class PageAssertions(WagtailPageTestCase):
    """Wagtail's page assertions (`assertCanCreateAt`, `assertCanCreate`...) for pytest
    tests: an instance bound to pytest-django's client, never run as a test."""

    __test__ = False

    def runTest(self) -> None:  # pragma: no cover - unittest needs a test method
        pass


@pytest.fixture
def wagtail_assert(client) -> PageAssertions:
    helper = PageAssertions()
    helper.client = client
    helper.dummy_request = get_dummy_request()
    return helper
