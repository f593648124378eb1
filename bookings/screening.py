"""Questionnaire answers to a screening outcome.

The core (`is_triggered`, `screen`) takes plain values and returns plain
values: no database, so every rule is testable in microseconds.
bookings/questionnaire.py loads Question rows into those plain values.

A triggered answer leads to its question's outcome; the strictest outcome
wins (clear < avoid-area < review < clearance < decline). Points and areas to
avoid are collected from every triggered answer, whatever the outcome, so a
therapist sees them all even when a stricter answer decides the booking.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Outcome values (bookings.models.Outcome) from mildest to strictest. Plain
# strings keep this module free of model imports; a test checks they agree.
CLEAR = "clear"
AVOID_AREA = "avoid-area"
REVIEW = "review"
CLEARANCE = "clearance"
DECLINE = "decline"
RANK = {CLEAR: 0, AVOID_AREA: 1, REVIEW: 2, CLEARANCE: 3, DECLINE: 4}

YES_NO = "yes-no"
CHOICE = "choice"
TEXT = "text"


@dataclass(frozen=True)
class Rule:
    """One question as screening sees it."""

    code: str
    text: str
    kind: str
    on_yes: str
    triggers: tuple[str, ...] = ()  # choice questions: the options that count as "yes"
    avoid_points: tuple[str, ...] = ()  # point codes
    avoid_area: str = ""
    guidance: str = ""
    # Asked only after a "yes" to this question; any answer here that says
    # something counts as that "yes" too, so a contradiction never screens clear.
    parent: str = ""
    # A "yes" means light pressure only: no firm work, no balls, rollers or knuckles.
    light_only: bool = False


@dataclass(frozen=True)
class Answer:
    """value: "yes"/"no" for yes-no, the option's text for choice, free text for text."""

    code: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class Result:
    outcome: str
    avoid_points: tuple[str, ...] = ()
    avoid_areas: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()
    triggered: tuple[str, ...] = ()
    light_only: bool = False

    @property
    def flagged(self) -> bool:
        """A therapist must read the answers before the session."""
        return self.outcome in (REVIEW, CLEARANCE)


# "Nothing to add at all", "No, nothing else, thanks": answers made only of
# these words say there is nothing to add. Any other word is read by a person.
FILLER_WORDS = frozenset(
    "no none nope nothing nil na n/a not really at all to add say report else "
    "thanks thank you i have there is".split()
)


def is_triggered(rule: Rule, answer: Answer) -> bool:
    value = (answer.value or "").strip()
    if rule.kind == YES_NO:
        return value.lower() == "yes"
    if rule.kind == CHOICE:
        return value in {t.strip() for t in rule.triggers}
    if rule.kind == TEXT:
        # "None", "no", "n/a" and the like say there is nothing to add.
        return bool(value) and not _says_nothing(value)
    return False


def _says_nothing(value: str) -> bool:
    words = value.lower().replace(",", " ").replace(".", " ").replace("!", " ").split()
    return all(word.strip("-") in FILLER_WORDS for word in words if word.strip("-"))


def says_something(rule: Rule, answer: Answer | None) -> bool:
    """Whether an answer to a follow-up question says its parent's "yes".

    Any chosen option of a follow-up choice does ("13 weeks or more" says
    pregnant), as does a triggered yes-no or text answer.
    """
    if answer is None:
        return False
    if rule.kind == CHOICE:
        return bool((answer.value or "").strip())
    return is_triggered(rule, answer)


def contradictions(rules: Sequence[Rule], answers: Iterable[Answer]) -> list[tuple[str, str]]:
    """(parent code, child code) pairs where the child says "yes" and the parent says no."""
    by_code = {answer.code: answer for answer in answers}
    rules_by_code = {rule.code: rule for rule in rules}
    pairs = []
    for rule in rules:
        parent = rules_by_code.get(rule.parent)
        if parent is None or not says_something(rule, by_code.get(rule.code)):
            continue
        answer = by_code.get(parent.code)
        if answer is not None and (answer.value or "").strip() and not is_triggered(parent, answer):
            pairs.append((parent.code, rule.code))
    return pairs


