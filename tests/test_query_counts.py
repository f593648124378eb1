"""Queries per public page: at most five once cached, and as many for a big spa as a small one.

"Cold" is the first request after the cache is emptied (after a content change, every
page is cold once); "warm" is every request after it. Growing the library sevenfold and
adding two years of appointments must not add a single query to either.
"""

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Appointment, BookingRules, Status
from tests import factories as f

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/points/",
    "/points/?region=lower-back",
    "/points/?q=test",
    "/points/bl23/",
    "/points/routines/evening/",
    "/services/",
    "/services/back-massage/",
    "/sitemap.xml",
]
# The booking flow's steps read the client's session, so they are never cached whole.
FLOW = ["/book/therapist/", "/book/time/", "/book/time/?week=1"]
WARM_MAX = 5
# Cold: the first request after the cache is emptied (as after any staff edit).
COLD_MAX = 5
# The booking steps (a client who chose a therapist): session and draft (2), then the
# service, the chosen therapist, the rules, the therapists with their hours, and
# everything that keeps them busy.
FLOW_COLD_MAX = {"/book/therapist/": 5, "/book/time/": 7, "/book/time/?week=1": 7}


def small_spa() -> dict:
    BookingRules.current()
    bl23 = f.point("BL23", concerns=[f.concern()], cautions=[("other", "Gently.")])
    f.routine("Evening", points=[bl23], slug="evening")
    service = f.service("Back massage", description="We work the back.")
    service.regions.add(bl23.region)
    therapists = [f.therapist(name, service) for name in ("Ana", "Ben")]
    return {"service": service, "therapists": therapists, "bl23": bl23}


def grow(spa: dict) -> None:
    """Two hundred points, and two years of history plus a busy fortnight ahead."""
    points = [f.point(f"GP{n}", concerns=[f.concern()]) for n in range(200)]
    spa["bl23"].related.add(*points[:5])
    f.routine("Long", points=points[:10], slug="long")
    rng = random.Random(15)
    rows = []
    today = timezone.localdate()
    for days in range(-730, 14):
        day = today + timedelta(days=days)
        for therapist in spa["therapists"]:
            for hour in rng.sample([9, 11, 13, 15], 2):
                start = datetime.combine(day, time(hour), tzinfo=UTC)
                status = Status.COMPLETED if days < 0 else Status.CONFIRMED
                rows.append(
                    f.appointment(
                        spa["service"],
                        therapist,
                        start,
                        status=status,
                        client_email="client@example.com",
                        save=False,
                    )
                )
    Appointment.objects.bulk_create(rows, batch_size=1000)


def booking_client(spa: dict) -> Client:
    client = Client()
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "ana"})
    return client


def counts(client: Client, url: str) -> tuple[int, int]:
    cache.clear()
    measured = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        measured.append(len(queries))
    return measured[0], measured[1]


def all_counts(spa: dict) -> dict[str, tuple[int, int]]:
    anonymous, booking = Client(), booking_client(spa)
    result = {url: counts(anonymous, url) for url in PUBLIC}
    result.update({url: counts(booking, url) for url in FLOW})
    return result


def cold_pages_within_limits(spa: dict, django_assert_max_num_queries) -> None:
    anonymous, booking = Client(), booking_client(spa)
    for url in PUBLIC:
        cache.clear()
        with django_assert_max_num_queries(COLD_MAX):
            assert anonymous.get(url).status_code == 200, url
    for url, limit in FLOW_COLD_MAX.items():
        cache.clear()
        with django_assert_max_num_queries(limit):
            assert booking.get(url).status_code == 200, url


def test_every_public_page_cold_in_five_queries_for_a_small_and_a_big_spa(
    django_assert_max_num_queries,
):
    spa = small_spa()
    cold_pages_within_limits(spa, django_assert_max_num_queries)
    grow(spa)
    cold_pages_within_limits(spa, django_assert_max_num_queries)


def test_query_counts_stay_flat_as_the_library_and_history_grow():
    spa = small_spa()
    small = all_counts(spa)

    grow(spa)
    assert Appointment.objects.count() > 2000
    big = all_counts(spa)

    assert big == small
    for url, (_cold, warm) in big.items():
        assert warm <= WARM_MAX, (url, warm)
    # Cached whole: a visitor's request after the first costs no query at all.
    assert all(big[url][1] == 0 for url in PUBLIC), big
    # A booking step's session and draft choices are cached too: no query either.
    assert all(big[url][1] == 0 for url in FLOW), big
