"""Where a member is in every track, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from members.models import User

from .models import LEVEL_ORDER, Certificate, CertificateKind, ModulePage, ModuleProgress, TrackPage


@dataclass
class ModuleState:
    module: ModulePage
    started: bool = False
    read: bool = False
    passed: bool = False
    completed: bool = False
    last_visited_at: datetime.datetime | None = None


@dataclass
class TrackProgress:
    track: TrackPage
    modules: list[ModuleState] = field(default_factory=list)
    certificate: Certificate | None = None
    for_you: bool = False

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def completed(self) -> int:
        return sum(1 for state in self.modules if state.completed)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return any(state.started for state in self.modules)

    @property
    def is_complete(self) -> bool:
        return bool(self.total) and self.completed == self.total

    @property
    def next_module(self) -> ModulePage | None:
        """Where to continue: the module last visited if unfinished, else the first unfinished."""
        unfinished = [state for state in self.modules if not state.completed]
        if not unfinished:
            return None
        visited = [state for state in unfinished if state.last_visited_at is not None]
        if visited:
            return max(visited, key=lambda state: state.last_visited_at).module
        return unfinished[0].module


SECTION_LABELS = {
    "for_you": _("Written for your staff group"),
    "in_progress": _("Other tracks you have started"),
    "completed": _("Completed"),
    "other": _("More tracks"),
}


def live_modules(tracks: list[TrackPage]) -> QuerySet[ModulePage]:
    """The live modules of the tracks, in tree order."""
    if not tracks:
        return ModulePage.objects.none()
    return (
        ModulePage.objects.live()
        .filter(depth=tracks[0].depth + 1)
        .filter(reduce(or_, (Q(path__startswith=track.path) for track in tracks)))
        .order_by("path")
    )


def track_progress(
    user: User | None,
    tracks: list[TrackPage],
    *,
    modules: list[ModulePage] | None = None,
    with_certificates: bool = True,
    certificates: list[Certificate] | None = None,
) -> list[TrackProgress]:
    """Progress through each track, with its live modules in order. `modules` are
    `live_modules(tracks)` if the caller has them already, and `certificates` all the
    user's certificates; without certificates, each track's `certificate` is None (the
    dashboard does not show them)."""
    if not tracks:
        return []
    if modules is None:
        modules = list(live_modules(tracks))
    states: dict[int, ModuleProgress] = {}
    by_track: dict[int, Certificate] = {}
    if user is not None and user.is_authenticated:
        states = {
            progress.module_id: progress
            for progress in ModuleProgress.objects.filter(
                user=user, module_id__in=[module.pk for module in modules]
            )
        }
    if user is not None and user.is_authenticated and with_certificates:
        if certificates is None:
            certificates = list(
                Certificate.objects.filter(user=user, kind=CertificateKind.TRACK, track__in=tracks)
            )
        track_ids = {track.pk for track in tracks}
        # One track certificate per member and track (a constraint).
        by_track = {
            certificate.track_id: certificate
            for certificate in certificates
            if certificate.kind == CertificateKind.TRACK and certificate.track_id in track_ids
        }
    by_path = {track.path: TrackProgress(track=track) for track in tracks}
    for module in modules:
        entry = by_path.get(module.path[: -TrackPage.steplen])
        if entry is None:
            continue
        progress = states.get(module.pk)
        entry.modules.append(
            ModuleState(
                module=module,
                started=progress is not None,
                read=bool(progress and progress.read_at),
                passed=bool(progress and progress.passed_at),
                completed=bool(progress and progress.completed_at),
                last_visited_at=progress.last_visited_at if progress else None,
            )
        )
    staff_group = getattr(user, "staff_group", "")
    result = []
    for track in tracks:
        entry = by_path[track.path]
        entry.certificate = by_track.get(track.pk)
        entry.for_you = bool(staff_group) and staff_group in track.audience_groups
        result.append(entry)
    return result


def my_learning_sections(
    user: User,
    tracks: list[TrackPage],
    *,
    modules: list[ModulePage] | None = None,
    with_certificates: bool = True,
    certificates: list[Certificate] | None = None,
) -> list[tuple[str, list]]:
    """Tracks in the order a member should see them.

    First the unfinished tracks written for the member's own staff group (by
    framework level), then other tracks they have started, then what they have
    completed, then everything else. `modules`, `with_certificates` and `certificates`
    as for `track_progress`.
    """
    progress = track_progress(
        user,
        tracks,
        modules=modules,
        with_certificates=with_certificates,
        certificates=certificates,
    )

    def by_level(entry: TrackProgress):
        return (LEVEL_ORDER.get(entry.track.framework_level, 99), entry.track.title)

    for_you = sorted(
        (entry for entry in progress if entry.for_you and not entry.is_complete), key=by_level
    )
    in_progress = sorted(
        (
            entry
            for entry in progress
            if not entry.for_you and entry.started and not entry.is_complete
        ),
        key=by_level,
    )
    completed = sorted((entry for entry in progress if entry.is_complete), key=by_level)
    other = sorted(
        (
            entry
            for entry in progress
            if not entry.for_you and not entry.started and not entry.is_complete
        ),
        key=by_level,
    )
    sections = [
        ("for_you", for_you),
        ("in_progress", in_progress),
        ("completed", completed),
        ("other", other),
    ]
    return [(SECTION_LABELS[key], entries) for key, entries in sections if entries]
