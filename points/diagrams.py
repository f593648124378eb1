"""Body diagrams drawn as inline SVG: where a point is, and the clickable body map.

The drawing functions take plain values and return SVG markup strings; the
three wrappers at the bottom take model instances and return safe strings for
templates. Everything is drawn in the map frame of ``points.models``: a
viewBox 500 wide and 1000 tall, so a position (x, y) lands at (x*500, y*1000).
Close-ups (hand, foot, head) have their own 0 0 400 400 frame.

The site's Content-Security-Policy forbids inline styles, so the markup uses
presentation attributes (fill, stroke, opacity) for the look it needs on its
own and CSS classes (``static/css/diagrams.css``) for hover, focus and the
selected region. Never add ``style`` attributes or ``<style>`` elements here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 500
HEIGHT = 1000
DETAIL_SIZE = 400
VIEWS = ("back", "front")
# Drawn close-ups of their own (hand, foot, head) and zoomed windows onto the
# figure, drawn with its landmarks (see WINDOWS).
DETAIL_KINDS = ("hand", "foot", "head", "shoulders", "low-back", "knees")

# A calm palette; diagrams.css can override any of it through the classes.
OUTLINE = "#6b5b4e"
BODY_FILL = "#f6efe8"
HINT = "#8a7a6c"
MARKER = "#b3261e"
REGION = "#2a7f7a"
# Text in the drawings: the reader's sans-serif; the share-card renderer maps
# "sans-serif" to a font with wide coverage (see points/raster.py).
FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"

# Where the standard points sit on the close-ups, in each close-up's own 0..1
# frame, for whoever enters detail_x / detail_y. Palm-side points (PC6, HT7)
# are drawn on the same outline seen from the palm (front=True): with the
# thumb on the viewer's left that is a left palm, so the little-finger side,
# where HT7 lies, is on the right.
DETAIL_LANDMARKS: dict[str, dict[str, tuple[float, float]]] = {
    "hand": {"LI4": (0.34, 0.615), "SI3": (0.675, 0.54), "PC6": (0.5, 0.95), "HT7": (0.63, 0.765)},
    "foot": {"LR3": (0.405, 0.6), "BL67": (0.74, 0.4), "BL60": (0.665, 0.915)},
    "head": {"GV20": (0.5, 0.06), "GB20": (0.4, 0.76), "BL10": (0.44, 0.82), "EX-HN3": (0.5, 0.4)},
}


@dataclass(frozen=True)
class Marker:
    """A point to mark, in the map frame; paired points mirror at 1 - x."""

    x: float
    y: float
    label: str
    paired: bool = False


@dataclass(frozen=True)
class RegionArea:
    """A clickable ellipse on the body map, in the map frame (rx in x units)."""

    slug: str
    name: str
    view: str
    x: float
    y: float
    rx: float
    ry: float
    paired: bool = False


# --- Numbers and paths --------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate as short text: 185.0 -> "185", 12.345 -> "12.35"."""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# A point of an outline: (x, y) or (x, y, True) where the outline turns a corner.
Pt = tuple[float, float] | tuple[float, float, bool]


def _is_corner(p: Pt) -> bool:
    return len(p) > 2 and bool(p[2])


def _smooth_path(points: Sequence[Pt], *, closed: bool = False) -> str:
    """A Catmull-Rom curve through the points as cubic Béziers (corners stay sharp)."""
    count = len(points)
    if count < 2:
        return ""
    d = [f"M{_n(points[0][0])} {_n(points[0][1])}"]
    last = count if closed else count - 1
    for i in range(last):
        p1, p2 = points[i], points[(i + 1) % count]
        if closed:
            p0, p3 = points[(i - 1) % count], points[(i + 2) % count]
        else:
            p0 = points[i - 1] if i > 0 else p1
            p3 = points[i + 2] if i + 2 < count else p2
        if _is_corner(p1):
            p0 = p1
        if _is_corner(p2):
            p3 = p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d.append(f"C{_n(c1[0])} {_n(c1[1])} {_n(c2[0])} {_n(c2[1])} {_n(p2[0])} {_n(p2[1])}")
    if closed:
        d.append("Z")
    return " ".join(d)


def _mirror(points: Iterable[Pt], width: float = WIDTH) -> list[Pt]:
    return [(width - p[0], p[1], *p[2:]) for p in points]


def _symmetric_outline(left: Sequence[Pt], width: float = WIDTH) -> str:
    """A closed outline from its left half, drawn from the top centre down to
    the bottom centre; the right half is the mirror image."""
    right = _mirror(reversed(left[1:-1]), width)
    return _smooth_path([*left, *right], closed=True)


def _both_sides(points: Sequence[Pt], width: float = WIDTH) -> list[str]:
    return [_smooth_path(points), _smooth_path(_mirror(points, width))]


# --- The standing figure -----------------------------------------------------
# The left half of the silhouette (the viewer's left), crown to crotch. Heights
# follow Drillis-Contini: chin .13, acromion .18, elbow .37, wrist .51,
# trochanter .47, crotch .53, knee .71, ankle .95.

_HEAD_AND_ARM: list[Pt] = [
    (250, 0),
    (226, 5),
    (211, 20),
    (205, 40),
    (204, 52),
    (198, 51),
    (196, 62),
    (198, 76),
    (205, 86),
    (209, 98),
    (217, 112),
    (227, 121),
    (228, 131),
    (225, 142),
    (212, 152),
    (186, 160),
    (158, 168),
    (137, 177),
    (122, 189),
    (114, 208),
    (111, 240),
    (108, 275),
    (104, 315),
    (101, 350),
    (100, 375),
    (103, 410),
    (108, 448),
    (113, 484),
    (117, 512),
    # The hand, palm forward: the thumb lies a little away from the fingers.
    (113, 526),
    (108, 542),
    (105, 557),
    (105, 567),
    (109, 573),
    (115, 572),
    (119, 566, True),
    (120, 576),
    (122, 592),
    (126, 606),
    (134, 614),
    (143, 612),
    (150, 601),
    (154, 582),
    (155, 558),
    (154, 534),
    (152, 514),
    (149, 482),
    (146, 444),
    (146, 406),
    (148, 372),
    (151, 335),
    (155, 292),
    (161, 252, True),
    # Down the side of the torso.
    (165, 280),
    (169, 312),
    (174, 345),
    (177, 375),
    (175, 405),
    (169, 435),
    (163, 465),
    (162, 500),
    (165, 545),
    (168, 600),
    (171, 660),
    (172, 705),
    (168, 742),
    (165, 790),
    (170, 840),
    (179, 890),
    (185, 928),
]

