"""Guides lead to bookings; the referral is kept; aftercare respects the answers."""

import re
from datetime import UTC, timedelta

import pytest
from django.core import mail

from bookings import aftercare
from bookings.forms import parse_start
from bookings.models import Appointment
from tests import factories as f
from tests.bookings.conftest import booking_state, tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(spa, questions):
    """The test service works the lower back, where BL23 and LI4 (a pregnancy point) sit."""
    back = f.region("lower-back", "Lower back")
    spa["service"].regions.add(back)
    li4 = Appointment._meta.apps.get_model("points", "Point").objects.get(code="LI4")
    li4.region = back
    li4.save()
    bl23 = f.point("BL23", english_name="Kidney Shu", region=back)
    bl52 = f.point("BL52", english_name="Will Chamber", region=back)
    return {"region": back, "bl23": bl23, "bl52": bl52, "li4": li4}


def follow_guide_link(client, page_url: str) -> str:
    html = client.get(page_url).content.decode()
    start = html.index('class="guide-offers')
    href = html[html.index('href="', start) + 6 :]
    return href[: href.index('"')].replace("&amp;", "&")


@pytest.mark.parametrize(
    ("page", "referral"),
    [
        ("/points/bl23/", ["point", "bl23"]),
        ("/points/?region=lower-back", ["region", "lower-back"]),
    ],
)
def test_guide_pages_link_into_booking_with_service_and_referral(anonymous, area, page, referral):
    link = follow_guide_link(anonymous, page)
    assert link.startswith("/book/?service=back-massage&from=")
    response = anonymous.get(link)
    assert response["Location"] == "/book/therapist/"  # one click: the service is chosen
    state = booking_state(anonymous)
    assert state["service"] == "back-massage"
    assert state["referral"] == referral


def test_routine_page_links_into_booking(anonymous, area):
    f.routine("Back routine", [area["bl23"]])
    link = follow_guide_link(anonymous, "/points/routines/back-routine/")
    anonymous.get(link)
    assert booking_state(anonymous)["referral"] == ["routine", "back-routine"]


def test_referral_is_stored_on_the_appointment(anonymous, area, django_capture_on_commit_callbacks):
    anonymous.get(follow_guide_link(anonymous, "/points/bl23/"))
    walk_to_review(anonymous, _spa(area), tomorrow_at(10))
    anonymous.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert (appointment.referral_kind, appointment.referral_slug) == ("point", "bl23")


def _spa(area):
    from bookings.models import Service

    return {"service": Service.objects.get(slug="back-massage")}


@pytest.mark.parametrize("bad", ["point", "nope:bl23", "point:\x00", "point:" + "a" * 300, ":"])
def test_malformed_referrals_are_ignored(anonymous, area, bad):
    response = anonymous.get("/book/", {"service": "back-massage", "from": bad})
    assert response.status_code == 302
    assert "referral" not in booking_state(anonymous)


