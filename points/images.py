"""Checks and renditions for images staff upload beside a point's diagram.

Two calls, made by the admin form (``points.forms.PointImageForm``)::

    def clean_image(self):
        upload = self.cleaned_data["image"]
        images.validate_image(upload)      # raises ValidationError with a message
        return upload

    def save(self, commit=True):
        original, web = images.reencode(upload)   # metadata gone, safe names
        instance.image.save(original.name, original, save=False)
        instance.web.save(web.name, web, save=False)

Nothing here trusts the file's name or declared content type: Pillow opens
the bytes and says what they are. Only JPEG, PNG and WebP are accepted; SVG
is refused because it can carry scripts. Every stored file is re-encoded, so
EXIF (camera, GPS position), XMP and comments never reach the site.
"""

from __future__ import annotations

import uuid
import warnings
from io import BytesIO
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 6000
WEB_LONG_SIDE = 1200

# Pillow's format name -> what we save it as, and the file suffixes it may carry.
# MPO is how Pillow names the JPEGs many phones write (a JPEG with extra frames).
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
SUFFIXES = {"JPEG": (".jpg", ".jpeg", ".jpe", ".jfif"), "PNG": (".png",), "WEBP": (".webp",)}
NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
ACCEPTED = "Upload a JPEG, PNG or WebP image"


def configure_pillow() -> None:
    # Pillow only warns between 1x and 2x its pixel limit; make that an error
    # so a decompression bomb is rejected, not half-processed.
    Image.MAX_IMAGE_PIXELS = settings.SPA_IMAGE_MAX_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def _megabytes(size: int) -> str:
    mb = size / (1024 * 1024)
    return f"{round(mb, 1):g}" if mb >= 0.1 else f"{mb:.2g}"


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        f"This image has too many pixels (at most {settings.SPA_IMAGE_MAX_PIXELS:,} and "
        f"{MAX_SIDE:,} px on either side). Resize it and upload it again.",
        code="too_many_pixels",
    )


def _open(uploaded_file) -> Image.Image:
    """Open the upload with Pillow, turning every failure into a ValidationError.

    Pillow raises DecompressionBombError past twice its pixel limit and warns
    past the limit (an error once configure_pillow has run); validate_image
    also checks the pixel count itself against the current settings.
    """
    uploaded_file.seek(0)
    try:
        return Image.open(uploaded_file)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            f"This file is not an image we can read. {ACCEPTED}; SVG drawings and "
            "other formats are not accepted.",
            code="not_an_image",
        ) from None


def validate_image(uploaded_file) -> None:
    """Raise ``ValidationError`` unless the upload is a sound JPEG, PNG or WebP.

    Checks, in order: size in bytes (``settings.SPA_IMAGE_MAX_BYTES``); that
    Pillow can open it (SVG, text and anything else cannot); its real format;
    its pixel count (``settings.SPA_IMAGE_MAX_PIXELS``) and sides (6000 px at
    most); that the file name's extension matches the real format; and that
    the whole image decodes. Leaves the file positioned at the start.
    """
    limit = settings.SPA_IMAGE_MAX_BYTES
    size = uploaded_file.size
    if size is not None and size > limit:
        raise ValidationError(
            f"This file is {_megabytes(size)} MB; the limit is {_megabytes(limit)} MB.",
            code="too_large",
        )
    try:
        with _open(uploaded_file) as img:
            found = img.format or "unknown"
            family = FORMATS.get(found)
            if family is None:
                raise ValidationError(
                    f"{found} images are not accepted. {ACCEPTED} (SVG is not accepted).",
                    code="wrong_format",
                )
            width, height = img.size
            if width * height > settings.SPA_IMAGE_MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise _too_many_pixels()
            suffix = PurePath(uploaded_file.name or "").suffix.lower()
            if suffix not in SUFFIXES[family]:
                raise ValidationError(
                    f"The file name ends in “{suffix or 'nothing'}” but the file is a "
                    f"{NAMES[family]} image. Rename it to end in {SUFFIXES[family][0]}.",
                    code="wrong_extension",
                )
            _decode(img)
    finally:
        uploaded_file.seek(0)


def _decode(img: Image.Image) -> None:
    # A truncated or corrupt file opens fine and fails only when decoded:
    # find out now, not when re-encoding on save.
    try:
        img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This image is damaged or incomplete. Export it again and upload the new file.",
            code="damaged",
        ) from None


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        img.mode == "P" and "transparency" in img.info
    )


