"""Build rows in code: small, explicit, with sensible defaults and keyword overrides.

The library (regions, points, routines) first, then the bookings side (services,
therapists with their weekly hours, appointments, time off, client records).
Names and slugs are the caller's to keep unique within a test; nothing here counts
across tests beyond `_seq` (per process, so safe under pytest-xdist).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from bookings.models import (
    Appointment,
    Service,
    Status,
    Therapist,
    TimeOff,
    WorkingHours,
)
from bookings.models import Client as ClientRecord
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


# --- Bookings -------------------------------------------------------------------------


def service(name: str = "Back massage", **kw) -> Service:
    """A bookable session: 60 minutes, then a 15-minute reset (the model's default)."""
    defaults = dict(
        slug=slugify(name),
        summary=f"A {name.lower()}.",
        description="What happens in the session, in plain words.",
        duration_minutes=60,
        price=Decimal("80.00"),
        buffer_before_minutes=0,
        buffer_after_minutes=15,
    )
    defaults.update(kw)
    return Service.objects.create(name=name, **defaults)


NINE_TO_FIVE = (time(9), time(17))


def therapist(
    name: str = "Ana",
    *services: Service,
    weekdays: Iterable[int] = range(7),
    hours: tuple[time, time] = NINE_TO_FIVE,
    user=None,
    **kw,
) -> Therapist:
    """A therapist offering `services`, working `hours` on each of `weekdays` (every day,
    9 to 5, unless told); a staff user of their own unless `user` is given."""
    slug = kw.pop("slug", slugify(name))
    if user is None:
        user = get_user_model().objects.create_user(slug, f"{slug}@example.com", is_staff=True)
    t = Therapist.objects.create(user=user, display_name=name, slug=slug, **kw)
    t.services.add(*services)
    WorkingHours.objects.bulk_create(
        [WorkingHours(therapist=t, weekday=d, start=hours[0], end=hours[1]) for d in weekdays]
    )
    return t


def appointment(
    service: Service,
    therapist: Therapist,
    start: datetime,
    *,
    status: str = Status.REQUESTED,
    save: bool = True,
    **kw,
) -> Appointment:
    """An appointment at `start`, its end and held block taken from the service (its
    duration and buffers). Casey Client's details unless told; a cancelled one says the
    client cancelled. `save=False` returns it unsaved (for bulk_create or a refused save)."""
    fields = dict(
        client_name="Casey Client",
        client_email="casey@example.com",
        client_phone="(555) 010-2233",
        cancelled_by="client" if status == Status.CANCELLED else "",
    )
    fields.update(kw)
    a = Appointment(service=service, therapist=therapist, status=status, **fields)
    a.set_times(start)
    if save:
        a.save()
    return a


def time_off(therapist: Therapist, start: datetime, end: datetime | None = None, **kw) -> TimeOff:
    """Time off from `start` to `end` (an hour, unless told)."""
    return TimeOff.objects.create(
        therapist=therapist, start=start, end=end or start + timedelta(hours=1), **kw
    )


def client_record(email: str = "casey@example.com", **kw) -> ClientRecord:
    """A client record (one per email), as staff or an earlier booking would have made it."""
    return ClientRecord.objects.create(email=email, **kw)