def test_service_page_lists_therapists_points_and_next_times(anonymous, area):
    response = anonymous.get("/services/back-massage/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana" in html
    assert "Ben" in html
    assert "BL23 Kidney Shu" in html
    assert "/book/?service=back-massage&amp;from=service:back-massage&amp;start=" in html
    assert anonymous.get("/services/").status_code == 200
    assert anonymous.get("/services/nope/").status_code == 404


def test_the_service_pages_next_time_links_keep_their_time(anonymous, area):
    """Followed as a browser would, from the page's own href (a "+" must be encoded)."""
    html = anonymous.get("/services/back-massage/").content.decode()
    href = re.search(r'href="(/book/\?service=back-massage[^"]*start=[^"]+)"', html)[1]
    response = anonymous.get(href.replace("&amp;", "&"))
    assert response["Location"] == "/book/time/"
    chosen = booking_state(anonymous)["start"]
    assert parse_start(chosen) is not None
    page = anonymous.get("/book/time/").content.decode()
    assert f'value="{chosen}" checked' in page


def test_next_time_link_preselects_the_time(anonymous, area):
    start = tomorrow_at(10) + timedelta(days=8)  # in a later week than this one
    response = anonymous.get(
        "/book/",
        {"service": "back-massage", "from": "service:back-massage", "start": start.isoformat()},
    )
    assert response["Location"] == "/book/time/"
    page = anonymous.get("/book/time/").content.decode()
    assert f'value="{start.astimezone(UTC).isoformat()}" checked' in page


def book(client, spa_, **yes) -> Appointment:
    walk_to_review(client, spa_, tomorrow_at(11), **yes)
    client.post("/book/review/", {"policy_consent": "on"})
    return Appointment.objects.latest("created")


def test_aftercare_leaves_out_ruled_out_points_and_empty_routines(anonymous, area):
    f.routine("Mixed routine", [area["bl23"], area["bl52"], area["li4"]])
    f.routine("Only LI4", [area["li4"]])
    f.routine("Half gone", [area["bl23"], area["li4"]])  # left mostly empty: not offered
    f.routine("Neck only", [f.point("GB20", region=f.region("neck", "Neck"))])
    appointment = book(anonymous, _spa(area), pregnant="yes")
    suggestions = aftercare.suggestions_for(appointment)
    assert [s.routine.title for s in suggestions] == ["Mixed routine"]
    assert [s.point.code for s in suggestions[0].steps] == ["BL23", "BL52"]
    assert suggestions[0].left_out == ["LI4"]

    page = anonymous.get(appointment.get_absolute_url()).content.decode()
    assert "Mixed routine" in page
    assert "Only LI4" not in page
    assert "LI4 Joining Valley" in page  # listed as a point the therapist will leave out
    adjusted = anonymous.get(f"/bookings/{appointment.token}/aftercare/mixed-routine/")
    assert adjusted.status_code == 200
    assert b"Kidney Shu" in adjusted.content
    assert b"Joining Valley" not in adjusted.content
    assert anonymous.get(f"/bookings/{appointment.token}/aftercare/only-li4/").status_code == 404
    assert anonymous.get(f"/bookings/{appointment.token}/aftercare/half-gone/").status_code == 404


def test_without_answers_every_matching_routine_is_offered(anonymous, area):
    f.routine("Mixed routine", [area["bl23"], area["li4"]])
    f.routine("Only LI4", [area["li4"]])
    appointment = book(anonymous, _spa(area))
    assert [s.routine.title for s in aftercare.suggestions_for(appointment)] == [
        "Mixed routine",
        "Only LI4",
    ]


def test_at_most_three_routines(anonymous, area):
    for i in range(5):
        f.routine(f"Routine {i}", [area["bl23"]])
    appointment = book(anonymous, _spa(area))
    assert len(aftercare.suggestions_for(appointment)) == 3


def test_emails_carry_aftercare_links_but_no_answers(
    anonymous, area, django_capture_on_commit_callbacks
):
    f.routine("Mixed routine", [area["bl23"], area["bl52"], area["li4"]])
    walk_to_review(anonymous, _spa(area), tomorrow_at(11), pregnant="yes")
    with django_capture_on_commit_callbacks(execute=True):
        anonymous.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    client_mail = next(m for m in mail.outbox if m.to == [appointment.client_email])
    assert f"/bookings/{appointment.token}/aftercare/mixed-routine/" in client_mail.body
    for text in (client_mail.body, client_mail.alternatives[0].content):
        text = text.replace(appointment.token, "")  # a random token may spell "LI4"
        assert "LI4" not in text
        assert "Joining Valley" not in text
        assert "pregnan" not in text.lower()


def test_home_page_explains_sessions_and_questions_and_offers_booking(anonymous, area):
    html = anonymous.get("/").content.decode()
    assert "What a session is like" in html
    assert "Why we ask health questions" in html
    assert "/book/?service=back-massage&amp;from=home:home" in html


def test_services_list_links_into_booking_with_the_service_page_as_referral(anonymous, area):
    html = anonymous.get("/services/").content.decode()
    assert "/book/?service=back-massage&amp;from=service:back-massage" in html
