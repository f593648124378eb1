"""load_starter_library: creates what is missing and never touches the rest."""

import copy
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from points import starter
from points.management.commands.load_starter_library import Command
from points.models import (
    BodyRegion,
    Caution,
    Concern,
    LocatingStep,
    Point,
    Routine,
    RoutineStep,
    TechniqueStep,
    Tool,
)

pytestmark = pytest.mark.django_db

MODELS = [
    BodyRegion,
    Concern,
    Tool,
    Point,
    LocatingStep,
    TechniqueStep,
    Caution,
    Routine,
    RoutineStep,
    Point.related.through,
    Point.concerns.through,
    Routine.concerns.through,
]


def load() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_starter_library", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> dict:
    """Every row of every library table, timestamps included."""
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}


def test_first_run_creates_the_library_and_says_so():
    out, err = load()

    assert Point.objects.count() >= 24
    assert Routine.objects.count() >= 4
    assert list(BodyRegion.objects.values_list("slug", flat=True)) == [
        r["slug"] for r in starter.REGIONS
    ]
    assert Concern.objects.count() == len(starter.CONCERNS)
    assert Tool.objects.count() == len(starter.TOOLS)
    assert out.strip() == (
        f"Starter library: {len(starter.POINTS)} points, {len(starter.ROUTINES)} routines "
        "created; 0 already present."
    )
    assert err == ""


def test_first_run_links_related_points_both_ways():
    load()
    gv20 = Point.objects.get(code="GV20")
    assert set(gv20.related.values_list("code", flat=True)) >= {"EX-HN3", "GB20"}
    assert gv20 in Point.objects.get(code="EX-HN3").related.all()


def test_loaded_rows_match_the_starter_data():
    load()
    li4 = Point.objects.get(code="LI4")
    assert li4.region.slug == "hands"
    assert li4.paired
    assert str(li4.map_x) == "0.240"
    assert li4.detail == "hand"
    assert set(li4.concerns.values_list("slug", flat=True)) == set(
        next(p for p in starter.POINTS if p["code"] == "LI4")["concerns"]
    )
    squeeze = li4.technique_steps.get(position=2)
    assert squeeze.tool.slug == "pinch-grip"
    assert squeeze.side == "each"


def test_second_run_creates_nothing_and_changes_nothing():
    load()
    before = snapshot()

    out, _ = load()

    assert snapshot() == before
    present = len(starter.POINTS) + len(starter.ROUTINES)
    assert out.strip() == (
        f"Starter library: 0 points, 0 routines created; {present} already present."
    )


def test_staff_edits_survive_a_second_run():
    load()
    point = Point.objects.get(code="BL23")
    point.summary = "Edited by staff."
    point.save()
    point.technique_steps.get(position=2).delete()
    point.cautions.filter(kind="other").delete()
    point.related.clear()
    routine = Routine.objects.get(slug="lower-back-relief")
    routine.title = "Low back, the spa's way"
    routine.published = False
    routine.save()
    routine.steps.filter(point__code="BL40").delete()
    before = snapshot()

    load()

    assert snapshot() == before
    point.refresh_from_db()
    assert point.summary == "Edited by staff."
    assert not point.technique_steps.filter(position=2).exists()
    assert not point.cautions.filter(kind="other").exists()
    assert not point.related.exists()
    assert not Routine.objects.filter(title="Lower-back routine").exists()


def test_existing_region_concern_and_tool_are_left_alone():
    BodyRegion.objects.create(
        slug="neck", name="The neck", blurb="Ours.", map_x=0.5, map_y=0.1, map_rx=0.1, map_ry=0.1
    )
    Concern.objects.create(slug="headaches", name="Tension headache", blurb="Ours.")
    Tool.objects.create(slug="roller", name="Foam roller (long)")

    load()

    assert BodyRegion.objects.get(slug="neck").blurb == "Ours."
    assert BodyRegion.objects.filter(name="Neck").count() == 0
    assert Point.objects.get(code="GB20").region.name == "The neck"
    assert Concern.objects.filter(name="Tension headache").get().slug == "headaches"
    assert Point.objects.get(code="GB20").concerns.filter(slug="headaches").exists()
    assert Tool.objects.get(slug="roller").name == "Foam roller (long)"


