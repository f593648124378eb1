"""The cancellation policy as the client reads it: the exact last time to change online.

The moment itself is computed in one place, BookingRules.last_change_at (the
cut-off before the session, or the grace period after booking when that ends
later). This module only words it, in the spa's zone, for every page, email
and calendar file, so they all state the same time, and the POSTs that cancel
or move (Appointment.can_client_change) enforce that very moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import dateformat, timezone

from bookings.models import Appointment, BookingRules
from house.identity import zone_words


def spa_time(moment: datetime) -> datetime:
    # The spa's zone from settings, never the zone activated for a request.
    return timezone.localtime(moment, timezone.get_default_timezone())


def deadline_text(moment: datetime) -> str:
    """'3:10 PM Central Time on Wednesday 2 December 2026': no comma, so a calendar
    file carries it unescaped, and the zone named as every page names it."""
    local = spa_time(moment)
    zone = zone_words(settings.TIME_ZONE)[0]
    return f"{dateformat.format(local, 'g:i A')} {zone} on " + dateformat.format(local, "l j F Y")


def day_word(moment: datetime, now: datetime | None = None) -> str:
    """'today' or 'tomorrow' (in the spa's zone) for a page read now; '' otherwise."""
    days = (spa_time(moment).date() - spa_time(now or timezone.now()).date()).days
    return {0: "today", 1: "tomorrow"}.get(days, "")


@dataclass(frozen=True)
class ChangePolicy:
    """What a client may still do online with a booking, and until when."""

    last_change: datetime
    text: str  # deadline_text(last_change)
    day: str  # "today", "tomorrow" or ""
    open: bool  # the client may still change it online now
    by_grace: bool  # only the grace period after booking allows it (inside the cut-off)
    grace_minutes: int
    cutoff_hours: int


def _policy(
    rules: BookingRules, start: datetime, booked: datetime, now: datetime, holds: bool
) -> ChangePolicy:
    last = rules.last_change_at(start, booked)
    return ChangePolicy(
        last_change=last,
        text=deadline_text(last),
        day=day_word(last, now),
        open=holds and now < last,
        by_grace=last > start - rules.cancellation_cutoff,
        grace_minutes=rules.grace_minutes,
        cutoff_hours=rules.cancellation_cutoff_hours,
    )


def for_appointment(
    appointment: Appointment, *, now: datetime | None = None, rules: BookingRules | None = None
) -> ChangePolicy:
    rules = rules or BookingRules.current()
    now = now or timezone.now()
    return _policy(
        rules, appointment.start, appointment.created or now, now, appointment.holds_slot
    )


def if_booked_now(
    start: datetime, *, now: datetime | None = None, rules: BookingRules | None = None
) -> ChangePolicy:
    """The policy a booking for `start` would get if it were sent now (the review step)."""
    rules = rules or BookingRules.current()
    now = now or timezone.now()
    return _policy(rules, start, now, now, True)


def email_sentence(policy: ChangePolicy, phone: str) -> str:
    """The policy line of every email about a booking that holds its time."""
    if not policy.open:
        return (
            "This booking can no longer be changed online. To cancel or move it, "
            f"please call us on {phone}."
        )
    return (
        f"You can cancel or move this booking online until {policy.text}. "
        f"After that, please call us on {phone}."
    )
