"""A point's diagram as a PNG share card (Open Graph / Twitter image).

Link previews cannot show inline SVG, so the card is drawn with Pillow from
the very markup ``points.diagrams`` produces: the figure's paths are read
back from ``figure_svg`` and the markers use its placement rule, so the PNG
and the page's SVG always agree. Nothing is written to disk.

The card is drawn SUPERSAMPLE times larger and scaled down, which gives
smooth edges (Pillow draws polygons without anti-aliasing). Coordinates are
continuous throughout, so a position p on the card is p * SUPERSAMPLE on the
large canvas.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from functools import cache
from io import BytesIO

from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

import pagecache
from points import diagrams

SUPERSAMPLE = 3
CARD_WIDTH, CARD_HEIGHT = 1200, 630

# Colours from the site (static/css/site.css) and the diagrams.
PAPER = "#fbf8f4"
SAND = "#f1e8de"
LINE = "#e2d6c9"
INK = "#2b2522"
MUTED = "#5c514a"
TEAL = "#1f5f5b"
CLAY = "#9a4a2a"

# Markers are drawn larger than the SVG's so they read in a small preview;
# their centres stay exactly where the SVG puts them.
MARKER_BOOST = 1.5
# Thin SVG strokes would vanish at card scale.
MIN_STROKE = 1.2

# (left, top, width, height) in pixels: the area the 500 x 1000 map frame is
# scaled into, uniformly and centred.
Box = tuple[float, float, float, float]

_SVG = "{http://www.w3.org/2000/svg}"


# --- Positions ----------------------------------------------------------------


def _frame(box: Box) -> tuple[float, float, float]:
    """(scale, x offset, y offset) mapping map-frame units into ``box``."""
    left, top, width, height = box
    scale = min(width / diagrams.WIDTH, height / diagrams.HEIGHT)
    return (
        scale,
        left + (width - diagrams.WIDTH * scale) / 2,
        top + (height - diagrams.HEIGHT * scale) / 2,
    )


def _marker_spots(x: float, y: float, paired: bool) -> list[tuple[float, float]]:
    # The SVG's own placement rule (a paired point mirrors at 1 - x).
    return diagrams.marker_positions(diagrams.Marker(float(x), float(y), "", paired))


def marker_pixels(view: str, x: float, y: float, paired: bool, box: Box) -> list[tuple[int, int]]:
    """Where the marker(s) land in ``box``: the SVG circles' centres, scaled.

    ``view`` only selects the outline; both views share the frame.
    """
    if view not in diagrams.VIEWS:
        raise ValueError(f"view must be one of {diagrams.VIEWS}, not {view!r}")
    scale, ox, oy = _frame(box)
    return [
        (round(ox + sx * diagrams.WIDTH * scale), round(oy + sy * diagrams.HEIGHT * scale))
        for sx, sy in _marker_spots(x, y, paired)
    ]


def figure_box(width: int = CARD_WIDTH, height: int = CARD_HEIGHT) -> Box:
    """Where the figure sits on a card of this size: the left panel."""
    pad = height * 0.06
    figure_height = height - 2 * pad
    return (pad * 1.5, pad, figure_height / 2, figure_height)


# --- Reading the SVG back -------------------------------------------------------

_TOKEN = re.compile(r"[MLCZ]|-?(?:\d+\.?\d*|\.\d+)")
_CURVE_STEPS = 10


def _cubic(p0, p1, p2, p3) -> Iterator[tuple[float, float]]:
    for i in range(1, _CURVE_STEPS + 1):
        t = i / _CURVE_STEPS
        u = 1 - t
        yield (
            u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
            u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
        )


def parse_path(d: str) -> list[tuple[list[tuple[float, float]], bool]]:
    """The subpaths of an SVG path of absolute M, L, C and Z commands (all that
    diagrams.py writes), curves flattened: [(points, closed), ...]."""
    tokens = _TOKEN.findall(d)
    subpaths: list[tuple[list[tuple[float, float]], bool]] = []
    points: list[tuple[float, float]] = []
    command, i = "", 0

    def take(count: int) -> list[tuple[float, float]]:
        nonlocal i
        values = [float(v) for v in tokens[i : i + 2 * count]]
        i += 2 * count
        return list(zip(values[::2], values[1::2], strict=True))

    while i < len(tokens):
        if tokens[i] in "MLCZ":
            command = tokens[i]
            i += 1
        if command == "M":
            if points:
                subpaths.append((points, False))
            points = take(1)
            command = "L"  # Further pairs after M are lines.
        elif command == "L":
            points += take(1)
        elif command == "C":
            c1, c2, end = take(3)
            points += _cubic(points[-1], c1, c2, end)
        elif command == "Z":
            subpaths.append((points, True))
            points, command = [], ""
        else:
            raise ValueError(f"unsupported path data: {d[:40]!r}")
    if points:
        subpaths.append((points, False))
    return subpaths


@cache
def _figure_shapes(view: str) -> list[dict]:
    """The figure's paths and circles as figure_svg draws them, in map units."""
    root = ET.fromstring(diagrams.figure_svg(view, [], title="", desc=""))  # noqa: S314 - our own markup.
    shapes = []
    for element in root.iter():
        tag = element.tag.removeprefix(_SVG)
        if tag not in ("path", "circle"):
            continue
        a = element.attrib
        shape = {
            "fill": a.get("fill", "none"),
            "stroke": a.get("stroke", "none"),
            "width": float(a.get("stroke-width", 1)),
            "opacity": float(a.get("opacity", 1)),
            "dash": [float(v) for v in a.get("stroke-dasharray", "").split()],
        }
        if tag == "path":
            shape["subpaths"] = parse_path(a["d"])
        else:
            shape["circle"] = (float(a["cx"]), float(a["cy"]), float(a["r"]))
        shapes.append(shape)
    return shapes


