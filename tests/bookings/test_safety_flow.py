"""The safety rules as a client meets them: the health form, the review step, aftercare.

Runs over the starter questionnaire, library and demo spa, as `make run` loads them.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from bookings import free_times, starter
from bookings.models import Appointment, Question, Service
from tests.bookings.conftest import booking_state

pytestmark = pytest.mark.django_db

DETAILS = {"name": "Robin Client", "email": "robin@example.com", "phone": "(555) 010-2233"}


@pytest.fixture
def demo(demo_spa):
    """The starter library, questionnaire and demo spa (tests/conftest.py)."""


def answers(**given: str) -> dict[str, str]:
    """Health POST data: every question "no" (follow-ups left blank) unless given."""
    data = {"health_consent": "on"}
    for q in Question.objects.active():
        data[f"q_{q.code}"] = "no" if q.kind == "yes-no" and not q.parent_id else ""
    data.update({f"q_{code.replace('_', '-')}": value for code, value in given.items()})
    return data


def walk_to_health(client, slug: str) -> None:
    service = Service.objects.get(slug=slug)
    today = timezone.localdate()
    start = free_times.slots_for(service, None, today, today + timezone.timedelta(days=21))[0].start
    client.post("/book/", {"service": slug})
    client.post("/book/therapist/", {"therapist": "any"})
    assert client.post("/book/time/", {"start": start.isoformat()}).status_code == 302
    assert client.post("/book/details/", DETAILS).status_code == 302


def test_a_pregnancy_option_after_no_is_a_clear_message_not_a_silent_clear(client, demo):
    walk_to_health(client, "relaxing-full-body-massage")
    option = starter.PREGNANCY_OPTIONS[0]
    response = client.post("/book/health/", answers(pregnancy="no", pregnancy_care=option))
    assert response.status_code == 200
    form = response.context["form"]
    assert "Please check both answers" in form.errors["q_pregnancy"][0]
    assert "Please check both answers" in form.errors["q_pregnancy-care"][0]
    html = response.content.decode()
    assert f'value="{option}" ' in html
    assert "checked" in html
    assert "screen" not in booking_state(client)  # nothing kept half-way


def test_a_yes_needs_its_follow_up_answered(client, demo):
    walk_to_health(client, "relaxing-full-body-massage")
    response = client.post("/book/health/", answers(blood_pressure="yes"))
    assert response.status_code == 200
    assert "please choose one" in response.context["form"].errors["q_blood-pressure-control"][0]


def test_uncontrolled_blood_pressure_holds_the_time_for_clearance(client, demo):
    walk_to_health(client, "relaxing-full-body-massage")
    option = starter.BLOOD_PRESSURE_OPTIONS[1]
    response = client.post(
        "/book/health/", answers(blood_pressure="yes", blood_pressure_control=option)
    )
    assert response["Location"] == "/book/review/"
    assert booking_state(client)["screen"]["outcome"] == "clearance"


def test_review_step_offers_sessions_that_still_fit_a_pregnant_client(client, demo):
    walk_to_health(client, "deep-tissue-back")
    client.post(
        "/book/health/", answers(pregnancy="yes", pregnancy_care=starter.PREGNANCY_OPTIONS[0])
    )
    html = client.get("/book/review/").content.decode()
    assert "This session may not suit you" in html
    assert "rule out most of what a deep tissue back treatment works" in html
    alternatives = [s.slug for s, _ in client.get("/book/review/").context["alternatives"]]
    assert "deep-tissue-back" not in alternatives
    assert "relaxing-full-body-massage" in alternatives
    # Choosing one keeps the details and the answers: only the time is asked again.
    client.get(f"/book/?service={alternatives[0]}")
    state = booking_state(client)
    assert state["service"] == alternatives[0]
    assert state["details"]["name"] == "Robin Client"
    assert state["screen"]["outcome"] == "review"


def test_review_step_says_firm_work_does_not_suit_light_pressure_only(client, demo):
    walk_to_health(client, "deep-tissue-back")
    client.post("/book/health/", answers(blood_thinners="yes"))
    html = client.get("/book/review/").content.decode()
    assert "works with firm, deep pressure" in html
    assert "light pressure only" in html


def test_a_session_that_fits_shows_no_warning(client, demo):
    walk_to_health(client, "relaxing-full-body-massage")
    client.post(
        "/book/health/", answers(pregnancy="yes", pregnancy_care=starter.PREGNANCY_OPTIONS[0])
    )
    assert "This session may not suit you" not in client.get("/book/review/").content.decode()


def test_light_pressure_only_reaches_the_therapist_and_aftercare(client, demo):
    walk_to_health(client, "back-neck-shoulder-massage")
    client.post("/book/health/", answers(fragile_bones="yes"))
    client.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert appointment.light_pressure_only
    assert "light pressure only" in appointment.avoid_areas
    codes = set(appointment.avoid_points.values_list("code", flat=True))
    assert {"BL25", "BL32", "BL23"} <= codes
    page = client.get(appointment.get_absolute_url()).content.decode()
    assert "Light pressure only for you." in page
    suggestion_urls = [
        line.split('"')[1] for line in page.splitlines() if "/aftercare/" in line and "href" in line
    ]
    assert suggestion_urls
    routine = client.get(suggestion_urls[0]).content.decode()
    assert "Light pressure only for you." in routine
    for code in codes:
        assert f">{code}<" not in routine


def test_clot_rules_out_every_leg_and_foot_point_for_the_session(client, demo):
    walk_to_health(client, "relaxing-full-body-massage")
    client.post("/book/health/", answers(blood_clot_treated="yes"))
    client.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert appointment.status == "awaiting-clearance"
    codes = set(appointment.avoid_points.values_list("code", flat=True))
    assert set(starter.LEG_POINTS) <= codes
    assert "any massage of the legs and feet" in appointment.avoid_areas


def test_a_clot_being_treated_stops_online_booking(client, demo):
    walk_to_health(client, "relaxing-full-body-massage")
    response = client.post("/book/health/", answers(blood_clot_recent="yes"))
    assert response["Location"] == "/book/call-back/"
    assert not Appointment.objects.exists()
