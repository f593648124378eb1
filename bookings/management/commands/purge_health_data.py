"""Delete health answers past their retention period. Run daily by cron.

Storage limitation (GDPR Art. 5(1)(e)): a client's answers, and who opened
them, are kept for SPA_HEALTH_RETENTION_MONTHS after the visit (the
appointment's start) or after the call-back request was made. The working
instructions derived from the answers (areas and points to avoid, the
guidance the client was given) go with them. The appointment itself and its
status history stay: they hold no health data. Running it twice changes
nothing the second time.

It also deletes abandoned bookings' drafts (BookingDraft) once they have
expired: they hold the client's details and answers for SPA_BOOKING_DRAFT_MINUTES
at most. The README's cron runs it, then `clearsessions`, before the nightly dump.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bookings import sign_in
from bookings.models import (
    Appointment,
    BookingDraft,
    CallbackRequest,
    HealthAccess,
    HealthAnswers,
)


def months_before(moment: datetime, months: int) -> datetime:
    """The same local day and time `months` earlier (the month's last day when shorter)."""
    local = timezone.localtime(moment)
    index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(index, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


class Command(BaseCommand):
    help = "Delete health answers (and their access log) older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Retention in months (default: SPA_HEALTH_RETENTION_MONTHS, "
            f"now {settings.SPA_HEALTH_RETENTION_MONTHS}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args, months: int | None, dry_run: bool, **options) -> None:
        months = settings.SPA_HEALTH_RETENTION_MONTHS if months is None else months
        if months < 1:
            raise CommandError("--months must be at least 1.")
        cutoff = months_before(timezone.now(), months)

        with transaction.atomic():
            answers = HealthAnswers.objects.filter(
                Q(appointment__start__lt=cutoff) | Q(callback__created__lt=cutoff)
            )
            from_appointments = answers.filter(appointment__isnull=False).count()
            from_callbacks = answers.filter(callback__isnull=False).count()
            accesses = HealthAccess.objects.filter(answers__in=answers)
            access_count = accesses.count()
            # Appointments still carrying instructions derived from the answers.
            instructed = Appointment.objects.filter(start__lt=cutoff).filter(
                ~Q(avoid_areas="")
                | ~Q(client_guidance="")
                | Q(light_pressure_only=True)
                | Q(avoid_points__isnull=False)
            )
            appointment_ids = list(instructed.values_list("pk", flat=True).distinct())
            drafts = BookingDraft.objects.expired()
            draft_count = drafts.count()

            if not dry_run:
                # "My bookings" links a day old: used, expired or never sent.
                sign_in.purge()
                drafts.delete()
                accesses.delete()
                # What the call-back's client was told follows from the answers too.
                CallbackRequest.objects.filter(health__in=answers).update(guidance="")
                answers.delete()
                Appointment.avoid_points.through.objects.filter(
                    appointment_id__in=appointment_ids
                ).delete()
                Appointment.objects.filter(pk__in=appointment_ids).update(
                    avoid_areas="",
                    client_guidance="",
                    light_pressure_only=False,
                    updated=timezone.now(),
                )

        verb = "Would delete" if dry_run else "Deleted"
        cleared = "Would clear" if dry_run else "Cleared"
        total = from_appointments + from_callbacks
        self.stdout.write(
            f"{verb} {total} health answer record(s) older than {months} month(s) "
            f"(before {cutoff:%Y-%m-%d}): {from_appointments} from appointments, "
            f"{from_callbacks} from call-back requests; {access_count} access log entries."
        )
        self.stdout.write(
            f"{cleared} the working instructions on {len(appointment_ids)} appointment(s)."
        )
        self.stdout.write(f"{verb} {draft_count} expired booking draft(s).")