# --- Drawing --------------------------------------------------------------------


def _dashes(points: Sequence[tuple[float, float]], pattern: Sequence[float]):
    """Split a polyline into the "on" pieces of a dash pattern."""
    on, index, left = True, 0, pattern[0]
    piece = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        done = 0.0
        while length - done > left:
            done += left
            t = done / length
            at = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            if on:
                yield [*piece, at]
            piece = [at]
            on, index = not on, (index + 1) % len(pattern)
            left = pattern[index]
        left -= length - done
        piece.append((x1, y1))
    if on and len(piece) > 1:
        yield piece


def _stroke(draw: ImageDraw.ImageDraw, points, width: float) -> None:
    draw.line(points, fill=255, width=max(1, round(width)), joint="curve")
    radius = width / 2
    for x, y in (points[0], points[-1]):  # Round caps.
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)


def _paint(image: Image.Image, colour: str, opacity: float, shape) -> None:
    """Draw into a mask, then lay the colour through it, so overlapping
    segments of one translucent shape do not darken each other."""
    mask = Image.new("L", image.size, 0)
    shape(ImageDraw.Draw(mask))
    bbox = mask.getbbox()
    if bbox is None:
        return
    mask = mask.crop(bbox)  # Only the shape's own rectangle: far less to blend.
    if opacity < 1:
        mask = mask.point([round(v * opacity) for v in range(256)])
    image.paste(colour, bbox, mask)


def _draw_figure(image: Image.Image, view: str, box: Box) -> None:
    scale, ox, oy = _frame(box)

    def px(p):
        return (ox + p[0] * scale, oy + p[1] * scale)

    for shape in _figure_shapes(view):
        width = max(shape["width"] * scale, MIN_STROKE * SUPERSAMPLE)
        if "circle" in shape:
            cx, cy, r = shape["circle"]
            (x, y), r = px((cx, cy)), max(r * scale, width / 2)
            _paint(
                image,
                shape["fill"],
                shape["opacity"],
                lambda d, x=x, y=y, r=r: d.ellipse((x - r, y - r, x + r, y + r), fill=255),
            )
            continue
        subpaths = [([px(p) for p in points], closed) for points, closed in shape["subpaths"]]
        if shape["fill"] != "none":
            for points, _ in subpaths:
                ImageDraw.Draw(image).polygon(points, fill=shape["fill"])
        if shape["stroke"] != "none":

            def strokes(d, subpaths=subpaths, shape=shape, width=width):
                for points, closed in subpaths:
                    line = [*points, points[0]] if closed else points
                    if shape["dash"]:
                        pattern = [v * scale for v in shape["dash"]]
                        for piece in _dashes(line, pattern):
                            _stroke(d, piece, width)
                    else:
                        _stroke(d, line, width)

            _paint(image, shape["stroke"], shape["opacity"], strokes)


