"""Upload battery through the real admin "add point" form (security.md §7 and §9).

Each hostile file is posted as a point's image: it must be refused with a
message beside the image field, and leave nothing behind (no point, no image
row, no file under MEDIA_ROOT). A genuine photo carrying GPS EXIF is accepted,
re-encoded without any metadata and stored under a random name.
"""

import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from points.models import Point, PointImage
from tests import factories as f
from tests.points.test_admin import ADD_URL, inline, point_form

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
MAKE = 0x010F
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width="
    b'"10" height="10"/></svg>'
)


def png(size: tuple[int, int], mode: str = "1") -> bytes:
    buffer = BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


def noisy_jpeg(size=(1900, 1450)) -> bytes:
    # Random pixels do not compress: a true 6 MB JPEG, not a padded one.
    img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = BytesIO()
    img.save(buffer, "JPEG", quality=95, subsampling=0)
    return buffer.getvalue()


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "Pocket Camera"
    exif[GPS_IFD] = {1: "N", 2: (41.0, 24.0, 12.0), 3: "W", 4: (2.0, 10.0, 26.0)}
    buffer = BytesIO()
    Image.new("RGB", (120, 80), (90, 140, 200)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@dataclass
class Case:
    label: str
    name: str
    content_type: str
    data: bytes
    message: str  # what the editor is told beside the field


def hostile_cases() -> list[Case]:
    return [
        Case(
            "100 Mpx PNG",
            "poster.png",
            "image/png",
            png((10000, 10000)),
            "too many pixels",
        ),
        Case(
            "400 Mpx PNG",
            "banner.png",
            "image/png",
            png((20000, 20000)),
            "too many pixels",
        ),
        Case("SVG", "drawing.svg", "image/svg+xml", SVG, "SVG drawings and other formats"),
        Case("SVG renamed .png", "drawing.png", "image/png", SVG, "SVG drawings"),
        Case("6 MB JPEG", "huge.jpg", "image/jpeg", noisy_jpeg(), "the limit is 5 MB"),
    ]


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def post_image(client, region, case_name: str, data: bytes, content_type: str, code: str):
    form = point_form(region, code=code, slug=code.lower())
    form.update(inline("images", [{"alt_text": "A picture", "caption": "", "position": "1"}]))
    form["images-0-image"] = SimpleUploadedFile(case_name, data, content_type)
    return client.post(ADD_URL, form)


def image_errors(response) -> tuple[dict, list[str]]:
    """The point form's own errors, and the errors beside the first image's field."""
    context = response.context
    formset = next(
        inline.formset
        for inline in context["inline_admin_formsets"]
        if inline.formset.prefix == "images"
    )
    return dict(context["adminform"].form.errors), list(formset.forms[0].errors.get("image", []))


def test_upload_battery(content_editor, settings, capsys):
    settings.SPA_IMAGE_MAX_BYTES = 5 * 1024 * 1024
    region = f.region()
    tried = rejected = accepted = 0
    for case in hostile_cases():
        if case.label == "6 MB JPEG":
            assert len(case.data) > 5 * 1024 * 1024, len(case.data)
        else:
            assert len(case.data) < 100_000, case.label  # tiny files, huge claims
        before = media_files()
        response = post_image(
            content_editor, region, case.name, case.data, case.content_type, "BL98"
        )
        tried += 1

        assert response.status_code == 200, case.label
        point_errors, errors = image_errors(response)
        assert point_errors == {}, (case.label, point_errors)
        assert errors, (case.label, errors)
        assert case.message in " ".join(errors), (case.label, errors)
        html = response.content.decode()
        # Shown on the page, in the error list of the image field's row.
        field_row = html[: html.index('name="images-0-image"')]
        assert case.message in field_row[field_row.rindex('class="errorlist') :], case.label
        assert not Point.objects.exists(), case.label
        assert not PointImage.objects.exists(), case.label
        assert media_files() == before, case.label
        rejected += 1

    # A real photo with GPS in its EXIF: accepted, cleaned, renamed.
    upload = gps_jpeg()
    assert Image.open(BytesIO(upload)).getexif().get_ifd(GPS_IFD)
    before = media_files()
    response = post_image(content_editor, region, "holiday-gps.jpg", upload, "image/jpeg", "BL97")
    tried += 1
    assert response.status_code == 302, image_errors(response) if response.context else response
    accepted += 1
    image = PointImage.objects.get(point__code="BL97")
    stored = {Path(image.image.path), Path(image.web.path)}
    assert media_files() - before == stored
    for path in stored:
        assert "holiday" not in path.name
        assert "gps" not in path.name
        assert len(path.stem) == 32
        assert int(path.stem, 16) >= 0
        data = path.read_bytes()
        assert data != upload
        reopened = Image.open(BytesIO(data))
        assert len(reopened.getexif()) == 0
        assert not reopened.getexif().get_ifd(GPS_IFD)
        assert "exif" not in reopened.info
        assert b"Pocket Camera" not in data
    assert Path(image.image.path).suffix == ".jpg"
    assert (image.width, image.height) == (120, 80)

    with capsys.disabled():  # the figures show in a normal run
        print(
            f"\nUpload battery: {tried} uploads tried, {rejected} rejected, {accepted} accepted "
            f"(stored re-encoded without EXIF/GPS under a random name); "
            f"0 rows and 0 files left by rejected uploads."
        )
    assert (tried, rejected, accepted) == (6, 5, 1)
