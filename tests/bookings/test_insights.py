"""Staff insights: bookings by referring guide and by service, requests by outcome."""

import itertools
import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import insights
from bookings.models import (
    Appointment,
    CallbackRequest,
    HealthAnswers,
    Referral,
    Service,
    Status,
)
from spa.roles import ensure_groups
from tests import factories as f

pytestmark = pytest.mark.django_db

INSIGHTS = "/admin/bookings/appointment/insights/"
CHANGELIST = "/admin/bookings/appointment/"


def _next_start() -> datetime:
    """Two hours after the test's previous appointment: a one-hour session plus buffers
    never overlaps the next on the same therapist."""
    day = timezone.localdate() + timedelta(days=3)
    base = datetime.combine(day, time(9, 0), tzinfo=timezone.get_default_timezone())
    return base + timedelta(hours=2 * Appointment.objects.count())


def book(
    spa,
    *,
    kind: str = "",
    slug: str = "",
    service: Service | None = None,
    status: str = Status.REQUESTED,
    days_ago: int = 0,
    outcome: str | None = None,
) -> Appointment:
    a = f.appointment(
        service or spa["service"],
        spa["ana"],
        _next_start(),
        status=status,
        referral_kind=kind,
        referral_slug=slug,
    )
    if days_ago:
        Appointment.objects.filter(pk=a.pk).update(
            created=timezone.now() - timedelta(days=days_ago)
        )
    if outcome:
        HealthAnswers.objects.create(
            appointment=a, questionnaire_version="q-test", answers=[], outcome=outcome
        )
    return a


def callback(days_ago: int = 0) -> CallbackRequest:
    c = CallbackRequest.objects.create(name="Gil Caller", email="gil@example.com", phone="555")
    HealthAnswers.objects.create(
        callback=c, questionnaire_version="q-test", answers=[], outcome="decline"
    )
    if days_ago:
        CallbackRequest.objects.filter(pk=c.pk).update(
            created=timezone.now() - timedelta(days=days_ago)
        )
    return c


@pytest.fixture
def world(spa):
    """Nine bookings in the last 30 days, four more 45 days ago, five more 100 days ago."""
    back = spa["service"]
    foot = f.service(
        "Foot reflexology", summary="Feet.", description="We work the feet.", price="70.00"
    )
    f.region("lower-back", name="Lower back")
    bl23 = f.point("BL23", english_name="Kidney Shu")
    f.routine("Desk break", points=[bl23])
    P, R, A = Referral.POINT, Referral.ROUTINE, Referral.REGION

    # The last 30 days.
    book(spa, kind=P, slug="bl23", status=Status.CONFIRMED, outcome="clear")
    book(spa, kind=P, slug="bl23", status=Status.COMPLETED, outcome="clear")
    book(spa, kind=P, slug="bl23", outcome="review")
    book(spa, kind=R, slug="desk-break")
    book(spa, kind=A, slug="lower-back", service=foot, outcome="avoid-area")
    book(spa, kind=A, slug="lower-back", service=foot, status=Status.CANCELLED, outcome="clearance")
    book(spa, kind=Referral.SERVICE, slug="back-massage", status=Status.CONFIRMED)
    book(spa, kind=Referral.HOME, service=foot)
    book(spa)
    callback()
    # 45 days ago: counted over 90 days only.
    book(spa, kind=P, slug="bl23", days_ago=45, outcome="clear")
    book(spa, kind=P, slug="bl23", days_ago=45)
    book(spa, kind=R, slug="desk-break", days_ago=45)
    book(spa, service=foot, days_ago=45)
    callback(days_ago=45)
    # 100 days ago: never counted.
    for _ in range(5):
        book(spa, kind=P, slug="bl23", days_ago=100, outcome="review")
    callback(days_ago=100)
    return {"back": back, "foot": foot}


