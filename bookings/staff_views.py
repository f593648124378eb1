"""The staff calendar: day and week grids, the appointment panel and the desk's actions.

Inside the admin (its login, its look, its permissions), server-rendered and
usable without JavaScript. Every write goes through bookings/services.py or
the admin's status change, so the database's overlap guarantee, the client's
email and calendar update, and the who-and-when stamp are the client's own.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from bookings import access, calendar, free_times, questionnaire, screening, services
from bookings.admin import CANCEL, COMPLETE, CONFIRM, NO_SHOW, StatusChange, _change_status
from bookings.forms import CONSENT_VERSION, parse_start
from bookings.models import (
    TRANSITIONS,
    Appointment,
    CallbackRequest,
    CallNote,
    HealthAccess,
    Outcome,
    Question,
    Service,
    Status,
    Therapist,
    TransitionError,
)
from bookings.staff_forms import (
    CallNoteForm,
    CancelForm,
    ClientForm,
    DecisionForm,
    QuestionsForm,
    SlotChoiceForm,
    StartChoiceForm,
    TimeOffForm,
    parse_day,
    phone_health_form,
)

VIEW = "bookings.view_appointment"
CHANGE = "bookings.change_appointment"
ARRIVED = StatusChange(Status.ARRIVED, "marked arrived")
STATUS_ACTIONS = {
    "confirm": CONFIRM,
    "arrived": ARRIVED,
    "completed": COMPLETE,
    "no-show": NO_SHOW,
}


if TYPE_CHECKING:
    from django.contrib.auth.models import User

    class StaffRequest(HttpRequest):
        # What a staff_view lets through the admin's login: a signed-in member of staff.
        user: User


def staff_view(permission: str):
    """The admin's login and staff check, then one permission."""

    def decorator(view):
        @functools.wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return admin.site.admin_view(checked)

    return decorator


def _render(request: HttpRequest, template: str, title: str, context: dict) -> HttpResponse:
    return TemplateResponse(
        request,
        template,
        {**admin.site.each_context(request), "title": title, **context},
    )


def _day(request: HttpRequest):
    day = timezone.localdate()
    if raw := request.GET.get("date"):
        parsed = parse_day(raw)
        if parsed is None:
            messages.error(request, f"“{raw[:40]}” is not a date like 2026-03-14.")
        else:
            day = parsed
    return day


def _therapists():
    return Therapist.objects.active().prefetch_related("hours").order_by("display_name", "pk")


# --- The grid -------------------------------------------------------------------------


@staff_view(VIEW)
def day_view(request: StaffRequest) -> HttpResponse:
    """All therapists side by side; a therapist starts on their own column ("My day")."""
    day = _day(request)
    own = access.therapist_id_of(request.user)
    everyone = request.GET.get("who") == "all" or own is None
    therapists = [t for t in _therapists() if everyone or t.pk == own]
    show_cancelled = request.GET.get("cancelled") == "1"
    columns = [calendar.Column(t, day, t.display_name) for t in therapists]
    return _grid_page(
        request,
        columns,
        title=("Calendar" if everyone else "My day") + f": {day:%A} {day.day} {day:%B %Y}",
        context={
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "everyone": everyone,
            "own": own,
            "show_cancelled": show_cancelled,
            "view": "day",
        },
        show_cancelled=show_cancelled,
    )


@staff_view(VIEW)
def week_view(request: StaffRequest, slug: str) -> HttpResponse:
    therapist = get_object_or_404(_therapists(), slug=slug)
    day = _day(request)
    monday = day - timedelta(days=day.weekday())
    show_cancelled = request.GET.get("cancelled") == "1"
    columns = [
        calendar.Column(therapist, d, f"{d:%a} {d.day}")
        for d in (monday + timedelta(days=n) for n in range(7))
    ]
    return _grid_page(
        request,
        columns,
        title=f"{therapist.display_name}: week of {monday.day} {monday:%B %Y}",
        context={
            "day": day,
            "therapist": therapist,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "show_cancelled": show_cancelled,
            "view": "week",
        },
        show_cancelled=show_cancelled,
    )


