"""Booking as a phone user and as a keyboard user, and what axe cannot see: the focus
ring and control borders, measured from computed styles on every kind of page."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Appointment
from spa.management.commands.ensure_demo_staff import DEFAULT_PASSWORD
from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def quick_forms(settings):
    # The details form's minimum fill time is tested elsewhere (test_abuse*).
    settings.SPA_MIN_FILL_SECONDS = 0


def bar_continue(page):
    """The phone's sticky bar button: the only Continue on the screen."""
    button = page.locator(".booking-bar button")
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    # The in-page Continue is hidden on phones: one button, always within reach.
    expect(page.locator("#step-form .step-actions button[type=submit]")).to_be_hidden()
    button.click()


def answer_visible_no(page) -> None:
    for group in page.locator("fieldset.question:visible").all():
        no = group.locator("input[type=radio][value=no]")
        if no.count():
            no.check()


def test_phone_books_with_the_sticky_bar_and_the_month_view(
    page, live_server, demo_spa, quick_forms
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/book/")
    page.get_by_label(re.compile("Back, neck and shoulder massage")).check()
    bar_continue(page)
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()
    expect(page.locator(".booking-bar")).to_contain_text("$85")
    expect(page.locator(".choice-card img.therapist-photo")).to_have_count(3)
    page.get_by_label(re.compile("Whoever is free first")).check()
    bar_continue(page)

    expect(page.get_by_text("Step 3 of 6")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Central Time (Chicago)")
    # Jump with the month view to the next month's first free day.
    page.get_by_role("link", name=re.compile("Next month")).click()
    day_link = page.locator(".month-view a.month-day.is-free").first
    wanted = date.fromisoformat(day_link.get_attribute("data-day"))
    day_link.click()
    shown = page.locator("fieldset.slot-day:visible")
    expect(shown).to_have_count(1)
    assert shown.get_attribute("data-day") == wanted.isoformat()
    expect(shown.locator("legend.slot-part-label").first).to_have_text(
        re.compile("Morning|Afternoon|Evening")
    )
    shown.locator(".slot").first.click()
    bar_continue(page)

    expect(page.get_by_text("Step 4 of 6")).to_be_visible()
    expect(page.locator(".booking-bar")).to_contain_text(wanted.strftime("%b"))
    assert page.get_by_label("Phone").get_attribute("type") == "tel"
    page.get_by_label("Your name").fill("Robin Quinn")
    page.get_by_label("Email").fill("robin@example.com")
    page.get_by_label("Phone").fill("(555) 010-9876")
    bar_continue(page)

    expect(page.get_by_text("Step 5 of 6")).to_be_visible()
    answer_visible_no(page)
    page.get_by_label(re.compile("I agree that the spa may keep")).check()
    bar_continue(page)

    expect(page.get_by_text("Step 6 of 6")).to_be_visible()
    expect(page.get_by_text("arrive 10 minutes early")).to_be_visible()
    # All answers "no": nothing for anyone to look at first, so it books at once.
    expect(page.locator(".booking-bar button")).to_have_text("Book and confirm")
    bar_continue(page)

    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    appointment = Appointment.objects.get()
    assert timezone.localtime(appointment.start).date() == wanted
    expect(page.get_by_role("link", name=re.compile("Google"))).to_have_attribute(
        "href", re.compile(r"^https://calendar\.google\.com/calendar/render\?action=TEMPLATE&")
    )
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert errors == []


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_alone_books_a_session(page, live_server, demo_spa, quick_forms):
    page.goto(f"{live_server.url}/book/")
    tab_to(page, "input[name=service]")
    page.keyboard.press("ArrowDown")  # arrow keys choose within the group
    page.keyboard.press("ArrowUp")
    tab_to(page, "#step-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Step 2 of 6")).to_be_visible()
    tab_to(page, "input[name=therapist]:checked")
    page.keyboard.press("ArrowDown")  # the first named therapist
    tab_to(page, "#step-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Step 3 of 6")).to_be_visible()
    page.keyboard.press("Tab")
    # An empty submit: the error is announced, focus on it.
    tab_to(page, "#step-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    tab_to(page, ".month-view a.month-day.is-free")
    page.keyboard.press("Enter")  # a listed day opens at once, focus on its first time
    page.wait_for_function("document.activeElement.name === 'start'")
    page.keyboard.press("Space")
    tab_to(page, "#step-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Step 4 of 6")).to_be_visible()
    tab_to(page, "#id_name")
    page.keyboard.type("Kim Keys")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("(555) 010-2222")
    tab_to(page, "#step-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Step 5 of 6")).to_be_visible()
    tab_to(page, "#step-form button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_contain_text("things need your attention")
    # Each question's radios: Tab into the group (its "No"), Space to choose it.
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => ({tag: document.activeElement.tagName, type: document.activeElement.type,"
            " value: document.activeElement.value, id: document.activeElement.id,"
            " checked: document.activeElement.checked})"
        )
        if focused["type"] == "radio" and not focused["checked"]:
            page.keyboard.press("Space")
        elif focused["id"] == "id_health_consent":
            page.keyboard.press("Space")
        elif focused["type"] == "submit":
            break
    expect(summary.locator("h2")).to_have_text("Thank you: every question is answered.")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Step 6 of 6")).to_be_visible()
    tab_to(page, "#step-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    appointment = Appointment.objects.get()
    assert appointment.client_name == "Kim Keys"
    assert appointment.therapist.display_name != ""


# --- Contrast beyond axe ---------------------------------------------------------------

# WCAG's contrast ratio, and the colour behind an element (its first opaque ancestor).
COLOURS = """
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const behind = (el) => {
    for (let n = el.parentElement; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
"""

MEASURE = (
    "() => {"
    + COLOURS
    + """
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const classes = typeof el.className === "string" ? el.className.split(" ").join(".") : "";
  const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + classes;
  return {name, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          ratio: ratio(rgb(s.outlineColor), behind(el)), background: s.backgroundColor};
}"""
)

BORDERS = (
    "() => {"
    + COLOURS
    + """
  const found = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    const s = getComputedStyle(el);
    if (el.type === "hidden" || !el.offsetParent || s.opacity === "0") continue;
    // Radios and boxes the browser draws itself have no CSS border to measure.
    if ((el.type === "radio" || el.type === "checkbox") && s.appearance !== "none") continue;
    if (el.closest(".visually-hidden, [aria-hidden=true]")) continue;
    found.push({name: el.name || el.id, width: parseFloat(s.borderTopWidth),
                ratio: ratio(rgb(s.borderTopColor), behind(el))});
  }
  return found;
}"""
)


def focus_problems(page, stops: int = 60) -> list[str]:
    """Tab through the page: every stop needs a ring of 2 px or more at 3:1 against
    what is behind it, and a focused button keeps its own background (never "selected")."""
    problems = []
    page.locator("body").click(position={"x": 1, "y": 1})
    seen = set()
    for _ in range(stops):
        page.keyboard.press("Tab")
        ring = page.evaluate(MEASURE)
        if ring["name"] in seen or ring["name"].startswith("body"):
            continue
        seen.add(ring["name"])
        if ring["style"] == "none" or ring["width"] < 2 or ring["ratio"] < 3:
            problems.append(f"focus {ring['name']}: {ring}")
        if page.evaluate("document.activeElement.matches('.btn')"):
            rest = page.evaluate(
                "() => { const a = document.activeElement; a.blur();"
                " const c = getComputedStyle(a).backgroundColor; a.focus(); return c; }"
            )
            if rest != ring["background"]:
                problems.append(
                    f"{ring['name']} changes colour on focus: {rest} → {ring['background']}"
                )
    return problems


def border_problems(page) -> list[str]:
    return [
        f"border {b['name']}: {b['ratio']:.2f}:1"
        for b in page.evaluate(BORDERS)
        if b["ratio"] < 3 or b["width"] < 1
    ]


PUBLIC_PAGES = [
    "/",
    "/points/",
    "/points/bl23/",
    "/points/routines/lower-back-relief/",
    "/services/",
    "/services/back-neck-shoulder-massage/",
    "/book/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_focus_ring_and_borders_on_public_pages(page, live_server, demo_spa, path):
    page.goto(f"{live_server.url}{path}")
    assert focus_problems(page) + border_problems(page) == []


def test_focus_ring_and_borders_on_every_booking_step(page, live_server, demo_spa, quick_forms):
    found: dict[str, list[str]] = {}

    def check(step: str) -> None:
        found[step] = focus_problems(page, stops=80) + border_problems(page)
        assert serious_violations(page) == [], step

    page.goto(f"{live_server.url}/book/?service=back-neck-shoulder-massage")
    check("therapist")
    page.locator("#step-form button[type=submit]").click()
    check("time")
    page.locator(".slot-times .slot:visible").first.click()
    page.locator("#step-form button[type=submit]").click()
    page.locator("#step-form button[type=submit]").click()  # empty: the error state
    check("details with errors")
    page.get_by_label("Your name").fill("Robin Quinn")
    page.get_by_label("Email").fill("robin@example.com")
    page.get_by_label("Phone").fill("(555) 010-9876")
    page.locator("#step-form button[type=submit]").click()
    page.locator("#step-form button[type=submit]").click()  # empty: the error state
    check("health with errors")
    answer_visible_no(page)
    page.get_by_label(re.compile("I agree that the spa may keep")).check()
    page.locator("#step-form button[type=submit]").click()
    check("review")
    page.locator("#step-form button[type=submit]").click()
    expect(page.get_by_role("heading", name="Your booking")).to_be_visible()
    check("booking page")
    assert {step: problems for step, problems in found.items() if problems} == {}


@pytest.fixture
def editor(demo_spa, settings):
    settings.DEBUG = True  # the demo loader refuses to run otherwise
    call_command("ensure_demo_staff", verbosity=0)
    settings.DEBUG = False


@pytest.mark.parametrize("path", ["/admin/points/point/add/", "/admin/points/point/{pk}/change/"])
def test_point_editor_has_no_serious_accessibility_violations(page, live_server, editor, path):
    from points.models import Point

    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("demo-editor")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + path.format(pk=Point.objects.get(code="BL23").pk))
    page.wait_for_function("document.querySelector('.search-label-icon[role=img]')")
    assert serious_violations(page) == []
