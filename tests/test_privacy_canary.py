"""Privacy canary: a marker typed into the questionnaire is stored once, and nowhere else.

A client books through the real flow with the marker in a free-text answer
and in a follow-up; another is declined and asks for a call-back. Staff then
open, confirm, cancel, export and handle them in admin. The marker must then
appear in no log record, no email, no appointment history, no session, no
admin log entry, no cache entry and no table but the health answers'. A
crash in the health step must not carry it into the error report either.
"""

import contextlib
import json
import logging
import pickle

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from bookings import screening
from bookings.models import Appointment, AppointmentEvent, CallbackRequest, HealthAnswers
from tests.bookings.conftest import (  # noqa: F401 (fixtures)
    DETAILS,
    answers,
    questions,
    spa,
    tomorrow_at,
    walk_to_review,
)

pytestmark = pytest.mark.django_db

CANARY = "CANARY-5150"
CHANGELIST = "/admin/bookings/appointment/"


@pytest.fixture
def every_logger_at_debug(caplog):
    """caplog at DEBUG on every logger, including those that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    detached = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger):
            continue
        caplog.set_level(logging.DEBUG, logger=name)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
            detached.append(logger)
    yield caplog
    for logger in detached:
        logger.removeHandler(caplog.handler)


def leaks_in_log(record: logging.LogRecord) -> bool:
    pieces = [str(record.msg), repr(record.args)]
    # A malformed record (args not matching msg) is still searched by its parts.
    with contextlib.suppress(TypeError, ValueError):
        pieces.append(record.getMessage())
    if record.exc_info:
        pieces.append(logging.Formatter().formatException(record.exc_info))
    pieces.append(record.exc_text or "")
    return any(CANARY in piece for piece in pieces)


def everything_in(message) -> str:
    """Subject, body, alternatives, attachments and every MIME part, decoded."""
    pieces = [message.subject, message.body, str(message.extra_headers)]
    pieces += [str(alternative.content) for alternative in message.alternatives]
    for attachment in message.attachments:
        pieces.append(repr(attachment))
    for part in message.message().walk():
        pieces.append(str(part.items()))
        if not part.is_multipart():
            pieces.append(str(part.get_content()))
    return "\n".join(pieces)


def tables_holding(marker: str) -> set[str]:
    """Every table with a row whose text (JSON included) contains `marker`."""
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode("utf-8", "replace")
                    if isinstance(v, bytes | memoryview)
                    else str(v)
                    for v in row
                )
                if marker in text:
                    found.add(table)
                    break
    return found


def cached_values() -> list[bytes]:
    values = []
    for alias in caches:
        store = getattr(caches[alias], "_cache", None)
        if isinstance(store, dict):  # LocMemCache keeps pickled values in a dict
            values += [v if isinstance(v, bytes) else pickle.dumps(v) for v in store.values()]
    return values


def test_canary_is_stored_once_and_nowhere_else(
    spa,  # noqa: F811
    questions,  # noqa: F811
    owner,
    every_logger_at_debug,
    django_capture_on_commit_callbacks,
    capsys,
):
    caplog = every_logger_at_debug
    booker, caller = Client(), Client()

    def send(client: Client, url: str, data: dict):
        # Each request's on-commit work (the emails) runs as it would after its response.
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    # A booking: a free-text answer, then the client goes back to add a follow-up.
    free_text = {"else": f"Old knee injury, {CANARY}"}
    walk_to_review(booker, spa, tomorrow_at(10), **free_text)
    response = booker.post(
        "/book/health/",
        {**answers(pregnant="yes", **free_text), "d_pregnant": f"{CANARY}: 20 weeks"},
    )
    assert response["Location"] == "/book/review/"
    assert booker.get("/book/review/").status_code == 200
    response = send(booker, "/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert response["Location"] == appointment.get_absolute_url()
    booker.get(appointment.get_absolute_url())

    # A call-back: declined on fever, with the marker in the answers too.
    walk_to_review(caller, spa, tomorrow_at(13))
    response = send(
        caller,
        "/book/health/",
        {**answers(fever="yes", pregnant="yes", **free_text), "d_pregnant": CANARY},
    )
    assert response["Location"] == "/book/call-back/"
    caller.get("/book/call-back/")
    callback = CallbackRequest.objects.get()

    # Staff: read the answers, confirm, cancel, export; handle the call-back.
    assert CANARY in owner.get(f"{CHANGELIST}{appointment.pk}/change/").content.decode()
    for action in ("confirm", "cancel_by_spa", "export_client_data"):
        response = send(owner, CHANGELIST, {"action": action, "_selected_action": [appointment.pk]})
        assert response.status_code in (200, 302), action
    assert CANARY in response.content.decode()  # the export: for the client, on request
    callback_url = f"/admin/bookings/callbackrequest/{callback.pk}/change/"
    assert CANARY in owner.get(callback_url).content.decode()
    assert send(owner, callback_url, {"handled": "on"}).status_code == 302

    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert HealthAnswers.objects.count() == 2
    stored = json.dumps([h.answers for h in HealthAnswers.objects.all()])
    assert stored.count(CANARY) == 4  # two free-text answers, two follow-ups

    records = caplog.records
    assert records, "logging was captured"
    leaked_logs = [r for r in records if leaks_in_log(r)]
    assert mail.outbox, "emails were sent"
    leaked_mails = [m.subject for m in mail.outbox if CANARY in everything_in(m)]
    leaked_events = AppointmentEvent.objects.filter(note__contains=CANARY).count()
    leaked_sessions = [
        s.session_key
        for s in Session.objects.all()
        if CANARY in json.dumps(s.get_decoded(), default=str)
    ]
    log_entries = LogEntry.objects.all()
    assert log_entries.exists()
    leaked_entries = [e.pk for e in log_entries if CANARY in e.change_message + e.object_repr]
    leaked_cache = [v for v in cached_values() if CANARY.encode() in v]
    tables = tables_holding(CANARY)

    leaks = (
        len(leaked_logs)
        + len(leaked_mails)
        + leaked_events
        + len(leaked_sessions)
        + len(leaked_entries)
        + len(leaked_cache)
        + len(tables - {"bookings_healthanswers"})
    )
    with capsys.disabled():  # the figures show in a normal run
        print(
            f"\nPrivacy canary: {len(records)} log records, {len(mail.outbox)} emails, "
            f"{Session.objects.count()} sessions, {log_entries.count()} admin log entries, "
            f"{len(connection.introspection.table_names())} tables searched; "
            f"markers leaked: {leaks}"
        )
    assert leaked_logs == []
    assert leaked_mails == []
    assert leaked_events == 0
    assert leaked_sessions == []
    assert leaked_entries == []
    assert leaked_cache == []
    assert tables == {"bookings_healthanswers"}


# --- Error reports ---------------------------------------------------------------------


def to_health_step(client: Client, spa) -> None:  # noqa: F811
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "any"})
    client.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    client.post("/book/details/", DETAILS)


@pytest.fixture
def crash_in_screening(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("screening exploded")

    monkeypatch.setattr(screening, "screen", boom)


def _crash_report(client: Client, url: str, data: dict, caplog) -> logging.LogRecord:
    caplog.set_level(logging.ERROR, logger="django.request")
    response = client.post(url, data)
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    return record


@pytest.mark.parametrize("with_follow_up", [False, True])
def test_error_reports_never_carry_the_answers(
    spa,  # noqa: F811
    questions,  # noqa: F811
    crash_in_screening,
    caplog,
    settings,
    with_follow_up,
):
    settings.ADMINS = ["ops@spa.example"]
    client = Client(raise_request_exception=False)
    to_health_step(client, spa)
    data = answers(pregnant="yes", **{"else": f"Old knee injury, {CANARY}"})
    if with_follow_up:
        data["d_pregnant"] = f"{CANARY} weeks"
    record = _crash_report(client, "/book/health/", data, caplog)
    request = record.request

    assert request.sensitive_post_parameters == "__ALL__"
    reporter = ExceptionReporter(request, *record.exc_info, is_email=True)
    assert isinstance(reporter.filter, SafeExceptionReporterFilter)
    text, html = reporter.get_traceback_text(), reporter.get_traceback_html()
    assert "screening exploded" in text  # it is the real report
    assert "health_step" in text
    assert CANARY not in text
    assert CANARY not in html
    # What the site's admins would be mailed.
    mail.outbox.clear()
    AdminEmailHandler(include_html=True).emit(record)
    [report] = mail.outbox
    assert "Internal Server Error: /book/health/" in report.subject
    assert CANARY not in everything_in(report)
    assert not any(leaks_in_log(r) for r in caplog.records)


def test_error_reports_from_the_review_step_hide_the_answers_held_in_the_session(
    spa,  # noqa: F811
    questions,  # noqa: F811
    caplog,
    monkeypatch,
):
    from bookings import services

    client = Client(raise_request_exception=False)
    walk_to_review(client, spa, tomorrow_at(10), **{"else": CANARY})

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "place_booking", boom)
    record = _crash_report(client, "/book/review/", {"policy_consent": "on"}, caplog)
    reporter = ExceptionReporter(record.request, *record.exc_info, is_email=True)
    text = reporter.get_traceback_text()
    assert "database went away" in text
    assert "review_step" in text
    assert CANARY not in text
    assert CANARY not in reporter.get_traceback_html()


@pytest.mark.parametrize("view", ["details_step", "health_step", "review_step"])
def test_booking_steps_hide_their_post_data(view, rf):
    from django.contrib.sessions.backends.db import SessionStore

    from bookings import views

    request = rf.post("/book/", {"notes": CANARY})
    request.session = SessionStore()
    getattr(views, view)(request)
    # What SafeExceptionReporterFilter reads to replace every POST value with stars.
    assert request.sensitive_post_parameters == "__ALL__"
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert CANARY not in str(cleansed)
