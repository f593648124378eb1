"""Questionnaire answers to a screening outcome.

The core (`is_triggered`, `screen`) takes plain values and returns plain
values: no database, so every rule is testable in microseconds. The two
loaders at the bottom turn Question rows into those plain values.

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

    @property
    def flagged(self) -> bool:
        """A therapist must read the answers before the session."""
        return self.outcome in (REVIEW, CLEARANCE)


NOTHING_TO_ADD = {
    "",
    "no",
    "none",
    "nope",
    "nothing",
    "n/a",
    "na",
    "nil",
    "no thanks",
    "not really",
}


def is_triggered(rule: Rule, answer: Answer) -> bool:
    value = (answer.value or "").strip()
    if rule.kind == YES_NO:
        return value.lower() == "yes"
    if rule.kind == CHOICE:
        return value in {t.strip() for t in rule.triggers}
    if rule.kind == TEXT:
        # "None", "no", "n/a" and the like say there is nothing to add.
        return bool(value) and value.lower().strip(" .!-") not in NOTHING_TO_ADD
    return False


def screen(rules: Sequence[Rule], answers: Iterable[Answer]) -> Result:
    """The outcome of `answers` under `rules` (given in question order).

    Answers to unknown codes are ignored; a question left unanswered counts
    as not triggered; of two answers to one question the last counts.
    """
    by_code = {answer.code: answer for answer in answers}
    hits = [
        rule for rule in rules if rule.code in by_code and is_triggered(rule, by_code[rule.code])
    ]
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
    )


def _unique(texts: Iterable[str]) -> tuple[str, ...]:
    """Non-blank texts, first occurrence kept, order preserved."""
    return tuple(dict.fromkeys(text for text in texts if text))


# --- Loaders from Question rows ----------------------------------------------------


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {spa_name}-style placeholders; anything else in braces stays as typed.

    Plain replacement, not str.format: staff-edited text may contain stray
    braces, which must never raise.
    """
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def spa_placeholders() -> dict[str, str]:
    from django.conf import settings

    return {
        "spa_name": settings.SPA_NAME,
        "spa_phone": settings.SPA_PHONE,
        "spa_email": settings.SPA_EMAIL,
    }


def rules_from_questions(questions, placeholders: dict[str, str] | None = None) -> list[Rule]:
    """Rules for the active questions, in the order given.

    Prefetch `avoid_points` on a queryset to keep this to one query for the
    points. Guidance placeholders ({spa_name}, {spa_phone}, {spa_email}) are
    filled from settings unless `placeholders` is given.
    """
    values = spa_placeholders() if placeholders is None else placeholders
    return [
        Rule(
            code=q.code,
            text=q.text,
            kind=q.kind,
            on_yes=q.on_yes,
            triggers=tuple(q.trigger_list()),
            avoid_points=tuple(p.code for p in q.avoid_points.all()),
            avoid_area=q.avoid_area,
            guidance=fill(q.guidance, values),
        )
        for q in questions
        if getattr(q, "active", True)
    ]


def questionnaire_version(questions) -> str:
    """A short id that changes whenever an active question is added, removed or reworded.

    Built from (code, version) of the active questions, sorted by code, so the
    order they were fetched in does not matter.
    """
    pairs = sorted((q.code, int(q.version)) for q in questions if getattr(q, "active", True))
    payload = "\n".join(f"{code}:{version}" for code, version in pairs)
    return "q-" + hashlib.sha256(payload.encode()).hexdigest()[:10]
