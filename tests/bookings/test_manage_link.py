"""The client's private page: view, cancel before the cut-off, reschedule, calendar file."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests import factories as f
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(spa):
    return f.appointment(spa["service"], spa["ana"], tomorrow_at(10), status="confirmed")


def test_page_shows_the_booking(anonymous, booking):
    response = anonymous.get(booking.get_absolute_url())
    assert response.status_code == 200
    assert b"Back massage" in response.content
    assert b"Ana" in response.content
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("token", ["nope", "a" * 43, "a" * 200, "%00"])
def test_wrong_token_is_404(anonymous, booking, token):
    assert anonymous.get(f"/bookings/{token}/").status_code == 404
    assert anonymous.post(f"/bookings/{token}/cancel/").status_code == 404


def test_cancel_before_cutoff(anonymous, booking, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(f"/bookings/{booking.token}/cancel/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.cancelled_by == "client"
    assert booking.events.last().to_status == "cancelled"
    assert any("cancel" in m.subject.lower() for m in mail.outbox)


def test_cancel_is_post_only(anonymous, booking):
    assert anonymous.get(f"/bookings/{booking.token}/cancel/").status_code == 405
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_cutoff_is_enforced_on_the_post_itself(anonymous, booking):
    booking.set_times(timezone.now() + timedelta(hours=5))
    booking.created = timezone.now() - timedelta(minutes=11)  # its grace period is over
    booking.save()
    page = anonymous.get(booking.get_absolute_url())
    assert b"The last time to change this booking online was" in page.content
    anonymous.post(f"/bookings/{booking.token}/cancel/")
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert anonymous.get(f"/bookings/{booking.token}/reschedule/").status_code == 302


def test_reschedule_moves_and_bumps_sequence(
    anonymous, booking, django_capture_on_commit_callbacks
):
    new = tomorrow_at(14)
    page = anonymous.get(f"/bookings/{booking.token}/reschedule/")
    assert page.status_code == 200
    assert new.astimezone(UTC).isoformat().encode() in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(
            f"/bookings/{booking.token}/reschedule/", {"start": new.isoformat()}
        )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == new
    assert booking.sequence == 1
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["New time"]


def test_reschedule_to_a_taken_time_is_refused(anonymous, booking, spa):
    f.appointment(spa["service"], spa["ana"], tomorrow_at(14), client_email="x@example.com")
    response = anonymous.post(
        f"/bookings/{booking.token}/reschedule/", {"start": tomorrow_at(14).isoformat()}
    )
    assert response.status_code == 200
    assert b"not free" in response.content
    booking.refresh_from_db()
    assert booking.start == tomorrow_at(10)


def test_reschedule_garbage_gets_a_message(anonymous, booking):
    response = anonymous.post(f"/bookings/{booking.token}/reschedule/", {"start": "soon"})
    assert response.status_code == 200
    assert b"Choose a time" in response.content


def test_calendar_file_keeps_uid_and_raises_sequence(anonymous, booking):
    first = anonymous.get(f"/bookings/{booking.token}/calendar.ics")
    assert first["Content-Type"].startswith("text/calendar")
    anonymous.post(f"/bookings/{booking.token}/reschedule/", {"start": tomorrow_at(15).isoformat()})
    second = anonymous.get(f"/bookings/{booking.token}/calendar.ics")
    uid = [line for line in first.content.decode().splitlines() if line.startswith("UID")]
    assert uid
    assert uid == [x for x in second.content.decode().splitlines() if x.startswith("UID")]
    assert "SEQUENCE:0" in first.content.decode()
    assert "SEQUENCE:1" in second.content.decode()
    assert booking.token not in first.content.decode().split("UID:")[1].splitlines()[0]
