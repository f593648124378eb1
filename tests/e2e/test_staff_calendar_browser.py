"""The front desk and a therapist run the day from the staff calendar, in a real browser."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from bookings import questionnaire, screening, services
from bookings.models import Appointment, HealthAccess, Question, Service, Therapist
from spa.management.commands.ensure_demo_staff import DEFAULT_PASSWORD
from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_staff(demo_spa, settings):
    settings.DEBUG = True  # the demo loader refuses to run otherwise
    call_command("ensure_demo_staff", verbosity=0)
    settings.DEBUG = False


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Run the spa")).to_be_visible()


def shared_day(service: Service) -> tuple[datetime, list[Therapist]]:
    """The first day from tomorrow on which two therapists offering `service` both work."""
    day = timezone.localdate() + timedelta(days=1)
    for _ in range(14):
        working = [
            t
            for t in Therapist.objects.offering(service).order_by("pk")
            if t.hours.filter(weekday=day.weekday()).exists()
        ]
        if len(working) >= 2:
            return day, working
        day += timedelta(days=1)
    raise AssertionError("The demo spa has no day with two therapists at work.")


def answer_on_the_phone(page) -> None:
    for row in page.locator(".question-row").all():
        radios = row.locator("input[type=radio]")
        if radios.count():
            no = row.locator("input[type=radio][value=no]")
            (no if no.count() else radios.first).check()


def sequence_of(message) -> int:
    for attachment in message.attachments:
        if hasattr(attachment, "get_content"):
            found = re.search(r"SEQUENCE:(\d+)", attachment.get_content())
            if found:
                return int(found.group(1))
    raise AssertionError("No calendar file in the email.")


def test_front_desk_books_a_caller_from_the_calendar_and_moves_them(page, live_server, demo_staff):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    service = Service.objects.get(slug="back-neck-shoulder-massage")
    day, (first, second) = shared_day(service)
    log_in(page, live_server.url, "demo-frontdesk")

    page.get_by_role("link", name="Open the calendar").click()
    page.goto(f"{live_server.url}/admin/calendar/?date={day.isoformat()}")
    expect(page.get_by_role("heading", name=re.compile("Calendar:"))).to_be_visible()
    assert serious_violations(page) == []
    # An empty cell in the first therapist's column books there.
    page.locator(f'a.cal-free[href*="therapist={first.slug}"]').first.click()
    expect(page.get_by_role("heading", name="Book for a client")).to_be_visible()
    page.get_by_label("Session").select_option(label=service.name)
    page.get_by_role("button", name="Show free times").click()
    page.locator(".times input[type=radio]").first.check()
    page.get_by_label("Client's name").fill("Phone Caller")
    page.get_by_label("Email:", exact=True).fill("caller@example.com")
    page.get_by_label("Phone:", exact=True).fill("(555) 010-3344")
    answer_on_the_phone(page)
    page.get_by_label(re.compile("The client agreed on the phone")).check()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Book and email the client").click()

    expect(page.get_by_text("Booked Phone Caller")).to_be_visible()
    appointment = Appointment.objects.get(client_email="caller@example.com")
    assert appointment.therapist == first
    assert appointment.health.taken_by.username == "demo-frontdesk"
    first_sequence = appointment.sequence
    assert [m for m in mail.outbox if m.to == ["caller@example.com"]]
    assert serious_violations(page) == []

    # Move to the other therapist, the same day.
    page.get_by_role("link", name="Move or reassign").click()
    page.get_by_label("Therapist").select_option(label=second.display_name)
    page.get_by_role("button", name="Show free times").click()
    page.locator(".times input[type=radio]").first.check()
    page.get_by_role("button", name="Move the booking and email the client").click()
    expect(page.get_by_text("Moved. The client has been emailed the new time.")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.therapist == second
    assert appointment.sequence > first_sequence
    moved = [m for m in mail.outbox if m.to == ["caller@example.com"]][-1]
    assert sequence_of(moved) == appointment.sequence
    expect(
        page.get_by_text(re.compile(f"with {first.display_name} by demo-frontdesk"))
    ).to_be_visible()
    assert errors == []


def book_with_answers(therapist: Therapist, start: datetime, name: str, **yes) -> Appointment:
    questions = list(Question.objects.active().prefetch_related("avoid_points"))
    rows = []
    for q in questions:
        if q.kind == "text":
            answer = ""
        elif q.kind == "choice":
            answer = q.trigger_list()[0] if q.code in yes else q.option_list()[0]
        else:
            answer = "yes" if q.code in yes else "no"
        rows.append({"code": q.code, "question": q.text, "answer": answer, "detail": ""})
    result = screening.screen(
        questionnaire.rules_from_questions(questions),
        [screening.Answer(r["code"], r["answer"], r["detail"]) for r in rows],
    )
    for row in rows:
        row["triggered"] = row["code"] in result.triggered
    return services.place_booking(
        service=therapist.services.order_by("pk").first(),
        therapist_id=therapist.pk,
        start=start,
        client=services.ClientDetails(
            name, f"{name.split()[0].lower()}@example.com", "555 010 1234"
        ),
        screened=services.Screened(result=result, answers=rows, version="test"),
        consent_version="2026-12",
        now=start - timedelta(days=1),
    )


def working_start_on(therapist: Therapist, day) -> datetime:
    shift = therapist.hours.filter(weekday=day.weekday()).order_by("start").first()
    return datetime.combine(day, shift.start, tzinfo=timezone.get_default_timezone())


def working_start(therapist: Therapist) -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    while not therapist.hours.filter(weekday=day.weekday()).exists():
        day += timedelta(days=1)
    shift = therapist.hours.filter(weekday=day.weekday()).first()
    return datetime.combine(day, shift.start, tzinfo=timezone.get_default_timezone())


def test_a_therapist_sees_their_day_and_nobody_elses_answers(page, live_server, demo_staff):
    lena = Therapist.objects.get(user__username="demo-lena")
    priya = Therapist.objects.get(user__username="demo-priya")
    mine = book_with_answers(lena, working_start(lena), "Mine Client", pregnancy="yes")
    theirs = book_with_answers(priya, working_start(priya), "Theirs Client", pregnancy="yes")
    assert mine.avoid_points.exists()
    assert theirs.avoid_points.exists()
    log_in(page, live_server.url, "demo-lena")

    day = timezone.localtime(mine.start).date()
    page.get_by_role("link", name="Open the calendar").click()
    page.goto(f"{live_server.url}/admin/calendar/?date={day.isoformat()}")
    expect(page.get_by_role("heading", name=re.compile("^My day"))).to_be_visible()
    block = page.locator("article.cal-block", has_text="Mine Client")
    expect(block.get_by_title("Has points to avoid")).to_be_visible()
    assert serious_violations(page) == []
    block.get_by_role("link").click()  # one click to what to avoid
    avoid = page.locator(".avoid")
    expect(avoid).to_be_visible()
    first_point = mine.avoid_points.order_by("code").first()
    expect(avoid.get_by_text(first_point.code)).to_be_visible()
    assert HealthAccess.objects.filter(user__username="demo-lena").count() == 1
    assert serious_violations(page) == []

    # Priya's client: refused through every path, and nothing logged.
    base = live_server.url
    change = f"{base}/admin/bookings/appointment/{theirs.pk}/"
    page.goto(f"{base}/admin/calendar/appointment/{theirs.pk}/")
    expect(page.get_by_text("Theirs Client").first).to_be_visible()
    expect(page.get_by_text("Screening summary")).to_have_count(0)
    for url in (change + "change/", change + "history/"):
        text = page.request.get(url).text()
        assert "Are you pregnant" not in text
        assert "sacral" not in text
    for lookup in ("avoid_areas__icontains=sacral", "health__outcome=review"):
        assert page.request.get(f"{base}/admin/bookings/appointment/?{lookup}").status == 400
    searched = page.request.get(f"{base}/admin/bookings/appointment/?q=sacral").text()
    assert "Theirs Client" not in searched
    auto = page.request.get(
        f"{base}/admin/autocomplete/?app_label=bookings&model_name=appointment&field_name=avoid_points"
    )
    assert auto.status == 403
    page.goto(f"{base}/admin/bookings/appointment/")
    page.locator(f'input[name="_selected_action"][value="{theirs.pk}"]').check()
    page.locator('select[name="action"]').select_option("export_client_data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Run").click()
    exported = json.loads(open(download.value.path()).read())
    assert exported["health_answers_included"] is False
    assert "avoid_areas" not in exported["appointments"][0]
    assert HealthAccess.objects.filter(user__username="demo-lena").count() == 1


def test_front_desk_sends_the_questions_and_the_client_answers_through_the_link(
    page, live_server, demo_staff
):
    service = Service.objects.get(slug="back-neck-shoulder-massage")
    day, (first, _) = shared_day(service)
    log_in(page, live_server.url, "demo-frontdesk")
    page.goto(
        f"{live_server.url}/admin/calendar/book/?service={service.pk}&therapist={first.pk}"
        f"&day={day.isoformat()}"
    )
    page.locator(".times input[type=radio]").first.check()
    page.get_by_label("Client's name").fill("Link Client")
    page.get_by_label("Email:", exact=True).fill("link@example.com")
    page.get_by_label("Phone:", exact=True).fill("(555) 010-5566")
    page.get_by_label("Email the client a link to answer them before the visit").check()
    page.get_by_role("button", name="Book and email the client").click()
    expect(page.get_by_text("Awaiting answers").first).to_be_visible()
    appointment = Appointment.objects.get(client_email="link@example.com")
    assert appointment.status == "awaiting-answers"

    # The client, in their own browser, follows the emailed link.
    message = next(m for m in mail.outbox if m.to == ["link@example.com"])
    link = re.search(r"https?://\S+/bookings/[\w-]+/health/", message.body).group(0)
    client_page = page.context.browser.new_page()
    client_page.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), live_server.url))
    expect(client_page.get_by_role("heading", name=re.compile("health questions"))).to_be_visible()
    for radio in client_page.locator("input[type=radio][value=no]").all():
        radio.check()
    for group in client_page.locator("fieldset.question").all():
        options = group.locator("input[type=radio]")
        if options.count() and not group.locator("input[type=radio]:checked").count():
            options.first.check()
    client_page.locator("#id_q_pregnancy_1").check()
    client_page.get_by_label(re.compile("13 weeks or more")).check()  # its follow-up
    client_page.get_by_label(re.compile("I agree that the spa may keep these answers")).check()
    assert serious_violations(client_page) == []
    client_page.get_by_role("button", name="Send my answers").click()
    expect(client_page.get_by_text("Your answers are in")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == "requested"
    assert appointment.flagged
    assert appointment.health.taken_by is None
    assert appointment.avoid_points.exists()


def test_drag_a_booking_onto_another_therapists_free_time(page, live_server, demo_staff):
    service = Service.objects.get(slug="back-neck-shoulder-massage")
    day, (first, second) = shared_day(service)
    appointment = services.place_booking(
        service=service,
        therapist_id=first.pk,
        start=working_start_on(first, day),
        client=services.ClientDetails("Drag Client", "drag@example.com", "555 010 1234"),
        screened=None,
        consent_version="",
        by=get_user_model().objects.get(username="demo-frontdesk"),
    )
    log_in(page, live_server.url, "demo-frontdesk")
    page.goto(f"{live_server.url}/admin/calendar/?date={day.isoformat()}")
    page.set_viewport_size({"width": 1280, "height": 1600})  # the drop target in sight
    target = page.locator(f'a.cal-free[data-therapist="{second.pk}"]').first
    chosen = target.get_attribute("data-start")
    page.locator("article.cal-block", has_text="Drag Client").drag_to(
        target, source_position={"x": 20, "y": 5}
    )
    expect(page.get_by_role("heading", name=re.compile("Move Drag Client"))).to_be_visible()
    expect(page.locator(".times input:checked")).to_have_count(1)
    page.get_by_role("button", name="Move the booking and email the client").click()
    expect(page.get_by_text("Moved.")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.therapist == second
    assert appointment.start == datetime.fromisoformat(chosen)
