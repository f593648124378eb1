from django.core.management.base import BaseCommand

from spa.roles import ensure_groups


class Command(BaseCommand):
    help = "Create or repair the staff role groups and their permissions (safe to re-run)."

    def handle(self, *args, **options) -> None:
        for name, group in ensure_groups().items():
            count = group.permissions.count()
            self.stdout.write(f"{name}: {count} permissions")
