"""The bot checks on the details step, seen by a person in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def to_details(page, base: str) -> None:
    page.goto(f"{base}/book/")
    page.get_by_label(re.compile("Back, neck and shoulder massage")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Whoever is free first").check()
    page.get_by_role("button", name="Continue").click()
    page.locator(".slot-day-bar button").last.click()
    page.locator(".slot-times .slot:visible").first.click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 4 of 6")).to_be_visible()


def fill_details(page) -> None:
    page.get_by_label("Your name").fill("Robin Quinn")
    page.get_by_label("Email").fill("robin@example.com")
    page.get_by_label("Phone").fill("(555) 010-9876")


def test_a_quick_person_is_asked_once_then_gets_on(page, live_server, demo_spa, settings):
    settings.SPA_MIN_FILL_SECONDS = 2
    to_details(page, live_server.url)
    fill_details(page)

    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_text("Please check your details, then press Continue again.")
    ).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("robin@example.com")

    # The page kept its stamp: a moment later the same click goes through.
    page.wait_for_timeout(3100)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 5 of 6")).to_be_visible()


def test_the_trap_is_out_of_sight_and_out_of_reach(page, live_server, demo_spa):
    to_details(page, live_server.url)

    trap = page.locator("input[name=website]")
    expect(trap).to_have_value("")
    # Its wrapper is clipped to a single pixel (Bootstrap's visually-hidden).
    box = page.locator("div:has(> input[name=website])").bounding_box()
    assert box["width"] <= 1
    assert box["height"] <= 1
    # Tabbing on from the last field reaches the buttons, never the trap.
    page.get_by_label("Anything your therapist should know? (optional)").focus()
    for _ in range(4):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") != "website"
    assert serious_violations(page) == []
