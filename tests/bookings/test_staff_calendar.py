"""The staff calendar: grids, the appointment panel, the desk's actions, health by relationship."""

import html
import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bookings.models import (
    Appointment,
    AppointmentEvent,
    BookingRules,
    CallbackRequest,
    CallNote,
    HealthAccess,
    HealthAnswers,
    Status,
    TimeOff,
)
from tests import factories as f
from tests.bookings.conftest import MONDAY_MORNING, answers, staff_in
from tests.bookings.test_admin import MARKER, book, in_days, local, with_answers

pytestmark = pytest.mark.django_db

DAY = "/admin/calendar/"
BOOK = "/admin/calendar/book/"


@pytest.fixture
def other_therapist(spa):
    """Ben, signed in as a therapist: Ana's clients are not his."""
    from django.test import Client

    from spa.roles import ensure_groups

    user = spa["ben"].user
    user.groups.add(ensure_groups()["Therapists"])
    client = Client()
    client.force_login(user)
    return client, user


def panel(pk: int) -> str:
    return f"/admin/calendar/appointment/{pk}/"


def pregnant_client(spa, **kw) -> Appointment:
    """Ana's flagged client with points and an area to avoid, and answers behind them."""
    appointment = book(
        spa,
        local(in_days(3), 10),
        flagged=True,
        screening="review",
        avoid_areas="the abdomen",
        **kw,
    )
    appointment.avoid_points.add(f.point("SP6", english_name="Three Yin Intersection"))
    with_answers(appointment)
    return appointment


def ics_of(message) -> str:
    for attachment in message.attachments:
        content = getattr(attachment, "get_content", None)
        if content is not None:
            return content()
    return ""


# --- The grid ---------------------------------------------------------------------------


def test_day_view_has_a_column_per_therapist_and_blocks_coloured_by_status(front_desk, spa):
    a = book(spa, local(in_days(1), 10), status=Status.CONFIRMED, name="Casey Client")
    book(
        spa,
        local(in_days(1), 12),
        who="ben",
        status=Status.CANCELLED,
        cancelled_by="spa",
        name="Gone Client",
    )
    response = front_desk[0].get(DAY, {"date": in_days(1).isoformat()})
    assert response.status_code == 200
    text = response.text
    assert "Ana" in text
    assert "Ben" in text
    assert f'href="{panel(a.pk)}"' in text
    assert "cal-block st-confirmed" in text
    # Cancelled blocks hold no time: hidden unless asked for.
    assert "Gone Client" not in text
    shown = front_desk[0].get(DAY, {"date": in_days(1).isoformat(), "cancelled": "1"}).text
    assert "Gone Client" in shown
    assert "st-cancelled" in shown
    # Empty cells lead to booking there, with the therapist and time filled in.
    assert re.search(r'href="/admin/calendar/book/\?therapist=ana&amp;start=[^"]+"', text)


def test_closed_hours_and_time_off_are_greyed(front_desk, spa):
    day = in_days(1)
    f.time_off(spa["ana"], local(day, 13), local(day, 14), reason="Training")
    text = front_desk[0].get(DAY, {"date": day.isoformat()}).text
    assert "cal-closed" in text  # the grid starts before 9:00 or ends after 17:00 somewhere
    assert 'class="cal-off"' in text
    assert "Training" in text
    # No "book here" link inside the time off.
    start = local(day, 13, 30).isoformat()
    assert f"start={start}".replace("+", "%2B") not in text


def test_a_therapist_starts_on_my_day(own_therapist, spa):
    book(spa, local(in_days(1), 10), who="ben", name="Bens Client")
    book(spa, local(in_days(1), 11), name="Anas Client")
    response = own_therapist[0].get(DAY, {"date": in_days(1).isoformat()})
    assert response.context["title"].startswith("My day")
    assert "Anas Client" in response.text
    assert "Bens Client" not in response.text
    everyone = own_therapist[0].get(DAY, {"date": in_days(1).isoformat(), "who": "all"})
    assert "Bens Client" in everyone.text


