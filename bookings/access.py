"""Who may read a client's health answers and what is derived from them.

By relationship, not by role alone, as the consent says: a therapist reads
the answers, points and areas to avoid of the appointments booked with them
(past, present and upcoming); the owner reads everyone's; nobody else reads
any. The front desk sees operational state only: "needs review", "awaiting
clearance" and what the client was asked to bring.
"""

from __future__ import annotations

HEALTH_PERMISSION = "bookings.view_health_answers"
ALL_HEALTH_PERMISSION = "bookings.view_all_health_answers"

# Appointment fields derived from the answers: never shown, searched, filtered,
# exported or edited without the right to read the answers themselves.
DERIVED_FIELDS = ("avoid_points", "avoid_areas", "light_pressure_only")
# Lookups refused in admin URLs to anyone who cannot read every client's answers:
# a result count would betray what the answers say.
PRIVATE_LOOKUPS = (
    "health",
    "avoid_points",
    "avoid_areas",
    "light_pressure_only",
    "client_guidance",
)


def reads_all_health(user) -> bool:
    return user.has_perm(ALL_HEALTH_PERMISSION)


def therapist_id_of(user) -> int | None:
    """The therapist profile of a signed-in member of staff, if they are one."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_therapist_id"):
        therapist = getattr(user, "therapist", None)  # absent: RelatedObjectDoesNotExist
        user._therapist_id = therapist.pk if therapist is not None else None
    return user._therapist_id


def can_read_health(user, record) -> bool:
    """Whether `user` may read the answers of `record` (an appointment or a call-back).

    A call-back names a therapist only when the client chose one; without one,
    only the owner reads its answers.
    """
    if record is None:
        return False
    if reads_all_health(user):
        return True
    if not user.has_perm(HEALTH_PERMISSION):
        return False
    own = therapist_id_of(user)
    return own is not None and getattr(record, "therapist_id", None) == own


def is_private_lookup(lookup: str) -> bool:
    return lookup.split("__", 1)[0] in PRIVATE_LOOKUPS
