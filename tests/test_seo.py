"""Search engines and link previews: sitemap, robots.txt, canonical and Open
Graph tags, the PNG share card and schema.org JSON-LD."""

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localdate
from PIL import Image

from points import diagrams, raster
from points.models import Point, TechniqueStep
from spa import seo
from tests import factories as f

pytestmark = pytest.mark.django_db

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SVG_NS = "{http://www.w3.org/2000/svg}"
JSON_LD = re.compile(r'<script type="application/ld\+json"( nonce="[^"]+")?>(.*?)</script>', re.S)


def json_ld(response) -> list[dict]:
    return [json.loads(body) for _, body in JSON_LD.findall(response.content.decode())]


def meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)
    assert match, f"no {prop} meta tag"
    return match[1]


# --- Sitemap ----------------------------------------------------------------------


def test_sitemap_lists_published_content_only(anonymous):
    shown = f.point("BL23")
    hidden = f.point("GV99", published=False)
    routine = f.routine("Desk back", points=[shown])
    draft_routine = f.routine("Secret routine", published=False)
    active, retired = f.service("Back massage"), f.service("Old session", active=False)

    response = anonymous.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    urls = {
        u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod")
        for u in root.iter(f"{SITEMAP_NS}url")
    }
    base = "http://testserver"
    for path in ("/", "/points/", "/services/"):
        assert base + path in urls
    assert base + shown.get_absolute_url() in urls
    assert base + routine.get_absolute_url() in urls
    assert base + reverse("bookings:service_detail", args=[active.slug]) in urls
    assert base + hidden.get_absolute_url() not in urls
    assert base + draft_routine.get_absolute_url() not in urls
    assert base + reverse("bookings:service_detail", args=[retired.slug]) not in urls
    # lastmod comes from `updated` where the model has it, as a date in the spa's zone.
    assert urls[base + shown.get_absolute_url()] == localdate(shown.updated).isoformat()
    assert urls[base + routine.get_absolute_url()] == localdate(routine.updated).isoformat()


def test_sitemap_uses_the_request_host_and_scheme(anonymous):
    f.point("BL23")
    response = anonymous.get("/sitemap.xml", secure=True, headers={"host": "localhost"})
    assert b"<loc>https://localhost/points/bl23/</loc>" in response.content


# --- robots.txt -------------------------------------------------------------------


def test_robots_txt(anonymous):
    response = anonymous.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /book/" in lines
    assert "Disallow: /bookings/" in lines
    assert not any(reverse("admin:index") in line for line in lines)  # never publish it
    assert "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_is_get_only(anonymous):
    assert anonymous.post("/robots.txt").status_code == 405


# --- Canonical and Open Graph --------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/points/?region=lower-back&page=2"])
def test_canonical_and_open_graph_on_pages(anonymous, path):
    f.point("BL23")
    html = anonymous.get(path).content.decode()

    canonical = "http://testserver" + path.split("?")[0]
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert meta(html, "og:url") == canonical
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:site_name") == "Willow &amp; Stone Spa"
    assert meta(html, "og:title")
    assert meta(html, "og:description")
    assert 'property="og:image"' not in html


def test_point_page_is_an_article_with_its_diagram_as_image(anonymous):
    point = f.point("BL23", english_name="Kidney Shu", summary="Either side of the spine.")
    html = anonymous.get(point.get_absolute_url() + "?utm_source=x").content.decode()

    canonical = "http://testserver/points/bl23/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert meta(html, "og:url") == canonical
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "BL23 Kidney Shu"
    assert meta(html, "og:description") == "Either side of the spine."
    assert re.fullmatch(
        r"http://testserver/points/bl23/diagram-[0-9a-f]{16}\.png", meta(html, "og:image")
    )
    assert meta(html, "og:image:width") == "1200"
    assert meta(html, "og:image:height") == "630"
    assert "BL23" in meta(html, "og:image:alt")
    assert meta(html, "twitter:card") == "summary_large_image"


# --- The PNG share card ----------------------------------------------------------------


def card_url(client, point) -> str:
    """The card's current address, as the old `diagram.png` link redirects to it."""
    response = client.get(reverse("points:image_latest", args=[point.slug]))
    assert response.status_code == 302
    return response["Location"]


def test_point_image_is_a_png_cached_for_good_under_its_content_hash(anonymous):
    point = f.point("BL23")
    url = card_url(anonymous, point)
    response = anonymous.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    image = Image.open(BytesIO(response.content))
    image.verify()
    assert (image.format, image.size) == ("PNG", (1200, 630))
    # The address names what the card shows (its SVG and drawing style), so a page can
    # name its card without drawing it.
    digest = re.search(r"diagram-([0-9a-f]{16})\.png$", url)[1]
    drawn = f"{raster.CARD_STYLE}\n{raster.card_svg(point)}".encode()
    assert hashlib.sha256(drawn).hexdigest()[:16] == digest


