"""The booking flow at /book/ and the client's private page at /bookings/<token>/.

The flow keeps what the client entered in a server-side draft (BookingDraft),
one step at a time, so going back and forth keeps everything; the session
holds only the draft's random key, never a name, a contact or an answer. No
appointment is written until the review step (or a callback request when
online booking is not possible); an abandoned draft expires and is purged.
"""

from __future__ import annotations

import dataclasses
import functools
import secrets
from calendar import Calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST, require_safe

import pagecache
from bookings import (
    aftercare,
    availability,
    free_times,
    ics,
    policy,
    questionnaire,
    screening,
    services,
)
from bookings.forms import (
    ANY,
    CONSENT_VERSION,
    DetailsForm,
    HealthForm,
    ReviewForm,
    ServiceForm,
    TherapistForm,
    TimeForm,
    parse_start,
)
from bookings.models import (
    Appointment,
    BookingDraft,
    BookingRules,
    CallbackRequest,
    Outcome,
    Question,
    Referral,
    Service,
    Status,
    Therapist,
)
from house import throttle
from house.identity import identity
from points.forms import is_slug

# The session key under which the draft's key is kept (nothing else is).
DRAFT_KEY = "booking_draft"
STEPS = [
    ("service", "Session"),
    ("therapist", "Therapist"),
    ("time", "Day and time"),
    ("details", "Your details"),
    ("health", "Health questions"),
    ("review", "Review and send"),
]
STEP_URLS = {name: f"bookings:{name}" for name, _ in STEPS}


# --- Session state ------------------------------------------------------------------


# Where _draft keeps what it read on the request (not an HttpRequest attribute).
KEPT_DRAFT = "_booking_draft"
KEPT_CHOICES = "_booking_choices"


def _draft(request: HttpRequest) -> BookingDraft | None:
    """This visitor's live draft, read once per request."""
    kept = vars(request)
    if KEPT_DRAFT not in kept:
        key = request.session.get(DRAFT_KEY)
        kept[KEPT_DRAFT] = (
            BookingDraft.objects.live().filter(key=key).first() if is_slug(key) else None
        )
    return kept[KEPT_DRAFT]


def _state(request: HttpRequest) -> dict:
    draft = _draft(request)
    return draft.data if draft is not None else {}


def _choices(request: HttpRequest) -> dict:
    """For a GET, the choices so far (BookingDraft.choices: the service, therapist and
    time, and whether details and answers are given) from the cache when it has them;
    otherwise, and for a POST, the whole draft."""
    kept = vars(request)
    if request.method == "GET" and KEPT_DRAFT not in kept:
        if KEPT_CHOICES not in kept:  # read once per request
            key = request.session.get(DRAFT_KEY)
            kept[KEPT_CHOICES] = (
                BookingDraft.cached_choices(key) if isinstance(key, str) and is_slug(key) else None
            )
        if kept[KEPT_CHOICES] is not None:
            return kept[KEPT_CHOICES]
        if (draft := _draft(request)) is not None:
            draft.cache_choices()  # for the next request (after the cache was emptied)
    return _state(request)


def _write(request: HttpRequest, data: dict) -> None:
    expires = timezone.now() + timedelta(minutes=settings.SPA_BOOKING_DRAFT_MINUTES)
    draft = _draft(request)
    if draft is None:
        draft = BookingDraft.objects.create(data=data, expires_at=expires)
        request.session[DRAFT_KEY] = draft.key
        vars(request)[KEPT_DRAFT] = draft
    else:
        draft.data, draft.expires_at = data, expires
        draft.save(update_fields=["data", "expires_at"])


def _save(request: HttpRequest, **changes) -> None:
    state = {**_state(request), **changes}
    state.pop("callback", None)  # a new booking after a call-back request
    # The booking's single-use token: the review form carries it, and placing
    # it twice finds the first appointment (services.place_booking).
    state.setdefault("intent", secrets.token_urlsafe(24))
    _write(request, state)


def _clear(request: HttpRequest) -> None:
    """The booking is done: its draft goes, answers and all."""
    if (draft := _draft(request)) is not None:
        draft.delete()
    vars(request)[KEPT_DRAFT] = None
    request.session.pop(DRAFT_KEY, None)


def _service(state: dict) -> Service | None:
    if not is_slug(slug := state.get("service")):
        return None
    return pagecache.get_or_compute(
        "service", (slug,), lambda: Service.objects.active().filter(slug=slug).first()
    )


