"""The few writes that span rows under a lock: placing, moving and cancelling.

Double booking is prevented in two layers. Every write below runs in one
transaction that first locks the therapist's row (PostgreSQL) or takes
SQLite's single write lock (IMMEDIATE transactions), then re-checks the slot
before writing. On PostgreSQL the exclusion constraint from migration 0002 is
the last line of defence; its IntegrityError becomes the same friendly
"just taken" answer. Any other IntegrityError is a fault, not a taken slot,
and is raised as it is (see `violated_constraint`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from bookings import availability, free_times
from bookings.models import (
    HOLDING,
    Appointment,
    AppointmentEvent,
    BookingRules,
    CallbackRequest,
    HealthAnswers,
    Outcome,
    Service,
    Status,
    Therapist,
    new_token,
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


def staff_rules() -> BookingRules:
    """The spa's rules as they apply to staff: no minimum notice (a client at the desk
    may be booked for now), the same grid, horizon and overlap rules. Never saved."""
    rules = BookingRules.current()
    rules.min_notice_hours = 0
    return rules


def _staff_name(user) -> str:
    return user.get_full_name() or user.get_username()


def client_move_rules() -> BookingRules:
    """The rules for a client moving their own booking: no new time inside the
    cancellation cut-off (a move must never land where it cannot be moved again).
    Never saved."""
    rules = BookingRules.current()
    rules.min_notice_hours = max(rules.min_notice_hours, rules.cancellation_cutoff_hours)
    return rules


def _candidates(service: Service, therapist_id: int | None) -> list[int]:
    therapists = Therapist.objects.offering(service)
    if therapist_id is not None:
        therapists = therapists.filter(pk=therapist_id)
    # Ascending ids: concurrent "any therapist" bookings lock rows in one order.
    return list(therapists.order_by("pk").values_list("pk", flat=True))


def is_bookable(service: Service, therapist_id: int | None, start: datetime) -> bool:
    """Whether `start` is free with that therapist, or with any who offers the service.

    A check for the form, without locks; place_booking() checks again under one."""
    return bool(free_times.free_at(service, start, therapist_id))


def fairest_first(
    candidates: list[int],
    day_hours: dict[int, float],
    week_hours: dict[int, float],
) -> list[int]:
    """The order in which "whoever is free first" offers a time to therapists: the
    fewest booked hours that day first, then that week, then the lowest id (stable)."""
    return sorted(candidates, key=lambda tid: (day_hours.get(tid, 0), week_hours.get(tid, 0), tid))


def fair_order(candidates: list[int], start: datetime) -> list[int]:
    """fairest_first() fed with the hours each candidate is booked on the local day
    and week (Monday to Sunday, in the spa's zone) of `start`. Two queries."""
    if len(candidates) < 2:
        return list(candidates)
    tz = free_times.spa_zone()
    day = start.astimezone(tz).date()
    monday = day - timedelta(days=day.weekday())

    def hours(first, last) -> dict[int, float]:
        since = availability.midnight(first, tz)
        until = availability.midnight(last + timedelta(days=1), tz)
        rows = (
            Appointment.objects.filter(
                therapist_id__in=candidates, start__gte=since, start__lt=until
            )
            .exclude(status__in=[Status.CANCELLED, Status.DECLINED])
            .values_list("therapist_id", "start", "end")
        )
        booked: dict[int, float] = {}
        for tid, begin, end in rows:
            booked[tid] = booked.get(tid, 0) + (end - begin).total_seconds() / 3600
        return booked

    return fairest_first(candidates, hours(day, day), hours(monday, monday + timedelta(days=6)))


def who_would_take(service: Service, start: datetime) -> Therapist | None:
    """The therapist a "whoever is free first" booking for `start` goes to, if it is
    sent now: the fairest of those free then (no locks; place_booking() decides)."""
    order = fair_order(list(free_times.free_at(service, start, None)), start)
    return Therapist.objects.filter(pk=order[0]).first() if order else None


def confirms_at_once(service: Service, outcome: str) -> bool:
    """Whether an online booking with this screening outcome is confirmed as it is made:
    the service allows it and the answers need nobody to look at them first."""
    return service.instant_confirmation and outcome in (Outcome.CLEAR, Outcome.AVOID_AREA)


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
    screened: Screened | None,
    consent_version: str,
    consented_at: datetime | None = None,
    referral: list[str] | tuple[str, str] | None = None,
    now: datetime | None = None,
    by=None,
    override: str = "",
    intent: str | None = None,
    prefer: int | None = None,
) -> Appointment:
    """Book `start` with the therapist (or the fairest free one) or raise SlotTaken.

    With "whoever is free first" (`therapist_id` None), the time goes to the
    therapist named on the review step (`prefer`) if still free, else to the
    fairest free one (fair_order()). An online booking with clear answers is
    confirmed at once where the service allows it (confirms_at_once()).

    `consented_at` is when the client ticked the health-data consent box
    (defaults to now); it is stored with `consent_version` on the answers.

    `by` is the member of staff booking for the client (on the phone or at the
    desk): they are stamped on the history and as the one who took the answers,
    and no minimum notice applies. Only they may book a declined screening, after
    talking to the client, with their decision in `override`; it then waits for a
    therapist's review. Staff may also book without answers (`screened=None`):
    the time is held as "awaiting answers" and the client answers through their
    link (answer_questions()).

    `intent` is the booking's single-use token: placing the same intent again
    (a double-click, a retry, a second tab) returns the appointment it made.
    """
    if screened is None and by is None:
        raise ValueError("Only staff book before the health questions are answered.")
    outcome = screened.result.outcome if screened else Outcome.CLEAR
    if outcome == Outcome.DECLINE and not (by and override.strip()):
        raise ValueError("A declined screening books nothing; use request_callback().")
    if existing := booked_for(intent):
        return existing
    now = now or timezone.now()
    rules = staff_rules() if by else None
    status, screening, flagged = _status_for(
        Outcome.REVIEW if outcome == Outcome.DECLINE else outcome
    )
    if screened is None:
        status = Status.AWAITING_ANSWERS
    elif by is None and confirms_at_once(service, outcome):
        status = Status.CONFIRMED
    try:
        with transaction.atomic():
            appointment = None
            # Only those free a moment ago are tried (one reading for them all). Each is
            # locked first, in ascending ids (so concurrent bookings never wait on each
            # other in a cycle); then the fairest is read again under its lock.
            candidates = list(
                free_times.free_at(service, start, therapist_id, now=now, rules=rules)
            )
            list(Therapist.objects.select_for_update().filter(pk__in=candidates).order_by("pk"))
            order = fair_order(candidates, start)
            if prefer in order:
                order.remove(prefer)
                order.insert(0, prefer)
            for tid in order:
                if free_times.is_free(service, tid, start, now=now, rules=rules):
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
                        consent_at=now if screened else None,
                        consent_version=consent_version if screened else "",
                        referral_kind=referral[0] if referral else "",
                        referral_slug=referral[1] if referral else "",
                        booking_intent=intent or None,
                        created=now,
                    )
                    appointment.set_times(start)
                    appointment.save()
                    break
            if appointment is None:
                raise SlotTaken()
            if screened is not None:
                _store_answers(
                    appointment, screened, consent_version, consented_at or now, taken_by=by
                )
            note = "Booked online"
            if status == Status.CONFIRMED:
                note = "Booked online; confirmed at once (clear answers)"
            if by and screened is None:
                note = f"Booked by {_staff_name(by)}; the health questions were sent to the client"
            elif by:
                note = f"Booked by {_staff_name(by)}, answers taken by phone"
                if override.strip():
                    note += f"; booked after a call: {override.strip()}"
            AppointmentEvent.objects.create(
                appointment=appointment,
                to_status=status,
                by=by,
                by_client=by is None,
                note=note[:300],
            )
            # The emails' outbox rows commit with the booking: both or neither.
            _announce_new(appointment)
    except (IntegrityError, SlotTaken) as exc:
        # The same request sent twice at once: the other one booked it (the unique
        # booking_intent refused the second row, or the slot was already its own).
        if existing := booked_for(intent):
            return existing
        if isinstance(exc, IntegrityError) and violated_constraint(exc) != SLOT_CONSTRAINT:
            raise
        # The exclusion constraint caught a clash the re-check could not see.
        raise SlotTaken() from None
    return appointment


