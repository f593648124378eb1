"""A point's diagram as a PNG share card (Open Graph / Twitter image).

Link previews cannot show inline SVG, so the card is an SVG of its own (the
page's very figure from ``points.diagrams``, nested, beside the names) turned
into PNG by resvg, a maintained SVG renderer. One drawing, two outputs: the
page and the card can never disagree. Text is set in DejaVu Sans, with
resvg falling back to any installed font that has a missing letter (Noto
Sans CJK for Chinese, Japanese and Korean), so every language's letters
appear. Nothing is written to disk and nothing is fetched.
"""

from __future__ import annotations

import hashlib
import unicodedata
from io import BytesIO

import resvg_py
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

import pagecache
from points import diagrams

CARD_WIDTH, CARD_HEIGHT = 1200, 630

# Colours from the site (static/css/site.css) and the diagrams.
PAPER = "#fbf8f4"
SAND = "#f1e8de"
LINE = "#e2d6c9"
INK = "#2b2522"
MUTED = "#5c514a"
TEAL = "#1f5f5b"
CLAY = "#9a4a2a"

# DejaVu Sans sets Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and
# Arabic; a line with Chinese, Japanese or Korean letters is set in Noto Sans
# CJK, which has Latin and Greek too (both are Debian packages:
# fonts-dejavu-core, fonts-noto-cjk). resvg falls back to any installed font
# for a letter the chosen one lacks, but then picks that font (often a serif)
# for the whole line, hence the choice per line.
FONT_FAMILY = "DejaVu Sans, sans-serif"
WIDE_FONT_FAMILY = "Noto Sans CJK SC, Noto Sans CJK JP, sans-serif"
SANS_SERIF = "DejaVu Sans"

# (left, top, width, height) in pixels: the area the 500 x 1000 map frame is
# scaled into, uniformly and centred.
Box = tuple[float, float, float, float]


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


def marker_pixels(view: str, x: float, y: float, paired: bool, box: Box) -> list[tuple[int, int]]:
    """Where the marker(s) land in ``box``: the SVG circles' centres, scaled.

    ``view`` only selects the outline; both views share the frame.
    """
    if view not in diagrams.VIEWS:
        raise ValueError(f"view must be one of {diagrams.VIEWS}, not {view!r}")
    scale, ox, oy = _frame(box)
    spots = diagrams.marker_positions(diagrams.Marker(float(x), float(y), "", paired))
    return [
        (round(ox + sx * diagrams.WIDTH * scale), round(oy + sy * diagrams.HEIGHT * scale))
        for sx, sy in spots
    ]


def figure_box(width: int = CARD_WIDTH, height: int = CARD_HEIGHT) -> Box:
    """Where the figure sits on a card of this size: the left panel."""
    pad = height * 0.06
    figure_height = height - 2 * pad
    return (pad * 1.5, pad, figure_height / 2, figure_height)


# --- Text ---------------------------------------------------------------------------


