"""A client comes back: 'My bookings' by emailed link, book again with details and answers
filled in, then the pre-visit check flags a fever on the therapist's calendar."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Appointment, HealthAnswers, Status
from spa.management.commands.ensure_demo_staff import DEFAULT_PASSWORD
from tests.e2e.conftest import serious_violations
from tests.e2e.test_booking_browser import answer_all_no, book_until_health

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "robin@example.com"


# Clear answers book and confirm at once; others send a request.
SEND = re.compile("^(Send my request|Book and confirm)$")


class Taps:
    """Counts what a person taps (clicks, ticks, a field to type in)."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator, action: str = "click", *args):
        self.count += 1
        getattr(locator, action)(*args)


def first_booking_a_month_ago(page, base: str) -> Appointment:
    """Book through the site, then move that visit (and its answers) a month back."""
    book_until_health(page, base)
    answer_all_no(page)
    page.get_by_label(re.compile("I agree that the spa may keep these answers")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=SEND).click()
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    first = Appointment.objects.get()
    month_ago = first.start - timedelta(days=40)
    first.set_times(month_ago)
    first.status = Status.COMPLETED
    first.save()
    HealthAnswers.objects.update(created=timezone.now() - timedelta(days=30))
    page.context.clear_cookies()
    mail.outbox.clear()
    return first


def sign_in_by_email(page, base: str, tap: Taps) -> None:
    page.goto(f"{base}/")
    tap(page.get_by_role("link", name="My bookings"))
    assert serious_violations(page) == []
    tap(page.get_by_label("Your email"), "fill", EMAIL)
    tap(page.get_by_role("button", name="Email me a link"))
    expect(page.get_by_text("If we know this address, we have sent a link")).to_be_visible()
    assert serious_violations(page) == []
    message = next(m for m in mail.outbox if m.to == [EMAIL])
    link = re.search(r"https?://\S+/my-bookings/sign-in/\S+/", message.body).group(0)
    tap(page, "goto", link.replace(re.match(r"https?://[^/]+", link).group(0), base))
    assert serious_violations(page) == []
    tap(page.get_by_role("button", name="Show my bookings"))
    expect(page.get_by_role("heading", name="My bookings")).to_be_visible()


def pick_first_time(page, tap: Taps) -> None:
    expect(page.get_by_text("Step 3 of 6")).to_be_visible()
    # The first day with free times is open; its first time is within 48 hours.
    tap(page.locator(".slot-times .slot:visible").first)
    tap(page.get_by_role("button", name="Continue"))


def test_returning_client_rebooks_and_the_pre_visit_check_flags_a_fever(
    page, live_server, demo_spa, settings
):
    base = live_server.url
    first_booking_a_month_ago(page, base)
    tap = Taps()
    sign_in_by_email(page, base, tap)
    expect(page.get_by_text("Back, neck and shoulder massage").first).to_be_visible()
    assert serious_violations(page) == []
    tap(page.get_by_role("button", name=re.compile("^Book again")).first)
    pick_first_time(page, tap)
    # Straight to the questions: the details are filled in (the review lists them).
    expect(
        page.get_by_role("heading", name=re.compile("Has anything changed since"))
    ).to_be_visible()
    assert page.locator("input[name=q_fever][value=no]").is_checked()
    assert serious_violations(page) == []
    # One thing changed: a new allergy.
    page.locator("input[name=q_allergies][value=yes]").check()
    page.get_by_label("What are you allergic or sensitive to?").fill("Lavender oil")
    page.get_by_label(re.compile("I agree that the spa may keep these answers")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 6 of 6")).to_be_visible()
    expect(page.get_by_text("Robin Quinn")).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_be_visible()
    page.get_by_role("button", name=SEND).click()
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    second = Appointment.objects.exclude(status=Status.COMPLETED).get()
    assert second.client_email == EMAIL
    assert second.client_name == "Robin Quinn"
    answers = {r["code"]: r for r in second.health.answers}
    assert answers["allergies"]["answer"] == "yes"
    assert answers["allergies"]["detail"] == "Lavender oil"
    assert answers["fever"]["answer"] == "no"
    assert second.client == Appointment.objects.get(status=Status.COMPLETED).client

    status_before = second.status

    # 48 hours before: the pre-visit check goes out; the client reports a fever.
    mail.outbox.clear()
    call_command("send_reminders", verbosity=0)
    check = next(m for m in mail.outbox if "quick check" in m.subject)
    link = re.search(r"https?://\S+/today/", check.body).group(0)
    page.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), base))
    expect(page.get_by_role("heading", name="Before your visit: a quick check")).to_be_visible()
    assert serious_violations(page) == []
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    page.locator("input[name=q_fever][value=yes]").check()
    for group in page.locator("fieldset.question").all():
        options = group.locator("input[type=radio]")
        if options.count() and not group.locator("input[type=radio]:checked").count():
            options.first.check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Let's find you another time")).to_be_visible()
    assert serious_violations(page) == []
    second.refresh_from_db()
    assert second.status == status_before  # nothing cancelled by the check
    assert second.flagged
    assert any("[Pre-visit check]" in m.subject for m in mail.outbox)

    # The therapist's calendar flags it.
    page.context.clear_cookies()
    settings.DEBUG = True
    call_command("ensure_demo_staff", verbosity=0)
    settings.DEBUG = False
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(second.therapist.user.username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    day = timezone.localtime(second.start).date().isoformat()
    page.goto(f"{base}/admin/calendar/?date={day}")
    block = page.locator(f"[href*='/appointment/{second.pk}/']").first
    expect(block).to_be_visible()
    expect(page.locator("[title='Pre-visit check: Changed: the visit should move']")).to_have_count(
        1
    )


def test_taps_to_rebook_with_nothing_changed(page, live_server, demo_spa):
    """From the home page to the request sent, for a returning client whose answers
    have not changed. The goal is at most 8 once signed in; the email link adds its own."""
    base = live_server.url
    first_booking_a_month_ago(page, base)
    signing_in = Taps()
    sign_in_by_email(page, base, signing_in)
    page.goto(f"{base}/")
    tap = Taps()
    tap(page.get_by_role("link", name="My bookings"))
    tap(page.get_by_role("button", name=re.compile("^Book again")).first)
    pick_first_time(page, tap)
    expect(
        page.get_by_role("heading", name=re.compile("Has anything changed since"))
    ).to_be_visible()
    tap(page.get_by_label(re.compile("I agree that the spa may keep these answers")), "check")
    tap(page.get_by_role("button", name="Continue"))
    tap(page.get_by_role("button", name=SEND))
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    print(f"\nTaps to rebook: {tap.count} signed in; {signing_in.count} more to sign in by email")
    assert tap.count <= 8
    assert Appointment.objects.count() == 2