def _draw_markers(image: Image.Image, spots: list[tuple[float, float]], scale: float) -> None:
    halo, dot, ring = (r * scale * MARKER_BOOST for r in (19, 9, 3))
    draw = ImageDraw.Draw(image)
    for x, y in spots:
        _paint(
            image,
            diagrams.MARKER,
            0.22,
            lambda d, x=x, y=y: d.ellipse((x - halo, y - halo, x + halo, y + halo), fill=255),
        )
    for x, y in spots:
        outer = dot + ring / 2
        draw.ellipse((x - outer, y - outer, x + outer, y + outer), fill="#ffffff")
        inner = dot - ring / 2
        draw.ellipse((x - inner, y - inner, x + inner, y + inner), fill=diagrams.MARKER)


# --- Text -------------------------------------------------------------------------


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


@cache
def _has_glyph(size: int, char: str) -> bool:
    font = _font(size)
    missing = font.getmask("\U000f0000")  # A private-use character: the font's blank box.
    mask = font.getmask(char)
    return char.isspace() or (mask.size, bytes(mask)) != (missing.size, bytes(missing))


def drawable(text: str, size: int) -> str:
    """``text`` with what Pillow's built-in font lacks replaced: accents are
    dropped (ū -> u), dashes become hyphens, anything else a question mark."""
    out = []
    for char in text:
        if not _has_glyph(size, char):
            base = unicodedata.normalize("NFKD", char)
            base = "".join(c for c in base if not unicodedata.combining(c))
            if unicodedata.category(char) == "Pd":
                char = "-"
            elif base and all(_has_glyph(size, c) for c in base):
                char = base
            else:
                char = "?"
        out.append(char)
    return "".join(out)


def _wrap(text: str, size: int, width: float, max_lines: int) -> list[str]:
    font, words, lines = _font(size), text.split(), []
    for word in words:
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while font.getlength(lines[-1] + "…") > width and " " in lines[-1]:
            lines[-1] = lines[-1].rsplit(" ", 1)[0]
        lines[-1] = lines[-1].rstrip(",;:") + "…"
    return lines


# The brand's four-point star (the ✦ in the site header), unit radius.
_STAR = [
    (0, -1),
    (0.28, -0.28),
    (1, 0),
    (0.28, 0.28),
    (0, 1),
    (-0.28, 0.28),
    (-1, 0),
    (-0.28, -0.28),
]


class _Text:
    """A column of text laid out from the top, at card scale."""

    def __init__(self, draw: ImageDraw.ImageDraw, left: float, top: float, width: float):
        self.draw, self.left, self.y, self.width = draw, left, top, width

    def line(self, text: str, size: int, colour: str, *, gap: float = 0.0) -> None:
        s = SUPERSAMPLE
        text = drawable(text, size * s)
        self.draw.text((self.left * s, self.y * s), text, font=_font(size * s), fill=colour)
        self.y += size * 1.18 + gap