def _therapist(state: dict, service: Service) -> Therapist | None:
    if state.get("therapist") in (None, ANY) or not is_slug(slug := state["therapist"]):
        return None
    return pagecache.get_or_compute(
        "therapist",
        (service.pk, slug),
        lambda: Therapist.objects.offering(service).filter(slug=slug).first(),
        namespaces=(pagecache.CONTENT, pagecache.SCHEDULE),
    )


def _offering(service: Service) -> list[Therapist]:
    """The therapists offering `service`, read once per content or schedule change."""
    return pagecache.get_or_compute(
        "offering",
        (service.pk,),
        lambda: list(Therapist.objects.offering(service)),
        namespaces=(pagecache.CONTENT, pagecache.SCHEDULE),
    )


def _rules() -> BookingRules:
    return pagecache.get_or_compute("rules", (), BookingRules.current)


def _next_minute() -> datetime:
    """Now, rounded up to the minute: free times cached for a minute are computed as of
    its end, so none is offered inside the minimum notice."""
    now = timezone.now()
    return now.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _day_picker(
    service: Service, therapist: Therapist | None, anchor: date, chosen, open_day: date | None
) -> str:
    """The month view and the next free days' times from `anchor`, as HTML: computed
    (one availability pass, a few queries) and rendered once per schedule change and
    minute."""
    now = _next_minute()

    def render_picker() -> str:
        rules = _rules()
        today = timezone.localdate(now)
        last = today + rules.horizon
        month = anchor.replace(day=1)
        month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        slots = free_times.slots_for(
            service,
            therapist,
            max(today, min(month, anchor)),
            min(last, max(month_end, anchor + timedelta(days=27))),
            now=now,
            rules=rules,
        )
        by_day = availability.slots_by_day(slots, free_times.spa_zone())
        # The nearest free days from the anchor first; days with nothing free are skipped.
        shown = [day for day in by_day if day >= anchor][:DAYS_SHOWN]
        return render_to_string(
            "bookings/includes/day_picker.html",
            {
                "days": {day: by_day[day] for day in shown},
                "chosen": chosen,
                "open_day": open_day or (shown[0] if shown else None),
                "month": _month_view(month, today, last, set(by_day), set(shown), open_day),
                "later": shown[-1] + timedelta(days=1) if shown and shown[-1] < last else None,
                "spa": identity(),
            },
        )

    return pagecache.get_or_compute(
        "day-picker",
        (service.pk, getattr(therapist, "pk", None), anchor, chosen, open_day, now),
        render_picker,
        namespaces=(pagecache.CONTENT, pagecache.SCHEDULE),
        timeout=120,
    )


WEEKDAYS_FROM_SUNDAY = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
]
# How many free days the time step lists at once (the month view jumps further).
DAYS_SHOWN = 7


def _month_view(
    month: date, today: date, last: date, free: set[date], shown: set[date], open_day
) -> dict:
    """One month as weeks of (day, state) for the calendar grid, Sunday first (as the
    spa's clients write calendars), with the links to the months either side."""
    weeks = []
    for week in Calendar(firstweekday=6).monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                (
                    day,
                    None
                    if day.month != month.month
                    else "free"
                    if day in free
                    else "closed"
                    if today <= day <= last
                    else "out",
                    day in shown,
                    day == open_day,
                )
                for day in week
            ]
        )
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return {
        "month": month,
        "weeks": weeks,
        "weekday_names": [(name, name[:3]) for name in WEEKDAYS_FROM_SUNDAY],
        "previous": max(previous, today) if month > today.replace(day=1) else None,
        "next": following if following <= last else None,
    }


def _start(state: dict) -> datetime | None:
    return parse_start(state.get("start"))


def _referral(value: str) -> list[str] | None:
    """'point:bl23' from a guide's link, if it is well formed; anything else is ignored."""
    kind, _, slug = value.partition(":")
    if kind in Referral.values and is_slug(slug):
        return [kind, slug]
    return None


def _missing_step(state: dict, upto: str) -> str | None:
    """The first earlier step without a valid answer, if any."""
    service = _service(state)
    checks = {
        "service": service is not None,
        "therapist": service is not None
        and (state.get("therapist") == ANY or _therapist(state, service) is not None),
        "time": _start(state) is not None,
        "details": bool(state.get("details")),
        "health": bool(state.get("screen")),
    }
    for name, _ in STEPS:
        if name == upto:
            return None
        if not checks[name]:
            return name
    return None


