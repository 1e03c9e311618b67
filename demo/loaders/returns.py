"""Data returns for the demo network, from `demo/content/returns/` (run after the other
apps' steps, so that the training return's suggested figures have records to come from).

- provision.yaml: the palliative provision return, 2025/26 accepted and closed, 2026/27
  open with some returns submitted, one in draft and one not started.
- training.yaml: the community nursing training return, sent and not yet answered.

Everything goes through `returns.services`. Idempotent: templates are found by slug,
and a return that already exists is left as it is.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from demo import content
from members.models import Organisation, User
from returns import services
from returns.models import Field, ReturnStatus, ReturnTemplate, Section
from returns.services import Cell

_PROVISION = content.load("returns/provision")
_TRAINING = content.load("returns/training")

PROVISION = _PROVISION["last_year"]["slug"]
PROVISION_THIS_YEAR = _PROVISION["this_year"]["slug"]
TRAINING = _TRAINING["slug"]


def _coordinator() -> User:
    return User.objects.get(email="coordinator@demo.example")


def _fields(
    section: Section, specs: list[dict[str, Any]], by: User, group: Field | None = None
) -> None:
    for position, spec in enumerate(specs, start=1):
        values = {name: value for name, value in spec.items() if name != "columns"}
        field = services.save_definition(
            Field(section=section, group=group, position=position, **values), by=by
        )
        _fields(section, spec.get("columns", []), by, group=field)


def _template(
    name: str,
    slug: str,
    introduction: str,
    sections: list[dict[str, Any]],
    by: User,
    previous: ReturnTemplate | None = None,
) -> ReturnTemplate:
    """A draft template with its sections and fields, made as a coordinator would."""
    template = services.save_definition(
        ReturnTemplate(name=name, slug=slug, previous=previous, introduction=introduction), by=by
    )
    for position, section_spec in enumerate(sections, start=1):
        section = services.save_definition(
            Section(template=template, title=section_spec["title"], position=position), by=by
        )
        _fields(section, section_spec["fields"], by)
    return template


def _typed(answers: dict[str, Any]) -> dict[Cell, Any]:
    """The form's cells: a plain answer is row 0; a group's rows give their columns' rows."""
    typed: dict[Cell, Any] = {}
    for code, value in answers.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for row, columns in enumerate(value):
                for column, cell in columns.items():
                    typed[(column, row)] = cell
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


def _due(days_ahead: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days_ahead)


def _provision_summary() -> str:
    counts = {}
    for status in ReturnTemplate.objects.get(slug=PROVISION_THIS_YEAR).returns.values_list(
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
    introduction, sections = _PROVISION["introduction"], _PROVISION["sections"]
    last, this = _PROVISION["last_year"], _PROVISION["this_year"]
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=last["answers"])}

    last_year = _template(last["name"], last["slug"], introduction, sections, coordinator)
    sent = services.open_template(
        last_year, [organisations[slug] for slug in last["answers"]], last["due"], by=coordinator
    )
    for organisation_return in sent:
        _fill(
            organisation_return, last["answers"][organisation_return.organisation.slug], submit=True
        )
        services.accept(organisation_return, coordinator)
    services.close_template(last_year, by=coordinator)

    this_year = _template(
        this["name"], this["slug"], introduction, sections, coordinator, previous=last_year
    )
    # Sent in the directory's order (by name), as a coordinator choosing them would.
    asked = Organisation.objects.filter(slug__in=this["returns"]).order_by("name")
    current = {
        r.organisation.slug: r
        for r in services.open_template(
            this_year, asked, _due(this["due_days_ahead"]), by=coordinator
        )
    }
    for slug, answer in this["returns"].items():
        answers = {**last["answers"].get(slug, {}), **answer.get("changes", {})}
        for code in answer.get("unanswered", []):
            del answers[code]
        if answers:
            _fill(
                current[slug],
                answers,
                submit=answer.get("submit", False),
                explanations=answer.get("explanations"),
            )
    return _provision_summary()


def _training_summary() -> str:
    teams = ReturnTemplate.objects.get(slug=TRAINING).returns.count()
    return f"1 community nursing training return sent to {teams} teams"


def training_return() -> str:
    if ReturnTemplate.objects.filter(slug=TRAINING).exists():
        return _training_summary()
    coordinator = _coordinator()
    spec = _TRAINING
    template = _template(
        spec["name"], spec["slug"], spec["introduction"], spec["sections"], coordinator
    )
    services.open_template(
        template,
        services.organisations_to_ask(kinds=spec["send_to_kinds"]),
        _due(spec["due_days_ahead"]),
        by=coordinator,
    )
    return _training_summary()


DEMO_STEPS = [provision_returns, training_return]


def statuses() -> dict[str, str]:
    """(for tests) each 2026/27 provision return's status, by organisation slug."""
    template = ReturnTemplate.objects.get(slug=PROVISION_THIS_YEAR)
    return {r.organisation.slug: r.status for r in template.returns.select_related("organisation")}


__all__ = ["DEMO_STEPS", "PROVISION", "TRAINING", "ReturnStatus", "statuses"]