def _grid_page(request, columns, *, title: str, context: dict, show_cancelled: bool):
    grid = None
    if columns:
        loaded = calendar.load(
            [(c.therapist, c.day) for c in columns], show_cancelled=show_cancelled
        )
        grid = calendar.layout(columns, loaded, user=request.user)
    return _render(
        request,
        "admin/staff/calendar.html",
        title,
        {
            **context,
            "grid": grid,
            "therapists": _therapists() if context["view"] == "week" else None,
            "can_change": request.user.has_perm(CHANGE),
            # The one-click "Arrived" and "Completed" belong to today's blocks.
            "today_iso": timezone.localdate().isoformat(),
            "can_block": request.user.has_perm("bookings.add_timeoff"),
            "statuses": [
                (s, s.label)
                for s in Status
                if s not in calendar.HIDDEN_BY_DEFAULT or show_cancelled
            ],
        },
    )


# --- One appointment ------------------------------------------------------------------


def screening_summary(appointment: Appointment) -> dict:
    """For those allowed: the "yes" answers first, then the points and areas to avoid."""
    health = getattr(appointment, "health", None)
    rows = [r for r in (health.answers if health else []) if isinstance(r, dict)]
    said_yes = [r for r in rows if r.get("triggered") or r.get("answer") == "yes"]
    pre_visit = [r for r in (health.pre_visit_answers if health else []) if isinstance(r, dict)]
    return {
        "health": health,
        # The pre-visit check's "yes" answers: newer than the booking's.
        "pre_visit_yes": [r for r in pre_visit if r.get("triggered") or r.get("answer") == "yes"],
        "said_yes": said_yes,
        "said_no": [r for r in rows if r not in said_yes],
        "avoid_points": list(appointment.avoid_points.all()),
        "avoid_areas": [a for a in appointment.avoid_areas.split("; ") if a],
    }


@staff_view(VIEW)
@sensitive_variables()
def appointment_panel(request: StaffRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related("service", "therapist", "health"), pk=pk
    )
    summary = None
    if access.can_read_health(request.user, appointment):
        summary = screening_summary(appointment)
        if summary["health"] is not None:
            HealthAccess.objects.create(answers=summary["health"], user=request.user)
    local = timezone.localtime(appointment.start)
    return _render(
        request,
        "admin/staff/appointment.html",
        f"{appointment.client_name}, {local:%a %d %b %H:%M}",
        {
            "appointment": appointment,
            "events": appointment.events.select_related("by"),
            "summary": summary,
            "can_change": request.user.has_perm(CHANGE),
            "next_statuses": _next_actions(request.user, appointment),
            "cancel_form": CancelForm(),
            "day_url": _day_url(appointment),
        },
    )


def _day_url(appointment: Appointment) -> str:
    day = timezone.localtime(appointment.start).date()
    return reverse("staff:day") + "?" + urlencode({"date": day.isoformat()})


def _may_confirm(user, appointment: Appointment) -> bool:
    """A flagged request is confirmed by someone who has read the answers."""
    return not appointment.flagged or access.can_read_health(user, appointment)


def _next_actions(user, appointment: Appointment) -> list[tuple[str, str]]:
    allowed = set(TRANSITIONS[appointment.status])
    if not _may_confirm(user, appointment):
        allowed.discard(Status.CONFIRMED)
    labels = {
        "confirm": "Confirm",
        "arrived": "Arrived",
        "completed": "Completed",
        "no-show": "No-show",
    }
    return [(key, labels[key]) for key, change in STATUS_ACTIONS.items() if change.to in allowed]


