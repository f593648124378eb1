"""Free start times: pure computation over plain values, fed by one thin ORM loader.

The rules, decided here and pinned by tests/bookings/test_availability.py:

- **Grid.** A start is offered only where the local wall clock (the spa's zone)
  reads a whole multiple of the step counted from local midnight. A shift that
  begins at 9:10 with a 15-minute step offers 9:15 first. Because the grid is
  wall-clock, 9:00 stays 9:00 across daylight-saving changes; wall times that
  never happen (the spring-forward gap) are never offered, and in the repeated
  hour at fall back both real instants are offered.
- **Windows.** Working hours minus time off. The session itself
  ``[start, start + duration)`` must lie inside one window; windows that touch
  count as one stretch.
- **Buffers.** The new block ``[start - buffer_before, end + buffer_after)``
  must overlap no block of an appointment that holds its slot (those blocks
  already carry *their* buffers). Half-open: touching is fine. Buffers do not
  have to fit inside the window: a 16:00-17:00 session may end a 9-17 shift
  with its room reset after 17:00 (likewise next to time off).
- **Notice and horizon.** ``now + min_notice <= start <= now + horizon``.

All datetimes are aware; results are in UTC.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db.models import F, Subquery, Value
from django.utils import timezone

from bookings.models import Appointment, BookingRules, Therapist, TimeOff

ONE_DAY = timedelta(days=1)
ONE_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Interval:
    """Aware, half-open ``[start, end)``."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, UTC
    therapist_ids: tuple[int, ...]  # who is free for this start, ascending


# --- pure ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _instant(day: date, wall: time, tz: tzinfo) -> datetime:
    """The first instant (UTC) at which the local clock on `day` reads `wall` or later.

    A repeated wall time (fall back) means its first occurrence. A wall time in
    the spring-forward gap never shows on the clock: it means the moment the
    clock jumps past it (a shift "from 2:30" on that night starts at 3:00).
    """
    naive = datetime.combine(day, wall)
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == naive:
        return instant
    # fold=1 reads a gap time with the offset after the change: an instant just
    # before the jump. Walk to the jump (at most the gap's length, once a year).
    instant = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    while instant.astimezone(tz).replace(tzinfo=None) < naive:
        instant += ONE_MINUTE
    return instant


def midnight(day: date, tz: tzinfo) -> datetime:
    """The instant (UTC) local `day` begins in zone `tz`."""
    return _instant(day, time(), tz)