# The exclusion constraint of migration 0002 (PostgreSQL): two holding appointments
# of one therapist may not overlap.
SLOT_CONSTRAINT = "appointment_no_overlap"
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")


def violated_constraint(exc: IntegrityError) -> str:
    """The name of the constraint the database refused, or "" when it does not say.

    PostgreSQL names it (psycopg's diagnostics); SQLite names only CHECK
    constraints, in its message. Callers tell a taken slot from a fault by it."""
    diag = getattr(exc.__cause__, "diag", None)
    if diag is not None and diag.constraint_name:
        return diag.constraint_name
    match = _SQLITE_CHECK.search(str(exc))
    return match[1] if match else ""


def _store_answers(
    appointment: Appointment,
    screened: Screened,
    consent_version: str,
    consented_at: datetime,
    *,
    taken_by=None,
) -> None:
    """The answers and what follows from them, on a new or just-answered appointment."""
    result = screened.result
    appointment.avoid_areas = "; ".join(result.avoid_areas)
    appointment.light_pressure_only = result.light_only
    appointment.client_guidance = (
        "\n".join(result.guidance) if result.outcome == Outcome.CLEARANCE else ""
    )
    appointment.save(update_fields=["avoid_areas", "light_pressure_only", "client_guidance"])
    appointment.avoid_points.set(Point.objects.filter(code__in=result.avoid_points))
    HealthAnswers.objects.create(
        appointment=appointment,
        questionnaire_version=screened.version,
        answers=screened.answers,
        outcome=result.outcome,
        consent_version=consent_version,
        consented_at=consented_at,
        taken_by=taken_by,
    )


