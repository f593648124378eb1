"""What the client sees along the flow: the running summary, the time step's month
view and parts of the day, therapists' faces, the review's facts, the booking page's
calendar links, and one way of saying prices and the time zone."""

import re
from datetime import UTC, time, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings import ics
from bookings.models import Appointment, Therapist, WorkingHours
from bookings.templatetags.booking_tags import price
from house.identity import zone_words
from tests import factories as f
from tests.bookings.conftest import DETAILS, MONDAY_MORNING, answers, tomorrow_at, walk_to_review


def at_time_step(client, spa, therapist="any"):
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": therapist})


def listed_days(page: str) -> list[str]:
    return re.findall(r'<fieldset class="slot-day" data-day="([\d-]+)"', page)


def test_prices_have_one_format():
    assert price(Decimal("85.00")) == "$85"
    assert price(Decimal("92.50")) == "$92.50"
    assert price(Decimal("1200")) == "$1,200"


def test_the_zone_is_said_as_clients_say_it(settings):
    assert zone_words("America/Chicago") == ("Central Time", "Chicago")
    assert zone_words("America/Los_Angeles") == ("Pacific Time", "Los Angeles")


def test_time_step_groups_times_by_part_of_day_in_the_spas_words(anonymous, spa):
    at_time_step(anonymous, spa)
    # From tomorrow: today may have no morning left, whatever hour the test runs.
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = anonymous.get(f"/book/time/?day={tomorrow.isoformat()}").content.decode()
    assert "Times are Central Time (Chicago)." in page
    assert "America/Chicago" not in page
    first_day = page.split('class="slot-day"', 2)[1]
    assert '<legend class="slot-part-label">Morning</legend>' in first_day
    assert '<legend class="slot-part-label">Afternoon</legend>' in first_day
    # Afternoon times never sit under Morning.
    morning = first_day.split("Afternoon")[0]
    assert "PM</span>" not in morning.replace("12:", "")


def test_time_step_lists_the_nearest_free_days_first(anonymous, spa):
    # Ana and Ben are both away the next three days: the list starts after them.
    today = timezone.localdate()
    for therapist in (spa["ana"], spa["ben"]):
        therapist.hours.all().delete()
    at_time_step(anonymous, spa)
    page = anonymous.get("/book/time/").content.decode()
    assert listed_days(page) == []
    assert "No free times from this day on" in page
    later = today + timedelta(days=4)
    WorkingHours.objects.create(
        therapist=spa["ana"], weekday=later.weekday(), start=time(9), end=time(12)
    )
    page = anonymous.get("/book/time/").content.decode()
    days = listed_days(page)
    assert days[0] == later.isoformat()
    assert all(day >= later.isoformat() for day in days)


# Early in a month: nine days on is the same month, the 30-day horizon the next.
@pytest.mark.time_machine(MONDAY_MORNING, tick=False)
def test_month_view_links_free_days_and_opens_the_one_chosen(anonymous, spa):
    at_time_step(anonymous, spa)
    page = anonymous.get("/book/time/").content.decode()
    day = timezone.localdate() + timedelta(days=9)
    assert f'href="?day={day.isoformat()}"' in page
    page = anonymous.get(f"/book/time/?day={day.isoformat()}").content.decode()
    assert listed_days(page)[0] == day.isoformat()
    assert f'data-open-day="{day.isoformat()}"' in page
    assert re.search(rf'data-day="{day.isoformat()}" aria-label="[^"]+" aria-current="date"', page)
    assert f"{day:%B %Y}</h2>" in page


@pytest.mark.parametrize("value", ["nonsense", "1999-01-01", "2999-12-31", "2026-02-30"])
def test_a_day_outside_the_bookable_range_is_brought_back_inside_it(anonymous, spa, value):
    at_time_step(anonymous, spa)
    response = anonymous.get(f"/book/time/?day={value}")
    assert response.status_code == 200
    days = listed_days(response.content.decode())
    today = timezone.localdate()
    assert all(today.isoformat() <= d <= (today + timedelta(days=30)).isoformat() for d in days)


