"""Free times are cached (pagecache), yet a time goes the moment it is no longer free."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.models import Status, WorkingHours
from tests import factories as f
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db


def offered(client, url: str = "/book/time/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def value(start) -> str:
    return f'value="{start.astimezone(UTC).isoformat()}"'


@pytest.fixture
def with_ana(client, spa):
    """A client at the time step, having chosen Ana; her 10:00 the day after tomorrow is
    offered, and the page already comes from the cache."""
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "ana"})
    start = tomorrow_at(10)
    assert value(start) in offered(client)
    with CaptureQueriesContext(connection) as queries:
        html = offered(client)
    assert value(start) in html
    assert 'href="?day=' in html  # the month view's days, from the cached rules
    # No query: the session (cached_db), the draft's choices, the times, the service
    # and the therapist come from the cache.
    assert len(queries) == 0, [q["sql"] for q in queries]
    return client, start


def test_a_cached_time_goes_the_moment_it_is_booked(with_ana, spa):
    client, start = with_ana

    f.appointment(spa["service"], spa["ana"], start, status=Status.CONFIRMED)

    assert value(start) not in offered(client)


def test_a_cached_time_goes_the_moment_an_appointment_moves_into_it(with_ana, spa):
    client, start = with_ana
    later = start + timedelta(hours=4)
    appointment = f.appointment(spa["service"], spa["ana"], later, status=Status.CONFIRMED)
    assert value(later) not in offered(client)

    services.reschedule(appointment, start)

    html = offered(client)
    assert value(start) not in html
    assert value(later) in html  # and the time it left is free again


def test_a_cached_time_goes_the_moment_staff_block_it(with_ana, spa):
    client, start = with_ana

    f.time_off(spa["ana"], start)

    assert value(start) not in offered(client)


def test_a_cached_time_goes_when_the_shift_changes(with_ana, spa):
    client, start = with_ana

    WorkingHours.objects.filter(therapist=spa["ana"]).delete()

    assert value(start) not in offered(client)


def test_a_cancelled_booking_frees_its_cached_time_at_once(with_ana, spa):
    client, start = with_ana
    appointment = f.appointment(spa["service"], spa["ana"], start, status=Status.CONFIRMED)
    assert value(start) not in offered(client)

    appointment.transition(Status.CANCELLED, cancelled_by="client")

    assert value(start) in offered(client)


def test_the_service_pages_next_times_go_the_moment_they_are_booked(client, spa):
    url = f"/services/{spa['service'].slug}/"
    first = re.search(r"start=([^\"&]+)", offered(client, url))[1]
    with CaptureQueriesContext(connection) as queries:
        assert first in offered(client, url)
    assert len(queries) == 0  # the whole page comes from the cache

    start = datetime.fromisoformat(unquote(first))  # the link's start is URL-encoded
    f.appointment(spa["service"], spa["ana"], start, status=Status.CONFIRMED)
    assert first in offered(client, url)  # Ben is still free then
    f.appointment(spa["service"], spa["ben"], start, status=Status.CONFIRMED)

    assert first not in offered(client, url)


def test_a_cached_time_step_carries_each_visitors_own_working_csrf_token(spa):
    from django.test import Client

    from bookings.views import CSRF_PLACEHOLDER

    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.get(f"/book/?service={spa['service'].slug}")
        client.cookies["csrftoken"] = "x" * 32  # the flow's first pages set it in a browser
        from bookings.models import BookingDraft

        draft = BookingDraft.objects.get(key=client.session["booking_draft"])
        draft.data = {**draft.data, "therapist": "ana"}
        draft.save()
        html = offered(client)
        assert CSRF_PLACEHOLDER not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        tokens.append(token)
        start = tomorrow_at(10)
        response = client.post(
            "/book/time/", {"start": start.isoformat(), "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302, response.status_code
    assert tokens[0] != tokens[1]


def test_the_therapist_step_lists_who_offers_the_service_as_it_changes(client, spa):
    client.post("/book/", {"service": spa["service"].slug})
    assert 'value="ben"' in offered(client, "/book/therapist/")
    with CaptureQueriesContext(connection) as queries:
        assert 'value="ben"' in offered(client, "/book/therapist/")
    # The list of therapists is cached, as are the session and the draft's choices.
    assert len(queries) == 0, [q["sql"] for q in queries]
    spa["ben"].services.remove(spa["service"])
    assert 'value="ben"' not in offered(client, "/book/therapist/")
    assert 'value="ana"' in offered(client, "/book/therapist/")
    spa["ben"].services.add(spa["service"])
    assert 'value="ben"' in offered(client, "/book/therapist/")
    spa["ben"].active = False
    spa["ben"].save()
    assert 'value="ben"' not in offered(client, "/book/therapist/")
