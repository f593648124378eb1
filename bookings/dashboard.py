"""The staff home's figures: today, what waits for someone, and this week's hours."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from bookings.availability import Interval, _instant, subtract, weekly_windows
from bookings.free_times import spa_zone
from bookings.models import (
    HOLDING,
    Appointment,
    CallbackRequest,
    OutgoingEmail,
    Status,
    Therapist,
    TimeOff,
)

BOOKED = [*HOLDING, Status.COMPLETED]


@dataclass
class Hours:
    therapist: Therapist
    booked: float
    available: float

    @property
    def percent(self) -> int:
        return round(100 * self.booked / self.available) if self.available else 0


def _hours(value: timedelta) -> float:
    return round(value.total_seconds() / 3600, 1)


def week_hours(monday: date) -> list[Hours]:
    """Each active therapist's booked hours this week against their working hours."""
    tz = spa_zone()
    begins, ends = _instant(monday, time(), tz), _instant(monday + timedelta(days=7), time(), tz)
    therapists = list(Therapist.objects.active().prefetch_related("hours"))
    off = defaultdict(list)
    for tid, start, end in TimeOff.objects.filter(start__lt=ends, end__gt=begins).values_list(
        "therapist_id", "start", "end"
    ):
        off[tid].append(Interval(start, end))
    booked: defaultdict[int, timedelta] = defaultdict(timedelta)
    for tid, start, end in Appointment.objects.filter(
        status__in=BOOKED, start__gte=begins, start__lt=ends
    ).values_list("therapist_id", "start", "end"):
        booked[tid] += end - start
    rows = []
    for t in therapists:
        shifts = [(h.weekday, h.start, h.end) for h in t.hours.all()]
        windows = subtract(
            weekly_windows(shifts, monday, monday + timedelta(days=6), tz), off[t.pk]
        )
        available = sum((w.end - w.start for w in windows), timedelta())
        rows.append(Hours(t, _hours(booked[t.pk]), _hours(available)))
    return rows


def figures(now=None) -> dict:
    now = now or timezone.now()
    tz = spa_zone()
    today = timezone.localdate(now, tz)
    begins, ends = _instant(today, time(), tz), _instant(today + timedelta(days=1), time(), tz)
    todays = Appointment.objects.filter(start__gte=begins, start__lt=ends).aggregate(
        booked=Count("pk", filter=Q(status__in=BOOKED)),
        arrived=Count("pk", filter=Q(status=Status.ARRIVED)),
        done=Count("pk", filter=Q(status=Status.COMPLETED)),
        no_show=Count("pk", filter=Q(status=Status.NO_SHOW)),
    )
    waiting = Appointment.objects.filter(
        status__in=[Status.REQUESTED, Status.AWAITING_CLEARANCE], start__gte=now
    ).aggregate(
        review=Count("pk", filter=Q(flagged=True)),
        requests=Count("pk"),
        clearance=Count("pk", filter=Q(status=Status.AWAITING_CLEARANCE)),
    )
    return {
        "today": today,
        "todays": todays,
        "waiting": waiting,
        "callbacks": CallbackRequest.objects.filter(handled=False).count(),
        "undelivered": OutgoingEmail.objects.undelivered().count(),
        "week": week_hours(today - timedelta(days=today.weekday())),
    }
