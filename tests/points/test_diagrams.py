"""The drawn diagrams: markers where the data says, accessible, CSP-safe SVG."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.safestring import SafeString

from points import diagrams
from points.diagrams import Marker, RegionArea
from points.models import BodyRegion, Point

SVG = "{http://www.w3.org/2000/svg}"

# The starter library's map positions (reference/points.md): code, view, x, y, paired.
REFERENCE_POINTS = [
    ("GV20", "back", 0.50, 0.02, False),
    ("GB20", "back", 0.47, 0.105, True),
    ("BL10", "back", 0.48, 0.12, True),
    ("GV14", "back", 0.50, 0.165, False),
    ("GB21", "back", 0.38, 0.17, True),
    ("SI11", "back", 0.38, 0.225, True),
    ("BL42", "back", 0.42, 0.205, True),
    ("BL43", "back", 0.42, 0.22, True),
    ("GV11", "back", 0.50, 0.235, False),
    ("GV4", "back", 0.50, 0.36, False),
    ("BL23", "back", 0.46, 0.36, True),
    ("BL52", "back", 0.42, 0.36, True),
    ("GV3", "back", 0.50, 0.40, False),
    ("BL25", "back", 0.46, 0.40, True),
    ("BL32", "back", 0.47, 0.44, True),
    ("GB30", "back", 0.39, 0.476, True),
    ("BL40", "back", 0.40, 0.72, True),
    ("BL57", "back", 0.40, 0.84, True),
    ("BL60", "back", 0.37, 0.955, True),
    ("LI4", "back", 0.24, 0.55, True),
    ("SI3", "back", 0.30, 0.58, True),
    ("EX-HN3", "front", 0.50, 0.055, False),
    ("PC6", "front", 0.27, 0.49, True),
    ("HT7", "front", 0.29, 0.515, True),
    ("GB34", "front", 0.35, 0.74, True),
    ("ST36", "front", 0.38, 0.77, True),
    ("SP6", "front", 0.43, 0.91, True),
    ("LR3", "front", 0.43, 0.975, True),
    ("BL67", "front", 0.34, 0.99, True),
]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own markup, not untrusted input
    assert root.tag == f"{SVG}svg"
    return root


def dots(root: ET.Element) -> list[tuple[float, float]]:
    """Centres of the marker dots, rounded to the 0.01 the markup is written with."""
    return sorted(
        (round(float(c.get("cx")), 2), round(float(c.get("cy")), 2))
        for c in root.iter(f"{SVG}circle")
        if c.get("class") == "marker-dot"
    )


def spots(*points: tuple[float, float]) -> list[tuple[float, float]]:
    return sorted((round(x, 2), round(y, 2)) for x, y in points)


def figure(view="back", markers=(), **kwargs) -> str:
    kwargs.setdefault("title", "Where to find it")
    kwargs.setdefault("desc", "A body outline with a dot.")
    return diagrams.figure_svg(view, list(markers), **kwargs)


def inside(polygon: list[tuple[float, float]], x: float, y: float) -> bool:
    """Ray casting: is (x, y) inside the polygon?"""
    result = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


# --- Markers -------------------------------------------------------------------


def test_single_marker_lands_at_the_frame_coordinates():
    root = parse(figure("back", [Marker(0.5, 0.36, "GV4", False)]))
    assert dots(root) == [(250.0, 360.0)]


@pytest.mark.parametrize(("code", "view", "x", "y", "paired"), REFERENCE_POINTS)
def test_reference_points_are_drawn_where_the_table_says(code, view, x, y, paired):
    root = parse(figure(view, [Marker(x, y, code, paired)]))
    expected = [(x * 500, y * 1000)]
    if paired:
        expected.append(((1 - x) * 500, y * 1000))
    assert dots(root) == spots(*expected)


@pytest.mark.parametrize(("code", "view", "x", "y", "paired"), REFERENCE_POINTS)
def test_reference_points_land_on_the_drawn_body(code, view, x, y, paired):
    polygon = diagrams.outline_polygon(view)
    assert inside(polygon, x, y), f"{code} falls outside the {view} outline"
    assert inside(polygon, 1 - x, y), f"{code}'s mirror falls outside the {view} outline"


def test_hands_hang_beside_the_thighs_with_a_gap():
    # LI4 and SI3 sit on the hands, which are separate from the body: a point
    # just inside the hip at hand height is on the body, one between hand
    # and thigh is not.
    polygon = diagrams.outline_polygon("back")
    assert inside(polygon, 0.24, 0.55)
    assert inside(polygon, 0.34, 0.55)
    assert not inside(polygon, 0.318, 0.52)


def test_paired_marker_mirrors_at_one_minus_x():
    root = parse(figure("back", [Marker(0.46, 0.36, "BL23", True)]))
    assert dots(root) == [(230.0, 360.0), (270.0, 360.0)]
    # Each dot has a halo at the same place.
    halos = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "marker-halo"]
    assert len(halos) == 2


def test_paired_marker_on_the_midline_is_drawn_once():
    root = parse(figure("back", [Marker(0.5, 0.02, "GV20", True)]))
    assert dots(root) == [(250.0, 20.0)]


def test_decimal_positions_are_accepted():
    root = parse(figure("front", [Marker(Decimal("0.430"), Decimal("0.910"), "SP6", True)]))
    assert dots(root) == [(215.0, 910.0), (285.0, 910.0)]


def test_several_markers_each_drawn():
    markers = [Marker(0.46, 0.36, "BL23", True), Marker(0.5, 0.4, "GV3", False)]
    assert len(dots(parse(figure("back", markers)))) == 3


def test_marker_label_is_a_tooltip_and_escaped():
    svg = figure("back", [Marker(0.5, 0.4, "<b>GV3</b>", False)])
    assert "<b>" not in svg
    titles = [t.text for t in parse(svg).iter(f"{SVG}title")]
    assert "<b>GV3</b>" in titles


def test_unknown_view_is_an_error():
    with pytest.raises(ValueError, match="view must be one of"):
        figure("side")


# --- The figure itself ------------------------------------------------------------


@pytest.mark.parametrize("view", ["back", "front"])
def test_outline_stays_inside_the_frame(view):
    root = parse(figure(view))
    outline = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "figure-outline")
    numbers = [float(n) for n in outline.get("d").replace("M", " ").replace("C", " ").split()[:-1]]
    xs, ys = numbers[0::2], numbers[1::2]
    assert min(xs) >= 0
    assert max(xs) <= 500
    assert min(ys) >= -1
    assert max(ys) <= 1002
    # Symmetric about the midline.
    assert min(xs) == pytest.approx(500 - max(xs))


def test_back_view_has_a_spine_and_front_view_a_midline():
    back = parse(figure("back"))
    front = parse(figure("front"))

    def has(root, css):
        return any(css in (p.get("class") or "").split() for p in root.iter(f"{SVG}path"))

    assert has(back, "figure-spine")
    assert has(front, "figure-midline")
    assert not has(front, "figure-spine")


# --- Accessibility and CSP ------------------------------------------------------------


def test_figure_is_an_image_labelled_by_its_title_and_desc():
    svg = figure("back", title="Where to find BL23 & co", desc="Low back <both sides>")
    root = parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Where to find BL23 & co"
    assert desc.text == "Low back <both sides>"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert "BL23 &amp; co" in svg
    assert "&lt;both sides&gt;" in svg


def test_ids_come_from_the_prefix_and_are_unique():
    first = parse(figure(id_prefix="diagram-bl23"))
    second = parse(figure(id_prefix="diagram-gv4"))
    ids = [el.get("id") for root in (first, second) for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) == 6
    assert first.get("id") == "diagram-bl23"
    assert first.find(f"{SVG}title").get("id") == "diagram-bl23-title"


def all_svgs() -> list[str]:
    markers = [Marker(x, y, code, paired) for code, _v, x, y, paired in REFERENCE_POINTS]
    svgs = [figure("back", markers), figure("front", markers)]
    for kind in diagrams.DETAIL_KINDS:
        for front in (False, True):
            svgs.append(
                diagrams.detail_svg(kind, 0.4, 0.6, title="t", desc="d", front=front, paired=True)
            )
    regions = [RegionArea("neck", "Neck", "back", 0.5, 0.13, 0.07, 0.035, False)]
    svgs.append(diagrams.body_map_svg(regions, "neck", lambda slug: f"/points/?region={slug}"))
    return svgs


def test_no_inline_styles_anywhere():
    for svg in all_svgs():
        assert "style=" not in svg
        assert "<style" not in svg
        assert "<script" not in svg
        parse(svg)


# --- Close-ups ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["hand", "foot", "head"])
def test_detail_marker_in_the_close_up_frame(kind):
    x, y = diagrams.DETAIL_LANDMARKS[kind][next(iter(diagrams.DETAIL_LANDMARKS[kind]))]
    root = parse(diagrams.detail_svg(kind, x, y, title="Close-up", desc="A close-up."))
    assert root.get("viewBox") == "0 0 400 400"
    assert root.get("role") == "img"
    assert dots(root) == spots((x * 400, y * 400))


def test_detail_landmarks_fall_inside_their_close_ups():
    for kind, landmarks in diagrams.DETAIL_LANDMARKS.items():
        polygon = diagrams.detail_polygon(kind)
        for code, (x, y) in landmarks.items():
            assert inside(polygon, x, y), f"{code} falls outside the {kind} close-up"


def test_paired_head_close_up_marks_both_sides():
    root = parse(diagrams.detail_svg("head", 0.4, 0.76, title="GB20", desc="d", paired=True))
    assert dots(root) == [(160.0, 304.0), (240.0, 304.0)]


@pytest.mark.parametrize(
    ("kind", "front", "caption"),
    [
        ("hand", False, "Back of the hand"),
        ("hand", True, "Palm side"),
        ("foot", False, "Top of the foot"),
        ("head", False, "From behind"),
        ("head", True, "Face side"),
    ],
)
def test_close_up_says_which_side_it_shows(kind, front, caption):
    root = parse(diagrams.detail_svg(kind, 0.5, 0.5, title="t", desc="d", front=front))
    captions = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "diagram-caption"]
    assert captions == [caption]


def test_detail_title_and_desc_escaped():
    svg = diagrams.detail_svg("head", 0.5, 0.4, title="Yintang <EX-HN3>", desc="A & B")
    assert "&lt;EX-HN3&gt;" in svg
    assert "A &amp; B" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Yintang <EX-HN3>"


def test_unknown_detail_kind_is_an_error():
    with pytest.raises(ValueError, match="kind must be one of"):
        diagrams.detail_svg("knee", 0.5, 0.5, title="t", desc="d")


# --- The body map ---------------------------------------------------------------------

REGIONS = [
    RegionArea("neck", "Neck & shoulders", "back", 0.5, 0.13, 0.07, 0.035, False),
    RegionArea("lower-back", "Lower back", "back", 0.5, 0.38, 0.13, 0.05, False),
    RegionArea("hands", "Hands", "back", 0.25, 0.55, 0.05, 0.05, True),
    RegionArea("feet", "Feet", "front", 0.4, 0.96, 0.06, 0.04, True),
]


def body_map(selected=None) -> ET.Element:
    return parse(diagrams.body_map_svg(REGIONS, selected, lambda slug: f"/points/?region={slug}"))


def links(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}a"))


def test_body_map_has_one_link_per_region_with_href_and_label():
    root = body_map()
    found = {(a.get("href"), a.get("aria-label")) for a in links(root)}
    assert found == {
        ("/points/?region=neck", "Neck & shoulders"),
        ("/points/?region=lower-back", "Lower back"),
        ("/points/?region=hands", "Hands"),
        ("/points/?region=feet", "Feet"),
    }


def test_body_map_draws_paired_regions_twice_mirrored():
    by_slug = {
        a.get("href").split("=")[1]: [
            e for e in a.iter(f"{SVG}ellipse") if e.get("class") == "region-area"
        ]
        for a in links(body_map())
    }
    assert len(by_slug["neck"]) == 1
    hands = sorted(float(e.get("cx")) for e in by_slug["hands"])
    assert hands == pytest.approx([125.0, 375.0])
    assert {float(e.get("rx")) for e in by_slug["hands"]} == {25.0}
    neck = by_slug["neck"][0]
    assert float(neck.get("ry")) == pytest.approx(35.0)
    # The front view sits to the right of the back view: same frame, shifted.
    feet = sorted(float(e.get("cx")) for e in by_slug["feet"])
    assert feet[1] - feet[0] == pytest.approx(100.0)
    assert feet[0] > 500


def test_every_body_map_region_has_a_tap_area_big_enough_for_a_phone():
    """The smallest map (the home page's on a phone) is 300 px tall for the whole drawing:
    each region's tap area must still be 24 px or more across (WCAG 2.5.8)."""
    root = body_map()
    scale = 300 / float(root.get("viewBox").split()[3])
    for a in links(root):
        hits = [e for e in a.iter(f"{SVG}ellipse") if e.get("class") == "region-hit"]
        assert hits, a.get("aria-label")
        for e in hits:
            assert 2 * float(e.get("rx")) * scale >= 24, a.get("aria-label")
            assert 2 * float(e.get("ry")) * scale >= 24, a.get("aria-label")


def test_body_map_highlights_the_selected_region():
    root = body_map("lower-back")
    classes = {a.get("aria-label"): a.get("class").split() for a in links(root)}
    assert "is-selected" in classes["Lower back"]
    assert all("is-selected" not in c for name, c in classes.items() if name != "Lower back")
    current = [a.get("aria-label") for a in links(root) if a.get("aria-current")]
    assert current == ["Lower back"]


def test_body_map_labels_both_views():
    texts = [t.text for t in body_map().iter(f"{SVG}text")]
    assert texts == ["Back", "Front"]


def test_body_map_escapes_names_and_hrefs():
    regions = [RegionArea("x", 'Say "ah" <now>', "back", 0.5, 0.5, 0.1, 0.1, False)]
    svg = diagrams.body_map_svg(regions, None, lambda slug: f"/p/?a=1&region={slug}")
    assert "&lt;now&gt;" in svg
    assert "&amp;region=x" in svg
    link = links(parse(svg))[0]
    assert link.get("aria-label") == 'Say "ah" <now>'
    assert link.get("href") == "/p/?a=1&region=x"


# --- Model wrappers (unsaved instances: no database needed) --------------------------


def make_point(**overrides) -> Point:
    fields = {
        "code": "BL23",
        "slug": "bl23-shenshu",
        "english_name": "Kidney Shu",
        "view": "back",
        "paired": True,
        "map_x": Decimal("0.460"),
        "map_y": Decimal("0.360"),
        "region": BodyRegion(name="Lower back", slug="lower-back"),
    }
    fields.update(overrides)
    return Point(**fields)


def test_point_diagram_wraps_a_point():
    html = diagrams.point_diagram(make_point())
    assert isinstance(html, SafeString)
    root = parse(html)
    assert root.get("id") == "diagram-bl23-shenshu"
    assert "Kidney Shu" in root.find(f"{SVG}title").text
    assert "both sides" in root.find(f"{SVG}desc").text
    assert dots(root) == [(230.0, 360.0), (270.0, 360.0)]


def test_point_diagram_front_view():
    point = make_point(
        code="EX-HN3",
        slug="yintang",
        view="front",
        paired=False,
        map_x=Decimal("0.5"),
        map_y=Decimal("0.055"),
    )
    root = parse(diagrams.point_diagram(point))
    assert "body-diagram-front" in root.get("class")
    assert dots(root) == [(250.0, 55.0)]


def test_point_detail_none_without_a_close_up():
    assert diagrams.point_detail(make_point()) is None


def test_point_detail_for_a_palm_side_point():
    point = make_point(
        code="PC6",
        slug="pc6",
        view="front",
        detail="hand",
        detail_x=Decimal("0.5"),
        detail_y=Decimal("0.95"),
    )
    html = diagrams.point_detail(point)
    assert isinstance(html, SafeString)
    root = parse(html)
    assert root.get("id") == "detail-pc6"
    texts = {t.get("class"): t.text for t in root.iter(f"{SVG}text")}
    assert texts["diagram-caption"] == "Palm side"
    # PC6 is found three finger-widths above the wrist crease: the ruler says so.
    assert texts["guide-label"] == "3 finger-widths"
    # A hand close-up shows one hand, so a paired point gets one dot.
    assert dots(root) == [(200.0, 380.0)]


def test_body_map_links_to_the_library_filtered_by_region():
    regions = [
        BodyRegion(
            name="Lower back",
            slug="lower-back",
            view="back",
            map_x=Decimal("0.5"),
            map_y=Decimal("0.38"),
            map_rx=Decimal("0.13"),
            map_ry=Decimal("0.05"),
        ),
        BodyRegion(
            name="Feet",
            slug="feet",
            view="front",
            map_x=Decimal("0.4"),
            map_y=Decimal("0.96"),
            map_rx=Decimal("0.06"),
            map_ry=Decimal("0.04"),
            map_paired=True,
        ),
    ]
    html = diagrams.body_map(regions, "feet")
    assert isinstance(html, SafeString)
    root = parse(html)
    hrefs = [a.get("href") for a in links(root)]
    library = reverse("points:library")
    assert hrefs == [f"{library}?region=lower-back", f"{library}?region=feet"]
    selected = [a.get("aria-label") for a in links(root) if "is-selected" in a.get("class")]
    assert selected == ["Feet"]