def test_a_starter_rename_reaches_a_tool_still_under_its_old_name():
    Tool.objects.create(slug="ball", name="Massage ball")

    load()

    renamed = Tool.objects.get(slug="ball")
    assert renamed.name == "Massage ball or tennis ball"
    assert not Tool.objects.filter(slug="massage-ball").exists()
    assert Point.objects.get(code="SI11").technique_steps.filter(tool=renamed).exists()


def test_a_tool_staff_renamed_keeps_their_name():
    load()
    Tool.objects.filter(slug="massage-ball").update(name="Spiky ball")

    load()

    assert Tool.objects.get(slug="massage-ball").name == "Spiky ball"


def test_lay_names_and_synonyms_are_filled_in_where_blank_and_kept_where_set():
    load()
    Point.objects.filter(code="LI4").update(aliases="")
    Point.objects.filter(code="GB21").update(aliases="the shoulder ridge")
    Concern.objects.filter(slug="poor-sleep").update(synonyms="")
    Concern.objects.filter(slug="fatigue").update(synonyms="flat")

    load()

    assert Point.objects.get(code="LI4").aliases == "AP1, Acupressure Point 1, Union Valley"
    assert Point.objects.get(code="GB21").aliases == "the shoulder ridge"
    assert "insomnia" in Concern.objects.get(slug="poor-sleep").synonyms
    assert Concern.objects.get(slug="fatigue").synonyms == "flat"


def test_a_deleted_point_is_created_again_without_touching_its_old_neighbours():
    load()
    neighbour = Point.objects.get(code="BL60")
    neighbour_related = set(neighbour.related.values_list("code", flat=True))
    Point.objects.get(code="BL67").delete()

    out, _ = load()

    again = Point.objects.get(code="BL67")
    assert again.locating_steps.count() == 2
    assert again.cautions.count() == 2
    assert again.avoid_in_pregnancy
    assert "Starter library: 1 points, 0 routines created" in out
    # BL60 already existed: linking the new BL67 to it would change BL60's page.
    assert set(neighbour.related.values_list("code", flat=True)) == neighbour_related - {"BL67"}
    assert not again.related.exists()


def test_help_explains_that_deleted_points_come_back():
    assert "deleted" in Command.help
    assert "created again" in Command.help
    assert "never changed" in Command.help
    assert "filled in" in Command.help
    assert "renamed" in Command.help


def test_routine_step_for_a_missing_point_is_skipped_with_a_warning(monkeypatch):
    routines = copy.deepcopy(starter.ROUTINES)
    routines[0]["steps"].insert(1, ("XX99", 60, "Not a starter point."))
    monkeypatch.setattr(starter, "ROUTINES", routines)

    _, err = load()

    assert "XX99" in err
    routine = Routine.objects.get(slug=routines[0]["slug"])
    codes = list(routine.steps.values_list("point__code", flat=True))
    assert "XX99" not in codes
    assert len(codes) == len(routines[0]["steps"]) - 1
    assert list(routine.steps.values_list("position", flat=True)) == list(range(1, len(codes) + 1))


def test_a_data_mistake_fails_loudly_and_saves_nothing(monkeypatch):
    points = copy.deepcopy(starter.POINTS)
    broken = next(p for p in points if p["code"] == "SP6")
    broken["technique"][1]["pressure"] = "crushing"
    monkeypatch.setattr(starter, "POINTS", points)

    with pytest.raises(ValidationError):
        load()

    assert Point.objects.count() == 0
    assert BodyRegion.objects.count() == 0


def test_a_paired_point_on_the_wrong_side_is_rejected(monkeypatch):
    points = copy.deepcopy(starter.POINTS)
    next(p for p in points if p["code"] == "GB21")["map_x"] = "0.630"
    monkeypatch.setattr(starter, "POINTS", points)

    with pytest.raises(ValidationError, match="left-hand side"):
        load()
    assert not Point.objects.exists()
