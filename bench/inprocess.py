"""In-process timings of the computations the pages rest on (issue 15's goals):

- 60 days of free times for the benchmark's session with any therapist (`slots_for`), the
  computation the time step and the service page share, with and without the
  therapists and rules already read (`offering`);
- one therapist's free times for one day;
- `is_bookable` for a free start and for a taken one;
- the staff's appointment list (the admin changelist, as the owner sees it).

Each is run `repeat` times after one warm-up, with the page cache out of the way (these
are the computations behind it); the table gives the median and the best, in
milliseconds, and the queries of one run. Compare scale 1 with scale 5: the history
grows five times, the figures should not.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta


def _time(work: Callable[[], object], repeat: int) -> tuple[float, float, int]:
    from django.db import connection

    work()  # warm-up: imports, prepared statements, the OS's file cache
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        work()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), min(runs), queries


def measure(repeat: int = 30) -> str:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from bookings import services
    from bookings.free_times import offering, slots_for, spa_zone
    from bookings.models import Appointment, Service

    cache.clear()
    # The session the page rows book (bench/run.py), else the first one.
    service = (
        Service.objects.filter(slug="back-neck-shoulder-massage").first()
        or Service.objects.filter(active=True).order_by("pk").first()
    )
    assert service is not None, "the data set has no service"
    therapists, rules = offering(service)
    therapist = therapists[0]
    tz = spa_zone()
    today = timezone.now().astimezone(tz).date()
    sixty = (today, today + timedelta(days=59))
    free = slots_for(service, None, *sixty)
    day = next(s.start.astimezone(tz).date() for s in free if s.start.date() > today)
    free_start = next(s.start for s in free if s.start.astimezone(tz).date() == day)
    taken = (
        Appointment.objects.holding()
        .filter(therapist=therapist, start__gt=timezone.now() + timedelta(days=1))
        .order_by("start")
        .first()
    )
    owner = get_user_model().objects.filter(is_superuser=True).first()
    client = Client()
    if owner is not None:
        client.force_login(owner)

    def admin_list() -> None:
        response = client.get("/admin/bookings/appointment/")
        assert response.status_code == 200, response.status_code

    rows = [
        ("60 days, any therapist (slots_for)", lambda: slots_for(service, None, *sixty)),
        (
            "60 days, any therapist, therapists and rules at hand",
            lambda: slots_for(service, None, *sixty, rules=rules, therapists=therapists),
        ),
        ("one therapist's day", lambda: slots_for(service, therapist, day, day)),
        ("is_bookable, a free start", lambda: services.is_bookable(service, None, free_start)),
    ]
    if taken is not None:
        rows.append(
            (
                "is_bookable, a taken start",
                lambda: services.is_bookable(service, therapist.pk, taken.start),
            )
        )
    if owner is not None:
        rows.append(("admin appointment list (owner)", admin_list))
    lines = [
        f"In-process, {repeat} runs each after a warm-up "
        f"({Appointment.objects.count():,} appointments stored):",
        "",
        "| computation | median ms | best ms | queries |",
        "|---|---:|---:|---:|",
    ]
    for name, work in rows:
        median, best, queries = _time(work, repeat)
        lines.append(f"| {name} | {median:.1f} | {best:.1f} | {queries} |")
    return "\n".join(lines) + "\n"
