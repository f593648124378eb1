"""Everything `make run` does before serving, in one process: migrate, then the
starter library, the starter questionnaire, the demo spa and the demo staff.

Each step is create-only and safe to re-run. One process instead of five saves
Django's start-up four times, which was most of a second `make run`.
Needs DEBUG on, as the demo loaders do.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

STEPS: tuple[tuple[str, dict[str, object]], ...] = (
    ("migrate", {"interactive": False}),
    ("load_starter_library", {}),
    ("load_starter_questionnaire", {}),
    ("load_demo_spa", {}),
    ("ensure_demo_staff", {}),
)


class Command(BaseCommand):
    help = "Migrate, then load the starter content, the demo spa and the demo staff logins."

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        for name, kwargs in STEPS:
            call_command(name, verbosity=verbosity, **kwargs)