def test_week_view_shows_one_therapist_seven_days(front_desk, spa):
    monday = in_days(7) - timedelta(days=in_days(7).weekday())
    book(spa, local(monday + timedelta(days=2), 10), name="Wednesday Client")
    book(spa, local(monday + timedelta(days=2), 10), who="ben", name="Bens Client")
    response = front_desk[0].get("/admin/calendar/week/ana/", {"date": monday.isoformat()})
    assert response.status_code == 200
    assert len(response.context["grid"].columns) == 7
    assert "Wednesday Client" in response.text
    assert "Bens Client" not in response.text
    assert front_desk[0].get("/admin/calendar/week/nobody/").status_code == 404


def test_a_bad_date_falls_back_to_today_with_a_message(front_desk, spa):
    response = front_desk[0].get(DAY, {"date": "2026-13-45"}, follow=True)
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert any("is not a date" in str(m) for m in response.context["messages"])


def test_the_calendar_needs_a_staff_role(anonymous, content_editor, spa):
    response = anonymous.get(DAY)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert content_editor.get(DAY).status_code == 403
    assert content_editor.get(panel(book(spa, local(in_days(1), 10)).pk)).status_code == 403


def _fill_day(spa, therapists, day):
    """Eight therapists' full day: back-to-back hour sessions (with their 15-minute reset)."""
    rows = []
    for t in therapists:
        start = local(day, 9)
        while start + timedelta(minutes=75) <= local(day, 17):
            rows.append(
                f.appointment(
                    spa["service"],
                    t,
                    start,
                    status=Status.CONFIRMED,
                    client_name="Full Day",
                    client_email="full@example.com",
                    save=False,
                )
            )
            start += timedelta(minutes=75)
    Appointment.objects.bulk_create(rows)