def test_a_new_drawing_style_gives_cards_a_new_address(anonymous, monkeypatch):
    point = f.point("BL23")
    first = card_url(anonymous, point)
    # No cache emptied: a new style is a new address, and a new drawing, at once.
    monkeypatch.setattr(raster, "CARD_STYLE", "another-renderer")
    assert card_url(anonymous, point) != first
    # The old address sends on to the new card.
    assert anonymous.get(first)["Location"] == card_url(anonymous, point)


def test_point_image_is_drawn_once_until_the_point_changes(anonymous):
    point = f.point("BL23")
    first = card_url(anonymous, point)
    png = anonymous.get(first).content
    with CaptureQueriesContext(connection) as served:
        again = anonymous.get(first)
    assert again.content == png
    assert len(served) == 0  # from the cache: no query, no drawing

    point.map_y = Decimal("0.700")
    point.save()
    moved = card_url(anonymous, point)
    assert moved != first
    # The old address follows to the new card rather than showing the old drawing.
    assert anonymous.get(first)["Location"] == moved


def test_point_image_is_404_for_unpublished_points(anonymous):
    draft = f.point("GV99", published=False)
    assert anonymous.get(reverse("points:image_latest", args=[draft.slug])).status_code == 404
    assert anonymous.get(reverse("points:image", args=[draft.slug, "0" * 16])).status_code == 404
    assert anonymous.get("/points/no-such-point/diagram.png").status_code == 404


def test_editor_sees_a_draft_image_that_is_never_cached_publicly(content_editor):
    draft = f.point("GV99", published=False)
    response = content_editor.get(card_url(content_editor, draft))
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_point_image_is_get_only(anonymous):
    point = f.point("BL23")
    assert anonymous.post(card_url(anonymous, point)).status_code == 405
    assert anonymous.post(reverse("points:image_latest", args=[point.slug])).status_code == 405


def svg_marker_centres(point: Point) -> list[tuple[float, float]]:
    root = ET.fromstring(str(diagrams.point_diagram(point)))  # noqa: S314 - our own markup
    return [
        (float(c.get("cx")), float(c.get("cy")))
        for c in root.iter(f"{SVG_NS}circle")
        if c.get("class") == "marker-dot"
    ]


@pytest.mark.parametrize(
    ("view", "x", "y", "paired"),
    [
        ("back", "0.460", "0.360", True),
        ("front", "0.500", "0.055", False),
        ("front", "0.24", "0.55", True),
    ],
)
def test_marker_pixels_are_the_svg_positions_scaled(view, x, y, paired):
    point = f.point("BL23", view=view, map_x=x, map_y=y, paired=paired)
    centres = svg_marker_centres(point)
    assert len(centres) == (2 if paired else 1)

    # A box the 500 x 1000 frame fits exactly at half size, 100 px in and 50 down.
    pixels = raster.marker_pixels(view, point.map_x, point.map_y, point.paired, (100, 50, 250, 500))

    assert pixels == [(round(100 + cx / 2), round(50 + cy / 2)) for cx, cy in centres]


def test_marker_pixels_centre_the_frame_in_a_wider_box():
    # 1000 x 1000 holds the frame at full size, centred: 250 px of margin either side.
    assert raster.marker_pixels("back", 0.5, 0.25, False, (0, 0, 1000, 1000)) == [(500, 250)]


def test_card_draws_the_markers_where_marker_pixels_says(anonymous):
    point = f.point("BL23", view="back", map_x="0.460", map_y="0.360", paired=True)
    image = Image.open(BytesIO(raster.point_png(point))).convert("RGB")
    box = raster.figure_box(*image.size)

    spots = raster.marker_pixels("back", point.map_x, point.map_y, True, box)

    assert len(spots) == 2
    for spot in spots:
        red, green, blue = image.getpixel(spot)
        assert red > 150, (spot, image.getpixel(spot))
        assert green < 80, (spot, image.getpixel(spot))
        assert blue < 80, (spot, image.getpixel(spot))
    # Off the markers, inside the body: the body fill, not red.
    assert image.getpixel(raster.marker_pixels("back", 0.5, 0.6, False, box)[0])[1] > 200


def dark_pixels(png: bytes) -> int:
    image = Image.open(BytesIO(png)).convert("L")
    return sum(1 for v in image.tobytes() if v < 128)


def lettering(text: str) -> bytes:
    """``text`` as the card sets it, black on white, drawn by the card's renderer."""
    return raster.render_png(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="80">'
        '<rect width="400" height="80" fill="#ffffff"/>'
        f"{raster._text(10, 60, text, 48, '#000000')}</svg>"
    )


@pytest.mark.parametrize("text", ["肾俞", "腎兪", "Νεφρό", "Шэньшу", "Shènshū"])
def test_card_sets_every_language_in_real_letters(text):
    drawn = lettering(text)
    assert dark_pixels(drawn) > 150
    # Not a row of boxes: each letter is its own shape, unlike a letter no
    # font has (a private-use character).
    assert lettering(text[0]) != lettering(text[1])
    assert lettering(text[0]) != lettering("\U000f0000")


def test_card_shows_a_chinese_name(anonymous):
    point = f.point("BL23", english_name="肾俞")
    tofu = f.point("BL25", english_name="\U000f0000\U000f0000")
    tofu.code = point.code  # the same card but for the name
    assert raster.point_png(point) != raster.point_png(tofu)
    assert "肾俞" in raster.card_svg(point)


