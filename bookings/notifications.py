"""Emails to clients and staff, through a durable outbox and django.tasks.

The public functions write an OutgoingEmail row (in the caller's transaction)
and queue a task that carries only the row's id; a worker (`manage.py
run_worker`) sends it. A failed send is retried with backoff
(SPA_MAIL_RETRY_DELAYS), then marked undelivered, shown to staff in admin and
summarised to the staff mailbox. No request waits on the mail server.

Health information never leaves through this channel: nothing here reads
`appointment.health`, avoid points or areas, client notes or status reasons.
Not even `client_guidance` goes out: while the appointment awaits clearance,
the email says only to bring a note (NOTE_TO_BRING) and links to the booking
page, where the specifics are. Log lines carry ids and
kinds, never names or addresses.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import MIMEPart
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task, task_backends
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone

from bookings import ics, policy
from bookings.models import (
    Appointment,
    BookingRules,
    CallbackRequest,
    OutgoingEmail,
    SignInLink,
    Status,
)
from house.identity import identity, zone_words

logger = logging.getLogger("bookings.notifications")

KINDS = (
    "requested",
    "awaiting-clearance",
    "confirmed",
    "declined",
    "cancelled",
    "rescheduled",
    "reminder",
    "pre-visit",
)
# The kinds that carry the calendar file: the entry is added, moved or removed.
CALENDAR_KINDS = {"confirmed", "rescheduled", "cancelled"}
# What an email says about a clearance: only what to do. The specifics (which
# condition, which area to keep away from) follow from the answers, so they stay
# behind the private link, on the booking page.
NOTE_TO_BRING = (
    "Please bring a short note from your doctor or care team saying that massage is "
    "fine for you. The details are on your booking page."
)
# The kinds that may say what to bring (only while awaiting clearance).
GUIDANCE_KINDS = {"requested", "awaiting-clearance", "confirmed", "reminder"}
# The kinds that only make sense while the appointment still holds its slot. A
# queued task may run after a later cancellation; it then sends nothing.
HOLDING_KINDS = {
    "requested",
    "awaiting-clearance",
    "confirmed",
    "rescheduled",
    "reminder",
    "pre-visit",
}


# --- Enqueueing ---------------------------------------------------------------------

# Kinds that are not client emails about an appointment.
STAFF_ALERT = "staff-alert"
CALLBACK_ALERT = "callback-alert"
CALLBACK_RECEIVED = "callback-received"
UNDELIVERED_SUMMARY = "undelivered-summary"
SIGN_IN = "sign-in"
PRE_VISIT_ALERT = "pre-visit-alert"


def notify(appointment: Appointment, kind: str) -> None:
    """Email the client about `appointment`; `kind` is one of KINDS."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    _queue(kind, appointment=appointment)


def notify_staff(appointment: Appointment) -> None:
    """Alert the staff mailbox to a new request."""
    _queue(STAFF_ALERT, appointment=appointment)


def notify_callback(callback: CallbackRequest) -> None:
    """Alert the staff mailbox to a client who asked to be called back."""
    _queue(CALLBACK_ALERT, callback=callback)


def confirm_callback(callback: CallbackRequest) -> None:
    """Tell the client we will call them back: no word of why (that follows from the answers)."""
    _queue(CALLBACK_RECEIVED, callback=callback)


def queue_pre_visit(appointment: Appointment) -> None:
    """The link to the "today" questions, once per appointment and start time."""
    key = f"pre-visit:{appointment.pk}:{int(appointment.start.timestamp())}"
    _queue("pre-visit", appointment=appointment, dedupe_key=key)


def notify_pre_visit_change(appointment: Appointment) -> None:
    """Tell the staff mailbox a pre-visit check changed something: no word of what."""
    _queue(PRE_VISIT_ALERT, appointment=appointment)


def send_sign_in_link(link: SignInLink) -> None:
    """The "My bookings" link. Queued for known and unknown addresses alike (the
    request does the same work either way); a link with no client sends nothing."""
    _queue(SIGN_IN, sign_in_link=link)


def queue_reminder(appointment: Appointment) -> None:
    """The reminder for the appointment's current start and status; a second one is refused.

    The status is in the key: a booking still awaiting its health answers gets a
    reminder with the link to answer, and once answered, the visit's own reminder."""
    key = f"reminder:{appointment.pk}:{int(appointment.start.timestamp())}:{appointment.status}"
    _queue("reminder", appointment=appointment, dedupe_key=key)


def _queue(kind: str, *, appointment=None, callback=None, **fields) -> OutgoingEmail:
    email = OutgoingEmail.objects.create(
        kind=kind, appointment=appointment, callback=callback, **fields
    )
    if _queue_in_same_database():
        # The task row commits (or rolls back) with the email row and the booking.
        dispatch(email.pk)
    else:
        # A queue elsewhere (Redis) must not see the id before the row exists.
        transaction.on_commit(partial(dispatch, email.pk), robust=True)
    return email


