"""The point editor: a chosen image survives a failed save, a preview of unsaved
changes, steps reordered, and the drawing to click on."""

import re

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from points import images
from points.models import Point, PointImage
from tests import factories as f
from tests.points.test_admin import ADD_URL, inline, jpeg_bytes, point_form

PENDING = re.compile(rb'name="images-0-pending_image" value="([^"]+)"')


def with_image(data: dict, alt_text: str = "Thumbs on the lower back") -> dict:
    data.update(inline("images", [{"alt_text": alt_text, "caption": "", "position": "1"}]))
    return data


def test_chosen_image_is_kept_across_a_failed_save(content_editor, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = f.region()
    data = with_image(point_form(region, summary=""))  # the summary is required
    data["images-0-image"] = SimpleUploadedFile("photo.jpg", jpeg_bytes(), "image/jpeg")
    failed = content_editor.post(ADD_URL, data)
    assert failed.status_code == 200
    assert not Point.objects.exists()
    assert not PointImage.objects.exists()
    token = PENDING.search(failed.content).group(1).decode()
    assert b"Kept from your last try: <strong>photo.jpg</strong>" in failed.content

    # The second try sends no file (browsers drop it): the kept one is used.
    data = with_image(point_form(region), alt_text="Thumbs on the lower back")
    data["images-0-pending_image"] = token
    saved = content_editor.post(ADD_URL, data)
    assert saved.status_code == 302
    image = PointImage.objects.get(point__code="BL99")
    assert image.width == 64
    assert image.web.name
    assert "photo" not in image.image.name
    # Used once, then gone from the waiting area.
    assert not default_storage.listdir(images.PENDING_DIR)[1]


def test_a_kept_image_needs_a_valid_signature(content_editor, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = with_image(point_form(f.region()))
    data["images-0-pending_image"] = images.sign_pending("points/someone-elses.jpg|x.jpg")[:-2]
    response = content_editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert b"Choose an image file" in response.content
    assert not Point.objects.exists()


def test_a_kept_file_is_checked_again_when_used(content_editor, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # A file under pending/ that is not an image (as if swapped on disk).
    name = default_storage.save("pending/abc.jpg", SimpleUploadedFile("abc.jpg", b"not an image"))
    data = with_image(point_form(f.region()))
    data["images-0-pending_image"] = images.sign_pending(f"{name}|abc.jpg")
    response = content_editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert b"not an image we can read" in response.content
    assert not Point.objects.exists()


def test_a_bad_upload_is_not_kept(content_editor, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = with_image(point_form(f.region()))
    data["images-0-image"] = SimpleUploadedFile("x.jpg", b"<svg/>", "image/jpeg")
    response = content_editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert not PENDING.search(response.content)
    assert not (tmp_path / "pending").exists() or not any((tmp_path / "pending").iterdir())


# --- Preview ---------------------------------------------------------------------------


def test_preview_shows_unsaved_changes_and_saves_nothing(content_editor, db):
    point = f.point("BL23", english_name="Kidney Shu")
    url = reverse("admin:points_point_preview", args=[point.pk])
    data = point_form(point.region, code="BL23", slug=point.slug, english_name="Unsaved name")
    # New steps after the saved ones (positions are unique per point).
    data.update(inline("locating_steps", []))
    data.update({"technique_steps-0-position": "4", "technique_steps-1-position": "5"})
    response = content_editor.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unsaved name" in html
    assert "Preview of your unsaved changes" in html
    assert "Step 2." in html  # the inline steps on the form, not the saved ones
    assert response["X-Robots-Tag"] == "noindex"
    point.refresh_from_db()
    assert point.english_name == "Kidney Shu"
    assert Point.objects.count() == 1


def test_preview_of_a_new_point_saves_nothing(content_editor, db):
    url = reverse("admin:points_point_preview_add")
    response = content_editor.post(url, point_form(f.region()))
    assert response.status_code == 200
    assert b"Editor&#x27;s point" in response.content
    assert not Point.objects.exists()


def test_preview_with_errors_says_what_to_fix(content_editor, db):
    url = reverse("admin:points_point_preview_add")
    response = content_editor.post(url, point_form(f.region(), map_x="3"))
    assert response.status_code == 200
    assert b"cannot be shown until these are fixed" in response.content
    assert not Point.objects.exists()


def test_preview_is_for_editors_only_and_post_only(client, content_editor, db):
    point = f.point("BL23")
    url = reverse("admin:points_point_preview", args=[point.pk])
    assert client.post(url, point_form(point.region)).status_code == 302  # to the login
    assert content_editor.get(url).status_code == 405


# --- Steps in a new order ----------------------------------------------------------------


def test_swapped_step_positions_save(content_editor, db):
    point = f.point("BL23", steps=2)
    first, second = point.technique_steps.all()
    url = reverse("admin:points_point_change", args=[point.pk])
    form = content_editor.get(url).context["adminform"].form
    data = point_form(point.region, code="BL23", slug=point.slug)
    data.update({k: v for k, v in form.initial.items() if k in ("region",)})
    data.update(inline("locating_steps", []))
    data.update(inline("cautions", []))
    steps = inline(
        "technique_steps",
        [
            {
                "id": str(step.pk),
                "point": str(point.pk),
                "position": str(new),
                "instruction": step.instruction,
                "pressure": step.pressure,
                "motion": step.motion,
                "duration_seconds": str(step.duration_seconds),
                "tool": "",
                "side": step.side,
            }
            for step, new in ((first, 2), (second, 1))
        ],
    )
    steps["technique_steps-INITIAL_FORMS"] = "2"
    data.update(steps)
    response = content_editor.post(url, data)
    assert response.status_code == 302, [
        (fs.formset.prefix, fs.formset.errors, fs.formset.non_form_errors())
        for fs in response.context["inline_admin_formsets"]
    ]
    assert [s.pk for s in point.technique_steps.order_by("position")] == [second.pk, first.pk]


# --- The drawing to click on ------------------------------------------------------------


def test_editor_offers_every_drawing_to_place_the_point_on(content_editor, db):
    point = f.point("BL23", detail="low-back", detail_x="0.423", detail_y="0.269")
    html = content_editor.get(reverse("admin:points_point_change", args=[point.pk])).content
    html = html.decode()
    assert html.count('class="placer-figure" data-frame="map"') == 2
    assert 'data-kind="low-back" data-window="120 290 260">' in html  # the one shown
    assert "js/point-editor.js" in html
    assert 'formaction="preview/"' in html
    add = content_editor.get(ADD_URL).content.decode()
    assert add.count('class="placer-figure"') >= 2


def test_kept_uploads_nobody_came_back_for_are_purged(settings, tmp_path):
    import os
    import time

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    old = images.keep_pending(SimpleUploadedFile("old.jpg", jpeg_bytes())).partition("|")[0]
    new = images.keep_pending(SimpleUploadedFile("new.jpg", jpeg_bytes())).partition("|")[0]
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(tmp_path / old, (two_days_ago, two_days_ago))
    call_command("purge_pending_uploads", verbosity=0)
    assert not default_storage.exists(old)
    assert default_storage.exists(new)
