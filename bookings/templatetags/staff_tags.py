"""The dashboard on the staff home (templates/admin/index.html)."""

from django import template

from bookings import dashboard

register = template.Library()


@register.inclusion_tag("admin/staff/dashboard.html", takes_context=True)
def staff_dashboard(context) -> dict:
    user = context["request"].user
    if not user.has_perm("bookings.view_appointment"):
        return {"show": False}
    return {
        "show": True,
        "perms": context.get("perms"),
        "request": context["request"],
        **dashboard.figures(),
    }
