"""Client emails, staff alerts and reminders: content, calendar files, and no health data."""

import logging
import re
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from bookings import notifications, policy
from bookings.models import (
    Appointment,
    BookingRules,
    CallbackRequest,
    HealthAnswers,
    Status,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

CANARY = "CANARY-7731"
CHICAGO = ZoneInfo("America/Chicago")
SITE = "https://spa.example"
START = datetime(2026, 12, 8, 10, 0, tzinfo=CHICAGO)
WHEN = "Tuesday 8 December 2026 at 10:00 AM (Central Time)"
WHEN_SHORT = "Tuesday 8 December 2026 at 10:00 AM"
GUIDANCE = "Bring a note of clearance from your doctor or midwife."


@pytest.fixture(autouse=True)
def _spa_settings(settings):
    settings.TIME_ZONE = "America/Chicago"
    settings.SPA_SITE_URL = SITE
    settings.SPA_PHONE = "(555) 010-4477"
    settings.SPA_STAFF_EMAIL = "desk@spa.example"


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user("maya", "maya@spa.example", is_staff=True)


@pytest.fixture
def service(db):
    BookingRules.objects.update_or_create(pk=1, defaults={"cancellation_cutoff_hours": 24})
    return f.service(
        "Hot stone massage",
        slug="hot-stone",
        summary="Warm stones.",
        description="Warm stones along the back.",
        price="90.00",
    )


@pytest.fixture
def therapist(staff_user, service):
    return f.therapist("Maya Lind", service, user=staff_user, slug="maya")


@pytest.fixture
def appointment(service, therapist):
    return f.appointment(service, therapist, START)


def manage_url(a: Appointment) -> str:
    return SITE + a.get_absolute_url()


def html_of(message) -> str:
    [alternative] = message.alternatives
    assert alternative.mimetype == "text/html"
    return alternative.content


def calendar_of(message) -> tuple[str, str]:
    """(the Content-Type header, the decoded calendar text) of the one .ics attachment."""
    [part] = message.attachments
    return part["Content-Type"], part.get_content()


def calendar_props(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").replace("\n ", "").splitlines():
        name, _, value = line.partition(":")
        found.setdefault(name.split(";")[0], value)
    return found


def prepare(a: Appointment, kind: str) -> None:
    """Put the appointment in the state the kind is sent from."""
    status = {
        "requested": Status.REQUESTED,
        "awaiting-clearance": Status.AWAITING_CLEARANCE,
        "declined": Status.DECLINED,
        "cancelled": Status.CANCELLED,
    }.get(kind, Status.CONFIRMED)
    a.status = status
    a.cancelled_by = Appointment.CancelledBy.CLIENT if status == Status.CANCELLED else ""
    a.save()


# --- Client emails ----------------------------------------------------------------


@pytest.mark.parametrize("kind", notifications.KINDS)
def test_every_kind_renders_service_time_and_link(appointment, kind):
    prepare(appointment, kind)
    notifications.notify(appointment, kind)
    [message] = mail.outbox
    assert message.to == ["casey@example.com"]
    assert "\n" not in message.subject
    assert "Hot stone massage" in message.subject
    assert WHEN_SHORT in message.subject
    for body in (message.body, html_of(message)):
        assert "Hot stone massage" in body
        assert WHEN in body
        assert manage_url(appointment) in body
        assert "Maya Lind" in body
    assert "&amp;" not in message.body
    assert "&amp;" not in message.subject
    assert "Willow &amp; Stone" in html_of(message) or "&" not in html_of(message)


def test_unknown_kind_is_refused(appointment):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notifications.notify(appointment, "completed")
    assert mail.outbox == []


def test_requested_says_it_is_a_request(appointment):
    notifications.notify(appointment, "requested")
    body = mail.outbox[0].body
    assert "request, not yet a confirmed booking" in body
    last = policy.deadline_text(appointment.start - timedelta(hours=24))
    assert f"You can cancel or move this booking online until {last}." in body


def test_cut_off_wording_follows_the_rules(appointment):
    BookingRules.objects.filter(pk=1).update(cancellation_cutoff_hours=48)
    notifications.notify(appointment, "requested")
    last = policy.deadline_text(appointment.start - timedelta(hours=48))
    assert f"until {last}." in mail.outbox[0].body


def test_awaiting_clearance_says_held_and_what_to_bring(service, therapist):
    a = f.appointment(
        service, therapist, START, status=Status.AWAITING_CLEARANCE, client_guidance=GUIDANCE
    )
    notifications.notify(a, "awaiting-clearance")
    message = mail.outbox[0]
    assert "holding this time" in message.body
    # What to do, and where the details are; never the condition itself.
    assert notifications.NOTE_TO_BRING in message.body
    assert notifications.NOTE_TO_BRING in html_of(message)
    assert manage_url(a) in message.body
    assert GUIDANCE not in message.body
    assert GUIDANCE not in html_of(message)


@pytest.mark.parametrize("kind", ["requested", "awaiting-clearance", "confirmed", "reminder"])
def test_guidance_only_while_awaiting_clearance(service, therapist, kind):
    waiting = f.appointment(
        service, therapist, START, status=Status.AWAITING_CLEARANCE, client_guidance=GUIDANCE
    )
    notifications.notify(waiting, kind)
    assert notifications.NOTE_TO_BRING in mail.outbox[-1].body
    assert GUIDANCE not in mail.outbox[-1].body
    cleared = f.appointment(
        service,
        therapist,
        start=START + timedelta(days=1),
        status=Status.CONFIRMED,
        client_guidance=GUIDANCE,
    )
    notifications.notify(cleared, kind)
    assert GUIDANCE not in mail.outbox[-1].body
    assert GUIDANCE not in html_of(mail.outbox[-1])
    assert notifications.NOTE_TO_BRING not in mail.outbox[-1].body


def test_declined_gives_no_reason_and_says_to_call(appointment):
    appointment.transition(Status.DECLINED, reason="Clashes with the therapist's course")
    notifications.notify(appointment, "declined")
    message = mail.outbox[0]
    assert "could not take this booking" in message.body
    assert "(555) 010-4477" in message.body
    assert "course" not in message.body
    assert "course" not in html_of(message)


@pytest.mark.parametrize(
    ("by", "wording"),
    [("client", "As you asked, we have cancelled"), ("spa", "we have had to cancel")],
)
def test_cancelled_says_who_cancelled(appointment, staff_user, by, wording):
    appointment.transition(
        Status.CANCELLED, by=staff_user if by == "spa" else None, cancelled_by=by
    )
    notifications.notify(appointment, "cancelled")
    message = mail.outbox[0]
    assert wording in message.body
    assert wording in html_of(message)


def test_rescheduled_shows_the_new_time(appointment):
    appointment.set_times(START + timedelta(days=2, hours=4))  # Thursday 14:00
    appointment.sequence += 1
    appointment.save()
    notifications.notify(appointment, "rescheduled")
    message = mail.outbox[0]
    assert "Thursday 10 December 2026 at 2:00 PM (Central Time)" in message.body
    assert "Thursday 10 December 2026 at 2:00 PM" in message.subject


def test_ics_link_in_confirmed_email(appointment):
    notifications.notify(appointment, "confirmed")
    assert manage_url(appointment) + "calendar.ics" in mail.outbox[0].body


# --- Calendar attachments ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "method"),
    [("confirmed", "PUBLISH"), ("rescheduled", "PUBLISH"), ("cancelled", "CANCEL")],
)
def test_calendar_attached_with_method_and_sequence(appointment, kind, method):
    prepare(appointment, kind)
    Appointment.objects.filter(pk=appointment.pk).update(sequence=5)
    appointment.refresh_from_db()
    notifications.notify(appointment, kind)
    content_type, text = calendar_of(mail.outbox[0])
    assert content_type.startswith("text/calendar")
    assert f'method="{method}"' in content_type or f"method={method}" in content_type
    found = calendar_props(text)
    assert found["METHOD"] == method
    assert found["SEQUENCE"] == "5"
    assert found["DTSTART"] == "20261208T160000Z"


@pytest.mark.parametrize("kind", ["requested", "confirmed", "rescheduled", "reminder"])
def test_stale_kind_is_not_sent_after_a_cancellation(appointment, kind, caplog):
    """A queued task can run late: no 'confirmed' or 'reminder' for a cancelled booking."""
    caplog.set_level(logging.INFO, logger="bookings.notifications")
    appointment.transition(Status.CANCELLED, cancelled_by="client")
    notifications.notify(appointment, kind)
    assert mail.outbox == []
    assert f"Skipped {kind} email for appointment {appointment.pk}" in caplog.text


@pytest.mark.parametrize("kind", ["requested", "awaiting-clearance", "declined", "reminder"])
def test_no_calendar_on_other_kinds(appointment, kind):
    prepare(appointment, kind)
    notifications.notify(appointment, kind)
    assert mail.outbox[0].attachments == []


def test_uid_stable_and_sequence_rises_through_the_life_of_a_booking(appointment, staff_user):
    appointment.transition(Status.CONFIRMED, by=staff_user)
    notifications.notify(appointment, "confirmed")
    appointment.set_times(START + timedelta(days=1))
    appointment.sequence += 1
    appointment.save()
    notifications.notify(appointment, "rescheduled")
    appointment.transition(Status.CANCELLED, by=staff_user)
    notifications.notify(appointment, "cancelled")

    found = [calendar_props(calendar_of(m)[1]) for m in mail.outbox]
    uids = {p["UID"] for p in found}
    assert len(uids) == 1
    [uid] = uids
    assert appointment.token not in uid
    sequences = [int(p["SEQUENCE"]) for p in found]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 3
    assert [p["METHOD"] for p in found] == ["PUBLISH", "PUBLISH", "CANCEL"]
    assert [p["DTSTART"] for p in found] == [
        "20261208T160000Z",
        "20261209T160000Z",
        "20261209T160000Z",
    ]


# --- Staff alerts -----------------------------------------------------------------


def test_staff_alert_for_a_clear_request(appointment):
    notifications.notify_staff(appointment)
    [message] = mail.outbox
    assert message.to == ["desk@spa.example"]
    assert "New booking request" in message.subject
    assert "FLAGGED" not in message.subject
    assert "awaiting clearance" not in message.subject
    assert "Hot stone massage" in message.body
    assert WHEN in message.body
    assert "Casey Client" in message.body
    assert "(555) 010-2233" in message.body
    assert SITE + reverse("admin:index") in message.body
    assert "permission needed" in message.body


def test_staff_alert_links_to_the_appointment_in_admin(appointment):
    change = reverse("admin:bookings_appointment_change", args=[appointment.pk])
    notifications.notify_staff(appointment)
    assert SITE + change in mail.outbox[0].body


def test_staff_alert_flags_review_and_clearance(service, therapist):
    review = f.appointment(
        service, therapist, START, flagged=True, screening=Appointment.Screening.REVIEW
    )
    notifications.notify_staff(review)
    assert "FLAGGED: therapist review" in mail.outbox[-1].subject
    clearance = f.appointment(
        service,
        therapist,
        start=START + timedelta(days=1),
        status=Status.AWAITING_CLEARANCE,
        screening=Appointment.Screening.CLEARANCE,
    )
    notifications.notify_staff(clearance)
    assert "awaiting clearance" in mail.outbox[-1].subject


def test_callback_alert(service, therapist):
    callback = CallbackRequest.objects.create(
        name="Robin Reed",
        email="robin@example.com",
        phone="(555) 010-9999",
        notes="Evenings are best.",
        service=service,
        therapist=therapist,
        preferred_start=START,
    )
    notifications.notify_callback(callback)
    [message] = mail.outbox
    assert message.to == ["desk@spa.example"]
    assert "Call back" in message.subject
    for expected in (
        "Robin Reed",
        "robin@example.com",
        "(555) 010-9999",
        "Evenings are best.",
        "Hot stone massage",
        WHEN,
        "see the answers in admin (permission needed)",
    ):
        assert expected in message.body


# --- Logging ----------------------------------------------------------------------


def test_one_log_line_per_email_with_ids_only(appointment, caplog):
    caplog.set_level(logging.INFO, logger="bookings.notifications")
    notifications.notify(appointment, "requested")
    notifications.notify_staff(appointment)
    lines = [r.getMessage() for r in caplog.records if r.name == "bookings.notifications"]
    assert lines == [
        f"Sent requested email for appointment {appointment.pk}",
        f"Sent staff alert for appointment {appointment.pk}",
    ]
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name.startswith("bookings"))
    assert "Casey" not in caplog.text
    assert "casey@example.com" not in caplog.text


