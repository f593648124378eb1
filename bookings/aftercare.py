"""Aftercare: routines to follow at home after a session, shaped by the client's answers.

A routine is suggested when it works one of the booked service's body areas.
The points the client's answers rule out are left out of it; a routine left
mostly empty (half its points or more gone) is not suggested at all. When the
answers call for light pressure only, every suggestion says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from points.models import Routine, RoutineStep

LIMIT = 3


@dataclass
class Suggestion:
    routine: Routine
    steps: list[RoutineStep]
    left_out: list[str] = field(default_factory=list)
    light_only: bool = False

    @property
    def total_seconds(self) -> int:
        return sum(step.duration_seconds for step in self.steps)


def choose(
    routines: Iterable[Routine],
    region_ids: set[int],
    avoid_codes: set[str],
    limit: int = LIMIT,
    *,
    light_only: bool = False,
) -> list[Suggestion]:
    """Pure choice over loaded routines (steps with their points prefetched).

    Routines that work more of the service's areas come first; ties by title.
    """
    scored = []
    for routine in routines:
        steps = list(routine.steps.all())
        in_area = sum(1 for s in steps if s.point.region_id in region_ids)
        if routine.region_id in region_ids:
            in_area += 1
        if not in_area:
            continue
        kept = [s for s in steps if s.point.code not in avoid_codes]
        if len(kept) * 2 <= len(steps):
            continue
        left_out = [s.point.code for s in steps if s.point.code in avoid_codes]
        scored.append((-in_area, routine.title, Suggestion(routine, kept, left_out, light_only)))
    scored.sort(key=lambda item: item[:2])
    return [suggestion for _, _, suggestion in scored[:limit]]


def suggestions_for(appointment, limit: int = LIMIT) -> list[Suggestion]:
    """One to three routines for the appointment's service, without its ruled-out points."""
    region_ids = set(appointment.service.regions.values_list("pk", flat=True))
    if not region_ids:
        return []
    avoid = set(appointment.avoid_points.values_list("code", flat=True))
    routines = Routine.objects.published().prefetch_related(
        Prefetch("steps", RoutineStep.objects.select_related("point__region"))
    )
    return choose(routines, region_ids, avoid, limit, light_only=appointment.light_pressure_only)
