"""Guides one can follow with the eyes: landmarks to feel, measures, close-ups."""

import pytest

from points import diagrams, starter
from points.diagrams import GUIDES, WINDOWS, Marker
from tests.points.test_diagrams import SVG, dots, inside, parse

STARTER = {p["code"]: p for p in starter.POINTS}
# The most-used points (seeds and routines) must each have a close-up.
MOST_USED = ["GB21", "BL23", "BL40", "LI4", "GB30", "GB20"]


def classes(root) -> set[str]:
    return {c for el in root.iter() for c in (el.get("class") or "").split()}


def texts(root) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def starter_detail(code: str):
    data = STARTER[code]
    return data["detail"], float(data["detail_x"]), float(data["detail_y"])


def test_back_figure_shows_the_bones_one_can_feel():
    root = parse(diagrams.figure_svg("back", [], title="t", desc="d"))
    assert {
        "landmark-spine",
        "landmark-shoulder-blade",
        "landmark-skull-base",
        "landmark-pelvis-rim",
        "landmark-dimple",
        "landmark-sacrum",
        "landmark-knee",
        "landmark-ankle-bone",
        "landmark-knuckle",
    } <= classes(root)
    # One bump per vertebra, C7 to L5, in one path.
    spine = next(p for p in root.iter(f"{SVG}path") if "landmark-spine" in p.get("class"))
    assert spine.get("d").count("M") == len(diagrams.SPINE_LEVELS) == 18
    # Both ankle bones on both legs.
    ankles = [c for c in root.iter(f"{SVG}circle") if "landmark-ankle-bone" in c.get("class")]
    assert len(ankles) == 4


def test_front_figure_shows_shin_and_ankle_bones_and_wrist_crease():
    root = parse(diagrams.figure_svg("front", [], title="t", desc="d"))
    assert {"landmark-shin", "landmark-ankle-bone", "landmark-wrist-crease"} <= classes(root)
    assert "landmark-spine" not in classes(root)


def test_spine_levels_follow_the_reference_landmarks():
    levels = diagrams.SPINE_LEVELS
    # GV14 below C7, GV11 below T5, GV4 below L2, GV3 below L4 (reference/points.md).
    for code, level in [("GV14", "C7"), ("GV11", "T5"), ("GV4", "L2"), ("GV3", "L4")]:
        y = float(STARTER[code]["map_y"]) * 1000
        assert 0 < y - levels[level] <= 12, code
    # The blade's inner end of its spine is at T3, its tip at T7.
    assert diagrams._SCAPULA_SPINE[0][1] == levels["T3"]
    assert max(p[1] for p in diagrams._SCAPULA) == pytest.approx(levels["T7"], abs=3)
    # The top of the hip bones is level with L4.
    assert min(p[1] for p in diagrams._PELVIS_RIM) == pytest.approx(levels["L4"], abs=2)


@pytest.mark.parametrize("code", MOST_USED)
def test_most_used_points_have_a_close_up_with_the_marker_on_the_body(code):
    kind, x, y = starter_detail(code)
    assert kind in diagrams.DETAIL_KINDS
    assert inside(diagrams.detail_polygon(kind), x, y), f"{code} falls outside its close-up"
    root = parse(diagrams.detail_svg(kind, x, y, title=code, desc="d"))
    assert dots(root) == [(round(x * 400, 2), round(y * 400, 2))]


@pytest.mark.parametrize("code", [c for c, p in STARTER.items() if p.get("detail") in WINDOWS])
def test_window_close_ups_agree_with_the_figure(code):
    # A window close-up is a zoom of the figure: the stored close-up position
    # is the map position seen through the window.
    data = STARTER[code]
    assert diagrams.window_position(data["detail"], data["map_x"], data["map_y"]) == (
        float(data["detail_x"]),
        float(data["detail_y"]),
    )


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("shoulders", {"C7", "T3", "T7", "Shoulder blade", "Shoulder tip", "Base of the skull"}),
        ("low-back", {"L2", "L4", "Top of the hip bone", "Dimple", "Sacrum", "Hip bone"}),
        ("knees", {"Knee crease", "Tendons"}),
    ],
)
def test_window_close_ups_name_their_landmarks(kind, names):
    root = parse(diagrams.detail_svg(kind, 0.4, 0.5, title="t", desc="d"))
    assert names <= set(texts(root))


def test_drawn_close_ups_name_knuckles_and_the_base_of_the_skull():
    assert "Knuckles" in texts(parse(diagrams.detail_svg("hand", 0.34, 0.6, title="t", desc="d")))
    head = parse(diagrams.detail_svg("head", 0.4, 0.76, title="t", desc="d"))
    assert "Base of the skull" in texts(head)


def test_paired_window_close_up_marks_both_sides_of_the_body():
    kind, x, y = starter_detail("BL23")
    root = parse(diagrams.detail_svg(kind, x, y, title="BL23", desc="d", paired=True))
    (left, ly), (right, ry) = dots(root)
    midline = WINDOWS[kind].transform(250, 0)[0]
    assert ly == ry
    assert left + right == pytest.approx(2 * midline, abs=0.02)


def ruler(root):
    path = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "guide-line")
    return path.get("d").count("M") - 1  # ticks across the line


@pytest.mark.parametrize(("code", "fingers"), [("BL23", 2), ("BL52", 4), ("BL25", 2)])
def test_finger_width_points_get_a_ruler_ending_at_the_marker(code, fingers):
    kind, x, y = starter_detail(code)
    root = parse(diagrams.detail_svg(kind, x, y, title=code, desc="d", guide=GUIDES[code]))
    assert ruler(root) == fingers + 1
    label = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "guide-label")
    assert label.text == f"{fingers} finger-widths"
    # The ruler runs from the spine to the point.
    end = WINDOWS[kind].transform(*GUIDES[code].end)
    ((cx, cy),) = dots(root)
    assert (cx, cy) == pytest.approx(end, abs=0.3)  # detail positions keep 3 decimals


@pytest.mark.parametrize(("code", "fraction"), [("GB21", 0.5), ("GB30", 1 / 3)])
def test_guide_line_marks_the_point_where_the_steps_say(code, fraction):
    guide = GUIDES[code]
    (x0, y0), (x1, y1) = guide.start, guide.end
    at = (x0 + (x1 - x0) * fraction, y0 + (y1 - y0) * fraction)
    data = STARTER[code]
    assert float(data["map_x"]) * 500 == pytest.approx(at[0], abs=3)
    assert float(data["map_y"]) * 1000 == pytest.approx(at[1], abs=3)


def test_points_without_a_close_up_get_their_ruler_on_the_figure():
    data = STARTER["ST36"]
    assert not data.get("detail")
    marker = Marker(float(data["map_x"]), float(data["map_y"]), "ST36", True)
    root = parse(diagrams.figure_svg("front", [marker], title="t", desc="d", guide=GUIDES["ST36"]))
    assert ruler(root) == 5
    assert "4 finger-widths" in texts(root)
