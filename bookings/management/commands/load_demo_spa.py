"""An invented spa for local development: booking rules, services, therapists, their hours.

Create-only and safe to re-run: rows are matched by slug (users by username)
and anything already there is left alone. Refuses to run with DEBUG off unless
--force, so demo staff accounts never reach a production site by accident.
Each therapist gets a staff account without a password: the spa's `ensure_demo_staff`
(run after this by `load_demo`) gives demo logins their password and role.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Q

from bookings import demo_portraits, starter
from bookings.models import BookingRules, Service, Therapist, WorkingHours
from points.models import BodyRegion


def _save[M: models.Model](obj: M) -> M:
    obj.full_clean()
    obj.save()
    return obj


class Command(BaseCommand):
    help = (
        "Create the demo spa (booking rules, services, three therapists and their weekly "
        "hours) where missing. Never changes existing rows. Needs DEBUG on, or --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create the demo spa with DEBUG off. "
                "Set DJANGO_DEBUG=1 for local development, or pass --force."
            )
        with transaction.atomic():
            counts = self._load()
        self.stdout.write(
            f"Demo spa: booking rules {'created' if counts['rules'] else 'already present'}; "
            f"{counts['services']} services, {counts['therapists']} therapists "
            f"({counts['shifts']} shifts) created; {counts['present']} already present."
        )

    def _load(self) -> dict[str, int]:
        counts = dict.fromkeys(("rules", "services", "therapists", "shifts", "present"), 0)
        if not BookingRules.objects.exists():
            _save(BookingRules(**starter.DEMO_RULES))
            counts["rules"] = 1

        regions = {r.slug: r for r in BodyRegion.objects.all()}
        services = {}
        for data in starter.DEMO_SERVICES:
            found = Service.objects.filter(Q(slug=data["slug"]) | Q(name=data["name"])).first()
            if found:
                counts["present"] += 1
            else:
                found = self._create_service(data, regions)
                counts["services"] += 1
            services[data["slug"]] = found

        for data in starter.DEMO_THERAPISTS:
            if Therapist.objects.filter(slug=data["slug"]).exists():
                counts["present"] += 1
                continue
            user = self._user(data["username"])
            if Therapist.objects.filter(user=user).exists():
                self.stderr.write(
                    self.style.WARNING(
                        f"User {user.username} is already a therapist; skipped {data['slug']}."
                    )
                )
                continue
            counts["shifts"] += self._create_therapist(data, user, services)
            counts["therapists"] += 1
        return counts

    def _create_service(self, data: dict, regions: dict) -> Service:
        fields = {key: value for key, value in data.items() if key != "regions"}
        service = _save(Service(**fields))
        missing = [slug for slug in data["regions"] if slug not in regions]
        if missing:
            self.stderr.write(
                self.style.WARNING(
                    f"Service {data['slug']}: no region {', '.join(missing)}; "
                    "run load_starter_library first."
                )
            )
        service.regions.set([regions[slug] for slug in data["regions"] if slug in regions])
        return service

    def _user(self, username: str):
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is not None:
            return user
        user = user_model(username=username, email=f"{username}@example.com", is_staff=True)
        user.set_unusable_password()
        user.save()
        return user

    def _create_therapist(self, data: dict, user, services: dict) -> int:
        therapist = _save(
            Therapist(
                user=user,
                display_name=data["display_name"],
                slug=data["slug"],
                bio=data["bio"],
                specialties=data["specialties"],
            )
        )
        if png := demo_portraits.portrait_png(data["slug"]):
            # A drawn portrait, not a photo of a real person.
            therapist.photo.save(f"{data['slug']}.png", ContentFile(png))
        therapist.services.set([services[slug] for slug in data["services"]])
        for weekday, start, end in data["shifts"]:
            _save(
                WorkingHours(
                    therapist=therapist,
                    weekday=weekday,
                    start=time.fromisoformat(start),
                    end=time.fromisoformat(end),
                )
            )
        return len(data["shifts"])
