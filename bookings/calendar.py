"""The staff calendar's layout: columns (a therapist on a day) on a time grid.

`layout()` is plain computation over values the loader hands it; `load()`
reads everything a calendar page needs in a fixed number of queries, however
many appointments are stored (the day's rows only, by indexed range).

Positions are minutes from the grid's top, on the spa's wall clock. The
template places each item on a CSS grid of ROW_MINUTES rows, through a
nonce'd style block (the CSP allows no inline style attributes).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, OuterRef
from django.utils import timezone

from bookings import access
from bookings.availability import _instant
from bookings.free_times import spa_zone
from bookings.models import (
    HOLDING,
    Appointment,
    BookingRules,
    OutgoingEmail,
    PreVisitChange,
    Status,
    Therapist,
    TimeOff,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ROW_MINUTES = 5
DAY_MINUTES = 24 * 60
# Shown unless asked for: they hold no time.
HIDDEN_BY_DEFAULT = {Status.CANCELLED, Status.DECLINED}


@dataclass
class Item:
    column: int  # 0-based
    top: int  # minutes from the grid's top
    bottom: int
    kind: str  # closed, off, free, buffer, appointment
    label: str = ""
    appointment: Appointment | None = None
    start: datetime | None = None  # a free cell's start
    icons: list[tuple[str, str]] = field(default_factory=list)  # (symbol, meaning)
    therapist_id: int | None = None  # a free cell's therapist, for drag-to-move
    id: str = ""

    @property
    def first_row(self) -> int:  # CSS grid line: row 1 holds the column headings
        return 2 + self.top // ROW_MINUTES

    @property
    def last_row(self) -> int:
        return 2 + max(self.bottom, self.top + ROW_MINUTES) // ROW_MINUTES


@dataclass
class Column:
    therapist: Therapist
    day: date
    label: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Grid:
    columns: list[Column]
    first_minute: int
    last_minute: int
    step: int
    hours: list[tuple[int, str]]  # (first row, "09:00")

    @property
    def rows(self) -> int:
        return (self.last_minute - self.first_minute) // ROW_MINUTES

    @property
    def items(self) -> list[Item]:
        return [item for column in self.columns for item in column.items]


class _Flags(TypedDict):
    # What load() annotates on each appointment for the icons.
    has_avoid_points: bool
    email_not_delivered: bool


@dataclass
class Loaded:
    appointments: dict[tuple[int, date], list[WithAnnotations[Appointment, _Flags]]]
    time_off: dict[int, list[TimeOff]]
    rules: BookingRules


def minute_of(value: datetime, day: date) -> int:
    """Minutes from local midnight of `day` on the spa's wall clock, clipped to the day."""
    local = timezone.localtime(value, spa_zone())
    minutes = (local.date() - day).days * DAY_MINUTES + local.hour * 60 + local.minute
    return max(0, min(DAY_MINUTES, minutes))


def load(columns: list[tuple[Therapist, date]], *, show_cancelled: bool = False) -> Loaded:
    """Appointments and time off for the columns' therapists and days: two queries.

    The therapists come with their hours prefetched (the caller's query).
    """
    tz = spa_zone()
    ids = sorted({t.pk for t, _ in columns})
    days = sorted({d for _, d in columns})
    begins = _instant(days[0], time(), tz)
    ends = _instant(days[-1] + timedelta(days=1), time(), tz)
    appointments = (
        Appointment.objects.filter(therapist_id__in=ids, start__lt=ends, end__gt=begins)
        # Implied by end > begins (a check constraint keeps block_end >= end), and it
        # lets the (therapist, block_end) index skip the years behind: the day costs the
        # same with a short or a long history.
        .filter(block_end__gt=begins)
        .select_related("service")
        .annotate(
            has_avoid_points=Exists(
                Appointment.avoid_points.through.objects.filter(appointment_id=OuterRef("pk"))
            ),
            # An email given up on after its last retry (the outbox): staff must act.
            email_not_delivered=Exists(
                OutgoingEmail.objects.undelivered().filter(appointment_id=OuterRef("pk"))
            ),
        )
        .order_by("start")
    )
    if not show_cancelled:
        appointments = appointments.exclude(status__in=HIDDEN_BY_DEFAULT)
    by_column: dict[tuple[int, date], list[WithAnnotations[Appointment, _Flags]]]
    by_column = defaultdict(list)
    for appointment in appointments:
        by_column[
            (appointment.therapist_id, timezone.localtime(appointment.start, tz).date())
        ].append(appointment)
    time_off: dict[int, list[TimeOff]] = defaultdict(list)
    for off in TimeOff.objects.filter(therapist_id__in=ids, start__lt=ends, end__gt=begins):
        time_off[off.therapist_id].append(off)
    return Loaded(by_column, time_off, BookingRules.current())


