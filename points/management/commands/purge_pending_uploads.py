"""Delete uploads kept for a failed save that nobody came back for.

A chosen image is put aside under pending/ when another field of the page has
an error (see points.forms.CheckedImageForm); its signed reference expires
after a day, so anything older can go. Run daily from cron, like the other
periodic jobs.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from points import images


class Command(BaseCommand):
    help = "Delete kept uploads (media pending/) older than a day."

    def handle(self, *args, **options) -> None:
        if not default_storage.exists(images.PENDING_DIR):
            return
        cutoff = timezone.now() - timedelta(days=1)
        removed = 0
        for name in default_storage.listdir(images.PENDING_DIR)[1]:
            path = f"{images.PENDING_DIR}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        self.stdout.write(f"Removed {removed} kept upload(s) older than a day.")
