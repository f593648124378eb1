"""Instant confirmation for clear answers, and a fair "whoever is free first"."""

from datetime import timedelta

import pytest
from django.core import mail

from bookings import services
from bookings.models import Appointment, Service, Status
from bookings.screening import Result
from tests import factories as f
from tests.bookings.conftest import tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db


# --- Instant confirmation ------------------------------------------------------------


def test_clear_answers_confirm_at_once_everywhere(anonymous, front_desk, spa, questions):
    start = tomorrow_at(10)
    walk_to_review(anonymous, spa, start)
    review = anonymous.get("/book/review/").content.decode()
    assert "confirmed as soon as you send it" in review
    assert "Book and confirm" in review
    done = anonymous.post("/book/review/", {"policy_consent": "on"}, follow=True)
    appointment = Appointment.objects.get()
    assert appointment.status == Status.CONFIRMED
    assert appointment.events.get().note == "Booked online; confirmed at once (clear answers)"
    text = done.content.decode()
    assert "Your booking is confirmed." in text
    assert "status-confirmed" in text
    assert "Requested" not in text
    client_mail = [m for m in mail.outbox if m.to == ["casey@example.com"]]
    assert [m.subject.split(":")[0] for m in client_mail] == ["Confirmed"]
    assert "your booking is confirmed" in client_mail[0].body
    [part] = client_mail[0].attachments
    assert "STATUS:CONFIRMED" in part.get_content()
    calendar = anonymous.get(appointment.get_absolute_url() + "calendar.ics").content.decode()
    assert "STATUS:CONFIRMED" in calendar
    staff_mail = [m for m in mail.outbox if m.to != ["casey@example.com"]]
    assert staff_mail[0].subject.startswith("New booking (confirmed)")
    day = front_desk[0].get("/admin/calendar/", {"date": start.date().isoformat()}).text
    assert "cal-block st-confirmed" in day


def test_a_note_to_avoid_an_area_still_confirms_at_once(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10), rash="yes")
    anonymous.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert appointment.status == Status.CONFIRMED
    assert appointment.avoid_areas


@pytest.mark.parametrize(
    ("answer", "status"), [("pregnant", Status.REQUESTED), ("heart", Status.AWAITING_CLEARANCE)]
)
def test_review_and_clearance_keep_the_request_path(anonymous, spa, questions, answer, status):
    walk_to_review(anonymous, spa, tomorrow_at(10), **{answer: "yes"})
    review = anonymous.get("/book/review/").content.decode()
    assert "Send my request" in review
    assert "confirmed as soon as" not in review
    done = anonymous.post("/book/review/", {"policy_consent": "on"}, follow=True)
    appointment = Appointment.objects.get()
    assert appointment.status == status
    assert "Your request is in." in done.content.decode()
    assert not [m for m in mail.outbox if m.subject.startswith("Confirmed")]


def test_a_service_may_keep_every_booking_a_request(anonymous, spa, questions):
    Service.objects.filter(pk=spa["service"].pk).update(instant_confirmation=False)
    walk_to_review(anonymous, spa, tomorrow_at(10))
    assert "Send my request" in anonymous.get("/book/review/").content.decode()
    anonymous.post("/book/review/", {"policy_consent": "on"})
    assert Appointment.objects.get().status == Status.REQUESTED


def test_staff_bookings_are_unchanged_by_the_rule(spa, front_desk):
    appointment = services.place_booking(
        service=spa["service"],
        therapist_id=spa["ana"].pk,
        start=tomorrow_at(10),
        client=services.ClientDetails("Casey", "casey@example.com", "5550102233"),
        screened=services.Screened(result=Result(outcome="clear")),
        consent_version="test",
        by=front_desk[1],
    )
    assert appointment.status == Status.REQUESTED


# --- Fair assignment -----------------------------------------------------------------


def test_fairest_first_orders_by_day_then_week_then_id():
    assert services.fairest_first([1, 2, 3], {1: 2, 2: 1, 3: 1}, {2: 9, 3: 4}) == [3, 2, 1]
    assert services.fairest_first([3, 1, 2], {}, {1: 1}) == [2, 3, 1]
    assert services.fairest_first([2, 1], {}, {}) == [1, 2]


def booked(spa, who, start, minutes=60, status=Status.CONFIRMED):
    """Someone else's booking of `minutes` (the service's own length unless told)."""
    a = f.appointment(
        spa["service"], spa[who], start, status=status, client_email="x@example.com", save=False
    )
    a.end = start + timedelta(minutes=minutes)
    a.block_end = a.end + spa["service"].buffer_after
    a.save()
    return a


def any_booking(spa, start):
    return services.place_booking(
        service=spa["service"],
        therapist_id=None,
        start=start,
        client=services.ClientDetails("Casey", "casey@example.com", "5550102233"),
        screened=services.Screened(result=Result(outcome="clear")),
        consent_version="test",
    )


def test_whoever_is_free_goes_to_the_fewest_hours_that_day(spa):
    booked(spa, "ben", tomorrow_at(9), minutes=60)
    # Ana's two hours fall the day before: that day counts first.
    booked(spa, "ana", tomorrow_at(9) - timedelta(days=1), minutes=120)
    assert any_booking(spa, tomorrow_at(14)).therapist == spa["ana"]


def test_on_an_equal_day_the_fewest_hours_that_week_win(spa):
    start = tomorrow_at(14)
    monday = start - timedelta(days=start.weekday())
    other_day = monday if start.weekday() else monday + timedelta(days=1)
    booked(spa, "ana", other_day.replace(hour=9), minutes=60)
    assert any_booking(spa, start).therapist == spa["ben"]


def test_cancelled_hours_do_not_count_and_a_tie_is_stable(spa):
    booked(spa, "ana", tomorrow_at(9), status=Status.CANCELLED)
    assert any_booking(spa, tomorrow_at(14)).therapist == spa["ana"]


def test_a_day_of_any_bookings_is_shared_out(spa):
    therapists = [any_booking(spa, tomorrow_at(h)).therapist.slug for h in (9, 11, 13, 15)]
    assert therapists == ["ana", "ben", "ana", "ben"]


def test_the_review_step_names_who_it_will_be_and_the_booking_goes_there(anonymous, spa, questions):
    booked(spa, "ana", tomorrow_at(9))
    walk_to_review(anonymous, spa, tomorrow_at(14))
    review = anonymous.get("/book/review/").content.decode()
    assert 'Ben <span class="text-body-secondary small">(you chose whoever is free first)' in review
    assert f'name="proposed" value="{spa["ben"].pk}"' in review
    anonymous.post("/book/review/", {"policy_consent": "on", "proposed": spa["ben"].pk})
    assert Appointment.objects.get(client_email="casey@example.com").therapist == spa["ben"]


def test_if_the_named_therapist_is_taken_meanwhile_the_next_fairest_is_said(
    anonymous, spa, questions
):
    walk_to_review(anonymous, spa, tomorrow_at(14))
    review = anonymous.get("/book/review/").content.decode()
    assert f'name="proposed" value="{spa["ana"].pk}"' in review
    booked(spa, "ana", tomorrow_at(14))  # someone else takes Ana at that time
    done = anonymous.post(
        "/book/review/", {"policy_consent": "on", "proposed": spa["ana"].pk}, follow=True
    )
    appointment = Appointment.objects.get(client_email="casey@example.com")
    assert appointment.therapist == spa["ben"]
    assert "Ana was booked by someone else a moment ago" in done.content.decode()
    assert "your session is with Ben" in done.content.decode()