_INNER_LEG: list[Pt] = [
    (225, 928),
    (224, 890),
    (230, 840),
    (234, 790),
    (231, 745),
    (229, 712),
    (231, 670),
    (237, 610),
    (243, 560),
    (248, 534, True),
    (250, 532, True),
]

# Seen from behind: the heel, with the ankle bones either side.
_BACK_FOOT: list[Pt] = [
    (181, 948),
    (184, 964),
    (182, 982),
    (187, 995),
    (203, 1000),
    (219, 996),
    (226, 984),
    (225, 964),
    (228, 946),
]

# Seen from the front: the top of the foot, foreshortened, toes at the bottom.
_FRONT_FOOT: list[Pt] = [
    (181, 948),
    (176, 962),
    (168, 977),
    (162, 989),
    (164, 997),
    (174, 1000),
    (200, 1001),
    (224, 1000),
    (234, 995),
    (235, 982),
    (231, 962),
    (228, 946),
]

_LEFT_HALF = {
    "back": [*_HEAD_AND_ARM, *_BACK_FOOT, *_INNER_LEG],
    "front": [*_HEAD_AND_ARM, *_FRONT_FOOT, *_INNER_LEG],
}
FIGURE_OUTLINE = {view: _symmetric_outline(left) for view, left in _LEFT_HALF.items()}


def outline_polygon(view: str) -> list[tuple[float, float]]:
    """The points the drawn outline passes through, in order, in the map frame
    (0..1 both ways): close enough to the curve to test where a position lands."""
    left = _LEFT_HALF[view]
    full = [*left, *_mirror(reversed(left[1:-1]))]
    return [(p[0] / WIDTH, p[1] / HEIGHT) for p in full]


# Faint lines inside the outline that tell the views apart.
_FINGERS: list[list[Pt]] = [
    [(129, 586), (129, 610)],
    [(138, 585), (138, 613)],
    [(147, 583), (148, 607)],
]

_BACK_HINTS: list[list[Pt]] = [
    # Buttock fold.
    [(246, 528), (226, 532), (200, 530), (178, 520)],
    *_FINGERS,
]

_FRONT_HINTS: list[list[Pt]] = [
    # Collarbone, chest line, knee cap and toes.
    [(236, 156), (214, 161), (188, 164), (158, 172)],
    [(178, 255), (200, 268), (228, 266), (244, 258)],
    [
        (188, 700),
        (192, 690),
        (201, 686),
        (210, 690),
        (214, 700),
        (210, 720),
        (201, 726),
        (192, 720),
        (188, 700),
    ],
    [(214, 988), (214, 1000)],
    [(204, 990), (203, 1000)],
    [(194, 989), (192, 1000)],
    [(184, 987), (181, 999)],
    *_FINGERS,
]

# --- Landmarks a person can feel -------------------------------------------------
# In the map frame, the viewer's left half (the right half mirrors it). Levels
# of the spine follow the reference's spine landmarks: C7 at y .16, T3 (the
# inner end of the shoulder blade's spine) .20, T7 (the blade tips) .256,
# L2 .355, L4 (the top of the hip bones) .395, the sacrum below.

SPINE_LEVELS: dict[str, float] = {
    "C7": 160, "T1": 173, "T2": 187, "T3": 200, "T4": 214, "T5": 228, "T6": 242,
    "T7": 256, "T8": 270, "T9": 284, "T10": 298, "T11": 312, "T12": 326,
    "L1": 340, "L2": 355, "L3": 375, "L4": 395, "L5": 415,
}  # fmt: skip
# Vertebrae named in the locating steps, labelled on the close-ups.
_NAMED_LEVELS = ("C7", "T3", "T7", "L2", "L4")

C7 = (250.0, SPINE_LEVELS["C7"])
ACROMION = (130.0, 180.0)  # The bony tip of the shoulder.
SACRAL_HIATUS = (250.0, 492.0)  # The bottom of the sacrum, at the top of the cleft.
TROCHANTER = (168.0, 466.0)  # The bony knob at the side of the hip.

_SCAPULA: list[Pt] = [
    # Top corner, inner border down to the tip (level with T7), outer border.
    (214, 186), (212, 200), (211, 230), (206, 250), (200, 258, True),
    (188, 248), (174, 228), (160, 207), (150, 193),
]  # fmt: skip
_SCAPULA_SPINE: list[Pt] = [(212, 200), (190, 193), (160, 186), ACROMION]
_SKULL_BASE: list[Pt] = [(212, 106), (230, 101), (250, 99)]
# The rim of the pelvis: from the side, over the top (level with L4), to the
# dimple over the back of the hip bone (PSIS).
_PELVIS_RIM: list[Pt] = [(170, 428), (178, 408), (195, 396), (214, 399), (225, 412), (229, 428)]
_PSIS = (229.0, 432.0)
_SACRUM: list[Pt] = [(234, 424), (238, 456), (246, 486), SACRAL_HIATUS]
_KNEE_CREASE: list[Pt] = [(186, 712), (201, 716), (216, 712)]
_HAMSTRING_TENDONS = [[(182, 676), (186, 712)], [(220, 676), (216, 712)]]
_CALF_BELLIES: list[Pt] = [(186, 760), (194, 818), (201, 836), (208, 818), (216, 760)]
_BACK_ANKLE_BONES = [((184.0, 951.0), "outer"), ((223.0, 945.0), "inner")]
_FRONT_ANKLE_BONES = [((181.0, 951.0), "outer"), ((223.0, 945.0), "inner")]
_ACHILLES: list[Pt] = [(203, 905), (203, 975)]
_BACK_KNUCKLES = [(126.0, 582.0), (134.0, 583.0), (142.0, 582.0), (150.0, 580.0)]
_SHIN_CREST: list[Pt] = [(202, 730), (205, 800), (209, 880), (212, 925)]
_WRIST_CREASE: list[Pt] = [(117, 514), (134, 517), (152, 514)]

