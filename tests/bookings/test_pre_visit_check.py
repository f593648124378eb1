"""The pre-visit check: the "today" questions again, emailed before the visit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bookings.models import Appointment, HealthAnswers, PreVisitChange, Question, Status
from tests.bookings.conftest import MONDAY_MORNING, staff_in, walk_to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(spa, questions, anonymous, time_machine):
    """Booked on a stopped clock, early one morning, for 10:00 the next day (26 hours on)."""
    time_machine.move_to(MONDAY_MORNING, tick=False)
    Question.objects.filter(code__in=["fever", "pregnant"]).update(pre_visit=True)
    start = MONDAY_MORNING.replace(hour=10, second=0) + timedelta(days=1)
    walk_to_review(anonymous, spa, start)
    anonymous.post("/book/review/", {"policy_consent": "on"})
    return Appointment.objects.get()


def send_reminders():
    call_command("send_reminders", verbosity=0, stdout=open("/dev/null", "w"))


def test_the_check_is_emailed_once_inside_the_window(booked, settings):
    mail.outbox.clear()
    settings.SPA_PRE_VISIT_HOURS = 1
    send_reminders()
    assert not [m for m in mail.outbox if "quick check" in m.subject]
    settings.SPA_PRE_VISIT_HOURS = 72
    send_reminders()
    send_reminders()
    checks = [m for m in mail.outbox if "quick check" in m.subject]
    assert len(checks) == 1
    assert f"/bookings/{booked.token}/today/" in checks[0].body
    # The link only: no question as asked, no answer.
    assert "Fever in the last two days" not in checks[0].body
    booked.refresh_from_db()
    assert booked.pre_visit_sent_at is not None


def test_only_the_today_questions_are_asked(booked, client):
    page = client.get(f"/bookings/{booked.token}/today/").content.decode()
    assert "Fever in the last two days?" in page
    assert "Are you or might you be pregnant?" in page
    assert "A heart condition?" not in page
    assert "A rash or broken skin?" not in page
    assert "health_consent" not in page


def test_nothing_changed_records_the_check_and_flags_nothing(booked, client):
    response = client.post(
        f"/bookings/{booked.token}/today/", {"q_fever": "no", "q_pregnant": "no"}
    )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.pre_visit_change == PreVisitChange.NONE
    assert booked.pre_visit_answered_at is not None
    assert not booked.flagged
    assert b"Thank you, see you soon" in client.get(response["Location"]).content


def test_a_fever_offers_to_move_tells_staff_and_cancels_nothing(booked, client):
    mail.outbox.clear()
    status_before = booked.status
    response = client.post(
        f"/bookings/{booked.token}/today/", {"q_fever": "yes", "q_pregnant": "no"}
    )
    booked.refresh_from_db()
    assert booked.status == status_before  # nothing cancelled
    assert booked.pre_visit_change == PreVisitChange.MOVE
    assert booked.flagged
    health = HealthAnswers.objects.get()
    assert {r["code"]: r["answer"] for r in health.pre_visit_answers} == {
        "fever": "yes",
        "pregnant": "no",
    }
    assert {r["code"]: r["answer"] for r in health.answers}["fever"] == "no"  # kept as given
    page = client.get(response["Location"]).content.decode()
    assert "find you another time" in page
    assert "Please rebook once you have had two days without a fever." in page
    assert f"/bookings/{booked.token}/reschedule/" in page
    alert = next(m for m in mail.outbox if "[Pre-visit check]" in m.subject)
    assert "fever" not in alert.body.lower()
    assert "fever" not in alert.subject.lower()


def test_a_change_needing_review_flags_the_therapist(booked, client):
    client.post(f"/bookings/{booked.token}/today/", {"q_fever": "no", "q_pregnant": "yes"})
    booked.refresh_from_db()
    assert booked.pre_visit_change == PreVisitChange.REVIEW
    assert booked.flagged
    assert booked.avoid_points.filter(code="LI4").exists()


def test_the_calendar_shows_the_check(booked, client, owner):
    day = timezone.localtime(booked.start).date().isoformat()
    url = f"/admin/calendar/?date={day}&who=all"
    Appointment.objects.filter(pk=booked.pk).update(pre_visit_sent_at=timezone.now())
    assert "Pre-visit check not answered yet" in owner.get(url).content.decode()
    client.post(f"/bookings/{booked.token}/today/", {"q_fever": "yes", "q_pregnant": "no"})
    html = owner.get(url).content.decode()
    assert "Pre-visit check: Changed: the visit should move" in html


def test_silence_is_fine_and_an_unanswered_check_cancels_nothing(booked, settings):
    settings.SPA_PRE_VISIT_HOURS = 72
    send_reminders()
    booked.refresh_from_db()
    assert booked.holds_slot
    assert booked.pre_visit_answered_at is None


def test_the_check_is_answered_once_and_not_for_a_cancelled_booking(booked, client):
    client.post(f"/bookings/{booked.token}/today/", {"q_fever": "no", "q_pregnant": "no"})
    client.post(f"/bookings/{booked.token}/today/", {"q_fever": "yes", "q_pregnant": "no"})
    booked.refresh_from_db()
    assert booked.pre_visit_change == PreVisitChange.NONE
    Appointment.objects.filter(pk=booked.pk).update(status=Status.CANCELLED, cancelled_by="client")
    response = client.get(f"/bookings/{booked.token}/today/")
    assert response["Location"] == f"/bookings/{booked.token}/"


def test_front_desk_sees_the_flag_not_the_answers(booked, client):
    client.post(f"/bookings/{booked.token}/today/", {"q_fever": "yes", "q_pregnant": "no"})
    desk, _ = staff_in("Front desk", "fran")
    page = desk.get(f"/admin/calendar/appointment/{booked.pk}/").content.decode()
    assert "Changed: the visit should move" in page
    assert "Fever in the last two days" not in page


def test_bad_input_keeps_the_answers_and_says_why(booked, client):
    response = client.post(f"/bookings/{booked.token}/today/", {"q_fever": "yes"})
    assert response.status_code == 200
    assert b"Please answer yes or no." in response.content
    booked.refresh_from_db()
    assert booked.pre_visit_answered_at is None


def test_the_therapist_reads_the_check_on_the_panel_and_the_client_page(booked, client, owner):
    client.post(f"/bookings/{booked.token}/today/", {"q_fever": "yes", "q_pregnant": "no"})
    panel = owner.get(f"/admin/calendar/appointment/{booked.pk}/").content.decode()
    assert "Pre-visit check," in panel
    assert "Fever in the last two days?" in panel
    page = owner.get(f"/admin/bookings/client/{booked.client_id}/change/").content.decode()
    assert "Pre-visit check, answered" in page