def _posted(request: HttpRequest):
    # Not `request.POST or None`: an empty POST must still bind, so its errors show.
    return request.POST if request.method == "POST" else None


# Stands in for the CSRF token in a cached step page; each response gets its own token.
CSRF_PLACEHOLDER = "csrf-token-of-this-request"


def _render_step(
    request: HttpRequest,
    step: str,
    template: str,
    context: dict,
    *,
    cache_key: tuple | None = None,
) -> HttpResponse:
    """Render a step. With `cache_key` (everything the page shows, besides the steps
    already answered), a GET is rendered once per key and content or schedule change,
    and served with this request's own CSRF token."""
    number = [name for name, _ in STEPS].index(step) + 1
    done = {name for name, _ in STEPS[: number - 1]}
    # A cached step's page shows the choices only (the review step shows the rest).
    state = _choices(request) if cache_key is not None else _state(request)
    context = {
        "summary": _summary(state),
        "steps": [(name, label, name in done) for name, label in STEPS],
        "step": step,
        "step_number": number,
        "step_count": len(STEPS),
        "state": state,
        **context,
    }
    if cache_key is not None:
        # The running summary shows these choices (never a name or an answer).
        cache_key = (*cache_key, *(str(state.get(k)) for k in ("service", "therapist", "start")))
    if cache_key is None or request.method != "GET" or len(messages.get_messages(request)):
        return render(request, template, context)
    html = pagecache.get_or_compute(
        "step",
        (step, request.build_absolute_uri(), cache_key),
        lambda: render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER}, request),
        namespaces=(pagecache.CONTENT, pagecache.SCHEDULE),
        timeout=120,
    )
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def _summary(state: dict) -> dict:
    """The choices so far, for the summary beside the steps (and the phone's bar)."""
    service = _service(state)
    return {
        "service": service,
        "therapist": _therapist(state, service) if service else None,
        "any_therapist": state.get("therapist") == ANY,
        "start": _start(state),
    }


def _guard(step: str):
    """Send the client back to the first step still missing an answer."""

    def decorator(view):
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            # The steps that show only the choices read them as their views do.
            state = _choices(request) if step in ("therapist", "time") else _state(request)
            missing = _missing_step(state, step)
            if missing:
                return redirect(STEP_URLS[missing])
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


# --- Rate limits ------------------------------------------------------------------------


def _booking_limit(
    request: HttpRequest, state: dict, scope: str = "booking"
) -> HttpResponse | None:
    """A 429 page once this address has sent too many booking (or call-back) requests, or
    this email has too many that went through. The email's count grows only in
    `_count_for_email`, after success: attempts that fail (a slot just taken) cost the
    client nothing, and nobody can spend a stranger's quota without booking for real."""
    limit = settings.SPA_BOOKING_LIMIT_PER_HOUR
    if too_many := throttle.limited(
        request, [(f"{scope}-ip", throttle.client_network(request))], limit=limit
    ):
        return too_many
    if not throttle.within(
        f"{scope}-email", throttle.email_key(state["details"]["email"]), limit=limit
    ):
        return throttle.too_many_requests(request, throttle.HOUR)
    return None


def _count_for_email(state: dict, scope: str = "booking") -> None:
    email = throttle.email_key(state["details"]["email"])
    throttle.hit(
        f"{scope}-email", email, limit=settings.SPA_BOOKING_LIMIT_PER_HOUR, window=throttle.HOUR
    )


def _manage_limit(request: HttpRequest, token: str) -> HttpResponse | None:
    """A 429 page once this address or this booking link has made too many changes."""
    return throttle.limited(
        request,
        [("manage-ip", throttle.client_network(request)), ("manage-token", token)],
        limit=settings.SPA_MANAGE_LIMIT_PER_HOUR,
    )


# --- The flow -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def service_step(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    if request.method == "POST":
        form = ServiceForm(request.POST)
        if form.is_valid():
            slug = form.cleaned_data["service"].slug
            if slug != state.get("service"):
                _save(request, service=slug, therapist=None, start=None)
            return redirect("bookings:therapist")
    else:
        if referral := _referral(request.GET.get("from", "")):
            _save(request, referral=referral)
        chosen = request.GET.get("service") or state.get("service")
        form = ServiceForm(initial={"service": chosen})
        if request.GET.get("service") and _service({"service": chosen}):
            # A guide's "book this" link: the service is chosen, go straight on.
            _save(request, service=chosen, therapist=None, start=None)
            if start := _start({"start": request.GET.get("start")}):
                # A time picked on the service page: offer it, with whoever is free.
                _save(request, therapist=ANY, start=start.astimezone(UTC).isoformat())
                return redirect("bookings:time")
            return redirect("bookings:therapist")
    return _render_step(
        request,
        "service",
        "bookings/step_service.html",
        {"form": form},
        cache_key=(form.initial.get("service"),),
    )