LANDMARK = "#7a5a44"  # Bones: a warm brown, darker than the hints.
LABEL = "#4a3f38"  # Label text: at least 7:1 on the body fill.
GUIDE = "#1f5f5b"  # Finger-width measures and guide lines: the site's teal.

Transform = Callable[[float, float], tuple[float, float]]


def _identity(x: float, y: float) -> tuple[float, float]:
    return x, y


def _tf(points: Iterable[Pt], tf: Transform) -> list[Pt]:
    return [(*tf(p[0], p[1]), *p[2:]) for p in points]


def _lines(lines: Iterable[Sequence[Pt]], tf: Transform, *, mirror: bool = True) -> str:
    paths = []
    for line in lines:
        paths.append(_smooth_path(_tf(line, tf)))
        if mirror:
            paths.append(_smooth_path(_tf(_mirror(line), tf)))
    return " ".join(paths)


def _hint_paths(lines: list[list[Pt]], tf: Transform = _identity, width: float = 1.5) -> str:
    return (
        f'<path class="figure-hint" d="{_lines(lines, tf)}" fill="none" stroke="{HINT}" '
        f'stroke-width="{_n(width)}" stroke-linecap="round" stroke-linejoin="round" '
        'opacity="0.45"/>'
    )


def _bone_paths(lines: Iterable[Sequence[Pt]], tf: Transform, width: float, *, css: str) -> str:
    return (
        f'<path class="landmark {css}" d="{_lines(lines, tf)}" fill="none" stroke="{LANDMARK}" '
        f'stroke-width="{_n(width)}" stroke-linecap="round" stroke-linejoin="round" '
        'opacity="0.8"/>'
    )


def _bumps(spots: Iterable[tuple[float, float]], r: float, tf: Transform, *, css: str) -> str:
    out = []
    for x, y in spots:
        for sx in (x, WIDTH - x):
            cx, cy = tf(sx, y)
            out.append(
                f'<circle class="landmark {css}" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" '
                f'fill="none" stroke="{LANDMARK}" stroke-width="{_n(r / 2.5)}" opacity="0.8"/>'
            )
    return "".join(out)


def _label(x: float, y: float, text: str, *, size: float, anchor: str = "start") -> str:
    return (
        f'<text class="landmark-label" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" '
        f'font-size="{_n(size)}" font-family="{FONT}" fill="{LABEL}" paint-order="stroke" '
        f'stroke="{BODY_FILL}" stroke-width="{_n(size / 4)}" stroke-linejoin="round">'
        f"{escape(text)}</text>"
    )


def _spine(tf: Transform, zoom: float, labels: bool) -> str:
    """The spine as a row of bumps (one per vertebra, C7 the biggest), then the sacrum."""
    ticks, texts = [], []
    for name, y in SPINE_LEVELS.items():
        half = 7 if name == "C7" else 4.5
        (x0, y0), (x1, y1) = tf(250 - half, y), tf(250 + half, y)
        ticks.append(f"M{_n(x0)} {_n(y0)} L{_n(x1)} {_n(y1)}")
        if labels and name in _NAMED_LEVELS:
            lx, ly = tf(250 + half + 4, y)
            texts.append(_label(lx + 4, ly + 5, name, size=15))
    width = 2.2 * zoom if zoom < 1.5 else 3.2
    return (
        f'<path class="figure-spine landmark-spine" d="{" ".join(ticks)}" fill="none" '
        f'stroke="{LANDMARK}" stroke-width="{_n(width)}" stroke-linecap="round" opacity="0.8"/>'
        + _bone_paths([_SACRUM], tf, width * 0.8, css="landmark-sacrum")
        + "".join(texts)
    )


def _back_landmarks(tf: Transform, zoom: float, labels: bool) -> str:
    w = 1.8 if zoom < 1.5 else 2.6
    parts = [
        _spine(tf, zoom, labels),
        _bone_paths([_SCAPULA, _SCAPULA_SPINE], tf, w, css="landmark-shoulder-blade"),
        _bone_paths([_SKULL_BASE], tf, w, css="landmark-skull-base"),
        _bone_paths([_PELVIS_RIM], tf, w, css="landmark-pelvis-rim"),
        _bone_paths([*_HAMSTRING_TENDONS, _KNEE_CREASE], tf, w * 0.8, css="landmark-knee"),
        _hint_paths([_CALF_BELLIES, _ACHILLES], tf, w * 0.8),
        _bumps([_PSIS], 3 * max(zoom, 1) if zoom < 1.5 else 4.5, tf, css="landmark-dimple"),
        _bumps([p for p, _ in _BACK_ANKLE_BONES], 5, tf, css="landmark-ankle-bone"),
        _bumps(_BACK_KNUCKLES, 2.6, tf, css="landmark-knuckle"),
    ]
    return "".join(parts)


def _front_landmarks(tf: Transform, zoom: float) -> str:
    w = 1.8
    return "".join(
        [
            _bone_paths([_SHIN_CREST], tf, w, css="landmark-shin"),
            _bone_paths([_WRIST_CREASE], tf, w * 0.8, css="landmark-wrist-crease"),
            _bumps([p for p, _ in _FRONT_ANKLE_BONES], 5, tf, css="landmark-ankle-bone"),
        ]
    )


