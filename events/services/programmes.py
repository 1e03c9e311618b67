"""ECHO programmes: the programme, its hub team and cycle, and the curriculum of its sessions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from schedule.models import Event, Occurrence

from core.text import unique_slug
from members.models import User

from .. import permissions
from ..exceptions import EventsError
from ..models import EchoProgramme, SessionPlan
from ..queries import programme_sessions


@transaction.atomic
def save_programme(
    programme: EchoProgramme | None,
    *,
    by: User,
    name: str,
    description: str,
    series: Event,
    hub_team: Iterable[User],
    target_staff_groups: Sequence[str],
    cycle_start: datetime.date,
    cycle_end: datetime.date,
) -> EchoProgramme:
    """Create (programme=None) or change an ECHO programme."""
    if not permissions.can_manage_events(by):
        raise PermissionDenied
    if cycle_end < cycle_start:
        raise EventsError(_("The cycle must end after it starts."))
    if programme is None:
        programme = EchoProgramme(slug=unique_slug(EchoProgramme, name, "programme"))
    programme.name = name.strip()
    programme.description = description.strip()
    programme.series = series
    programme.target_staff_groups = list(target_staff_groups)
    programme.cycle_start = cycle_start
    programme.cycle_end = cycle_end
    programme.save()
    programme.hub_team.set(list(hub_team))
    permissions.forget_hub_team(programme)
    return programme


@transaction.atomic
def plan_curriculum(
    programme: EchoProgramme, plans: Iterable[tuple[int, str, str]], *, by: User
) -> int:
    """Set the teaching topic and presenter of the programme's sessions; returns how many."""
    if not permissions.can_manage_programme(by, programme):
        raise PermissionDenied
    session_ids = set(programme_sessions(programme).values_list("pk", flat=True))
    count = 0
    for occurrence_id, topic, presenter in plans:
        if occurrence_id not in session_ids:
            raise EventsError(_("That session is not part of this programme."))
        SessionPlan.objects.update_or_create(
            occurrence_id=occurrence_id,
            defaults={"didactic_topic": topic.strip(), "didactic_presenter": presenter.strip()},
        )
        count += 1
    return count


@transaction.atomic
def create_programme(
    *,
    name: str,
    slug: str,
    description: str,
    series: Event,
    cycle_start: datetime.date,
    cycle_end: datetime.date,
    target_staff_groups: Sequence[str] = (),
    hub_team: Iterable[User] = (),
) -> EchoProgramme:
    programme = EchoProgramme.objects.create(
        name=name,
        slug=slug,
        description=description,
        series=series,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        target_staff_groups=list(target_staff_groups),
    )
    programme.hub_team.set(list(hub_team))
    permissions.forget_hub_team(programme)
    return programme


@transaction.atomic
def plan_session(
    occurrence: Occurrence, *, didactic_topic: str, didactic_presenter: str = ""
) -> SessionPlan:
    plan, _created = SessionPlan.objects.update_or_create(
        occurrence=occurrence,
        defaults={"didactic_topic": didactic_topic, "didactic_presenter": didactic_presenter},
    )
    return plan
