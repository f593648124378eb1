"""Load the starter health questionnaire from bookings/starter.py.

Create-only: questions are matched by code, and a question that exists is
left exactly as staff left it (wording, outcome, points), since they may have
edited it on purpose. Run load_starter_library first so the points to avoid
can be linked; a missing point is reported and skipped, never invented.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from bookings import starter
from bookings.models import Question
from points.models import BodyRegion, Point


class Command(BaseCommand):
    help = (
        "Create the starter health questions that are missing, matched by code, in one "
        "transaction. Existing questions are never changed. Points to avoid are linked by "
        "code; run load_starter_library first, or missing points are skipped with a warning."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            created, present, missing = self._load()
        summary = f"Starter questionnaire: {created} questions created; {present} already present."
        if missing:
            summary += f" {missing} point links skipped (no such point)."
        self.stdout.write(summary)

    def _load(self) -> tuple[int, int, int]:
        existing = {q.code: q for q in Question.objects.all()}
        codes = {code for data in starter.STARTER_QUESTIONS for code in data["avoid_points"]}
        points = {p.code: p for p in Point.objects.filter(code__in=codes)}
        regions = {r.slug: r for r in BodyRegion.objects.all()}
        created = present = missing = 0
        for data in starter.STARTER_QUESTIONS:
            if data["code"] in existing:
                present += 1
                continue
            question = Question(
                code=data["code"],
                section=data["section"],
                order=data["order"],
                text=data["text"],
                help_text=data["help_text"],
                kind=data["kind"],
                choices="\n".join(data["choices"]),
                choices_that_trigger="\n".join(data["choices_that_trigger"]),
                follow_up=data["follow_up"],
                on_yes=data["on_yes"],
                avoid_area=data["avoid_area"],
                avoid_caution_kinds=list(data["avoid_caution_kinds"]),
                light_pressure_only=data["light_only"],
                # Parents come first in the starter list, so they exist by now.
                parent=existing.get(data["parent"]),
                guidance=data["guidance"],
                pre_visit=data["pre_visit"],
            )
            # A mistake in the starter data (a length, an outcome) fails loudly here.
            question.full_clean()
            question.save()
            found = []
            for code in data["avoid_points"]:
                if code in points:
                    found.append(points[code])
                else:
                    missing += 1
                    self.stderr.write(
                        self.style.WARNING(
                            f"Question {data['code']}: no point {code}; "
                            "load the points library and link it in admin."
                        )
                    )
            question.avoid_points.set(found)
            question.avoid_regions.set(
                [regions[slug] for slug in data["avoid_regions"] if slug in regions]
            )
            existing[question.code] = question
            created += 1
        return created, present, missing
