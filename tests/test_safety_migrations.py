"""The safety data migrations bring a library and questionnaire loaded before them up to
the new starter wording, and leave what staff edited alone."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from bookings.models import Question, Service
from points.models import Caution, Point, Routine

pytestmark = pytest.mark.django_db

points_migration = importlib.import_module("points.migrations.0003_safer_starter_wording")
questions_migration = importlib.import_module("bookings.migrations.0008_safer_starter_questions")


def _load():
    out = StringIO()
    call_command("load_starter_library", stdout=out, stderr=out)
    call_command("load_starter_questionnaire", stdout=out, stderr=out)
    call_command("load_demo_spa", force=True, stdout=out, stderr=out)


def _snapshot():
    return {
        "points": list(Point.objects.values_list("code", "summary", "uses", "detail", "detail_x")),
        "cautions": sorted(Caution.objects.values_list("point__code", "kind", "text")),
        "routines": sorted(Routine.objects.values_list("slug", "title", "introduction")),
        "questions": sorted(
            (
                q.code,
                q.text,
                q.kind,
                q.choices,
                q.guidance,
                q.avoid_area,
                q.parent.code if q.parent_id else "",
                tuple(sorted(q.avoid_caution_kinds)),
                q.light_pressure_only,
                tuple(sorted(q.avoid_points.values_list("code", flat=True))),
                tuple(sorted(q.avoid_regions.values_list("slug", flat=True))),
            )
            for q in Question.objects.all()
        ),
    }


def _rewind_to_old_starter():
    """Turn the freshly loaded rows back into what the old starter loaded."""
    for model, key, field, old, _new in reversed(points_migration.CHANGES):
        points_migration._rows(apps, model, key).update(**{field: old})
    for code, (detail, x, y), _new in points_migration.CLOSE_UPS:
        Point.objects.filter(code=code).update(detail=detail, detail_x=x, detail_y=y)
    for code, _position, _kind, text in points_migration.ADDED_CAUTIONS:
        Caution.objects.filter(point__code=code, text=text).delete()
    Question.objects.filter(
        code__in=[q["code"] for q in questions_migration.NEW_QUESTIONS]
    ).delete()
    for code, field, old, _new in reversed(questions_migration.CHANGES):
        Question.objects.filter(code=code).update(**{field: old})
    for code, points, _regions, _kinds, _light, _parent in questions_migration.STRICTER:
        question = Question.objects.get(code=code)
        question.avoid_points.remove(*Point.objects.filter(code__in=points))
        question.avoid_regions.clear()
        question.avoid_caution_kinds = []
        question.light_pressure_only = False
        question.parent = None
        question.save()
    Service.objects.update(firm_pressure=False)


def test_old_starter_rows_end_as_the_new_starter_loads_them():
    _load()
    fresh = _snapshot()
    _rewind_to_old_starter()
    assert _snapshot() != fresh
    points_migration.forwards(apps, None)
    questions_migration.forwards(apps, None)
    assert _snapshot() == fresh
    assert Service.objects.get(slug="deep-tissue-back").firm_pressure


def test_staff_edits_are_left_alone():
    _load()
    _rewind_to_old_starter()
    Point.objects.filter(code="GV20").update(summary="Our own words.")
    Question.objects.filter(code="pregnancy-care").update(choices="Ours\nAlso ours")
    points_migration.forwards(apps, None)
    questions_migration.forwards(apps, None)
    assert Point.objects.get(code="GV20").summary == "Our own words."
    care = Question.objects.get(code="pregnancy-care")
    assert care.choices == "Ours\nAlso ours"
    assert care.parent is None  # an old "not pregnant" option must never count as a yes
    # The stricter links still come: the pregnancy points and caution kinds.
    assert set(care.avoid_caution_kinds) == {"pregnancy", "pregnancy-care"}


def test_a_fresh_database_is_left_to_the_loader():
    questions_migration.forwards(apps, None)
    points_migration.forwards(apps, None)
    assert not Question.objects.exists()
    assert not Point.objects.exists()