def _windows(therapist: Therapist, day: date) -> list[tuple[int, int]]:
    return sorted(
        (h.start.hour * 60 + h.start.minute, h.end.hour * 60 + h.end.minute)
        for h in therapist.hours.all()
        if h.weekday == day.weekday()
    )


def _icons(
    appointment: WithAnnotations[Appointment, _Flags], *, reads_health: bool
) -> list[tuple[str, str]]:
    icons = []
    if appointment.flagged and appointment.status in HOLDING:
        icons.append(("⚑", "Needs review"))
    if appointment.status == Status.AWAITING_CLEARANCE:
        icons.append(("✉", "Awaiting clearance"))
    if getattr(appointment, "email_not_delivered", False):
        icons.append(("⚠", "Email not delivered"))
    # The pre-visit check: a change is flagged; done or not is shown while it can matter.
    if appointment.pre_visit_change in (PreVisitChange.MOVE, PreVisitChange.REVIEW):
        icons.append(("!", f"Pre-visit check: {appointment.get_pre_visit_change_display()}"))
    elif appointment.pre_visit_answered_at and appointment.status in HOLDING:
        icons.append(("✓", "Pre-visit check done"))
    elif appointment.pre_visit_sent_at and appointment.status in HOLDING:
        icons.append(("?", "Pre-visit check not answered yet"))
    # Derived from the answers: only for those who may read them.
    if reads_health and appointment.has_avoid_points:
        icons.append(("⊘", "Has points to avoid"))
    return icons


def layout(columns: list[Column], loaded: Loaded, *, user, now: datetime | None = None) -> Grid:
    """Place closed hours, time off, free cells, buffers and appointments on the grid."""
    now = now or timezone.now()
    tz = spa_zone()
    step = loaded.rules.slot_step_minutes
    spans = []
    for column in columns:
        spans += _windows(column.therapist, column.day)
        for a in loaded.appointments.get((column.therapist.pk, column.day), []):
            spans.append((minute_of(a.block_start, column.day), minute_of(a.block_end, column.day)))
    first = min((s for s, _ in spans), default=9 * 60) // 60 * 60
    last = -(-max((e for _, e in spans), default=18 * 60) // 60) * 60
    first, last = min(first, 9 * 60), max(last, first + 60)
    for index, column in enumerate(columns):
        column.items = _column_items(index, column, loaded, first, last, step, user, now, tz)
    hours = [(2 + (m - first) // ROW_MINUTES, f"{m // 60:02d}:00") for m in range(first, last, 60)]
    grid = Grid(columns, first, last, step, hours)
    for n, item in enumerate(grid.items):
        item.id = f"ci-{n}"
    return grid


def _column_items(index, column, loaded, first, last, step, user, now, tz) -> list[Item]:
    day = column.day
    items: list[Item] = []
    open_spans = [(max(s, first), min(e, last)) for s, e in _windows(column.therapist, day)]
    # Closed: the grid outside the therapist's hours.
    cursor = first
    for s, e in open_spans:
        if s > cursor:
            items.append(Item(index, cursor - first, s - first, "closed", "Closed"))
        cursor = max(cursor, e)
    if cursor < last:
        items.append(Item(index, cursor - first, last - first, "closed", "Closed"))
    offs = []
    for off in loaded.time_off.get(column.therapist.pk, []):
        s, e = max(minute_of(off.start, day), first), min(minute_of(off.end, day), last)
        if e > s:
            offs.append((s, e))
            items.append(Item(index, s - first, e - first, "off", off.reason or "Time off"))
    appointments = loaded.appointments.get((column.therapist.pk, day), [])
    busy = [
        (minute_of(a.block_start, day), minute_of(a.block_end, day))
        for a in appointments
        if a.status in HOLDING
    ]
    # Free cells: on the grid, in working hours, clear of time off and held blocks.
    for s, e in open_spans:
        m = -(-s // step) * step
        while m + step <= e:
            clash = any(bs < m + step and be > m for bs, be in busy + offs)
            start = _instant(day, time(m // 60, m % 60), tz)
            if not clash and start >= now:
                # A free cell's label is its therapist's slug, for the "book here" link.
                items.append(
                    Item(
                        index,
                        m - first,
                        m + step - first,
                        "free",
                        column.therapist.slug,
                        start=start,
                        therapist_id=column.therapist.pk,
                    )
                )
            m += step
    for a in appointments:
        reads = access.can_read_health(user, a)
        top, bottom = minute_of(a.start, day), minute_of(a.end, day)
        block_top, block_bottom = minute_of(a.block_start, day), minute_of(a.block_end, day)
        if block_top < top:
            items.append(Item(index, block_top - first, top - first, "buffer", "Preparation"))
        if block_bottom > bottom:
            items.append(Item(index, bottom - first, block_bottom - first, "buffer", "Reset"))
        items.append(
            Item(
                index,
                top - first,
                bottom - first,
                "appointment",
                a.client_name,
                appointment=a,
                icons=_icons(a, reads_health=reads),
            )
        )
    return items
