"""Structured data (schema.org JSON-LD) for search engines.

Built here as plain dicts; ``spa.templatetags.seo_tags`` writes them into the
page. ``spa`` is the glue layer, so it may read ``points`` models; the points
app itself knows nothing of this module.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from points import raster

# --- Opening hours ------------------------------------------------------------

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Any unambiguous start of a day name, at least two letters: "Tu", "Tue", "Tues", "Tuesday".
_DAY_WORD = r"[A-Za-z]{2,9}\.?"
_TIME = r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
_DASH = r"\s*(?:-|–|—|to)\s*"
_DAY_LIST = r"\s*(?:,|&|/|\+|\band\b)\s*"
_DAY_RANGE = rf"{_DAY_WORD}(?:{_DASH}{_DAY_WORD})?"
_DAY_SPEC = rf"{_DAY_RANGE}(?:{_DAY_LIST}{_DAY_RANGE})*"
_ENTRY = re.compile(
    rf"(?P<days>{_DAY_SPEC})\s*:?\s+(?P<opens>{_TIME}){_DASH}(?P<closes>{_TIME})", re.I
)
_LEFTOVER = re.compile(r"[\s,;]*")


def _day(word: str) -> int | None:
    word = word.rstrip(".").lower()
    matches = [i for i, name in enumerate(DAYS) if name.lower().startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _days(spec: str) -> list[int] | None:
    days: list[int] = []
    for part in re.split(_DAY_LIST, spec.strip(), flags=re.I):
        if part.rstrip(".").lower() == "daily":
            days.extend(range(7))
            continue
        ends = re.split(_DASH, part, flags=re.I)
        indexes = [i for i in map(_day, ends) if i is not None]
        if not part or len(ends) > 2 or len(indexes) != len(ends):
            return None
        first, last = indexes[0], indexes[-1]
        # A range may wrap past Sunday: "Fri-Mon".
        days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days


def _time(text: str) -> tuple[int, int, bool] | None:
    """(hour, minute, whether am/pm was given), or None."""
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?\s*(?:([ap])\.?m\.?)?", text.strip(), re.I)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[3].lower() == "p" else 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return hour, minute, bool(match[3])


def _hours(opens_text: str, closes_text: str) -> tuple[str, str] | None:
    opens, closes = _time(opens_text), _time(closes_text)
    if opens is None or closes is None:
        return None
    (oh, om, _), (ch, cm, meridiem) = opens, closes
    # "9-5" means nine to five in the afternoon, not an overnight shift.
    if not meridiem and (ch, cm) <= (oh, om) and oh < 12 and ch < 12:
        ch += 12
    return f"{oh:02d}:{om:02d}", f"{ch:02d}:{cm:02d}"


def parse_opening_hours(text: str) -> list[dict[str, Any]]:
    """Turn text like "Tue–Sat 9:00–19:00, Sun 10:00–16:00" into schema.org
    OpeningHoursSpecification dicts.

    Tolerates hyphens or dashes, "to", 12-hour times, "Daily" and day lists.
    Returns [] when any part cannot be read: no hours beat wrong hours.
    """
    text = text or ""
    entries, end = [], 0
    for match in _ENTRY.finditer(text):
        days = _days(match["days"])
        hours = _hours(match["opens"], match["closes"])
        if days is None or hours is None or not _LEFTOVER.fullmatch(text[end : match.start()]):
            return []
        entries.append(
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": [DAYS[d] for d in days],
                "opens": hours[0],
                "closes": hours[1],
            }
        )
        end = match.end()
    if not _LEFTOVER.fullmatch(text[end:]):
        return []
    return entries


# --- Durations --------------------------------------------------------------


def iso_duration(seconds: int) -> str:
    """Seconds as an ISO 8601 duration: 180 -> "PT3M", 3690 -> "PT1H1M30S"."""
    hours, rest = divmod(max(int(seconds), 0), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}H" if hours else "",
        f"{minutes}M" if minutes else "",
        f"{secs}S" if secs else "",
    ]
    return "PT" + ("".join(parts) or "0S")


# --- Documents ----------------------------------------------------------------


def howto_for(point, request: HttpRequest) -> dict[str, Any] | None:
    """A ``HowTo`` for a point's technique, or None when there is nothing for
    a reader to do (practitioner-only points have no self-care steps)."""
    steps = list(point.technique_steps.all())
    if point.practitioner_only or not steps:
        return None
    page = request.build_absolute_uri(point.get_absolute_url())
    tools = list(dict.fromkeys(step.tool.name for step in steps if step.tool_id))
    howto: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": f"How to press {point.code} {point.english_name} ({point.pinyin_name})",
        "description": _with_cautions(point),
        "url": page,
        "image": request.build_absolute_uri(raster.share_card_path(point)),
        "totalTime": iso_duration(point.technique_seconds()),
        "step": [
            {
                "@type": "HowToStep",
                "position": index,
                "name": _step_name(step),
                "text": step.instruction,
            }
            for index, step in enumerate(steps, start=1)
        ],
    }
    if tools:
        howto["tool"] = [{"@type": "HowToTool", "name": name} for name in tools]
    return howto


def _with_cautions(point) -> str:
    """The summary, then the point's cautions: steps are never published without them."""
    texts = [caution.text for caution in point.cautions.all()]
    if not texts:
        return point.share_summary
    return " ".join([point.share_summary, "Before you start:", *texts])


def _step_name(step) -> str:
    """A short title for a step: "Small circles, moderate pressure, 30 s on each side"."""
    each = " on each side" if step.side == "each" else ""
    return (
        f"{step.get_motion_display()}, {step.get_pressure_display().lower()} pressure, "
        f"{step.duration_seconds} s{each}"
    )


def business(request: HttpRequest) -> dict[str, Any]:
    """The spa itself, from the identity settings."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "HealthAndBeautyBusiness",
        "name": settings.SPA_NAME,
        "url": request.build_absolute_uri(reverse("home")),
        "address": settings.SPA_ADDRESS,
        "telephone": settings.SPA_PHONE,
        "email": settings.SPA_EMAIL,
    }
    hours = parse_opening_hours(settings.SPA_OPENING_HOURS)
    if hours:
        data["openingHoursSpecification"] = hours
    return data