def _queue_in_same_database() -> bool:
    backend = task_backends[deliver_email.backend]
    return not type(backend).__module__.startswith("django_tasks_rq")


def dispatch(email_id: int, now: datetime | None = None) -> bool:
    """Put a task for the email on the queue; if the queue is down, the sweep catches up."""
    OutgoingEmail.objects.filter(pk=email_id).update(enqueued_at=now or timezone.now())
    try:
        deliver_email.enqueue(email_id)
    except Exception as exc:
        OutgoingEmail.objects.filter(pk=email_id).update(enqueued_at=None)
        logger.error("Could not queue email #%s: %s", email_id, type(exc).__name__)
        return False
    return True


# --- Delivery -----------------------------------------------------------------------


@task
def deliver_email(email_id: int) -> None:
    """Send one queued email: its id is all the task carries."""
    deliver(email_id)


def deliver(email_id: int) -> str | None:
    """Claim, build and send the email; record what happened. Returns the new state."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=email_id, state=OutgoingEmail.State.PENDING).update(
        state=OutgoingEmail.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None  # sent, being sent, given up on, or gone: nothing to do
    email = OutgoingEmail.objects.select_related(
        "appointment__service",
        "appointment__therapist",
        "callback__service",
        "sign_in_link__client",
    ).get(pk=email_id)
    try:
        message = build_message(email)
        if message is not None:
            message.send()
    except Exception as exc:
        return _record_failure(email, exc)
    if message is None:
        _finish(email, OutgoingEmail.State.SKIPPED)
        logger.info(
            "Skipped %s email for appointment %s: no longer active",
            email.kind,
            email.appointment_id,
        )
        return OutgoingEmail.State.SKIPPED
    _finish(email, OutgoingEmail.State.SENT, sent_at=timezone.now())
    logger.info(*_sent_line(email))
    return OutgoingEmail.State.SENT


def _finish(email: OutgoingEmail, state: str, **fields) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=state, claimed_at=None, last_error="", **fields
    )


def _sent_line(email: OutgoingEmail) -> tuple:
    """The log line and its arguments: ids and kinds only."""
    if email.kind == STAFF_ALERT:
        return "Sent staff alert for appointment %s", email.appointment_id
    if email.kind == CALLBACK_ALERT:
        return "Sent call-back alert for callback %s", email.callback_id
    if email.kind == CALLBACK_RECEIVED:
        return "Sent call-back confirmation for callback %s", email.callback_id
    if email.kind == UNDELIVERED_SUMMARY:
        return "Sent undelivered-mail summary #%s", email.pk
    if email.kind == SIGN_IN:
        return "Sent sign-in link #%s", email.sign_in_link_id
    if email.kind == PRE_VISIT_ALERT:
        return "Sent pre-visit alert for appointment %s", email.appointment_id
    return "Sent %s email for appointment %s", email.kind, email.appointment_id


def _record_failure(email: OutgoingEmail, exc: Exception) -> str:
    reason = describe_error(exc)
    delays = settings.SPA_MAIL_RETRY_DELAYS
    still_mine = OutgoingEmail.objects.filter(pk=email.pk, state=OutgoingEmail.State.SENDING)
    if email.attempts <= len(delays):
        delay = delays[email.attempts - 1]
        still_mine.update(
            state=OutgoingEmail.State.PENDING,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            claimed_at=None,
            last_error=reason,
        )
        # One line, the error's class and code only: its text could hold an address.
        logger.warning(
            "Email #%s (%s) not sent, attempt %s: %s; next try in %s s",
            email.pk,
            email.kind,
            email.attempts,
            reason,
            delay,
        )
        return OutgoingEmail.State.PENDING
    still_mine.update(state=OutgoingEmail.State.FAILED, claimed_at=None, last_error=reason)
    logger.error(
        "Email #%s (%s) not delivered after %s attempts: %s",
        email.pk,
        email.kind,
        email.attempts,
        reason,
    )
    return OutgoingEmail.State.FAILED


def describe_error(exc: BaseException) -> str:
    """What went wrong, for staff: the kind of error and the server's code, never its text."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        return f"The mail server refused the address ({', '.join(map(str, codes))})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"The mail server answered with an error ({exc.smtp_code})"
    if isinstance(exc, ConnectionRefusedError):
        return "The mail server refused the connection"
    # smtplib reports a read that timed out as a disconnection caused by it.
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return "The mail server did not answer in time"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "The mail server closed the connection"
    if isinstance(exc, OSError):
        return f"The mail server could not be reached ({type(exc).__name__})"
    return f"Could not be sent ({type(exc).__name__})"


