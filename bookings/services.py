"""The few writes that span rows under a lock: placing, moving and cancelling.

Double booking is prevented in two layers. Every write below runs in one
transaction that first locks the therapist's row (PostgreSQL) or takes
SQLite's single write lock (IMMEDIATE transactions), then re-checks the slot
before writing. On PostgreSQL the exclusion constraint from migration 0002 is
the last line of defence; its IntegrityError becomes the same friendly
"just taken" answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from bookings import availability
from bookings.models import (
    Appointment,
    AppointmentEvent,
    CallbackRequest,
    HealthAnswers,
    Outcome,
    Service,
    Status,
    Therapist,
)
from bookings.screening import Result
from points.models import Point


class SlotTaken(Exception):
    """The chosen time is no longer free; `nearest` holds alternatives."""

    def __init__(self, nearest: list[availability.Slot] | None = None):
        super().__init__("That time has just been taken.")
        self.nearest = nearest or []


class ChangeNotAllowed(Exception):
    """The appointment can no longer be changed online (cut-off passed, or not active)."""


@dataclass
class ClientDetails:
    name: str
    email: str
    phone: str
    notes: str = ""


@dataclass
class Screened:
    """The questionnaire's result plus what is stored behind the health permission."""

    result: Result
    answers: list[dict] = field(default_factory=list)
    version: str = ""


def _candidates(service: Service, therapist_id: int | None) -> list[int]:
    therapists = Therapist.objects.offering(service)
    if therapist_id is not None:
        therapists = therapists.filter(pk=therapist_id)
    # Ascending ids: concurrent "any therapist" bookings lock rows in one order.
    return list(therapists.order_by("pk").values_list("pk", flat=True))


def is_bookable(service: Service, therapist_id: int | None, start: datetime) -> bool:
    """Whether `start` is free with that therapist, or with any who offers the service.

    A check for the form, without locks; place_booking() checks again under one."""
    return any(
        availability.is_free(service, tid, start) for tid in _candidates(service, therapist_id)
    )


def _status_for(outcome: str) -> tuple[str, str, bool]:
    if outcome == Outcome.CLEARANCE:
        return Status.AWAITING_CLEARANCE, Appointment.Screening.CLEARANCE, True
    if outcome == Outcome.REVIEW:
        return Status.REQUESTED, Appointment.Screening.REVIEW, True
    return Status.REQUESTED, Appointment.Screening.CLEAR, False


# Error reports (technical 500 pages, AdminEmailHandler) list every frame's
# local variables, down to the database call's parameters: with health answers
# in hand, hide them all.
@sensitive_variables()
def place_booking(
    *,
    service: Service,
    therapist_id: int | None,
    start: datetime,
    client: ClientDetails,
    screened: Screened,
    consent_version: str,
    consented_at: datetime | None = None,
    referral: list[str] | tuple[str, str] | None = None,
    now: datetime | None = None,
    intent: str | None = None,
) -> Appointment:
    """Book `start` with the therapist (or the first free one) or raise SlotTaken.

    `consented_at` is when the client ticked the health-data consent box
    (defaults to now); it is stored with `consent_version` on the answers.
    `intent` is the booking's single-use token: placing the same intent again
    (a double-click, a retry, a second tab) returns the appointment it made.
    """
    if screened.result.outcome == Outcome.DECLINE:
        raise ValueError("A declined screening books nothing; use request_callback().")
    if existing := booked_for(intent):
        return existing
    now = now or timezone.now()
    status, screening, flagged = _status_for(screened.result.outcome)
    try:
        with transaction.atomic():
            appointment = None
            for tid in _candidates(service, therapist_id):
                Therapist.objects.select_for_update().filter(pk=tid).first()
                if availability.is_free(service, tid, start, now=now):
                    appointment = Appointment(
                        service=service,
                        therapist_id=tid,
                        status=status,
                        screening=screening,
                        flagged=flagged,
                        client_name=client.name,
                        client_email=client.email,
                        client_phone=client.phone,
                        client_notes=client.notes,
                        avoid_areas="; ".join(screened.result.avoid_areas),
                        client_guidance=(
                            "\n".join(screened.result.guidance)
                            if screened.result.outcome == Outcome.CLEARANCE
                            else ""
                        ),
                        consent_at=now,
                        consent_version=consent_version,
                        referral_kind=referral[0] if referral else "",
                        referral_slug=referral[1] if referral else "",
                        booking_intent=intent or None,
                    )
                    appointment.set_times(start)
                    appointment.save()
                    break
            if appointment is None:
                raise SlotTaken()
            appointment.avoid_points.set(
                Point.objects.filter(code__in=screened.result.avoid_points)
            )
            HealthAnswers.objects.create(
                appointment=appointment,
                questionnaire_version=screened.version,
                answers=screened.answers,
                outcome=screened.result.outcome,
                consent_version=consent_version,
                consented_at=consented_at or now,
            )
            AppointmentEvent.objects.create(
                appointment=appointment, to_status=status, by_client=True, note="Booked online"
            )
            # The emails' outbox rows commit with the booking: both or neither.
            _announce_new(appointment)
    except (IntegrityError, SlotTaken):
        # The same request sent twice at once: the other one booked it.
        if existing := booked_for(intent):
            return existing
        # The exclusion constraint caught a clash the re-check could not see.
        raise SlotTaken() from None
    return appointment


