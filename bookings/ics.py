"""An appointment as an iCalendar file (RFC 5545), for the email attachment and the download.

The UID is derived from the private token by a one-way hash, so it stays the
same for the life of the appointment (a reschedule moves the calendar entry
instead of adding a second one) without revealing the link. SEQUENCE rises on
every change (Appointment.sequence). Health information never goes in: no
avoid points, no areas, no guidance, no notes.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.http import urlencode

from bookings import policy
from bookings.models import Appointment, Status

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
REMINDER_BEFORE = timedelta(hours=2)

# Statuses whose calendar entry should disappear from the client's calendar.
_GONE = {Status.CANCELLED, Status.DECLINED}
_TENTATIVE = {Status.REQUESTED, Status.AWAITING_ANSWERS, Status.AWAITING_CLEARANCE}


def uid_for(appointment: Appointment) -> str:
    digest = hashlib.sha256(appointment.token.encode()).hexdigest()[:24]
    host = urlsplit(settings.SPA_SITE_URL).hostname or "localhost"
    return f"appointment-{digest}@{host}"


def method_for(appointment: Appointment) -> str:
    return "CANCEL" if appointment.status in _GONE else "PUBLISH"


def calendar_for(appointment: Appointment, *, now: datetime | None = None) -> str:
    """The VCALENDAR text, CRLF line endings, lines folded at 75 octets."""
    now = now or timezone.now()
    summary = f"{appointment.service.name} at {settings.SPA_NAME}"
    link = settings.SPA_SITE_URL + appointment.get_absolute_url()
    description = f"{appointment.service.name} with {appointment.therapist.display_name}.\n"
    change = policy.for_appointment(appointment, now=now)
    if change.open:
        description += (
            f"Cancel or move online until {change.text} on your booking page: {link}\n"
            f"After that, call {settings.SPA_NAME} on {settings.SPA_PHONE}."
        )
    else:
        description += (
            f"To change or cancel, call {settings.SPA_NAME} on {settings.SPA_PHONE}. "
            f"Your booking page: {link}"
        )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape(settings.SPA_NAME)}//Bookings//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method_for(appointment)}",
        "BEGIN:VEVENT",
        f"UID:{uid_for(appointment)}",
        f"DTSTAMP:{utc(now)}",
        f"DTSTART:{utc(appointment.start)}",
        f"DTEND:{utc(appointment.end)}",
        f"SEQUENCE:{appointment.sequence}",
        f"STATUS:{_status(appointment)}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(f'{settings.SPA_NAME}, {settings.SPA_ADDRESS}')}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{link}",
        f"ORGANIZER;CN={_param(settings.SPA_NAME)}:mailto:{settings.SPA_EMAIL}",
        "TRANSP:OPAQUE",
    ]
    if appointment.holds_slot:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape(summary)}",
            f"TRIGGER:-PT{int(REMINDER_BEFORE.total_seconds() // 3600)}H",
            "END:VALARM",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)


def _status(appointment: Appointment) -> str:
    if appointment.status in _GONE:
        return "CANCELLED"
    if appointment.status in _TENTATIVE:
        return "TENTATIVE"
    return "CONFIRMED"


def utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# RFC 5545 TEXT allows no control character but HTAB; line breaks are escaped below.
_CONTROL = dict.fromkeys(c for c in [*range(0x20), 0x7F] if chr(c) not in "\t\r\n")


def escape(text: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11), dropping control characters."""
    return (
        text.translate(_CONTROL)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _param(text: str) -> str:
    # Parameter values cannot be escaped: quote them, and drop the characters
    # a quoted value may not hold.
    cleaned = "".join(ch for ch in text if ch not in '"\r\n')
    return f'"{cleaned}"'


def fold(line: str) -> str:
    """Fold at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode())
        if size + width > MAX_LINE_OCTETS:
            out.append(current)
            # Continuation lines start with a space, which counts towards the 75.
            current, size = " ", 1
        current += ch
        size += width
    out.append(current)
    return CRLF.join(out)


def web_calendar_links(appointment: Appointment) -> dict[str, str]:
    """ "Add to Google Calendar" and "Add to Outlook" links (Apple's is the .ics file).

    The text goes to Google or Microsoft in the address, so it says only what a
    calendar needs: never the private booking link, never anything from the answers.
    """
    title = f"{appointment.service.name} at {settings.SPA_NAME}"
    details = (
        f"With {appointment.therapist.display_name}. Please arrive 10 minutes early. "
        f"To change or cancel, use the link in your email or call {settings.SPA_PHONE}."
    )
    where = f"{settings.SPA_NAME}, {settings.SPA_ADDRESS}"
    google = urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{utc(appointment.start)}/{utc(appointment.end)}",
            "details": details,
            "location": where,
        }
    )
    iso = "%Y-%m-%dT%H:%M:%SZ"
    outlook = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
            "startdt": appointment.start.astimezone(UTC).strftime(iso),
            "enddt": appointment.end.astimezone(UTC).strftime(iso),
            "body": details,
            "location": where,
        }
    )
    return {
        "google": f"https://calendar.google.com/calendar/render?{google}",
        "outlook": f"https://outlook.live.com/calendar/0/deeplink/compose?{outlook}",
    }


def directions_url(address: str) -> str:
    """A map search for the spa's address (Google Maps' documented URL form)."""
    return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": address})