# --- The health canary ------------------------------------------------------------


def _everything_in(message) -> str:
    """Subject, body, alternatives, attachments and every decoded MIME part."""
    pieces = [message.subject, message.body, str(message.to), str(message.extra_headers)]
    pieces += [alternative.content for alternative in message.alternatives]
    for attachment in message.attachments:
        pieces.append(attachment.as_string())
        pieces.append(attachment.get_content())
    for part in message.message().walk():
        pieces.append(str(part.items()))
        if not part.is_multipart():
            pieces.append(str(part.get_content()))
    return "\n".join(pieces)


def test_health_canary_never_leaves(service, therapist, staff_user, caplog):
    caplog.set_level(logging.DEBUG)
    point = f.point("CAN7731", english_name=f"{CANARY} point", pinyin_name=CANARY)
    a = f.appointment(
        service,
        therapist,
        START,
        status=Status.AWAITING_CLEARANCE,
        flagged=True,
        screening=Appointment.Screening.REVIEW,
        client_notes=f"Therapist please note {CANARY}",
        avoid_areas=f"{CANARY} lower abdomen",
        client_guidance=GUIDANCE,
        status_reason=f"{CANARY} reason",
    )
    a.avoid_points.add(point)
    answers = [
        {
            "code": "pregnant",
            "question": f"Are you pregnant? {CANARY}",
            "version": 1,
            "kind": "yes-no",
            "answer": "yes",
            "detail": f"{CANARY} 20 weeks",
            "triggered": True,
        }
    ]
    HealthAnswers.objects.create(
        appointment=a, questionnaire_version="1", answers=answers, outcome="review"
    )
    callback = CallbackRequest.objects.create(
        name="Robin Reed",
        email="robin@example.com",
        phone="(555) 010-9999",
        notes="Evenings are best.",
        service=service,
        preferred_start=START,
    )
    HealthAnswers.objects.create(
        callback=callback, questionnaire_version="1", answers=answers, outcome="decline"
    )

    # Every kind from each state it can be sent in, so every template branch runs.
    for status, by in [
        (Status.AWAITING_CLEARANCE, ""),
        (Status.CONFIRMED, ""),
        (Status.DECLINED, ""),
        (Status.CANCELLED, "spa"),
        (Status.CANCELLED, "client"),
    ]:
        Appointment.objects.filter(pk=a.pk).update(status=status, cancelled_by=by)
        a.refresh_from_db()
        for kind in notifications.KINDS:
            notifications.notify(a, kind)
    notifications.notify_staff(a)
    notifications.notify_callback(callback)

    sent = {r.args[0] for r in caplog.records if r.getMessage().startswith("Sent ") and r.args}
    assert set(notifications.KINDS) <= sent
    subjects = [m.subject for m in mail.outbox]
    assert any("New booking request" in s for s in subjects)
    assert any("Call back" in s for s in subjects)
    for message in mail.outbox:
        assert CANARY not in _everything_in(message), message.subject
    assert notifications.NOTE_TO_BRING in mail.outbox[0].body  # what to do did go out
    assert CANARY not in caplog.text
    assert all(CANARY not in r.getMessage() for r in caplog.records)