@staff_view(CHANGE)
@require_POST
def appointment_status(request: StaffRequest, pk: int) -> HttpResponse:
    """One click from the calendar or the panel: confirm, arrived, completed, no-show, cancel."""
    action = request.POST.get("to", "")
    reason = ""
    if action == "cancel":
        form = CancelForm(request.POST)
        if not form.is_valid():
            # The stubs type an ErrorList item as a ValidationError too; it is the message.
            messages.error(request, form.errors["reason"][0])  # type: ignore[arg-type]
            return redirect("staff:appointment", pk=pk)
        change, reason = CANCEL, form.cleaned_data["reason"]
    elif action in STATUS_ACTIONS:
        change = STATUS_ACTIONS[action]
        if change is CONFIRM and not _may_confirm(
            request.user, get_object_or_404(Appointment, pk=pk)
        ):
            messages.error(
                request, "Only the client's therapist or the owner confirms a flagged request."
            )
            return redirect("staff:appointment", pk=pk)
    else:
        messages.error(request, "Choose one of the buttons.")
        return redirect("staff:appointment", pk=pk)
    try:
        appointment = _change_status(pk, change, request.user, reason=reason)
    except TransitionError as error:
        messages.error(request, str(error))
    except Appointment.DoesNotExist:
        raise PermissionDenied from None
    else:
        messages.success(request, f"{appointment.client_name}: {change.done}.")
    back = request.POST.get("next", "")
    return redirect(
        back if back.startswith(reverse("staff:day")) else reverse("staff:appointment", args=[pk])
    )


def _iso(raw: str | None) -> str:
    """A start from a calendar link, as the free-time choices spell it (UTC ISO)."""
    start = parse_start(raw)
    return start.isoformat() if start else ""


def _free_starts(service, therapist, day, *, exclude=None) -> list[datetime]:
    slots = free_times.slots_for(
        service,
        therapist,
        day,
        day,
        rules=services.staff_rules(),
        exclude_appointment_id=exclude,
    )
    return [s.start for s in slots]