@pytest.mark.time_machine(MONDAY_MORNING, tick=False)
def test_month_view_stops_at_the_horizon(anonymous, spa):
    at_time_step(anonymous, spa)
    last = timezone.localdate() + timedelta(days=30)  # the spa's horizon in conftest
    page = anonymous.get(f"/book/time/?day={last.isoformat()}").content.decode()
    # The month shown holds the last bookable day: no month after it to go to.
    assert "Next month" not in page
    assert "Previous month" in page
    assert f'href="?day={(last + timedelta(days=1)).isoformat()}"' not in page


def test_after_a_time_is_taken_the_picker_opens_on_that_day(anonymous, spa, questions):
    start = tomorrow_at(10) + timedelta(days=5)
    anonymous.post("/book/", {"service": spa["service"].slug})
    anonymous.post("/book/therapist/", {"therapist": "ana"})
    anonymous.post("/book/time/", {"start": start.isoformat()})
    anonymous.post("/book/details/", DETAILS)
    anonymous.post("/book/health/", answers())
    f.appointment(spa["service"], spa["ana"], start, client_email="o@example.com")
    assert anonymous.post("/book/review/")["Location"] == "/book/time/"
    page = anonymous.get("/book/time/").content.decode()
    day = timezone.localdate(start).isoformat()
    assert f'data-open-day="{day}"' in page
    assert listed_days(page)[0] == day


def test_summary_follows_the_choices_and_is_not_shared_between_clients(anonymous, client, spa):
    at_time_step(anonymous, spa, therapist="ana")
    start = tomorrow_at(10)
    anonymous.post("/book/time/", {"start": start.isoformat()})
    page = anonymous.get("/book/time/").content.decode()
    summary = page.split('class="booking-summary"')[1].split("</aside>")[0]
    assert "Back massage" in summary
    assert "Ana" in summary
    assert "$80" in summary
    assert f"{timezone.localtime(start):%A} {timezone.localtime(start).day}" in summary
    bar = page.split('class="booking-bar"')[1]
    assert 'form="step-form"' in bar
    # Another client at the same step with nothing chosen yet: their own summary.
    at_time_step(client, spa)
    other = client.get("/book/time/").content.decode()
    other_summary = other.split('class="booking-summary"')[1].split("</aside>")[0]
    assert "Whoever is free first" in other_summary
    assert "Ana" not in other_summary
    assert "Not chosen yet" in other_summary


def test_therapists_show_their_photo_specialties_and_bio(anonymous, spa):
    from django.core.files.base import ContentFile

    from bookings.demo_portraits import portrait_png

    ana: Therapist = spa["ana"]
    ana.specialties = "pregnancy massage, sports massage"
    ana.bio = "Ana likes slow, careful work."
    ana.photo.save("ana.png", ContentFile(portrait_png("lena-marsh")))
    ana.save()
    anonymous.post("/book/", {"service": spa["service"].slug})
    page = anonymous.get("/book/therapist/").content.decode()
    assert f'<img class="therapist-photo" src="{ana.photo.url}"' in page
    assert '<span class="specialty">Pregnancy massage</span>' in page
    assert "Ana likes slow, careful work." in page


def test_demo_loader_gives_the_therapists_drawn_portraits(starter_regions, settings):
    settings.DEBUG = True
    call_command("load_demo_spa", verbosity=0)
    for therapist in Therapist.objects.all():
        assert therapist.photo.name.endswith(".png")
        assert therapist.photo.read(8) == b"\x89PNG\r\n\x1a\n"
        assert therapist.specialty_list


@pytest.fixture
def starter_regions(starter_library):
    """The starter library's regions (tests/conftest.py)."""


def test_one_clearance_message_says_who_and_how_to_send(anonymous, spa, questions, settings):
    walk_to_review(anonymous, spa, tomorrow_at(10), heart="yes")
    page = anonymous.get("/book/review/").content.decode()
    assert page.count("clearance-note") == 1
    assert page.count("Bring a note from your doctor") == 1
    assert "How to send it:" in page
    assert f"mailto:{settings.SPA_EMAIL}" in page
    anonymous.post("/book/review/")
    appointment = Appointment.objects.get()
    page = anonymous.get(appointment.get_absolute_url()).content.decode()
    assert page.count("clearance-note") == 1
    assert "Please bring:" not in page


