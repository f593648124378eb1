"""Staff roles as groups with exactly the permissions each job needs."""

from django.contrib.auth.models import Group, Permission

ACTIONS = ("add", "change", "delete", "view")
VIEW = ("view",)

# The point library: the content editors' whole job, and part of the owner's.
POINT_MODELS = [
    "bodyregion",
    "concern",
    "tool",
    "point",
    "locatingstep",
    "techniquestep",
    "caution",
    "pointimage",
    "routine",
    "routinestep",
]

# app_label -> either a list of models (the role holds all four ACTIONS on each)
# or a dict of model -> the actions it holds on that model.
ROLE_PERMISSIONS: dict[str, dict[str, list[str] | dict[str, tuple[str, ...]]]] = {
    "Content editors": {
        "points": POINT_MODELS,
    },
    # Therapists read the diary, and the answers of their own clients only
    # (bookings/access.py); "change" lets
    # them confirm, decline and complete sessions through the admin actions.
    "Therapists": {
        "bookings": {
            "appointment": ("view", "change"),
            "client": VIEW,
            "callbackrequest": VIEW,
            "service": VIEW,
            "therapist": VIEW,
            "workinghours": VIEW,
            "timeoff": VIEW,
            "question": VIEW,
        },
    },
    # The front desk runs the diary and the call-backs but never reads health answers.
    "Front desk": {
        "bookings": {
            "appointment": ("view", "change"),
            # "change" edits the notes and merges two records of one person.
            "client": ("view", "change"),
            "callbackrequest": ("view", "change"),
            "callnote": ("add", "view"),
            "service": VIEW,
            "therapist": VIEW,
            "workinghours": VIEW,
            "timeoff": ("add", "change", "view"),
            # "change" is the "send again" action on undelivered emails.
            "outgoingemail": ("view", "change"),
        },
    },
    "Owner": {
        "points": POINT_MODELS,
        "bookings": {
            "bookingrules": ACTIONS,
            "service": ACTIONS,
            "therapist": ACTIONS,
            "workinghours": ACTIONS,
            "timeoff": ACTIONS,
            "question": ACTIONS,
            "appointment": ACTIONS,
            "client": ("view", "change"),
            "callbackrequest": ACTIONS,
            "outgoingemail": ("view", "change"),
            # Histories and the health access log are append-only records.
            "appointmentevent": VIEW,
            "healthaccess": VIEW,
            "callnote": ("add", "view"),
        },
    },
}

# Permissions that are not one of a model's four actions, as "app_label.codename".
EXTRA_PERMISSIONS: dict[str, list[str]] = {
    "Therapists": ["bookings.view_health_answers"],
    "Owner": ["bookings.view_health_answers", "bookings.view_all_health_answers"],
}


def role_codenames(name: str) -> set[tuple[str, str]]:
    """The (app_label, codename) pairs the role named `name` holds."""
    wanted = set()
    for app, models in ROLE_PERMISSIONS[name].items():
        per_model = models if isinstance(models, dict) else dict.fromkeys(models, ACTIONS)
        for model, actions in per_model.items():
            wanted |= {(app, f"{action}_{model}") for action in actions}
    for dotted in EXTRA_PERMISSIONS.get(name, []):
        app, codename = dotted.split(".", 1)
        wanted.add((app, codename))
    return wanted


def ensure_groups() -> dict[str, Group]:
    """Create or repair every role group; safe to run any number of times."""
    groups = {}
    for name in ROLE_PERMISSIONS:
        wanted = role_codenames(name)
        found = {
            (app, codename): pk
            for pk, app, codename in Permission.objects.filter(
                content_type__app_label__in={app for app, _ in wanted},
                codename__in={codename for _, codename in wanted},
            ).values_list("pk", "content_type__app_label", "codename")
        }
        missing = wanted - found.keys()
        if missing:
            # A typo here would silently leave a role short of a permission.
            names = ", ".join(sorted(f"{app}.{codename}" for app, codename in missing))
            raise LookupError(f"Role {name!r} names unknown permissions: {names}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([found[pair] for pair in wanted])
        groups[name] = group
    return groups
