"""The background worker: runs queued tasks (emails) and the mail housekeeping.

One command whatever the queue: the database queue's `db_worker`
(django-tasks-db) or RQ's worker with its scheduler (SPA_TASKS_BACKEND=redis).
Beside it, a thread runs `notifications.sweep()` every --sweep-every seconds:
it puts due retries back on the queue, frees the messages of a worker that was
killed mid-send, and sends staff one summary of what could not be delivered.
Several workers may run at once; the sweep is safe to repeat.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connections

from bookings import notifications

logger = logging.getLogger("bookings.worker")


def _sweep_forever(every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        close_old_connections()
        try:
            notifications.sweep()
        except DatabaseError as exc:
            # The database is away: one line, and the next round tries again.
            logger.error("Mail sweep skipped: %s", type(exc).__name__)
        finally:
            connections.close_all()


class Command(BaseCommand):
    help = "Run the background worker: queued emails, their retries and the failure summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sweep-every",
            type=float,
            default=60,
            help="Seconds between mail housekeeping rounds (default 60).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1,
            help="Seconds between polls of the database queue when idle (default 1).",
        )

    def handle(self, *args, sweep_every: float, interval: float, **options) -> None:
        stop = threading.Event()
        sweeper = threading.Thread(
            target=_sweep_forever, args=(sweep_every, stop), name="mail-sweep", daemon=True
        )
        # One round now: messages left by a worker that stopped go out at once.
        notifications.sweep()
        sweeper.start()
        verbosity = options["verbosity"]
        try:
            if settings.SPA_TASKS_BACKEND == "redis":
                call_command(
                    "rqworker",
                    "default",
                    "--with-scheduler",
                    "--job-class",
                    "django_tasks_rq.Job",
                    # Jobs run in this process (no fork per job), as in the tests,
                    # with this process's database connection handling.
                    "--worker-class",
                    "rq.worker.SimpleWorker",
                    verbosity=verbosity,
                )
            else:
                call_command(
                    "db_worker",
                    "--no-reload",
                    "--interval",
                    str(interval),
                    verbosity=verbosity,
                )
        finally:
            stop.set()
