"""The thin loader that feeds screening.py from the ORM: Question rows to Rules, and
the points a session works.

screening.py takes and returns plain values only; everything here reads the database
(or settings) and hands it plain values.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from bookings import screening
from bookings.models import Service
from bookings.screening import Answer, PointIndex, Result, Rule, fill
from points.models import Caution, Point


def spa_placeholders() -> dict[str, str]:
    return {
        "spa_name": settings.SPA_NAME,
        "spa_phone": settings.SPA_PHONE,
        "spa_email": settings.SPA_EMAIL,
    }


def point_index() -> PointIndex:
    """Point codes by body region id and by caution kind (two queries)."""
    by_region: dict[int, set[str]] = {}
    for code, region_id in Point.objects.values_list("code", "region_id"):
        by_region.setdefault(region_id, set()).add(code)
    by_kind: dict[str, set[str]] = {}
    for code, kind in Caution.objects.values_list("point__code", "kind"):
        by_kind.setdefault(kind, set()).add(code)
    return PointIndex(
        {k: frozenset(v) for k, v in by_region.items()},
        {k: frozenset(v) for k, v in by_kind.items()},
    )


def rules_from_questions(
    questions, placeholders: dict[str, str] | None = None, points: PointIndex | None = None
) -> list[Rule]:
    """Rules for the active questions, in the order given.

    Prefetch `avoid_points` and `avoid_regions` and select `parent` on a
    queryset to keep this to a few queries. A question's points to avoid are
    its own, plus every point in its areas and every point carrying one of its
    caution kinds, so a point added later is covered without editing the
    question. Guidance placeholders ({spa_name}, {spa_phone}, {spa_email}) are
    filled from settings unless `placeholders` is given.
    """
    values = spa_placeholders() if placeholders is None else placeholders
    questions = [q for q in questions if getattr(q, "active", True)]
    if points is None:
        points = point_index()
    return [
        Rule(
            code=q.code,
            text=q.text,
            kind=q.kind,
            on_yes=q.on_yes,
            triggers=tuple(q.trigger_list()),
            avoid_points=tuple(
                sorted(
                    {p.code for p in q.avoid_points.all()}
                    | points.in_regions(r.pk for r in q.avoid_regions.all())
                    | points.with_kinds(q.avoid_caution_kinds or ())
                )
            ),
            avoid_area=q.avoid_area,
            guidance=fill(q.guidance, values),
            parent=q.parent.code if q.parent_id else "",
            light_only=q.light_pressure_only,
        )
        for q in questions
    ]


@sensitive_variables()
def screen_rows(questions, rows: Iterable[dict]) -> Result:
    """The questions' rules applied to answer rows ({"code", "answer", "detail"}, as
    HealthForm.answer_rows() makes them and HealthAnswers keeps them). Its variables
    (the answers) stay out of error reports, as the views' do."""
    return screening.screen(
        rules_from_questions(questions),
        [Answer(r.get("code") or "", r.get("answer", ""), r.get("detail", "")) for r in rows],
    )


def session_points(services) -> dict[int, set[str]]:
    """The published point codes in each service's body areas, by service id (two queries)."""
    ids = [service.pk for service in services]
    by_region: dict[int, set[str]] = {}
    for code, region_id in Point.objects.published().values_list("code", "region_id"):
        by_region.setdefault(region_id, set()).add(code)
    worked: dict[int, set[str]] = {pk: set() for pk in ids}
    links = Service.regions.through.objects.filter(service_id__in=ids)
    for service_id, region_id in links.values_list("service_id", "bodyregion_id"):
        worked[service_id] |= by_region.get(region_id, set())
    return worked
