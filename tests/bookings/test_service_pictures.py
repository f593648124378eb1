"""Pictures for sessions: the site's drawings, and staff photos checked like every upload."""

from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bookings.models import Service
from tests.points.test_admin import jpeg_bytes

PALETTE = {"#f1e8de", "#1f5f5b", "#6b5b4e", "#f6efe8"}


def service_form(service: Service, **overrides) -> dict:
    data = {
        "name": service.name,
        "slug": service.slug,
        "summary": service.summary,
        "description": service.description,
        "duration_minutes": str(service.duration_minutes),
        "price": str(service.price),
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "15",
        "active": "on",
        "order": "0",
        "illustration": "back",
        "photo_alt": "",
    }
    data.update(overrides)
    return data


def change_url(service: Service) -> str:
    return reverse("admin:bookings_service_change", args=[service.pk])


def test_every_drawing_is_a_local_svg_in_the_sites_palette():
    for choice in Service.Illustration.values:
        path = finders.find(f"img/illustrations/{choice}.svg")
        assert path, choice
        svg = open(path, encoding="utf-8").read()
        assert svg.startswith("<svg")
        assert PALETTE & set(svg.lower().split('"'))
        # Nothing fetched, nothing run.
        for banned in ("http://", "https://", "<script", "<image", "href="):
            assert banned not in svg.replace('xmlns="http://www.w3.org/2000/svg"', ""), choice


def test_service_pages_and_booking_choice_show_the_drawing(client, spa):
    service = spa["service"]
    service.illustration = "shoulders"
    service.save()
    drawing = "img/illustrations/shoulders"
    for url in (
        reverse("bookings:services"),
        reverse("bookings:service_detail", args=[service.slug]),
        reverse("bookings:service"),
        reverse("home"),
    ):
        html = client.get(url).content.decode()
        assert drawing in html, url
    # Decorative: the session's name beside it says what it is.
    drawn = 'class="service-picture service-drawing" src="/static/img/illustrations/shoulders'
    assert drawn in html


def test_staff_photo_is_checked_saved_and_shown(owner, spa, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    service = spa["service"]
    data = service_form(service, photo_alt="The quiet room with a made-up table")
    data["photo"] = SimpleUploadedFile("room.jpg", jpeg_bytes((800, 500)), "image/jpeg")
    response = owner.post(change_url(service), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    service.refresh_from_db()
    assert service.photo
    assert "room" not in service.photo.name
    assert service.photo_web.name.endswith(".webp")
    page = owner.get(reverse("bookings:service_detail", args=[service.slug])).content.decode()
    assert service.photo_web.url in page
    assert 'alt="The quiet room with a made-up table"' in page
    choice = owner.get(reverse("bookings:service")).content.decode()
    assert service.photo_web.url in choice


def test_bad_photo_is_refused_with_a_message_beside_the_field(owner, spa, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    service = spa["service"]
    data = service_form(service, photo_alt="A photo", summary="Changed summary")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    data["photo"] = SimpleUploadedFile("room.jpg", svg, "image/jpeg")
    response = owner.post(change_url(service), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "not an image we can read" in " ".join(form.errors["photo"])
    html = response.content.decode()
    # Beside the field, and every other value kept.
    assert html.index("not an image we can read") < html.index('name="photo"')
    assert "Changed summary" in html
    service.refresh_from_db()
    assert not service.photo
    assert service.summary == "A back massage."
    assert not any(tmp_path.rglob("*.*"))  # nothing stored half-way


def test_a_photo_needs_a_description(owner, spa, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    service = spa["service"]
    data = service_form(service)
    data["photo"] = SimpleUploadedFile("room.jpg", jpeg_bytes(), "image/jpeg")
    response = owner.post(change_url(service), data)
    assert response.status_code == 200
    assert "Describe the photo" in " ".join(response.context["adminform"].form.errors["photo_alt"])
    # The chosen photo is kept for the next try.
    assert b"Kept from your last try: <strong>room.jpg</strong>" in response.content
    assert not Service.objects.get(pk=service.pk).photo
