from django import template

register = template.Library()


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
