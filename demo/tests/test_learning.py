"""The learning demo: made from its content files through learning's services, at moments
in the past, and the same when loaded again; ECHO cycle certificates once a cycle has
ended. On an empty database with only the steps learning needs (members, events, learning),
so not beside the tests that share one loaded demo."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Revision

from demo import content
from demo.loaders import events, learning, network
from demo.management.commands.load_demo_network import load_demo_network
from events.models import EchoProgramme
from learning import queries
from learning.models import (
    Certificate,
    CertificateKind,
    ModulePage,
    ModuleProgress,
    QuizAttempt,
    StudyDayPage,
    TrackPage,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
STEPS = (*network.DEMO_STEPS, *events.DEMO_STEPS, *learning.DEMO_STEPS)


def load() -> list[str]:
    return load_demo_network(STEPS)[-len(learning.DEMO_STEPS) :]


def without_ids(value):
    """A stream's JSON without its block ids (Wagtail gives new blocks random ones), list
    items as their values (as written, before Wagtail stores them as items with ids)."""
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    if isinstance(value, dict):
        if value.get("type") == "item" and set(value) <= {"type", "value", "id"}:
            return without_ids(value["value"])
        return {key: without_ids(item) for key, item in value.items() if key != "id"}
    return value


def snapshot() -> dict:
    return {
        "pages": sorted(
            (page.url_path, page.first_published_at)
            for model in (TrackPage, ModulePage, StudyDayPage)
            for page in model.objects.all()
        ),
        "revisions": Revision.objects.count(),
        "documents": sorted(get_document_model().objects.values_list("title", "created_at")),
        "progress": sorted(
            ModuleProgress.objects.values_list(
                "user__email",
                "module__slug",
                "started_at",
                "last_visited_at",
                "read_at",
                "passed_at",
                "completed_at",
            )
        ),
        "attempts": sorted(
            QuizAttempt.objects.values_list("user__email", "module__slug", "submitted_at", "passed")
        ),
        "certificates": sorted(
            Certificate.objects.values_list("user__email", "kind", "title", "code", "issued_at")
        ),
    }


def test_the_learning_demo_is_its_content_made_through_the_services_and_loads_twice():
    first = load()
    expected = snapshot()

    assert first[:3] == [
        "5 learning tracks (universal, core, specialist), 14 modules (13 with a quiz)",
        first[1],
        "learning progress for 21 members: 61 modules complete, 6 in progress; 65 quiz "
        "attempts (6 failed); 16 track certificates",
    ]
    assert first[1].startswith("1 study day page (8 sessions, 5 speakers, 3 materials) for ")
    assert first[3].startswith("no ECHO cycle certificates: no demo ECHO cycle has ended yet")
    assert load() == first
    assert snapshot() == expected

    # The pages say what the content files say.
    for slug in content.load("learning/tracks")["tracks"]:
        spec = content.load(f"learning/tracks/{slug}")
        track = TrackPage.objects.get(slug=slug)
        assert (track.title, track.framework_level) == (spec["title"], spec["level"])
        for module, module_spec in zip(track.modules(), spec["modules"], strict=True):
            assert without_ids(module.body.get_prep_value()) == without_ids(
                content.body(module_spec["body"])
            )
            questions = queries.quiz_questions(module)
            assert [question["question"] for question in questions] == [
                question["question"] for question in module_spec.get("quiz", [])
            ]

    # Everything happened in the past, in order, after the track was published.
    now = timezone.now()
    for progress in ModuleProgress.objects.select_related("module"):
        published = progress.module.first_published_at
        times = [progress.started_at, progress.read_at, progress.completed_at]
        times = [moment for moment in times if moment is not None]
        assert published < progress.started_at <= progress.last_visited_at < now
        assert times == sorted(times)
    # A member who failed a quiz passed it the next day, and the passing attempt completed it.
    nurse_attempts = QuizAttempt.objects.filter(
        user__email="nurse@demo.example", module__slug="the-team-around-the-child-and-family"
    ).order_by("submitted_at")
    failed, passed = nurse_attempts
    assert (failed.passed, passed.passed) == (False, True)
    assert passed.submitted_at - failed.submitted_at == datetime.timedelta(days=1, hours=2) - (
        datetime.timedelta(minutes=4)
    )
    assert (
        ModuleProgress.objects.get(
            user__email="nurse@demo.example", module__slug="the-team-around-the-child-and-family"
        ).completed_at
        == passed.submitted_at
    )
    # A track certificate is issued as the track's last module is completed.
    for certificate in Certificate.objects.filter(kind=CertificateKind.TRACK):
        last = (
            ModuleProgress.objects.filter(user=certificate.user, track=certificate.track)
            .order_by("-completed_at")
            .first()
        )
        assert certificate.issued_at == last.completed_at


def test_echo_cycle_certificates_are_issued_the_morning_after_the_cycle_ends(monkeypatch):
    today = datetime.datetime(2027, 9, 15, 10, 0, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: today)

    summaries = load()
    certificates = Certificate.objects.filter(kind=CertificateKind.ECHO_CYCLE)
    ended = EchoProgramme.objects.filter(
        slug__in=[spec.slug for spec in events.PROGRAMMES], cycle_end__lt=today.date()
    )

    assert ended.exists()
    assert summaries[3] == (
        f"{certificates.count()} ECHO cycle certificates for {ended.count()} ended ECHO cycles"
    )
    assert certificates.exists()
    for certificate in certificates.select_related("programme"):
        morning_after = datetime.datetime.combine(
            certificate.programme.cycle_end + datetime.timedelta(days=1),
            datetime.time(10),
            tzinfo=LONDON,
        )
        assert certificate.issued_at == morning_after
        assert certificate.user.email.endswith("@demo.example")
    issued = sorted(certificates.values_list("user__email", "programme__slug", "issued_at"))

    assert load() == summaries
    assert sorted(certificates.values_list("user__email", "programme__slug", "issued_at")) == (
        issued
    )