def _em(char: str) -> float:
    """A rough advance width in ems: wide for CJK, narrow for the rest.

    Only used to wrap lines; resvg does the real shaping."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.33 if char.isspace() else 0.6


def _wrap(text: str, size: float, width: float, max_lines: int) -> list[str]:
    """Lines of at most ``width`` px, breaking between words (or between any
    two wide letters, for scripts written without spaces)."""
    tokens: list[str] = []
    for word in text.split():
        if any(_em(c) == 1.0 for c in word):
            tokens.extend(word)  # each CJK letter may start a line
        else:
            tokens.append(word)
    lines: list[str] = []
    for token in tokens:
        joiner = "" if lines and _em(token[0]) == 1.0 else " "
        candidate = f"{lines[-1]}{joiner}{token}" if lines else token
        if lines and sum(_em(c) for c in candidate) * size <= width:
            lines[-1] = candidate
        else:
            lines.append(token)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while sum(_em(c) for c in last + "…") * size > width and len(last) > 1:
            last = last[:-1]
        lines[-1] = last.rstrip(" ,;:") + "…"
    return lines


def _text(x: float, y: float, text: str, size: float, colour: str, weight: int = 400) -> str:
    family = WIDE_FONT_FAMILY if any(_em(c) == 1.0 for c in text) else FONT_FAMILY
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{family}" font-size="{size:.1f}" '
        f'font-weight="{weight}" fill="{colour}">{escape(text)}</text>'
    )


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


def _text_column(point, left: float, width: int, height: int) -> str:
    column = width - left - height * 0.09
    scale = height / CARD_HEIGHT
    top = height * 0.13
    parts = []

    code_size = 40 * scale
    pad_x, pad_y = 18 * scale, 10 * scale
    badge_w = sum(_em(c) for c in point.code) * code_size + 2 * pad_x
    badge_h = code_size * 1.05 + 2 * pad_y
    parts.append(
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{badge_w:.1f}" height="{badge_h:.1f}" '
        f'rx="{10 * scale:.1f}" fill="{TEAL}"/>'
    )
    parts.append(
        _text(left + pad_x, top + pad_y + code_size * 0.9, point.code, code_size, "#ffffff", 700)
    )
    region = getattr(point.region, "name", "")
    facts = " · ".join(p for p in (region, "both sides" if point.paired else "") if p)
    if facts:
        fact_size = 28 * scale
        fact_left = left + badge_w + 22 * scale
        line = _wrap(facts, fact_size, left + column - fact_left, 1)[0]
        parts.append(_text(fact_left, top + pad_y + code_size * 0.85, line, fact_size, MUTED))

    y = top + badge_h + 34 * scale
    name_size = 66 * scale
    for line in _wrap(point.english_name, name_size, column, 2):
        y += name_size * 1.02
        parts.append(_text(left, y, line, name_size, INK, 700))
    pinyin_size = 38 * scale
    y += pinyin_size * 1.3
    parts.append(_text(left, y, point.pinyin_name, pinyin_size, CLAY))
    y += 26 * scale

    foot = height * 0.86
    summary_size = 28 * scale
    room = int((foot - 20 * scale - y) // (summary_size * 1.3))
    if room > 0:
        for line in _wrap(point.share_summary, summary_size, column, min(room, 3)):
            y += summary_size * 1.3
            parts.append(_text(left, y, line, summary_size, MUTED))

    # The spa's name at the foot, under a rule, with the brand's star.
    right = width - height * 0.09
    parts.append(
        f'<path d="M{left:.1f} {foot:.1f} H{right:.1f}" stroke="{LINE}" stroke-width="2"/>'
    )
    star_x, star_y, r = left + 12 * scale, foot + 40 * scale, 12 * scale
    star = " ".join(f"{star_x + dx * r:.1f},{star_y + dy * r:.1f}" for dx, dy in _STAR)
    parts.append(f'<polygon points="{star}" fill="{TEAL}"/>')
    parts.append(
        _text(
            left + 34 * scale,
            foot + 51 * scale,
            f"{settings.SPA_NAME} · pressure-point guides",
            32 * scale,
            TEAL,
        )
    )
    return "".join(parts)


# --- The card ---------------------------------------------------------------------


def card_svg(point, *, width: int = CARD_WIDTH, height: int = CARD_HEIGHT) -> str:
    """The share card as SVG: the page's figure (markers and all) on the left,
    the code, names and summary on the right."""
    box = figure_box(width, height)
    left, top, box_width, box_height = box
    panel_right = left * 2 + box_width
    # Nest the page's own <svg> in the card's, sized so that its map frame
    # (inside the drawing's padding) fills the box exactly as marker_pixels says.
    scale, ox, oy = _frame(box)
    pad = diagrams.PAD * scale
    figure = str(diagrams.point_diagram(point)).replace(
        "<svg ",
        f'<svg x="{ox - pad:.2f}" y="{oy - pad:.2f}" '
        f'width="{diagrams.WIDTH * scale + 2 * pad:.2f}" '
        f'height="{diagrams.HEIGHT * scale + 2 * pad:.2f}" ',
        1,
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f'<rect width="{width}" height="{height}" fill="{PAPER}"/>'
        f'<rect width="{panel_right:.1f}" height="{height}" fill="{SAND}"/>'
        f"{figure}{_text_column(point, panel_right + height * 0.09, width, height)}</svg>"
    )


def render_png(svg: str) -> bytes:
    """PNG bytes of an SVG, drawn by resvg with the system's fonts."""
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, sans_serif_family=SANS_SERIF))


def point_png(point, *, width: int = CARD_WIDTH, height: int = CARD_HEIGHT) -> bytes:
    """A share card for a ``Point``. PNG bytes."""
    drawn = Image.open(BytesIO(render_png(card_svg(point, width=width, height=height))))
    out = BytesIO()
    # A few flat colours and their anti-aliased edges: 128 palette colours look the
    # same and weigh a third as much (less to store, serve and download).
    drawn.convert("RGB").quantize(colors=128).save(out, "PNG", optimize=True)
    return out.getvalue()


# Part of each card's address: change it when cards are drawn differently (renderer,
# palette) from the same SVG, so shared caches fetch the new drawing.
CARD_STYLE = "resvg-128-colours"


def card_digest(point) -> str:
    """A hash of the card's SVG and how it is drawn: what the card's address carries.

    Cheap (no drawing), so a guide page names its card without drawing it; the PNG is
    drawn when the card is first asked for (share_card)."""

    def compute() -> str:
        return hashlib.sha256(f"{CARD_STYLE}\n{card_svg(point)}".encode()).hexdigest()[:16]

    return pagecache.get_or_compute(
        "share-card-digest", (point.pk, point.published, CARD_STYLE), compute
    )


def share_card(point) -> bytes:
    """The card's PNG, drawn once per content change and drawing style (see pagecache)."""
    return pagecache.get_or_compute(
        "share-card", (point.pk, point.published, CARD_STYLE), lambda: point_png(point)
    )


def share_card_path(point) -> str:
    return reverse("points:image", args=[point.slug, card_digest(point)])
