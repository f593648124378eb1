"""The benchmark's data set: the starter library, the demo spa grown to 8 therapists,
and two years of appointments per `scale` (scale 1: about 20,000; scale 5: about 100,000).

Deterministic: the same anchor date and scale give the same rows (tokens included).
The anchor is the day the history ends and the 60 bookable days begin; by default today,
so the slot step always has a busy future to work through.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from bookings.free_times import spa_zone
from bookings.models import (
    Appointment,
    BookingRules,
    Service,
    Status,
    Therapist,
    TimeOff,
    WorkingHours,
)

THERAPISTS = 8
HISTORY_DAYS = 730  # per unit of scale
FUTURE_DAYS = 60
OPEN, CLOSE = time(9), time(18)
PAST = [(Status.COMPLETED, 85), (Status.CANCELLED, 10), (Status.NO_SHOW, 5)]
FUTURE = [(Status.CONFIRMED, 60), (Status.REQUESTED, 30), (Status.CANCELLED, 10)]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _therapists() -> list[Therapist]:
    services = list(Service.objects.active())
    users = get_user_model()
    existing = list(Therapist.objects.order_by("pk"))
    for n in range(len(existing) + 1, THERAPISTS + 1):
        user = users.objects.create_user(f"bench-{n}", f"bench-{n}@example.test", is_staff=True)
        existing.append(
            Therapist.objects.create(
                user=user, display_name=f"Bench Therapist {n}", slug=f"bench-therapist-{n}"
            )
        )
    WorkingHours.objects.all().delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(therapist=t, weekday=d, start=OPEN, end=CLOSE)
        for t in existing
        for d in range(6)
    )
    for t in existing:
        t.services.set(services)
    return existing


def _appointments(rng, therapists, services, first: date, anchor: date, tz) -> list[Appointment]:
    rows = []
    day = first
    while day < anchor + timedelta(days=FUTURE_DAYS):
        if day.weekday() < 6:
            weights = FUTURE if day >= anchor else PAST
            for therapist in therapists:
                cursor = datetime.combine(day, OPEN, tz)
                close = datetime.combine(day, CLOSE, tz)
                for _ in range(rng.randint(2, 6)):
                    service = rng.choice(services)
                    start = cursor + timedelta(minutes=15 * rng.randint(0, 4))
                    start += service.buffer_before
                    if start + service.duration > close:
                        break
                    status = _pick(rng, weights)
                    a = Appointment(
                        service=service,
                        therapist=therapist,
                        status=status,
                        token=f"bench{rng.getrandbits(128):032x}",
                        client_name=f"Client {rng.randint(1, 4000)}",
                        client_email=f"client{rng.randint(1, 4000)}@example.test",
                        client_phone="555 0100",
                        cancelled_by=Appointment.CancelledBy.CLIENT
                        if status == Status.CANCELLED
                        else "",
                    )
                    a.set_times(start)
                    rows.append(a)
                    cursor = a.block_end
        day += timedelta(days=1)
    return rows


@transaction.atomic
def build(*, anchor: date, scale: int = 1, seed: int = 15) -> dict[str, int]:
    """Load everything into an empty, migrated database."""
    rng = random.Random(f"{seed}:{anchor.isoformat()}:{scale}")  # noqa: S311 (test data)
    for command in ("load_starter_library", "load_starter_questionnaire"):
        call_command(command, verbosity=0)
    call_command("load_demo_spa", force=True, verbosity=0)
    BookingRules.objects.update_or_create(pk=1, defaults={"horizon_days": FUTURE_DAYS})
    therapists = _therapists()
    services = list(Service.objects.active().order_by("pk"))
    tz = spa_zone()
    first = anchor - timedelta(days=HISTORY_DAYS * scale)
    rows = _appointments(rng, therapists, services, first, anchor, tz)
    Appointment.objects.bulk_create(rows, batch_size=2000)
    # A week's holiday for one therapist inside the bookable days.
    TimeOff.objects.create(
        therapist=therapists[-1],
        start=datetime.combine(anchor + timedelta(days=10), time(), tz),
        end=datetime.combine(anchor + timedelta(days=17), time(), tz),
        reason="Holiday",
    )
    return {"appointments": len(rows), "therapists": len(therapists), "services": len(services)}
