"""Form abuse: rate limits on the writes, a honeypot and minimum fill time, CSRF everywhere."""

import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from bookings.forms import DetailsForm
from bookings.models import Appointment, CallbackRequest
from tests import factories as f
from tests.bookings.conftest import DETAILS, answers, booking_state, tomorrow_at

pytestmark = pytest.mark.django_db


def book(client: Client, spa, hour: int, email: str, **yes):
    """The whole flow; returns the response to the writing POST."""
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "any"})
    client.post("/book/time/", {"start": tomorrow_at(hour).isoformat()})
    client.post("/book/details/", {**DETAILS, "email": email})
    response = client.post("/book/health/", answers(**yes))
    if yes:
        return response
    return client.post("/book/review/", {"policy_consent": "on"})


def assert_too_many(response, settings) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    page = response.content.decode()
    assert "Please wait a little" in page
    assert "about an hour" in page
    assert settings.SPA_PHONE in page


# --- Rate limits: booking writes -------------------------------------------------


def test_sixth_booking_from_one_address_in_an_hour_gets_429(anonymous, spa, questions, settings):
    for i in range(5):
        assert book(anonymous, spa, 9 + i, f"client{i}@example.com").status_code == 302

    response = book(anonymous, spa, 15, "client5@example.com")

    assert_too_many(response, settings)
    assert Appointment.objects.count() == 5
    # Nothing the client typed is lost: the review step is still there.
    assert anonymous.get("/book/review/").status_code == 200


def test_sixth_booking_for_one_email_gets_429_from_any_address(spa, questions, settings):
    for i in range(5):
        client = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        assert book(client, spa, 9 + i, "casey@example.com").status_code == 302

    response = book(Client(REMOTE_ADDR="203.0.113.99"), spa, 15, "Casey@Example.com")

    assert_too_many(response, settings)
    assert Appointment.objects.count() == 5


def test_callback_requests_count_as_writes(anonymous, spa, questions, settings):
    for i in range(5):
        response = book(anonymous, spa, 9, f"client{i}@example.com", fever="yes")
        assert response["Location"] == "/book/call-back/"

    response = book(anonymous, spa, 9, "client5@example.com", fever="yes")

    assert_too_many(response, settings)
    assert CallbackRequest.objects.count() == 5


def test_limit_and_proxy_count_come_from_settings(spa, questions, settings):
    settings.SPA_BOOKING_LIMIT_PER_HOUR = 1
    settings.SPA_PROXY_COUNT = 1
    behind_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = Client(**behind_proxy, HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = Client(**behind_proxy, HTTP_X_FORWARDED_FOR="203.0.113.2")

    assert book(first, spa, 9, "a@example.com").status_code == 302
    # Another client behind the same proxy is someone else.
    assert book(second, spa, 10, "b@example.com").status_code == 302
    assert book(first, spa, 11, "c@example.com").status_code == 429


def test_a_limited_post_is_logged_by_scope_only(anonymous, spa, questions, settings, caplog):
    settings.SPA_BOOKING_LIMIT_PER_HOUR = 1
    book(anonymous, spa, 9, "casey@example.com")

    with caplog.at_level("WARNING", logger="spa.throttle"):
        book(anonymous, spa, 10, "other@example.com")

    assert "booking-ip" in caplog.text
    assert "127.0.0.1" not in caplog.text
    assert "example.com" not in caplog.text


# --- Rate limits: the private link ------------------------------------------------


def confirmed(spa, hour: int) -> Appointment:
    return f.appointment(spa["service"], spa["ana"], tomorrow_at(hour), status="confirmed")


def test_eleventh_change_to_one_booking_gets_429(spa, settings):
    booking = confirmed(spa, 10)
    for i in range(10):
        client = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        response = client.post(f"/bookings/{booking.token}/reschedule/", {"start": "soon"})
        assert response.status_code == 200

    response = Client(REMOTE_ADDR="203.0.113.99").post(f"/bookings/{booking.token}/cancel/")

    assert_too_many(response, settings)
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_changes_from_one_address_are_limited_across_bookings(anonymous, spa, settings):
    settings.SPA_MANAGE_LIMIT_PER_HOUR = 2
    first, second = confirmed(spa, 10), confirmed(spa, 13)
    for _ in range(2):
        anonymous.post(f"/bookings/{first.token}/reschedule/", {"start": "soon"})

    cancel = f"/bookings/{second.token}/cancel/"
    assert anonymous.post(cancel).status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.5").post(cancel).status_code == 302
    second.refresh_from_db()
    assert second.status == "cancelled"


def test_looking_is_not_limited(anonymous, spa):
    booking = confirmed(spa, 10)
    for _ in range(15):
        assert anonymous.get(f"/bookings/{booking.token}/reschedule/").status_code == 200


# --- Honeypot and minimum fill time -------------------------------------------------


@pytest.fixture
def min_fill(settings):
    settings.SPA_MIN_FILL_SECONDS = 3


def to_details(client: Client, spa) -> str:
    """Walk to the details step; returns the stamp the page was given."""
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "any"})
    client.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    page = client.get("/book/details/").content.decode()
    return re.search(r'name="issued" value="([^"]+)"', page).group(1)


