"""Twenty clients race for one slot: exactly one wins, the rest are told kindly, no 500s.

Runs on whichever database the suite uses: SQLite by default, PostgreSQL in
CI's second leg (where the exclusion constraint also stands guard).
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from bookings.models import Appointment
from tests import factories as f
from tests.bookings.conftest import tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 20


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # Twenty clients from one address with one email: this file is about the
    # slot, not the rate limits (tests/bookings/test_abuse.py covers those).
    settings.SPA_BOOKING_LIMIT_PER_HOUR = 1000


def race(clients: list[Client], path: str, data: dict) -> list[int | str]:
    barrier = threading.Barrier(len(clients))
    results: list[int | str] = [0] * len(clients)

    def run(i: int, client: Client) -> None:
        try:
            barrier.wait()
            response = client.post(path, data)
            results[i] = (
                response.status_code if response.status_code != 302 else response["Location"]
            )
        except Exception as exc:  # a crash counts as a failure below
            results[i] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_twenty_concurrent_bookings_for_one_slot(spa, questions):
    start = tomorrow_at(10)
    clients = []
    for _ in range(RACERS):
        c = Client(raise_request_exception=False)
        walk_to_review(c, spa, start)
        # Everyone asks for the same therapist, so only one can have the slot.
        c.post("/book/therapist/", {"therapist": "ana"})
        c.post("/book/time/", {"start": start.isoformat()})
        clients.append(c)

    results = race(clients, "/book/review/", {"policy_consent": "on"})

    winners = [r for r in results if isinstance(r, str) and r.startswith("/bookings/")]
    told_taken = [r for r in results if r == "/book/time/"]
    assert len(winners) == 1, results
    assert len(told_taken) == RACERS - 1, results
    assert Appointment.objects.count() == 1
    print(
        f"\n{connection.vendor}: {RACERS} fired, {len(winners)} won, "
        f"{len(told_taken)} told 'just taken', 0 errors"
    )


def test_any_therapist_race_fills_each_therapist_once(spa, questions):
    start = tomorrow_at(11)
    clients = []
    for _ in range(RACERS):
        c = Client(raise_request_exception=False)
        walk_to_review(c, spa, start)
        clients.append(c)
    results = race(clients, "/book/review/", {"policy_consent": "on"})
    winners = [r for r in results if isinstance(r, str) and r.startswith("/bookings/")]
    # Two therapists: two winners, one each; nobody double-booked.
    assert len(winners) == 2, results
    assert all(r == "/book/time/" for r in results if r not in winners), results
    assert sorted(Appointment.objects.values_list("therapist__slug", flat=True)) == ["ana", "ben"]


def test_back_to_back_bookings_are_allowed(spa, questions):
    # Service has a 15-minute after-buffer: 10:00-11:00 blocks until 11:15, so 11:30 is next.
    c1, c2 = Client(), Client()
    for client, hour, minute in ((c1, 10, 0), (c2, 11, 30)):
        walk_to_review(client, spa, tomorrow_at(hour, minute))
        client.post("/book/therapist/", {"therapist": "ana"})
        client.post("/book/time/", {"start": tomorrow_at(hour, minute).isoformat()})
        assert client.post("/book/review/", {"policy_consent": "on"}).status_code == 302
    assert Appointment.objects.filter(therapist=spa["ana"]).count() == 2


def test_database_itself_refuses_an_overlap(spa):
    """On PostgreSQL the exclusion constraint holds even when the service layer is bypassed;
    on SQLite the overlap query the service re-checks under its write lock sees the clash."""
    from django.db import IntegrityError, transaction

    first = f.appointment(spa["service"], spa["ana"], tomorrow_at(10), client_email="a@example.com")
    clash = f.appointment(
        spa["service"], spa["ana"], tomorrow_at(10, 30), client_email="b@example.com", save=False
    )
    assert Appointment.objects.overlapping(spa["ana"].pk, clash.block_start, clash.block_end)
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            clash.save()
    # A cancelled appointment no longer holds its slot.
    first.transition("cancelled", reason="test", cancelled_by="spa")
    assert not Appointment.objects.overlapping(spa["ana"].pk, clash.block_start, clash.block_end)
    clash.save()
