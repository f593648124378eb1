"""A client's rights over their data (GDPR Art. 15 and 17): export it, or erase it.

A client is known by their email address (compared without regard to case):
every appointment and call-back request made with it is theirs. Staff start
both from the appointment list in admin (see bookings/admin.py).

Erasure anonymises rather than deletes: the appointments and their status
history stay, because the diary, the therapists' hours and the accounts need
them, but nothing in them points to the person any more. Health answers and
the instructions derived from them are deleted outright.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from bookings import access
from bookings.models import (
    Appointment,
    AppointmentEvent,
    CallbackRequest,
    CallNote,
    Client,
    HealthAccess,
    HealthAnswers,
    new_token,
)

ERASED_NAME = "Erased client"


def normalised(emails: Iterable[str]) -> set[str]:
    return {email.strip().lower() for email in emails if email and email.strip()}


def appointments_of(emails: Iterable[str]) -> QuerySet[Appointment]:
    return (
        Appointment.objects.annotate(email_lower=Lower("client_email"))
        .filter(email_lower__in=normalised(emails))
        .select_related("service", "therapist")
        .order_by("start", "pk")
    )


def callbacks_of(emails: Iterable[str]) -> QuerySet[CallbackRequest]:
    return (
        CallbackRequest.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=normalised(emails))
        .select_related("service", "therapist")
        .order_by("created", "pk")
    )


def emails_of(clients: Iterable[Client]) -> set[str]:
    """Every address the client records were booked under: their own, and those of the
    records merged into them (a person who booked with two addresses)."""
    ids = [c.pk for c in clients]
    emails = {c.email for c in clients}
    emails |= set(Appointment.objects.filter(client__in=ids).values_list("client_email", flat=True))
    emails |= set(CallbackRequest.objects.filter(client__in=ids).values_list("email", flat=True))
    return normalised(emails)


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _health(health: HealthAnswers | None) -> dict | None:
    if health is None:
        return None
    return {
        "questionnaire_version": health.questionnaire_version,
        "outcome": health.outcome,
        "answers": health.answers,
        "consent_version": health.consent_version,
        "consented_at": _iso(health.consented_at),
        "answered_at": _iso(health.created),
        "pre_visit_answers": health.pre_visit_answers,
        "pre_visit_answered_at": _iso(health.pre_visit_at),
    }


def _appointment(a: Appointment, include_health: bool) -> dict:
    row = {
        "id": a.pk,
        "service": a.service.name,
        "therapist": a.therapist.display_name,
        "start": _iso(a.start),
        "end": _iso(a.end),
        "status": a.status,
        "client_name": a.client_name,
        "client_email": a.client_email,
        "client_phone": a.client_phone,
        "client_notes": a.client_notes,
        "screening": a.screening,
        "flagged": a.flagged,
        "avoid_points": [p.code for p in a.avoid_points.all()],
        "avoid_areas": a.avoid_areas,
        "light_pressure_only": a.light_pressure_only,
        "client_guidance": a.client_guidance,
        "referral": f"{a.referral_kind}:{a.referral_slug}" if a.referral_kind else "",
        "consent_at": _iso(a.consent_at),
        "consent_version": a.consent_version,
        "cancelled_by": a.cancelled_by,
        "status_reason": a.status_reason,
        "reminder_sent_at": _iso(a.reminder_sent_at),
        "booked_at": _iso(a.created),
        "events": [
            {
                "at": _iso(e.at),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "by_client": e.by_client,
                "note": e.note,
            }
            for e in a.events.all()
        ],
    }
    if not include_health:
        # Derived from the answers: exported only with them (bookings/access.py).
        for name in access.DERIVED_FIELDS:
            del row[name]
    return row


def _callback(c: CallbackRequest) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "notes": c.notes,
        "service": c.service.name if c.service else None,
        "therapist": c.therapist.display_name if c.therapist else None,
        "preferred_start": _iso(c.preferred_start),
        "requested_at": _iso(c.created),
        "handled": c.handled,
        "what_we_suggested": c.guidance,
        "calls": [{"at": _iso(n.at), "outcome": n.outcome, "note": n.note} for n in c.calls.all()],
    }


@sensitive_variables()
def export(emails: Iterable[str], *, user, include_health: bool) -> dict:
    """Everything held about the clients, as plain JSON-ready values.

    With `include_health`, each record carries its health answers and every
    answers record exported is logged as opened by `user`.
    """
    emails = sorted(normalised(emails))
    appointments = list(appointments_of(emails).prefetch_related("avoid_points", "events"))
    callbacks = list(callbacks_of(emails).prefetch_related("calls"))
    health = {}
    if include_health:
        for answers in HealthAnswers.objects.filter(
            appointment__in=[a.pk for a in appointments]
        ) | HealthAnswers.objects.filter(callback__in=[c.pk for c in callbacks]):
            health[(answers.appointment_id, answers.callback_id)] = answers
        HealthAccess.objects.bulk_create(
            [HealthAccess(answers=answers, user=user) for answers in health.values()]
        )
    data: dict[str, Any] = {
        "exported_at": _iso(timezone.now()),
        "emails": emails,
        "health_answers_included": include_health,
        "appointments": [],
        "callback_requests": [],
    }
    for a in appointments:
        row = _appointment(a, include_health)
        if include_health:
            row["health_answers"] = _health(health.get((a.pk, None)))
        data["appointments"].append(row)
    for c in callbacks:
        row = _callback(c)
        if include_health:
            row["health_answers"] = _health(health.get((None, c.pk)))
        data["callback_requests"].append(row)
    return data


@dataclass
class Erased:
    appointments: int = 0
    callbacks: int = 0
    health_answers: int = 0


def erased_email(record: Appointment | CallbackRequest) -> str:
    kind = "callback-" if isinstance(record, CallbackRequest) else ""
    return f"erased-{kind}{record.pk}@invalid"


@sensitive_variables()
def erase(emails: Iterable[str], *, by) -> Erased:
    """Anonymise the clients' appointments and call-backs; delete their health answers.

    Appointments are kept (never deleted) with their history; each gets an
    event saying who erased it. The private link is replaced, so an old email
    no longer opens the page. Records already erased are left alone.
    """
    result = Erased()
    with transaction.atomic():
        clients = list(Client.objects.select_for_update().filter(email__in=normalised(emails)))
        appointments = [
            a
            for a in appointments_of(emails).select_for_update(of=("self",))
            if a.client_email != erased_email(a)
        ]
        callbacks = [
            c
            for c in callbacks_of(emails).select_for_update(of=("self",))
            if c.email != erased_email(c)
        ]
        answers = HealthAnswers.objects.filter(
            appointment__in=[a.pk for a in appointments]
        ) | HealthAnswers.objects.filter(callback__in=[c.pk for c in callbacks])
        # Their access log goes with them (on_delete=CASCADE).
        result.health_answers = answers.delete()[1].get(HealthAnswers._meta.label, 0)
        Appointment.avoid_points.through.objects.filter(
            appointment_id__in=[a.pk for a in appointments]
        ).delete()
        for a in appointments:
            a.client_name = ERASED_NAME
            a.client_email = erased_email(a)
            a.client_phone = a.client_notes = a.avoid_areas = a.client_guidance = ""
            a.light_pressure_only = False
            a.token = new_token()
            a.save()
            AppointmentEvent.objects.create(
                appointment=a,
                from_status=a.status,
                to_status=a.status,
                by=by,
                note="Personal data erased at the client's request",
            )
        for c in callbacks:
            c.name = ERASED_NAME
            c.email = erased_email(c)
            c.phone = c.notes = c.guidance = ""
            c.token = None
            c.save()
        CallNote.objects.filter(callback__in=callbacks).update(note="")
        # The client record keeps the visit history together, naming no one.
        client_ids = {c.pk for c in clients}
        client_ids |= {a.client_id for a in appointments if a.client_id}
        client_ids |= {c.client_id for c in callbacks if c.client_id}
        for client in Client.objects.filter(pk__in=client_ids):
            client.name, client.phone, client.notes = ERASED_NAME, "", ""
            client.email = f"erased-client-{client.pk}@invalid"
            client.save()
            client.sign_in_links.all().delete()
        # The admin's own log names call-backs by the client's name.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(CallbackRequest),
            object_id__in=[str(c.pk) for c in callbacks],
        ).update(object_repr=ERASED_NAME)
    result.appointments, result.callbacks = len(appointments), len(callbacks)
    return result
