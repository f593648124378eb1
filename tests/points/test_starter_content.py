"""The starter library's content: complete, consistent and safe.

Most checks read points/starter.py directly (no database); the last ones load
it and check what the pages will actually show.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from points import diagrams, starter
from points.models import Caution, Point, Routine, TechniqueStep

POINTS = {p["code"]: p for p in starter.POINTS}
TOOL_SLUGS = {t["slug"] for t in starter.TOOLS}
REGION_SLUGS = {r["slug"] for r in starter.REGIONS}
CONCERN_SLUGS = {c["slug"] for c in starter.CONCERNS}

REQUIRED_CODES = (
    "GV20 GB20 BL10 GV14 GB21 SI11 BL42 BL43 GV4 BL23 BL52 GV3 BL25 BL32 GB30 BL40 "
    "BL57 BL60 LI4 SI3 GB34 EX-HN3 PC6 HT7"
).split()
PREGNANCY_POINTS = ["GB21", "BL32", "BL60", "LI4", "SP6", "BL67"]
UNCERTAIN_PREGNANCY_POINTS = ["GV4", "BL23", "BL52", "GV3", "BL25"]
VEINS_POINTS = ["BL40", "BL57", "SP6"]
NERVE_ARTERY_POINTS = ["GB20", "BL10", "BL40", "HT7", "PC6", "LR3", "GB34", "GB30"]
SPINE_POINTS = ["GV14", "GV11", "GV4", "GV3"]
# Kinds that mean "go easy here": no step on such a point may ask for firm pressure.
PRESSURE_CAUTIONS = {
    starter.PREGNANCY,
    starter.PREGNANCY_CARE,
    starter.VEINS,
    starter.NERVE_ARTERY,
    starter.BONE,
    starter.SKIN,
    starter.IMPLANT,
}


def kinds(code: str) -> set[str]:
    return {kind for kind, _ in POINTS[code]["cautions"]}


def test_all_29_reference_points_with_unique_codes_and_slugs():
    codes = [p["code"] for p in starter.POINTS]
    assert len(codes) == 29
    assert len(set(codes)) == 29
    assert set(REQUIRED_CODES) <= set(codes)
    assert {"GV11", "ST36", "SP6", "LR3", "BL67"} <= set(codes)
    for p in starter.POINTS:
        assert p["slug"] == p["code"].lower()


def test_regions_are_exactly_the_body_map_areas_in_order():
    assert [r["slug"] for r in starter.REGIONS] == [
        "head",
        "neck",
        "upper-back",
        "lower-back",
        "hips",
        "legs",
        "feet",
        "hands",
    ]
    assert [r["order"] for r in starter.REGIONS] == list(range(1, 9))
    paired = {r["slug"] for r in starter.REGIONS if r["map_paired"]}
    assert paired == {"legs", "feet", "hands"}
    for r in starter.REGIONS:
        assert r["blurb"]
        # A paired area is drawn at x and 1 - x, so it stores the left one.
        assert Decimal(r["map_x"]) < Decimal("0.5") if r["map_paired"] else True


@pytest.mark.parametrize("code", list(POINTS))
def test_every_point_references_known_regions_concerns_tools_and_points(code):
    p = POINTS[code]
    assert p["region"] in REGION_SLUGS
    assert set(p["concerns"]) <= CONCERN_SLUGS
    assert set(p["related"]) <= set(POINTS) - {code}
    for step in p["technique"]:
        assert step["tool"] is None or step["tool"] in TOOL_SLUGS


@pytest.mark.parametrize("code", list(POINTS))
def test_every_point_has_enough_locating_and_technique_steps(code):
    p = POINTS[code]
    assert 2 <= len(p["locating"]) <= 4
    if p["self_care"] == "practitioner":
        assert p["technique"] == []  # shown only so people know to leave it alone
    else:
        assert 3 <= len(p["technique"]) <= 5
    assert all(text.strip() for text in p["locating"])
    assert p["summary"]
    assert p["uses"]


@pytest.mark.parametrize("code", list(POINTS))
def test_technique_steps_use_the_vocabulary_and_sensible_times(code):
    p = POINTS[code]
    longest = 600 if code == "EX-HN3" else 120
    for step in p["technique"]:
        assert step["pressure"] in TechniqueStep.Pressure.values
        assert step["motion"] in TechniqueStep.Motion.values
        assert step["side"] in TechniqueStep.Side.values
        assert 30 <= step["duration_seconds"] <= longest
        if p["paired"]:
            assert step["side"] != "midline"
        else:
            assert step["side"] == "midline"


@pytest.mark.parametrize("code", list(POINTS))
def test_no_firm_pressure_where_the_reference_urges_care(code):
    if kinds(code) & PRESSURE_CAUTIONS:
        assert "firm" not in {s["pressure"] for s in POINTS[code]["technique"]}


@pytest.mark.parametrize("code", PREGNANCY_POINTS)
def test_reference_pregnancy_points_carry_a_pregnancy_caution(code):
    assert starter.PREGNANCY in kinds(code)


@pytest.mark.parametrize("code", UNCERTAIN_PREGNANCY_POINTS)
def test_lumbar_points_say_to_ask_before_pressing_in_pregnancy(code):
    texts = [text for kind, text in POINTS[code]["cautions"] if kind == starter.PREGNANCY_CARE]
    # Traditions disagree on these: a caution to ask first, not a ban.
    assert starter.PREGNANCY not in kinds(code)
    assert texts, f"{code} needs a pregnancy caution"
    assert "some traditions" in texts[0].lower()
    assert "midwife" in texts[0]


@pytest.mark.parametrize("code", VEINS_POINTS)
def test_leg_points_warn_about_varicose_veins(code):
    assert starter.VEINS in kinds(code)


@pytest.mark.parametrize("code", NERVE_ARTERY_POINTS)
def test_points_over_nerves_and_arteries_say_so(code):
    assert starter.NERVE_ARTERY in kinds(code)


@pytest.mark.parametrize("code", SPINE_POINTS)
def test_points_on_the_spine_carry_a_bone_caution(code):
    assert starter.BONE in kinds(code)


def test_other_reference_cautions_are_carried_over():
    assert starter.IMPLANT in kinds("GB30")
    assert starter.OTHER in kinds("GB21")  # the lung lies beneath (not a nerve or artery)
    assert starter.SKIN in kinds("EX-HN3")
    assert starter.SKIN in kinds("GV20")
    assert {starter.BONE} <= kinds("BL42")
    assert {starter.BONE} <= kinds("BL43")
    for code in ("BL23", "BL52"):
        assert any("pound" in text for _, text in POINTS[code]["cautions"])


@pytest.mark.parametrize("code", list(POINTS))
def test_caution_kinds_are_valid_and_texts_not_empty(code):
    for kind, text in POINTS[code]["cautions"]:
        assert kind in Caution.Kind.values
        assert text.strip()


def test_self_care_follows_the_reference_column():
    expected = {
        "GV11": "partner",
        "SI11": "tool",
        "BL42": "tool",
        "BL43": "tool",
        "BL32": "tool",
        "GB30": "tool",
        "GV14": "self",
        "BL23": "self",
        "LI4": "self",
        # Practitioners only: never offered as self-care.
        "BL67": "practitioner",
    }
    for code, value in expected.items():
        assert POINTS[code]["self_care"] == value, code
    assert {p["self_care"] for p in starter.POINTS} <= set(Point.SelfCare.values)


@pytest.mark.parametrize("code", list(POINTS))
def test_map_positions_inside_the_frame_and_paired_points_store_the_left(code):
    p = POINTS[code]
    x, y = Decimal(p["map_x"]), Decimal(p["map_y"])
    assert 0 <= x <= 1
    assert 0 <= y <= 1
    if p["paired"]:
        assert x < Decimal("0.5")
    else:
        assert x == Decimal("0.5")
    assert p["view"] in Point.View.values


def test_close_ups_for_the_points_that_need_them():
    expected = {
        "LI4": "hand",
        "SI3": "hand",
        "PC6": "hand",
        "HT7": "hand",
        "LR3": "foot",
        "BL67": "foot",
        "GV20": "head",
        "EX-HN3": "head",
        "GB20": "head",
        "BL10": "head",
        # Windows onto the figure, with its landmarks, for the back, shoulders and knees.
        **dict.fromkeys(["GB21", "GV14", "BL42", "BL43", "SI11", "GV11"], "shoulders"),
        **dict.fromkeys(["BL23", "BL52", "GV4", "GV3", "BL25", "BL32", "GB30"], "low-back"),
        **dict.fromkeys(["BL40", "BL57"], "knees"),
    }
    for code, p in POINTS.items():
        assert p.get("detail", "") == expected.get(code, ""), code
        if code in expected:
            assert 0 <= Decimal(p["detail_x"]) <= 1
            assert 0 <= Decimal(p["detail_y"]) <= 1
        else:
            assert "detail_x" not in p
            assert "detail_y" not in p


def test_close_up_positions_follow_the_drawing_conventions():
    def at(code):
        return Decimal(POINTS[code]["detail_x"]), Decimal(POINTS[code]["detail_y"])

    # Back of the right hand, thumb on the left: LI4 by the thumb, SI3 on the far edge.
    assert at("LI4")[0] < Decimal("0.5") < at("SI3")[0]
    # Palm side, same outline (thumb still left): HT7 toward the little-finger edge on
    # the right, PC6 mid-forearm below the wrist crease.
    assert at("PC6")[0] < at("HT7")[0]
    assert at("PC6")[1] > at("HT7")[1]
    assert POINTS["PC6"]["view"] == POINTS["HT7"]["view"] == "front"
    assert POINTS["LI4"]["view"] == POINTS["SI3"]["view"] == "back"
    # Top of the right foot, big toe left, ankle at the bottom. BL60 has no close-up:
    # it lies behind the outer ankle bone, which this top view cannot show.
    assert at("BL67")[1] < at("LR3")[1]
    assert "detail" not in POINTS["BL60"]
    # Head from behind: crown at the top, GB20 above and outside BL10.
    assert at("GV20")[1] < at("GB20")[1] < at("BL10")[1]
    assert at("GB20")[0] < at("BL10")[0] < Decimal("0.5")
    assert at("EX-HN3")[0] == Decimal("0.5")


def inside(polygon: list[tuple[float, float]], x: float, y: float) -> bool:
    """Ray casting: is (x, y) inside the polygon?"""
    result = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


@pytest.mark.parametrize("code", list(POINTS))
def test_map_position_lands_on_the_drawn_body(code):
    p = POINTS[code]
    polygon = diagrams.outline_polygon(p["view"])
    x, y = float(p["map_x"]), float(p["map_y"])
    assert inside(polygon, x, y)
    assert inside(polygon, 1 - x, y)


@pytest.mark.parametrize("code", [c for c, p in POINTS.items() if p.get("detail")])
def test_close_up_position_lands_on_the_drawn_outline(code):
    p = POINTS[code]
    assert inside(diagrams.detail_polygon(p["detail"]), float(p["detail_x"]), float(p["detail_y"]))


def test_reference_corrections_are_kept():
    # GV20 is a head and calming point, not a back-pain point.
    assert "low-back-pain" not in POINTS["GV20"]["concerns"]
    assert POINTS["GV20"]["region"] == "head"
    # BL42 is on the shoulder blade's inner border, not next to the spine.
    assert any("shoulder blade" in text for text in POINTS["BL42"]["locating"])
    assert "not right beside the spine" in POINTS["BL42"]["uses"]


def test_bl67_is_a_caution_record():
    p = POINTS["BL67"]
    assert p["published"] is True
    assert p["concerns"] == []
    assert "avoid" in p["uses"]
    assert p["self_care"] == "practitioner"
    assert p["technique"] == []
    assert starter.PREGNANCY in kinds("BL67")


def test_routines_cover_the_required_themes_and_use_starter_points():
    titles = {r["title"] for r in starter.ROUTINES}
    assert {
        "Lower-back routine",
        "Desk neck and shoulders",
        "Sciatic-type pain: a gentle routine",
        "Calm before sleep",
    } <= titles
    assert len({r["slug"] for r in starter.ROUTINES}) == len(starter.ROUTINES)
    for r in starter.ROUTINES:
        assert r["published"] is True
        assert r["region"] is None or r["region"] in REGION_SLUGS
        assert set(r["concerns"]) <= CONCERN_SLUGS
        assert len(r["steps"]) >= 4
        for code, seconds, note in r["steps"]:
            assert code in POINTS, f"{r['slug']} uses unknown point {code}"
            assert 0 < seconds <= 300
            assert note


def test_routines_leave_out_caution_only_points():
    used = {code for r in starter.ROUTINES for code, _, _ in r["steps"]}
    assert "BL67" not in used
    assert "SP6" not in used  # the strongest pregnancy ban: not in a general routine


def test_sciatica_routine_warns_about_hip_replacements_and_red_flags():
    routine = next(r for r in starter.ROUTINES if r["slug"] == "easing-sciatica")
    assert "hip replacement" in routine["introduction"]
    assert "bladder" in routine["introduction"]


# --- What the pages will show, once loaded ----------------------------------


@pytest.mark.django_db
def test_loaded_points_have_gapless_steps_and_the_cautions_screening_needs():
    call_command("load_starter_library", stdout=StringIO())
    points = Point.objects.prefetch_related("locating_steps", "technique_steps", "cautions")
    assert points.count() == 29
    for point in points:
        locating = [s.position for s in point.locating_steps.all()]
        technique = [s.position for s in point.technique_steps.all()]
        assert len(locating) >= 2, point
        assert locating == list(range(1, len(locating) + 1)), point
        assert technique == list(range(1, len(technique) + 1)), point
        assert len(technique) >= 3 or point.practitioner_only, point
        assert point.published
    for code in PREGNANCY_POINTS:
        assert Point.objects.get(code=code).avoid_in_pregnancy, code
    for code in VEINS_POINTS:
        assert Caution.Kind.VEINS in Point.objects.get(code=code).caution_kinds()
    for code in NERVE_ARTERY_POINTS:
        assert Caution.Kind.NERVE_ARTERY in Point.objects.get(code=code).caution_kinds()
    assert Caution.Kind.IMPLANT in Point.objects.get(code="GB30").caution_kinds()
    assert not Point.objects.get(code="ST36").avoid_in_pregnancy


@pytest.mark.django_db
def test_loaded_routines_have_every_step_in_order():
    call_command("load_starter_library", stdout=StringIO())
    for data in starter.ROUTINES:
        routine = Routine.objects.with_total().get(slug=data["slug"])
        steps = list(routine.steps.select_related("point"))
        assert [s.point.code for s in steps] == [code for code, _, _ in data["steps"]]
        assert [s.position for s in steps] == list(range(1, len(steps) + 1))
        assert routine.total_seconds == sum(sec for _, sec, _ in data["steps"])
