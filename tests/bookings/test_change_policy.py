"""The last time to cancel or move online: one moment, the same words on the page, in
the email and in the calendar file, and the cancel and move POSTs enforce exactly it.

Rules here: minimum notice 2 hours, cut-off 24 hours, grace period 10 minutes.
A booking made m minutes before its slot may be changed online until
max(slot - 24 h, booked + 10 min): the tests compute that on their own, not
through the code under test.
"""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from bookings import ics, notifications, policy, services
from bookings.models import Appointment, BookingRules, WorkingHours
from bookings.screening import Result
from tests import factories as f
from tests.bookings.conftest import DETAILS, MONDAY_MORNING, tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db

CUTOFF = timedelta(hours=24)
GRACE = timedelta(minutes=10)


@pytest.fixture
def rules(spa):
    BookingRules.objects.filter(pk=1).update(grace_minutes=10, slot_step_minutes=5)
    return BookingRules.current()


def spelled(moment: datetime) -> str:
    """How every channel must state a time, the zone as every page names it:
    '3:10 PM Central Time on Wednesday 2 December 2026' (the demo spa is in Chicago)."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    hour = local.strftime("%I").lstrip("0")
    return f"{hour}:{local:%M %p} Central Time on {local:%A} {local.day} {local:%B %Y}"


def expected_last_change(slot: datetime, booked: datetime) -> datetime:
    return max(slot - CUTOFF, booked.replace(second=0, microsecond=0) + GRACE)


def unfolded_ics(text: str) -> str:
    """The calendar file's text with folded lines joined and TEXT escapes undone."""
    joined = re.sub(r"\r?\n ", "", text)
    return joined.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")


def text_of(html: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())


def clear_booking(spa, slot, now):
    return services.place_booking(
        service=spa["service"],
        therapist_id=spa["ana"].pk,
        start=slot,
        client=services.ClientDetails("Casey", "casey@example.com", "5550102233"),
        screened=services.Screened(result=Result(outcome="clear")),
        consent_version="test",
        now=now,
    )


def test_every_minute_from_2_to_25_hours_states_one_last_change_time(anonymous, spa, rules):
    """Booked at each minute from 2 h to 25 h before one slot (20 seconds past the
    minute): the booking page, the email and its calendar file state the same last
    time, the one the rules give.

    Every minute goes through the same code the channels use (the page's policy
    paragraph, the email's templates and context, the calendar file); on the hour,
    and around the cut-off where the grace period stops mattering, the booking is
    made for real (place_booking) and read back as the client gets it: the page over
    HTTP and the email with its attachment from the outbox.
    """
    tz = timezone.get_default_timezone()
    slot = datetime.combine(timezone.localdate() + timedelta(days=3), time(11, 0), tz)
    # The same booking, kept in memory, for the minutes in between.
    appointment = f.appointment(spa["service"], spa["ana"], slot, status="confirmed", save=False)
    identity = {"spa": {"phone": "(555) 010-4477"}}
    checked, full = set(), set()
    for minutes in range(2 * 60, 25 * 60 + 1):
        booked = slot - timedelta(minutes=minutes, seconds=20)
        last = expected_last_change(slot, booked)
        expected = spelled(last)
        if minutes % 60 == 0 or 24 * 60 - 2 <= minutes <= 24 * 60 + 12:
            page, body, html, calendar = booked_for_real(anonymous, spa, slot, booked, last)
            full.add(minutes)
        else:
            appointment.created = booked
            assert appointment.last_change_at() == last
            change = policy.for_appointment(appointment)
            page = text_of(
                render_to_string(
                    "bookings/includes/manage_policy.html", {"change": change, **identity}
                ).encode()
            )
            context = notifications.email_context(appointment, "rescheduled")
            body = render_to_string("emails/rescheduled.txt", context)
            html = render_to_string("emails/rescheduled.html", context)
            calendar = unfolded_ics(ics.calendar_for(appointment))
        assert f"Free to cancel or move online until {expected}" in page, minutes
        assert f"online until {expected}." in body, minutes
        assert f"online until {expected}." in html, minutes
        assert f"Cancel or move online until {expected} on your booking page" in calendar
        checked.add(minutes)
    assert len(checked) == 23 * 60 + 1
    assert len(full) > 30


def booked_for_real(anonymous, spa, slot, booked, last):
    """Book `slot` at `booked` through the booking service, read the page, the email
    and its calendar file as the client gets them, and roll the booking back."""
    mail.outbox.clear()
    with transaction.atomic():
        appointment = clear_booking(spa, slot, booked)
        assert appointment.created == booked
        assert appointment.last_change_at() == last
        page = text_of(anonymous.get(appointment.get_absolute_url()).content)
        [email] = [m for m in mail.outbox if m.to == ["casey@example.com"]]
        [part] = email.attachments
        transaction.set_rollback(True)
    return page, email.body, email.alternatives[0].content, unfolded_ics(part.get_content())