def _figure_body(view: str, tf: Transform = _identity, zoom: float = 1.0) -> str:
    """The outline of one view, its hints and the landmarks one can feel.

    ``tf`` maps map-frame coordinates into the drawing (the identity for the
    whole figure, a zoom for the close-up windows); at a zoom of 1.5 or more
    strokes are drawn thicker and the named vertebrae are labelled.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    left = _LEFT_HALF[view]
    outline = _smooth_path(_tf([*left, *_mirror(reversed(left[1:-1]))], tf), closed=True)
    parts = [
        f'<path class="figure-outline" d="{outline}" fill="{BODY_FILL}" '
        f'stroke="{OUTLINE}" stroke-width="3" stroke-linejoin="round"/>'
    ]
    if view == "back":
        parts.append(_hint_paths(_BACK_HINTS, tf))
        parts.append(_back_landmarks(tf, zoom, labels=zoom >= 1.3))
    else:
        parts.append(_hint_paths(_FRONT_HINTS, tf))
        midline = _lines([[(250, 150), (250, 520)]], tf, mirror=False)
        parts.append(
            f'<path class="figure-midline" d="{midline}" '
            f'fill="none" stroke="{HINT}" stroke-width="1.5" stroke-dasharray="2 8" '
            'stroke-linecap="round" opacity="0.4"/>'
        )
        parts.append(_front_landmarks(tf, zoom))
        # Eyebrows and the navel, so the front reads as a face and a front.
        brows = _lines([[(219, 50), (228, 46), (240, 48)]], tf)
        parts.append(
            f'<path class="figure-hint" d="{brows}" fill="none" stroke="{HINT}" '
            'stroke-width="2" stroke-linecap="round" opacity="0.45"/>'
        )
        cx, cy = tf(250, 392)
        parts.append(
            f'<circle class="figure-hint" cx="{_n(cx)}" cy="{_n(cy)}" r="2.5" fill="{HINT}" '
            'opacity="0.45"/>'
        )
    return "".join(parts)


# --- Markers and the SVG wrapper ---------------------------------------------


def _marker(cx: float, cy: float, label: str, *, scale: float = 1.0) -> str:
    return (
        f'<g class="marker"><title>{escape(label)}</title>'
        f'<circle class="marker-halo" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(19 * scale)}" '
        f'fill="{MARKER}" opacity="0.22"/>'
        f'<circle class="marker-dot" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(9 * scale)}" '
        f'fill="{MARKER}" stroke="#ffffff" stroke-width="{_n(3 * scale)}"/></g>'
    )


def marker_positions(marker: Marker) -> list[tuple[float, float]]:
    x, y = float(marker.x), float(marker.y)
    spots = [(x, y)]
    if marker.paired and abs(x - 0.5) > 1e-6:
        spots.append((1 - x, y))
    return spots


def _svg(
    *,
    view_box: str,
    css_class: str,
    id_prefix: str,
    title: str,
    desc: str,
    body: str,
    role: str = "img",
) -> SafeString:
    """The one place a drawing becomes markup a template may output as it is: the
    title, description and ids are escaped here, and every builder that makes a
    ``body`` escapes its own text (labels, names, region links)."""
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    return mark_safe(  # noqa: S308 - see the docstring.
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" '
        f'class="{css_class}" id="{escape(id_prefix)}" role="{role}" '
        f'aria-labelledby="{escape(title_id)}" aria-describedby="{escape(desc_id)}" '
        'preserveAspectRatio="xMidYMid meet">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>'
        f'<desc id="{escape(desc_id)}">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


# Room around the frame so the crown, soles and halos are not clipped.
PAD = 20


def figure_svg(
    view: str,
    markers: Sequence[Marker],
    *,
    title: str,
    desc: str,
    id_prefix: str = "figure",
    guide: Guide | None = None,
) -> SafeString:
    """A standing figure seen from the back or front, with the markers on it
    (and ``guide``, a measure in the map frame, when given).

    Marker positions are in the map frame: (x, y) lands at (x*500, y*1000);
    a paired marker is drawn again at 1 - x. ``id_prefix`` must be unique on
    the page (it names the svg and its title and desc).
    """
    dots = "".join(
        _marker(x * WIDTH, y * HEIGHT, m.label) for m in markers for x, y in marker_positions(m)
    )
    measure = ""
    if guide and guide.frame == "map":
        measure = _guide_svg(guide, _identity, size=20, frame=WIDTH)
    body = (
        f'<g class="figure figure-{view}">{_figure_body(view)}</g>{measure}'
        f'<g class="markers">{dots}</g>'
    )
    return _svg(
        view_box=f"{-PAD} {-PAD} {WIDTH + 2 * PAD} {HEIGHT + 2 * PAD}",
        css_class=f"body-diagram body-diagram-{view}",
        id_prefix=id_prefix,
        title=title,
        desc=desc,
        body=body,
    )


# --- Close-ups ---------------------------------------------------------------
# Each in a 400 x 400 frame, drawn as the left half of a symmetric outline
# where the shape allows it.

_S = DETAIL_SIZE

# The back of the right hand, fingers up, thumb on the viewer's left, with the
# start of the forearm at the bottom; the wrist crease is at y 305.
_HAND_POINTS: list[Pt] = [
    (134, 400),
    (137, 350),
    (140, 305),
    # The thumb, out to the left and up.
    (120, 284),
    (94, 258),
    (70, 228),
    (55, 202),
    (50, 184),
    (56, 170),
    (70, 168),
    (84, 180),
    (100, 198),
    (115, 212),
    (128, 216, True),
    # Index finger.
    (127, 160),
    (127, 100),
    (129, 66),
    (135, 52),
    (145, 47),
    (155, 52),
    (160, 68),
    (161, 110),
    (162, 166, True),
    # Middle finger.
    (164, 110),
    (165, 54),
    (170, 34),
    (181, 25),
    (192, 28),
    (199, 42),
    (201, 100),
    (202, 160, True),
    # Ring finger.
    (205, 110),
    (207, 66),
    (213, 50),
    (223, 44),
    (233, 49),
    (238, 64),
    (239, 110),
    (240, 168, True),
    # Little finger.
    (243, 130),
    (246, 104),
    (252, 91),
    (261, 87),
    (269, 92),
    (273, 106),
    (274, 150),
    (274, 200),
    (271, 245),
    (265, 280),
    (260, 305),
    (263, 350),
    (266, 400),
]
_HAND_BACK_HINTS = [
    # Knuckles, the tendons fanning to the fingers, and the nails.
    [(132, 196), (150, 190), (168, 186)],
    [(176, 184), (196, 183), (212, 186)],
    [(218, 188), (236, 192), (250, 198)],
    [(152, 292), (145, 210), (144, 150)],
    [(186, 292), (183, 200), (182, 150)],
    [(218, 292), (221, 200), (222, 150)],
    [(246, 292), (256, 205), (258, 170)],
    [(139, 66), (145, 58), (151, 66)],
    [(177, 44), (183, 36), (189, 44)],
    [(217, 62), (223, 56), (229, 62)],
    [(255, 102), (260, 97), (265, 102)],
]
_HAND_PALM_HINTS = [
    # Palm creases, the wrist crease and the two central forearm tendons.
    [(130, 236), (170, 228), (212, 214), (262, 194)],
    [(130, 262), (170, 248), (214, 238)],
    [(156, 296), (158, 262), (166, 236), (184, 210)],
    [(142, 306), (200, 312), (260, 306)],
    [(186, 400), (190, 330)],
    [(214, 400), (210, 330)],
    [(134, 140), (156, 140)],
    [(170, 120), (196, 120)],
    [(210, 124), (234, 124)],
    [(248, 150), (270, 150)],
]

# The top of the right foot, toes up, big toe on the viewer's left, ankle at
# the bottom edge.
_FOOT_POINTS: list[Pt] = [
    (152, 400),
    (141, 380),
    (132, 350),
    (114, 300),
    (101, 240),
    (96, 190),
    (97, 150),
    # Big toe.
    (100, 112),
    (108, 84),
    (123, 67),
    (141, 63),
    (157, 71),
    (165, 92),
    (167, 120, True),
    # Second toe.
    (172, 102),
    (180, 90),
    (192, 86),
    (202, 94),
    (206, 112),
    (207, 132, True),
    # Third toe.
    (212, 116),
    (220, 106),
    (231, 106),
    (239, 116),
    (242, 132),
    (243, 148, True),
    # Fourth toe.
    (247, 136),
    (255, 128),
    (265, 130),
    (272, 141),
    (274, 158, True),
    # Little toe.
    (278, 152),
    (286, 148),
    (295, 154),
    (300, 168),
    (300, 190),
    (296, 232),
    (286, 282),
    (275, 330),
    (268, 362),
    (272, 384),
    (258, 400),
]
_FOOT_HINTS = [
    # Toenails, the long tendons to the toes, the ankle bones.
    [(120, 84), (132, 74), (146, 76), (154, 88)],
    [(184, 100), (192, 94), (200, 100)],
    [(222, 118), (230, 113), (237, 119)],
    [(257, 140), (264, 136), (270, 142)],
    [(286, 160), (292, 157), (296, 163)],
    [(148, 360), (146, 260), (134, 150)],
    [(182, 360), (184, 250), (188, 150)],
    [(200, 360), (212, 250), (226, 165)],
    [(218, 360), (238, 260), (258, 180)],
    [(150, 396), (140, 380), (146, 364)],
    [(256, 396), (266, 382), (262, 366)],
]


# The head seen from behind (or, with eyebrows, from the front), and the neck.
_HEAD_LEFT: list[Pt] = [
    (200, 14),
    (150, 22),
    (112, 56),
    (92, 110),
    (88, 150),
    # Ear.
    (80, 148),
    (72, 162),
    (72, 190),
    (78, 220),
    (90, 234),
    (96, 250),
    (108, 280),
    (126, 305),
    (140, 322),
    (146, 350),
    (144, 400, True),
    (200, 400, True),
]
_HEAD_POINTS: list[Pt] = [*_HEAD_LEFT, *_mirror(reversed(_HEAD_LEFT[1:-1]), _S)]
_HEAD_BACK_HINTS = [
    # The base of the skull and the two neck muscles below it.
    [(128, 280), (162, 294), (200, 298)],
    [(180, 304), (176, 350), (176, 400)],
    [(86, 170), (80, 190), (86, 212)],
]
_HEAD_FRONT_HINTS = [
    [(150, 150), (166, 142), (186, 148)],
    [(86, 170), (80, 190), (86, 212)],
]

_DETAIL_POINTS = {"hand": _HAND_POINTS, "foot": _FOOT_POINTS, "head": _HEAD_POINTS}
_DETAILS = {
    "hand": _smooth_path(_HAND_POINTS),
    "foot": _smooth_path(_FOOT_POINTS),
    "head": _smooth_path(_HEAD_POINTS, closed=True),
}

# Labels on the drawn close-ups: (x, y, text, anchor) in the 400 frame.
_DETAIL_LABELS: dict[tuple[str, bool], list[tuple[float, float, str, str]]] = {
    ("hand", False): [(292, 196, "Knuckles", "start"), (292, 310, "Wrist", "start")],
    ("hand", True): [(292, 318, "Wrist crease", "start")],
    ("head", False): [(262, 278, "Base of the skull", "start")],
    ("foot", False): [(306, 392, "Ankle bone", "start")],
}


@dataclass(frozen=True)
class Window:
    """A close-up that zooms into the figure: a square of the map frame
    (left, top, size in map units) drawn into the 400 x 400 close-up frame,
    with the same outline and landmarks, thicker lines and named landmarks."""

    view: str
    left: float
    top: float
    size: float
    caption: str
    shows: str
    labels: tuple[tuple[float, float, str, str], ...]  # (x, y, text, anchor), map units

    @property
    def zoom(self) -> float:
        return _S / self.size

    def to_detail(self, x: float, y: float) -> tuple[float, float]:
        """A map-frame position (0..1) in this close-up's own 0..1 frame."""
        return ((x * WIDTH - self.left) / self.size, (y * HEIGHT - self.top) / self.size)

    def transform(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.left) * self.zoom, (y - self.top) * self.zoom)


