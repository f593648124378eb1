"""Glue that lets guide pages offer the sessions that work the same body areas."""

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.timezone import localtime

from bookings.free_times import spa_zone
from bookings.models import Service
from bookings.views import book_url_for

register = template.Library()


@register.inclusion_tag("bookings/includes/services_for_guide.html", takes_context=True)
def services_for_guide(context, regions, referral: str, limit: int = 3) -> dict:
    """Up to `limit` active services working any of `regions`, each with a booking link
    that starts /book/ with the service chosen and `referral` ("point:bl23") recorded."""
    if hasattr(regions, "pk"):
        regions = [regions]
    region_ids = [r.pk for r in regions if r is not None]
    kind, _, slug = referral.partition(":")
    services = (
        Service.objects.active().filter(regions__in=region_ids).distinct().order_by("order", "name")
    )[:limit]
    return {
        "spa": context.get("spa"),
        "offers": [(s, book_url_for(s, (kind, slug))) for s in services],
        "fallback_url": reverse("bookings:service") + f"?from={kind}:{slug}",
        "regions": [r for r in regions if r is not None],
    }


@register.simple_tag
def book_url(service, referral: str = "") -> str:
    """The link into /book/ with `service` chosen and `referral` ("home:home") recorded."""
    kind, _, slug = referral.partition(":")
    return book_url_for(service, (kind, slug) if referral else None)


@register.filter
def price(value) -> str:
    """Prices in one format everywhere: "$85", "$92.50"."""
    if value in (None, ""):
        return ""
    return "$" + floatformat(value, "-2g")


@register.filter
def parts_of_day(slots) -> list[tuple[str, list]]:
    """A day's free times as (Morning | Afternoon | Evening, slots), in the spa's zone."""
    parts: dict[str, list] = {"Morning": [], "Afternoon": [], "Evening": []}
    for slot in slots:
        hour = localtime(slot.start, spa_zone()).hour
        parts["Morning" if hour < 12 else "Afternoon" if hour < 17 else "Evening"].append(slot)
    return [(label, group) for label, group in parts.items() if group]


@register.filter
def error_items(form) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """A failed form's errors for its summary, one line per message, each with the
    fields it concerns as (field name, anchor id, short label): "Please answer yes or
    no: Question 1, Question 4". A form may name its fields more briefly with
    `error_label(name)`."""
    lines: dict[str, list[tuple[str, str, str]]] = {}
    for field in form:
        if not field.errors:
            continue
        anchor = field.auto_id + ("_0" if field.widget_type == "radioselect" else "")
        label = form.error_label(field.name) if hasattr(form, "error_label") else field.label
        lines.setdefault(" ".join(field.errors), []).append((field.html_name, anchor, label))
    return list(lines.items())
