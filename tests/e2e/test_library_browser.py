"""A visitor finds a point for a sore lower back, in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_picks_lower_back_on_body_map_and_opens_bl23(page, live_server, starter_library):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/points/")
    page.get_by_role("link", name="Lower back").first.click()
    page.wait_for_url("**/points/?region=lower-back")
    expect(page.get_by_role("heading", name="Points for the lower back")).to_be_visible()
    page.get_by_role("link", name="Kidney Shu").click()
    page.wait_for_url("**/points/bl23/")
    expect(page.locator("figure.diagram svg").first).to_be_visible()
    assert page.locator("ol.technique-steps > li").count() >= 3
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    assert errors == []  # no CSP or script errors


def test_routine_timer_runs(page, live_server, starter_library):
    page.goto(f"{live_server.url}/points/")
    page.locator("#routines a").first.click()
    timer = page.locator("#routine-timer")
    expect(timer).to_be_visible()  # revealed by the script
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".routine-step.is-current")).to_have_count(1)
    expect(page.locator(".timer-label")).to_contain_text("Point 1 of")
    page.get_by_role("button", name="Next point").click()
    expect(page.locator(".timer-label")).to_contain_text("Point 2 of")
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()


def test_phone_layout_has_no_sideways_scroll(page, live_server, starter_library):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/points/", "/points/bl23/", "/book/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path


def test_visitor_searches_in_their_own_words(page, live_server, starter_library):
    page.goto(f"{live_server.url}/points/")
    page.get_by_label("Search").fill("sweet spot")
    page.get_by_label("Search").press("Enter")
    first = page.locator(".point-card").first
    expect(first.locator(".code-badge")).to_have_text("BL43")
    expect(first).to_contain_text("Also called: sweet spot")

    page.get_by_label("Search").fill("insomnai")
    page.get_by_role("button", name="Show points").click()
    expect(page.get_by_text("No guides match “insomnai”")).to_be_visible()
    page.get_by_role("link", name="Poor sleep").last.click()
    page.wait_for_url("**/points/?concern=poor-sleep")
    assert page.locator(".point-card").count() >= 3


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/points/",
        "/points/?q=sweet+spot",
        "/points/?q=insomnai",
        "/points/bl23/",
        "/points/routines/lower-back-relief/",
        "/book/",
    ],
)
def test_no_serious_accessibility_violations(page, live_server, starter_library, path):
    page.goto(f"{live_server.url}{path}")
    assert serious_violations(page) == []


def test_every_starter_point_prints_on_one_sheet(page, live_server, starter_library):
    """Each guide is laid out in print media at a Letter sheet's width and measured; the
    tallest few are then printed to PDF for real. Page count only grows with height, so
    if the tallest fit one sheet, every guide does."""
    import re

    from points.models import Point

    page.emulate_media(media="print")
    # A Letter sheet's printable width at 96 px per inch, Chromium's default margins.
    page.set_viewport_size({"width": round((8.5 - 0.8) * 96), "height": 900})
    heights = {}
    for slug in Point.objects.values_list("slug", flat=True):
        page.goto(f"{live_server.url}/points/{slug}/")
        heights[slug] = page.evaluate("document.documentElement.scrollHeight")
    assert len(heights) == 29
    tallest = sorted(heights, key=heights.get, reverse=True)[:3]
    for slug in tallest:
        page.goto(f"{live_server.url}/points/{slug}/")
        pdf = page.pdf(format="Letter")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"{slug} ({heights[slug]} px tall in print) prints on {pages} pages"
