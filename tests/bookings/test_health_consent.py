"""Explicit consent to keep health answers: recorded with its wording version and time."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from bookings.forms import CONSENT_VERSION
from bookings.models import HealthAnswers
from tests.bookings.conftest import DETAILS, answers, booking_state, tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db


def test_booking_stores_consent_version_and_the_time_the_box_was_ticked(anonymous, spa, questions):
    before = timezone.now()
    walk_to_review(anonymous, spa, tomorrow_at(10))
    ticked = booking_state(anonymous)["health_consent_at"]
    anonymous.post("/book/review/", {"policy_consent": "on"})
    health = HealthAnswers.objects.get()
    assert health.appointment is not None
    assert health.consent_version == CONSENT_VERSION
    assert health.consented_at.isoformat() == ticked
    assert before <= health.consented_at <= health.created


def test_consent_time_is_when_ticked_not_when_sent(anonymous, spa, questions, time_machine):
    walk_to_review(anonymous, spa, tomorrow_at(10))
    ticked = datetime.fromisoformat(booking_state(anonymous)["health_consent_at"])
    # The client reads the review page for an hour before sending.
    later = timezone.now() + timedelta(hours=1)
    time_machine.move_to(later, tick=False)
    anonymous.post("/book/review/", {"policy_consent": "on"})
    health = HealthAnswers.objects.get()
    assert health.consented_at == ticked
    assert health.appointment.consent_at == later


def test_callback_stores_consent(anonymous, spa, questions):
    before = timezone.now()
    response = walk_to_review(anonymous, spa, tomorrow_at(10), fever="yes")
    assert response["Location"] == "/book/call-back/"
    health = HealthAnswers.objects.get()
    assert health.callback is not None
    assert health.consent_version == CONSENT_VERSION
    assert before <= health.consented_at <= timezone.now()


def _to_health_step(client, spa) -> None:
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "any"})
    client.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    client.post("/book/details/", DETAILS)


def test_without_the_box_nothing_is_kept(anonymous, spa, questions):
    _to_health_step(anonymous, spa)
    # Even a declined screening (which books nothing) keeps nothing without consent.
    data = answers(fever="yes")
    data.pop("health_consent")
    response = anonymous.post("/book/health/", data)
    assert response.status_code == 200
    assert "agreement to keep these answers" in response.content.decode()
    assert not HealthAnswers.objects.exists()
    assert "health_consent_at" not in booking_state(anonymous)


def test_consent_box_is_unticked_at_first(anonymous, spa, questions):
    _to_health_step(anonymous, spa)
    html = anonymous.get("/book/health/").content.decode()
    checkbox = html[html.index('name="health_consent"') :].split(">", 1)[0]
    assert "checked" not in checkbox


@pytest.mark.parametrize(
    ("months", "words"),
    [(24, "two years"), (12, "one year"), (36, "three years"), (18, "18 months")],
)
def test_the_consent_states_the_retention_setting(settings, months, words):
    from bookings.forms import HealthForm

    settings.SPA_HEALTH_RETENTION_MONTHS = months
    label = HealthForm(questions=[]).fields["health_consent"].label
    assert f"deleted {words} after my visit" in label
