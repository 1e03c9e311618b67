"""Demo data returns for `load_demo_network` (run after the other apps' steps).

- "Hospice and community palliative provision return" 2025/26, accepted for three
  organisations, and 2026/27 open: Harebell House submitted (with a confirmed jump in
  hospice-at-home visits), Westmoor City submitted, Eastfell in draft, Upper
  Garthdale not started.
- "Community nursing training return 2026/27", open to the community children's
  nursing teams, with training figures suggested from the platform's own records.

Everything goes through `returns.services`. Idempotent: templates are found by slug
and version, and a return that already exists is left as it is.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from members.models import Organisation, User
from returns import services
from returns.models import Field, FieldKind, Prefill, ReturnStatus, ReturnTemplate, Section

PROVISION = "palliative-provision"
TRAINING = "community-nursing-training"


def _field(section, code, kind, label, definition, position, **extra):
    return Field.objects.create(
        section=section,
        code=code,
        kind=kind,
        label=label,
        definition=definition,
        position=position,
        **extra,
    )


def _provision_template(name: str, previous: ReturnTemplate | None) -> ReturnTemplate:
    template = ReturnTemplate.objects.create(
        name=name,
        slug=PROVISION if previous is None else f"{PROVISION}-2026",
        previous=previous,
        introduction=(
            "The same questions for every organisation, with the definitions the network "
            "agreed, so that provision can be compared across the region."
        ),
    )
    beds = Section.objects.create(template=template, title="Beds and short breaks", position=1)
    _field(
        beds,
        "inpatient_beds",
        FieldKind.INTEGER,
        "Children's inpatient beds",
        "Beds staffed for children and young people on 31 March, including short-break "
        "beds; not family rooms.",
        1,
        min_value=0,
        max_value=200,
        unit="beds",
    )
    _field(
        beds,
        "short_break_nights",
        FieldKind.INTEGER,
        "Short-break nights provided",
        "Nights a child stayed for a planned short break in the year (1 April to 31 March).",
        2,
        min_value=0,
        unit="nights",
    )
    care = Section.objects.create(template=template, title="Care at home", position=2)
    _field(
        care,
        "offers_24_7",
        FieldKind.YES_NO,
        "Offers 24/7 end-of-life care at home",
        "A nurse can visit a dying child at home at any hour, every day of the year.",
        1,
    )
    _field(
        care,
        "night_visits",
        FieldKind.INTEGER,
        "Night visits in the year",
        "Home visits that started between 22:00 and 07:00.",
        2,
        min_value=0,
        shown_if_code="offers_24_7",
        shown_if_value="yes",
        unit="visits",
    )
    _field(
        care,
        "home_visits",
        FieldKind.INTEGER,
        "Hospice-at-home visits",
        "Visits by the organisation's staff to a child at home for palliative care.",
        3,
        min_value=0,
        unit="visits",
    )
    _field(
        care,
        "areas",
        FieldKind.MULTIPLE_CHOICE,
        "Localities covered",
        "Localities where the organisation visits children at home.",
        4,
        choices=["Westmoor City", "Upper Garthdale", "Eastfell Coast", "Thornby Bridge"],
    )
    services_group = _field(
        care,
        "services",
        FieldKind.GROUP,
        "Services offered",
        "One row for each service the organisation runs for children.",
        5,
        max_rows=30,
    )
    Field.objects.create(
        section=care,
        group=services_group,
        code="service_name",
        kind=FieldKind.SHORT_TEXT,
        label="Service",
        position=1,
    )
    Field.objects.create(
        section=care,
        group=services_group,
        code="children_supported",
        kind=FieldKind.INTEGER,
        label="Children supported",
        position=2,
        min_value=0,
    )
    return template


PROVISION_ANSWERS = {
    "harebell-house-childrens-hospice": (
        {
            "inpatient_beds": "8",
            "short_break_nights": "1240",
            "offers_24_7": "yes",
            "night_visits": "96",
            "home_visits": "410",
            "areas": ["Westmoor City", "Upper Garthdale"],
            "services": [("Short breaks", "64"), ("Hospice at home", "38")],
        },
        {"home_visits": "905"},  # this year: hospice at home extended to Upper Garthdale
    ),
    "westmoor-city-community-childrens-nursing-team": (
        {
            "inpatient_beds": "0",
            "short_break_nights": "0",
            "offers_24_7": "yes",
            "night_visits": "140",
            "home_visits": "1320",
            "areas": ["Westmoor City"],
            "services": [("Community nursing", "112")],
        },
        {"home_visits": "1410"},
    ),
    "eastfell-coast-community-childrens-nursing-team": (
        {
            "inpatient_beds": "0",
            "short_break_nights": "0",
            "offers_24_7": "no",
            "home_visits": "610",
            "areas": ["Eastfell Coast"],
            "services": [("Community nursing", "58")],
        },
        {"home_visits": "640"},
    ),
}


def _typed(answers: dict) -> dict:
    typed = {}
    for code, value in answers.items():
        if code == "services":
            for row, (name, children) in enumerate(value):
                typed[("service_name", row)] = name
                typed[("children_supported", row)] = children
        else:
            typed[(code, 0)] = value
    return typed


def _lead(organisation: Organisation) -> User:
    return organisation.leads.order_by("pk").first()


def _fill(organisation_return, answers, *, submit=False, explanations=None):
    lead = _lead(organisation_return.organisation)
    organisation_return.refresh_from_db()
    saved = services.save_answers(
        organisation_return, lead, _typed(answers), revision=organisation_return.revision
    )
    if submit:
        services.submit(saved, lead, revision=saved.revision, explanations=explanations)
    return saved


def _coordinator() -> User:
    return User.objects.get(email="coordinator@demo.example")


def _provision_summary() -> str:
    counts = {}
    for status in ReturnTemplate.objects.get(slug=f"{PROVISION}-2026").returns.values_list(
        "status", flat=True
    ):
        counts[status] = counts.get(status, 0) + 1
    accepted = ReturnTemplate.objects.get(slug=PROVISION).returns.filter(
        status=ReturnStatus.ACCEPTED
    )
    return (
        f"2 palliative provision returns (2025/26 accepted for {accepted.count()} "
        f"organisations; 2026/27: {counts.get(ReturnStatus.SUBMITTED, 0)} submitted, "
        f"{counts.get(ReturnStatus.DRAFT, 0)} draft, "
        f"{counts.get(ReturnStatus.NOT_STARTED, 0)} not started)"
    )


def provision_returns() -> str:
    if ReturnTemplate.objects.filter(slug__startswith=PROVISION).exists():
        return _provision_summary()
    coordinator = _coordinator()
    organisations = {
        o.slug: o
        for o in Organisation.objects.filter(
            slug__in=[
                *PROVISION_ANSWERS,
                "upper-garthdale-community-childrens-nursing-team",
            ]
        )
    }
    last_year = _provision_template("Palliative provision return 2025/26", None)
    previous = services.open_template(
        last_year,
        [organisations[slug] for slug in PROVISION_ANSWERS],
        datetime.date(2026, 5, 31),
        by=coordinator,
    )
    for organisation_return in previous:
        answers, _this_year = PROVISION_ANSWERS[organisation_return.organisation.slug]
        _fill(organisation_return, answers, submit=True)
        services.accept(organisation_return, coordinator)
    last_year.status = "closed"
    last_year.save(update_fields=["status"])
    this_year = _provision_template("Palliative provision return 2026/27", last_year)
    due = timezone.localdate() + datetime.timedelta(days=5)
    current = {
        r.organisation.slug: r
        for r in services.open_template(this_year, organisations.values(), due, by=coordinator)
    }
    for slug, (answers, changes) in PROVISION_ANSWERS.items():
        merged = {**answers, **changes}
        if slug == "harebell-house-childrens-hospice":
            _fill(
                current[slug],
                merged,
                submit=True,
                explanations={
                    "home_visits": "Hospice at home extended to Upper Garthdale in September.",
                },
            )
        elif slug == "westmoor-city-community-childrens-nursing-team":
            _fill(current[slug], merged, submit=True)
        else:
            _fill(current[slug], {k: v for k, v in merged.items() if k != "services"})
    return _provision_summary()


def _training_summary() -> str:
    teams = ReturnTemplate.objects.get(slug=TRAINING).returns.count()
    return f"1 community nursing training return sent to {teams} teams"


def training_return() -> str:
    if ReturnTemplate.objects.filter(slug=TRAINING).exists():
        return _training_summary()
    template = ReturnTemplate.objects.create(
        name="Community nursing training return 2026/27",
        slug=TRAINING,
        introduction="Training in children's palliative care across the nursing teams.",
    )
    section = Section.objects.create(template=template, title="Training", position=1)
    _field(
        section,
        "staff_in_post",
        FieldKind.INTEGER,
        "Staff in post",
        "Registered nurses and support workers employed on 31 March (headcount).",
        1,
        min_value=0,
    )
    _field(
        section,
        "tracks_completed",
        FieldKind.INTEGER,
        "Staff who completed a learning track",
        "Staff with a Network Commons track certificate in the year.",
        2,
        min_value=0,
        prefill=Prefill.TRACKS_COMPLETED,
    )
    _field(
        section,
        "echo_attendances",
        FieldKind.INTEGER,
        "ECHO session attendances",
        "Attendances by the team's staff at network ECHO sessions in the year.",
        3,
        min_value=0,
        prefill=Prefill.ECHO_ATTENDANCES,
    )
    _field(
        section,
        "trained_share",
        FieldKind.PERCENTAGE,
        "Staff trained in symptom management",
        "Share of staff in post with symptom management training in the last three years.",
        4,
        required=False,
    )
    teams = Organisation.objects.filter(kind="community_nursing").order_by("name")
    services.open_template(
        template, teams, timezone.localdate() + datetime.timedelta(days=45), by=_coordinator()
    )
    return _training_summary()


DEMO_STEPS = [provision_returns, training_return]


def statuses() -> dict[str, str]:
    """(for tests) each 2026/27 provision return's status, by organisation slug."""
    template = ReturnTemplate.objects.get(slug=f"{PROVISION}-2026")
    return {r.organisation.slug: r.status for r in template.returns.select_related("organisation")}


__all__ = ["DEMO_STEPS", "ReturnStatus", "statuses"]
