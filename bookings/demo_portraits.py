"""Drawn portraits for the demo therapists: simple flat illustrations in the site's
palette, made here with Pillow, so the demo shows faces without photos of real people."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

SIZE = 320
SCALE = 3  # drawn large, then scaled down: smooth edges

# Each look: background, skin, hair, top (clothes), and the hair style.
LOOKS = {
    "lena-marsh": {
        "bg": "#d9e8e4",
        "skin": "#f1c9a5",
        "hair": "#8a4b2a",
        "top": "#1f5f5b",
        "style": "bun",
    },
    "tomas-ferreira": {
        "bg": "#f1e8de",
        "skin": "#c68e62",
        "hair": "#2b2522",
        "top": "#9a4a2a",
        "style": "short",
    },
    "priya-anand": {
        "bg": "#e8dfd0",
        "skin": "#9c6644",
        "hair": "#1d1714",
        "top": "#5c7f6e",
        "style": "long",
    },
}


def portrait_png(slug: str) -> bytes | None:
    """The PNG portrait for a demo therapist, or None if there is no drawing for them."""
    look = LOOKS.get(slug)
    if look is None:
        return None
    s = SIZE * SCALE
    image = Image.new("RGB", (s, s), look["bg"])
    d = ImageDraw.Draw(image)

    def box(x0, y0, x1, y1):  # in 0..1 of the picture
        return [x0 * s, y0 * s, x1 * s, y1 * s]

    style = look["style"]
    if style == "long":  # hair falling behind the shoulders
        d.rounded_rectangle(box(0.27, 0.22, 0.73, 0.78), radius=0.2 * s, fill=look["hair"])
    d.ellipse(box(0.14, 0.70, 0.86, 1.35), fill=look["top"])  # shoulders
    d.rectangle(box(0.43, 0.56, 0.57, 0.76), fill=look["skin"])  # neck
    d.polygon([(0.40 * s, 0.72 * s), (0.5 * s, 0.84 * s), (0.60 * s, 0.72 * s)], fill=look["skin"])
    d.ellipse(box(0.32, 0.24, 0.68, 0.66), fill=look["skin"])  # face
    d.ellipse(box(0.295, 0.42, 0.345, 0.52), fill=look["skin"])  # ears
    d.ellipse(box(0.655, 0.42, 0.705, 0.52), fill=look["skin"])
    if style == "bun":
        d.ellipse(box(0.41, 0.08, 0.59, 0.26), fill=look["hair"])
        d.chord(box(0.30, 0.20, 0.70, 0.56), 180, 360, fill=look["hair"])
    elif style == "short":
        d.chord(box(0.30, 0.19, 0.70, 0.52), 180, 360, fill=look["hair"])
        d.rectangle(box(0.31, 0.33, 0.35, 0.44), fill=look["hair"])
        d.rectangle(box(0.65, 0.33, 0.69, 0.44), fill=look["hair"])
        d.chord(box(0.34, 0.44, 0.66, 0.70), 0, 180, fill=look["hair"])  # beard
        d.ellipse(box(0.40, 0.50, 0.60, 0.62), fill=look["skin"])  # around the mouth
    else:
        d.chord(box(0.29, 0.20, 0.71, 0.58), 180, 360, fill=look["hair"])
        d.pieslice(box(0.30, 0.26, 0.56, 0.50), 180, 270, fill=look["hair"])
    eye = "#2b2522"
    d.ellipse(box(0.415, 0.43, 0.445, 0.46), fill=eye)
    d.ellipse(box(0.555, 0.43, 0.585, 0.46), fill=eye)
    d.arc(box(0.44, 0.49, 0.56, 0.57), 20, 160, fill="#7a3b2a", width=int(0.012 * s))  # smile
    d.arc(box(0.40, 0.40, 0.46, 0.43), 200, 340, fill=look["hair"], width=int(0.008 * s))
    d.arc(box(0.54, 0.40, 0.60, 0.43), 200, 340, fill=look["hair"], width=int(0.008 * s))

    out = io.BytesIO()
    image.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()
