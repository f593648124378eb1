"""Screening that cannot be slipped, swept over the real starter questionnaire and library.

Every single "yes"-type answer and every pair of them (everything else answered
"no", the worst case for a follow-up whose parent says "no") must end in the
strictest outcome the rules allow, with the expected points left out of the
session and of aftercare. The expectations below are written by hand from the
safety rules, not derived from the code under test.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from django.db.models import Prefetch

from bookings import aftercare, starter
from bookings.models import Question, Service
from bookings.questionnaire import rules_from_questions
from bookings.screening import RANK, Answer, screen
from points.models import Caution, Point, Routine, RoutineStep

pytestmark = pytest.mark.django_db

CLEAR, AVOID, REVIEW, CLEARANCE, DECLINE = "clear", "avoid-area", "review", "clearance", "decline"
PREGNANT = "pregnant"  # every "avoid" and "take care" in pregnancy point
LEGS = "legs"  # every point in the legs and feet, and the named leg points
LIGHT = "light"  # light pressure only

# (question, answer) -> (outcome, required point sets or codes, light pressure only)
EXPECT: dict[tuple[str, str], tuple[str, set[str], bool]] = {
    ("fever", "yes"): (DECLINE, set(), False),
    ("contagious-illness", "yes"): (DECLINE, set(), False),
    ("calf-pain-now", "yes"): (DECLINE, {LEGS}, False),
    ("unchecked-injury", "yes"): (DECLINE, set(), False),
    ("back-warning-signs", "yes"): (DECLINE, set(), False),
    ("alcohol-or-drugs", "yes"): (DECLINE, set(), False),
    ("skin-wounds", "yes"): (AVOID, set(), False),
    ("skin-conditions", "yes"): (AVOID, set(), False),
    # A follow-up's "yes" says its parent's "yes" too (skin-conditions: avoid-area).
    ("skin-widespread", "yes"): (DECLINE, set(), False),
    ("bruises-sprains", "yes"): (AVOID, set(), False),
    ("unchecked-lumps", "yes"): (AVOID, set(), False),
    ("varicose-veins", "yes"): (REVIEW, {"BL40", "BL57", "SP6"}, False),
    ("implant", "yes"): (REVIEW, {"GB30"}, False),
    ("pregnancy", "yes"): (REVIEW, {PREGNANT}, False),
    # Any pregnancy option counts as pregnant, whatever the first answer was.
    ("pregnancy-care", starter.PREGNANCY_OPTIONS[0]): (REVIEW, {PREGNANT}, False),
    ("pregnancy-care", starter.PREGNANCY_OPTIONS[1]): (CLEARANCE, {PREGNANT}, False),
    ("pregnancy-care", starter.PREGNANCY_OPTIONS[2]): (CLEARANCE, {PREGNANT}, False),
    ("blood-clot-recent", "yes"): (DECLINE, {LEGS}, False),
    ("blood-clot-treated", "yes"): (CLEARANCE, {LEGS}, False),
    ("blood-thinners", "yes"): (REVIEW, set(), True),
    (
        "fragile-bones",
        "yes",
    ): (
        REVIEW,
        {"GV3", "GV4", "GV11", "GV14", "BL23", "BL25", "BL32", "BL42", "BL43", "BL52"},
        True,
    ),
    ("cancer-treatment", "yes"): (CLEARANCE, set(), False),
    ("heart", "yes"): (CLEARANCE, set(), False),
    ("blood-pressure", "yes"): (REVIEW, set(), False),
    ("blood-pressure-control", starter.BLOOD_PRESSURE_OPTIONS[0]): (REVIEW, set(), False),
    ("blood-pressure-control", starter.BLOOD_PRESSURE_OPTIONS[1]): (CLEARANCE, set(), False),
    ("diabetes-feeling", "yes"): (REVIEW, {"LR3", "BL60", "BL67", "SP6", "ST36"}, False),
    ("seizures", "yes"): (REVIEW, set(), False),
    ("recent-surgery", "yes"): (CLEARANCE, set(), False),
    ("allergies", "yes"): (AVOID, set(), False),
    ("strong-painkillers", "yes"): (REVIEW, set(), False),
    ("anything-else", "Please keep away from my left knee."): (REVIEW, set(), False),
}


@pytest.fixture
def world(demo_spa):
    """The starter questionnaire, library and demo spa (tests/conftest.py), read once."""
    questions = list(
        Question.objects.active()
        .select_related("parent")
        .prefetch_related("avoid_points", "avoid_regions")
    )
    legs = set(
        Point.objects.filter(region__slug__in=["legs", "feet"]).values_list("code", flat=True)
    )
    pregnant = set(
        Caution.objects.filter(kind__in=["pregnancy", "pregnancy-care"]).values_list(
            "point__code", flat=True
        )
    )
    routines = list(
        Routine.objects.published().prefetch_related(
            Prefetch("steps", RoutineStep.objects.select_related("point__region"))
        )
    )
    services = list(Service.objects.active().prefetch_related("regions"))
    return {
        "questions": questions,
        "rules": rules_from_questions(questions),
        "sets": {LEGS: legs | set(starter.LEG_POINTS), PREGNANT: pregnant},
        "routines": routines,
        "services": services,
    }


def baseline(questions) -> dict[str, str]:
    """Everything answered "no": yes-no questions "no", the rest left blank."""
    return {q.code: ("no" if q.kind == "yes-no" else "") for q in questions}


def required_points(world, wanted: set[str]) -> set[str]:
    codes: set[str] = set()
    for item in wanted:
        codes |= world["sets"].get(item, {item})
    return codes


def check(world, given: list[tuple[str, str]]) -> None:
    answers = baseline(world["questions"]) | dict(given)
    result = screen(world["rules"], [Answer(code, value) for code, value in answers.items()])
    expected = [EXPECT[item] for item in given]
    strictest = max((outcome for outcome, _, _ in expected), key=RANK.__getitem__)
    assert result.outcome == strictest, given
    points = set().union(*(required_points(world, wanted) for _, wanted, _ in expected))
    assert points <= set(result.avoid_points), (given, points - set(result.avoid_points))
    assert result.light_only == any(light for _, _, light in expected), given
    # Aftercare for every session never offers a ruled-out point, nor a routine
    # left mostly empty.
    for service in world["services"]:
        regions = {r.pk for r in service.regions.all()}
        for suggestion in aftercare.choose(
            world["routines"], regions, set(result.avoid_points), light_only=result.light_only
        ):
            kept = {step.point.code for step in suggestion.steps}
            assert not kept & set(result.avoid_points), (given, service.slug)
            assert len(suggestion.steps) * 2 > len(suggestion.routine.steps.all())
            assert suggestion.light_only == result.light_only


def yes_answers(questions) -> list[tuple[str, str]]:
    """Every answer that says "yes" to something, question by question."""
    out = []
    for q in questions:
        if q.kind == "yes-no":
            out.append((q.code, "yes"))
        elif q.kind == "choice":
            out.extend((q.code, option) for option in q.option_list())
        else:
            out.append((q.code, "Please keep away from my left knee."))
    return out


def test_every_question_has_an_expectation(world):
    assert set(yes_answers(world["questions"])) == set(EXPECT)


def test_sweep_single_answers_and_every_pair(world):
    singles = yes_answers(world["questions"])
    pairs = [(a, b) for a, b in combinations(singles, 2) if a[0] != b[0]]  # one answer per question
    for single in singles:
        check(world, [single])
    for pair in pairs:
        check(world, list(pair))
    # The figure quoted in the issue note: 32 single answers and 492 pairs.
    assert (len(singles), len(pairs)) == (32, 492)


def test_all_no_is_clear(world):
    answers = baseline(world["questions"])
    result = screen(world["rules"], [Answer(c, v) for c, v in answers.items()])
    assert result.outcome == CLEAR
    assert not result.avoid_points
    assert not result.light_only


@pytest.mark.parametrize(
    "text",
    ["Nothing to add at all", "none at all.", "No, nothing else, thanks", "nothing to add"],
)
def test_nothing_to_add_is_clear(world, text):
    answers = baseline(world["questions"]) | {"anything-else": text}
    result = screen(world["rules"], [Answer(c, v) for c, v in answers.items()])
    assert result.outcome == CLEAR


def test_a_point_added_later_to_the_legs_is_ruled_out_after_a_clot(world):
    from bookings.models import BodyRegion
    from tests import factories as f

    f.point("KI3", region=BodyRegion.objects.get(slug="feet"))
    questions = list(
        Question.objects.active()
        .select_related("parent")
        .prefetch_related("avoid_points", "avoid_regions")
    )
    result = screen(rules_from_questions(questions), [Answer("blood-clot-treated", "yes")])
    assert "KI3" in result.avoid_points


def test_urgent_guidance_says_urgent_things(world):
    rules = {rule.code: rule for rule in world["rules"]}
    calf = rules["calf-pain-now"].guidance
    assert "doctor today" in calf
    assert "emergency services" in calf
    assert "short of breath" in calf
    assert "chest pain" in calf
    back = rules["back-warning-signs"].guidance
    assert "emergency department now" in back
    assert "groin" in back
    assert "bladder or bowel" in back