WINDOWS: dict[str, Window] = {
    "shoulders": Window(
        "back", 100, 80, 300, "Neck and shoulders",
        "the neck, shoulders and upper back from behind",
        (
            (212, 96, "Base of the skull", "end"),
            (112, 200, "Shoulder tip", "start"),
            (318, 246, "Shoulder blade", "middle"),
            (262, 282, "Spine", "start"),
        ),
    ),
    "low-back": Window(
        "back", 120, 290, 260, "Lower back and hips", "the lower back and hips from behind",
        (
            (322, 392, "Top of the hip bone", "middle"),
            (282, 446, "Dimple", "start"),
            (250, 512, "Sacrum", "middle"),
            (330, 500, "Hip bone", "middle"),
        ),
    ),
    "knees": Window(
        "back", 140, 640, 220, "Backs of the knees", "the backs of the knees and calves",
        (
            (300, 700, "Tendons", "middle"),
            (300, 738, "Knee crease", "middle"),
            (300, 850, "Calf muscles", "middle"),
        ),
    ),
}  # fmt: skip


def window_position(kind: str, map_x: float, map_y: float) -> tuple[float, float]:
    """Where a map position falls in a windowed close-up, in its 0..1 frame, rounded
    as the model stores it: what a point's detail_x / detail_y should be."""
    x, y = WINDOWS[kind].to_detail(float(map_x), float(map_y))
    return round(x, 3), round(y, 3)