def _normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-empty, with overlapping or touching intervals merged."""
    merged: list[Interval] = []
    for iv in sorted((iv for iv in intervals if iv.end > iv.start), key=lambda iv: iv.start):
        if merged and iv.start <= merged[-1].end:
            if iv.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, iv.end)
        else:
            merged.append(iv)
    return merged


def weekly_windows(
    shifts: Iterable[tuple[int, time, time]], date_from: date, date_to: date, tz: ZoneInfo
) -> list[Interval]:
    """Each shift (weekday 0=Mon, local start, local end) on each day of [date_from, date_to].

    Returned in UTC, sorted, touching shifts merged. On a daylight-saving day a
    9:00-17:00 shift is still 9:00-17:00 on the wall clock (so 7 or 9 real hours
    when it spans the change).
    """
    by_weekday: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, start, end in shifts:
        by_weekday[weekday].append((start, end))
    windows = []
    day = date_from
    while day <= date_to:
        for start, end in by_weekday.get(day.weekday(), ()):
            windows.append(Interval(_instant(day, start, tz), _instant(day, end, tz)))
        day += ONE_DAY
    return _normalise(windows)


def subtract(windows: list[Interval], blocks: Iterable[Interval]) -> list[Interval]:
    """`windows` minus every block: sorted, disjoint, no empty pieces."""
    blocks = _normalise(blocks)
    result = []
    i = 0
    for window in _normalise(windows):
        start = window.start
        while i < len(blocks) and blocks[i].end <= start:
            i += 1
        # A block may reach into the next window too, so `i` stays put here.
        j = i
        while j < len(blocks) and blocks[j].start < window.end:
            if blocks[j].start > start:
                result.append(Interval(start, blocks[j].start))
            start = max(start, blocks[j].end)
            j += 1
        if start < window.end:
            result.append(Interval(start, window.end))
    return result


@lru_cache(maxsize=1024)
def _grid(day: date, step_minutes: int, tz: tzinfo) -> tuple[datetime, ...]:
    """Every real instant (UTC, ascending) of local `day` that lies on the grid."""
    midnight = datetime.combine(day, time())
    instants = set()
    for minutes in range(0, 24 * 60, step_minutes):
        naive = midnight + timedelta(minutes=minutes)
        for fold in (0, 1):  # both occurrences of a repeated wall time
            instant = naive.replace(tzinfo=tz, fold=fold).astimezone(UTC)
            if instant.astimezone(tz).replace(tzinfo=None) == naive:  # not in a gap
                instants.add(instant)
    return tuple(sorted(instants))


def free_starts(
    *,
    windows: list[Interval],
    busy: Iterable[Interval],
    duration: timedelta,
    buffer_before: timedelta,
    buffer_after: timedelta,
    step: timedelta,
    earliest: datetime,
    latest: datetime,
    tz: ZoneInfo,
) -> list[datetime]:
    """Every start (UTC, ascending) that can be offered; see the module docstring.

    `windows` is working time minus time off; `busy` holds the blocks of
    appointments that hold a slot, their buffers included. Only the session must
    fit in a window; the buffers only have to stay clear of `busy`.
    Cost: O(busy log busy) once, then O(log) per window and O(1) per start.
    """
    if step <= timedelta(0) or step % ONE_MINUTE:
        raise ValueError("The step must be a positive whole number of minutes.")
    step_minutes = step // ONE_MINUTE
    blocks = _normalise(busy)
    # A start s clashes with a block exactly when block.start - (duration + buffer_after)
    # < s < block.end + buffer_before: each block rules out an open range of starts.
    # Blocks are sorted and disjoint, so both ends of those ranges ascend.
    after = duration + buffer_after
    clash_from = [b.start - after for b in blocks]
    clash_to = [b.end + buffer_before for b in blocks]
    starts: list[datetime] = []
    for window in _normalise(windows):
        lo = max(window.start, earliest)
        hi = min(window.end - duration, latest)
        if lo > hi:
            continue
        candidates: list[datetime] = []
        day, last_day = lo.astimezone(tz).date(), hi.astimezone(tz).date()
        while day <= last_day:
            grid = _grid(day, step_minutes, tz)
            candidates += grid[bisect.bisect_left(grid, lo) : bisect.bisect_right(grid, hi)]
            day += ONE_DAY
        if not candidates:
            continue
        # Keep the candidates outside every ruled-out range, a slice at a time.
        kept = 0  # candidates before this index are decided
        j = bisect.bisect_right(clash_to, candidates[0])  # ranges ending earlier rule out none
        while j < len(blocks) and clash_from[j] < candidates[-1]:
            free_to = bisect.bisect_right(candidates, clash_from[j], kept)
            starts += candidates[kept:free_to]
            kept = max(kept, bisect.bisect_left(candidates, clash_to[j], free_to))
            j += 1
        starts += candidates[kept:]
    return starts


def merge_slots(per_therapist: dict[int, list[datetime]]) -> list[Slot]:
    """The union for "any therapist": one slot per start, with everyone free then."""
    # Aware datetimes that are the same instant are equal and hash alike, whatever
    # their zone: each start is moved to UTC once, not once per therapist.
    free: dict[datetime, set[int]] = defaultdict(set)
    for therapist_id, starts in per_therapist.items():
        for s in starts:
            free[s].add(therapist_id)
    return [Slot(s.astimezone(UTC), tuple(sorted(ids))) for s, ids in sorted(free.items())]


def slots_by_day(slots: list[Slot], tz: tzinfo | None = None) -> dict[date, list[Slot]]:
    """Slots grouped by their local date (the spa's zone by default), days and slots in order.

    Days without a free slot are left out.
    """
    tz = tz or spa_zone()
    days: dict[date, list[Slot]] = {}
    for slot in sorted(slots, key=lambda s: s.start):
        days.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return days


# --- loader (ORM) -------------------------------------------------------------------


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
    ).order_by(*Therapist._meta.ordering, "pk", "hours__weekday", "hours__start")
    therapists: dict[int, Therapist] = {}
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

    # Time off and appointment blocks in one query (UNION ALL), told apart by `off`.
    # No ORDER BY: _normalise sorts the intervals.
    time_off_rows = (
        TimeOff.objects.filter(therapist_id__in=ids, start__lt=range_end, end__gt=range_start)
        .annotate(off=Value(True))
        .order_by()
        .values_list("therapist_id", "start", "end", "off")
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
        appointments.annotate(off=Value(False))
        .order_by()
        .values_list("therapist_id", "block_start", "block_end", "off")
    )
    time_off: dict[int, list[Interval]] = defaultdict(list)
    busy: dict[int, list[Interval]] = defaultdict(list)
    for tid, start, end, off in time_off_rows.union(block_rows, all=True):
        (time_off if off else busy)[tid].append(Interval(start, end))

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
