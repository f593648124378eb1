"""The staff side of bookings: status actions, health-answer gating, the day's schedule."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.utils import timezone

from bookings.models import (
    Appointment,
    AppointmentEvent,
    BookingRules,
    CallbackRequest,
    HealthAccess,
    HealthAnswers,
    Status,
)
from tests import factories as f
from tests.bookings.conftest import staff_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/bookings/appointment/"
TODAY = "/admin/bookings/appointment/today/"
MARKER = "MARKER-123"


@pytest.fixture
def therapist(db):
    return staff_in("Therapists", "theo")


def local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def book(spa, start, *, who="ana", name="Casey Client", **kw) -> Appointment:
    email = f"{name.split()[0].lower()}@example.com"
    return f.appointment(
        spa["service"], spa[who], start, client_name=name, client_email=email, **kw
    )


def with_answers(record) -> HealthAnswers:
    target = "callback" if isinstance(record, CallbackRequest) else "appointment"
    return HealthAnswers.objects.create(
        **{target: record},
        questionnaire_version="q-test",
        answers=[
            {
                "code": "x",
                "question": "Q?",
                "version": 1,
                "kind": "yes-no",
                "answer": "yes",
                "detail": MARKER,
                "triggered": True,
            }
        ],
        outcome="review",
    )


def run_action(client: Client, action: str, *appointments, follow=True):
    data = {"action": action, "_selected_action": [a.pk for a in appointments]}
    return client.post(CHANGELIST, data, follow=follow)


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Status actions -------------------------------------------------------------------


def test_confirm_moves_request_stamps_logs_and_emails(therapist, spa):
    client, user = therapist
    appointment = book(spa, local(in_days(3), 10))
    mail.outbox.clear()

    response = run_action(client, "confirm", appointment)

    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    assert appointment.status_changed_by == user
    assert timezone.now() - appointment.status_changed_at < timedelta(minutes=1)
    event = AppointmentEvent.objects.get(appointment=appointment)
    assert (event.from_status, event.to_status, event.by) == ("requested", "confirmed", user)
    assert [m.to for m in mail.outbox] == [["casey@example.com"]]
    assert "1 appointment confirmed." in page_messages(response)


def test_decline_sends_the_declined_email(front_desk, spa):
    client, user = front_desk
    appointment = book(spa, local(in_days(3), 10), status=Status.AWAITING_CLEARANCE)
    mail.outbox.clear()

    run_action(client, "decline", appointment)

    appointment.refresh_from_db()
    assert appointment.status == Status.DECLINED
    assert appointment.status_changed_by == user
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["casey@example.com"]
    assert appointment.events.get().to_status == "declined"


def test_cancel_by_the_spa_records_who_cancelled(owner, spa):
    appointment = book(spa, local(in_days(3), 10), status=Status.CONFIRMED)
    mail.outbox.clear()

    run_action(owner, "cancel_by_spa", appointment)

    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.cancelled_by == Appointment.CancelledBy.SPA
    assert len(mail.outbox) == 1


def test_invalid_transitions_are_skipped_with_a_message(therapist, spa):
    client, _ = therapist
    requested = book(spa, local(in_days(3), 10))
    completed = book(spa, local(in_days(3), 12), status=Status.COMPLETED, name="Dana Done")
    declined = book(spa, local(in_days(3), 14), status=Status.DECLINED, name="Eli Else")
    mail.outbox.clear()

    response = run_action(client, "confirm", requested, completed, declined)

    assert response.status_code == 200
    text = page_messages(response)
    assert "1 appointment confirmed." in text
    assert any(m.startswith("2 appointments skipped") for m in text)
    completed.refresh_from_db()
    declined.refresh_from_db()
    assert (completed.status, declined.status) == (Status.COMPLETED, Status.DECLINED)
    assert not AppointmentEvent.objects.filter(appointment__in=[completed, declined]).exists()
    assert len(mail.outbox) == 1


def test_completed_and_no_show_only_once_the_session_started(therapist, spa):
    client, _ = therapist
    now = timezone.localtime()
    past = book(spa, now - timedelta(hours=3), status=Status.CONFIRMED)
    future = book(spa, now + timedelta(days=2), status=Status.CONFIRMED, name="Finn Future")
    mail.outbox.clear()

    response = run_action(client, "complete", past, future)

    past.refresh_from_db()
    future.refresh_from_db()
    assert past.status == Status.COMPLETED
    assert future.status == Status.CONFIRMED
    assert any("skipped" in m for m in page_messages(response))
    run_action(client, "no_show", future)
    future.refresh_from_db()
    assert future.status == Status.CONFIRMED
    assert mail.outbox == []


def test_action_on_the_appointment_page(therapist, spa):
    client, _ = therapist
    appointment = book(spa, local(in_days(3), 10))
    url = f"{CHANGELIST}{appointment.pk}/change/"

    page = client.get(url)
    assert b"Confirm this request" in page.content
    response = client.post(
        url, {"CHANGE_FORM-action": "confirm", "_selected_action": appointment.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == url
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_the_status_field_cannot_be_edited(owner, spa):
    appointment = book(spa, local(in_days(3), 10))
    url = f"{CHANGELIST}{appointment.pk}/change/"

    response = owner.post(
        url,
        {
            "status": "confirmed",
            "client_name": "Casey Client",
            "client_email": "casey@example.com",
            "client_phone": "(555) 010-2233",
            "client_notes": "",
            "avoid_areas": "",
            "client_guidance": "",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.REQUESTED


def test_view_only_user_gets_no_actions(spa):
    client, user = staff_in("Front desk", "vera")
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_appointment"))
    appointment = book(spa, local(in_days(3), 10))

    run_action(client, "confirm", appointment)

    appointment.refresh_from_db()
    assert appointment.status == Status.REQUESTED


# --- Appointments are never deleted -----------------------------------------------


def test_appointments_cannot_be_deleted(owner, spa):
    appointment = book(spa, local(in_days(3), 10))
    url = f"{CHANGELIST}{appointment.pk}/delete/"

    assert owner.get(url).status_code == 403
    assert owner.post(url, {"post": "yes"}).status_code == 403
    run_action(owner, "delete_selected", appointment)

    assert Appointment.objects.filter(pk=appointment.pk).exists()
    assert b"delete_selected" not in owner.get(CHANGELIST).content


# --- Health answers -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["own_therapist", "owner"])
def test_health_answers_shown_to_own_therapist_and_owner_and_logged(who, request, spa):
    client = request.getfixturevalue(who)
    if isinstance(client, tuple):
        client = client[0]
    appointment = book(spa, local(in_days(3), 10), flagged=True, screening="review")
    answers = with_answers(appointment)

    response = client.get(f"{CHANGELIST}{appointment.pk}/change/")

    assert response.status_code == 200
    assert MARKER in response.text
    assert "Q?" in response.text
    access = HealthAccess.objects.get()
    assert access.answers == answers
    assert access.user_id == response.wsgi_request.user.pk
    client.get(f"{CHANGELIST}{appointment.pk}/change/")
    assert HealthAccess.objects.count() == 2


def test_health_answers_hidden_from_front_desk(front_desk, spa):
    client, _ = front_desk
    appointment = book(spa, local(in_days(3), 10), flagged=True, screening="review")
    with_answers(appointment)

    response = client.get(f"{CHANGELIST}{appointment.pk}/change/")

    assert response.status_code == 200
    assert MARKER not in response.text
    assert "Q?" not in response.text
    assert "Health answers" not in response.text
    assert not HealthAccess.objects.exists()
    # The outcome on the appointment itself stays visible.
    assert "Therapist review" in response.text


@pytest.mark.parametrize("lookup", ["health__answers__icontains", "health__outcome"])
def test_the_diary_cannot_be_filtered_by_health_answers(lookup, front_desk, spa):
    appointment = book(spa, local(in_days(3), 10))
    with_answers(appointment)

    # A crafted lookup would let the result count betray the answers: refused.
    assert front_desk[0].get(CHANGELIST, {lookup: "review"}).status_code == 400
    # And a search never looks inside them.
    response = front_desk[0].get(CHANGELIST, {"q": MARKER})
    assert response.status_code == 200
    assert "Casey Client" not in response.text


def test_health_answers_have_no_admin_of_their_own(owner):
    assert HealthAnswers not in admin.site._registry
    assert owner.get("/admin/bookings/healthanswers/").status_code == 404


def test_callback_answers_follow_the_same_rule(therapist, own_therapist, front_desk, spa):
    callback = CallbackRequest.objects.create(
        name="Gil Caller",
        email="gil@example.com",
        phone="555",
        service=spa["service"],
        therapist=spa["ana"],
    )
    with_answers(callback)
    url = f"/admin/bookings/callbackrequest/{callback.pk}/change/"

    assert MARKER not in front_desk[0].get(url).text
    assert MARKER not in therapist[0].get(url).text  # another therapist
    assert not HealthAccess.objects.exists()
    assert MARKER in own_therapist[0].get(url).text
    assert HealthAccess.objects.get().user == own_therapist[1]


def test_pages_with_health_answers_are_never_cached(therapist, spa):
    appointment = book(spa, local(in_days(3), 10))
    with_answers(appointment)

    response = therapist[0].get(f"{CHANGELIST}{appointment.pk}/change/")

    # What Django admin's never_cache sends.
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"} <= directives
    assert response["Expires"]


# --- Call-backs ---------------------------------------------------------------------


def test_mark_handled_records_who(front_desk, spa):
    client, user = front_desk
    callback = CallbackRequest.objects.create(name="Hal", email="hal@example.com", phone="555")

    client.post(
        "/admin/bookings/callbackrequest/",
        {"action": "mark_handled", "_selected_action": [callback.pk]},
    )

    callback.refresh_from_db()
    assert callback.handled
    assert callback.handled_by == user


# --- Review queue and today's schedule -----------------------------------------------


def test_review_queue_lists_undecided_requests_flagged_first(therapist, spa):
    client, _ = therapist
    day = in_days(3)
    book(spa, local(day, 9), name="Ivy Early")
    book(spa, local(day, 15), who="ben", name="Jo Flagged", flagged=True)
    book(spa, local(day, 11), status=Status.CONFIRMED, name="Kim Confirmed")

    changelist = client.get(CHANGELIST)
    assert b"Review queue" in changelist.content
    assert b'href="/admin/calendar/">Calendar<' in changelist.content
    queue_url = changelist.context["review_queue_url"]
    response = client.get(queue_url)

    assert response.status_code == 200
    text = response.text
    assert "Kim Confirmed" not in text
    assert text.index("Jo Flagged") < text.index("Ivy Early")
    assert 'class="badge-review"' in text


def test_todays_schedule_now_opens_the_calendar_on_that_day(front_desk, spa):
    # The day per therapist lives on the staff calendar (tests/bookings/test_staff_calendar.py).
    response = front_desk[0].get(TODAY, {"date": "2026-12-14"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/calendar/?who=all&date=2026-12-14"
    assert front_desk[0].get(TODAY)["Location"] == "/admin/calendar/?who=all"


def test_todays_schedule_needs_appointment_permission(anonymous, staff_outside_group):
    response = anonymous.get(TODAY)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert staff_outside_group.get(TODAY).status_code == 403


# --- Who may open the diary ----------------------------------------------------------


def test_anonymous_is_sent_to_login(anonymous):
    response = anonymous.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_outside_any_group_is_refused(staff_outside_group):
    assert staff_outside_group.get(CHANGELIST).status_code == 403


def test_content_editor_cannot_open_the_diary(content_editor):
    assert content_editor.get(CHANGELIST).status_code == 403


# --- Booking rules: one row ---------------------------------------------------------


def test_booking_rules_cannot_be_added_twice(owner):
    rules = BookingRules.current()
    add = "/admin/bookings/bookingrules/add/"

    assert owner.get(add).status_code == 403
    assert owner.post(add, {"slot_step_minutes": 30}).status_code == 403
    response = owner.get("/admin/bookings/bookingrules/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/bookings/bookingrules/{rules.pk}/change/"
    assert owner.post(f"/admin/bookings/bookingrules/{rules.pk}/delete/").status_code == 403
    assert BookingRules.objects.count() == 1


def test_booking_rules_changelist_leads_to_add_when_missing(owner):
    response = owner.get("/admin/bookings/bookingrules/")
    assert response["Location"] == "/admin/bookings/bookingrules/add/"


# --- Query count ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_changelist_queries_do_not_grow_with_rows(
    count, therapist, spa, django_assert_max_num_queries
):
    client, _ = therapist
    day = in_days(5)
    for i in range(count):
        who = "ana" if i % 2 else "ben"
        # Two therapists, eight back-to-back sessions each per day: no overlaps.
        start = local(day + timedelta(days=i // 16), 8) + timedelta(minutes=75 * (i // 2 % 8))
        appt = book(spa, start, who=who, name=f"Client {i}", flagged=i % 3 == 0)
        with_answers(appt)

    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count


def test_question_admin_edits_the_caution_kinds_as_tick_boxes(owner, db):
    from bookings.models import Question

    url = "/admin/bookings/question/add/"
    page = owner.get(url).content.decode()
    assert 'type="checkbox" name="avoid_caution_kinds" value="pregnancy-care"' in page
    data = {
        "code": "new-question",
        "section": "conditions",
        "order": "500",
        "active": "on",
        "text": "A new question?",
        "kind": "yes-no",
        "on_yes": "review",
        "avoid_caution_kinds": ["pregnancy", "bone"],
    }
    response = owner.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Question.objects.get(code="new-question").avoid_caution_kinds == ["pregnancy", "bone"]
    bad = owner.post(url, {**data, "code": "other", "avoid_caution_kinds": ["no-such-kind"]})
    assert bad.status_code == 200
    assert not Question.objects.filter(code="other").exists()