# --- Measures: finger-widths and guide lines ---------------------------------------


@dataclass(frozen=True)
class Guide:
    """How to measure one's way to a point, drawn from a landmark to it.

    ``fingers`` > 0 draws a ruler of that many finger-widths (the cun the
    locating steps count in); 0 draws a plain guide line with ``ticks`` (the
    fractions marked along it, e.g. (0.5,) for "halfway"). ``frame`` is
    "map" (the figure and its windowed close-ups) or a drawn close-up kind.
    """

    start: tuple[float, float]
    end: tuple[float, float]
    label: str
    fingers: int = 0
    ticks: tuple[float, ...] = ()
    frame: str = "map"


def _fingers(count: int) -> str:
    return f"{count} finger-width{'s' if count != 1 else ''}"


# Keyed by the point's standard code; the steps in starter.py count the same.
GUIDES: dict[str, Guide] = {
    "GB21": Guide(C7, ACROMION, "Halfway: C7 to the shoulder tip", ticks=(0.5,)),
    "GB30": Guide(TROCHANTER, SACRAL_HIATUS, "A third of the way to the sacrum", ticks=(1 / 3,)),
    "BL23": Guide((250, 360), (230, 360), _fingers(2), fingers=2),
    "BL25": Guide((250, 400), (230, 400), _fingers(2), fingers=2),
    "BL52": Guide((250, 360), (210, 360), _fingers(4), fingers=4),
    "BL42": Guide((250, 205), (210, 205), _fingers(4), fingers=4),
    "BL43": Guide((250, 220), (210, 220), _fingers(4), fingers=4),
    "GV4": Guide((196, 395), (304, 395), "Count up two bumps from L4"),
    "GV3": Guide((196, 395), (304, 395), "L4: level with the hip bones"),
    "BL40": Guide((186, 712), (216, 712), "Midway between tendons", ticks=(0.5,)),
    "ST36": Guide((190, 726), (190, 770), _fingers(4), fingers=4),
    "SP6": Guide((214, 944), (214, 908), _fingers(4), fingers=4),
    "PC6": Guide((200, 307), (200, 380), _fingers(3), fingers=3, frame="hand"),
}


def _guide_svg(guide: Guide, tf: Transform, *, size: float, frame: float = _S) -> str:
    """A ruler (finger-widths) or a guide line, and its label beside it."""
    (x0, y0), (x1, y1) = tf(*guide.start), tf(*guide.end)
    dx, dy = x1 - x0, y1 - y0
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    nx, ny = -dy / length, dx / length  # Unit normal.
    tick = size * 0.45
    extensions = ""
    if guide.fingers:
        # A ruler is drawn beside the line it measures, like a dimension on a
        # plan (below a level one, to the right of an upright one), so the
        # markers at its end do not hide it; thin lines lead back to the ends.
        if (ny < 0) if abs(dy) <= abs(dx) else (nx < 0):
            nx, ny = -nx, -ny
        shift = size * 2.1
        ox, oy = nx * shift, ny * shift
        extensions = (
            f'<path class="guide-extension" d="M{_n(x0)} {_n(y0)} L{_n(x0 + ox)} {_n(y0 + oy)} '
            f'M{_n(x1)} {_n(y1)} L{_n(x1 + ox)} {_n(y1 + oy)}" fill="none" stroke="{GUIDE}" '
            f'stroke-width="{_n(size * 0.08)}" stroke-dasharray="{_n(size * 0.2)}"/>'
        )
        x0, y0, x1, y1 = x0 + ox, y0 + oy, x1 + ox, y1 + oy
    d = [f"M{_n(x0)} {_n(y0)} L{_n(x1)} {_n(y1)}"]
    if guide.fingers:
        marks = [i / guide.fingers for i in range(guide.fingers + 1)]
    else:
        marks = list(guide.ticks)
    for t in marks:
        px, py = x0 + dx * t, y0 + dy * t
        d.append(
            f"M{_n(px - nx * tick)} {_n(py - ny * tick)} L{_n(px + nx * tick)} {_n(py + ny * tick)}"
        )
    dash = "" if guide.fingers else f' stroke-dasharray="{_n(size * 0.5)} {_n(size * 0.35)}"'
    line = (
        f'<path class="guide-line" d="{" ".join(d)}" fill="none" stroke="{GUIDE}" '
        f'stroke-width="{_n(size * 0.17)}" stroke-linecap="round"{dash}/>{extensions}'
    )
    # The label just below a level ruler, or beside a slanted or upright one.
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    if abs(dy) <= abs(dx) * 0.6:
        # Centred under a ruler, over a guide line, kept inside the frame
        # (bold letters run about 0.6 em wide).
        half = len(guide.label) * size * 0.31
        lx, anchor = min(max(mx, half + 4), frame - half - 4), "middle"
        ly = max(y0, y1) + size * 1.55 if guide.fingers else min(y0, y1) - size * 0.7
    else:
        lx, ly, anchor = max(x0, x1) + size * 0.8, my + size * 0.35, "start"
    text = (
        f'<text class="guide-label" x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" '
        f'font-size="{_n(size)}" font-weight="600" font-family="{FONT}" fill="{GUIDE}" '
        'paint-order="stroke" '
        f'stroke="#ffffff" stroke-width="{_n(size * 0.3)}" stroke-linejoin="round">'
        f"{escape(guide.label)}</text>"
    )
    return f'<g class="guide">{line}{text}</g>'


