import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from points.models import Concern, Point, PointImage
from tests import factories as f

ADD_URL = reverse("admin:points_point_add")


def jpeg_bytes(size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 90)).save(buf, "JPEG")
    return buf.getvalue()


def inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def point_form(region, **overrides) -> dict:
    data = {
        "code": "BL99",
        "slug": "bl99",
        "pinyin_name": "Ceshi",
        "english_name": "Editor's point",
        "meridian": "Bladder",
        "published": "on",
        "region": str(region.pk),
        "summary": "A point added by an editor.",
        "uses": "Testing the admin.",
        "self_care": "self",
        "view": "back",
        "paired": "on",
        "map_x": "0.45",
        "map_y": "0.40",
        "detail": "",
        "detail_x": "",
        "detail_y": "",
    }
    data.update(inline("locating_steps", [{"position": "1", "text": "Find the waist."}]))
    data.update(
        inline(
            "technique_steps",
            [
                {
                    "position": str(i),
                    "instruction": f"Step {i}.",
                    "pressure": "moderate",
                    "motion": "hold",
                    "duration_seconds": "45",
                    "tool": "",
                    "side": "each",
                }
                for i in (1, 2)
            ],
        )
    )
    data.update(
        inline("cautions", [{"position": "1", "kind": "pregnancy", "text": "Not in pregnancy."}])
    )
    data.update(inline("images", []))
    data.update(overrides)
    return data


def test_editor_creates_point_with_steps_and_image(content_editor, db):
    region = f.region()
    data = point_form(region)
    data.update(
        inline("images", [{"alt_text": "Thumbs on the lower back", "caption": "", "position": "1"}])
    )
    data["images-0-image"] = SimpleUploadedFile("photo.jpg", jpeg_bytes(), "image/jpeg")
    response = content_editor.post(ADD_URL, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    point = Point.objects.get(code="BL99")
    assert point.published
    assert [s.instruction for s in point.technique_steps.all()] == ["Step 1.", "Step 2."]
    assert point.cautions.get().kind == "pregnancy"
    image = PointImage.objects.get(point=point)
    assert image.alt_text == "Thumbs on the lower back"
    assert "photo" not in image.image.name  # stored under a random name
    assert image.web.name
    assert image.width == 64
    # Published at once: the public page shows it with its picture.
    from django.test import Client

    page = Client().get(point.get_absolute_url())
    assert page.status_code == 200
    assert image.display_url.encode() in page.content


def test_invalid_point_shows_errors_and_keeps_values(content_editor, db):
    region = f.region()
    data = point_form(region, map_x="1.7", english_name="Keep me")
    response = content_editor.post(ADD_URL, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "map_x" in form.errors
    assert b"Keep me" in response.content
    assert not Point.objects.exists()


def test_paired_point_must_store_left_side(content_editor, db):
    response = content_editor.post(ADD_URL, point_form(f.region(), map_x="0.6"))
    assert response.status_code == 200
    assert b"left-hand side" in response.content
    assert not Point.objects.exists()


def test_duplicate_step_positions_are_a_form_error(content_editor, db):
    data = point_form(f.region())
    data["technique_steps-1-position"] = "1"
    response = content_editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert not Point.objects.exists()


def test_svg_upload_rejected_with_message(content_editor, db):
    data = point_form(f.region())
    data.update(inline("images", [{"alt_text": "A drawing", "caption": "", "position": "1"}]))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    data["images-0-image"] = SimpleUploadedFile("drawing.svg", svg, "image/svg+xml")
    response = content_editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert b"SVG" in response.content
    assert not Point.objects.exists()


def test_image_needs_alt_text(content_editor, db):
    data = point_form(f.region())
    data.update(inline("images", [{"alt_text": "", "caption": "", "position": "1"}]))
    data["images-0-image"] = SimpleUploadedFile("photo.jpg", jpeg_bytes(), "image/jpeg")
    response = content_editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert not Point.objects.exists()


def test_publish_and_unpublish_actions(content_editor, db):
    p = f.point("BL1", published=False)
    url = reverse("admin:points_point_changelist")
    content_editor.post(url, {"action": "publish", "_selected_action": [p.pk]})
    p.refresh_from_db()
    assert p.published
    content_editor.post(url, {"action": "unpublish", "_selected_action": [p.pk]})
    p.refresh_from_db()
    assert not p.published


def test_change_page_shows_diagram_preview(content_editor, db):
    p = f.point("BL1")
    response = content_editor.get(reverse("admin:points_point_change", args=[p.pk]))
    assert response.status_code == 200
    assert b"<svg" in response.content


def test_anonymous_is_sent_to_login(anonymous, db):
    response = anonymous.get(ADD_URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_outside_group_cannot_add_points(staff_outside_group, db):
    region = f.region()
    assert staff_outside_group.get(ADD_URL).status_code == 403
    assert staff_outside_group.post(ADD_URL, point_form(region)).status_code == 403
    assert not Point.objects.exists()


@pytest.mark.parametrize(
    "name", ["points_point", "points_routine", "points_bodyregion", "points_concern", "points_tool"]
)
def test_editor_reaches_every_library_list(content_editor, db, name):
    assert content_editor.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_editor_sets_lay_names_and_synonyms_that_search_finds(content_editor, anonymous, db):
    response = content_editor.post(ADD_URL, point_form(f.region(), aliases="waist dimple, AP9"))
    assert response.status_code == 302
    assert Point.objects.get(code="BL99").alias_list == ["waist dimple", "AP9"]
    response = content_editor.post(
        reverse("admin:points_concern_add"),
        {"name": "Poor sleep", "slug": "poor-sleep", "blurb": "", "synonyms": "insomnia"},
    )
    assert response.status_code == 302
    Point.objects.get(code="BL99").concerns.add(Concern.objects.get(slug="poor-sleep"))

    library = reverse("points:library")
    for typed in ("ap9", "waist dimples", "Insomnia"):
        found = anonymous.get(library, {"q": typed}).context["page"].object_list
        assert [p.code for p in found] == ["BL99"], typed
