"""A new client books a session in a real browser, questionnaire included."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Appointment
from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def book_until_health(page, base: str) -> None:
    page.goto(f"{base}/book/")
    expect(page.get_by_text("Step 1 of 6")).to_be_visible()
    page.get_by_label(re.compile("Back, neck and shoulder massage")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()
    page.get_by_label("Whoever is free first").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 3 of 6")).to_be_visible()
    # The script shows one day at a time. Take the week's last free day, so the visit
    # is more than the 24-hour cut-off away and can still be cancelled online.
    page.locator(".slot-day-bar button").last.click()
    page.locator(".slot-times .slot:visible").first.click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 4 of 6")).to_be_visible()
    page.get_by_label("Your name").fill("Robin Quinn")
    page.get_by_label("Email").fill("robin@example.com")
    page.get_by_label("Phone").fill("(555) 010-9876")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 5 of 6")).to_be_visible()


def answer_all_no(page) -> None:
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    for group in page.locator("fieldset.question").all():
        options = group.locator("input[type=radio]")
        if options.count() and not group.locator("input[type=radio]:checked").count():
            options.first.check()


def test_client_books_and_cancels_through_the_emailed_link(page, live_server, demo_spa):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    book_until_health(page, live_server.url)
    # Submitting without answers keeps us here with messages beside the questions.
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("things need your attention")).to_be_visible()
    assert serious_violations(page) == []
    answer_all_no(page)
    page.get_by_label(re.compile("I agree that the spa may keep these answers")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 6 of 6")).to_be_visible()
    assert serious_violations(page) == []
    # All answers "no": nobody needs to look first, so it is booked and confirmed at once.
    page.get_by_role("button", name="Book and confirm").click()

    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    expect(page.get_by_text("Your booking is confirmed.").first).to_be_visible()
    assert serious_violations(page) == []
    appointment = Appointment.objects.get()
    assert appointment.client_name == "Robin Quinn"
    client_mail = next(m for m in mail.outbox if m.to == ["robin@example.com"])
    link = re.search(r"https?://\S+/bookings/[\w-]+/", client_mail.body).group(0)
    assert appointment.token in link

    page.goto(f"{live_server.url}/bookings/{appointment.token}/")
    page.get_by_text("Cancel this booking").click()  # asks first: no cancel on a stray tap
    page.get_by_role("button", name="Yes, cancel my booking").click()
    expect(page.get_by_text("Your booking is cancelled")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    # After a cancel: the same session again, details kept, the same therapist's times.
    page.get_by_role("link", name="Choose another time").click()
    expect(page.get_by_text("Your details are filled in")).to_be_visible()
    expect(page.get_by_text("Step 3 of 6")).to_be_visible()
    assert errors == []


def test_pregnancy_answer_names_points_to_avoid_on_review(page, live_server, demo_spa):
    book_until_health(page, live_server.url)
    answer_all_no(page)
    page.locator("#id_q_pregnancy_1").check()
    follow_up = page.get_by_label(re.compile("How many weeks"))
    expect(follow_up).to_be_visible()  # revealed by the script after "yes"
    follow_up.fill("22")
    page.get_by_label(re.compile("13 weeks or more")).check()  # shown after "yes"
    page.get_by_label(re.compile("I agree that the spa may keep these answers")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Your therapist will leave out")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("LI4"))).to_be_visible()


def test_journey_from_a_point_guide_to_aftercare(page, live_server, demo_spa):
    page.goto(f"{live_server.url}/points/bl23/")
    page.locator(".guide-offers a").first.click()
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()  # the session is already chosen
    page.get_by_role("button", name="Continue").click()
    page.locator(".slot-day-bar button").last.click()
    page.locator(".slot-times .slot:visible").first.click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Your name").fill("Sam Lee")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Phone").fill("(555) 010-1111")
    page.get_by_role("button", name="Continue").click()
    answer_all_no(page)
    page.locator("#id_q_pregnancy_1").check()
    page.get_by_label(re.compile("13 weeks or more")).check()
    page.get_by_label(re.compile("I agree that the spa may keep these answers")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", name="For after your session")).to_be_visible()
    appointment = Appointment.objects.get()
    assert (appointment.referral_kind, appointment.referral_slug) == ("point", "bl23")
    avoided = set(appointment.avoid_points.values_list("code", flat=True))
    assert "LI4" in avoided
    page.locator(".aftercare a").first.click()
    expect(page.get_by_text("adjusted for you")).to_be_visible()
    shown = page.locator(".routine-step h2 a").all_inner_texts()
    assert shown
    assert not any(text.split()[0] in avoided for text in shown)


@pytest.mark.parametrize("path", ["/", "/services/", "/services/back-neck-shoulder-massage/"])
def test_home_and_services_pages_have_no_serious_violations(page, live_server, demo_spa, path):
    page.goto(f"{live_server.url}{path}")
    assert serious_violations(page) == []
