"""Documents in the "Members only" collection are served to approved members only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Collection

from learning.models import StudyDayPage
from members.documents import members_collection
from members.models import ApprovalStatus
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_document(collection: Collection, title: str = "Slides") -> Document:
    document = Document(title=title, collection=collection)
    document.file.save("slides.txt", ContentFile(b"Study day slides"), save=False)
    document.save()
    return document


@pytest.fixture
def private_document():
    return make_document(members_collection())


def test_a_member_opens_a_members_only_document(client, private_document):
    client.force_login(UserFactory())
    response = client.get(private_document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Study day slides"


def test_a_visitor_is_asked_to_sign_in(client, private_document):
    response = client.get(private_document.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/members/login/")


@pytest.mark.parametrize("status", [ApprovalStatus.PENDING, ApprovalStatus.DECLINED])
def test_accounts_not_approved_get_not_found(client, private_document, status):
    client.force_login(UserFactory(approval_status=status))
    assert client.get(private_document.url).status_code == 404


def test_renaming_or_moving_the_collection_keeps_it_private(client, private_document):
    collection = private_document.collection
    collection.name = "Slides and handouts"
    collection.save()
    client.force_login(UserFactory(approval_status=ApprovalStatus.PENDING))
    assert client.get(private_document.url).status_code == 404


def test_public_documents_stay_public(client):
    document = make_document(Collection.get_first_root_node(), "Leaflet")
    assert client.get(document.url).status_code == 200


def test_study_day_materials_must_be_members_only():
    public = make_document(Collection.get_first_root_node(), "Handout")
    page = StudyDayPage(
        title="Study day",
        slug="study-day",
        summary="A day.",
        materials=[{"type": "document", "value": {"document": public.pk, "description": ""}}],
    )
    page.path, page.depth = "00010001XXXX", 4  # not saved; clean() needs no tree
    with pytest.raises(ValidationError, match="members-only collection"):
        page.clean()
    page.materials = [
        {"type": "document", "value": {"document": make_document(members_collection()).pk}}
    ]
    page.clean()