# On a stopped clock the review step and the booking see the same "now", and every
# sample below lands inside a working day.
@pytest.mark.time_machine(MONDAY_MORNING, tick=False)
@pytest.mark.parametrize("minutes_before", [121, 300, 24 * 60 - 1, 24 * 60 + 9, 24 * 60 + 11, 1500])
def test_the_whole_flow_states_it_alike_and_the_posts_enforce_it(
    anonymous, spa, questions, rules, minutes_before
):
    """Through /book/ at a sample of distances: the review step, the done page, the
    email and the calendar download agree; a cancel after the last time is refused."""
    # Therapists who work round the clock, so any distance from now is a working time.
    WorkingHours.objects.update(start=time(0, 0), end=time(23, 59))
    now = timezone.now()
    # The first start on the 5-minute grid at least `minutes_before` away.
    slot = now + timedelta(minutes=minutes_before)
    slot = datetime.fromtimestamp(-(-slot.timestamp() // 300) * 300, UTC)
    walk_to_review(anonymous, spa, slot)
    review = text_of(anonymous.get("/book/review/").content)
    anonymous.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert appointment.status == "confirmed"
    last = expected_last_change(slot, appointment.created)
    assert appointment.last_change_at() == last
    expected = spelled(last)
    page = text_of(anonymous.get(appointment.get_absolute_url()).content)
    calendar = unfolded_ics(
        anonymous.get(appointment.get_absolute_url() + "calendar.ics").content.decode()
    )
    [client_email] = [m for m in mail.outbox if m.to == [DETAILS["email"].lower()]]
    assert f"until {expected}" in page
    assert f"until {expected}." in client_email.body
    assert f"until {expected} on your booking page" in calendar
    # The review step, a moment before sending, named the same minute.
    assert f"until {expected}" in review
    if slot - now < CUTOFF:
        assert "less than 24 hours away" in review
    # Later, past the last time (the booking made 11 minutes earlier than it was):
    Appointment.objects.filter(pk=appointment.pk).update(created=now - timedelta(minutes=11))
    appointment.refresh_from_db()
    past_deadline = timezone.now() >= appointment.last_change_at()
    anonymous.post(f"/bookings/{appointment.token}/cancel/")
    appointment.refresh_from_db()
    assert (appointment.status == "confirmed") is past_deadline
    assert past_deadline is (slot - now < CUTOFF)


def test_cancel_and_move_enforce_the_last_time_to_the_second(spa, rules):
    """On the service layer, for bookings made inside and outside the cut-off: allowed
    one second before the last time, refused at it."""
    tz = timezone.get_default_timezone()
    slot = datetime.combine(timezone.localdate() + timedelta(days=3), time(11, 0), tz)
    later = datetime.combine(timezone.localdate() + timedelta(days=6), time(11, 0), tz)
    for minutes in (125, 600, 24 * 60 + 5, 24 * 60 + 10, 24 * 60 + 30):
        booked = slot - timedelta(minutes=minutes)
        last = expected_last_change(slot, booked)
        for at, allowed in ((last - timedelta(seconds=1), True), (last, False)):
            for action in ("cancel", "move"):
                with transaction.atomic():
                    appointment = clear_booking(spa, slot, booked)
                    try:
                        if action == "cancel":
                            services.cancel_by_client(appointment, now=at)
                        else:
                            services.reschedule(appointment, later, now=at)
                    except services.ChangeNotAllowed:
                        done = False
                    else:
                        done = True
                    transaction.set_rollback(True)
                assert done is allowed, (minutes, action, at)


@pytest.fixture
def short_notice(spa, rules):
    """A booking three hours away: inside the cut-off, changeable only in its grace."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=4)
    return f.appointment(spa["service"], spa["ana"], start, status="confirmed")


def test_grace_period_lets_a_short_notice_booking_be_cancelled_over_http(anonymous, short_notice):
    page = text_of(anonymous.get(short_notice.get_absolute_url()).content)
    assert "10 minutes after you booked" in page
    response = anonymous.post(f"/bookings/{short_notice.token}/cancel/")
    assert response.status_code == 302
    short_notice.refresh_from_db()
    assert short_notice.status == "cancelled"


def test_after_the_grace_period_the_posts_refuse_and_the_page_says_when_it_ended(
    anonymous, short_notice
):
    booked = timezone.now() - timedelta(minutes=11)
    Appointment.objects.filter(pk=short_notice.pk).update(created=booked)
    page = text_of(anonymous.get(short_notice.get_absolute_url()).content)
    ended = spelled(booked.replace(second=0, microsecond=0) + GRACE)
    assert f"The last time to change this booking online was {ended}" in page
    assert "Cancel this booking" not in page
    response = anonymous.post(f"/bookings/{short_notice.token}/cancel/", follow=True)
    assert "can no longer be cancelled online" in response.content.decode()
    later = tomorrow_at(14)
    anonymous.post(f"/bookings/{short_notice.token}/reschedule/", {"start": later.isoformat()})
    short_notice.refresh_from_db()
    assert short_notice.status == "confirmed"
    assert short_notice.start != later


def test_calendar_file_of_a_closed_booking_says_to_call(spa, short_notice):
    Appointment.objects.filter(pk=short_notice.pk).update(
        created=timezone.now() - timedelta(hours=1)
    )
    short_notice.refresh_from_db()
    text = unfolded_ics(ics.calendar_for(short_notice))
    assert "Cancel or move online until" not in text
    assert "To change or cancel, call" in text