def _told_about[T](row: T | None, email: OutgoingEmail) -> T:
    # Queued with the row it tells about and deleted with it (CASCADE), so a missing
    # one is a bug: the send fails and staff see it, as for any other error.
    if row is None:
        raise ValueError(f"{email} has no row to tell about")
    return row


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives | None:
    """The message for the row, or None when it no longer makes sense to send it."""
    message: EmailMultiAlternatives | None
    if email.kind == STAFF_ALERT:
        message = _staff_alert(_told_about(email.appointment, email))
    elif email.kind == CALLBACK_ALERT:
        message = _callback_alert(_told_about(email.callback, email))
    elif email.kind == CALLBACK_RECEIVED:
        message = _callback_received(_told_about(email.callback, email))
    elif email.kind == UNDELIVERED_SUMMARY:
        message = _undelivered_summary(email)
    elif email.kind == SIGN_IN:
        message = _sign_in(email.sign_in_link)
    elif email.kind == PRE_VISIT_ALERT:
        message = _pre_visit_alert(_told_about(email.appointment, email))
    else:
        message = _appointment_email(_told_about(email.appointment, email), email.kind)
    if message is not None:
        # One Message-ID per row: should a message ever go twice (a worker killed
        # after the server took it), mail clients show it once.
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
        message.extra_headers["Message-ID"] = f"<outbox-{email.pk}.{email.created:%s}@{domain}>"
    return message


# --- Housekeeping (run by the worker every minute) -----------------------------------


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Release claims of killed workers, queue due retries, and report what failed.

    Safe to run from several workers at once: every step is a conditional
    update or a claim, and a second task for the same row does nothing.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.SPA_MAIL_CLAIM_TIMEOUT)
    released = OutgoingEmail.objects.filter(
        state=OutgoingEmail.State.SENDING, claimed_at__lt=stale
    ).update(state=OutgoingEmail.State.PENDING, next_attempt_at=now, claimed_at=None)
    if released:
        logger.warning("Released %s email(s) claimed by a worker that stopped", released)
    due = OutgoingEmail.objects.filter(
        state=OutgoingEmail.State.PENDING, next_attempt_at__lte=now
    ).filter(
        Q(enqueued_at__isnull=True)
        | Q(enqueued_at__lt=F("next_attempt_at"))
        # Queued long ago and still waiting: the task was lost with the queue.
        | Q(enqueued_at__lt=stale)
    )
    queued = sum(dispatch(pk, now) for pk in due.values_list("pk", flat=True))
    return {"released": released, "queued": queued, "reported": _report_failures(now)}


def _report_failures(now: datetime) -> int:
    """One summary to the staff mailbox for every message given up on since the last."""
    with transaction.atomic():
        ids = list(
            OutgoingEmail.objects.select_for_update()
            .undelivered()
            .filter(staff_alerted_at__isnull=True)
            .exclude(kind=UNDELIVERED_SUMMARY)
            .values_list("pk", flat=True)
        )
        if ids:
            OutgoingEmail.objects.filter(pk__in=ids).update(staff_alerted_at=now)
            # The summary lists the rows stamped with its own creation time.
            _queue(UNDELIVERED_SUMMARY, created=now, dedupe_key=f"summary:{now.isoformat()}")
    return len(ids)


def send_again(emails) -> int:
    """Staff's "send again": undelivered messages back in the queue with fresh retries."""
    now = timezone.now()
    ids = list(emails.undelivered().values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=ids, state=OutgoingEmail.State.FAILED).update(
        state=OutgoingEmail.State.PENDING, attempts=0, next_attempt_at=now, enqueued_at=None
    )
    for pk in ids:
        dispatch(pk, now)
    return len(ids)


# --- The messages -------------------------------------------------------------------


def _appointment_email(appointment: Appointment, kind: str) -> EmailMultiAlternatives | None:
    if kind in HOLDING_KINDS and not appointment.holds_slot:
        return None  # a later change overtook it (e.g. cancelled before it went out)
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
    return message


def _staff_alert(appointment: Appointment) -> EmailMultiAlternatives:
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
    confirmed = appointment.status == Status.CONFIRMED
    subject = (
        f"{prefix}{'New booking (confirmed)' if confirmed else 'New booking request'}: "
        f"{appointment.service.name}, "
        f"{local_when(appointment.start, zone=False)}"
    )
    return _staff_message(subject, render_to_string("emails/staff_alert.txt", context))


