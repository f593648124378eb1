"""Screening: answers to an outcome, with plain values only (no database)."""

from types import SimpleNamespace

import pytest

from bookings.models import Outcome
from bookings.screening import (
    RANK,
    Answer,
    Result,
    Rule,
    fill,
    is_triggered,
    questionnaire_version,
    screen,
)

RULES = [
    Rule("fever", "Fever?", "yes-no", "decline", guidance="Rebook after 48 hours."),
    Rule("rash", "Rash?", "yes-no", "avoid-area", avoid_area="the affected skin"),
    Rule(
        "pregnant",
        "Pregnant?",
        "yes-no",
        "review",
        avoid_points=("LI4", "SP6", "GB21"),
        avoid_area="the abdomen",
        guidance="A pregnancy-trained therapist.",
    ),
    Rule("veins", "Varicose veins?", "yes-no", "review", avoid_points=("SP6", "BL40")),
    Rule("heart", "Heart?", "yes-no", "clearance", guidance="Bring a note from your doctor."),
    Rule(
        "stage",
        "Which fits?",
        "choice",
        "clearance",
        triggers=("Under 13 weeks", "High-risk"),
        avoid_points=("BL67",),
        guidance="Bring a note from your midwife.",
    ),
    Rule("else", "Anything else?", "text", "review"),
]


def answers(**given: str) -> list[Answer]:
    """Every rule answered "no" (or blank/first option) unless given."""
    blank = {"yes-no": "no", "choice": "Not pregnant", "text": ""}
    return [Answer(r.code, given.get(r.code, blank[r.kind])) for r in RULES]


def test_outcome_values_match_the_model():
    # The model lists the outcomes from mildest to strictest, as the screening ranks them.
    assert sorted(RANK, key=RANK.get) == list(Outcome.values)


@pytest.mark.parametrize("given", [{}, {"fever": "no"}])
def test_all_no_is_clear(given):
    result = screen(RULES, answers(**given))
    assert result == Result(outcome="clear")
    assert not result.flagged


def test_no_answers_at_all_is_clear():
    assert screen(RULES, []).outcome == "clear"
    assert screen([], [Answer("fever", "yes")]).outcome == "clear"


@pytest.mark.parametrize(
    ("code", "value", "outcome", "flagged"),
    [
        ("rash", "yes", "avoid-area", False),
        ("pregnant", "yes", "review", True),
        ("heart", "yes", "clearance", True),
        ("fever", "yes", "decline", False),
        ("stage", "High-risk", "clearance", True),
        ("else", "Please avoid my feet.", "review", True),
    ],
)
def test_each_outcome(code, value, outcome, flagged):
    result = screen(RULES, answers(**{code: value}))
    assert result.outcome == outcome
    assert result.flagged is flagged
    assert result.triggered == (code,)


def test_strictest_wins_over_milder_answers():
    result = screen(RULES, answers(rash="yes", pregnant="yes", heart="yes"))
    assert result.outcome == "clearance"
    assert result.triggered == ("rash", "pregnant", "heart")


@pytest.mark.parametrize("other", ["rash", "pregnant", "heart", "veins"])
def test_decline_beats_anything(other):
    assert screen(RULES, answers(fever="yes", **{other: "yes"})).outcome == "decline"


def test_avoid_points_are_the_sorted_union_and_areas_keep_question_order():
    result = screen(RULES, answers(rash="yes", pregnant="yes", veins="yes", stage="High-risk"))
    assert result.avoid_points == ("BL40", "BL67", "GB21", "LI4", "SP6")
    assert result.avoid_areas == ("the affected skin", "the abdomen")


def test_duplicate_areas_appear_once():
    rules = [
        Rule("cuts", "Cuts?", "yes-no", "avoid-area", avoid_area="the affected skin"),
        Rule("rash", "Rash?", "yes-no", "avoid-area", avoid_area="the affected skin"),
    ]
    result = screen(rules, [Answer("cuts", "yes"), Answer("rash", "yes")])
    assert result.avoid_areas == ("the affected skin",)


def test_choice_triggers_only_on_listed_options():
    rule = RULES[5]
    assert is_triggered(rule, Answer("stage", "Under 13 weeks"))
    assert is_triggered(rule, Answer("stage", " High-risk "))
    assert not is_triggered(rule, Answer("stage", "13 weeks or more"))
    assert not is_triggered(rule, Answer("stage", "yes"))