def stamp(seconds_ago: int, value: str = "form") -> str:
    class Past(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds_ago)

    return Past(salt=DetailsForm.issued_salt).sign(value)


def nonce_of(client: Client) -> str:
    """What the client's details form is bound to (kept server-side in the draft)."""
    return booking_state(client)["form_nonce"]


def stored_details(client: Client):
    return booking_state(client).get("details")


def test_details_page_carries_a_hidden_empty_trap(anonymous, spa):
    to_details(anonymous, spa)
    page = anonymous.get("/book/details/").content.decode()

    trap = re.search(r'<input type="text" name="website"[^>]*>', page).group(0)
    assert 'value=""' in trap
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap
    assert re.search(
        r'class="visually-hidden" aria-hidden="true">\s*<label[^>]*>Leave this empty', page
    )


def test_a_person_taking_their_time_gets_through(anonymous, spa, min_fill):
    to_details(anonymous, spa)

    response = anonymous.post(
        "/book/details/", {**DETAILS, "issued": stamp(10, nonce_of(anonymous))}
    )

    assert response.status_code == 302
    assert response["Location"] == "/book/health/"
    assert stored_details(anonymous)["email"] == "casey@example.com"


def test_too_fast_stores_nothing_and_keeps_the_clock_running(anonymous, spa, min_fill):
    issued = to_details(anonymous, spa)

    response = anonymous.post("/book/details/", {**DETAILS, "issued": issued})

    assert response.status_code == 200
    assert b"Please check your details, then press Continue again." in response.content
    assert stored_details(anonymous) is None
    # The same stamp comes back, so a person who simply clicks again a moment later gets on.
    assert f'name="issued" value="{issued}"' in response.content.decode()
    # Everything typed is still in the form.
    assert b"Firm pressure please." in response.content


def test_a_filled_honeypot_stores_nothing(anonymous, spa, min_fill):
    to_details(anonymous, spa)

    response = anonymous.post(
        "/book/details/",
        {**DETAILS, "issued": stamp(10, nonce_of(anonymous)), "website": "http://spam.example"},
    )

    assert response.status_code == 200
    assert b"Please check your details, then press Continue again." in response.content
    assert stored_details(anonymous) is None


def test_honeypot_works_even_without_a_minimum_time(anonymous, spa):
    to_details(anonymous, spa)

    response = anonymous.post("/book/details/", {**DETAILS, "website": "x"})

    assert response.status_code == 200
    assert stored_details(anonymous) is None


@pytest.mark.parametrize(
    "issued",
    ["", "garbage", stamp(10)[:-2] + "xx", stamp(25 * 3600)],
    ids=["missing", "garbage", "forged", "a-day-old"],
)
def test_bad_stamps_store_nothing_and_get_a_fresh_one(anonymous, spa, min_fill, issued):
    to_details(anonymous, spa)

    response = anonymous.post("/book/details/", {**DETAILS, "issued": issued})

    assert response.status_code == 200
    assert b"Please check your details, then press Continue again." in response.content
    assert stored_details(anonymous) is None
    fresh = re.search(r'name="issued" value="([^"]+)"', response.content.decode()).group(1)
    assert fresh != issued
    signing.TimestampSigner(salt=DetailsForm.issued_salt).unsign(fresh, max_age=60)


def test_a_whole_bot_run_books_nothing(anonymous, spa, questions, min_fill):
    """A bot posting every step at once never reaches a write."""
    to_details(anonymous, spa)
    anonymous.post("/book/details/", DETAILS)
    anonymous.post("/book/health/", answers())
    response = anonymous.post("/book/review/", {"policy_consent": "on"})

    assert response["Location"] == "/book/details/"
    assert Appointment.objects.count() == 0
    assert CallbackRequest.objects.count() == 0


# --- CSRF ---------------------------------------------------------------------------


