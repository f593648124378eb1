"""Every published guide shows the cautions its content calls for, on the page and in
what is shared outside the site."""

from __future__ import annotations

import html
import json
import re

import pytest

from points import cautions
from points.models import Point, Routine

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(starter_library):
    """The starter library (tests/conftest.py)."""


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def test_every_point_page_carries_the_cautions_its_flags_require(client, library):
    points = list(
        Point.objects.published().prefetch_related("cautions", "concerns", "technique_steps")
    )
    assert len(points) == 29
    for point in points:
        text = page(client, point.get_absolute_url())
        assert "should feel strong" not in text, point.code
        for line in (cautions.NOT_MEDICAL_ADVICE, cautions.LIGHT_ONLY_PEOPLE, cautions.SKIN):
            assert line in text, (point.code, line)
        for caution in point.cautions.all():
            assert caution.text in text, (point.code, caution.text)
        gentle = all(step.pressure == "light" for step in point.technique_steps.all())
        if gentle and not point.practitioner_only:
            assert cautions.GENTLE_ONLY in text, point.code
            assert cautions.PRESSURE not in text, point.code
        concerns = {c.slug for c in point.concerns.all()}
        back = bool(concerns & {"low-back-pain", "sciatica"})
        assert (cautions.BACK_WARNING in text.split("<footer")[0]) == back, point.code


def test_light_only_points_never_imply_firm_pressure(client, library):
    for code in ("BL40", "HT7", "GV14", "GV11", "GV20", "EX-HN3"):
        text = page(client, Point.objects.get(code=code).get_absolute_url())
        assert cautions.GENTLE_ONLY in text, code


def test_shared_summaries_carry_the_pregnancy_warning(client, library):
    for point in Point.objects.published().prefetch_related("cautions"):
        if not point.avoid_in_pregnancy:
            continue
        text = page(client, point.get_absolute_url())
        description = re.search(r'<meta name="description" content="([^"]*)"', text)[1]
        og = re.search(r'<meta property="og:description" content="([^"]*)"', text)[1]
        assert "pregnan" in description.lower(), point.code
        assert "pregnan" in og.lower(), point.code
        for block in re.findall(
            r'<script type="application/ld\+json"[^>]*>(.*?)</script>', text, re.S
        ):
            data = json.loads(block)
            if data.get("@type") == "HowTo":
                assert "pregnan" in data["description"].lower(), point.code


def test_routines_carry_the_general_and_conditional_cautions(client, library):
    for routine in Routine.objects.published():
        text = page(client, routine.get_absolute_url())
        assert cautions.LIGHT_ONLY_PEOPLE in text
        assert cautions.SKIN in text
        assert cautions.NOT_MEDICAL_ADVICE in text
        codes = set(routine.steps.values_list("point__code", flat=True))
        if codes & {"BL40", "BL57"}:
            assert "if you have varicose veins or have ever had a blood clot" in text
        if codes & {"BL23", "BL52", "GV4", "BL25", "GV3"}:
            assert "If you are or might be pregnant, BL" in text or (
                "If you are or might be pregnant, GV" in text
            )
    back = page(client, "/points/routines/lower-back-relief/")
    assert cautions.BACK_WARNING in back.split("<footer")[0]


def test_no_health_claim_in_titles(client, library):
    titles = set(Routine.objects.values_list("title", flat=True))
    assert not {t for t in titles if re.search(r"\b(relief|easing|cure|heal)", t, re.I)}
    home = page(client, "/")
    assert "Find relief" not in home