@require_http_methods(["GET", "POST"])
@_guard("therapist")
def therapist_step(request: HttpRequest) -> HttpResponse:
    state = _choices(request)
    service = _service(state)
    if service is None:  # withdrawn since the guard looked: choose again
        return redirect("bookings:service")
    initial = {"therapist": state.get("therapist") or ANY}
    # Built once, and on a GET only if the page is rendered afresh (templates call it).
    form = functools.cache(
        lambda: TherapistForm(_posted(request), therapists=_offering(service), initial=initial)
    )

    if request.method == "POST" and form().is_valid():
        if form().cleaned_data["therapist"] != state.get("therapist"):
            _save(request, therapist=form().cleaned_data["therapist"], start=None)
        return redirect("bookings:time")
    return _render_step(
        request,
        "therapist",
        "bookings/step_therapist.html",
        {"form": form, "service": service, "therapists": lambda: form().therapists},
        cache_key=(service.pk, initial["therapist"]),
    )


def _week_start(
    request: HttpRequest, today: date, chosen: datetime | None = None
) -> tuple[int, date]:
    """The week of free times to show: ?week=N, else the week holding the chosen time."""
    default = 0
    if chosen is not None:
        default = max(0, (timezone.localtime(chosen).date() - today).days // 7)
    try:
        week = max(0, min(int(request.GET.get("week", default)), 52))
    except ValueError:
        week = default
    return week, today + timedelta(days=7 * week)


def _anchor(request: HttpRequest, today: date, open_day: date | None) -> date:
    """The first day the time step lists: ?day= (from the month view), else the day
    of the chosen or just-taken time, else today; never before today or past the horizon."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = open_day or today
        # Older links by week (?week=2) still land on that week.
        # isdecimal, not isdigit: "¹" is a digit that int() refuses.
        if (week := request.GET.get("week", "")).isdecimal():
            day = today + timedelta(days=7 * min(int(week), 52))
    return min(max(day, today), today + _rules().horizon)


@require_http_methods(["GET", "POST"])
@_guard("time")
def time_step(request: HttpRequest) -> HttpResponse:
    state = _choices(request)
    service = _service(state)
    if service is None:  # withdrawn since the guard looked: choose again
        return redirect("bookings:service")
    therapist = _therapist(state, service)
    # Built once, and on a GET only if the page is rendered afresh (templates call it).
    form = functools.cache(
        lambda: TimeForm(_posted(request), initial={"start": state.get("start")})
    )
    taken, nearest = None, []
    if request.method == "POST" and form().is_valid():
        start = form().cleaned_data["start"]
        if services.is_bookable(service, getattr(therapist, "pk", None), start):
            _save(request, start=start.isoformat(), taken=None)
            # Details already given (a returning client's "book again", or "Change" from
            # the review step): on to the next step still to do; review lists them all.
            if not state.get("details"):
                return redirect("bookings:details")
            return redirect("bookings:review" if state.get("screen") else "bookings:health")
        taken, nearest = (
            start,
            services.nearest_alternatives(service, getattr(therapist, "pk", None), start),
        )
        form().add_error("start", "Sorry, that time is not free. Choose another.")
    elif state.get("taken"):
        taken = datetime.fromisoformat(state["taken"])
        nearest = services.nearest_alternatives(service, getattr(therapist, "pk", None), taken)
    today = timezone.localdate()
    # After "just taken", the picker opens on the day that was taken.
    opened = taken or _start(state)
    open_day = timezone.localdate(opened) if opened else None
    anchor = _anchor(request, today, open_day)
    if "day" in request.GET:
        open_day = anchor
    chosen = state.get("start")
    return _render_step(
        request,
        "time",
        "bookings/step_time.html",
        {
            "form": form,
            "service": service,
            "therapist": therapist,
            # A callable: the template calls it only when the page is rendered afresh.
            "day_picker": lambda: _day_picker(service, therapist, anchor, chosen, open_day),
            "taken": taken,
            "nearest": nearest,
            "chosen": chosen,
        },
        # The plain page (no time just taken, no error) is the same for everyone at
        # this step with this choice, these days and minute.
        cache_key=None
        if taken
        else (service.pk, getattr(therapist, "pk", None), anchor, chosen, _next_minute()),
    )


# The form comes back filled in with the client's details: no shared or browser cache.
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@_guard("details")
def details_step(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    if not state.get("form_nonce"):
        # What this form's time stamp is bound to; replaced once it is accepted.
        _save(request, form_nonce=secrets.token_urlsafe(16))
        state = _state(request)
    form = DetailsForm(
        _posted(request),
        initial=state.get("details"),
        stamp_for=state["form_nonce"],
        # Back with "Change", or after a time was taken: already timed once.
        returning=bool(state.get("details")),
    )
    if request.method == "POST" and form.is_valid():
        _save(request, details=form.cleaned_data, form_nonce=secrets.token_urlsafe(16))
        return redirect("bookings:health")
    return _render_step(request, "details", "bookings/step_details.html", {"form": form})


def _questions() -> list[Question]:
    return list(
        Question.objects.active()
        .select_related("parent")
        .prefetch_related("avoid_points", "avoid_regions")
    )


def _health_initial(state: dict) -> dict:
    initial = {"health_consent": state.get("health_consent", False)}
    for row in state.get("answers", []):
        initial[f"q_{row['code']}"] = row["answer"]
        initial[f"d_{row['code']}"] = row["detail"]
    return initial


# Error reports must not carry the answers: neither the POST nor any frame's variables.
@never_cache
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
@_guard("health")
def health_step(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    questions = _questions()
    initial, since = _health_initial(state), None
    if not state.get("answers"):
        # A signed-in returning client: their last answers, to change only what changed.
        from bookings.my_views import previous_answers

        if previous := previous_answers(request, state, questions):
            initial, since = {**initial, **previous[0]}, previous[1]
    form = HealthForm(_posted(request), questions=questions, initial=initial)
    if request.method == "POST" and form.is_valid():
        rows = form.answer_rows()
        result = questionnaire.screen_rows(questions, rows)
        for row in rows:
            row["triggered"] = row["code"] in result.triggered
        version = screening.questionnaire_version(questions)
        if result.outcome == Outcome.DECLINE:
            if too_many := _booking_limit(request, state, scope="callback"):
                return too_many
            return _decline(request, state, rows, result, version)
        _save(
            request,
            answers=rows,
            version=version,
            health_consent=True,
            # When the box was ticked: stored with the answers as the consent record.
            health_consent_at=timezone.now().isoformat(),
            screen=dataclasses.asdict(result),
        )
        return redirect("bookings:review")
    return _render_step(
        request,
        "health",
        "bookings/step_health.html",
        {"form": form, "questions": questions, "since": since},
    )


def _decline(request, state, rows, result, version) -> HttpResponse:
    """No slot is taken; the spa calls the client back, with nothing they typed lost."""
    service = _service(state)
    therapist = _therapist(state, service) if service else None
    details = state["details"]
    callback = services.request_callback(
        service=service,
        therapist_id=getattr(therapist, "pk", None),
        preferred_start=_start(state),
        client=services.ClientDetails(**details),
        screened=services.Screened(result=result, answers=rows, version=version),
        consent_version=CONSENT_VERSION,
        consented_at=timezone.now(),
    )
    _count_for_email(state, scope="callback")
    _clear(request)
    # The draft keeps only the key to the request's own private page, which the
    # client's email links to as well: it survives a reload, and a lost tab.
    _write(request, {"callback": {"token": callback.token}})
    return redirect("bookings:callback")


@never_cache
@require_safe
def callback_done(request: HttpRequest) -> HttpResponse:
    """Just after a call-back request: its private page."""
    info = _state(request).get("callback") or {}
    if not is_slug(info.get("token")):
        return redirect("bookings:service")
    return redirect("bookings:callback_page", info["token"])


def _consented_at(state: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(state["health_consent_at"])
    except (KeyError, TypeError, ValueError):
        return None


def _result(state: dict) -> screening.Result:
    data = state["screen"]
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return screening.Result(**fields)


def _booked_message(request: HttpRequest, appointment: Appointment) -> None:
    # True whatever the mail server does: the email is queued, not yet sent.
    done = (
        "Thank you. Your booking is confirmed."
        if appointment.status == Status.CONFIRMED
        else "Thank you. Your request is in."
    )
    messages.success(
        request,
        f"{done} This page is your private link to the booking: "
        f"keep its address ({settings.SPA_SITE_URL}{appointment.get_absolute_url()}). "
        f"We are sending a copy to {appointment.client_email}.",
    )


def _once(view):
    """A review POST whose booking is already made (double-click, retry, back button,
    a second tab) shows that booking's page again instead of making another."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        intent = request.POST.get("intent", "") if request.method == "POST" else ""
        if is_slug(intent) and (appointment := services.booked_for(intent)):
            _clear(request)
            _booked_message(request, appointment)
            return redirect(appointment.get_absolute_url())
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@never_cache
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
@_once
@_guard("review")
def review_step(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    service, start = _service(state), _start(state)
    if service is None or start is None:  # changed since the guard looked: choose again
        return redirect("bookings:service")
    therapist = _therapist(state, service)
    result = _result(state)
    form = ReviewForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if too_many := _booking_limit(request, state):
            return too_many
        # Who the review step named for "whoever is free first".
        proposed = _int_or_none(request.POST.get("proposed")) if therapist is None else None
        try:
            appointment = services.place_booking(
                service=service,
                therapist_id=getattr(therapist, "pk", None),
                start=start,
                client=services.ClientDetails(**state["details"]),
                screened=services.Screened(
                    result=result, answers=state["answers"], version=state["version"]
                ),
                consent_version=CONSENT_VERSION,
                consented_at=_consented_at(state),
                referral=state.get("referral"),
                intent=state.get("intent"),
                prefer=proposed,
            )
        except services.SlotTaken:
            _save(request, taken=state["start"], start=None)
            messages.error(request, "Sorry, someone booked that time a moment ago.")
            return redirect("bookings:time")
        _count_for_email(state)
        _clear(request)
        _booked_message(request, appointment)
        if proposed and appointment.therapist_id != proposed:
            named = Therapist.objects.filter(pk=proposed).first()
            messages.info(
                request,
                f"{named.display_name if named else 'The therapist we named'} was booked by "
                "someone else a moment ago, so your session is with "
                f"{appointment.therapist.display_name}, who was free next.",
            )
        return redirect(appointment.get_absolute_url())
    from points.models import Point

    would_take = services.who_would_take(service, start) if therapist is None else None
    return _render_step(
        request,
        "review",
        "bookings/step_review.html",
        {
            **_session_fit(service, result),
            "form": form,
            "service": service,
            "therapist": therapist,
            "proposed": would_take,
            "start": start,
            "details": state["details"],
            "result": result,
            "avoid_points": Point.objects.filter(code__in=result.avoid_points),
            "change": policy.if_booked_now(start),
            "instant": services.confirms_at_once(service, result.outcome),
        },
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _session_fit(service: Service, result: screening.Result) -> dict:
    """Whether the answers leave enough of the chosen session, and which sessions still fit."""
    active = list(Service.objects.active())
    worked = questionnaire.session_points(active)

    def fits(candidate: Service) -> bool:
        return not screening.rules_out_most(
            worked.get(candidate.pk, set()),
            result.avoid_points,
            light_only=result.light_only,
            firm=candidate.firm_pressure,
        )

    if fits(service):
        return {"misfit": False}
    return {
        "misfit": True,
        "misfit_firm": result.light_only and service.firm_pressure,
        "alternatives": [(s, book_url_for(s)) for s in active if s.pk != service.pk and fits(s)],
    }


# --- The client's own booking -----------------------------------------------------------


def _private(view):
    """The client's private pages: their address is the key to the booking, so no
    Referer carries its path anywhere, not even to the site's own pages (and their
    logs). "strict-origin", not "no-referrer": with the latter browsers send
    `Origin: null`, and the page's own cancel and move forms would fail CSRF."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "strict-origin"
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _appointment(token: str) -> Appointment:
    # Tokens are URL-safe base64; anything else (a NUL byte included) is not one.
    if not is_slug(token) or len(token) > 64:
        raise Http404
    return get_object_or_404(
        Appointment.objects.select_related("service", "therapist"), token=token
    )


@_private
@never_cache
@require_safe
def manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment(token)
    return render(
        request,
        "bookings/manage.html",
        {
            "appointment": appointment,
            "change": policy.for_appointment(appointment),
            "calendar_links": ics.web_calendar_links(appointment),
            "directions_url": ics.directions_url(f"{settings.SPA_NAME}, {settings.SPA_ADDRESS}"),
            "avoid_points": appointment.avoid_points.all(),
            "aftercare": aftercare.suggestions_for(appointment)
            if appointment.status not in (Status.CANCELLED, Status.DECLINED)
            else [],
        },
    )


@_private
@never_cache
@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment(token)
    if too_many := _manage_limit(request, token):
        return too_many
    try:
        services.cancel_by_client(appointment)
    except services.ChangeNotAllowed:
        messages.error(
            request,
            "This booking can no longer be cancelled online. "
            f"Please call us on {settings.SPA_PHONE} instead.",
        )
    else:
        messages.success(
            request, "Your booking is cancelled. We are sending you an email to confirm it."
        )
    return redirect(appointment.get_absolute_url())


@_private
@never_cache
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment(token)
    if request.method == "POST" and (too_many := _manage_limit(request, token)):
        return too_many
    if not appointment.can_client_change():
        messages.error(request, "This booking can no longer be moved online. Please call us.")
        return redirect(appointment.get_absolute_url())
    form = TimeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule(appointment, form.cleaned_data["start"])
        except services.SlotTaken:
            form.add_error("start", "Sorry, that time is not free. Choose another.")
        except services.ChangeNotAllowed:
            messages.error(request, "This booking can no longer be moved online. Please call us.")
            return redirect(appointment.get_absolute_url())
        else:
            messages.success(
                request, "Your booking has moved. We are sending you an email with the new time."
            )
            return redirect(appointment.get_absolute_url())
    today = timezone.localdate()
    rules = services.client_move_rules()
    week, first = _week_start(request, today)
    # The same rules as the move itself: nothing inside the cut-off, nothing past the horizon.
    slots = free_times.slots_for(
        appointment.service,
        appointment.therapist,
        first,
        first + timedelta(days=6),
        rules=rules,
        exclude_appointment_id=appointment.pk,
    )
    earliest = timezone.now() + rules.min_notice
    return render(
        request,
        "bookings/reschedule.html",
        {
            "appointment": appointment,
            "form": form,
            "days": availability.slots_by_day(slots, free_times.spa_zone()),
            "week": week,
            "has_next_week": first + timedelta(days=7) <= today + rules.horizon,
            "change": policy.for_appointment(appointment),
            "earliest": policy.deadline_text(earliest),
        },
    )


@_private
@never_cache
@require_safe
def book_again(request: HttpRequest, token: str) -> HttpResponse:
    """After a cancellation: a new booking of the same session, the client's details
    filled in (never their health answers: those are asked again). With ?then=time,
    straight to the times of the same therapist. A link in the cancellation email, so
    a GET; it only starts a draft, and books nothing."""
    appointment = _appointment(token)
    if appointment.status != Status.CANCELLED:
        return redirect(appointment.get_absolute_url())
    if too_many := _manage_limit(request, token):
        return too_many
    return start_again(
        request,
        appointment,
        keep_therapist=request.GET.get("then") == "time",
        details={
            "name": appointment.client_name,
            "email": appointment.client_email,
            "phone": appointment.client_phone,
        },
    )


def start_again(
    request: HttpRequest, appointment: Appointment, *, keep_therapist: bool, details: dict
) -> HttpResponse:
    """A new draft from an earlier booking (after a cancel, or from My bookings): the
    same session, the client's details filled in, never their health answers (those
    are asked again, or offered back only to a signed-in client on the health step).
    Keeping the therapist goes straight to the times (with whoever is free first if
    they no longer offer the session); otherwise the client chooses one."""
    service = appointment.service
    if not service.active:
        return redirect("bookings:service")
    _clear(request)
    therapist = None
    if keep_therapist:
        offering = Therapist.objects.offering(service).filter(pk=appointment.therapist_id)
        therapist = offering.values_list("slug", flat=True).first() or ANY
    _save(request, service=service.slug, therapist=therapist, details={**details, "notes": ""})
    messages.info(request, "Your details are filled in. Choose a time for your new booking.")
    return redirect("bookings:time" if keep_therapist else "bookings:therapist")


@_private
@never_cache
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def answer_health(request: HttpRequest, token: str) -> HttpResponse:
    """The health questions for a booking the spa made on the client's behalf."""
    appointment = _appointment(token)
    if appointment.status != Status.AWAITING_ANSWERS:
        return redirect(appointment.get_absolute_url())
    questions = _questions()
    form = HealthForm(_posted(request), questions=questions)
    if request.method == "POST" and form.is_valid():
        if too_many := _manage_limit(request, token):
            return too_many
        rows = form.answer_rows()
        result = questionnaire.screen_rows(questions, rows)
        for row in rows:
            row["triggered"] = row["code"] in result.triggered
        screened = services.Screened(
            result=result, answers=rows, version=screening.questionnaire_version(questions)
        )
        try:
            outcome = services.answer_questions(
                appointment, screened=screened, consent_version=CONSENT_VERSION
            )
        except services.ChangeNotAllowed:
            return redirect(appointment.get_absolute_url())
        if isinstance(outcome, Appointment):
            messages.success(request, "Thank you. Your answers are in; we have emailed you.")
            return redirect(appointment.get_absolute_url())
        # Its private page shows what we suggest, read from the call-back itself:
        # nothing of the answers goes into the session.
        return redirect("bookings:callback_page", outcome.token)
    return render(
        request,
        "bookings/answer_health.html",
        {"appointment": appointment, "form": form, "questions": questions},
    )


@_private
@never_cache
@require_safe
def callback_page(request: HttpRequest, token: str) -> HttpResponse:
    """The client's call-back request, from the flow or their email: what we suggest
    (from their answers) and that we will call. Private to whoever holds the link."""
    if not is_slug(token) or len(token) > 64:
        raise Http404
    callback = get_object_or_404(CallbackRequest, token=token)
    info = {"name": callback.name, "guidance": callback.guidance.splitlines()}
    return render(request, "bookings/callback.html", {"info": info, "callback": callback})


@_private
@never_cache
@require_safe
def calendar_file(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment(token)
    response = HttpResponse(
        ics.calendar_for(appointment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="spa-appointment.ics"'
    return response


def book_url_for(service: Service, referral: tuple[str, str] | None = None) -> str:
    """The link that starts /book/ with `service` chosen, recording the guide it came from."""
    url = reverse("bookings:service") + f"?service={service.slug}"
    if referral:
        url += f"&from={referral[0]}:{referral[1]}"
    return url


# --- Services and aftercare ---------------------------------------------------------------


@require_safe
@pagecache.public_page(pagecache.CONTENT)
def service_list(request: HttpRequest) -> HttpResponse:
    services_ = Service.objects.active().prefetch_related("regions")
    return render(request, "bookings/service_list.html", {"services": services_})


@require_safe
# The next free times change with the schedule, and with the clock: a minute at most.
@pagecache.public_page(pagecache.CONTENT, pagecache.SCHEDULE, extra=lambda r: _next_minute())
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    from points.models import Point

    service = get_object_or_404(
        Service.objects.active().prefetch_related("regions"), slug=slug if is_slug(slug) else ""
    )
    today = timezone.localdate()
    # The therapists listed are the ones whose free times are shown: read once.
    therapists, rules = free_times.offering(service)
    upcoming = free_times.slots_for(
        service,
        None,
        today,
        today + timedelta(days=14),
        now=_next_minute(),
        rules=rules,
        therapists=therapists,
    )[:8]
    referral = ("service", service.slug)
    return render(
        request,
        "bookings/service_detail.html",
        {
            "service": service,
            "therapists": therapists,
            "points": Point.objects.published()
            .filter(region__in=service.regions.all())
            .select_related("region"),
            "next_times": [
                # Encoded: a bare "+" of the offset would arrive as a space.
                (
                    slot,
                    book_url_for(service, referral)
                    + "&"
                    + urlencode({"start": slot.start.isoformat()}),
                )
                for slot in upcoming
            ],
            "book_url": book_url_for(service, referral),
        },
    )


@_private
@never_cache
@require_safe
def aftercare_routine(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    """A suggested routine with the points the client's answers rule out left out."""
    from points.views import routine_context

    appointment = _appointment(token)
    suggestion = next(
        (s for s in aftercare.suggestions_for(appointment) if s.routine.slug == slug), None
    )
    if suggestion is None:
        raise Http404
    context = routine_context(suggestion.routine, suggestion.steps)
    context.update(
        {
            "appointment": appointment,
            "left_out": suggestion.left_out,
            "light_only": suggestion.light_only,
        }
    )
    return render(request, "bookings/aftercare_routine.html", context)
