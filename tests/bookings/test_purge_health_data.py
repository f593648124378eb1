"""Retention: `purge_health_data` deletes answers past N months, and only those."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bookings.management.commands.purge_health_data import months_before
from bookings.models import (
    Appointment,
    AppointmentEvent,
    CallbackRequest,
    HealthAccess,
    HealthAnswers,
    Status,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

ANSWERS = [{"code": "rash", "answer": "yes", "detail": "left shin", "triggered": True}]


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_health_data", *args, stdout=out)
    return out.getvalue()


def appointment(spa, start: datetime, *, staff=None) -> Appointment:
    a = f.appointment(
        spa["service"],
        spa["ana"],
        start,
        status=Status.COMPLETED,
        avoid_areas="the affected skin",
        client_guidance="Bring a note from your doctor.",
    )
    a.avoid_points.add(f.point())
    AppointmentEvent.objects.create(appointment=a, to_status=Status.REQUESTED, by_client=True)
    health = HealthAnswers.objects.create(
        appointment=a, questionnaire_version="1", answers=ANSWERS, outcome="avoid-area"
    )
    HealthAccess.objects.create(answers=health, user=staff or spa["ana"].user)
    return a


def callback(created: datetime) -> CallbackRequest:
    c = CallbackRequest.objects.create(name="Robin", email="robin@example.com", phone="555 0100 99")
    CallbackRequest.objects.filter(pk=c.pk).update(created=created)
    HealthAnswers.objects.create(
        callback=c, questionnaire_version="1", answers=ANSWERS, outcome="decline"
    )
    return c


def months_ago(months: int, days: int = 0) -> datetime:
    return months_before(timezone.now(), months) - timedelta(days=days)


@pytest.fixture
def seeded(spa):
    return {
        "old": appointment(spa, months_ago(24, days=3)),
        "older": appointment(spa, months_ago(30)),
        "recent": appointment(spa, months_ago(23)),
        "upcoming": appointment(spa, timezone.now() + timedelta(days=3)),
        "old_callback": callback(months_ago(25)),
        "recent_callback": callback(months_ago(2)),
    }


def test_only_rows_past_the_retention_are_purged(seeded):
    output = purge()
    assert "Deleted 3 health answer record(s) older than 24 month(s)" in output
    assert "2 from appointments, 1 from call-back requests; 2 access log entries" in output
    assert "Cleared the working instructions on 2 appointment(s)" in output

    remaining = set(HealthAnswers.objects.values_list("appointment_id", "callback_id"))
    assert remaining == {
        (seeded["recent"].pk, None),
        (seeded["upcoming"].pk, None),
        (None, seeded["recent_callback"].pk),
    }
    assert HealthAccess.objects.count() == 2
    for key in ("old", "older"):
        a = Appointment.objects.get(pk=seeded[key].pk)  # the appointment itself stays
        assert (a.avoid_areas, a.client_guidance) == ("", "")
        assert not a.avoid_points.exists()
        assert a.events.count() == 1  # and so does its history
    recent = Appointment.objects.get(pk=seeded["recent"].pk)
    assert recent.avoid_areas
    assert recent.client_guidance
    assert recent.avoid_points.exists()
    assert CallbackRequest.objects.count() == 2


def test_a_second_run_purges_nothing(seeded):
    purge()
    before = HealthAnswers.objects.count()
    output = purge()
    assert "Deleted 0 health answer record(s)" in output
    assert "0 access log entries" in output
    assert "on 0 appointment(s)" in output
    assert HealthAnswers.objects.count() == before == 3


def test_dry_run_counts_and_keeps_everything(seeded):
    output = purge("--dry-run")
    assert "Would delete 3 health answer record(s)" in output
    assert "Would clear the working instructions on 2 appointment(s)" in output
    assert HealthAnswers.objects.count() == 6
    assert HealthAccess.objects.count() == 4
    assert Appointment.objects.get(pk=seeded["old"].pk).avoid_areas


def test_months_option_overrides_the_setting(seeded):
    output = purge("--months", "12")
    assert "Deleted 4 health answer record(s) older than 12 month(s)" in output
    assert set(HealthAnswers.objects.values_list("appointment_id", "callback_id")) == {
        (seeded["upcoming"].pk, None),
        (None, seeded["recent_callback"].pk),
    }


def test_setting_sets_the_default(seeded, settings):
    settings.SPA_HEALTH_RETENTION_MONTHS = 36
    assert "Deleted 0 health answer record(s) older than 36 month(s)" in purge()


def test_months_must_be_positive(seeded):
    with pytest.raises(CommandError):
        purge("--months", "0")
    assert HealthAnswers.objects.count() == 6


def test_nothing_left_past_the_limit_after_a_run(seeded):
    purge()
    cutoff = months_before(timezone.now(), 24)
    assert not HealthAnswers.objects.filter(appointment__start__lt=cutoff).exists()
    assert not HealthAnswers.objects.filter(callback__created__lt=cutoff).exists()


@pytest.mark.parametrize(
    ("now", "months", "expected"),
    [
        ("2026-03-31 12:00", 1, "2026-02-28 12:00"),
        ("2028-03-31 12:00", 1, "2028-02-29 12:00"),
        ("2026-01-15 08:30", 24, "2024-01-15 08:30"),
        ("2026-01-15 08:30", 13, "2024-12-15 08:30"),
    ],
)
def test_months_before_keeps_the_local_day(now, months, expected):
    zone = timezone.get_current_timezone()
    moment = datetime.fromisoformat(now).replace(tzinfo=zone)
    assert f"{months_before(moment, months):%Y-%m-%d %H:%M}" == expected
