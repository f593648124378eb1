"""Free start times: pure computation over plain values (bookings/slots.py feeds it from the ORM).

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


def slots_by_day(slots: list[Slot], tz: tzinfo) -> dict[date, list[Slot]]:
    """Slots grouped by their local date in zone `tz`, days and slots in order.

    Days without a free slot are left out.
    """
    days: dict[date, list[Slot]] = {}
    for slot in sorted(slots, key=lambda s: s.start):
        days.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return days
