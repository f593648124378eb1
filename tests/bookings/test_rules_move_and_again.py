"""The booking-rules admin refuses a trap; the move picker stays outside the cut-off and
inside the horizon; after a cancel, book again or choose another time."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings import free_times
from bookings.models import BookingRules, Status
from tests import factories as f
from tests.bookings.conftest import booking_state, tomorrow_at

pytestmark = pytest.mark.django_db

RULES = "/admin/bookings/bookingrules/1/change/"


def rules_form(**changes) -> dict:
    data = {
        "slot_step_minutes": 30,
        "min_notice_hours": 2,
        "horizon_days": 30,
        "cancellation_cutoff_hours": 24,
        "grace_minutes": 10,
    }
    return {**data, **changes}


# --- The admin -------------------------------------------------------------------------


def test_notice_shorter_than_the_cutoff_without_grace_is_refused_beside_the_field(owner, spa):
    response = owner.post(RULES, rules_form(grace_minutes=0))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["min_notice_hours"]
    assert "could book a time they can never change online" in errors["min_notice_hours"][0]
    html = response.content.decode()
    # Shown with the field, every value kept, nothing stored.
    assert re.search(r"field-min_notice_hours[^>]*>.*?errorlist", html, re.S)
    assert 'name="grace_minutes" value="0"' in html
    assert BookingRules.current().grace_minutes == 10


@pytest.mark.parametrize(
    "changes", [{"grace_minutes": 5}, {"min_notice_hours": 24, "grace_minutes": 0}]
)
def test_a_grace_period_or_enough_notice_is_accepted(owner, spa, changes):
    assert owner.post(RULES, rules_form(**changes)).status_code == 302
    rules = BookingRules.current()
    assert (rules.min_notice_hours, rules.grace_minutes) == (
        changes.get("min_notice_hours", 2),
        changes["grace_minutes"],
    )


def test_the_database_refuses_the_trap_too(spa):
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingRules.objects.filter(pk=1).update(grace_minutes=0)


# --- Moving ----------------------------------------------------------------------------


@pytest.fixture
def booking(spa):
    start = tomorrow_at(10) + timedelta(days=1)
    return f.appointment(spa["service"], spa["ana"], start, status="confirmed")


def offered(html: str) -> list[datetime]:
    return [datetime.fromisoformat(v) for v in re.findall(r'name="start" value="([^"]+)"', html)]


def inside_cutoff(spa) -> list[datetime]:
    """Ana's free times a new booking may take but that lie inside the 24-hour cut-off
    (some always do: she works 9 to 5 every day, and notice is 2 hours)."""
    now = timezone.now()
    slots = free_times.slots_for(spa["service"], spa["ana"])
    return [s.start for s in slots if s.start < now + timedelta(hours=24)]


def test_the_picker_offers_nothing_inside_the_cutoff(anonymous, booking, spa):
    html = anonymous.get(f"/bookings/{booking.token}/reschedule/").content.decode()
    starts = offered(html)
    assert inside_cutoff(spa)
    assert starts
    assert all(s >= datetime.now(UTC) + timedelta(hours=24) for s in starts)
    assert "only times at least 24 hours away" in html


def test_a_time_inside_the_cutoff_is_refused_on_the_post(anonymous, booking, spa):
    inside = inside_cutoff(spa)[-1]
    response = anonymous.post(
        f"/bookings/{booking.token}/reschedule/", {"start": inside.isoformat()}
    )
    assert response.status_code == 200
    assert "not free" in response.content.decode()
    booking.refresh_from_db()
    assert booking.start != inside


def test_next_week_stops_at_the_horizon(anonymous, booking):
    # Horizon 30 days: weeks 0-3 start within it and week 4 starts on day 28.
    page = anonymous.get(f"/bookings/{booking.token}/reschedule/", {"week": 3}).content.decode()
    assert "?week=4" in page
    page = anonymous.get(f"/bookings/{booking.token}/reschedule/", {"week": 4}).content.decode()
    assert "?week=5" not in page
    assert "?week=3" in page


# --- After a cancel -------------------------------------------------------------------


def test_after_a_cancel_the_page_and_email_offer_book_again_and_another_time(anonymous, booking):
    anonymous.post(f"/bookings/{booking.token}/cancel/")
    page = anonymous.get(booking.get_absolute_url()).content.decode()
    again = f"/bookings/{booking.token}/again/"
    assert f'href="{again}">Book again' in page
    assert f'href="{again}?then=time">Choose another time' in page
    [email] = [m for m in mail.outbox if "cancel" in m.subject.lower()]
    assert f"{again}\n" in email.body
    assert f"{again}?then=time" in email.body
    html = email.alternatives[0].content
    assert f'{again}"' in html
    assert f"{again}?then=time" in html


def test_choose_another_time_keeps_service_therapist_and_details(anonymous, booking, spa):
    booking.transition(Status.CANCELLED, cancelled_by="client")
    response = anonymous.get(f"/bookings/{booking.token}/again/", {"then": "time"})
    assert response.status_code == 302
    assert response["Location"] == "/book/time/"
    state = booking_state(anonymous)
    assert state["service"] == "back-massage"
    assert state["therapist"] == "ana"
    assert state["details"]["email"] == "casey@example.com"
    assert "answers" not in state
    assert "screen" not in state
    page = anonymous.get("/book/time/").content.decode()
    assert "Your details are filled in" in page
    anonymous.post("/book/time/", {"start": tomorrow_at(14).isoformat()})
    details = anonymous.get("/book/details/").content.decode()
    assert 'value="casey@example.com"' in details


def test_book_again_starts_at_the_therapist_with_the_service_chosen(anonymous, booking):
    booking.transition(Status.CANCELLED, cancelled_by="client")
    response = anonymous.get(f"/bookings/{booking.token}/again/")
    assert response["Location"] == "/book/therapist/"
    assert booking_state(anonymous)["service"] == "back-massage"


def test_book_again_is_only_for_a_cancelled_booking(anonymous, booking):
    response = anonymous.get(f"/bookings/{booking.token}/again/")
    assert response["Location"] == booking.get_absolute_url()
    assert booking_state(anonymous) == {}
    assert anonymous.get("/bookings/not-a-token/again/").status_code == 404