def since(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def counts(rows) -> list[tuple]:
    return [(row.label, row.count, row.confirmed) for row in rows]


def page_text(response) -> str:
    """The page as a reader sees it: tags dropped, white space squeezed."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The counts ---------------------------------------------------------------------------


def test_bookings_by_referral_over_30_and_90_days(world):
    assert counts(insights.bookings_by_referral(since(30))) == [
        ("BL23 Kidney Shu", 3, 2),
        ("Area: Lower back", 2, 0),
        ("Desk break", 1, 0),
        ("Direct / unknown", 1, 0),
        ("Home page", 1, 0),
        ("Service page: Back massage", 1, 1),
    ]
    assert counts(insights.bookings_by_referral(since(90))) == [
        ("BL23 Kidney Shu", 5, 2),
        ("Area: Lower back", 2, 0),
        ("Desk break", 2, 0),
        ("Direct / unknown", 2, 0),
        ("Home page", 1, 0),
        ("Service page: Back massage", 1, 1),
    ]


def test_referral_rows_link_to_the_guides_and_share_the_total(world):
    rows = {row.label: row for row in insights.bookings_by_referral(since(30))}

    assert rows["BL23 Kidney Shu"].url == "/points/bl23/"
    assert rows["Desk break"].url == "/points/routines/desk-break/"
    assert rows["Area: Lower back"].url == "/points/?region=lower-back"
    assert rows["Service page: Back massage"].url == "/services/back-massage/"
    assert rows["Home page"].url == "/"
    assert rows["Direct / unknown"].url is None
    assert rows["BL23 Kidney Shu"].share == pytest.approx(3 / 9)
    assert sum(row.share for row in rows.values()) == pytest.approx(1)


def test_a_guide_deleted_since_keeps_a_label_without_a_link(db):
    assert insights.describe_referral("point", "gone") == (
        "Point guide: gone (no longer listed)",
        None,
    )
    assert insights.describe_referral("", "") == ("Direct / unknown", None)


def test_bookings_by_service_over_30_and_90_days(world):
    assert counts(insights.bookings_by_service(since(30))) == [
        ("Back massage", 6, 3),
        ("Foot reflexology", 3, 0),
    ]
    assert counts(insights.bookings_by_service(since(90))) == [
        ("Back massage", 9, 3),
        ("Foot reflexology", 4, 0),
    ]


def test_requests_by_outcome_include_call_backs_as_cannot_book_online(world):
    thirty = [(row.label, row.count) for row in insights.requests_by_outcome(since(30))]
    ninety = [(row.label, row.count) for row in insights.requests_by_outcome(since(90))]

    assert thirty == [
        ("Nothing needed", 2),
        ("Note an area to avoid", 1),
        ("A therapist reviews it", 1),
        ("Needs clearance from a doctor or midwife", 1),
        ("Cannot be booked online", 1),
    ]
    assert ninety == [
        ("Nothing needed", 3),
        ("Note an area to avoid", 1),
        ("A therapist reviews it", 1),
        ("Needs clearance from a doctor or midwife", 1),
        ("Cannot be booked online", 2),
    ]


def test_each_count_runs_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        insights.bookings_by_service(since(90))
    with django_assert_num_queries(1):
        insights.requests_by_outcome(since(90))
    # One aggregate, then one look-up per kind of guide (point, routine, region, service).
    with django_assert_num_queries(5):
        insights.bookings_by_referral(since(90))


# --- The page -----------------------------------------------------------------------------


def test_owner_sees_charts_and_numbers_for_30_days(owner, world):
    response = owner.get(INSIGHTS)

    assert response.status_code == 200
    assert response.context["days"] == 30
    html = response.content.decode()
    assert html.count("<svg") >= 3
    assert "<rect" in html
    assert "<title>BL23 Kidney Shu: 3 bookings, 2 confirmed or completed</title>" in html
    text = page_text(response)
    assert "BL23 Kidney Shu 3 2 33%" in text
    assert "Back massage 6 3 67%" in text
    assert "Cannot be booked online 1 17%" in text
    assert "Total 9 3 100%" in text


def test_ninety_days_changes_the_numbers(owner, world):
    response = owner.get(INSIGHTS, {"days": "90"})

    assert response.context["days"] == 90
    text = page_text(response)
    assert "BL23 Kidney Shu 5 2 38%" in text
    assert "Back massage 9 3 69%" in text
    assert "Cannot be booked online 2 25%" in text


@pytest.mark.parametrize("days", ["garbage", "7", "", "90days"])
def test_any_other_period_falls_back_to_30_days(owner, world, days):
    response = owner.get(INSIGHTS, {"days": days})

    assert response.status_code == 200
    assert response.context["days"] == 30
    assert "BL23 Kidney Shu 3 2 33%" in page_text(response)


def test_the_page_obeys_the_strict_csp(owner, world):
    html = owner.get(INSIGHTS).content.decode()

    main = html[html.index('id="content-main"') :]
    assert " style=" not in main
    assert "<style" not in main
    assert "/static/css/admin-insights.css" in html


def test_an_empty_period_says_so(owner, db):
    text = page_text(owner.get(INSIGHTS))

    assert "No bookings in the last 30 days." in text
    assert "No requests in the last 30 days." in text


def test_front_desk_may_see_insights(world):
    user = get_user_model().objects.create_user("fran", is_staff=True)
    user.groups.add(ensure_groups()["Front desk"])
    client = Client()
    client.force_login(user)

    assert client.get(INSIGHTS).status_code == 200


def test_staff_without_view_appointment_get_403(staff_outside_group, content_editor, world):
    assert staff_outside_group.get(INSIGHTS).status_code == 403
    assert content_editor.get(INSIGHTS).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(anonymous):
    response = anonymous.get(INSIGHTS)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_changelist_links_to_insights(owner, world):
    assert f'href="{INSIGHTS}"' in owner.get(CHANGELIST).content.decode()


def test_query_count_does_not_grow_with_the_data(owner, spa, django_assert_max_num_queries):
    points = [f.point(f"QC{i}") for i in range(8)]
    routines = [f.routine(f"Routine {i}") for i in range(3)]
    regions = [f.region(f"region-{i}") for i in range(3)]
    kinds = itertools.cycle(
        [(Referral.POINT, p.slug) for p in points]
        + [(Referral.ROUTINE, r.slug) for r in routines]
        + [(Referral.REGION, r.slug) for r in regions]
        + [(Referral.SERVICE, "back-massage"), (Referral.HOME, ""), ("", "")]
    )
    outcomes = itertools.cycle(["clear", "review", "avoid-area", None])
    book(spa, kind=Referral.POINT, slug=points[0].slug, outcome="clear")
    book(spa, kind=Referral.ROUTINE, slug=routines[0].slug, outcome="review")
    book(spa, kind=Referral.REGION, slug=regions[0].slug)
    callback()
    with CaptureQueriesContext(connection) as small:
        assert owner.get(INSIGHTS).status_code == 200

    for _ in range(37):
        kind, slug = next(kinds)
        book(spa, kind=kind, slug=slug, outcome=next(outcomes))
    for _ in range(5):
        callback()
    assert Appointment.objects.count() == 40
    # The small set names a point, a routine and a region guide (three look-ups);
    # the large one names every kind, so it may add the service look-up, no more.
    with django_assert_max_num_queries(len(small) + 1):
        response = owner.get(INSIGHTS)
    assert "Total 40" in page_text(response)


# --- The appointment's own page -----------------------------------------------------------


def test_change_page_shows_where_the_booking_came_from(owner, world):
    appointment = Appointment.objects.filter(referral_kind="point").first()

    html = owner.get(f"{CHANGELIST}{appointment.pk}/change/").content.decode()

    assert "Came from" in html
    assert '<a href="/points/bl23/">BL23 Kidney Shu</a>' in html


def test_change_page_of_a_direct_booking_says_unknown(owner, world):
    appointment = Appointment.objects.filter(referral_kind="").first()

    text = page_text(owner.get(f"{CHANGELIST}{appointment.pk}/change/"))

    assert "Came from: Direct / unknown" in text


def test_changelist_filters_by_referral_kind(owner, world):
    response = owner.get(CHANGELIST, {"referral_kind__exact": "routine"})

    assert response.status_code == 200
    assert {a.referral_kind for a in response.context["cl"].result_list} == {"routine"}
    assert response.context["cl"].result_count == 2