def _views(patterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _views(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield p.lookup_str, p.callback


def test_no_view_is_csrf_exempt():
    exempt = [
        name
        for name, view in _views(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False)
    ]

    assert exempt == []


def test_booking_post_without_a_csrf_token_is_refused(spa):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/book/", {"service": spa["service"].slug})

    assert response.status_code == 403
    assert "booking" not in strict.session


def test_cancel_without_a_csrf_token_is_refused(spa):
    booking = confirmed(spa, 10)

    response = Client(enforce_csrf_checks=True).post(f"/bookings/{booking.token}/cancel/")

    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_cancel_with_the_pages_csrf_token_works(spa):
    booking = confirmed(spa, 10)
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(booking.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = strict.post(f"/bookings/{booking.token}/cancel/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"


# --- Limits that never punish the wrong person ------------------------------------


def test_ipv6_clients_are_counted_by_their_64(spa, questions, settings):
    for i in range(5):
        client = Client(REMOTE_ADDR=f"2001:db8:1:2::{i + 1}")
        assert book(client, spa, 9 + i, f"client{i}@example.com").status_code == 302

    response = book(Client(REMOTE_ADDR="2001:db8:1:2::ff"), spa, 15, "client5@example.com")

    assert_too_many(response, settings)
    # Another /64 is another subscriber.
    other = book(Client(REMOTE_ADDR="2001:db8:1:3::1"), spa, 15, "client6@example.com")
    assert other.status_code == 302


def test_a_strangers_call_backs_do_not_lock_a_victims_bookings(spa, questions):
    for i in range(5):
        attacker = Client(REMOTE_ADDR=f"198.51.100.{i + 1}")
        response = book(attacker, spa, 9, "victim@example.com", fever="yes")
        assert response["Location"] == "/book/call-back/"

    victim = Client(REMOTE_ADDR="203.0.113.7")
    assert book(victim, spa, 10, "Victim@Example.com").status_code == 302


def test_failed_attempts_spend_no_email_quota(spa, questions, settings):
    settings.SPA_BOOKING_LIMIT_PER_HOUR = 2
    # Someone else holds 10:00 with both therapists.
    for i in range(2):
        assert book(Client(REMOTE_ADDR=f"198.51.100.{i + 1}"), spa, 10, f"o{i}@example.com")
    for i in range(3):
        response = book(Client(REMOTE_ADDR=f"203.0.113.{i + 1}"), spa, 10, "casey@example.com")
        assert response["Location"] == "/book/time/"  # just taken
    assert book(Client(REMOTE_ADDR="203.0.113.50"), spa, 12, "casey@example.com").status_code == 302


def test_a_plus_tag_is_the_same_mailbox(spa, questions, settings):
    settings.SPA_BOOKING_LIMIT_PER_HOUR = 1
    assert book(Client(REMOTE_ADDR="203.0.113.1"), spa, 10, "casey@example.com").status_code == 302
    response = book(Client(REMOTE_ADDR="203.0.113.2"), spa, 12, "Casey+spa@Example.com")
    assert_too_many(response, settings)


def test_going_back_with_change_is_never_refused(anonymous, spa, questions, min_fill):
    to_details(anonymous, spa)
    anonymous.post("/book/details/", {**DETAILS, "issued": stamp(10, nonce_of(anonymous))})
    anonymous.post("/book/health/", answers())
    # "Change" on the review page: the details come back filled in; Continue at once.
    for _ in range(2):
        page = anonymous.get("/book/details/").content.decode()
        issued = re.search(r'name="issued" value="([^"]+)"', page).group(1)
        response = anonymous.post("/book/details/", {**DETAILS, "issued": issued})
        assert response["Location"] == "/book/health/"


def test_a_nearest_time_after_just_taken_is_never_refused(anonymous, spa, questions, min_fill):
    to_details(anonymous, spa)
    anonymous.post("/book/details/", {**DETAILS, "issued": stamp(10, nonce_of(anonymous))})
    anonymous.post("/book/time/", {"start": tomorrow_at(11).isoformat()})
    page = anonymous.get("/book/details/").content.decode()
    issued = re.search(r'name="issued" value="([^"]+)"', page).group(1)
    assert anonymous.post("/book/details/", {**DETAILS, "issued": issued}).status_code == 302


def test_a_stamp_is_good_once_and_for_its_own_form(anonymous, spa, min_fill):
    to_details(anonymous, spa)
    used = stamp(10, nonce_of(anonymous))
    assert anonymous.post("/book/details/", {**DETAILS, "issued": used}).status_code == 302
    # Replayed in a new booking from another browser: refused.
    other = Client()
    to_details(other, spa)
    response = other.post("/book/details/", {**DETAILS, "issued": used})
    assert response.status_code == 200
    assert stored_details(other) is None
    # Someone else's fresh stamp is no good here either.
    shared = stamp(10, nonce_of(anonymous))
    response = other.post("/book/details/", {**DETAILS, "issued": shared})
    assert response.status_code == 200
    assert stored_details(other) is None