@staff_view(CHANGE)
@require_http_methods(["GET", "POST"])
def appointment_move(request: StaffRequest, pk: int) -> HttpResponse:
    """Another time, another therapist, another service: free times from availability."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("service", "therapist"), pk=pk
    )
    if not appointment.holds_slot:
        messages.error(request, "Only a booking that still holds its time can be moved.")
        return redirect("staff:appointment", pk=pk)
    local_day = timezone.localtime(appointment.start).date()
    choice = SlotChoiceForm(
        request.GET or None,
        initial={
            "service": appointment.service,
            "therapist": appointment.therapist,
            "day": local_day,
        },
    )
    service, therapist, day = appointment.service, appointment.therapist, local_day
    if choice.is_bound and choice.is_valid():
        service, therapist, day = (choice.cleaned_data[k] for k in ("service", "therapist", "day"))
    starts = _free_starts(service, therapist, day, exclude=appointment.pk)
    form = StartChoiceForm(
        request.POST if request.method == "POST" else None,
        starts=starts,
        # A block dropped on a free time (staff-calendar.js) arrives with that time chosen.
        initial={"start": _iso(request.GET.get("start"))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule(
                appointment,
                form.cleaned_data["start"],
                by=request.user,
                therapist_id=therapist.pk,
                service=service,
            )
        except (services.SlotTaken, services.ChangeNotAllowed):
            form.add_error("start", "Sorry, that time was just taken. Choose another.")
        else:
            messages.success(request, "Moved. The client has been emailed the new time.")
            return redirect("staff:appointment", pk=pk)
    return _render(
        request,
        "admin/staff/move.html",
        f"Move {appointment.client_name}'s booking",
        {
            "appointment": appointment,
            "choice": choice,
            "form": form,
            "starts": starts,
            "service": service,
            "therapist": therapist,
            "day": day,
        },
    )


# --- Booking for a client ---------------------------------------------------------------


def _known_clients(query: str) -> list[Appointment]:
    """Earlier bookings matching a name, email or phone: the newest per email address."""
    query = query.strip()[:100]
    if len(query) < 2:
        return []
    rows = Appointment.objects.filter(
        Q(client_name__icontains=query)
        | Q(client_email__icontains=query)
        | Q(client_phone__icontains=query)
    ).order_by("-start")
    seen, found = set(), []
    for row in rows[:200]:
        if row.client_email not in seen:
            seen.add(row.client_email)
            found.append(row)
    return found[:10]


def _initial_client(request: HttpRequest, callback: CallbackRequest | None) -> dict:
    if callback is not None:
        return {"name": callback.name, "email": callback.email, "phone": callback.phone}
    if (pk := request.GET.get("client", "")).isdecimal():
        earlier = Appointment.objects.filter(pk=pk).first()
        if earlier:
            return {
                "name": earlier.client_name,
                "email": earlier.client_email,
                "phone": earlier.client_phone,
            }
    return {}


def _slot_initial(request: HttpRequest, callback: CallbackRequest | None) -> dict:
    initial: dict[str, Any] = {"day": timezone.localdate()}
    if callback is not None:
        initial.update(service=callback.service, therapist=callback.therapist)
        if callback.preferred_start:
            initial["day"] = timezone.localtime(callback.preferred_start).date()
    if slug := request.GET.get("therapist"):
        initial["therapist"] = Therapist.objects.active().filter(slug=slug[:80]).first()
    if start := request.GET.get("start"):
        if parsed := parse_start(start):
            initial["day"] = timezone.localtime(parsed).date()
    return {k: v for k, v in initial.items() if v is not None}


@staff_view(CHANGE)
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def book(request: StaffRequest) -> HttpResponse:
    """Book for a client who phones or stands at the desk, answers taken by phone.

    From a call-back (?callback=<id>), the answers the client gave online come
    with the booking, and the desk records the decision taken after the call.
    """
    callback = None
    if (raw := request.GET.get("callback", "")).isdecimal():
        callback = get_object_or_404(
            CallbackRequest.objects.select_related("health", "service", "therapist"), pk=raw
        )
    slot_data = request.GET if "service" in request.GET else None
    choice = SlotChoiceForm(slot_data, initial=_slot_initial(request, callback))
    service = therapist = day = None
    if choice.is_bound and choice.is_valid():
        service, therapist, day = (choice.cleaned_data[k] for k in ("service", "therapist", "day"))
    elif not choice.is_bound:
        # Whatever the link gave (an empty cell: the therapist and time), completed
        # with the first fitting choices, so the form is ready to fill in.
        initial = choice.initial
        therapist = initial.get("therapist")
        service = initial.get("service")
        if therapist is not None and (
            service is None or not therapist.services.filter(pk=service.pk).exists()
        ):
            service = therapist.services.active().first()
        service = service or Service.objects.active().first()
        if therapist is None and service is not None:
            therapist = Therapist.objects.offering(service).first()
        day = initial["day"]
        choice = SlotChoiceForm(initial={"service": service, "therapist": therapist, "day": day})
    starts = _free_starts(service, therapist, day) if service and therapist else []
    post = request.POST if request.method == "POST" else None
    questions = list(Question.objects.active().prefetch_related("avoid_points"))
    forms = {
        "slot": StartChoiceForm(
            post, starts=starts, initial={"start": _iso(request.GET.get("start"))}
        ),
        "client": ClientForm(post, initial=_initial_client(request, callback)),
        "decision": DecisionForm(post),
    }
    if callback is None:
        forms["how"] = QuestionsForm(post)
        forms["health"] = phone_health_form(post, questions=questions)
    by_link = (
        forms.get("how") and forms["how"].is_valid() and forms["how"].cleaned_data["how"] == "link"
    )
    needed = [f for name, f in forms.items() if not (by_link and name == "health")]
    if post is not None and service and all(f.is_valid() for f in needed):
        placed = _place(request, forms, service, therapist, questions, callback)
        if placed is not None:
            messages.success(request, f"Booked {placed.client_name}. The client has been emailed.")
            return redirect("staff:appointment", pk=placed.pk)
    return _render(
        request,
        "admin/staff/book.html",
        "Book for a client",
        {
            **forms,
            "choice": choice,
            "starts": starts,
            "service": service,
            "therapist": therapist,
            "day": day,
            "callback": callback,
            "query": request.GET.get("q", ""),
            "found": _known_clients(request.GET.get("q", "")),
        },
    )


@sensitive_variables()
def _place(request, forms, service, therapist, questions, callback) -> Appointment | None:
    """Screen and place the booking; None (with the form's error) when it cannot be."""
    decision = forms["decision"].cleaned_data["decision"]
    screened: services.Screened | None = None
    consent: tuple[str, datetime | None] = ("", None)
    if forms.get("how") and forms["how"].cleaned_data["how"] == "link":
        pass  # held as "awaiting answers"; the client answers through their link
    elif callback is not None:
        health = getattr(callback, "health", None)
        rows = [r for r in (health.answers if health else []) if isinstance(r, dict)]
        # The points and areas to avoid follow from the stored answers, as online;
        # the outcome stays the one the client was given.
        result = questionnaire.screen_rows(questions, rows)
        if health is not None:
            result = dataclasses.replace(result, outcome=health.outcome)
        screened = services.Screened(
            result=result, answers=rows, version=health.questionnaire_version if health else ""
        )
        consent = (
            (health.consent_version, health.consented_at) if health else (CONSENT_VERSION, None)
        )
    else:
        rows = forms["health"].answer_rows()
        result = questionnaire.screen_rows(questions, rows)
        for row in rows:
            row["triggered"] = row["code"] in result.triggered
        screened = services.Screened(
            result=result, answers=rows, version=screening.questionnaire_version(questions)
        )
        consent = (CONSENT_VERSION, timezone.now())
    declined = screened is not None and screened.result.outcome == Outcome.DECLINE
    if declined and not decision:
        forms["decision"].add_error(
            "decision",
            "These answers stop online booking. Book only after talking to the client, "
            "and write down the decision.",
        )
        return None
    try:
        with transaction.atomic():
            appointment = services.place_booking(
                service=service,
                therapist_id=therapist.pk,
                start=forms["slot"].cleaned_data["start"],
                client=services.ClientDetails(**forms["client"].cleaned_data),
                screened=screened,
                consent_version=consent[0],
                consented_at=consent[1],
                by=request.user,
                override=decision if declined else "",
            )
            if callback is not None:
                callback.appointment, callback.handled, callback.handled_by = (
                    appointment,
                    True,
                    request.user,
                )
                callback.save(update_fields=["appointment", "handled", "handled_by"])
                CallNote.objects.create(
                    callback=callback,
                    by=request.user,
                    outcome=CallNote.Outcome.BOOKED,
                    note=decision[:300],
                )
    except services.SlotTaken:
        forms["slot"].add_error("start", "Sorry, that time was just taken. Choose another.")
        return None
    return appointment


# --- Call-backs and time off ---------------------------------------------------------------


@staff_view("bookings.view_callbackrequest")
@require_http_methods(["GET", "POST"])
def callback_page(request: StaffRequest, pk: int) -> HttpResponse:
    callback = get_object_or_404(
        CallbackRequest.objects.select_related("service", "therapist", "appointment"), pk=pk
    )
    can_note = request.user.has_perm("bookings.add_callnote")
    form = CallNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_note:
            raise PermissionDenied
        if form.is_valid():
            note = form.save(commit=False)
            note.callback, note.by = callback, request.user
            note.save()
            if note.outcome == CallNote.Outcome.CLOSED:
                callback.handled, callback.handled_by = True, request.user
                callback.save(update_fields=["handled", "handled_by"])
            messages.success(request, "The call is noted.")
            return redirect("staff:callback", pk=pk)
    return _render(
        request,
        "admin/staff/callback.html",
        f"Call back {callback.name}",
        {
            "callback": callback,
            "calls": callback.calls.select_related("by"),
            "form": form,
            "can_note": can_note,
            "can_book": request.user.has_perm(CHANGE),
            "book_url": reverse("staff:book") + f"?callback={callback.pk}",
        },
    )


@staff_view("bookings.add_timeoff")
@require_http_methods(["GET", "POST"])
def block_time(request: StaffRequest) -> HttpResponse:
    """Time off or a one-off block for a therapist; booked times stay as they are."""
    initial = {}
    if slug := request.GET.get("therapist"):
        initial["therapist"] = Therapist.objects.active().filter(slug=slug[:80]).first()
    if day := parse_day(request.GET.get("date")):
        initial["start"] = f"{day.isoformat()}T12:00"
        initial["end"] = f"{day.isoformat()}T13:00"
    form = TimeOffForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        off = form.save()
        messages.success(request, f"Blocked for {off.therapist}.")
        day = timezone.localtime(off.start).date()
        return redirect(
            reverse("staff:day") + "?" + urlencode({"date": day.isoformat(), "who": "all"})
        )
    return _render(request, "admin/staff/block_time.html", "Block time", {"form": form})
