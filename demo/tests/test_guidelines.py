"""The guidelines demo: what its content files may say, and the history it loads."""

from __future__ import annotations

import pytest
from django.utils import timezone

from demo.loaders import guidelines as demo_guidelines
from demo.loaders import network
from demo.management.commands.load_demo_network import load_demo_network
from guidelines.models import (
    Acknowledgement,
    AdoptionChange,
    AdoptionStatus,
    Category,
    EndorsedVersion,
    GuidelinePage,
)
from members.models import Organisation, StaffGroup, User

pytestmark = pytest.mark.django_db

SUMMARY = (
    "7 guidelines (9 endorsed versions, 2 revised; 1 overdue for review, 1 due within 90 "
    "days), 118 acknowledgements, 33 adoption records (40 changes)"
)


def load() -> str:
    *_, summary = load_demo_network([*network.DEMO_STEPS, *demo_guidelines.DEMO_STEPS])
    return summary


def test_the_files_name_demo_members_and_organisations_and_known_values():
    load_demo_network(network.DEMO_STEPS)
    members = set(User.objects.values_list("email", flat=True))
    organisations = set(Organisation.objects.values_list("slug", flat=True))
    for spec in demo_guidelines.demo_guidelines():
        assert spec["category"] in Category.values
        assert set(spec["audiences"]) <= set(StaffGroup.values)
        named = {spec["owner"]}
        for version in spec["versions"]:
            named |= {version["clinical_review"]["by"], version["endorsement"]["by"]}
            acknowledgements = version["acknowledgements"]
            named |= {
                *acknowledgements.get("including", ()),
                *acknowledgements.get("excluding", ()),
            }
            for adoption in version.get("adoptions", ()):
                assert adoption["organisation"] in organisations
                assert adoption["status"] in AdoptionStatus.values
        assert named <= members, spec["slug"]


def test_the_demo_has_a_history_and_loading_again_adds_nothing():
    assert load() == SUMMARY
    now = timezone.now()
    stream_block = GuidelinePage._meta.get_field("body").stream_block
    for page in GuidelinePage.objects.all():
        stream_block.clean(stream_block.to_python(list(page.body.raw_data)))
    versions = list(EndorsedVersion.objects.order_by("guideline", "number"))
    for version, after in zip(versions, [*versions[1:], None], strict=True):
        until = after.endorsed_at if after and after.guideline_id == version.guideline_id else now
        approvals = list(version.approvals.order_by("approved_at"))
        assert [approval.step for approval in approvals] == [
            "Clinical review",
            "Executive endorsement",
        ]
        assert approvals[0].approved_at < approvals[1].approved_at == version.endorsed_at
        read = version.acknowledgements.values_list("acknowledged_at", flat=True)
        assert all(version.endorsed_at < moment < until for moment in read)
        changes = AdoptionChange.objects.filter(version=version)
        assert all(version.endorsed_at < change.changed_at < until for change in changes)
    counts = (Acknowledgement.objects.count(), AdoptionChange.objects.count())
    assert load() == SUMMARY
    assert (Acknowledgement.objects.count(), AdoptionChange.objects.count()) == counts
