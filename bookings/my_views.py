"""'My bookings' at /my-bookings/: a returning client signs in with an emailed link.

No password and no account: the client types their email, and whatever the
address, the site answers the same way and does the same work (a link row and
an outbox row; the worker sends the email only when we know the address).
Signed in, the session holds the client's id (sign_in.SESSION_KEY) and nothing
else about them; the page lists their bookings, each opening its private page,
and "book again" starts the flow with the session, therapist and details filled
in. Their last answers are offered again on the health step (views.health_step).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from bookings import notifications, questionnaire, services, sign_in, views
from bookings.forms import HealthForm
from bookings.models import (
    HOLDING,
    Appointment,
    Client,
    HealthAnswers,
    PreVisitChange,
    SignInLink,
)
from house import throttle


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Your email",
        max_length=254,
        error_messages={
            "required": "Enter the email address you booked with.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


def _limit(request: HttpRequest, email: str) -> HttpResponse | None:
    """As the booking form: so many link requests an hour per address and per mailbox."""
    return throttle.limited(
        request,
        [
            ("sign-in-ip", throttle.client_network(request)),
            ("sign-in-email", throttle.email_key(email)),
        ],
        limit=settings.SPA_BOOKING_LIMIT_PER_HOUR,
    )


@views._private
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def my_bookings(request: HttpRequest) -> HttpResponse:
    client = sign_in.signed_in_client(request)
    if client is not None and request.method == "GET":
        return _bookings_page(request, client)
    form = EmailForm(views._posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if too_many := _limit(request, email):
            return too_many
        # The same rows and the same queued task whether we know the address or not.
        link = SignInLink.objects.create(client=Client.objects.for_email(email))
        notifications.send_sign_in_link(link)
        return redirect("bookings:my_bookings_sent")
    return render(request, "bookings/my_bookings_ask.html", {"form": form})


@never_cache
@require_http_methods(["GET"])
def my_bookings_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "bookings/my_bookings_sent.html", {"minutes": settings.SPA_SIGN_IN_LINK_MINUTES}
    )


def _bookings_page(request: HttpRequest, client: Client) -> HttpResponse:
    now = timezone.now()
    appointments = list(
        client.appointments.select_related("service", "therapist").order_by("-start")
    )
    upcoming = [a for a in appointments if a.start >= now and a.status in HOLDING]
    return render(
        request,
        "bookings/my_bookings.html",
        {
            "client": client,
            "upcoming": sorted(upcoming, key=lambda a: a.start),
            "past": [a for a in appointments if a not in upcoming],
        },
    )


@views._private
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. A GET only shows a button (mail scanners fetch links before
    people do); the POST spends the link and signs the client in."""
    link = sign_in.link_for(token)
    if link is None or link.client is None:
        # 200, not 404: a 404 would put the link's path in the request log.
        return render(request, "bookings/sign_in.html", {"expired": True})
    if request.method == "POST":
        if not sign_in.use(link):
            return render(request, "bookings/sign_in.html", {"expired": True})
        sign_in.sign_in(request, link.client, remember=request.POST.get("remember") == "on")
        return redirect("bookings:my_bookings")
    return render(
        request,
        "bookings/sign_in.html",
        {"expired": False, "remember_days": settings.SPA_REMEMBER_CLIENT_DAYS},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    sign_in.sign_out(request)
    return redirect("bookings:my_bookings")


@never_cache
@require_POST
def book_again(request: HttpRequest) -> HttpResponse:
    """Start the flow from one of the client's bookings: same session and therapist (if
    they still offer it), details filled in; the client picks a new time."""
    client = sign_in.signed_in_client(request)
    token = request.POST.get("booking", "")
    appointment = (
        Appointment.objects.filter(token=token, client=client).select_related("service").first()
        if client is not None and views.is_slug(token)
        else None
    )
    if appointment is None or client is None:
        return redirect("bookings:my_bookings")
    return views.start_again(
        request,
        appointment,
        keep_therapist=True,
        details={
            "name": client.name or appointment.client_name,
            "email": client.email,
            "phone": client.phone or appointment.client_phone,
        },
    )


def previous_answers(request: HttpRequest, state: dict, questions) -> tuple[dict, object] | None:
    """A signed-in client's last answers (under SPA_REUSE_ANSWERS_MONTHS old) as the
    health form's initial values, and when they were given; None for anyone else.

    Only for the client who proved the address by their link, booking under that
    same address. Only answers to a question as it is asked now (same version) are
    filled in: a new or reworded question is asked afresh."""
    client = sign_in.signed_in_client(request)
    details = state.get("details") or {}
    if client is None or (details.get("email") or "").strip().lower() != client.email:
        return None
    health = client.latest_health()
    oldest = timezone.now() - timedelta(days=30 * settings.SPA_REUSE_ANSWERS_MONTHS)
    if health is None or health.created < oldest:
        return None
    rows = {r.get("code"): r for r in health.answers if isinstance(r, dict)}
    # The pre-visit check's answers are the newer ones.
    rows |= {r.get("code"): r for r in health.pre_visit_answers if isinstance(r, dict)}
    initial = {}
    for q in questions:
        row = rows.get(q.code)
        if row is None or row.get("version") != q.version:
            continue
        initial[f"q_{q.code}"] = row.get("answer", "")
        if q.follow_up:
            initial[f"d_{q.code}"] = row.get("detail", "")
    since = health.pre_visit_at or health.created
    return (initial, since) if initial else None


# --- The pre-visit check ------------------------------------------------------------------


@views._private
@never_cache
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def pre_visit_check(request: HttpRequest, token: str) -> HttpResponse:
    """The "today" questions again, from the email sent SPA_PRE_VISIT_HOURS before.

    Answering is optional, and nothing is cancelled by it: a change that rules the
    visit out offers to move it (and staff are told); one that needs a look flags
    it for the therapist."""
    appointment = views._appointment(token)
    health = HealthAnswers.objects.filter(appointment=appointment).first()
    if not appointment.holds_slot or appointment.start <= timezone.now() or health is None:
        return redirect(appointment.get_absolute_url())
    questions = views._questions()
    today = [q for q in questions if q.pre_visit]
    if appointment.pre_visit_answered_at is not None:
        return _pre_visit_done(request, appointment, health, questions)
    form = HealthForm(views._posted(request), questions=today, consent=False)
    if request.method == "POST" and form.is_valid():
        if too_many := views._manage_limit(request, token):
            return too_many
        services.record_pre_visit_check(appointment, form.answer_rows(), questions)
        return redirect("bookings:pre_visit", token)
    return render(
        request,
        "bookings/pre_visit.html",
        {"appointment": appointment, "form": form, "questions": today},
    )


def _pre_visit_done(request, appointment, health, questions) -> HttpResponse:
    guidance = []
    if appointment.pre_visit_change == PreVisitChange.MOVE:
        rows = {r["code"]: r for r in health.answers if isinstance(r, dict) and r.get("code")}
        rows |= {
            r["code"]: r for r in health.pre_visit_answers if isinstance(r, dict) and r.get("code")
        }
        result = questionnaire.screen_rows(questions, rows.values())
        guidance = list(result.guidance)
    return render(
        request,
        "bookings/pre_visit_done.html",
        {
            "appointment": appointment,
            "change": appointment.pre_visit_change,
            "guidance": guidance,
            "can_change": appointment.can_client_change(),
        },
    )