def screen(rules: Sequence[Rule], answers: Iterable[Answer]) -> Result:
    """The outcome of `answers` under `rules` (given in question order).

    Answers to unknown codes are ignored; a question left unanswered counts
    as not triggered; of two answers to one question the last counts.
    """
    by_code = {answer.code: answer for answer in answers}
    hit_codes = {
        rule.code
        for rule in rules
        if rule.code in by_code and is_triggered(rule, by_code[rule.code])
    }
    # Whatever question carried it, an answer that says "yes" to a parent
    # question counts as that "yes" (a follow-up's "13 weeks or more" says pregnant).
    hit_codes |= {
        rule.parent
        for rule in rules
        if rule.parent and says_something(rule, by_code.get(rule.code))
    }
    hits = [rule for rule in rules if rule.code in hit_codes]
    if not hits:
        return Result(outcome=CLEAR)

    # Unknown outcomes (a typo in data) count as a review: never silently clear.
    def rank(rule: Rule) -> int:
        return RANK.get(rule.on_yes, RANK[REVIEW])

    strictest = max(hits, key=rank)
    outcome = strictest.on_yes if strictest.on_yes in RANK else REVIEW
    # Guidance from review and stricter answers reaches the client (an avoid-area
    # answer needs none: the area itself is shown). sorted() is stable, so
    # equally strict answers keep question order.
    guided = [r for r in sorted(hits, key=rank, reverse=True) if rank(r) >= RANK[REVIEW]]
    return Result(
        outcome=outcome,
        avoid_points=tuple(sorted({code for rule in hits for code in rule.avoid_points})),
        avoid_areas=_unique(rule.avoid_area.strip() for rule in hits),
        guidance=_unique(rule.guidance.strip() for rule in guided),
        triggered=tuple(rule.code for rule in hits),
        light_only=any(rule.light_only for rule in hits),
    )


def rules_out_most(
    session_points: Iterable[str], avoid_points: Iterable[str], *, light_only: bool, firm: bool
) -> bool:
    """Whether the answers leave too little of a session: firm work for someone who
    needs light pressure, or at least half of the points in the session's areas."""
    if light_only and firm:
        return True
    worked = set(session_points)
    if not worked:
        return False
    return len(worked & set(avoid_points)) * 2 >= len(worked)


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    """Non-blank texts, first occurrence kept, order preserved."""
    return tuple(dict.fromkeys(text for text in texts if text))


# --- Helpers for the loader (bookings/questionnaire.py) -----------------------------


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {spa_name}-style placeholders; anything else in braces stays as typed.

    Plain replacement, not str.format: staff-edited text may contain stray
    braces, which must never raise.
    """
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


@dataclass(frozen=True)
class PointIndex:
    """Point codes by body region id and by caution kind, for expanding rules."""

    by_region: dict[int, frozenset[str]]
    by_kind: dict[str, frozenset[str]]

    def in_regions(self, region_ids: Iterable[int]) -> set[str]:
        return {code for rid in region_ids for code in self.by_region.get(rid, ())}

    def with_kinds(self, kinds: Iterable[str]) -> set[str]:
        return {code for kind in kinds for code in self.by_kind.get(kind, ())}


def questionnaire_version(questions) -> str:
    """A short id that changes whenever an active question is added, removed or reworded.

    Built from (code, version) of the active questions, sorted by code, so the
    order they were fetched in does not matter.
    """
    pairs = sorted((q.code, int(q.version)) for q in questions if getattr(q, "active", True))
    payload = "\n".join(f"{code}:{version}" for code, version in pairs)
    return "q-" + hashlib.sha256(payload.encode()).hexdigest()[:10]