@sensitive_variables()
def answer_questions(
    appointment: Appointment,
    *,
    screened: Screened,
    consent_version: str,
    consented_at: datetime | None = None,
) -> Appointment | CallbackRequest:
    """The client answers the questions for a booking staff made; the outcomes apply as online.

    Review and clearance flag or hold the booking as they would have online. A
    "decline" answer frees the time and becomes a call-back request carrying
    the answers, as the online flow does. Returns the appointment, or the
    call-back in that last case. ChangeNotAllowed once answered.
    """
    consented_at = consented_at or timezone.now()
    with transaction.atomic():
        current = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("service", "therapist")
            .get(pk=appointment.pk)
        )
        if current.status != Status.AWAITING_ANSWERS:
            raise ChangeNotAllowed()
        outcome = screened.result.outcome
        if outcome == Outcome.DECLINE:
            current.transition(
                Status.DECLINED,
                reason="The answers need a call before booking",
                cancelled_by="",
            )
            callback = request_callback(
                service=current.service,
                therapist_id=current.therapist_id,
                preferred_start=current.start,
                client=ClientDetails(
                    current.client_name, current.client_email, current.client_phone
                ),
                screened=screened,
                consent_version=consent_version,
                consented_at=consented_at,
            )
            _announce(current, "declined")  # its outbox row commits with the change
            return callback
        _store_answers(current, screened, consent_version, consented_at)
        status, screening, flagged = _status_for(outcome)
        current.screening, current.flagged = screening, flagged
        current.consent_at, current.consent_version = consented_at, consent_version
        # The reminder to answer is spent; the visit's own reminder is still to come.
        current.reminder_sent_at = None
        current.save(
            update_fields=[
                "screening",
                "flagged",
                "consent_at",
                "consent_version",
                "reminder_sent_at",
            ]
        )
        current.transition(status, reason="Health questions answered by the client")
        _announce_new(current)
    return current


def booked_for(intent: str | None) -> Appointment | None:
    """The appointment an online booking request already made, if any."""
    if not intent:
        return None
    return Appointment.objects.filter(booking_intent=intent).first()


def _announce_new(appointment: Appointment) -> None:
    from bookings import notifications

    # Awaiting answers: the "requested" email, which then carries the link to the questions.
    kind = appointment.status
    notifications.notify(appointment, "requested" if kind == Status.AWAITING_ANSWERS else kind)
    notifications.notify_staff(appointment)


def nearest_alternatives(
    service: Service, therapist_id: int | None, around: datetime
) -> list[availability.Slot]:
    therapist = Therapist.objects.filter(pk=therapist_id).first() if therapist_id else None
    return free_times.nearest_free(service, therapist, around, count=3)


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
            token=new_token(),
            guidance="\n".join(screened.result.guidance),
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


