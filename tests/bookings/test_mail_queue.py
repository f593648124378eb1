"""The mail queue under faults: a real SMTP server that is down, refuses or hangs, and a
real worker on the database queue and on the Redis (RQ) queue.

Nothing here fakes the failure itself: the SMTP server is a real one on a
loopback port (tests/smtp_server.py), the worker is django-tasks-db's
`db_worker` (or RQ's worker on the local Redis, database 3), and a killed
worker is a real process killed with SIGKILL.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from bookings import notifications, services
from bookings.models import Appointment, OutgoingEmail, Service, Status
from tests.bookings.conftest import staff_in, tomorrow_at, walk_to_review
from tests.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db(transaction=True)

# Each checkout running the suite at once may pick its own database (SPA_TEST_REDIS_URL);
# each pytest-xdist worker of one run takes the next number up (gw0 3, gw1 4, ...), so
# one worker's flush never empties another's queue.
_BASE_REDIS_URL, _, _BASE_REDIS_DB = os.environ.get(
    "SPA_TEST_REDIS_URL", "redis://127.0.0.1:6379/3"
).rpartition("/")
REDIS_URL = (
    f"{_BASE_REDIS_URL}/"
    f"{int(_BASE_REDIS_DB) + int(os.environ.get('PYTEST_XDIST_WORKER', 'gw0')[2:])}"
)
DELAYS = [60, 300, 1800, 7200, 43200]
FIGURES = Path(os.environ.get("SPA_FAULT_FIGURES", "/dev/null"))


def note(line: str) -> None:
    """The battery's figures, printed (pytest -s) and appended to SPA_FAULT_FIGURES if set."""
    print(line)
    with FIGURES.open("a") as out:
        out.write(line + "\n")


@pytest.fixture
def smtp():
    server = SMTPServer("down")
    yield server
    server.stop()


@pytest.fixture(params=["database", "redis"])
def queue(request, settings, smtp):
    """The worker's queue, with the app's real SMTP backend pointed at the test server."""
    settings.MAILERS = smtp.mailers()
    settings.SPA_MAIL_RETRY_DELAYS = DELAYS
    settings.SPA_BOOKING_LIMIT_PER_HOUR = 1000
    if request.param == "database":
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        yield "database"
        return
    import django_rq

    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    redis = django_rq.get_connection("default")
    redis.flushdb()
    yield "redis"
    redis.flushdb()


def run_worker(queue: str) -> None:
    """Run every task on the queue, then return: the worker the spa runs, in burst mode."""
    if queue == "database":
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    else:
        call_command(
            "rqworker",
            "default",
            "--burst",
            "--job-class",
            "django_tasks_rq.Job",
            # No fork: the job runs in this process, on the test's database.
            "--worker-class",
            "rq.worker.SimpleWorker",
            verbosity=0,
        )
    connection.close()


def message_ids(smtp: SMTPServer) -> list[str]:
    return [m["Message-ID"] for m in smtp.messages]


def undelivered_shown_to(staff: Client, appointment: Appointment) -> bool:
    page = staff.get(f"/admin/bookings/appointment/{appointment.pk}/change/")
    text = page.content.decode()
    return "Not sent yet, retrying" in text or "Email not delivered" in text


# --- One message, every kind of failure ------------------------------------------------


