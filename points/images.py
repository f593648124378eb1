"""Checks and renditions for images staff upload (filled in by the image work)."""

import warnings

from django.conf import settings
from PIL import Image


def configure_pillow() -> None:
    # Pillow only warns between 1x and 2x its pixel limit; make that an error
    # so a decompression bomb is rejected, not half-processed.
    Image.MAX_IMAGE_PIXELS = settings.SPA_IMAGE_MAX_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)