def reschedule(
    appointment: Appointment,
    start: datetime,
    *,
    now: datetime | None = None,
    by=None,
    therapist_id: int | None = None,
    service: Service | None = None,
) -> None:
    """Move the appointment to `start`, under the same guarantees as a new booking.

    The client moves their own booking before the cut-off, with the same
    therapist and service. Staff (`by`) may move any booking that still holds
    its slot, to another therapist who offers the service, or to another
    service, without the cut-off or minimum notice. Either way the calendar
    entry's SEQUENCE rises and the client is emailed. Moving it to where it
    already is does nothing.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            current = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
            new_service = service or current.service
            new_therapist = therapist_id or current.therapist_id
            # Ascending ids, as when booking: two moves never wait on each other in a cycle.
            for tid in sorted({current.therapist_id, new_therapist}):
                Therapist.objects.select_for_update().filter(pk=tid).first()
            if (
                current.start == start
                and current.therapist_id == new_therapist
                and current.service_id == new_service.pk
                and current.holds_slot
            ):
                # Already there: a repeated POST changes nothing and sends no second email.
                appointment.refresh_from_db()
                return
            if by is None and not current.can_client_change(now):
                raise ChangeNotAllowed()
            if by is not None and current.status not in HOLDING:
                raise ChangeNotAllowed()
            if new_therapist not in _candidates(new_service, new_therapist):
                raise SlotTaken()
            if not free_times.is_free(
                new_service,
                new_therapist,
                start,
                now=now,
                rules=staff_rules() if by else client_move_rules(),
                exclude_appointment_id=current.pk,
            ):
                raise SlotTaken()
            old = f"{timezone.localtime(current.start):%Y-%m-%d %H:%M}"
            if new_therapist != current.therapist_id:
                old += f" with {current.therapist.display_name}"
            if new_service.pk != current.service_id:
                old += f" ({current.service.name})"
            current.service = new_service
            current.therapist_id = new_therapist
            current.set_times(start)
            current.sequence += 1
            current.save()
            note = f"Moved from {old}"
            if by is not None:
                note += f" by {_staff_name(by)}"
            AppointmentEvent.objects.create(
                appointment=current,
                from_status=current.status,
                to_status=current.status,
                by=by,
                by_client=by is None,
                note=note[:300],
            )
            _announce(current, "rescheduled")
    except IntegrityError as exc:
        if violated_constraint(exc) != SLOT_CONSTRAINT:
            raise
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


@sensitive_variables()
def record_pre_visit_check(appointment: Appointment, rows: list[dict], questions) -> str:
    """The client's answers to the "today" questions shortly before the visit.

    They are screened again together with the booking's other answers and kept
    beside them (HealthAnswers.pre_visit_answers). A change that rules the
    visit out (clearance or a call first) marks it to be moved and tells staff;
    one that needs a look flags it for the therapist; newly avoided points and
    areas are added. Nothing is cancelled here. Returns the PreVisitChange.
    """
    from bookings import notifications, questionnaire, screening
    from bookings.models import PreVisitChange

    now = timezone.now()
    with transaction.atomic():
        current = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
        health = HealthAnswers.objects.get(appointment=current)
        before = {r.get("code"): r for r in health.answers if isinstance(r, dict)}
        combined = {**before, **{r["code"]: r for r in rows}}
        result = questionnaire.screen_rows(questions, combined.values())
        for row in rows:
            row["triggered"] = row["code"] in result.triggered
        changed = any((before.get(r["code"]) or {}).get("answer") != r["answer"] for r in rows)
        newly = {r["code"] for r in rows if r["triggered"]} - {
            c for c, r in before.items() if r.get("triggered")
        }
        rank = screening.RANK[result.outcome]
        if newly and rank >= screening.RANK[Outcome.CLEARANCE]:
            change = PreVisitChange.MOVE
        elif newly and rank >= screening.RANK[Outcome.AVOID_AREA]:
            change = PreVisitChange.REVIEW
        else:
            change = PreVisitChange.CHANGED if changed else PreVisitChange.NONE
        health.pre_visit_answers, health.pre_visit_at = rows, now
        health.save(update_fields=["pre_visit_answers", "pre_visit_at"])
        current.pre_visit_answered_at, current.pre_visit_change = now, change
        fields = ["pre_visit_answered_at", "pre_visit_change"]
        if change in (PreVisitChange.MOVE, PreVisitChange.REVIEW):
            current.flagged = True
            areas = [a for a in current.avoid_areas.split("; ") if a]
            current.avoid_areas = "; ".join(dict.fromkeys(areas + list(result.avoid_areas)))
            current.light_pressure_only = current.light_pressure_only or result.light_only
            fields += ["flagged", "avoid_areas", "light_pressure_only"]
            current.avoid_points.add(*Point.objects.filter(code__in=result.avoid_points))
        current.save(update_fields=fields)
        AppointmentEvent.objects.create(
            appointment=current,
            from_status=current.status,
            to_status=current.status,
            by_client=True,
            note=f"Pre-visit check: {PreVisitChange(change).label}",
        )
        if change in (PreVisitChange.MOVE, PreVisitChange.REVIEW):
            notifications.notify_pre_visit_change(current)
    return change