def booked_for(intent: str | None) -> Appointment | None:
    """The appointment an online booking request already made, if any."""
    if not intent:
        return None
    return Appointment.objects.filter(booking_intent=intent).first()


def _announce_new(appointment: Appointment) -> None:
    from bookings import notifications

    notifications.notify(appointment, appointment.status)
    notifications.notify_staff(appointment)


def nearest_alternatives(
    service: Service, therapist_id: int | None, around: datetime
) -> list[availability.Slot]:
    therapist = Therapist.objects.filter(pk=therapist_id).first() if therapist_id else None
    return availability.nearest_free(service, therapist, around, count=3)


@sensitive_variables()
def request_callback(
    *,
    service: Service | None,
    therapist_id: int | None,
    preferred_start: datetime | None,
    client: ClientDetails,
    screened: Screened,
    consent_version: str,
    consented_at: datetime | None = None,
) -> CallbackRequest:
    """Online booking is not possible: keep what the client typed for a call back."""
    with transaction.atomic():
        callback = CallbackRequest.objects.create(
            name=client.name,
            email=client.email,
            phone=client.phone,
            notes=client.notes,
            service=service,
            therapist_id=therapist_id,
            preferred_start=preferred_start,
        )
        HealthAnswers.objects.create(
            callback=callback,
            questionnaire_version=screened.version,
            answers=screened.answers,
            outcome=screened.result.outcome,
            consent_version=consent_version,
            consented_at=consented_at or timezone.now(),
        )
        _announce_callback(callback)
    return callback


def _announce_callback(callback: CallbackRequest) -> None:
    from bookings import notifications

    notifications.notify_callback(callback)
    notifications.confirm_callback(callback)


def reschedule(appointment: Appointment, start: datetime, *, now: datetime | None = None) -> None:
    """Move the appointment to `start` with the same therapist, under the same guarantees.

    Moving it to where it already is does nothing, so a repeated POST sends no
    second email."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            Therapist.objects.select_for_update().filter(pk=appointment.therapist_id).first()
            current = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if current.start == start and current.holds_slot:
                appointment.refresh_from_db()
                return
            if not current.can_client_change(now):
                raise ChangeNotAllowed()
            if not availability.is_free(
                current.service,
                current.therapist_id,
                start,
                now=now,
                exclude_appointment_id=current.pk,
            ):
                raise SlotTaken()
            old = timezone.localtime(current.start)
            current.set_times(start)
            current.sequence += 1
            current.save()
            AppointmentEvent.objects.create(
                appointment=current,
                from_status=current.status,
                to_status=current.status,
                by_client=True,
                note=f"Moved from {old:%Y-%m-%d %H:%M}",
            )
            _announce(current, "rescheduled")
    except IntegrityError:
        raise SlotTaken() from None
    appointment.refresh_from_db()


def cancel_by_client(appointment: Appointment, *, now: datetime | None = None) -> None:
    """Cancel before the cut-off. The cut-off is checked here, on the POST itself.

    Cancelling what the client already cancelled does nothing (a repeated POST)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if current.status == Status.CANCELLED and current.cancelled_by == "client":
            appointment.refresh_from_db()
            return
        if not current.can_client_change(now):
            raise ChangeNotAllowed()
        current.transition(
            Status.CANCELLED, reason="Cancelled online by the client", cancelled_by="client"
        )
        _announce(current, "cancelled")
    appointment.refresh_from_db()


def _announce(appointment: Appointment, kind: str) -> None:
    from bookings import notifications

    notifications.notify(appointment, kind)