def test_card_nests_the_pages_own_figure(anonymous):
    point = f.point("BL23", view="back", map_x="0.460", map_y="0.360", paired=True)
    svg = raster.card_svg(point)
    figure = str(diagrams.point_diagram(point))
    # The same drawing, placed in the card: everything after the opening tag.
    assert figure.split(">", 1)[1] in svg


# --- JSON-LD ------------------------------------------------------------------------------


def test_point_page_has_a_howto(anonymous):
    point = f.point("BL23", english_name="Kidney Shu", steps=3)  # 3 steps x 30 s x each side
    response = anonymous.get(point.get_absolute_url())
    html = response.content.decode()

    (howto,) = json_ld(response)
    assert howto["@context"] == "https://schema.org"
    assert howto["@type"] == "HowTo"
    assert "BL23 Kidney Shu" in howto["name"]
    assert howto["image"] == meta(html, "og:image")
    assert howto["totalTime"] == "PT3M"
    steps = howto["step"]
    assert [s["@type"] for s in steps] == ["HowToStep"] * 3
    assert [s["position"] for s in steps] == [1, 2, 3]
    assert [s["text"] for s in steps] == ["Press step 1.", "Press step 2.", "Press step 3."]
    assert all(s["name"] for s in steps)
    # A data block, never run by browsers: no nonce, so the page can be cached whole.
    assert '<script type="application/ld+json">' in html


def test_howto_data_cannot_break_out_of_its_script_block(anonymous):
    point = f.point("BL23", summary="</script><script>alert(1)</script> & more")
    response = anonymous.get(point.get_absolute_url())
    html = response.content.decode()

    assert "<script>alert(1)" not in html
    (howto,) = json_ld(response)
    assert howto["description"] == "</script><script>alert(1)</script> & more"


def test_practitioner_only_point_has_no_howto(anonymous):
    point = f.point("GB21", steps=0, self_care=Point.SelfCare.PRACTITIONER)
    response = anonymous.get(point.get_absolute_url())
    assert response.status_code == 200
    assert json_ld(response) == []


def test_howto_names_tools_and_counts_one_side_steps_once(rf):
    point = f.point("LI4", steps=2, tool=f.tool("thumb"))
    TechniqueStep.objects.filter(point=point, position=2).update(side="midline")
    howto = seo.howto_for(point, rf.get("/"))
    assert howto["totalTime"] == "PT1M30S"  # 30 s x 2 sides + 30 s
    assert howto["tool"] == [{"@type": "HowToTool", "name": "Thumb"}]


def test_home_page_describes_the_business(anonymous):
    response = anonymous.get("/")

    (spa,) = json_ld(response)
    assert spa["@type"] == "HealthAndBeautyBusiness"
    assert spa["name"] == "Willow & Stone Spa"
    assert spa["url"] == "http://testserver/"
    assert spa["telephone"]
    assert spa["email"]
    assert spa["address"]
    hours = {
        day: (entry["opens"], entry["closes"])
        for entry in spa["openingHoursSpecification"]
        for day in entry["dayOfWeek"]
    }
    week = ["Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    assert hours == {**dict.fromkeys(week, ("09:00", "19:00")), "Sunday": ("10:00", "16:00")}


def test_other_pages_do_not_repeat_the_business(anonymous):
    assert json_ld(anonymous.get("/points/")) == []


@override_settings(SPA_OPENING_HOURS="By appointment")
def test_unreadable_hours_are_left_out(anonymous):
    (spa,) = json_ld(anonymous.get("/"))
    assert "openingHoursSpecification" not in spa


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tue–Sat 9:00–19:00, Sun 10:00–16:00",
            [("Tuesday", "Saturday", "09:00", "19:00"), ("Sunday", "Sunday", "10:00", "16:00")],
        ),
        (
            "Mon-Fri 9am - 5:30pm; Sat 10 to 2",
            [("Monday", "Friday", "09:00", "17:30"), ("Saturday", "Saturday", "10:00", "14:00")],
        ),
        ("Fri–Mon: 22:00–02:00", [("Friday", "Monday", "22:00", "02:00")]),
    ],
)
def test_opening_hours_parser_is_tolerant(text, expected):
    parsed = seo.parse_opening_hours(text)
    assert [
        (e["dayOfWeek"][0], e["dayOfWeek"][-1], e["opens"], e["closes"]) for e in parsed
    ] == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "By appointment",
        "Tue–Sat 9:00–19:00, closed Mondays",
        "Tue 25:00-26:00",
        "Xyz 9-5",
    ],
)
def test_opening_hours_parser_returns_nothing_for_garbage(text):
    assert seo.parse_opening_hours(text) == []


@pytest.mark.parametrize(
    ("seconds", "expected"), [(180, "PT3M"), (90, "PT1M30S"), (3600, "PT1H"), (0, "PT0S")]
)
def test_iso_duration(seconds, expected):
    assert seo.iso_duration(seconds) == expected