def _draw_text(image: Image.Image, point, left: float, width: int, height: int) -> None:
    s = SUPERSAMPLE
    draw = ImageDraw.Draw(image)
    column_width = width - left - height * 0.09
    scale = height / CARD_HEIGHT
    top = height * 0.13

    # The code in a teal badge.
    code_size = round(40 * scale)
    code = drawable(point.code, code_size * s)
    code_width = _font(code_size * s).getlength(code) / s
    pad_x, pad_y = 18 * scale, 10 * scale
    draw.rounded_rectangle(
        (
            left * s,
            top * s,
            (left + code_width + 2 * pad_x) * s,
            (top + code_size * 1.05 + 2 * pad_y) * s,
        ),
        radius=10 * scale * s,
        fill=TEAL,
    )
    draw.text(
        ((left + pad_x) * s, (top + pad_y) * s), code, font=_font(code_size * s), fill="#ffffff"
    )
    region = getattr(point.region, "name", "")
    sides = "both sides" if point.paired else ""
    facts = " · ".join(part for part in (region, sides) if part)
    if facts:
        fact_size = round(28 * scale)
        fact_left = left + code_width + 2 * pad_x + 22 * scale
        fact_width = (left + column_width - fact_left) * s
        draw.text(
            (fact_left * s, (top + pad_y + 8 * scale) * s),
            _wrap(drawable(facts, fact_size * s), fact_size * s, fact_width, 1)[0],
            font=_font(fact_size * s),
            fill=MUTED,
        )

    text = _Text(draw, left, top + code_size + 2 * pad_y + 34 * scale, column_width)
    name_size = round(70 * scale)
    name = drawable(point.english_name, name_size * s)
    for name_line in _wrap(name, name_size * s, column_width * s, 2):
        text.line(name_line, name_size, INK)
    text.y += 4 * scale
    text.line(point.pinyin_name, round(40 * scale), CLAY, gap=26 * scale)
    # The summary, in as many lines (up to three) as fit above the footer.
    foot = height - height * 0.14
    summary_size = round(29 * scale)
    room = int((foot - 24 * scale - text.y) // (summary_size * 1.18 + 6 * scale))
    if room > 0:
        summary = drawable(point.summary, summary_size * s)
        for summary_line in _wrap(summary, summary_size * s, column_width * s, min(room, 3)):
            text.line(summary_line, summary_size, MUTED, gap=6 * scale)

    # The spa's name at the foot, under a rule, with the brand's four-point star.
    draw.line((left * s, foot * s, (width - height * 0.09) * s, foot * s), fill=LINE, width=2 * s)
    spa_size = round(32 * scale)
    star_x, star_y, r = left + 12 * scale, foot + 40 * scale, 12 * scale
    draw.polygon(
        [((star_x + dx * r) * s, (star_y + dy * r) * s) for dx, dy in _STAR],
        fill=TEAL,
    )
    footer = _Text(draw, left + 34 * scale, foot + 22 * scale, column_width)
    footer.line(f"{settings.SPA_NAME} · pressure-point guides", spa_size, TEAL)


# --- The card ---------------------------------------------------------------------


def point_png(point, *, width: int = CARD_WIDTH, height: int = CARD_HEIGHT) -> bytes:
    """A share card for a ``Point``: the figure with its marker(s) on the left,
    the code, names and the spa's name on the right. PNG bytes."""
    s = SUPERSAMPLE
    view = "back" if point.view == "back" else "front"
    image = Image.new("RGB", (width * s, height * s), PAPER)
    draw = ImageDraw.Draw(image)

    box = figure_box(width, height)
    left, top, box_width, box_height = box
    panel_right = left * 2 + box_width
    draw.rectangle((0, 0, panel_right * s, height * s), fill=SAND)
    big_box = (left * s, top * s, box_width * s, box_height * s)
    _draw_figure(image, view, big_box)
    scale, ox, oy = _frame(big_box)
    spots = [
        (ox + x * diagrams.WIDTH * scale, oy + y * diagrams.HEIGHT * scale)
        for x, y in _marker_spots(point.map_x, point.map_y, point.paired)
    ]
    _draw_markers(image, spots, scale)

    _draw_text(image, point, panel_right + height * 0.09, width, height)

    card = image.reduce(s)  # Averages each s x s block: the anti-aliasing.
    out = BytesIO()
    # A few flat colours and their anti-aliased edges: 128 palette colours look the
    # same and weigh 30 KB instead of 80 (less to store, serve and download).
    card.quantize(colors=128).save(out, "PNG", optimize=True)
    return out.getvalue()


def share_card(point) -> tuple[bytes, str]:
    """The card and a hash of its bytes, drawn once per content change (see pagecache)."""

    def draw() -> tuple[bytes, str]:
        png = point_png(point)
        return png, hashlib.sha256(png).hexdigest()[:16]

    return pagecache.get_or_compute("share-card", (point.pk, point.published), draw)


def share_card_path(point) -> str:
    return reverse("points:image", args=[point.slug, share_card(point)[1]])