def test_refused_connection_is_retried_with_backoff_then_reported_once(spa, smtp, settings, caplog):
    settings.MAILERS = smtp.mailers()
    settings.SPA_MAIL_RETRY_DELAYS = DELAYS
    caplog.set_level(logging.INFO)
    a = services_booking(spa)
    email = OutgoingEmail.objects.get(appointment=a, kind="confirmed")
    assert email.state == OutgoingEmail.State.PENDING
    assert email.attempts == 1
    assert email.last_error == "The mail server refused the connection"
    waited = [round((email.next_attempt_at - timezone.now()).total_seconds())]
    # Walk the clock through every retry: each falls due, is tried, and fails.
    for _ in DELAYS:
        notifications.sweep(now=email.next_attempt_at + timedelta(seconds=1))
        email.refresh_from_db()
        if email.state == OutgoingEmail.State.PENDING:
            waited.append(round((email.next_attempt_at - timezone.now()).total_seconds()))
    assert [w // 10 * 10 for w in waited] == [d // 10 * 10 for d in DELAYS]
    assert email.state == OutgoingEmail.State.FAILED
    assert email.attempts == len(DELAYS) + 1
    # The summary to staff was queued when the message was given up on; the mail
    # server is back for its first retry, and it goes once.
    smtp.set_mode("accept")
    notifications.sweep(now=timezone.now() + timedelta(minutes=2))
    notifications.sweep(now=timezone.now() + timedelta(minutes=3))
    summaries = [m for m in smtp.messages if "could not be delivered" in m["Subject"]]
    assert len(summaries) == 1
    assert summaries[0]["To"] == django_settings.SPA_STAFF_EMAIL
    assert (
        "The mail server refused the connection" in summaries[0].get_payload(decode=True).decode()
    )
    # Never an address or a name in the log: ids, kinds and reasons only.
    assert a.client_email.lower() not in caplog.text.lower()
    assert "Casey" not in caplog.text
    assert not any(r.exc_info for r in caplog.records)


def services_booking(spa, start=None) -> Appointment:
    from bookings.screening import Result

    return services.place_booking(
        service=spa["service"],
        therapist_id=None,
        start=start or tomorrow_at(10),
        client=services.ClientDetails("Casey Client", "casey@example.com", "(555) 010-2233"),
        screened=services.Screened(result=Result(outcome="clear")),
        consent_version="1",
    )


def test_refused_address_gives_the_code_not_the_address(spa, smtp, settings, caplog):
    smtp.set_mode("refuse")
    settings.MAILERS = smtp.mailers()
    caplog.set_level(logging.INFO)
    a = services_booking(spa)
    email = OutgoingEmail.objects.get(appointment=a, kind="confirmed")
    assert email.last_error == "The mail server refused the address (550)"
    assert "casey@example.com" not in caplog.text


def test_hanging_server_times_out(spa, smtp, settings):
    smtp.set_mode("hang")
    settings.MAILERS = smtp.mailers(timeout=1)
    began = time.monotonic()
    a = services_booking(spa)
    assert time.monotonic() - began < 5
    email = OutgoingEmail.objects.get(appointment=a, kind="confirmed")
    assert email.last_error == "The mail server did not answer in time"


def test_staff_send_again_delivers_once(spa, smtp, settings):
    settings.MAILERS = smtp.mailers()
    settings.SPA_MAIL_RETRY_DELAYS = []  # give up at once
    a = services_booking(spa)
    failed = OutgoingEmail.objects.undelivered().filter(appointment=a)
    assert failed.count() == 2  # the client's and the staff alert
    owner, _ = staff_in("Owner", "olga")
    page = owner.get("/admin/bookings/outgoingemail/?state__exact=failed")
    assert page.status_code == 200
    assert "Not delivered" in page.content.decode()
    smtp.set_mode("accept")
    response = owner.post(
        "/admin/bookings/outgoingemail/",
        {"action": "send_again", "_selected_action": [e.pk for e in failed]},
    )
    assert response.status_code == 302
    owner.post(
        "/admin/bookings/outgoingemail/",
        {"action": "send_again", "_selected_action": [e.pk for e in failed]},
    )
    assert len(smtp.messages) == 2
    assert OutgoingEmail.objects.filter(appointment=a, state="sent").count() == 2


def test_front_desk_sees_undelivered_on_the_appointment(spa, smtp, settings, front_desk):
    settings.MAILERS = smtp.mailers()
    settings.SPA_MAIL_RETRY_DELAYS = []
    a = services_booking(spa)
    desk, _ = front_desk
    page = desk.get(f"/admin/bookings/appointment/{a.pk}/change/").content.decode()
    assert "Email not delivered" in page
    assert "The mail server refused the connection" in page


# --- The booking request never waits on the mail server ----------------------------------


def test_booking_post_returns_fast_while_mail_hangs(spa, questions, smtp, settings):
    smtp.set_mode("hang")
    settings.MAILERS = smtp.mailers(timeout=30)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client()
    walk_to_review(client, spa, tomorrow_at(10))
    began = time.monotonic()
    response = client.post("/book/review/", {"policy_consent": "on"}, follow=True)
    took = time.monotonic() - began
    note(f"booking POST with a hanging mail server: {took:.2f} s")
    assert took < 2
    page = response.content.decode()
    assert "Your booking is confirmed" in page
    assert "We are sending a copy to casey@example.com" in page
    assert "/bookings/" in page
    assert smtp.connections == 0  # nothing in the request touched the mail server


# --- A day of bookings with mail down, through the real worker --------------------------------


def test_a_day_with_mail_down_then_back_delivers_everything_once(
    spa, questions, smtp, queue, front_desk
):
    desk, _ = front_desk
    # Requests that staff confirm, so the day has confirmation emails of its own.
    Service.objects.filter(pk=spa["service"].pk).update(instant_confirmation=False)
    clients = []
    began = time.monotonic()
    for hour, minute in ((9, 0), (11, 30), (14, 0), (16, 0)):
        c = Client()
        walk_to_review(c, spa, tomorrow_at(hour, minute))
        assert c.post("/book/review/", {"policy_consent": "on"}).status_code == 302
        clients.append(c)
    post_time = (time.monotonic() - began) / 4
    booked = list(Appointment.objects.order_by("start"))
    assert len(booked) == 4
    # Staff confirm three, one client moves, one cancels.
    for a in booked[:3]:
        assert desk.post(
            "/admin/bookings/appointment/",
            {"action": "confirm", "_selected_action": [a.pk]},
        ).status_code in (200, 302)
    services.reschedule(booked[1], tomorrow_at(12, 30))
    services.cancel_by_client(booked[3])

    run_worker(queue)
    queued = OutgoingEmail.objects.count()
    assert queued == 4 * 2 + 3 + 1 + 1  # client + staff per booking, confirms, move, cancel
    assert not OutgoingEmail.objects.filter(state="sent").exists()
    assert all(undelivered_shown_to(desk, a) for a in booked)

    # An hour of retries while mail is down: 1, 6 and 36 minutes after the first try.
    start = timezone.now()
    for minutes in (1.1, 6.1, 36.1, 60):
        notifications.sweep(now=start + timedelta(minutes=minutes))
        run_worker(queue)
    assert not OutgoingEmail.objects.filter(state="sent").exists()
    assert all(undelivered_shown_to(desk, a) for a in booked)

    # Mail comes back; the next retry (two hours after the fourth try) delivers.
    smtp.set_mode("accept")
    notifications.sweep(now=timezone.now() + timedelta(hours=2, minutes=1))
    run_worker(queue)
    notifications.sweep(now=timezone.now() + timedelta(hours=2, minutes=2))
    run_worker(queue)

    rows = OutgoingEmail.objects.all()
    sent = rows.filter(state="sent").count()
    skipped = rows.filter(state="skipped").count()
    retried = sum(max(0, r.attempts - 1) for r in rows)
    ids = message_ids(smtp)
    duplicated = len(ids) - len(set(ids))
    lost = rows.exclude(state__in=["sent", "skipped"]).count()
    note(
        f"[{queue}] queued {queued}, retries {retried}, delivered {len(set(ids))}, "
        f"skipped as overtaken {skipped}, duplicated {duplicated}, lost {lost}; "
        f"booking POST {post_time:.2f} s on average"
    )
    assert duplicated == 0
    assert lost == 0
    assert sent == len(ids) == queued - skipped
    # Only a message overtaken by a later change is skipped: the cancelled booking's
    # confirmation email, replaced by its "cancelled" one.
    assert skipped == 1
    cancelled = booked[3]
    kinds = set(cancelled.emails.filter(state="sent").values_list("kind", flat=True))
    assert "cancelled" in kinds
    # Once more, nothing new goes out.
    notifications.sweep(now=timezone.now() + timedelta(days=1))
    run_worker(queue)
    assert len(smtp.messages) == len(ids)


# --- A worker killed in the middle of a send ----------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_worker_killed_mid_send_the_message_still_goes_once(spa, smtp, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = smtp.mailers()
    smtp.set_mode("hang")
    a = services_booking(spa)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SECRET_KEY": "test-worker-not-secret",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_USE_TLS": "0",
        "SMTP_TIMEOUT": "60",
        "SPA_TASKS_BACKEND": "database",
    }
    worker = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "run_worker", "--sweep-every", "3600", "--interval", "0.2"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if OutgoingEmail.objects.filter(appointment=a, state="sending").exists():
                break
            time.sleep(0.2)
        claimed = OutgoingEmail.objects.get(appointment=a, state="sending")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    claimed.refresh_from_db()
    assert claimed.state == OutgoingEmail.State.SENDING  # the dead worker's claim
    smtp.set_mode("accept")
    # Before the claim times out, nobody else takes it; after, the sweep frees it.
    notifications.sweep()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    claimed.refresh_from_db()
    assert claimed.state == OutgoingEmail.State.SENDING
    later = timezone.now() + timedelta(seconds=settings.SPA_MAIL_CLAIM_TIMEOUT + 1)
    assert notifications.sweep(now=later)["released"] >= 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    claimed.refresh_from_db()
    assert claimed.state == OutgoingEmail.State.SENT
    ids = message_ids(smtp)
    times = ids.count(f"<outbox-{claimed.pk}.{claimed.created:%s}@willowstone.example>")
    assert times == 1
    assert len(ids) == len(set(ids))
    note(
        f"killed worker: message #{claimed.pk} claimed, worker SIGKILLed mid-send, released "
        f"after the {settings.SPA_MAIL_CLAIM_TIMEOUT} s claim timeout, delivered {times} time(s)"
    )


# --- Reminders --------------------------------------------------------------------------


def test_reminder_goes_once_even_when_the_first_send_fails(spa, smtp, settings):
    settings.MAILERS = smtp.mailers()
    settings.SPA_MAIL_RETRY_DELAYS = DELAYS
    a = services_booking(spa)
    assert a.status == Status.CONFIRMED  # clear answers: confirmed at once
    call_command("send_reminders", "--hours", "72", verbosity=0)
    call_command("send_reminders", "--hours", "72", verbosity=0)
    [reminder] = OutgoingEmail.objects.filter(appointment=a, kind="reminder")
    assert reminder.state == OutgoingEmail.State.PENDING
    assert reminder.last_error
    smtp.set_mode("accept")
    notifications.sweep(now=timezone.now() + timedelta(minutes=2))
    notifications.sweep(now=timezone.now() + timedelta(minutes=3))
    reminders = [m for m in smtp.messages if m["Subject"].startswith("Reminder:")]
    assert len(reminders) == 1