def _stored(spa, therapists, count: int, far_from):
    """`count` past appointments spread over earlier days: history the day view must not read."""
    rows = []
    for n in range(count):
        start = far_from - timedelta(days=1 + n // 64, minutes=15 * (n % 8))
        rows.append(
            f.appointment(
                spa["service"],
                therapists[n % len(therapists)],
                start,
                status=Status.COMPLETED,
                client_name="Old Client",
                client_email=f"old{n}@example.com",
                save=False,
            )
        )
    Appointment.objects.bulk_create(rows, batch_size=2000)


def test_day_view_queries_do_not_grow_with_stored_appointments(
    front_desk, spa, django_assert_max_num_queries
):
    therapists = [spa["ana"], spa["ben"]]
    therapists += [f.therapist(f"Extra {n}", spa["service"]) for n in range(6)]
    day = in_days(1)
    _fill_day(spa, therapists, day)
    client = front_desk[0]
    client.get(DAY, {"date": day.isoformat()})  # the session and permissions, once

    counts = []
    for total in (300, 3_000):  # ten times the history, the same queries
        _stored(spa, therapists, total - Appointment.objects.count(), local(day, 0))
        assert Appointment.objects.count() >= total
        with django_assert_max_num_queries(10) as captured:
            response = client.get(DAY, {"date": day.isoformat()})
        assert response.status_code == 200
        assert len(response.context["grid"].columns) == 8
        assert response.text.count("cal-block st-confirmed") == 8 * 6
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- The panel and health answers by relationship ---------------------------------------------


def test_own_therapist_sees_yes_answers_first_and_what_to_avoid_and_it_is_logged(
    own_therapist, spa
):
    appointment = pregnant_client(spa)
    response = own_therapist[0].get(panel(appointment.pk))
    text = response.text
    assert response.status_code == 200
    assert "Screening summary" in text
    assert MARKER in text
    assert "SP6" in text
    assert "the abdomen" in text
    assert text.index("Avoid") < text.index("Answered “yes”")
    access = HealthAccess.objects.get()
    assert access.user == own_therapist[1]
    assert access.answers == appointment.health


@pytest.mark.parametrize("who", ["other_therapist", "front_desk"])
def test_others_never_see_answers_or_what_follows_from_them(who, request, spa):
    client, _ = request.getfixturevalue(who)
    appointment = pregnant_client(spa)
    day_page = client.get(DAY, {"date": in_days(3).isoformat(), "who": "all"}).text
    change = f"/admin/bookings/appointment/{appointment.pk}/"
    pages = [
        client.get(panel(appointment.pk)).text,
        client.get(change + "change/").text,
        client.get(change + "history/").text,
        day_page,
    ]
    for page in pages:
        assert MARKER not in page
        assert "Q?" not in page
        assert "SP6" not in page
        assert "the abdomen" not in page
    # Operational state stays: the desk knows a review is pending.
    assert "Needs review" in pages[0]
    assert "Points to avoid</span>" not in day_page
    assert 'title="Has points to avoid"' not in day_page
    assert not HealthAccess.objects.exists()


@pytest.mark.parametrize("who", ["other_therapist", "front_desk"])
@pytest.mark.parametrize(
    "lookup",
    [
        "avoid_areas__icontains",
        "avoid_points__code",
        "client_guidance__icontains",
        "health__outcome",
    ],
)
def test_derived_fields_cannot_be_searched_or_filtered(who, lookup, request, spa):
    client, _ = request.getfixturevalue(who)
    pregnant_client(spa)
    assert client.get("/admin/bookings/appointment/", {lookup: "abdomen"}).status_code == 400
    response = client.get("/admin/bookings/appointment/", {"q": "abdomen"})
    assert response.status_code == 200
    assert "Casey Client" not in response.text


def test_the_owner_may_filter_by_derived_fields(owner, spa):
    pregnant_client(spa)
    response = owner.get("/admin/bookings/appointment/", {"avoid_areas__icontains": "abdomen"})
    assert response.status_code == 200
    assert "Casey Client" in response.text


def test_derived_fields_cannot_be_edited_without_the_answers(front_desk, spa):
    client, _ = front_desk
    appointment = pregnant_client(spa)
    url = f"/admin/bookings/appointment/{appointment.pk}/change/"
    page = client.get(url).text
    assert 'name="flagged"' not in page
    assert 'name="avoid_areas"' not in page
    assert 'name="avoid_points"' not in page
    assert 'name="client_guidance"' not in page
    form = {
        "client_name": "Casey Client",
        "client_email": "casey@example.com",
        "client_phone": "(555) 010-2233",
        "client_notes": "",
        "flagged": "",
        "avoid_areas": "",
        "avoid_points": [],
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    client.post(url, form)
    appointment.refresh_from_db()
    assert appointment.flagged
    assert appointment.avoid_areas == "the abdomen"
    assert appointment.avoid_points.count() == 1


def test_autocomplete_cannot_reach_the_avoid_points(front_desk, spa):
    pregnant_client(spa)
    response = front_desk[0].get(
        "/admin/autocomplete/",
        {"app_label": "bookings", "model_name": "appointment", "field_name": "avoid_points"},
    )
    assert response.status_code == 403


def test_the_owner_reads_the_access_log_and_nobody_else_does(owner, own_therapist, front_desk, spa):
    appointment = pregnant_client(spa)
    own_therapist[0].get(panel(appointment.pk))
    response = owner.get("/admin/bookings/healthaccess/")
    assert response.status_code == 200
    assert "ana" in response.text
    assert f"Appointment {appointment.pk}" in response.text
    assert front_desk[0].get("/admin/bookings/healthaccess/").status_code == 403
    assert own_therapist[0].get("/admin/bookings/healthaccess/").status_code == 403
    assert owner.post("/admin/bookings/healthaccess/add/").status_code == 403


def test_the_consent_says_what_the_system_does(anonymous):
    from bookings.forms import HealthForm

    label = HealthForm(questions=[]).fields["health_consent"].label
    assert "the therapist I am booked with" in label
    assert "the owner" in label
    assert "the therapist you are booked with" in anonymous.get("/").text


# --- One-click statuses -----------------------------------------------------------------


def test_arrived_then_completed_one_click_each_stamped(front_desk, spa):
    client, user = front_desk
    appointment = book(spa, local(timezone.localdate(), 0), status=Status.CONFIRMED)
    response = client.post(f"{panel(appointment.pk)}status/", {"to": "arrived"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.ARRIVED
    assert appointment.status_changed_by == user
    client.post(f"{panel(appointment.pk)}status/", {"to": "completed"})
    appointment.refresh_from_db()
    assert appointment.status == Status.COMPLETED
    events = list(AppointmentEvent.objects.filter(appointment=appointment))
    assert [(e.to_status, e.by) for e in events] == [("arrived", user), ("completed", user)]


def test_no_show_waits_for_the_session_to_start(front_desk, spa):
    appointment = book(spa, local(in_days(2), 10), status=Status.CONFIRMED)
    response = front_desk[0].post(f"{panel(appointment.pk)}status/", {"to": "no-show"}, follow=True)
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    assert any("not started" in str(m) for m in response.context["messages"])


def test_cancel_needs_a_reason_and_emails_the_client(front_desk, spa):
    client, user = front_desk
    appointment = book(spa, local(in_days(2), 10), status=Status.CONFIRMED)
    mail.outbox.clear()
    response = client.post(f"{panel(appointment.pk)}status/", {"to": "cancel"}, follow=True)
    assert any("Say why" in str(m) for m in response.context["messages"])
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    assert not mail.outbox

    client.post(f"{panel(appointment.pk)}status/", {"to": "cancel", "reason": "Therapist ill"})
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.cancelled_by == "spa"
    assert appointment.status_reason == "Therapist ill"
    assert appointment.status_changed_by == user
    assert [m.to for m in mail.outbox] == [["casey@example.com"]]


def test_only_the_own_therapist_confirms_a_flagged_request(
    own_therapist, other_therapist, front_desk, spa
):
    appointment = pregnant_client(spa)
    for client in (other_therapist[0], front_desk[0]):
        assert "Confirm</button>" not in client.get(panel(appointment.pk)).text
        client.post(f"{panel(appointment.pk)}status/", {"to": "confirm"})
        appointment.refresh_from_db()
        assert appointment.status == Status.REQUESTED
    own_therapist[0].post(f"{panel(appointment.pk)}status/", {"to": "confirm"})
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_status_changes_are_post_only_and_need_change_permission(spa):
    appointment = book(spa, local(in_days(2), 10), status=Status.CONFIRMED)
    viewer, _ = staff_in("Content editors", "eve")
    assert viewer.post(f"{panel(appointment.pk)}status/", {"to": "arrived"}).status_code == 403
    desk, _ = staff_in("Front desk", "fred")
    assert desk.get(f"{panel(appointment.pk)}status/").status_code == 405


# --- Booking for a client ---------------------------------------------------------------


def utc_iso(value: datetime) -> str:
    from datetime import UTC

    return value.astimezone(UTC).isoformat()


def phone_booking(start, **yes) -> dict:
    data = {
        "start": utc_iso(start),
        "name": "Phone Caller",
        "email": "Caller@Example.com",
        "phone": "(555) 010-7788",
        "notes": "",
        "decision": "",
    }
    data.update({f"h-{k}": v for k, v in answers(**yes).items()})
    return data


def slot_query(spa, day, who="ana") -> str:
    return f"?service={spa['service'].pk}&therapist={spa[who].pk}&day={day.isoformat()}"


def test_front_desk_books_a_phone_client_with_answers_taken_by_phone(
    front_desk, spa, questions, django_capture_on_commit_callbacks
):
    client, user = front_desk
    start = local(in_days(1), 10)
    data = phone_booking(start, pregnant="yes")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BOOK + slot_query(spa, in_days(1)), data)
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == panel(appointment.pk)
    assert appointment.therapist == spa["ana"]
    assert appointment.start == start
    assert appointment.client_email == "caller@example.com"
    assert appointment.flagged
    assert appointment.status == Status.REQUESTED
    assert list(appointment.avoid_points.values_list("code", flat=True)) == ["LI4"]
    health = HealthAnswers.objects.get(appointment=appointment)
    assert health.taken_by == user
    assert health.consented_at is not None
    event = appointment.events.get()
    assert event.by == user
    assert not event.by_client
    assert "by phone" in event.note
    assert "caller@example.com" in [m.to[0] for m in mail.outbox]


def test_a_booking_form_with_errors_keeps_every_value(front_desk, spa, questions):
    client, _ = front_desk
    start = local(in_days(1), 10)
    data = {**phone_booking(start), "email": "not-an-email"}
    del data["h-q_fever"]  # a question left unanswered
    response = client.post(BOOK + slot_query(spa, in_days(1)), data)
    assert response.status_code == 200
    assert not Appointment.objects.exists()
    assert 'value="Phone Caller"' in response.text
    assert 'value="not-an-email"' in response.text
    assert "Please answer yes or no." in response.text
    assert "Enter an email address like name@example.com" in response.text


def test_a_taken_time_is_refused_and_not_offered(front_desk, spa, questions):
    client, _ = front_desk
    start = local(in_days(1), 10)
    book(spa, start, status=Status.CONFIRMED)
    page = client.get(BOOK + slot_query(spa, in_days(1)))
    assert utc_iso(start) not in page.text
    response = client.post(BOOK + slot_query(spa, in_days(1)), phone_booking(start))
    assert response.status_code == 200
    assert Appointment.objects.count() == 1
    assert "no longer free" in response.text


def test_a_declined_screening_needs_the_decision_after_the_call(front_desk, spa, questions):
    client, _ = front_desk
    start = local(in_days(1), 10)
    data = phone_booking(start, fever="yes")
    response = client.post(BOOK + slot_query(spa, in_days(1)), data)
    assert response.status_code == 200
    assert not Appointment.objects.exists()
    assert "write down the decision" in response.text
    data["decision"] = "Fever gone two days; cleared by Ana after the call"
    client.post(BOOK + slot_query(spa, in_days(1)), data)
    appointment = Appointment.objects.get()
    assert appointment.flagged
    assert appointment.screening == "review"
    assert "cleared by Ana" in appointment.events.get().note


def test_staff_may_book_inside_the_online_notice(front_desk, spa, questions):
    # Online, a week's notice; the desk books someone who phones for tomorrow.
    BookingRules.objects.filter(pk=1).update(min_notice_hours=7 * 24)
    start = local(in_days(1), 10)
    response = front_desk[0].get(BOOK + slot_query(spa, in_days(1)))
    assert utc_iso(start) in response.text
    front_desk[0].post(BOOK + slot_query(spa, in_days(1)), phone_booking(start))
    assert Appointment.objects.get().start == start


def test_find_a_returning_client(front_desk, spa):
    earlier = book(spa, local(in_days(-10), 10), status=Status.COMPLETED, name="Robin Returning")
    response = front_desk[0].get(BOOK, {"q": "returning"})
    assert "Robin Returning" in response.text
    assert f"client={earlier.pk}" in response.text
    filled = front_desk[0].get(BOOK, {"client": earlier.pk})
    assert 'value="robin@example.com"' in filled.text


# --- Moving -----------------------------------------------------------------------------


def test_move_to_another_therapist_raises_the_sequence_and_emails(
    front_desk, spa, django_capture_on_commit_callbacks
):
    client, user = front_desk
    appointment = book(spa, local(in_days(1), 10), status=Status.CONFIRMED, sequence=1)
    new_start = local(in_days(1), 14)
    mail.outbox.clear()
    url = f"{panel(appointment.pk)}move/" + slot_query(spa, in_days(1), who="ben")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"start": utc_iso(new_start)})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.therapist == spa["ben"]
    assert appointment.start == new_start
    assert appointment.sequence == 2
    event = appointment.events.get()
    assert event.by == user
    assert "with Ana" in event.note
    assert "SEQUENCE:2" in ics_of(mail.outbox[0])


def test_move_inside_the_cut_off_is_allowed_for_staff(front_desk, spa):
    # Clients may no longer move it online (a week's cut-off); the desk still may.
    BookingRules.objects.filter(pk=1).update(cancellation_cutoff_hours=7 * 24)
    start = local(in_days(1), 10)
    appointment = book(spa, start, status=Status.CONFIRMED)
    # Booked an hour ago: its grace period is over too.
    appointment.created -= timedelta(hours=1)
    appointment.save()
    assert not appointment.can_client_change()
    target = local(in_days(1), 11, 30)
    url = f"{panel(appointment.pk)}move/" + slot_query(spa, in_days(1))
    assert front_desk[0].post(url, {"start": utc_iso(target)}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == target


def test_move_onto_a_taken_time_is_refused(front_desk, spa):
    appointment = book(spa, local(in_days(1), 10), status=Status.CONFIRMED)
    book(spa, local(in_days(1), 14), who="ben", status=Status.CONFIRMED, name="Other Client")
    url = f"{panel(appointment.pk)}move/" + slot_query(spa, in_days(1), who="ben")
    response = front_desk[0].post(url, {"start": utc_iso(local(in_days(1), 14))})
    assert response.status_code == 200
    assert "no longer free" in response.text
    appointment.refresh_from_db()
    assert appointment.therapist == spa["ana"]


def test_an_arrived_client_still_holds_the_time(spa):
    from bookings import free_times

    arrived = book(spa, local(in_days(1), 10), status=Status.ARRIVED)
    assert not free_times.is_free(spa["service"], spa["ana"].pk, local(in_days(1), 10, 30))
    if connection.vendor != "postgresql":
        return  # SQLite has no exclusion constraint; the services' re-check is the guard
    with pytest.raises(IntegrityError), transaction.atomic():
        f.appointment(
            spa["service"],
            arrived.therapist,
            local(in_days(1), 10, 30),
            status=Status.CONFIRMED,
            client_email="c@example.com",
        )


# --- Call-backs and time off -------------------------------------------------------------


def declined_callback(spa, **kw) -> CallbackRequest:
    callback = CallbackRequest.objects.create(
        name="Gil Caller",
        email="gil@example.com",
        phone="(555) 010-4411",
        service=spa["service"],
        therapist=spa["ana"],
        preferred_start=local(in_days(1), 10),
        **kw,
    )
    HealthAnswers.objects.create(
        callback=callback,
        questionnaire_version="q1",
        answers=[
            {
                "code": "fever",
                "question": "Fever?",
                "answer": "yes",
                "detail": "",
                "triggered": True,
            }
        ],
        outcome="decline",
        consent_version="2026-11",
        consented_at=timezone.now(),
    )
    return callback


def test_a_call_is_noted_and_closing_needs_a_reason(front_desk, spa):
    client, user = front_desk
    callback = declined_callback(spa)
    url = f"/admin/calendar/call-back/{callback.pk}/"
    client.post(url, {"outcome": "no-answer", "note": ""})
    assert CallNote.objects.get().by == user
    response = client.post(url, {"outcome": "closed", "note": ""})
    assert response.status_code == 200
    assert "Say why" in response.text
    client.post(url, {"outcome": "closed", "note": "Booked elsewhere"})
    callback.refresh_from_db()
    assert callback.handled
    assert callback.handled_by == user


def test_a_call_back_becomes_a_booking_with_its_answers(
    front_desk, spa, questions, django_capture_on_commit_callbacks
):
    client, user = front_desk
    callback = declined_callback(spa)
    page = client.get(f"{BOOK}?callback={callback.pk}")
    assert 'value="Gil Caller"' in page.text
    assert "Fever?" not in page.text
    start = local(in_days(1), 10)
    data = {
        "start": utc_iso(start),
        "name": "Gil Caller",
        "email": "gil@example.com",
        "phone": "(555) 010-4411",
        "notes": "",
        "decision": "",
    }
    url = f"{BOOK}?callback={callback.pk}&" + slot_query(spa, in_days(1))[1:]
    assert client.post(url, data).status_code == 200  # the decision is required
    data["decision"] = "Fever passed; Ana agreed after the call"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.health.answers[0]["code"] == "fever"
    assert appointment.flagged
    callback.refresh_from_db()
    assert callback.handled
    assert callback.appointment == appointment
    assert CallNote.objects.get().outcome == "booked"


def test_block_time_from_the_calendar(front_desk, spa):
    client, _ = front_desk
    day = in_days(1)
    bad = client.post(
        "/admin/calendar/block/",
        {"therapist": spa["ana"].pk, "start": f"{day}T13:00", "end": f"{day}T12:00", "reason": "x"},
    )
    assert bad.status_code == 200
    assert "must end after it starts" in bad.text
    response = client.post(
        "/admin/calendar/block/",
        {
            "therapist": spa["ana"].pk,
            "start": f"{day}T13:00",
            "end": f"{day}T14:00",
            "reason": "Dentist",
        },
    )
    assert response.status_code == 302
    off = TimeOff.objects.get()
    assert off.start == local(day, 13)
    assert off.therapist == spa["ana"]
    assert "Dentist" in client.get(response["Location"]).text


# --- Questions sent to the client by link --------------------------------------------------


def book_by_link(client, spa, start, django_capture_on_commit_callbacks) -> Appointment:
    data = {k: v for k, v in phone_booking(start).items() if not k.startswith("h-")}
    data["how"] = "link"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BOOK + slot_query(spa, start.date()), data)
    assert response.status_code == 302
    return Appointment.objects.get()


def test_booking_by_link_holds_the_time_and_emails_the_questions(
    front_desk, spa, questions, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    appointment = book_by_link(
        front_desk[0], spa, local(in_days(3), 10), django_capture_on_commit_callbacks
    )
    assert appointment.status == Status.AWAITING_ANSWERS
    assert appointment.holds_slot
    assert not HealthAnswers.objects.exists()
    assert "sent to the client" in appointment.events.get().note
    body = next(m.body for m in mail.outbox if m.to == ["caller@example.com"])
    assert f"/bookings/{appointment.token}/health/" in body


def test_the_client_answers_through_the_link_and_the_outcomes_apply(
    front_desk, anonymous, spa, questions, django_capture_on_commit_callbacks
):
    appointment = book_by_link(
        front_desk[0], spa, local(in_days(3), 10), django_capture_on_commit_callbacks
    )
    url = f"/bookings/{appointment.token}/health/"
    page = anonymous.get(url)
    assert page.status_code == 200
    assert "Are you or might you be pregnant?" in page.text
    # Bad input: the form comes back with every answer kept, nothing stored.
    partial = {k: v for k, v in answers(pregnant="yes").items() if k != "q_fever"}
    again = anonymous.post(url, partial)
    assert again.status_code == 200
    assert "Please answer yes or no." in again.text
    assert not HealthAnswers.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(url, answers(pregnant="yes"))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.REQUESTED
    assert appointment.flagged
    assert list(appointment.avoid_points.values_list("code", flat=True)) == ["LI4"]
    health = appointment.health
    assert health.taken_by is None
    assert health.consent_version
    assert appointment.events.last().by_client
    # Once answered, the link leads back to the booking.
    assert anonymous.get(url)["Location"] == appointment.get_absolute_url()


def test_a_decline_answer_frees_the_time_and_asks_for_a_call(
    front_desk, anonymous, spa, questions, django_capture_on_commit_callbacks
):
    appointment = book_by_link(
        front_desk[0], spa, local(in_days(3), 10), django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(f"/bookings/{appointment.token}/health/", answers(fever="yes"))
    appointment.refresh_from_db()
    assert appointment.status == Status.DECLINED
    assert not appointment.holds_slot
    callback = CallbackRequest.objects.get()
    # Straight to the call-back's private page, which says what we suggest; the
    # session keeps nothing of it.
    assert response["Location"] == f"/call-back/{callback.token}/"
    page = anonymous.get(response["Location"])
    assert page.status_code == 200
    assert callback.guidance.splitlines()[0] in html.unescape(page.text)
    assert "callback" not in anonymous.session.keys()
    assert callback.health.outcome == "decline"
    assert callback.therapist == spa["ana"]


def test_a_reminder_with_the_link_48_hours_before(spa, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    soon = book(spa, timezone.now() + timedelta(hours=40), status=Status.AWAITING_ANSWERS)
    book(spa, timezone.now() + timedelta(hours=40), who="ben", status=Status.CONFIRMED)
    mail.outbox.clear()
    call_command("send_reminders", stdout=None)
    assert [m.to for m in mail.outbox] == [["casey@example.com"]]
    assert f"/bookings/{soon.token}/health/" in mail.outbox[0].body
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None


# --- The staff home ------------------------------------------------------------------------


# On a Monday the day after tomorrow falls in the same week.
@pytest.mark.time_machine(MONDAY_MORNING, tick=False)
def test_the_staff_home_shows_the_day_the_queues_and_the_weeks_hours(owner, spa):
    today = timezone.localdate()
    book(spa, local(today, 10), status=Status.ARRIVED)
    book(spa, local(in_days(2), 10), flagged=True, name="Flag Client")
    CallbackRequest.objects.create(name="Gil", email="gil@example.com", phone="555")
    response = owner.get("/admin/")
    text = response.text
    assert "Open the calendar" in text
    assert re.search(r'<span class="big">1</span> booked · 1 arrived', text)
    assert re.search(r'<span class="big">1</span> flagged of 1 undecided', text)
    assert re.search(r'<span class="big">1</span> to call', text)
    # Ana works 8 hours a day, 7 days a week; two hours of it are booked this week.
    week = {row.therapist.slug: row for row in response.context["week"]}
    assert week["ana"].available == 56.0
    assert week["ana"].booked == 2.0


def test_the_staff_home_has_no_dashboard_for_the_content_editor(content_editor):
    assert "Open the calendar" not in content_editor.get("/admin/").text


def test_call_notes_go_with_the_clients_data(owner, front_desk, spa):
    from bookings import privacy

    callback = declined_callback(spa)
    front_desk[0].post(
        f"/admin/calendar/call-back/{callback.pk}/", {"outcome": "talked", "note": "Calls back Fri"}
    )
    data = privacy.export(["gil@example.com"], user=front_desk[1], include_health=False)
    assert data["callback_requests"][0]["calls"][0]["note"] == "Calls back Fri"
    privacy.erase(["gil@example.com"], by=front_desk[1])
    assert CallNote.objects.get().note == ""


def test_an_email_given_up_on_shows_on_the_block_and_the_staff_home(front_desk, owner, spa):
    from bookings.models import OutgoingEmail

    kept = book(spa, local(in_days(1), 10), status=Status.CONFIRMED, name="Kept Client")
    lost = book(spa, local(in_days(1), 12), status=Status.CONFIRMED, name="Lost Client")
    OutgoingEmail.objects.create(
        kind="confirmed", appointment=kept, state="sent", sent_at=timezone.now()
    )
    OutgoingEmail.objects.create(
        kind="confirmed", appointment=lost, state="failed", last_error="550 refused"
    )
    text = front_desk[0].get(DAY, {"date": in_days(1).isoformat()}).text
    assert text.count('title="Email not delivered"') == 1
    block = text[text.index("Lost Client") - 600 : text.index("Lost Client") + 600]
    assert "Email not delivered" in block
    home = owner.get("/admin/").text
    assert re.search(r'<span class="big">1</span> given up on after every retry', home)