def detail_polygon(kind: str) -> list[tuple[float, float]]:
    """Like outline_polygon, for a close-up (its own 0..1 frame)."""
    if kind in WINDOWS:
        window = WINDOWS[kind]
        return [window.to_detail(x, y) for x, y in outline_polygon(window.view)]
    return [(p[0] / _S, p[1] / _S) for p in _DETAIL_POINTS[kind]]


def _detail_caption(kind: str, front: bool) -> str:
    """The short label drawn in the close-up's top right corner."""
    if kind in WINDOWS:
        return WINDOWS[kind].caption
    if kind == "hand":
        return "Palm side" if front else "Back of the hand"
    if kind == "foot":
        return "Top of the foot"
    return "Face side" if front else "From behind"


def _detail_name(kind: str, front: bool) -> str:
    """What the close-up shows, for its title and description."""
    if kind in WINDOWS:
        return WINDOWS[kind].shows
    if kind == "hand":
        return "the palm side of the hand and wrist" if front else "the back of the hand"
    if kind == "foot":
        return "the top of the foot"
    return "the head from the front" if front else "the head from behind"


def _detail_hints(kind: str, front: bool) -> str:
    if kind == "hand":
        d = " ".join(
            _smooth_path(line) for line in (_HAND_PALM_HINTS if front else _HAND_BACK_HINTS)
        )
    elif kind == "foot":
        d = " ".join(_smooth_path(line) for line in _FOOT_HINTS)
    else:
        lines = _HEAD_FRONT_HINTS if front else _HEAD_BACK_HINTS
        d = " ".join(path for line in lines for path in _both_sides(line, _S))
    return (
        f'<path class="figure-hint" d="{d}" fill="none" stroke="{HINT}" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round" opacity="0.5"/>'
    )


def _labels(labels: Iterable[tuple[float, float, str, str]], tf: Transform) -> str:
    return "".join(_label(*tf(x, y), text, size=16, anchor=anchor) for x, y, text, anchor in labels)


def _detail_drawing(kind: str, front: bool) -> str:
    """The close-up's picture without markers: drawn, or a window onto the figure."""
    if kind in WINDOWS:
        window = WINDOWS[kind]
        return (
            f'<g class="detail detail-{kind}">'
            f"{_figure_body(window.view, window.transform, window.zoom)}"
            f"{_labels(window.labels, window.transform)}</g>"
        )
    return (
        f'<g class="detail detail-{kind}">'
        f'<path class="figure-outline" d="{_DETAILS[kind]}" fill="{BODY_FILL}" stroke="{OUTLINE}" '
        f'stroke-width="3" stroke-linejoin="round"/>{_detail_hints(kind, front)}'
        f"{_labels(_DETAIL_LABELS.get((kind, front), ()), _identity)}</g>"
    )


def detail_svg(
    kind: str,
    x: float,
    y: float,
    *,
    title: str,
    desc: str,
    front: bool = False,
    paired: bool = False,
    id_prefix: str = "detail",
    guide: Guide | None = None,
) -> SafeString:
    """A close-up with one point marked.

    ``kind`` is a drawn close-up (``hand``, ``foot``, ``head``) or a window
    onto the figure (``WINDOWS``: ``shoulders``, ``low-back``, ``knees``).
    (x, y) is in the close-up's own 0..1 frame (see DETAIL_LANDMARKS and
    window_position). ``front`` shows the palm side of the hand, or faint
    eyebrows on the head for face-side points; the caption in the corner says
    which side is shown. ``paired`` marks the mirror spot at 1 - x too (both
    sides of the head, the back or the knees). ``guide`` draws how to measure
    the way to the point.
    """
    if kind not in DETAIL_KINDS:
        raise ValueError(f"kind must be one of {DETAIL_KINDS}, not {kind!r}")
    if kind in WINDOWS:
        window = WINDOWS[kind]
        # Paired points mirror about the body's midline, which is the window's
        # only if the window is centred on it.
        mirror_x = (WIDTH - window.left * 2 - window.size) / window.size
        spots = [(x, y)]
        if paired and abs(x * window.size + window.left - WIDTH / 2) > 1e-3:
            spots.append((mirror_x + 1 - x, y))
        guide_tf: Transform = window.transform
    else:
        spots = marker_positions(Marker(x, y, title, paired))
        guide_tf = _identity
    dots = "".join(_marker(sx * _S, sy * _S, title, scale=1.2) for sx, sy in spots)
    guide_markup = ""
    if guide is not None and (guide.frame == "map") == (kind in WINDOWS):
        guide_markup = _guide_svg(guide, guide_tf, size=17)
    caption = _detail_caption(kind, front)
    body = (
        f"{_detail_drawing(kind, front)}{guide_markup}"
        f'<g class="markers">{dots}</g>'
        f'<text class="diagram-caption" x="{_S - 6}" y="26" text-anchor="end" '
        f'font-size="20" font-family="{FONT}" fill="{OUTLINE}" paint-order="stroke" '
        'stroke="#ffffff" '
        f'stroke-width="5" stroke-linejoin="round">{escape(caption)}</text>'
    )
    return _svg(
        view_box=f"0 0 {_S} {_S}",
        css_class=f"detail-diagram detail-diagram-{kind}",
        id_prefix=id_prefix,
        title=title,
        desc=desc,
        body=body,
    )


