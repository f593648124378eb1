"""Emails to clients and staff, sent through django.tasks.

The public functions take model instances and enqueue a task with ids only,
so a worker backend can take mail off the request path without code changes.

Health information never leaves through this channel: nothing here reads
`appointment.health`, avoid points or areas, client notes or status reasons.
The only screening text a client sees is `client_guidance` (what to bring),
and only while the appointment awaits clearance. Log lines carry ids and
kinds, never names or addresses.
"""

from __future__ import annotations

import logging
from email.message import MIMEPart
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import TaskResultStatus, task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone

from bookings import ics
from bookings.models import Appointment, BookingRules, CallbackRequest, Status
from spa.context_processors import identity

logger = logging.getLogger("bookings.notifications")

KINDS = (
    "requested",
    "awaiting-clearance",
    "confirmed",
    "declined",
    "cancelled",
    "rescheduled",
    "reminder",
)
# The kinds that carry the calendar file: the entry is added, moved or removed.
CALENDAR_KINDS = {"confirmed", "rescheduled", "cancelled"}
# The kinds that may repeat what to bring (only while awaiting clearance).
GUIDANCE_KINDS = {"requested", "awaiting-clearance", "confirmed", "reminder"}
# The kinds that only make sense while the appointment still holds its slot. A
# queued task may run after a later cancellation; it then sends nothing.
HOLDING_KINDS = {"requested", "awaiting-clearance", "confirmed", "rescheduled", "reminder"}


# --- Enqueueing ---------------------------------------------------------------------


def notify(appointment: Appointment, kind: str) -> None:
    """Email the client about `appointment`; `kind` is one of KINDS."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    _enqueue(send_appointment_email, appointment.pk, kind)


def notify_staff(appointment: Appointment) -> None:
    """Alert the staff mailbox to a new request."""
    _enqueue(send_staff_alert, appointment.pk)


def notify_callback(callback: CallbackRequest) -> None:
    """Alert the staff mailbox to a client who asked to be called back."""
    _enqueue(send_callback_alert, callback.pk)


def _enqueue(email_task, *args) -> None:
    result = email_task.enqueue(*args)
    # The immediate backend records a failure instead of raising it; say so,
    # with the exception's class only (its message could hold anything).
    if result.status == TaskResultStatus.FAILED:
        error = result.errors[-1].exception_class_path if result.errors else "unknown"
        logger.error("Email task %s%r failed: %s", email_task.name, args, error)


# --- Tasks --------------------------------------------------------------------------


@task
def send_appointment_email(appointment_id: int, kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    appointment = Appointment.objects.select_related("service", "therapist").get(pk=appointment_id)
    if kind in HOLDING_KINDS and not appointment.holds_slot:
        logger.info("Skipped %s email for appointment %s: no longer active", kind, appointment_id)
        return
    context = email_context(appointment, kind)
    message = EmailMultiAlternatives(
        subject=_subject(f"emails/{kind}_subject.txt", context),
        body=render_to_string(f"emails/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.client_email],
        reply_to=[settings.SPA_EMAIL],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"emails/{kind}.html", context), "text/html")
    if kind in CALENDAR_KINDS:
        message.attach(calendar_attachment(appointment))
    message.send()
    logger.info("Sent %s email for appointment %s", kind, appointment_id)


@task
def send_staff_alert(appointment_id: int) -> None:
    appointment = Appointment.objects.select_related("service", "therapist").get(pk=appointment_id)
    context = {
        "spa": identity(),
        "appointment": appointment,
        "when": local_when(appointment.start),
        "awaiting_clearance": appointment.status == Status.AWAITING_CLEARANCE,
        "admin_url": _admin_url("admin:bookings_appointment_change", appointment.pk),
    }
    tags = []
    if appointment.flagged:
        tags.append("FLAGGED: therapist review")
    if appointment.status == Status.AWAITING_CLEARANCE:
        tags.append("awaiting clearance")
    prefix = f"[{', '.join(tags)}] " if tags else ""
    subject = (
        f"{prefix}New booking request: {appointment.service.name}, "
        f"{local_when(appointment.start, zone=False)}"
    )
    _send_staff(subject, render_to_string("emails/staff_alert.txt", context))
    logger.info("Sent staff alert for appointment %s", appointment_id)


@task
def send_callback_alert(callback_id: int) -> None:
    callback = CallbackRequest.objects.select_related("service", "therapist").get(pk=callback_id)
    context = {
        "spa": identity(),
        "callback": callback,
        "preferred": local_when(callback.preferred_start) if callback.preferred_start else "",
        "admin_url": _admin_url("admin:bookings_callbackrequest_change", callback.pk),
    }
    # The subject shows on lock screens: no client name in it.
    subject = f"Call back request: {callback.service.name if callback.service else 'a client'}"
    _send_staff(subject, render_to_string("emails/callback_alert.txt", context))
    logger.info("Sent call-back alert for callback %s", callback_id)


# --- Building blocks ----------------------------------------------------------------


def local_when(value, *, zone: bool = True) -> str:
    """'Tuesday 8 December 2026 at 10:00 AM (America/Chicago)', in the spa's zone."""
    local = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
    text = dateformat.format(local, r"l j F Y \a\t g:i A")
    return f"{text} ({settings.TIME_ZONE})" if zone else text


