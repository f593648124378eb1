"""Staff roles as groups with exactly the permissions each job needs."""

from django.contrib.auth.models import Group, Permission

# app_label -> models whose add/change/delete/view permissions the role holds.
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "Content editors": {
        "points": [
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
        ],
    },
}
ACTIONS = ("add", "change", "delete", "view")


def ensure_groups() -> dict[str, Group]:
    """Create or repair every role group; safe to run any number of times."""
    groups = {}
    for name, apps in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [
            f"{action}_{model}"
            for models in apps.values()
            for model in models
            for action in ACTIONS
        ]
        perms = Permission.objects.filter(
            content_type__app_label__in=list(apps), codename__in=codenames
        )
        group.permissions.set(perms)
        groups[name] = group
    return groups