# --- The body map -------------------------------------------------------------

_MAP_GAP = 60  # Between the two figures.
_MAP_TOP = 84  # Room for the "Back" and "Front" labels.
# The smallest tap area around a region, in drawing units: at the phone's smallest
# map (300 px tall for 1104 units) that is 25 px across, over WCAG 2.5.8's 24 px.
_MIN_HIT = 46


def body_map_svg(
    regions: Sequence[RegionArea],
    selected: str | None,
    href: Callable[[str], str],
    *,
    id_prefix: str = "body-map",
    title: str = "Body map: choose where it hurts",
    desc: str = "The back and the front of the body side by side. "
    "Each shaded area is a link to the points for that part of the body.",
) -> SafeString:
    """Back and front views side by side; each region is a link wrapping its
    ellipse (two when paired), and the ``selected`` slug gets ``is-selected``."""
    offsets = {"back": 0, "front": WIDTH + _MAP_GAP}
    figures = "".join(
        f'<g class="figure figure-{view}" transform="translate({offset} {_MAP_TOP})">'
        f"{_figure_body(view)}</g>"
        f'<text class="body-map-label" x="{offset + WIDTH / 2:g}" y="{_MAP_TOP - 30}" '
        f'text-anchor="middle" font-size="52" fill="{OUTLINE}">{view.title()}</text>'
        for view, offset in offsets.items()
    )
    links = []
    for region in regions:
        if region.view not in offsets:
            raise ValueError(f"region {region.slug!r} has unknown view {region.view!r}")
        spots = marker_positions(Marker(region.x, region.y, region.name, region.paired))
        rx, ry = float(region.rx) * WIDTH, float(region.ry) * HEIGHT
        ellipses = "".join(
            # An invisible, larger tap area first, then the shaded region itself.
            f'<ellipse class="region-hit" cx="{_n(offsets[region.view] + sx * WIDTH)}" '
            f'cy="{_n(_MAP_TOP + sy * HEIGHT)}" rx="{_n(max(rx, _MIN_HIT))}" '
            f'ry="{_n(max(ry, _MIN_HIT))}" fill="transparent"/>'
            f'<ellipse class="region-area" cx="{_n(offsets[region.view] + sx * WIDTH)}" '
            f'cy="{_n(_MAP_TOP + sy * HEIGHT)}" rx="{_n(rx)}" ry="{_n(ry)}" fill="{REGION}" '
            f'fill-opacity="0.18" stroke="{REGION}" stroke-width="2" stroke-opacity="0.6"/>'
            for sx, sy in spots
        )
        selected_here = region.slug == selected
        css = "region-link is-selected" if selected_here else "region-link"
        current = ' aria-current="true"' if selected_here else ""
        links.append(
            f'<a class="{css}" href="{escape(href(region.slug))}" '
            f'aria-label="{escape(region.name)}"{current}>'
            f"<title>{escape(region.name)}</title>{ellipses}</a>"
        )
    body = f'{figures}<g class="regions">{"".join(links)}</g>'
    return _svg(
        view_box=f"{-PAD} 0 {2 * WIDTH + _MAP_GAP + 2 * PAD} {HEIGHT + _MAP_TOP + PAD}",
        css_class="body-map-svg",
        id_prefix=id_prefix,
        title=title,
        desc=desc,
        body=body,
        role="group",
    )


# --- Model wrappers -------------------------------------------------------------


def point_guide(point) -> Guide | None:
    """The measure drawn for a point located by finger-widths or a guide line."""
    return GUIDES.get(point.code)


def point_diagram(point) -> SafeString:
    """The full-body diagram for a ``Point``, its spot marked (both sides if paired).

    A point's measure is drawn here only when it has no close-up to carry it."""
    side = "back" if point.view == "back" else "front"
    region = getattr(point.region, "name", "")
    where = f" ({region.lower()})" if region else ""
    sides = ", on both sides" if point.paired else ""
    title = f"Where to find {point.code} {point.english_name}"
    desc = (
        f"An outline of a standing body seen from the {side}, with the bones you can feel "
        f"(the spine, shoulder blades, hip bones, knees and ankle bones). "
        f"A red dot marks {point.code}{where}{sides}."
    )
    marker = Marker(float(point.map_x), float(point.map_y), point.code, point.paired)
    guide = point_guide(point)
    closed_up = point.detail in WINDOWS and point.detail_x is not None
    if guide and (guide.frame != "map" or closed_up):
        guide = None
    return figure_svg(
        side, [marker], title=title, desc=desc, id_prefix=f"diagram-{point.slug}", guide=guide
    )


def point_detail(point) -> SafeString | None:
    """The close-up for a ``Point`` with ``detail`` set, else None."""
    if not point.detail or point.detail_x is None or point.detail_y is None:
        return None
    front = point.view == "front"
    shows = _detail_name(point.detail, front)
    guide = point_guide(point)
    measured = f" {guide.label}." if guide else ""
    title = f"Close-up of {point.code}: {shows}"
    desc = (
        f"A close-up drawing of {shows}, with the landmarks you can feel named. "
        f"A red dot marks {point.code} {point.english_name}.{measured}"
    )
    return detail_svg(
        point.detail,
        float(point.detail_x),
        float(point.detail_y),
        title=title,
        desc=desc,
        front=front,
        paired=point.paired and (point.detail == "head" or point.detail in WINDOWS),
        id_prefix=f"detail-{point.slug}",
        guide=guide,
    )


def body_map(regions: Iterable, selected_slug: str | None) -> SafeString:
    """The clickable body map for ``BodyRegion`` rows (a queryset or a list)."""
    areas = [
        RegionArea(
            slug=r.slug,
            name=r.name,
            view=r.view,
            x=float(r.map_x),
            y=float(r.map_y),
            rx=float(r.map_rx),
            ry=float(r.map_ry),
            paired=r.map_paired,
        )
        for r in regions
    ]
    library = reverse("points:library")
    return body_map_svg(areas, selected_slug, lambda slug: f"{library}?region={slug}")
