"""Demo staff logins for local development: an editor, an owner, a front desk, and
the demo therapists that bookings' `load_demo_spa` created (their role and password).

Refuses to run with DEBUG off unless --force, so demo accounts with a known
password never reach a production site by accident.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bookings.models import Therapist
from bookings.starter import DEMO_THERAPISTS
from spa.roles import ensure_groups

DEFAULT_PASSWORD = "spa-demo-2026!"  # noqa: S105 - a development-only demo login
EDITOR_GROUP = "Content editors"
THERAPIST_GROUP = "Therapists"


class Command(BaseCommand):
    help = (
        "Create the demo staff accounts (demo-editor, demo-owner, demo-frontdesk) and give "
        "the demo therapists their logins, for local development."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="Set the demo password again on accounts that already exist.",
        )

    def handle(self, *args, force: bool, reset_password: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with DEBUG off. "
                "Set DJANGO_DEBUG=1 for local development, or pass --force."
            )
        password = os.environ.get("SPA_DEMO_PASSWORD") or DEFAULT_PASSWORD
        groups = ensure_groups()

        editor = self._ensure_user("demo-editor", password, reset_password, superuser=False)
        editor.groups.add(groups[EDITOR_GROUP])
        self._ensure_user("demo-owner", password, reset_password, superuser=True)
        desk = self._ensure_user("demo-frontdesk", password, reset_password, superuser=False)
        desk.groups.add(groups["Front desk"])
        self._therapist_logins(password, reset_password, groups[THERAPIST_GROUP])

        port = os.environ.get("PORT") or "8000"
        self.stdout.write(f"Admin: http://127.0.0.1:{port}/{settings.ADMIN_URL}")
        self.stdout.write(f"  content editor: demo-editor / {password}")
        self.stdout.write(f"  owner:          demo-owner / {password}")
        self.stdout.write(f"  front desk:     demo-frontdesk / {password}")
        therapists = get_user_model().objects.filter(
            groups__name=THERAPIST_GROUP, username__startswith="demo-"
        )
        if therapists.exists():
            names = ", ".join(therapists.order_by("username").values_list("username", flat=True))
            self.stdout.write(f"  therapists:     {names} / {password}")

    def _ensure_user(self, username: str, password: str, reset_password: bool, *, superuser: bool):
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.com",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if created or reset_password:
            user.set_password(password)
            user.save()
        if created:
            self.stdout.write(self.style.SUCCESS(f"{username}: created"))
        elif reset_password:
            self.stdout.write(f"{username}: exists, password reset")
        else:
            self.stdout.write(f"{username}: exists, password unchanged (--reset-password sets it)")
        return user

    def _therapist_logins(self, password: str, reset_password: bool, group) -> None:
        """The demo therapists' accounts (load_demo_spa makes them without a password)
        get the therapists' role, and the demo password unless they have one."""
        usernames = [data["username"] for data in DEMO_THERAPISTS]
        for therapist in Therapist.objects.filter(user__username__in=usernames).select_related(
            "user"
        ):
            user = therapist.user
            user.groups.add(group)
            if reset_password or not user.has_usable_password():
                user.set_password(password)
                user.save(update_fields=["password"])
