"""One booking per intent: a double-click, a retry after a timeout, a back-button resubmit or
two tabs sending the same review step make exactly one appointment and show the same page.
Cancel and move POSTs repeat harmlessly too."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from bookings.models import Appointment, OutgoingEmail
from tests import factories as f
from tests.bookings.conftest import tomorrow_at, walk_to_review
from tests.bookings.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

DUPLICATES = 20


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # Twenty copies of one request: this file is about duplicates, not the limits.
    settings.SPA_BOOKING_LIMIT_PER_HOUR = 1000


def intent_of(client: Client) -> str:
    page = client.get("/book/review/").content.decode()
    return re.search(r'name="intent" value="([^"]+)"', page).group(1)


def one_session(spa, count: int) -> list[Client]:
    """`count` clients sharing one browser session, walked to the review step."""
    first = Client(raise_request_exception=False)
    walk_to_review(first, spa, tomorrow_at(10))
    cookie = first.cookies["sessionid"].value
    clients = [first]
    for _ in range(count - 1):
        c = Client(raise_request_exception=False)
        c.cookies["sessionid"] = cookie
        clients.append(c)
    return clients


@pytest.fixture
def flow(spa, questions):
    return spa


def test_twenty_concurrent_duplicate_submits_make_one_appointment(flow):
    clients = one_session(flow, DUPLICATES)
    intent = intent_of(clients[0])
    results = race(clients, "/book/review/", {"policy_consent": "on", "intent": intent})
    appointments = Appointment.objects.all()
    print(
        f"\n{connection.vendor}: {DUPLICATES} concurrent duplicate submits -> "
        f"{appointments.count()} appointment(s); answers: {sorted(set(map(str, results)))}"
    )
    assert appointments.count() == 1
    [appointment] = appointments
    # Everyone lands on the same booking page; nobody is told "just taken".
    assert results == [appointment.get_absolute_url()] * DUPLICATES
    # One confirmation email and one staff alert, not twenty.
    assert OutgoingEmail.objects.filter(kind="confirmed").count() == 1
    assert OutgoingEmail.objects.filter(kind="staff-alert").count() == 1


def test_resubmit_after_success_shows_the_same_booking(flow):
    [client] = one_session(flow, 1)
    intent = intent_of(client)
    first = client.post("/book/review/", {"policy_consent": "on", "intent": intent})
    # The back button (or a retry after a timeout) sends the same form again.
    again = client.post("/book/review/", {"policy_consent": "on", "intent": intent}, follow=True)
    assert again.redirect_chain[0][0] == first["Location"]
    assert "Your booking is confirmed" in again.content.decode()
    assert Appointment.objects.count() == 1


def test_a_new_booking_gets_a_new_intent(flow):
    [client] = one_session(flow, 1)
    first = intent_of(client)
    client.post("/book/review/", {"policy_consent": "on", "intent": first})
    walk_to_review(client, flow, tomorrow_at(14))
    second = intent_of(client)
    assert second != first
    client.post("/book/review/", {"policy_consent": "on", "intent": second})
    assert Appointment.objects.count() == 2


def test_an_unknown_intent_is_no_shortcut(flow):
    stranger = Client()
    response = stranger.post("/book/review/", {"policy_consent": "on", "intent": "made-up"})
    assert response.status_code == 302
    assert response["Location"] == "/book/"
    assert Appointment.objects.count() == 0


def test_the_database_refuses_two_appointments_for_one_intent(flow):
    f.appointment(flow["service"], flow["ana"], tomorrow_at(10), booking_intent="same-intent")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.appointment(flow["service"], flow["ana"], tomorrow_at(14), booking_intent="same-intent")


def test_cancel_and_move_repeat_harmlessly(flow):
    [client] = one_session(flow, 1)
    client.post("/book/review/", {"policy_consent": "on", "intent": intent_of(client)})
    a = Appointment.objects.get()
    url = a.get_absolute_url()
    new_start = tomorrow_at(15).isoformat()
    results = race([Client(), Client()], url + "reschedule/", {"start": new_start})
    assert results == [url, url]
    assert OutgoingEmail.objects.filter(kind="rescheduled").count() == 1
    results = race([Client(), Client()], url + "cancel/", {})
    assert results == [url, url]
    assert OutgoingEmail.objects.filter(kind="cancelled").count() == 1
    a.refresh_from_db()
    assert a.status == "cancelled"
    assert a.sequence == 2