# --- Reminders --------------------------------------------------------------------


def reminders(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def soon(service, therapist):
    """Confirmed, in three hours."""
    start = timezone.now() + timedelta(hours=3)
    return f.appointment(service, therapist, start=start, status=Status.CONFIRMED)


def test_reminder_sent_once(soon):
    assert "Queued 1 reminder" in reminders()
    [message] = mail.outbox
    assert message.subject.startswith("Reminder:")
    assert message.to == ["casey@example.com"]
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    assert "Queued 0 reminder" in reminders()
    assert len(mail.outbox) == 1


def test_only_confirmed_within_the_window(service, therapist, soon):
    now = timezone.now()
    f.appointment(service, therapist, start=now + timedelta(hours=5), status=Status.REQUESTED)
    # Two hours apart: a 60-minute session plus its 15-minute reset never overlaps.
    f.appointment(
        service, therapist, start=now + timedelta(hours=7), status=Status.AWAITING_CLEARANCE
    )
    f.appointment(
        service,
        therapist,
        start=now + timedelta(hours=7),
        status=Status.CANCELLED,
    )
    f.appointment(service, therapist, start=now + timedelta(hours=30), status=Status.CONFIRMED)
    f.appointment(service, therapist, start=now - timedelta(hours=2), status=Status.CONFIRMED)
    assert "Queued 1 reminder" in reminders()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["casey@example.com"]
    assert Appointment.objects.filter(reminder_sent_at__isnull=False).get() == soon


def test_hours_option_widens_the_window(service, therapist, soon):
    f.appointment(
        service, therapist, start=timezone.now() + timedelta(hours=30), status=Status.CONFIRMED
    )
    assert "Queued 2 reminder" in reminders("--hours", "48")


def test_dry_run_sends_nothing(soon):
    assert "Would send 1 reminder" in reminders("--dry-run")
    assert mail.outbox == []
    soon.refresh_from_db()
    assert soon.reminder_sent_at is None


def test_overlapping_runs_send_each_reminder_once(service, therapist, soon, monkeypatch):
    """A second run starts while the first is sending: the first has listed both
    appointments, the second claims the one the first has not reached yet."""
    other = f.appointment(
        service, therapist, start=timezone.now() + timedelta(hours=1), status=Status.CONFIRMED
    )
    original_send = EmailMultiAlternatives.send
    second_run: dict[str, str] = {}

    def send_and_overlap(self, *args, **kwargs):
        result = original_send(self, *args, **kwargs)
        if "started" not in second_run:
            second_run["started"] = "yes"
            second_run["output"] = reminders()
        return result

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_and_overlap)
    first_run = reminders()
    assert "Queued 1 reminder" in second_run["output"]
    assert "Queued 1 reminder" in first_run
    assert len(mail.outbox) == 2
    tokens = {re.search(r"/bookings/([^/]+)/", m.body).group(1) for m in mail.outbox}
    assert tokens == {soon.token, other.token}


