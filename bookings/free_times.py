"""The thin loader that feeds availability.py from the ORM: free slots for a service.

Two queries read the therapists (with their shifts and the booking rules) and
everything that keeps them busy; availability.py's pure functions do the rest.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import CharField, F, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone

from bookings.availability import (
    ONE_DAY,
    Interval,
    Slot,
    _instant,
    free_starts,
    merge_slots,
    subtract,
    weekly_windows,
)
from bookings.models import Appointment, BookingRules, Therapist, TimeOff


def spa_zone() -> ZoneInfo:
    # The spa's zone from settings, never the zone activated for a request.
    return timezone.get_default_timezone()


def offering(service, therapist_id: int | None = None) -> tuple[list, BookingRules | None]:
    """The active therapists offering `service` (or just that one), each with `.shifts`
    [(weekday, start, end), …], and the spa's booking rules, in one query.

    A row per shift (a left join, so a therapist without hours still comes, with no
    shifts); the rules' single row rides along as scalar subqueries. The rules are
    None when no therapist offers the service or the rules row does not exist yet."""
    fields = [f.attname for f in BookingRules._meta.concrete_fields if not f.primary_key]
    rules_row = BookingRules.objects.filter(pk=1)
    rows = Therapist.objects.offering(service)
    if therapist_id is not None:
        rows = rows.filter(pk=therapist_id)
    rows = rows.annotate(
        shift_day=F("hours__weekday"),
        shift_start=F("hours__start"),
        shift_end=F("hours__end"),
        **{f"rules_{name}": Subquery(rules_row.values(name)) for name in fields},
    ).order_by(*(Therapist._meta.ordering or ()), "pk", "hours__weekday", "hours__start")
    # Therapist rows carrying the annotations, and `.shifts` set here.
    therapists: dict[int, Any] = {}
    rules = None
    for row in rows:
        therapist = therapists.setdefault(row.pk, row)
        if therapist is row:
            therapist.shifts = []
        if row.shift_day is not None:
            therapist.shifts.append((row.shift_day, row.shift_start, row.shift_end))
        if rules is None and getattr(row, f"rules_{fields[0]}") is not None:
            rules = BookingRules(pk=1, **{name: getattr(row, f"rules_{name}") for name in fields})
    return list(therapists.values()), rules


def _free_by_therapist(
    service,
    therapist_id: int | None,
    date_from: date | None,
    date_to: date | None,
    *,
    now: datetime | None,
    rules: BookingRules | None,
    exclude_appointment_id: int | None = None,
    therapists: list | None = None,
) -> dict[int, list[datetime]]:
    """Free starts per therapist offering `service`, in two queries (therapists with
    their shifts and the rules, then everything that keeps them busy).

    `therapists`: what offering() returned, if the caller has it already."""
    tz = spa_zone()
    now = now or timezone.now()
    if therapists is None:
        therapists, read_rules = offering(service, therapist_id)
        rules = rules or read_rules
    elif therapist_id is not None:
        therapists = [t for t in therapists if t.pk == therapist_id]
    if not therapists:
        return {}
    rules = rules or BookingRules.current()
    earliest, latest = now + rules.min_notice, now + rules.horizon
    # Default and clip the range to the days that notice and horizon leave open.
    first_day, last_day = earliest.astimezone(tz).date(), latest.astimezone(tz).date()
    date_from = max(date_from or first_day, first_day)
    date_to = min(date_to or last_day, last_day)
    if date_from > date_to:
        return {}
    range_start = _instant(date_from, time(), tz)
    range_end = _instant(date_to + ONE_DAY, time(), tz)
    ids = [t.pk for t in therapists]

    # Time off and appointment blocks in one query (UNION ALL), told apart by `kind`.
    # No ORDER BY: _normalise sorts the intervals.
    # SQLite keeps datetimes as UTC text: read the text and parse it here (fromisoformat,
    # in C), a few times cheaper than Django's converter for each of the thousands of
    # values; with no column needing a converter (`kind` is text, not a number or a
    # boolean, which Django would convert) Django applies none. PostgreSQL's
    # driver hands over datetimes.
    as_text = connection.vendor == "sqlite"

    def instant(column: str) -> Any:
        return Cast(column, CharField()) if as_text else F(column)

    time_off_rows = (
        TimeOff.objects.filter(therapist_id__in=ids, start__lt=range_end, end__gt=range_start)
        .annotate(kind=Value("off", CharField()), a=instant("start"), b=instant("end"))
        .order_by()
        .values_list("therapist_id", "a", "b", "kind")
    )
    # A new block may reach past the range by its own buffers. The index led by
    # (therapist, block_end) reads the blocks ending after the range starts: the weeks
    # ahead, not the years behind.
    appointments = Appointment.objects.holding().filter(
        therapist_id__in=ids,
        block_start__lt=range_end + service.buffer_after,
        block_end__gt=range_start - service.buffer_before,
    )
    if exclude_appointment_id is not None:
        appointments = appointments.exclude(pk=exclude_appointment_id)
    block_rows = (
        appointments.annotate(
            kind=Value("busy", CharField()), a=instant("block_start"), b=instant("block_end")
        )
        .order_by()
        .values_list("therapist_id", "a", "b", "kind")
    )
    time_off: dict[int, list[Interval]] = defaultdict(list)
    busy: dict[int, list[Interval]] = defaultdict(list)
    for tid, start, end, kind in time_off_rows.union(block_rows, all=True).order_by():
        if as_text:
            start = datetime.fromisoformat(start).replace(tzinfo=UTC)
            end = datetime.fromisoformat(end).replace(tzinfo=UTC)
        (time_off if kind == "off" else busy)[tid].append(Interval(start, end))

    result = {}
    for therapist in therapists:
        windows = subtract(
            weekly_windows(therapist.shifts, date_from, date_to, tz), time_off[therapist.pk]
        )
        result[therapist.pk] = free_starts(
            windows=windows,
            busy=busy[therapist.pk],
            duration=service.duration,
            buffer_before=service.buffer_before,
            buffer_after=service.buffer_after,
            step=rules.slot_step,
            earliest=earliest,
            latest=latest,
            tz=tz,
        )
    return result


def slots_for(
    service,
    therapist=None,
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    now: datetime | None = None,
    rules: BookingRules | None = None,
    exclude_appointment_id: int | None = None,
    therapists: list | None = None,
) -> list[Slot]:
    """Free slots for `service` with `therapist` (None: any active therapist offering it).

    `date_from`/`date_to` are local dates in the spa's zone, inclusive; by default
    (and at most) the days from now + notice to now + horizon, so today to today
    + horizon_days. Two queries whatever the number of therapists, days or
    appointments (none for the therapists with `therapists` from offering()).
    `exclude_appointment_id` ignores the appointment being moved.
    """
    per_therapist = _free_by_therapist(
        service,
        None if therapist is None else therapist.pk,
        date_from,
        date_to,
        now=now,
        rules=rules,
        exclude_appointment_id=exclude_appointment_id,
        therapists=therapists,
    )
    return merge_slots(per_therapist)


def free_at(
    service,
    start: datetime,
    therapist_id: int | None = None,
    *,
    now: datetime | None = None,
    rules: BookingRules | None = None,
    exclude_appointment_id: int | None = None,
) -> list[int]:
    """The therapists (that one, or any offering `service`) for whom `start` is an offered
    start right now, ascending: the server re-check, in three queries for any number."""
    if start.utcoffset() is None:
        raise ValueError("is_free() needs an aware datetime.")
    now = now or timezone.now()
    rules = rules or BookingRules.current()
    # Cheap refusal first; it also keeps absurd years from overflowing below.
    if not now + rules.min_notice <= start <= now + rules.horizon:
        return []
    day = start.astimezone(spa_zone()).date()
    per_therapist = _free_by_therapist(
        service,
        therapist_id,
        day,
        day,
        now=now,
        rules=rules,
        exclude_appointment_id=exclude_appointment_id,
    )
    return sorted(tid for tid, starts in per_therapist.items() if start in starts)


def is_free(
    service,
    therapist_id: int,
    start: datetime,
    *,
    now: datetime | None = None,
    rules: BookingRules | None = None,
    exclude_appointment_id: int | None = None,
) -> bool:
    """Whether `start` is an offered start for that therapist right now: the server re-check."""
    return bool(
        free_at(
            service,
            start,
            therapist_id,
            now=now,
            rules=rules,
            exclude_appointment_id=exclude_appointment_id,
        )
    )


def nearest_free(
    service,
    therapist,
    around: datetime,
    *,
    count: int = 3,
    now: datetime | None = None,
    rules: BookingRules | None = None,
) -> list[Slot]:
    """The `count` free slots closest in time to `around` (either side), in time order.

    Ties go to the earlier slot. Searches a day either side first, then a week,
    then the whole horizon, widening only when a closer slot could lie outside.
    """
    if count <= 0:
        return []
    tz = spa_zone()
    now = now or timezone.now()
    rules = rules or BookingRules.current()
    therapist_id = None if therapist is None else therapist.pk
    first_day = (now + rules.min_notice).astimezone(tz).date()
    last_day = (now + rules.horizon).astimezone(tz).date()
    # Search outward from the bookable instant nearest `around` (which may lie anywhere).
    day = min(max(around, now + rules.min_notice), now + rules.horizon).astimezone(tz).date()
    for span in (1, 7, None):
        lo = first_day if span is None else max(first_day, day - timedelta(days=span))
        hi = last_day if span is None else min(last_day, day + timedelta(days=span))
        slots = merge_slots(_free_by_therapist(service, therapist_id, lo, hi, now=now, rules=rules))
        chosen = sorted(slots, key=lambda s: (abs(s.start - around), s.start))[:count]
        # A slot outside [lo, hi] would be further from `around` than that edge of
        # the range (no edge where the range already meets the horizon).
        reach = min(
            around - _instant(lo, time(), tz) if lo > first_day else timedelta.max,
            _instant(hi + ONE_DAY, time(), tz) - around if hi < last_day else timedelta.max,
        )
        if reach == timedelta.max or (
            len(chosen) == count and all(abs(s.start - around) <= reach for s in chosen)
        ):
            return sorted(chosen, key=lambda s: s.start)
    return []  # not reached: the last span covers the whole horizon
