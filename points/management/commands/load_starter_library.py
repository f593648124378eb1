"""Load the starter pressure-point library from points/starter.py.

Create-only: rows are matched by slug (points by code) and anything already in
the database is left exactly as staff left it, children and links included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models import Q

from points import starter
from points.models import (
    BodyRegion,
    Caution,
    Concern,
    LocatingStep,
    Point,
    Routine,
    RoutineStep,
    TechniqueStep,
    Tool,
)

DECIMAL_FIELDS = ("map_x", "map_y", "map_rx", "map_ry", "detail_x", "detail_y")
# Search words added after the first release: filled in on rows that have none,
# so a library loaded earlier becomes findable by them too.
FILL_IF_BLANK = ("aliases", "synonyms")


def _decimals(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: (Decimal(value) if key in DECIMAL_FIELDS and value is not None else value)
        for key, value in data.items()
    }


def _save[M: models.Model](obj: M) -> M:
    # full_clean first, so a mistake in the starter data fails loudly instead of
    # slipping past a constraint the database does not enforce (choices, lengths).
    obj.full_clean()
    obj.save()
    return obj


class Command(BaseCommand):
    help = (
        "Load the starter pressure-point library (regions, concerns, tools, points and "
        "routines) in one transaction. Safe to re-run: it only creates what is missing, "
        "matching rows by slug (or name/title) and points by code (or slug). Anything already "
        "in the database is never changed, so staff edits survive, including a point's steps, "
        "cautions, concerns and related points. Two exceptions: blank lay names (aliases) and "
        "concern synonyms are filled in, and a tool still carrying a starter name that has "
        "since changed (Massage ball) is renamed. A starter point or routine that staff deleted "
        "is created again on the next run, with its steps and cautions; a re-created point is "
        "linked only to other points created in the same run. Routine steps whose point is "
        "missing are skipped with a warning."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            counts = self._load()
        self.stdout.write(
            f"Starter library: {counts['points']} points, {counts['routines']} routines "
            f"created; {counts['present']} already present."
        )
        if options["verbosity"] > 1:
            self.stdout.write(
                f"Also created {counts['regions']} regions, {counts['concerns']} concerns "
                f"and {counts['tools']} tools."
            )

    def _load(self) -> dict[str, int]:
        counts = dict.fromkeys(("regions", "concerns", "tools", "points", "routines", "present"), 0)
        regions = self._simple(BodyRegion, starter.REGIONS, counts, "regions")
        concerns = self._simple(Concern, starter.CONCERNS, counts, "concerns")
        tools = self._simple(Tool, starter.TOOLS, counts, "tools")

        points: dict[str, Point] = {}
        created: dict[str, Point] = {}
        for data in starter.POINTS:
            found = Point.objects.filter(Q(code=data["code"]) | Q(slug=data["slug"])).first()
            if found:
                self._update(found, data, [])
                points[data["code"]] = found
                counts["present"] += 1
                continue
            points[data["code"]] = created[data["code"]] = self._create_point(
                data, regions, concerns, tools
            )
            counts["points"] += 1

        # Symmetrical links: touching an existing point would change its page,
        # so only pairs of points created in this run are linked.
        for data in starter.POINTS:
            if data["code"] in created:
                others = [created[code] for code in data["related"] if code in created]
                created[data["code"]].related.add(*others)

        for routine in starter.ROUTINES:
            if Routine.objects.filter(Q(slug=routine["slug"]) | Q(title=routine["title"])).exists():
                counts["present"] += 1
                continue
            self._create_routine(routine, regions, concerns, points)
            counts["routines"] += 1
        return counts

    def _simple[M: BodyRegion | Concern | Tool](
        self, model: type[M], rows: Sequence[Mapping[str, Any]], counts: dict, key: str
    ) -> dict[str, M]:
        """Regions, concerns and tools: find by slug or name, else create.

        Two updates to rows already there: a starter rename reaches a row that
        still carries the old starter name, and blank synonyms are filled in.
        """
        by_slug: dict[str, M] = {}
        for data in rows:
            data = dict(data)
            former = data.pop("former_names", [])
            names = Q(name=data["name"]) | Q(name__in=former)
            # The plugin types `model.objects` by M's bound (any of the three), not by M.
            found = cast(M | None, model.objects.filter(Q(slug=data["slug"]) | names).first())
            if found is None:
                found = _save(model(**_decimals(data)))
                counts[key] += 1
            else:
                self._update(found, data, former)
            by_slug[data["slug"]] = found
        return by_slug

    def _update(
        self, found: BodyRegion | Concern | Tool | Point, data: Mapping[str, Any], former: list[str]
    ) -> None:
        changed = []
        # A point has no name to rename (its code is what the loader matches).
        if former and not isinstance(found, Point) and found.name in former:
            found.name = data["name"]
            changed.append("name")
        for name in FILL_IF_BLANK:
            if data.get(name) and hasattr(found, name) and not getattr(found, name):
                setattr(found, name, data[name])
                changed.append(name)
        if changed:
            found.full_clean()
            # The page changed: let "updated" (the sitemap's lastmod) say so.
            found.save(
                update_fields=[*changed, *(["updated"] if hasattr(found, "updated") else [])]
            )

    def _create_point(
        self,
        data: starter.PointData,
        regions: dict[str, BodyRegion],
        concerns: dict[str, Concern],
        tools: dict[str, Tool],
    ) -> Point:
        fields = {
            key: value
            for key, value in data.items()
            if key not in ("region", "concerns", "related", "locating", "technique", "cautions")
        }
        point = _save(Point(region=regions[data["region"]], **_decimals(fields)))
        point.concerns.set([concerns[slug] for slug in data["concerns"]])
        for position, text in enumerate(data["locating"], start=1):
            _save(LocatingStep(point=point, position=position, text=text))
        for position, step in enumerate(data["technique"], start=1):
            tool = tools[step["tool"]] if step["tool"] else None
            _save(TechniqueStep(point=point, position=position, **{**step, "tool": tool}))
        for position, (kind, text) in enumerate(data["cautions"], start=1):
            _save(Caution(point=point, position=position, kind=kind, text=text))
        return point

    def _create_routine(
        self,
        data: starter.RoutineData,
        regions: dict[str, BodyRegion],
        concerns: dict[str, Concern],
        points: dict[str, Point],
    ) -> None:
        routine = _save(
            Routine(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                introduction=data["introduction"],
                region=regions[data["region"]] if data["region"] else None,
                published=data["published"],
            )
        )
        routine.concerns.set([concerns[slug] for slug in data["concerns"]])
        position = 0
        for code, seconds, note in data["steps"]:
            point = points.get(code)
            if point is None:
                self.stderr.write(
                    self.style.WARNING(
                        f"Routine {data['slug']}: skipped step {code}, no such point."
                    )
                )
                continue
            position += 1
            _save(
                RoutineStep(
                    routine=routine,
                    position=position,
                    point=point,
                    duration_seconds=seconds,
                    note=note,
                )
            )
