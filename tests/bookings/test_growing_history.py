"""Years of stored appointments cost the booking re-check and the staff list nothing extra.

The timings themselves are measured by the benchmark (bench/README.md); here the
query counts: the same for two therapists as for six, and for a week of history as
for two years, and the staff list's date filter lists the right days.
"""

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import free_times, services
from bookings.models import Appointment, Status, Therapist
from tests import factories as f

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/bookings/appointment/"


def local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def book(spa, start, who="ana", status=Status.CONFIRMED, **kw) -> Appointment:
    return f.appointment(spa["service"], spa[who], start, status=status, **kw)


def more_therapists(spa, count: int) -> None:
    for n in range(count):
        spa[f"x{n}"] = f.therapist(f"Extra {n}", spa["service"], slug=f"x{n}")


def history(spa, years: int = 2) -> None:
    """Two bookings a day for every therapist over `years` years, all in the past."""
    rng = random.Random(15)
    rows = []
    today = timezone.localdate()
    therapists = list(Therapist.objects.all())
    for days in range(-365 * years, 0):
        for therapist in therapists:
            for hour in rng.sample([9, 11, 13, 15], 2):
                start = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=UTC)
                rows.append(
                    f.appointment(
                        spa["service"],
                        therapist,
                        start,
                        status=Status.COMPLETED,
                        client_email="client@example.com",
                        save=False,
                    )
                )
    Appointment.objects.bulk_create(rows, batch_size=1000)


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


def test_a_taken_time_is_checked_in_five_queries_for_any_number_of_therapists(spa):
    start = local(timezone.localdate() + timedelta(days=2), 10)
    book(spa, start, who="ana")
    book(spa, start, who="ben")
    service = spa["service"]
    two = queries(lambda: services.is_bookable(service, None, start))

    more_therapists(spa, 4)
    for n in range(4):
        book(spa, start, who=f"x{n}")
    assert not services.is_bookable(service, None, start)
    six = queries(lambda: services.is_bookable(service, None, start))
    assert two == six <= 5

    # Free again with one of them: found, in as many queries.
    Appointment.objects.filter(therapist=spa["x2"]).delete()
    assert services.is_bookable(service, None, start)
    assert free_times.free_at(service, start) == [spa["x2"].pk]
    assert not services.is_bookable(service, spa["ana"].pk, start)
    assert queries(lambda: services.is_bookable(service, spa["ana"].pk, start)) <= 5


def test_any_therapist_booking_takes_the_first_one_still_free(spa):
    start = local(timezone.localdate() + timedelta(days=2), 10)
    book(spa, start, who="ana")
    client = services.ClientDetails(name="Dana Client", email="dana@example.com", phone="555 0199")
    appointment = services.place_booking(
        service=spa["service"],
        therapist_id=None,
        start=start,
        client=client,
        screened=None,
        consent_version="",
        by=get_user_model().objects.create_user("desk", is_staff=True),
    )
    assert appointment.therapist == spa["ben"]
    with pytest.raises(services.SlotTaken):
        services.place_booking(
            service=spa["service"],
            therapist_id=None,
            start=start,
            client=client,
            screened=None,
            consent_version="",
            by=get_user_model().objects.get(username="desk"),
        )


def test_free_times_and_the_staff_list_read_as_much_with_two_years_behind_them(owner, spa):
    day = timezone.localdate() + timedelta(days=3)
    book(spa, local(day, 10))

    def read_all():
        assert owner.get(CHANGELIST).status_code == 200
        free_times.slots_for(spa["service"], spa["ana"], day, day)
        services.is_bookable(spa["service"], None, local(day, 10))

    before = queries(read_all)
    history(spa)
    assert Appointment.objects.count() > 2900
    assert queries(read_all) == before


def test_the_staff_list_filters_by_day_without_a_list_of_every_date(owner, spa):
    today = timezone.localdate()
    past = book(
        spa, local(today - timedelta(days=400), 10), status=Status.COMPLETED, client_name="Old Pat"
    )
    tomorrow = book(spa, local(today + timedelta(days=1), 10), client_name="Tom Morrow")
    later = book(spa, local(today + timedelta(days=5), 10), client_name="Lena Later")

    page = owner.get(CHANGELIST)
    html = page.content.decode()
    for label in ("Today", "Tomorrow", "Next 7 days", "Past 7 days", "This month"):
        assert f">{label}</a>" in html
    assert all(a.client_name in html for a in (past, tomorrow, later))

    since = local(today + timedelta(days=1), 0).isoformat(sep=" ")
    until = local(today + timedelta(days=2), 0).isoformat(sep=" ")
    page = owner.get(CHANGELIST, {"start__gte": since, "start__lt": until})
    html = page.content.decode()
    assert "Tom Morrow" in html
    assert "Lena Later" not in html
    assert "Old Pat" not in html

    page = owner.get(CHANGELIST, {"start__gte": local(today, 0).isoformat(sep=" ")})
    html = page.content.decode()
    assert "Tom Morrow" in html
    assert "Lena Later" in html
    assert "Old Pat" not in html
