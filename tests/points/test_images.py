"""Uploaded images: only real JPEG, PNG or WebP, within limits, stripped of metadata."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from points import images

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def picture(size=(64, 48), mode="RGB", color="teal") -> Image.Image:
    img = Image.new(mode, size, color)
    # A few shapes, so encoders have something to compress.
    ImageDraw.Draw(img).ellipse((4, 4, size[0] // 2, size[1] // 2), fill="white")
    return img


def encode(img: Image.Image, fmt: str, **options) -> bytes:
    buffer = BytesIO()
    img.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type)


def gps_exif(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "Pocket Camera"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (41.0, 24.0, 12.0), 3: "W", 4: (2.0, 10.0, 26.0)}
    return exif.tobytes()


def rejected(file) -> str:
    with pytest.raises(ValidationError) as caught:
        images.validate_image(file)
    return " ".join(caught.value.messages)


# --- Accepted -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [
        ("photo.jpg", "JPEG", "image/jpeg"),
        ("photo.JPEG", "JPEG", "image/jpeg"),
        ("drawing.png", "PNG", "image/png"),
        ("drawing.webp", "WEBP", "image/webp"),
    ],
)
def test_real_jpeg_png_and_webp_are_accepted(name, fmt, content_type):
    file = upload(name, encode(picture(), fmt), content_type)
    images.validate_image(file)
    assert file.tell() == 0  # Ready to be read again.


def test_transparent_png_is_accepted():
    images.validate_image(upload("logo.png", encode(picture(mode="RGBA"), "PNG"), "image/png"))


# --- Rejected -------------------------------------------------------------------

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def test_svg_is_rejected():
    message = rejected(upload("drawing.svg", SVG, "image/svg+xml"))
    assert "SVG" in message
    assert "not accepted" in message


def test_svg_renamed_png_is_rejected():
    message = rejected(upload("drawing.png", SVG, "image/png"))
    assert "SVG" in message


def test_gif_is_rejected_by_its_real_format():
    file = upload("animation.gif", encode(picture(), "GIF"), "image/gif")
    message = rejected(file)
    assert "GIF" in message
    assert "JPEG, PNG or WebP" in message


def test_gif_renamed_jpg_is_rejected():
    message = rejected(upload("photo.jpg", encode(picture(), "GIF")))
    assert "GIF" in message


def test_text_renamed_jpg_is_rejected():
    message = rejected(upload("photo.jpg", b"Just some text, not a picture.\n" * 20))
    assert "not an image" in message
    assert "SVG" in message


def test_empty_file_is_rejected():
    assert "not an image" in rejected(upload("photo.jpg", b""))


def test_decompression_bomb_is_rejected():
    # 100 megapixels of one-bit black compress to a few kilobytes.
    data = encode(Image.new("1", (10000, 10000)), "PNG")
    assert len(data) < 100_000
    message = rejected(upload("huge.png", data, "image/png"))
    assert "too many pixels" in message


def test_pixel_count_over_the_setting_is_rejected(settings):
    settings.SPA_IMAGE_MAX_PIXELS = 10_000
    message = rejected(upload("big.png", encode(picture((200, 100)), "PNG"), "image/png"))
    assert "too many pixels" in message
    assert "10,000" in message


def test_side_longer_than_6000_px_is_rejected():
    data = encode(Image.new("1", (6001, 10)), "PNG")
    assert "too many pixels" in rejected(upload("strip.png", data, "image/png"))


def test_file_over_the_byte_limit_is_rejected_with_the_limit_in_mb(settings):
    settings.SPA_IMAGE_MAX_BYTES = 512 * 1024
    data = encode(Image.effect_noise((600, 600), 80).convert("RGB"), "PNG")
    assert len(data) > 512 * 1024
    message = rejected(upload("noise.png", data, "image/png"))
    assert "limit is 0.5 MB" in message


def test_default_limit_is_stated_in_mb(settings):
    settings.SPA_IMAGE_MAX_BYTES = 5 * 1024 * 1024
    file = upload("photo.jpg", encode(picture(), "JPEG"))
    file.size = 6 * 1024 * 1024  # Pretend: the size is checked before any decoding.
    assert "limit is 5 MB" in rejected(file)


def test_jpeg_named_png_is_rejected():
    message = rejected(upload("photo.png", encode(picture(), "JPEG"), "image/png"))
    assert ".png" in message
    assert "JPEG" in message
    assert ".jpg" in message


def test_png_named_webp_is_rejected():
    message = rejected(upload("photo.webp", encode(picture(), "PNG"), "image/webp"))
    assert ".webp" in message
    assert "PNG" in message


def test_name_without_extension_is_rejected():
    assert "Rename it" in rejected(upload("photo", encode(picture(), "JPEG")))


def test_truncated_image_is_rejected():
    data = encode(picture((300, 300)), "PNG")
    message = rejected(upload("cut.png", data[: len(data) // 2], "image/png"))
    assert "damaged" in message or "not an image" in message


# --- Re-encoding -------------------------------------------------------------------


def reopen(content) -> Image.Image:
    content.seek(0)
    img = Image.open(BytesIO(content.read()))
    img.load()
    return img


def test_reencode_strips_gps_exif_and_applies_orientation():
    # 40 x 20 stored sideways (orientation 6): upright it is 20 x 40.
    data = encode(picture((40, 20)), "JPEG", exif=gps_exif(orientation=6))
    assert Image.open(BytesIO(data)).getexif().get_ifd(GPS_IFD)  # The test file has GPS.
    file = upload("holiday.jpg", data)
    images.validate_image(file)
    original, web = images.reencode(file)
    for content in (original, web):
        img = reopen(content)
        assert len(img.getexif()) == 0
        assert "exif" not in img.info
        assert img.size == (20, 40)
    assert reopen(original).format == "JPEG"
    assert original.name.endswith(".jpg")


def test_reencode_strips_exif_from_webp_and_png():
    for fmt, name in (("WEBP", "a.webp"), ("PNG", "a.png")):
        data = encode(picture(), fmt, exif=gps_exif())
        original, web = images.reencode(upload(name, data, f"image/{fmt.lower()}"))
        for content in (original, web):
            img = reopen(content)
            assert len(img.getexif()) == 0
            assert "exif" not in img.info


@pytest.mark.parametrize(
    ("fmt", "name", "suffix"),
    [("JPEG", "a.jpeg", ".jpg"), ("PNG", "a.png", ".png"), ("WEBP", "a.webp", ".webp")],
)
def test_reencode_keeps_the_format_and_names_files_by_it(fmt, name, suffix):
    original, web = images.reencode(upload(name, encode(picture(), fmt)))
    assert reopen(original).format == fmt
    assert original.name == f"image{suffix}"
    assert reopen(web).format == "WEBP"
    assert web.name == "web.webp"


def test_web_rendition_is_at_most_1200_px_on_the_long_side():
    original, web = images.reencode(upload("wide.png", encode(picture((2400, 1000)), "PNG")))
    assert reopen(original).size == (2400, 1000)
    assert reopen(web).size == (1200, 500)


def test_small_images_are_not_enlarged():
    _original, web = images.reencode(upload("small.jpg", encode(picture((300, 200)), "JPEG")))
    assert reopen(web).size == (300, 200)


def test_transparency_survives_in_png_and_webp():
    logo = picture(mode="RGBA", color=(0, 0, 0, 0))
    original, web = images.reencode(upload("logo.png", encode(logo, "PNG")))
    assert reopen(original).mode == "RGBA"
    assert reopen(web).mode == "RGBA"


def test_palette_png_with_transparency_keeps_it():
    img = Image.new("P", (64, 48), 0)
    img.putpalette([0, 0, 0, 255, 255, 255, 0, 128, 128])
    ImageDraw.Draw(img).ellipse((4, 4, 40, 40), fill=2)
    data = encode(img, "PNG", transparency=0)
    original, web = images.reencode(upload("icon.png", data, "image/png"))
    assert "transparency" in reopen(original).info
    assert reopen(web).mode == "RGBA"


def test_cmyk_jpeg_becomes_rgb():
    data = encode(picture(mode="CMYK", color=(0, 80, 80, 0)), "JPEG")
    original, web = images.reencode(upload("print.jpg", data))
    assert reopen(original).mode == "RGB"
    assert reopen(web).mode == "RGB"


def test_reencode_leaves_the_upload_rewound():
    file = upload("photo.jpg", encode(picture(), "JPEG"))
    images.reencode(file)
    assert file.tell() == 0


def test_phone_jpeg_with_extra_frames_counts_as_jpeg():
    # Many phones write MPO: a JPEG with a second picture appended.
    first, second = picture(), picture(color="orange")
    data = encode(first, "MPO", save_all=True, append_images=[second])
    file = upload("phone.jpg", data)
    assert Image.open(BytesIO(data)).format == "MPO"
    images.validate_image(file)
    original, _web = images.reencode(file)
    assert reopen(original).format == "JPEG"
    assert original.name == "image.jpg"


def test_transparent_pixels_turn_white_when_saved_as_jpeg():
    rgba = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    flat = images._for_format(rgba, "JPEG")
    assert flat.mode == "RGB"
    assert flat.getpixel((0, 0)) == (255, 255, 255)
