"""Fixtures for guideline tests: the index from the data migration, reviewers and a
guideline endorsed through the real workflow (those are in `factories.py`, which other
apps' tests import them from too), members, e-mail and Wagtail's page assertions."""

from __future__ import annotations

import pytest
from django.core import mail
from wagtail.coreutils import get_dummy_request
from wagtail.test.utils import WagtailPageTestCase

from members.models import StaffGroup
from members.tests.factories import UserFactory

from .factories import (  # noqa: F401  (the shared fixtures)
    author,
    clinical_reviewer,
    draft,
    executive,
    guideline,
    index,
)


@pytest.fixture
def superuser(db):
    return UserFactory(full_name="Sue Super", organisation=None, is_superuser=True, is_staff=True)


@pytest.fixture
def nurse(db):
    return UserFactory(full_name="Nell Nurse", staff_group=StaffGroup.CLINICAL)


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """`with deliver():` runs the block, then sends the e-mails it queued on commit."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def outbox(db):
    mail.outbox.clear()
    return mail.outbox


class PageAssertions(WagtailPageTestCase):
    """Wagtail's page assertions (`assertCanCreateAt`, `assertPageIsRenderable`...) for
    pytest tests: an instance bound to pytest-django's client, never run as a test."""

    __test__ = False

    def runTest(self) -> None:  # pragma: no cover - unittest needs a test method
        pass


@pytest.fixture
def wagtail_assert(client) -> PageAssertions:
    helper = PageAssertions()
    helper.client = client
    helper.dummy_request = get_dummy_request()
    return helper