def _flatten(img: Image.Image) -> Image.Image:
    """RGB on a white background (JPEG has no transparency)."""
    if not _has_alpha(img):
        return img.convert("RGB")
    rgba = img.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _for_format(img: Image.Image, family: str) -> Image.Image:
    if family == "JPEG":
        return img if img.mode in ("RGB", "L") else _flatten(img)
    if family == "PNG":
        return (
            img
            if img.mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16")
            else (img.convert("RGBA" if _has_alpha(img) else "RGB"))
        )
    return img if img.mode in ("RGB", "RGBA") else img.convert("RGBA" if _has_alpha(img) else "RGB")


def _save(img: Image.Image, family: str, icc_profile: bytes | None, **options) -> bytes:
    # Only what the encoder needs to draw the pixels survives: EXIF, XMP,
    # comments and text chunks are never passed on. The colour profile stays,
    # or colours shift.
    img.info = {k: v for k, v in img.info.items() if k == "transparency"}
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = BytesIO()
    img.save(buffer, format=family, **options)
    return buffer.getvalue()


def reencode(uploaded_file) -> tuple[ContentFile, ContentFile]:
    """Re-encode a validated upload: ``(original, web)`` as ``ContentFile``s.

    Call ``validate_image`` first. The EXIF orientation is applied to the
    pixels, then every piece of metadata is dropped (EXIF with GPS, XMP,
    comments). ``original`` keeps the upload's format (JPEG quality 88,
    PNG optimised, WebP quality 85) and is named ``image.jpg`` / ``.png`` /
    ``.webp``; ``web`` is a WebP at most 1200 px on its long side, named
    ``web.webp``. Pass each to ``FieldFile.save(content.name, content)``.
    """
    with _open(uploaded_file) as opened:
        family = FORMATS.get(opened.format or "")
        if family is None:
            raise ValidationError(f"{ACCEPTED}.", code="wrong_format")
        opened.load()
        icc_profile = opened.info.get("icc_profile")
        upright = ImageOps.exif_transpose(opened)
    uploaded_file.seek(0)

    by_family: dict[str, dict[str, Any]] = {
        "JPEG": {"quality": 88, "optimize": True, "progressive": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 85, "method": 6},
    }
    options = by_family[family]
    original = _save(_for_format(upright.copy(), family), family, icc_profile, **options)

    web_image = _for_format(upright.copy(), "WEBP")
    web_image.thumbnail((WEB_LONG_SIDE, WEB_LONG_SIDE), Image.Resampling.LANCZOS)
    web = _save(web_image, "WEBP", icc_profile, quality=85, method=6)

    suffix = SUFFIXES[family][0]
    return ContentFile(original, name=f"image{suffix}"), ContentFile(web, name="web.webp")


# --- Uploads kept across a failed save ---------------------------------------------
# A checked upload is put aside under pending/ with a random name; the form
# carries a signed reference, so no one can point it at another file. The
# original name is kept in the reference, for the message beside the field.

PENDING_DIR = "pending"
_PENDING_SALT = "points.images.pending"


def keep_pending(uploaded_file) -> str:
    """Store a checked upload under pending/; returns its storage name."""
    suffix = PurePath(uploaded_file.name or "").suffix.lower()
    uploaded_file.seek(0)
    name = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}{suffix}", uploaded_file)
    uploaded_file.seek(0)
    return f"{name}|{PurePath(uploaded_file.name or 'image').name[:100]}"


def sign_pending(name: str) -> str:
    return signing.dumps(name, salt=_PENDING_SALT, compress=True)


class PendingFile(File):
    """A kept upload, opened from storage, with the name it was uploaded as."""

    display_name = ""
    stored_name = ""


def open_pending(token: str, max_age: int = 24 * 3600) -> PendingFile | None:
    """The kept upload a signed reference names, or None (bad, old or gone)."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=_PENDING_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    stored, _, shown = str(value).partition("|")
    if not stored.startswith(f"{PENDING_DIR}/") or ".." in stored:
        return None
    if not default_storage.exists(stored):
        return None
    kept = PendingFile(default_storage.open(stored, "rb"), name=shown or "image")
    kept.display_name = shown
    kept.stored_name = stored
    return kept


def pending_display_name(token: str) -> str:
    """The name a kept upload was chosen under, for the note beside the field."""
    kept = open_pending(token)
    if kept is None:
        return ""
    kept.close()
    return kept.display_name


def drop_pending(name: str) -> None:
    """Delete a kept upload once it has been saved for good."""
    stored = name.partition("|")[0] if "|" in name else getattr(name, "stored_name", name)
    if stored.startswith(f"{PENDING_DIR}/"):
        default_storage.delete(stored)
