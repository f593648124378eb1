"""The guided timer: the current point's picture, progress, and cues at each change."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/points/routines/lower-back-relief/"  # BL23 first: paired, 2 min


def test_timer_shows_the_current_point_and_cues_switch_and_next(page, live_server, starter_library):
    page.clock.install()
    page.goto(f"{live_server.url}{URL}")
    timer = page.locator("#routine-timer")
    # Before start the clock shows the whole routine, not 0:00.
    expect(timer.locator(".timer-clock")).not_to_have_text("0:00")

    page.get_by_role("button", name="Start").click()
    expect(timer.locator(".timer-label")).to_contain_text("Point 1 of 6: BL23")
    # The current point's picture: the BL23 close-up of the lower back, with its ruler.
    picture = timer.locator(".timer-figure svg")
    expect(picture).to_have_count(1)
    expect(picture).to_have_class("detail-diagram detail-diagram-low-back")
    expect(picture.locator(".guide-label")).to_have_text("2 finger-widths")
    assert picture.get_attribute("aria-hidden") == "true"

    step_bar = page.locator("#timer-step-progress")
    assert float(step_bar.get_attribute("value") or 0) == 0
    page.clock.run_for(30_000)
    expect(timer.locator(".timer-clock")).to_have_text("1:30")
    assert float(page.eval_on_selector("#timer-step-progress", "e => e.value")) == 30
    assert float(page.eval_on_selector("#timer-routine-progress", "e => e.value")) == 30

    # Halfway through a paired point: the "switch sides" cue fires.
    page.clock.run_for(30_000)
    expect(timer.locator(".timer-label")).to_contain_text("Switch to the other side")
    assert timer.get_attribute("data-cue") == "switch"

    # At the end of the point: on to the next, with its own cue and picture.
    page.clock.run_for(60_000)
    expect(timer.locator(".timer-label")).to_contain_text("Point 2 of 6: BL52")
    assert timer.get_attribute("data-cue") == "next"
    assert timer.get_attribute("data-cues") == "2"
    expect(picture.locator(".guide-label")).to_have_text("4 finger-widths")
    expect(page.locator(".routine-step.is-current")).to_contain_text("BL52")

    # Cues can be turned off; the timer still counts.
    page.get_by_label("Tone and vibration at each change").uncheck()
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    assert serious_violations(page) == []


def test_without_javascript_the_routine_is_a_plain_list_with_pictures(
    browser, live_server, starter_library
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{URL}")
    expect(page.locator("#routine-timer")).to_be_hidden()
    steps = page.locator("ol.routine-steps > li")
    expect(steps).to_have_count(6)
    # Every step shows where its point is.
    expect(steps.locator(".routine-step-figure svg")).to_have_count(6)
    context.close()


def test_reduced_motion_scrolls_without_animation(browser, live_server, starter_library):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{live_server.url}{URL}")
    calls = []
    page.expose_function("noteScroll", lambda behavior: calls.append(behavior))
    page.evaluate(
        "Element.prototype.scrollIntoView = function (o) { window.noteScroll(o && o.behavior); }"
    )
    page.get_by_role("button", name="Start").click()
    page.wait_for_function("document.querySelector('.routine-step.is-current') !== null")
    page.wait_for_timeout(100)
    assert "auto" in calls
    assert "smooth" not in calls
    context.close()