def email_context(appointment: Appointment, kind: str) -> dict:
    manage_url = settings.SPA_SITE_URL + appointment.get_absolute_url()
    cutoff = BookingRules.current().cancellation_cutoff_hours
    awaiting = appointment.status == Status.AWAITING_CLEARANCE
    return {
        "spa": identity(),
        "kind": kind,
        "appointment": appointment,
        "service": appointment.service,
        "therapist": appointment.therapist,
        "when": local_when(appointment.start),
        "when_short": local_when(appointment.start, zone=False),
        "manage_url": manage_url,
        "ics_url": manage_url + "calendar.ics",
        "cutoff_hours": cutoff,
        "cutoff_text": (
            f"You can cancel or move this booking online until {cutoff} hours before it "
            f"starts. After that, please call us on {settings.SPA_PHONE}."
        ),
        "awaiting_clearance": awaiting,
        "guidance": appointment.client_guidance if awaiting and kind in GUIDANCE_KINDS else "",
        "cancelled_by_client": appointment.cancelled_by == Appointment.CancelledBy.CLIENT,
        "aftercare": aftercare_links(appointment) if kind in AFTERCARE_KINDS else [],
    }


# Emails that suggest routines for after the session: links only, never the answers
# (the private page behind each link leaves out the points the answers rule out).
AFTERCARE_KINDS = {"requested", "awaiting-clearance", "confirmed", "reminder"}


def aftercare_links(appointment: Appointment) -> list[tuple[str, str]]:
    from bookings.aftercare import suggestions_for

    return [
        (
            s.routine.title,
            settings.SPA_SITE_URL
            + reverse("bookings:aftercare", args=[appointment.token, s.routine.slug]),
        )
        for s in suggestions_for(appointment)
    ]


def calendar_attachment(appointment: Appointment) -> MIMEPart:
    # A MIMEPart, so the content type can carry the METHOD parameter calendar
    # clients look for.
    part = MIMEPart()
    part.set_content(
        ics.calendar_for(appointment),
        subtype="calendar",
        params={"method": ics.method_for(appointment)},
        disposition="attachment",
        filename="appointment.ics",
    )
    return part


def _subject(template: str, context: dict) -> str:
    return " ".join(render_to_string(template, context).split())


def _admin_url(name: str, pk: int) -> str:
    try:
        path = reverse(name, args=[pk])
    except NoReverseMatch:
        # The model is not (yet) registered in admin: the index is the next best link.
        path = reverse("admin:index")
    return settings.SPA_SITE_URL + path


def _send_staff(subject: str, body: str) -> None:
    EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.SPA_STAFF_EMAIL],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()
