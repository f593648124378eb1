from django import template

from points import cautions

register = template.Library()


@register.inclusion_tag("points/_general_cautions.html")
def general_cautions(point=None) -> dict:
    """The lines every guide carries under "Before you start", as its content calls for.

    For a point: its pressure line follows its own steps (gentle-only points never
    imply firm pressure); back and sciatica points add the back-pain warning signs.
    Routines (no point) get the general lines; their introductions carry the signs.
    """
    concerns = set()
    gentle = False
    if point is not None:
        concerns = {c.slug for c in point.concerns.all()}
        steps = list(point.technique_steps.all())
        gentle = bool(steps) and all(step.pressure == "light" for step in steps)
    return {
        "pressure": cautions.GENTLE_ONLY if gentle else cautions.PRESSURE,
        "lines": [cautions.LIGHT_ONLY_PEOPLE, cautions.SKIN, cautions.STOP],
        "back_warning": cautions.BACK_WARNING if concerns & cautions.BACK_CONCERNS else "",
    }


@register.simple_tag
def not_medical_advice() -> str:
    return cautions.NOT_MEDICAL_ADVICE


@register.simple_tag
def back_warning() -> str:
    return cautions.BACK_WARNING


@register.simple_tag
def traditional_names() -> str:
    return cautions.TRADITIONAL_NAMES


@register.filter
def clock(seconds: int | None) -> str:
    """A timer's face: 510 -> "8:30"."""
    try:
        seconds = int(seconds or 0)
    except (TypeError, ValueError):
        return "0:00"
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def duration(seconds: int | None) -> str:
    """120 -> "2 min", 90 -> "1 min 30 s", 45 -> "45 s"."""
    try:
        seconds = int(seconds or 0)
    except (TypeError, ValueError):
        return ""
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    if minutes:
        return f"{minutes} min"
    return f"{rest} s"
