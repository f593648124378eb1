"""Health answers stay out of the session: a booking in progress lives in a server-side draft
that expires and is purged; the session row holds only the draft's random key."""

import base64
import zlib
from datetime import UTC, timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHED_DB_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bookings import notifications
from bookings.models import BookingDraft, CallbackRequest, HealthAnswers, OutgoingEmail
from tests.bookings.conftest import DETAILS, answers, booking_state, tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db

CANARY = "SESSIONCANARY 12 weeks"


def abandon_at_review(client: Client, spa, **details) -> None:
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "any"})
    client.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    client.post("/book/details/", {**DETAILS, **details})
    response = client.post("/book/health/", {**answers(pregnant="yes"), "d_pregnant": CANARY})
    assert response["Location"] == "/book/review/"


def raw_session_text(row: Session) -> str:
    """The row as a dump would show it, decoded without the secret key (base64, zlib)."""
    payload = row.session_data.split(":")[0]
    compressed = payload.startswith(".")
    data = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if compressed else data).decode(errors="replace")


def test_no_answer_name_or_contact_in_any_session_row(spa, questions):
    client = Client()
    abandon_at_review(client, spa, notes="NOTESCANARY")
    assert booking_state(client)["answers"]  # the flow did keep them: server-side
    rows = list(Session.objects.all())
    assert rows
    for row in rows:
        for text in (raw_session_text(row), str(row.get_decoded())):
            for secret in (
                CANARY,
                "NOTESCANARY",
                DETAILS["name"],
                DETAILS["email"].lower(),
                DETAILS["phone"],
                "pregnant",
            ):
                assert secret.lower() not in text.lower(), secret
    assert set(rows[0].get_decoded()) <= {"booking_draft", "_csrftoken"}


def test_the_cache_holds_the_drafts_choices_and_never_an_answer_name_or_contact(spa, questions):
    """The first steps read the choices from the cache (no query); nothing more is kept
    there, nor in the cached session."""
    client = Client()
    abandon_at_review(client, spa, notes="NOTESCANARY")
    key = client.session["booking_draft"]
    choices = BookingDraft.cached_choices(key)
    assert choices == {
        "service": spa["service"].slug,
        "therapist": "any",
        "start": tomorrow_at(10).astimezone(UTC).isoformat(),
        "taken": None,
        "details": True,
        "screen": True,
    }
    cached = str(
        cache.get_many(
            [BookingDraft._cache_key(key), f"{CACHED_DB_PREFIX}{client.session.session_key}"]
        )
    )
    assert key in cached  # the session, and the choices, are there
    for secret in (
        CANARY,
        "NOTESCANARY",
        DETAILS["name"],
        DETAILS["email"],
        DETAILS["phone"],
        "pregnant",
    ):
        assert secret.lower() not in cached.lower(), secret
    # A finished booking takes its choices with it.
    assert client.post("/book/review/", {"policy_consent": "on"}).status_code == 302
    assert BookingDraft.cached_choices(key) is None


def test_the_first_steps_follow_the_draft_as_it_changes_and_expires(spa, questions):
    client = Client()
    abandon_at_review(client, spa)
    assert client.get("/book/time/").status_code == 200
    draft = BookingDraft.objects.get()
    draft.data = {**draft.data, "service": None}
    draft.save()
    assert client.get("/book/time/")["Location"] == "/book/"
    draft.expires_at = timezone.now() - timedelta(seconds=1)
    draft.save()
    assert BookingDraft.cached_choices(draft.key) is None
    assert client.get("/book/therapist/")["Location"] == "/book/"


def test_an_expired_draft_is_ignored_then_purged(spa, questions):
    client = Client()
    abandon_at_review(client, spa)
    BookingDraft.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # The flow starts again: nothing of the old answers is offered back.
    assert client.get("/book/review/")["Location"] == "/book/"
    out = StringIO()
    call_command("purge_health_data", stdout=out)
    assert "Deleted 1 expired booking draft" in out.getvalue()
    assert not BookingDraft.objects.exists()
    assert not HealthAnswers.objects.exists()


def test_a_live_draft_survives_the_purge_and_a_finished_booking_leaves_none(spa, questions):
    client = Client()
    abandon_at_review(client, spa)
    call_command("purge_health_data", stdout=StringIO())
    assert BookingDraft.objects.count() == 1
    assert client.post("/book/review/", {"policy_consent": "on"}).status_code == 302
    assert not BookingDraft.objects.exists()
    assert "booking_draft" not in client.session


def test_each_step_pushes_the_expiry_on(spa, questions, settings):
    settings.SPA_BOOKING_DRAFT_MINUTES = 30
    client = Client()
    client.post("/book/", {"service": spa["service"].slug})
    draft = BookingDraft.objects.get()
    assert draft.expires_at - timezone.now() <= timedelta(minutes=30)
    BookingDraft.objects.update(expires_at=timezone.now() + timedelta(minutes=1))
    client.post("/book/therapist/", {"therapist": "any"})
    draft.refresh_from_db()
    assert draft.expires_at - timezone.now() > timedelta(minutes=29)


def test_the_call_back_page_survives_a_reload(spa, questions):
    client = Client()
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "any"})
    client.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    client.post("/book/details/", DETAILS)
    response = client.post("/book/health/", answers(fever="yes"))
    assert response["Location"] == "/book/call-back/"
    first = client.get("/book/call-back/", follow=True)
    again = client.get("/book/call-back/", follow=True)
    assert first.status_code == again.status_code == 200
    assert "Casey" in again.content.decode()
    # The page itself is the request's private page, which the email links to too.
    page = first.redirect_chain[-1][0]
    assert Client().get(page).status_code == 200
    for row in Session.objects.all():
        assert "fever" not in raw_session_text(row)
        assert "Casey" not in raw_session_text(row)


def test_the_call_back_email_links_to_its_private_page_without_health_words(spa, questions):

    walk_to_review(Client(), spa, tomorrow_at(10), fever="yes")  # a decline: a call-back
    callback = CallbackRequest.objects.get()
    email = OutgoingEmail.objects.get(kind="callback-received")
    message = notifications._callback_received(email.callback)
    assert callback.get_absolute_url() in message.body
    body = message.body.replace(callback.token, "")
    assert "fever" not in body.lower()
    assert "two days" not in body.lower()
    page = Client().get(callback.get_absolute_url())
    assert page.status_code == 200
    assert "two days without a fever" in page.content.decode()
    assert page["Referrer-Policy"] == "strict-origin"
    assert Client().get("/call-back/not-a-real-token/").status_code == 404


def test_retention_clears_what_the_call_back_page_suggested(spa, questions):

    walk_to_review(Client(), spa, tomorrow_at(10), fever="yes")  # a decline: a call-back
    callback = CallbackRequest.objects.get()
    CallbackRequest.objects.filter(pk=callback.pk).update(
        created=callback.created.replace(year=callback.created.year - 3)
    )
    call_command("purge_health_data", stdout=StringIO())
    callback.refresh_from_db()
    assert callback.guidance == ""
    page = Client().get(callback.get_absolute_url()).content.decode()
    assert "two days without a fever" not in page