def test_booking_page_offers_directions_and_calendar_links(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10))
    anonymous.post("/book/review/")
    appointment = Appointment.objects.get()
    page = anonymous.get(appointment.get_absolute_url()).content.decode()
    links = ics.web_calendar_links(appointment)
    assert links["google"].replace("&", "&amp;") in page
    assert links["outlook"].replace("&", "&amp;") in page
    assert f"/bookings/{appointment.token}/calendar.ics" in page or "(.ics)" in page
    assert "arrive 10 minutes early" in page
    assert "https://www.google.com/maps/search/?api=1&amp;query=" in page


def test_web_calendar_links_carry_the_visit_and_nothing_private(
    anonymous, spa, questions, settings
):
    walk_to_review(anonymous, spa, tomorrow_at(10), pregnant="yes")
    anonymous.post("/book/review/")
    appointment = Appointment.objects.get()
    links = ics.web_calendar_links(appointment)
    google = parse_qs(urlsplit(links["google"]).query)
    start, end = google["dates"][0].split("/")
    assert start == ics.utc(appointment.start)
    assert end == ics.utc(appointment.end)
    assert google["text"] == [f"Back massage at {settings.SPA_NAME}"]
    outlook = parse_qs(urlsplit(links["outlook"]).query)
    assert outlook["startdt"] == [f"{appointment.start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"]
    for url in links.values():
        assert appointment.token not in url
        assert "pregnan" not in url.lower()
        assert "weeks" not in url.lower()


@pytest.fixture
def starter_questions(db):
    call_command("load_starter_questionnaire", verbosity=0)
    from bookings.models import Question

    return list(Question.objects.active().select_related("parent"))


def all_no(questions) -> dict:
    return {f"q_{q.code}": "no" for q in questions if not q.parent_id and q.kind == "yes-no"} | {
        "health_consent": "on"
    }


def test_a_follow_up_question_is_asked_only_after_a_yes(starter_questions):
    """In the form's own rules, not only in the script: after "no" the pregnancy
    follow-up needs no answer; after "yes" it does; an answer after "no" is refused."""
    from bookings.forms import HealthForm
    from bookings.starter import PREGNANCY_OPTIONS

    data = all_no(starter_questions)
    assert HealthForm(data, questions=starter_questions).is_valid()
    form = HealthForm({**data, "q_pregnancy": "yes"}, questions=starter_questions)
    assert not form.is_valid()
    assert "q_pregnancy-care" in form.errors
    assert form.error_label("q_pregnancy-care").startswith("Question ")
    form = HealthForm(
        {**data, "q_pregnancy-care": PREGNANCY_OPTIONS[2]}, questions=starter_questions
    )
    assert not form.is_valid()
    assert {"q_pregnancy", "q_pregnancy-care"} <= set(form.errors)


def test_health_errors_are_counted_and_link_to_each_question(anonymous, spa, questions):
    at_time_step(anonymous, spa)
    anonymous.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    anonymous.post("/book/details/", DETAILS)
    page = anonymous.post("/book/health/", {}).content.decode()
    summary = page.split("data-error-summary>")[1].split("</div>")[0]
    # Four unanswered questions and the consent: five things, one line per message.
    assert "<span data-error-count>5</span> things need your attention" in summary
    assert summary.count("Please answer yes or no.") == 1
    for code in ("fever", "pregnant", "heart", "rash"):
        assert f'href="#id_q_{code}_0" data-error-for="q_{code}"' in summary
    assert 'href="#id_health_consent"' in summary


@pytest.mark.parametrize("query", ["?week=¹", "?week=-1", "?day=2026-02-30", "?week=٣"])
def test_time_step_takes_any_day_or_week_in_the_query(anonymous, spa, query):
    # "¹" passes str.isdigit() but not int(): a 500 found by the hostile-input test.
    at_time_step(anonymous, spa)
    assert anonymous.get(f"/book/time/{query}").status_code == 200