# --- Through the booking services -------------------------------------------------


def test_moving_and_cancelling_online_send_updated_calendars(
    spa, django_capture_on_commit_callbacks
):
    from bookings import services
    from tests.bookings.conftest import tomorrow_at

    a = f.appointment(spa["service"], spa["ana"], start=tomorrow_at(10), status=Status.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule(a, tomorrow_at(14))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_by_client(a)
    moved, cancelled = mail.outbox
    assert moved.subject.startswith("New time:")
    assert "2:00 PM" in moved.subject
    assert "As you asked" in cancelled.body
    first, second = (calendar_props(calendar_of(m)[1]) for m in (moved, cancelled))
    assert first["UID"] == second["UID"]
    assert a.token not in first["UID"]
    assert (first["METHOD"], second["METHOD"]) == ("PUBLISH", "CANCEL")
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"]) > 0


def test_hours_must_be_positive(soon):
    with pytest.raises(CommandError):
        reminders("--hours", "0")
    assert mail.outbox == []


def test_a_call_back_request_is_confirmed_to_the_client_without_health_words(spa, questions):
    from django.test import Client

    from tests.bookings.conftest import DETAILS, answers, tomorrow_at

    client = Client()
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "any"})
    client.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    client.post("/book/details/", DETAILS)
    assert client.post("/book/health/", answers(fever="yes"))["Location"] == "/book/call-back/"
    [confirmation] = [m for m in mail.outbox if m.to == ["casey@example.com"]]
    assert "We will call you back" in confirmation.subject
    assert "(555) 010-2233" in confirmation.body  # the number we will call
    for word in ("fever", "rebook", "health", "answer", "48 hours", "two days"):
        assert word not in confirmation.body.lower(), word
