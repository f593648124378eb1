"""Email a reminder before each confirmed appointment, once. Run by cron, e.g. hourly.

It also sends the pre-visit check, once, SPA_PRE_VISIT_HOURS before each booking
that holds its time and has answers: a link to the "today" questions again.

A booking the spa made whose client has not yet answered the health
questions gets its reminder (with the link to answer) ANSWERS_HOURS before;
answering frees the claim again for the visit's own reminder.

Each appointment is claimed with a conditional UPDATE (reminder_sent_at IS
NULL) in the same transaction that writes the reminder into the mail outbox,
so two overlapping runs never remind the same client twice, and a run killed
half-way leaves either both (the worker sends it) or neither (the next run
does). The sending itself, with its retries, is the worker's job.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bookings.models import Appointment, HealthAnswers, Question, Status
from bookings.notifications import queue_pre_visit, queue_reminder

ANSWERS_HOURS = 48


class Command(BaseCommand):
    help = "Email a reminder for confirmed appointments starting within the next --hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours", type=int, default=24, help="How far ahead to look (default 24)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be sent; send nothing."
        )

    def handle(self, *args, hours: int, dry_run: bool, **options) -> None:
        if hours < 1:
            raise CommandError("--hours must be at least 1.")
        now = timezone.now()
        due = Appointment.objects.filter(
            Q(status=Status.CONFIRMED, start__lte=now + timedelta(hours=hours))
            | Q(
                status=Status.AWAITING_ANSWERS,
                start__lte=now + timedelta(hours=max(hours, ANSWERS_HOURS)),
            ),
            reminder_sent_at__isnull=True,
            start__gt=now,
        ).values_list("pk", flat=True)
        ids = list(due)
        if dry_run:
            self.stdout.write(f"Would send {len(ids)} reminder(s).")
            return
        queued = 0
        for pk in ids:
            with transaction.atomic():
                claim = Appointment.objects.filter(
                    pk=pk,
                    status__in=[Status.CONFIRMED, Status.AWAITING_ANSWERS],
                    reminder_sent_at__isnull=True,
                )
                if claim.update(reminder_sent_at=now) != 1:
                    continue  # another run got there first, or it changed meanwhile
                queue_reminder(Appointment.objects.get(pk=pk))
            queued += 1
        self.stdout.write(f"Queued {queued} reminder(s).")
        self.stdout.write(f"Queued {self._pre_visit_checks(now)} pre-visit check(s).")

    def _pre_visit_checks(self, now) -> int:
        """The "today" questions again, shortly before the visit; silence changes nothing."""
        if not Question.objects.active().filter(pre_visit=True).exists():
            return 0
        statuses = [Status.REQUESTED, Status.AWAITING_CLEARANCE, Status.CONFIRMED]
        due = Appointment.objects.filter(
            status__in=statuses,
            start__gt=now,
            start__lte=now + timedelta(hours=settings.SPA_PRE_VISIT_HOURS),
            pre_visit_sent_at__isnull=True,
            pre_visit_answered_at__isnull=True,
            pk__in=HealthAnswers.objects.filter(appointment__isnull=False).values("appointment"),
        ).values_list("pk", flat=True)
        queued = 0
        for pk in list(due):
            with transaction.atomic():
                claim = Appointment.objects.filter(pk=pk, pre_visit_sent_at__isnull=True)
                if claim.update(pre_visit_sent_at=now) != 1:
                    continue
                queue_pre_visit(Appointment.objects.get(pk=pk))
            queued += 1
        return queued
