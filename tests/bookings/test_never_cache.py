"""Every page showing personal or health-derived data tells caches to keep nothing."""

import pytest
from django.test import Client

from bookings.models import Appointment, CallbackRequest, HealthAnswers
from tests import factories as f
from tests.bookings.conftest import DETAILS, tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db

# What django.views.decorators.cache.never_cache sends.
NO_CACHE = {"no-cache", "no-store", "must-revalidate", "private", "max-age=0"}


def assert_never_cached(response, url: str) -> None:
    assert response.status_code == 200, url
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert NO_CACHE <= directives, (url, response.get("Cache-Control"))
    assert response.get("Expires"), url


@pytest.fixture
def booked(anonymous, spa, questions):
    back = f.region("lower-back", "Lower back")
    spa["service"].regions.add(back)
    f.routine("Back routine", [f.point("BL23", region=back)])
    walk_to_review(anonymous, spa, tomorrow_at(10), pregnant="yes", rash="yes")
    anonymous.post("/book/review/", {"policy_consent": "on"})
    return Appointment.objects.get()


def test_booking_steps_with_details_or_answers(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10), pregnant="yes")
    for url in ("/book/details/", "/book/health/", "/book/review/"):
        assert_never_cached(anonymous.get(url), url)


def test_answer_errors_are_not_cached_either(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10))
    response = anonymous.post("/book/health/", {"q_pregnant": "yes", "d_pregnant": "20"})
    assert_never_cached(response, "/book/health/ (POST with errors)")
    response = anonymous.post("/book/details/", {**DETAILS, "email": "nope"})
    assert_never_cached(response, "/book/details/ (POST with errors)")


def test_private_booking_page_and_aftercare(anonymous, booked):
    token = booked.token
    for url in (
        f"/bookings/{token}/",
        f"/bookings/{token}/reschedule/",
        f"/bookings/{token}/aftercare/back-routine/",
    ):
        assert_never_cached(anonymous.get(url), url)
    calendar = anonymous.get(f"/bookings/{token}/calendar.ics")
    assert "no-store" in calendar["Cache-Control"]


def test_callback_page(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10), fever="yes")
    page = anonymous.get("/book/call-back/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/call-back/")
    assert_never_cached(page, "/call-back/<token>/")


def test_admin_pages_with_answers(owner, booked):
    callback = CallbackRequest.objects.create(name="Robin", email="r@example.com", phone="555")
    HealthAnswers.objects.create(
        callback=callback, questionnaire_version="1", answers=[], outcome="decline"
    )
    for url in (
        "/admin/bookings/appointment/",
        f"/admin/bookings/appointment/{booked.pk}/change/",
        "/admin/bookings/callbackrequest/",
        f"/admin/bookings/callbackrequest/{callback.pk}/change/",
        # The staff calendar: the day, the panel with its screening summary, booking, calls.
        "/admin/calendar/",
        f"/admin/calendar/appointment/{booked.pk}/",
        "/admin/calendar/book/",
        f"/admin/calendar/call-back/{callback.pk}/",
    ):
        assert_never_cached(owner.get(url), url)


def test_public_pages_stay_cacheable(spa):
    # The decorator is kept to private pages: the library and service pages may be cached.
    response = Client().get("/services/")
    assert "no-store" not in response.get("Cache-Control", "")
