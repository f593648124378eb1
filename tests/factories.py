"""Build library rows in code: small, explicit, with sensible defaults."""

from __future__ import annotations

import itertools
from decimal import Decimal

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

_seq = itertools.count(1)


def region(slug: str = "lower-back", name: str | None = None, **kw) -> BodyRegion:
    defaults = dict(
        name=name or slug.replace("-", " ").capitalize(),
        view="back",
        map_x=Decimal("0.5"),
        map_y=Decimal("0.37"),
        map_rx=Decimal("0.1"),
        map_ry=Decimal("0.05"),
    )
    defaults.update(kw)
    return BodyRegion.objects.get_or_create(slug=slug, defaults=defaults)[0]


def concern(slug: str = "low-back-pain", name: str | None = None) -> Concern:
    return Concern.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.replace("-", " ").capitalize()}
    )[0]


def tool(slug: str = "thumb", name: str | None = None) -> Tool:
    return Tool.objects.get_or_create(slug=slug, defaults={"name": name or slug.capitalize()})[0]


def point(code: str | None = None, *, steps: int = 3, published: bool = True, **kw) -> Point:
    n = next(_seq)
    code = code or f"TP{n}"
    concerns = kw.pop("concerns", [])
    cautions = kw.pop("cautions", [])
    step_tool = kw.pop("tool", None)
    defaults = dict(
        slug=code.lower(),
        pinyin_name=f"Pinyin {n}",
        english_name=f"Test point {n}",
        region=kw.pop("region", None) or region(),
        summary="A point used in tests.",
        uses="Used in tests only.",
        view="back",
        paired=True,
        map_x=Decimal("0.460"),
        map_y=Decimal("0.360"),
        published=published,
    )
    defaults.update(kw)
    p = Point.objects.create(code=code, **defaults)
    p.concerns.set(concerns)
    LocatingStep.objects.bulk_create(
        [LocatingStep(point=p, position=i, text=f"Find step {i}.") for i in (1, 2)]
    )
    TechniqueStep.objects.bulk_create(
        [
            TechniqueStep(
                point=p,
                position=i,
                instruction=f"Press step {i}.",
                pressure="moderate",
                motion="hold",
                duration_seconds=30,
                side="each",
                tool=step_tool,
            )
            for i in range(1, steps + 1)
        ]
    )
    for i, (kind, text) in enumerate(cautions, start=1):
        Caution.objects.create(point=p, position=i, kind=kind, text=text)
    return p


def routine(title: str = "Test routine", points: list[Point] | None = None, **kw) -> Routine:
    r = Routine.objects.create(
        title=title,
        slug=kw.pop("slug", title.lower().replace(" ", "-")),
        summary=kw.pop("summary", "A routine used in tests."),
        published=kw.pop("published", True),
        **kw,
    )
    for i, p in enumerate(points or [], start=1):
        RoutineStep.objects.create(routine=r, position=i, point=p, duration_seconds=60)
    return r