def test_yes_no_triggers_only_on_yes():
    rule = RULES[0]
    assert is_triggered(rule, Answer("fever", "yes"))
    assert is_triggered(rule, Answer("fever", "Yes"))
    assert not is_triggered(rule, Answer("fever", "no"))
    assert not is_triggered(rule, Answer("fever", ""))


def test_text_triggers_on_any_non_blank_text():
    rule = RULES[-1]
    assert is_triggered(rule, Answer("else", "I dislike having my face touched."))
    assert not is_triggered(rule, Answer("else", "   \n "))
    assert not is_triggered(rule, Answer("else", ""))


def test_unknown_answers_are_ignored_and_the_last_answer_counts():
    result = screen(
        RULES, [Answer("nonsense", "yes"), Answer("heart", "yes"), Answer("heart", "no")]
    )
    assert result.outcome == "clear"


def test_unknown_outcome_in_data_never_clears():
    rules = [Rule("odd", "Odd?", "yes-no", "typo")]
    assert screen(rules, [Answer("odd", "yes")]).outcome == "review"


def test_guidance_is_strictest_first_then_question_order_and_skips_avoid_area():
    rules = [
        Rule("a", "A?", "yes-no", "avoid-area", avoid_area="x", guidance="Avoid-area text."),
        Rule("b", "B?", "yes-no", "review", guidance="Review text."),
        Rule("c", "C?", "yes-no", "clearance", guidance="First clearance text."),
        Rule("d", "D?", "yes-no", "decline", guidance="Decline text."),
        Rule("e", "E?", "yes-no", "clearance", guidance="Second clearance text."),
        Rule("f", "F?", "yes-no", "review"),  # no guidance: nothing added
        Rule("g", "G?", "yes-no", "clearance", guidance="First clearance text."),  # duplicate
    ]
    result = screen(rules, [Answer(r.code, "yes") for r in rules])
    assert result.guidance == (
        "Decline text.",
        "First clearance text.",
        "Second clearance text.",
        "Review text.",
    )


def test_result_survives_the_session_round_trip():
    # The booking views keep dataclasses.asdict(result) in the session.
    import dataclasses

    result = screen(RULES, answers(pregnant="yes", heart="yes"))
    data = dataclasses.asdict(result)
    back = Result(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
    assert back == result
    assert back.flagged


def test_fill_replaces_known_placeholders_and_keeps_stray_braces():
    text = "Call {spa_name} on {spa_phone}. {not_a_key} {"
    assert fill(text, {"spa_name": "Willow", "spa_phone": "555"}) == (
        "Call Willow on 555. {not_a_key} {"
    )


# --- questionnaire_version ----------------------------------------------------------


def q(code: str, version: int = 1, active: bool = True) -> SimpleNamespace:
    return SimpleNamespace(code=code, version=version, active=active)


def test_version_is_short_and_stable():
    questions = [q("fever"), q("heart"), q("rash")]
    version = questionnaire_version(questions)
    assert version.startswith("q-")
    assert len(version) == 12
    assert questionnaire_version([q("fever"), q("heart"), q("rash")]) == version
    assert questionnaire_version(list(reversed(questions))) == version


def test_version_changes_when_a_question_changes():
    base = questionnaire_version([q("fever"), q("heart")])
    assert questionnaire_version([q("fever"), q("heart", version=2)]) != base
    assert questionnaire_version([q("fever")]) != base
    assert questionnaire_version([q("fever"), q("heart"), q("rash")]) != base


def test_version_ignores_inactive_questions():
    base = questionnaire_version([q("fever"), q("heart")])
    assert questionnaire_version([q("fever"), q("heart"), q("old", active=False)]) == base


@pytest.mark.parametrize("text", ["none", "None.", "n/a", "No", "nothing", "  -  "])
def test_free_text_saying_nothing_does_not_flag(text):
    rule = Rule(code="else", text="Anything else?", kind="text", on_yes="review")
    assert not is_triggered(rule, Answer("else", text))
    assert is_triggered(rule, Answer("else", "I bruise easily"))
