"""An editor places a point by clicking the drawing and puts steps in order."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from points.models import Point

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-edith-123456"


@pytest.fixture
def editor_page(page, live_server, starter_library, content_editor_user):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(content_editor_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    point = Point.objects.get(code="BL23")
    page.goto(f"{live_server.url}/admin/points/point/{point.pk}/change/")
    return page


def click_at(page, selector: str, x: float, y: float) -> None:
    """Click the drawing at (x, y) in its own SVG units."""
    spot = page.eval_on_selector(
        selector,
        """(svg, [x, y]) => {
            const p = svg.createSVGPoint(); p.x = x; p.y = y;
            const s = p.matrixTransform(svg.getScreenCTM());
            return [s.x, s.y];
        }""",
        [x, y],
    )
    page.mouse.click(*spot)


def test_editor_clicks_to_place_the_point_and_the_page_shows_it_there(editor_page, live_server):
    page = editor_page
    figure = ".placer-figure[data-frame=map][data-view=back] svg"
    page.locator(figure).scroll_into_view_if_needed()
    click_at(page, figure, 0.44 * 500, 0.38 * 1000)
    # The stored numbers follow the click (to the pixel), and stay editable.
    x, y = float(page.input_value("#id_map_x")), float(page.input_value("#id_map_y"))
    assert x == pytest.approx(0.44, abs=0.006)
    assert y == pytest.approx(0.38, abs=0.006)
    # The close-up (a window onto the figure) follows the same spot.
    detail_y = float(page.input_value("#id_detail_y"))
    assert detail_y == pytest.approx((y * 1000 - 290) / 260, abs=2e-3)
    dot = page.locator(f"{figure} .marker-dot").first
    assert float(dot.get_attribute("cx")) == pytest.approx(x * 500)

    # Clicking the other side of a paired point stores the left-hand side.
    click_at(page, figure, 0.56 * 500, 0.38 * 1000)
    x = float(page.input_value("#id_map_x"))
    assert x == pytest.approx(0.44, abs=0.006)

    # Typing moves the marker too (keyboard users).
    page.fill("#id_map_y", "0.361")
    assert float(dot.get_attribute("cy")) == pytest.approx(361)

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    point = Point.objects.get(code="BL23")
    assert float(point.map_x) == x
    assert float(point.map_y) == 0.361

    page.goto(f"{live_server.url}{point.get_absolute_url()}")
    marker = page.locator(f"#diagram-{point.slug} .marker-dot").first
    assert float(marker.get_attribute("cx")) == pytest.approx(float(point.map_x) * 500)
    assert float(marker.get_attribute("cy")) == pytest.approx(361)


def test_editor_reorders_steps_with_the_keyboard_and_saves(editor_page):
    page = editor_page
    group = page.locator("#technique_steps-group")
    first_text = Point.objects.get(code="BL23").technique_steps.first().instruction
    group.get_by_role("button", name="Move technique steps 2 up").focus()
    page.keyboard.press("Enter")
    positions = group.locator("input[name$='-position']")
    assert positions.nth(0).input_value() == "1"
    # The moved row is now first; its position field says so.
    expect(group.locator(".order-status")).to_have_text("Moved to position 1.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    steps = list(Point.objects.get(code="BL23").technique_steps.order_by("position"))
    assert steps[1].instruction == first_text


def test_editor_drawing_and_order_controls_have_no_accessibility_violations(editor_page):
    # What this editor adds: the drawing to click on, the preview button and
    # the order controls. (The inline rows' own labels are issue 14, part 2.)
    results = Axe().run(
        editor_page,
        context={"include": [[".point-placer"], [".order-tools"], [".order-status"]]},
    )
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