def _callback_alert(callback: CallbackRequest) -> EmailMultiAlternatives:
    context = {
        "spa": identity(),
        "callback": callback,
        "preferred": local_when(callback.preferred_start) if callback.preferred_start else "",
        "admin_url": _admin_url("admin:bookings_callbackrequest_change", callback.pk),
    }
    # The subject shows on lock screens: no client name in it.
    subject = f"Call back request: {callback.service.name if callback.service else 'a client'}"
    return _staff_message(subject, render_to_string("emails/callback_alert.txt", context))


def _callback_received(callback: CallbackRequest) -> EmailMultiAlternatives:
    return EmailMultiAlternatives(
        subject=f"We will call you back · {settings.SPA_NAME}",
        body=render_to_string(
            "emails/callback_received.txt",
            {
                "spa": identity(),
                "callback": callback,
                "page_url": settings.SPA_SITE_URL + callback.get_absolute_url()
                if callback.token
                else "",
            },
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[callback.email],
        reply_to=[settings.SPA_EMAIL],
        headers={"Auto-Submitted": "auto-generated"},
    )


def _pre_visit_alert(appointment: Appointment) -> EmailMultiAlternatives:
    context = {
        "spa": identity(),
        "appointment": appointment,
        "when": local_when(appointment.start),
        "calendar_url": _admin_url("staff:appointment", appointment.pk),
    }
    subject = (
        f"[Pre-visit check] Please look before the visit: {appointment.service.name}, "
        f"{local_when(appointment.start, zone=False)}"
    )
    return _staff_message(subject, render_to_string("emails/pre_visit_alert.txt", context))


def _sign_in(link: SignInLink | None) -> EmailMultiAlternatives | None:
    from bookings import sign_in

    if link is None or link.client is None or link.used_at is not None:
        return None  # an address we do not know, or a link already used: nothing to send
    url = settings.SPA_SITE_URL + reverse("bookings:sign_in", args=[sign_in.token_for(link)])
    context = {
        "spa": identity(),
        "url": url,
        "minutes": settings.SPA_SIGN_IN_LINK_MINUTES,
        "my_bookings_url": settings.SPA_SITE_URL + reverse("bookings:my_bookings"),
    }
    message = EmailMultiAlternatives(
        subject=f"Your link to your bookings · {settings.SPA_NAME}",
        body=render_to_string("emails/sign_in.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[link.client.email],
        reply_to=[settings.SPA_EMAIL],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("emails/sign_in.html", context), "text/html")
    return message


def _undelivered_summary(summary: OutgoingEmail) -> EmailMultiAlternatives:
    failed = (
        OutgoingEmail.objects.filter(staff_alerted_at=summary.created)
        .exclude(pk=summary.pk)
        .order_by("pk")
    )
    context = {
        "spa": identity(),
        "emails": [
            {
                "kind": e.kind,
                "reason": e.last_error,
                "attempts": e.attempts,
                "admin_url": _admin_url("admin:bookings_outgoingemail_change", e.pk),
            }
            for e in failed
        ],
        "list_url": _admin_url("admin:bookings_outgoingemail_changelist", None)
        + "?state__exact=failed",
    }
    count = len(context["emails"])
    subject = f"{count} email{pluralize(count)} could not be delivered"
    return _staff_message(subject, render_to_string("emails/undelivered_summary.txt", context))


# --- Building blocks ----------------------------------------------------------------


def local_when(value, *, zone: bool = True) -> str:
    """'Tuesday 8 December 2026 at 10:00 AM (Central Time)', in the spa's zone."""
    local = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
    text = dateformat.format(local, r"l j F Y \a\t g:i A")
    return f"{text} ({zone_words(settings.TIME_ZONE)[0]})" if zone else text


def email_context(appointment: Appointment, kind: str) -> dict:
    manage_url = settings.SPA_SITE_URL + appointment.get_absolute_url()
    rules = BookingRules.current()
    change = policy.for_appointment(appointment, rules=rules)
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
        "change": change,
        "cutoff_text": policy.email_sentence(change, settings.SPA_PHONE),
        # After a cancellation: the same session again, with the details kept.
        "book_again_url": manage_url + "again/",
        "another_time_url": manage_url + "again/?then=time",
        "my_bookings_url": settings.SPA_SITE_URL + reverse("bookings:my_bookings"),
        "awaiting_clearance": awaiting,
        "guidance": NOTE_TO_BRING if awaiting and kind in GUIDANCE_KINDS else "",
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


def _admin_url(name: str, pk: int | None) -> str:
    try:
        path = reverse(name, args=[pk] if pk is not None else [])
    except NoReverseMatch:
        # The model is not (yet) registered in admin: the index is the next best link.
        path = reverse("admin:index")
    return settings.SPA_SITE_URL + path


def _staff_message(subject: str, body: str) -> EmailMultiAlternatives:
    return EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.SPA_STAFF_EMAIL],
        headers={"Auto-Submitted": "auto-generated"},
    )
