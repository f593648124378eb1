"""Starter content for the pressure-point library, as plain data.

`manage.py load_starter_library` turns this into rows; staff own the rows from
then on (the loader only ever creates what is missing). Facts come from
shared/reference/points.md and screening.md; every sentence is our own.

Map positions use the frame described in points/models.py: y from 0 at the
crown to 1 at the soles, x from 0 to 1 with the midline at 0.5. A paired
point stores the smaller x; the drawing mirrors it at 1 - x.

Close-up diagrams (``detail``, ``detail_x``, ``detail_y``)
-----------------------------------------------------------
Each close-up has its own 0..1 frame as the viewer sees the drawing: x from
the left edge (0) to the right edge (1), y from the top edge (0) to the
bottom edge (1). The positions below sit on the outlines drawn in
points/diagrams.py (and match its DETAIL_LANDMARKS); its landmarks, roughly:

hand  The back of the RIGHT hand, fingers pointing up, thumb on the viewer's
      left, wrist at the bottom. Fingertips near y 0.06 to 0.12, big knuckles
      near y 0.47, wrist crease at y 0.76; below it the start of the forearm
      (PC6 sits there). The hand runs from x 0.34 (index side) to x 0.68
      (little-finger edge); the thumb sticks out to the left, to x 0.13.
      LI4 and SI3 (view "back") are placed on this back view.
      PC6 and HT7 (view "front") are on the PALM side. The drawing reuses the
      same outline with palm creases, so the thumb stays on the viewer's left
      (strictly, a left palm): the little-finger side, where HT7 lies, is on
      the right, and PC6 sits mid-forearm between the two central tendons.
foot  The top of the RIGHT foot, toes pointing up, big toe on the viewer's
      left, ankle bones along the bottom edge. Toe tips from y 0.16 (big toe)
      to y 0.37 (little toe), the foot x 0.24 to 0.75, narrowing to x 0.35 to
      0.68 at the ankle; the outer ankle bone near (0.65, 0.95). LR3 sits in
      the groove behind the big and second toes, BL67 by the little toenail,
      BL60 on the outer edge (viewer's right) beside the outer ankle bone.
head  The head seen from BEHIND for GV20, GB20 and BL10: crown at the top
      (y 0.035), head x 0.22 to 0.78, ears at the sides around y 0.37 to
      0.58, the base of the skull near y 0.72, the neck (x 0.36 to 0.64)
      below it to the bottom edge. Paired points give the left-hand mark and
      are drawn twice (x and 1 - x), as on the body map. EX-HN3 (view
      "front") uses the same outline seen from the face side, eyebrows near
      y 0.37.
      On the hand and foot close-ups a point is drawn once (one hand, one foot).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from points.cautions import BACK_WARNING  # quoted in the back routines and SI3


# The shapes of the rows below, as the loader reads them. Decimals are written as
# strings ("0.500"); slugs and codes name rows of the other lists.
class RegionData(TypedDict):
    slug: str
    order: int
    name: str
    blurb: str
    view: str
    map_x: str
    map_y: str
    map_rx: str
    map_ry: str
    map_paired: bool


class ConcernData(TypedDict):
    slug: str
    name: str
    blurb: str
    synonyms: str


class ToolData(TypedDict):
    slug: str
    name: str
    former_names: NotRequired[list[str]]  # a row still called this is renamed


class StepData(TypedDict):
    instruction: str
    pressure: str
    motion: str
    duration_seconds: int
    tool: str | None  # a tool's slug
    side: str


class PointData(TypedDict):
    code: str
    slug: str
    pinyin_name: str
    english_name: str
    aliases: NotRequired[str]
    meridian: str
    region: str
    concerns: list[str]
    summary: str
    uses: str
    self_care: str
    view: str
    paired: bool
    map_x: str
    map_y: str
    detail: NotRequired[str]
    detail_x: NotRequired[str]
    detail_y: NotRequired[str]
    related: list[str]  # codes
    published: bool
    locating: list[str]
    technique: list[StepData]
    cautions: list[tuple[str, str]]  # (kind, text)


class RoutineData(TypedDict):
    title: str
    slug: str
    summary: str
    introduction: str
    region: str | None
    concerns: list[str]
    published: bool
    steps: list[tuple[str, int, str]]  # (point code, seconds, note)


# Caution kinds, spelled as Caution.Kind values (plain strings: no ORM here).
BL40_NOTE = (
    "Light, flat fingers only. Skip it if you have varicose veins or have ever had a blood clot."
)

PREGNANCY = "pregnancy"
PREGNANCY_CARE = "pregnancy-care"
VEINS = "veins"
NERVE_ARTERY = "nerve-artery"
BONE = "bone"
SKIN = "skin"
IMPLANT = "implant"
OTHER = "other"

# Wording reused where the reference marks the lumbar points "PG?".
BALL_BONE = (
    "With osteoporosis or fragile bones, use your thumbs with light pressure instead of a "
    "ball or knuckles."
)
LUMBAR_PREGNANCY = (
    "Some traditions advise avoiding lower-back points during pregnancy. If you are or "
    "might be pregnant, ask your therapist or midwife before pressing here."
)
KIDNEY_AREA = (
    "The kidneys lie deep under this part of the back: press and hold steadily, but never "
    "pound, punch or chop here."
)
HIGH_BLOOD_PRESSURE = (
    "If you have high blood pressure, keep to gentle pressure here, and check with your "
    "doctor first if it is not well controlled."
)
LOW_FEELING = (
    "If your legs or feet have reduced feeling (for example from diabetes), use only light "
    "pressure: you may not notice when you are pressing too hard."
)


def step(
    instruction: str,
    pressure: str,
    motion: str,
    seconds: int,
    tool: str | None = None,
    side: str = "each",
) -> StepData:
    """One technique step; ``seconds`` is per side when ``side`` is "each"."""
    return {
        "instruction": instruction,
        "pressure": pressure,
        "motion": motion,
        "duration_seconds": seconds,
        "tool": tool,
        "side": side,
    }


REGIONS: list[RegionData] = [
    {
        "slug": "head",
        "order": 1,
        "name": "Head and face",
        "blurb": "The crown and the forehead: points for headaches, a busy mind and winding down.",
        "view": "back",
        "map_x": "0.500",
        "map_y": "0.060",
        "map_rx": "0.070",
        "map_ry": "0.055",
        "map_paired": False,
    },
    {
        "slug": "neck",
        "order": 2,
        "name": "Neck",
        "blurb": "The back of the neck and the base of the skull, where desk tension collects.",
        "view": "back",
        "map_x": "0.500",
        "map_y": "0.130",
        "map_rx": "0.065",
        "map_ry": "0.035",
        "map_paired": False,
    },
    {
        "slug": "upper-back",
        "order": 3,
        "name": "Shoulders and upper back",
        "blurb": "The tops of the shoulders and the muscles in and around the shoulder blades.",
        "view": "back",
        "map_x": "0.500",
        "map_y": "0.215",
        "map_rx": "0.200",
        "map_ry": "0.055",
        "map_paired": False,
    },
    {
        "slug": "lower-back",
        "order": 4,
        "name": "Lower back",
        "blurb": "The small of the back, from the waistline down to the tops of the hip bones.",
        "view": "back",
        "map_x": "0.500",
        "map_y": "0.375",
        "map_rx": "0.120",
        "map_ry": "0.045",
        "map_paired": False,
    },
    {
        "slug": "hips",
        "order": 5,
        "name": "Hips, sacrum and buttocks",
        "blurb": "Deep aches in the buttocks and hips, and pain that travels down the leg.",
        "view": "back",
        "map_x": "0.500",
        "map_y": "0.465",
        "map_rx": "0.150",
        "map_ry": "0.040",
        "map_paired": False,
    },
    {
        "slug": "legs",
        "order": 6,
        "name": "Legs and knees",
        "blurb": "From the knee down to the calf and shin: tired legs, cramps and back pain.",
        "view": "back",
        "map_x": "0.410",
        "map_y": "0.740",
        "map_rx": "0.060",
        "map_ry": "0.190",
        "map_paired": True,
    },
    {
        "slug": "feet",
        "order": 7,
        "name": "Ankles and feet",
        "blurb": "Points around the ankle bones and on the top of the foot.",
        "view": "front",
        "map_x": "0.420",
        "map_y": "0.960",
        "map_rx": "0.060",
        "map_ry": "0.035",
        "map_paired": True,
    },
    {
        "slug": "hands",
        "order": 8,
        "name": "Hands, wrists and forearms",
        "blurb": "Handy points you can press anywhere: on a train, at your desk or in bed.",
        "view": "front",
        "map_x": "0.255",
        "map_y": "0.510",
        "map_rx": "0.050",
        "map_ry": "0.060",
        "map_paired": True,
    },
]

CONCERNS: list[ConcernData] = [
    {
        "slug": "low-back-pain",
        "name": "Low back pain",
        "blurb": "Aching or stiffness across the small of the back.",
        "synonyms": "lower back pain, backache, bad back, sore back, lumbago",
    },
    {
        "slug": "sciatica",
        "name": "Sciatica",
        "blurb": "Pain that travels from the buttock down the back or side of the leg.",
        "synonyms": "sciatic pain, pain down the leg, shooting leg pain, trapped nerve",
    },
    {
        "slug": "neck-shoulder-tension",
        "name": "Neck and shoulder tension",
        "blurb": "Tight shoulders and a stiff neck from screens, desks and stress.",
        "synonyms": (
            "sore neck, stiff neck, neck pain, crick in the neck, tight shoulders, "
            "sore shoulders, shoulder pain"
        ),
    },
    {
        "slug": "tension-headache",
        "name": "Tension headache",
        "blurb": "A dull, band-like headache that often starts in the neck.",
        "synonyms": "headache, head pain, sore head",
    },
    {
        "slug": "stress-anxiety",
        "name": "Stress and anxiety",
        "blurb": "Feeling wound up or worried, or finding it hard to switch off.",
        "synonyms": (
            "worry, nerves, feeling anxious, feeling stressed, can't switch off, overwhelmed"
        ),
    },
    {
        "slug": "poor-sleep",
        "name": "Poor sleep",
        "blurb": "Trouble dropping off, or waking in the night and staying awake.",
        "synonyms": (
            "insomnia, sleeplessness, can't sleep, trouble sleeping, "
            "sleep problems, waking at night"
        ),
    },
    {
        "slug": "upper-back-pain",
        "name": "Upper back pain",
        "blurb": "Aches between and around the shoulder blades.",
        "synonyms": "between the shoulder blades, shoulder blade pain, mid back pain",
    },
    {
        "slug": "hip-buttock-pain",
        "name": "Hip and buttock pain",
        "blurb": "A deep ache in the buttock or around the hip joint.",
        "synonyms": "hip pain, sore hips, buttock pain, sore glutes",
    },
    {
        "slug": "leg-cramps-aches",
        "name": "Leg cramps and aches",
        "blurb": "Cramping calves and heavy, tired legs at the end of the day.",
        "synonyms": "cramp, calf cramps, tired legs, heavy legs, sore calves",
    },
    {
        "slug": "fatigue",
        "name": "Fatigue",
        "blurb": "Feeling drained, flat and short of energy.",
        "synonyms": "tiredness, tired, exhaustion, low energy, run down, worn out",
    },
    {
        "slug": "nausea",
        "name": "Nausea",
        "blurb": "A queasy, unsettled stomach, travel sickness included.",
        "synonyms": (
            "feeling sick, sickness, travel sickness, motion sickness, "
            "car sickness, seasickness, queasy"
        ),
    },
    {
        "slug": "period-pain",
        "name": "Period pain",
        "blurb": "Cramps in the lower belly and back around a period.",
        "synonyms": "period cramps, menstrual cramps, menstrual pain",
    },
]

TOOLS: list[ToolData] = [
    {"slug": "thumb", "name": "Thumb"},
    {"slug": "fingertips", "name": "Fingertips"},
    {"slug": "knuckle", "name": "Knuckle"},
    {"slug": "palm", "name": "Palm"},
    {"slug": "pinch-grip", "name": "Pinch-and-squeeze grip"},
    # Renamed from "Massage ball": the loader renames a row still called that.
    {
        "slug": "massage-ball",
        "name": "Massage ball or tennis ball",
        "former_names": ["Massage ball"],
    },
    {"slug": "foam-roller", "name": "Foam roller"},
    {"slug": "partner-hands", "name": "Partner's hands"},
]

POINTS: list[PointData] = [
    # --- Head and neck ------------------------------------------------------
    {
        "code": "GV20",
        "slug": "gv20",
        "pinyin_name": "Baihui",
        "english_name": "Hundred Meetings",
        "aliases": "crown point, top of the head",
        "meridian": "Governing Vessel",
        "region": "head",
        "concerns": ["tension-headache", "stress-anxiety", "poor-sleep"],
        "summary": (
            "A soft spot on the very top of the head that people press gently when the mind "
            "is busy or a heavy, dull headache sits on top."
        ),
        "uses": (
            "People reach for this crown point when a headache sits on top of the head, when "
            "they feel a little light-headed and unsettled, or simply to wind down. Some spa "
            "guides list it for back pain, but its traditional role is calming and settling the "
            "head, so that is where we file it. It pairs well with Yintang between the "
            "eyebrows. Dizziness that is new, strong or keeps coming back needs a doctor "
            "rather than a pressure point."
        ),
        "self_care": "self",
        "view": "back",
        "paired": False,
        "map_x": "0.500",
        "map_y": "0.020",
        "detail": "head",
        "detail_x": "0.500",
        "detail_y": "0.060",
        "related": ["EX-HN3", "GB20"],
        "published": True,
        "locating": [
            "Fold the tops of both ears forward and imagine a line running from one ear tip "
            "to the other, straight over the top of your head.",
            "Follow the middle of the head back from the front hairline, about seven "
            "finger-widths, until you meet that imaginary line.",
            "Where the two cross there is a slight dip, often a little softer or more tender "
            "than the scalp around it.",
        ],
        "technique": [
            step(
                "Sit upright, let your shoulders drop and breathe out slowly. Rest the tip of "
                "your middle finger on the point, with the fingers either side for support.",
                "light",
                "hold",
                30,
                "fingertips",
                "midline",
            ),
            step(
                "As you breathe out, press straight down into the scalp, letting the pressure "
                "build slowly, and keep it steady for several calm breaths.",
                "light",
                "hold",
                60,
                "fingertips",
                "midline",
            ),
            step(
                "Make small, slow circles, moving the scalp with the finger rather than "
                "sliding over the hair.",
                "light",
                "circle",
                60,
                "fingertips",
                "midline",
            ),
            step(
                "Ease off gradually, then stroke lightly from the crown down toward the back "
                "of the neck a few times.",
                "light",
                "stroke",
                30,
                "fingertips",
                "midline",
            ),
        ],
        "cautions": [
            (
                SKIN,
                "Leave it alone if the scalp at this spot has a cut, sore, rash, scab or a "
                "lump nobody has checked.",
            ),
            (
                OTHER,
                "Keep the touch gentle: the skull lies just under the skin here, with no "
                "muscle to cushion hard pressure.",
            ),
        ],
    },
    {
        "code": "GB20",
        "slug": "gb20",
        "pinyin_name": "Fengchi",
        "english_name": "Wind Pool",
        "aliases": "Gates of Consciousness, base of the skull",
        "meridian": "Gallbladder",
        "region": "neck",
        "concerns": ["tension-headache", "neck-shoulder-tension"],
        "summary": (
            "Twin hollows just under the base of the skull, a favourite for a stiff neck and "
            "for headaches that start at the back of the head."
        ),
        "uses": (
            "One of the first points people try when hours at a screen leave the neck stiff "
            "and a headache creeps up from the back of the skull. Working both hollows at "
            "once with the thumbs, while the head rests back on them, is a way many people "
            "let the muscles that hold the head up all day relax."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.470",
        "map_y": "0.105",
        "detail": "head",
        "detail_x": "0.400",
        "detail_y": "0.760",
        "related": ["BL10", "GB21", "GV20"],
        "published": True,
        "locating": [
            "Put your thumbs on the bony bump in the middle of the base of your skull, then "
            "slide them outward along the lower edge of the skull.",
            "About two thumb-widths out on each side they drop into a soft hollow between the "
            "thick muscle down the back of the neck and the muscle that runs down from "
            "behind the ear.",
            "Stay right up under the edge of the skull, not lower down the neck.",
        ],
        "technique": [
            step(
                "Clasp your hands behind your head and let your thumbs settle into the two "
                "hollows, fingers resting on the back of the scalp.",
                "light",
                "hold",
                30,
                "thumb",
                "both",
            ),
            step(
                "Angle the thumbs upward toward the underside of the skull and, as you "
                "breathe out, let the weight of your head sink back onto them.",
                "moderate",
                "hold",
                60,
                "thumb",
                "both",
            ),
            step(
                "Make small slow circles on the spot, keeping the pressure aimed up at the skull.",
                "moderate",
                "circle",
                45,
                "thumb",
                "both",
            ),
            step(
                "Release slowly and finish with a few light strokes down the back of the neck "
                "toward the shoulders.",
                "light",
                "stroke",
                30,
                "fingertips",
                "both",
            ),
        ],
        "cautions": [
            (
                NERVE_ARTERY,
                "Direct the pressure up under the skull only. Keep clear of the front and sides "
                "of the neck, where large arteries and nerves lie close to the surface.",
            ),
            (OTHER, HIGH_BLOOD_PRESSURE),
        ],
    },
    {
        "code": "BL10",
        "slug": "bl10",
        "pinyin_name": "Tianzhu",
        "english_name": "Celestial Pillar",
        "aliases": "Heavenly Pillar",
        "meridian": "Bladder",
        "region": "neck",
        "concerns": ["neck-shoulder-tension", "tension-headache"],
        "summary": (
            "A point on the thick muscles either side of the upper neck, just under the "
            "skull, for a locked neck and a heavy head."
        ),
        "uses": (
            "People press it when the neck feels locked after reading, driving or "
            "sleeping awkwardly, and when a headache seems to grip the back of the head. It "
            "lies just inside and a little below Fengchi (GB20), so the two are usually "
            "worked one after the other."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.480",
        "map_y": "0.120",
        "detail": "head",
        "detail_x": "0.440",
        "detail_y": "0.820",
        "related": ["GB20", "GV14"],
        "published": True,
        "locating": [
            "Find the hollow in the middle of the back of your neck, just under the skull.",
            "Drop a finger-width lower, level with the top of the second neck bone, then "
            "move each thumb about two finger-widths out to the side.",
            "You should be on the outer edge of the thick cord of muscle that runs either "
            "side of the spine.",
        ],
        "technique": [
            step(
                "Sit tall, let your chin dip slightly, and place the pads of your thumbs on "
                "the two points with your fingers wrapped around the back of your head.",
                "light",
                "hold",
                30,
                "thumb",
                "both",
            ),
            step(
                "Press inward and slightly upward as you breathe out, building to a "
                "comfortable, steady pressure.",
                "moderate",
                "hold",
                60,
                "thumb",
                "both",
            ),
            step(
                "Keep the thumbs where they are and make small, slow circles.",
                "moderate",
                "circle",
                45,
                "thumb",
                "both",
            ),
            step(
                "Let go gradually and stroke lightly down the back of the neck toward the "
                "shoulders.",
                "light",
                "stroke",
                30,
                "fingertips",
                "both",
            ),
        ],
        "cautions": [
            (
                NERVE_ARTERY,
                "Work only on the back of the neck, angling in and up toward the skull. Stay "
                "away from the front and sides of the neck, where arteries and nerves sit just "
                "under the skin.",
            ),
            (OTHER, HIGH_BLOOD_PRESSURE),
        ],
    },
    {
        "code": "GV14",
        "slug": "gv14",
        "pinyin_name": "Dazhui",
        "english_name": "Great Vertebra",
        "aliases": "base of the neck",
        "meridian": "Governing Vessel",
        "region": "neck",
        "concerns": ["neck-shoulder-tension", "upper-back-pain"],
        "summary": (
            "The dip just below the most prominent bone at the base of the neck, worked "
            "gently for a stiff neck and upper spine."
        ),
        "uses": (
            "When the base of the neck aches from hunching over a desk or a phone, gentle "
            "work in this dip is a common way to ease it. You can reach it with your own fingers, "
            "though it is more relaxing when a partner does it while you sit leaning forward."
        ),
        "self_care": "self",
        "view": "back",
        "paired": False,
        "map_x": "0.500",
        "map_y": "0.165",
        "detail": "shoulders",
        "detail_x": "0.500",
        "detail_y": "0.283",
        "related": ["GB21", "BL10"],
        "published": True,
        "locating": [
            "Bend your head forward and feel for the biggest bony bump at the base of the "
            "neck: the seventh neck bone.",
            "Slide a fingertip just below it, into the small dip between that bump and the "
            "next one down. The point is in the dip, on the midline.",
        ],
        "technique": [
            step(
                "Sit and let your head tip forward a little. Place your middle fingertip, "
                "supported by the fingers either side, in the dip.",
                "light",
                "hold",
                30,
                "fingertips",
                "midline",
            ),
            step(
                "Press softly into the dip as you breathe out, keeping the pressure gentle "
                "because bone lies right beneath.",
                "light",
                "hold",
                60,
                "fingertips",
                "midline",
            ),
            step(
                "Make slow, small circles, staying in the dip rather than rubbing over the "
                "bony bumps.",
                "light",
                "circle",
                45,
                "fingertips",
                "midline",
            ),
            step(
                "Finish by resting a warm palm over the base of the neck for a few breaths.",
                "light",
                "hold",
                30,
                "palm",
                "midline",
            ),
        ],
        "cautions": [
            (
                BONE,
                "The point sits right on the spine: use fingertips only. A ball, roller or any "
                "other hard object has no place on the bone here.",
            ),
            (
                BONE,
                "If you have osteoporosis or fragile bones, keep to the lightest touch or "
                "leave this spot to a therapist.",
            ),
        ],
    },
    # --- Shoulders and upper back -------------------------------------------
    {
        "code": "GB21",
        "slug": "gb21",
        "pinyin_name": "Jianjing",
        "english_name": "Shoulder Well",
        "aliases": "top of the shoulders",
        "meridian": "Gallbladder",
        "region": "upper-back",
        "concerns": ["neck-shoulder-tension", "tension-headache"],
        "summary": (
            "The high point of the shoulder muscle, halfway between the neck and the tip of "
            "the shoulder; usually tender when the shoulders are tight. Not for use in "
            "pregnancy."
        ),
        "uses": (
            "Few places hold tension like the tops of the shoulders. Many people squeeze this "
            "ridge of muscle when their shoulders creep up toward the ears, and it is often "
            "used for headaches felt at the back of the head. It is also one of the points most "
            "consistently avoided in pregnancy."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.380",
        "map_y": "0.170",
        "detail": "shoulders",
        "detail_x": "0.300",
        "detail_y": "0.300",
        "related": ["GB20", "SI11", "LI4"],
        "published": True,
        "locating": [
            "Find the large bony bump at the base of your neck, and the bony tip at the outer "
            "edge of your shoulder.",
            "Halfway between the two, on the highest part of the thick muscle along the top "
            "of the shoulder, is the point.",
            "Pinch the muscle there gently: it is usually the most tender place along the ridge.",
        ],
        "technique": [
            step(
                "Reach across with the opposite hand and rest your fingers over the point on "
                "top of the shoulder.",
                "light",
                "hold",
                30,
                "fingertips",
            ),
            step(
                "Take hold of the muscle between your fingers behind the shoulder and the heel "
                "of your hand in front, and squeeze slowly as you breathe out.",
                "moderate",
                "squeeze",
                45,
                "pinch-grip",
            ),
            step(
                "Hold the squeeze for a few breaths, let go slowly, and repeat three or four "
                "times, lifting the muscle a little each time.",
                "moderate",
                "knead",
                45,
                "pinch-grip",
            ),
            step(
                "Finish with a few light strokes from the neck out to the shoulder tip, then "
                "change sides.",
                "light",
                "stroke",
                30,
                "palm",
            ),
        ],
        "cautions": [
            (
                PREGNANCY,
                "Traditionally avoided throughout pregnancy. If you are or might be pregnant, "
                "leave this point out.",
            ),
            (
                OTHER,
                "This spot sits above the top of the lung. Grip and lift the muscle between "
                "your fingers; never drive a thumb, elbow or pointed tool straight down into it.",
            ),
        ],
    },
    {
        "code": "SI11",
        "slug": "si11",
        "pinyin_name": "Tianzong",
        "english_name": "Heavenly Gathering",
        "aliases": "shoulder blade point",
        "meridian": "Small Intestine",
        "region": "upper-back",
        "concerns": ["upper-back-pain", "neck-shoulder-tension"],
        "summary": (
            "A tender spot in the flat of the shoulder blade, easy to reach with a ball "
            "against a wall."
        ),
        "uses": (
            "The place to press when a shoulder blade aches after carrying bags, typing or "
            "sleeping on one side. Most people cannot reach it well with their own hand, so "
            "a massage ball against a wall or a partner's thumbs work best."
        ),
        "self_care": "tool",
        "view": "back",
        "paired": True,
        "map_x": "0.380",
        "map_y": "0.225",
        "detail": "shoulders",
        "detail_x": "0.300",
        "detail_y": "0.483",
        "related": ["BL43", "GB21"],
        "published": True,
        "locating": [
            "Find the bony ridge that crosses the upper part of the shoulder blade, and the "
            "blade's lower tip.",
            "Imagine a line from the middle of that ridge down to the lower tip. The point "
            "is a third of the way down, in a slight hollow in the flat of the blade.",
            "It is usually tender, and pressing it may send a dull ache across the shoulder.",
        ],
        "technique": [
            step(
                "Stand with your back to a wall and place a massage ball between the wall and "
                "the point.",
                "light",
                "hold",
                30,
                "massage-ball",
            ),
            step(
                "Lean back into the ball as you breathe out, letting the pressure build until "
                "it is strong but still comfortable.",
                "firm",
                "hold",
                60,
                "massage-ball",
            ),
            step(
                "Shift your weight up, down and sideways to roll the ball in small circles "
                "over the point.",
                "moderate",
                "circle",
                45,
                "massage-ball",
            ),
            step(
                "A partner can do the same with a thumb while you lie face down, pressing "
                "slowly and checking how it feels. Then change sides.",
                "moderate",
                "hold",
                45,
                "partner-hands",
            ),
        ],
        "cautions": [],
    },
    {
        "code": "BL42",
        "slug": "bl42",
        "pinyin_name": "Pohu",
        "english_name": "Door of the Corporeal Soul",
        "meridian": "Bladder",
        "region": "upper-back",
        "concerns": ["upper-back-pain", "neck-shoulder-tension"],
        "summary": (
            "A point on the inner edge of the shoulder blade, level with the third upper-back "
            "vertebra, for upper-back and shoulder aches."
        ),
        "uses": (
            "People work it for the band of muscle between the spine and the shoulder blade "
            "that tightens with rounded shoulders and a stiff neck. Note where it is: out on the "
            "inner edge of the shoulder blade, about four finger-widths from the spine, not "
            "right beside the spine as it is sometimes described."
        ),
        "self_care": "tool",
        "view": "back",
        "paired": True,
        "map_x": "0.420",
        "map_y": "0.205",
        "detail": "shoulders",
        "detail_x": "0.367",
        "detail_y": "0.417",
        "related": ["BL43", "SI11"],
        "published": True,
        "locating": [
            "Let your arms hang relaxed so the shoulder blades rest in their usual place.",
            "Find where the bony ridge across the top of the shoulder blade meets its inner "
            "edge; the spine bone level with that spot is the third upper-back vertebra.",
            "From the spine at that level, measure about four finger-widths outward. You "
            "reach the inner border of the shoulder blade, and the point sits there.",
        ],
        "technique": [
            step(
                "Lie on your back with the knees bent and put a massage ball under the point, "
                "between the spine and the shoulder blade.",
                "light",
                "hold",
                30,
                "massage-ball",
            ),
            step(
                "As you breathe out, let your upper back settle onto the ball slowly, keeping "
                "the pressure moderate because the ribs are close beneath.",
                "moderate",
                "hold",
                60,
                "massage-ball",
            ),
            step(
                "Cross your arms over your chest to draw the shoulder blade aside, and roll a "
                "little up and down along its inner edge.",
                "moderate",
                "back-and-forth",
                45,
                "massage-ball",
            ),
            step(
                "A partner can instead press the point with a thumb while you lie face down, "
                "holding it for several slow breaths. Then change sides.",
                "moderate",
                "hold",
                45,
                "partner-hands",
            ),
        ],
        "cautions": [
            (
                BONE,
                "Ribs lie just under this spot: keep the pressure moderate and lower yourself "
                "onto the ball gradually, never drop onto it.",
            ),
            (
                BONE,
                "If you have osteoporosis or fragile bones, skip the ball and roller and have "
                "a partner use light hand pressure only.",
            ),
        ],
    },
    {
        "code": "BL43",
        "slug": "bl43",
        "pinyin_name": "Gaohuang",
        "english_name": "Vital Region Shu",
        "aliases": "sweet spot, Vital Diaphragm",
        "meridian": "Bladder",
        "region": "upper-back",
        "concerns": ["upper-back-pain", "fatigue", "poor-sleep"],
        "summary": (
            "Just below Pohu (BL42) on the inner edge of the shoulder blade, for an aching "
            "upper back and a run-down feeling."
        ),
        "uses": (
            "Besides aches across the upper back and shoulders, this point is "
            "traditionally pressed when someone feels worn out or sleeps badly. It is also "
            "the closest standard point to the popular 'sweet spot' between the shoulder "
            "blades, which has no official point of its own."
        ),
        "self_care": "tool",
        "view": "back",
        "paired": True,
        "map_x": "0.420",
        "map_y": "0.220",
        "detail": "shoulders",
        "detail_x": "0.367",
        "detail_y": "0.467",
        "related": ["BL42", "GV11"],
        "published": True,
        "locating": [
            "Start from Pohu (BL42), on the inner border of the shoulder blade level with "
            "the third upper-back vertebra.",
            "Move down one vertebra, to the level of the fourth, staying about four "
            "finger-widths out from the spine.",
            "The point is in the muscle along the inner edge of the shoulder blade, and it is "
            "often tender.",
        ],
        "technique": [
            step(
                "Lie on a foam roller placed across your upper back, knees bent and hands "
                "supporting your head, and roll slowly a few times to warm the area.",
                "light",
                "glide",
                45,
                "foam-roller",
                "both",
            ),
            step(
                "Swap the roller for a massage ball under the point and let your weight "
                "settle onto it gradually as you breathe out.",
                "moderate",
                "hold",
                60,
                "massage-ball",
            ),
            step(
                "Hug yourself to move the shoulder blade aside, and make small circles by "
                "shifting your weight.",
                "moderate",
                "circle",
                45,
                "massage-ball",
            ),
            step(
                "A partner can press the point with a thumb while you lie face down, holding "
                "for several slow breaths. Then change sides.",
                "moderate",
                "hold",
                45,
                "partner-hands",
            ),
        ],
        "cautions": [
            (
                BONE,
                "Ribs lie just under this spot: keep the pressure moderate and lower yourself "
                "onto the ball or roller gradually.",
            ),
            (
                BONE,
                "If you have osteoporosis or fragile bones, skip the ball and roller and have "
                "a partner use light hand pressure only.",
            ),
        ],
    },
    {
        "code": "GV11",
        "slug": "gv11",
        "pinyin_name": "Shendao",
        "english_name": "Spirit Pathway",
        "aliases": "sweet spot, Spirit Path",
        "meridian": "Governing Vessel",
        "region": "upper-back",
        "concerns": ["upper-back-pain", "stress-anxiety"],
        "summary": (
            "A dip on the spine between the shoulder blades, below the fifth upper-back "
            "vertebra; best worked by a partner."
        ),
        "uses": (
            "Pressed for an ache in the middle of the upper back, and in traditional practice "
            "also linked with calming an anxious mind. Most people cannot reach it "
            "themselves, so ask a partner while you lie face down or sit leaning forward on a "
            "cushion. This midline dip is the nearest standard point to the 'sweet spot' some "
            "guides describe right between the shoulder blades."
        ),
        "self_care": "partner",
        "view": "back",
        "paired": False,
        "map_x": "0.500",
        "map_y": "0.235",
        "detail": "shoulders",
        "detail_x": "0.500",
        "detail_y": "0.517",
        "related": ["BL43"],
        "published": True,
        "locating": [
            "With the person's arms relaxed by their sides, find the lower tips of the "
            "shoulder blades; the spine bone level with them is the seventh upper-back "
            "vertebra.",
            "Count two bony bumps up the spine from there to reach the fifth vertebra.",
            "The point is the small dip just below that bump, on the midline.",
        ],
        "technique": [
            step(
                "With your partner lying face down or leaning forward on a cushion, warm the "
                "area with a few slow strokes of the palm down either side of the spine.",
                "light",
                "glide",
                45,
                "palm",
                "midline",
            ),
            step(
                "Place the pad of a thumb or fingertip in the dip and press gently as they "
                "breathe out.",
                "light",
                "hold",
                60,
                "partner-hands",
                "midline",
            ),
            step(
                "Make small, slow circles in the dip, keeping off the bony bumps on either "
                "side, and ask how it feels.",
                "light",
                "circle",
                45,
                "partner-hands",
                "midline",
            ),
            step(
                "Release slowly and finish with a few feather-light strokes down the back.",
                "light",
                "stroke",
                30,
                "palm",
                "midline",
            ),
        ],
        "cautions": [
            (
                BONE,
                "It lies directly on the spine: press with the flat of a thumb or fingers "
                "only, never a ball, roller or knuckle on the bone.",
            ),
            (
                BONE,
                "With osteoporosis or fragile bones, keep to a very light touch or leave it "
                "to a therapist.",
            ),
        ],
    },
    # --- Lower back -----------------------------------------------------------
    {
        "code": "GV4",
        "slug": "gv4",
        "pinyin_name": "Mingmen",
        "english_name": "Gate of Life",
        "aliases": "Life Gate",
        "meridian": "Governing Vessel",
        "region": "lower-back",
        "concerns": ["low-back-pain"],
        "summary": (
            "A midline point in the small of the back at waist level, for a stiff lower back "
            "that feels cold."
        ),
        "uses": (
            "Traditionally warmed and pressed when the lower back feels stiff, achy or "
            "chilled, for example after long spells of sitting. Rubbing the area with warm "
            "palms first is a comforting way in."
        ),
        "self_care": "self",
        "view": "back",
        "paired": False,
        "map_x": "0.500",
        "map_y": "0.360",
        "detail": "low-back",
        "detail_x": "0.500",
        "detail_y": "0.269",
        "related": ["BL23", "GV3"],
        "published": True,
        "locating": [
            "Put your hands on your waist: a line joining the tops of the hip bones crosses "
            "the spine at the fourth lower-back vertebra.",
            "From there, count two bony bumps up the spine to reach the second lower-back "
            "vertebra.",
            "The point is the dip just below that bump, on the midline, roughly level with "
            "the navel on the front.",
        ],
        "technique": [
            step(
                "Rub your palms together until warm, then rub the small of your back up and "
                "down to warm the skin.",
                "light",
                "friction",
                45,
                "palm",
                "midline",
            ),
            step(
                "Put a fingertip, or a partner's thumb, in the dip between the vertebrae and "
                "press gently as you breathe out.",
                "light",
                "hold",
                60,
                "fingertips",
                "midline",
            ),
            step(
                "Make small, slow circles, staying in the dip rather than rubbing over the "
                "bony bumps.",
                "light",
                "circle",
                45,
                "fingertips",
                "midline",
            ),
            step(
                "Finish by resting both warm palms over the area for a few breaths.",
                "light",
                "hold",
                30,
                "palm",
                "midline",
            ),
        ],
        "cautions": [
            (
                BONE,
                "It lies on the spine itself: use fingers or palms, never a ball, roller or "
                "knuckle on the bone, and keep it light if you have osteoporosis or fragile "
                "bones.",
            ),
            (PREGNANCY_CARE, LUMBAR_PREGNANCY),
        ],
    },
    {
        "code": "BL23",
        "slug": "bl23",
        "pinyin_name": "Shenshu",
        "english_name": "Kidney Shu",
        "aliases": "lumbar points, Sea of Vitality",
        "meridian": "Bladder",
        "region": "lower-back",
        "concerns": ["low-back-pain"],
        "summary": (
            "Two points on the muscle ridges either side of the spine at waist level; the "
            "classic place to start on an aching lower back."
        ),
        "uses": (
            "These are the points most people mean by 'the lumbar points'. People press them "
            "for a tired, aching lower back, and in traditional practice they are also "
            "linked with weak, tired knees and legs. Your own thumbs reach them easily."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.460",
        "map_y": "0.360",
        "detail": "low-back",
        "detail_x": "0.423",
        "detail_y": "0.269",
        "related": ["BL52", "GV4", "BL40"],
        "published": True,
        "locating": [
            "Stand with your hands on your hips and your thumbs pointing backward.",
            "Slide the thumbs up and in toward the spine until they reach waist level, "
            "roughly opposite the navel, level with the second lower-back vertebra.",
            "Each point is about two finger-widths out from the spine, on top of the rounded "
            "ridge of muscle that runs beside it.",
        ],
        "technique": [
            step(
                "Stand or sit upright with your hands on your hips and your thumbs on the two "
                "points.",
                "light",
                "hold",
                30,
                "thumb",
                "both",
            ),
            step(
                "Lean back slightly into your thumbs as you breathe out, building to a "
                "steady, comfortable pressure. Press and hold; don't thump.",
                "moderate",
                "hold",
                60,
                "thumb",
                "both",
            ),
            step(
                "Make slow circles on the muscle ridge, or rub a little up and down along it.",
                "moderate",
                "circle",
                60,
                "thumb",
                "both",
            ),
            step(
                "Or lie on your back with the knees bent and a massage ball under one point, "
                "let your weight settle onto it, then change sides.",
                "moderate",
                "hold",
                60,
                "massage-ball",
            ),
            step(
                "Finish by rubbing the lower back with warm palms.",
                "light",
                "friction",
                30,
                "palm",
                "both",
            ),
        ],
        "cautions": [
            (OTHER, KIDNEY_AREA),
            (PREGNANCY_CARE, LUMBAR_PREGNANCY),
            (
                BONE,
                "With osteoporosis or fragile bones, use your thumbs with light pressure "
                "instead of a ball.",
            ),
        ],
    },
    {
        "code": "BL52",
        "slug": "bl52",
        "pinyin_name": "Zhishi",
        "english_name": "Residence of the Will",
        "aliases": "lumbar points, Sea of Vitality, Will Chamber",
        "meridian": "Bladder",
        "region": "lower-back",
        "concerns": ["low-back-pain"],
        "summary": (
            "An outer lower-back point at waist level, about four finger-widths from the "
            "spine, for stiffness and aching."
        ),
        "uses": (
            "It sits in line with Shenshu (BL23) but further out, at the outer edge of the "
            "long back muscles, and is pressed for lower-back stiffness and aching that "
            "spreads toward the sides. The two are usually worked together."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.420",
        "map_y": "0.360",
        "detail": "low-back",
        "detail_x": "0.346",
        "detail_y": "0.269",
        "related": ["BL23"],
        "published": True,
        "locating": [
            "Find Shenshu (BL23): hands on hips, thumbs at waist level, two finger-widths "
            "out from the spine.",
            "Move the thumbs further out along the same level, to about four finger-widths "
            "from the spine.",
            "The point sits in the slight dip at the outer edge of the thick muscle ridge.",
        ],
        "technique": [
            step(
                "Place your hands on your hips with the thumbs on the points.",
                "light",
                "hold",
                30,
                "thumb",
                "both",
            ),
            step(
                "Press in as you breathe out, angling slightly toward the spine, and hold a "
                "steady, comfortable pressure.",
                "moderate",
                "hold",
                60,
                "thumb",
                "both",
            ),
            step(
                "Knead gently along the waistline with the thumbs, a little at a time.",
                "moderate",
                "knead",
                45,
                "thumb",
                "both",
            ),
            step(
                "Release slowly and rub the area with warm palms.",
                "light",
                "friction",
                30,
                "palm",
                "both",
            ),
        ],
        "cautions": [
            (OTHER, KIDNEY_AREA),
            (PREGNANCY_CARE, LUMBAR_PREGNANCY),
            (
                BONE,
                "With osteoporosis or fragile bones, use your thumbs with light pressure "
                "instead of a ball.",
            ),
        ],
    },
    {
        "code": "GV3",
        "slug": "gv3",
        "pinyin_name": "Yaoyangguan",
        "english_name": "Lumbar Yang Gate",
        "aliases": "Lumbar Yang Pass",
        "meridian": "Governing Vessel",
        "region": "lower-back",
        "concerns": ["low-back-pain"],
        "summary": (
            "A midline point in the lower back, level with the tops of the hip bones, for "
            "aches in the low back and sacrum."
        ),
        "uses": (
            "Pressed for aching across the low back and down toward the sacrum, often after "
            "a long time sitting or standing. Warm palms over the area make a soothing "
            "finish."
        ),
        "self_care": "self",
        "view": "back",
        "paired": False,
        "map_x": "0.500",
        "map_y": "0.400",
        "detail": "low-back",
        "detail_x": "0.500",
        "detail_y": "0.423",
        "related": ["BL25", "GV4"],
        "published": True,
        "locating": [
            "Put your hands on your waist and feel for the top edges of your hip bones.",
            "Imagine a line joining their highest points; it meets the spine at the fourth "
            "lower-back vertebra.",
            "The point is the dip just below that bony bump, on the midline.",
        ],
        "technique": [
            step(
                "Warm your palms by rubbing them together, then rub the small of your back to "
                "loosen the skin.",
                "light",
                "friction",
                45,
                "palm",
                "midline",
            ),
            step(
                "Rest a fingertip, or a partner's thumb, in the dip and press gently as you "
                "breathe out.",
                "light",
                "hold",
                60,
                "fingertips",
                "midline",
            ),
            step(
                "Circle slowly in the dip without rubbing over the bony bumps.",
                "light",
                "circle",
                45,
                "fingertips",
                "midline",
            ),
            step(
                "Finish by holding both palms flat over the lower back for a few breaths.",
                "light",
                "hold",
                30,
                "palm",
                "midline",
            ),
        ],
        "cautions": [
            (
                BONE,
                "It sits on the spine itself: fingers or palms only, never a ball, roller or "
                "knuckle on the bone, and keep it light if you have osteoporosis or fragile "
                "bones.",
            ),
            (PREGNANCY_CARE, LUMBAR_PREGNANCY),
        ],
    },
    {
        "code": "BL25",
        "slug": "bl25",
        "pinyin_name": "Dachangshu",
        "english_name": "Large Intestine Shu",
        "aliases": "base of the spine",
        "meridian": "Bladder",
        "region": "lower-back",
        "concerns": ["low-back-pain"],
        "summary": (
            "Two points either side of the spine at the level of the tops of the hip bones, "
            "for low back pain and stiffness."
        ),
        "uses": (
            "This is the 'base of the spine' spot that spa guides describe finding with your "
            "hands on your waist. It is a dependable place to work when the lower back is "
            "stiff in the morning or after lifting, and a ball on the floor lets you relax "
            "into it."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.460",
        "map_y": "0.400",
        "detail": "low-back",
        "detail_x": "0.423",
        "detail_y": "0.423",
        "related": ["BL23", "BL32", "GV3"],
        "published": True,
        "locating": [
            "Put your hands on your waist and find the top edges of your hip bones; a line "
            "joining them crosses the spine at the fourth lower-back vertebra.",
            "From the spine at that level, move about two finger-widths out on each side.",
            "You will be on the muscle ridge beside the spine, two vertebrae below Shenshu (BL23).",
        ],
        "technique": [
            step(
                "Put your hands on your waist and your thumbs on the two points.",
                "light",
                "hold",
                30,
                "thumb",
                "both",
            ),
            step(
                "Press in as you breathe out, to a steady, comfortable pressure, and hold.",
                "moderate",
                "hold",
                60,
                "thumb",
                "both",
            ),
            step(
                "Or make loose fists, press the flat of the knuckles into the points and "
                "circle slowly.",
                "moderate",
                "circle",
                45,
                "knuckle",
                "both",
            ),
            step(
                "Or lie on your back with the knees bent and a massage ball under one point; "
                "let your weight settle, then switch sides.",
                "moderate",
                "hold",
                60,
                "massage-ball",
            ),
            step(
                "Finish by rubbing the lower back up and down with warm palms.",
                "light",
                "friction",
                30,
                "palm",
                "both",
            ),
        ],
        "cautions": [(PREGNANCY_CARE, LUMBAR_PREGNANCY), (BONE, BALL_BONE)],
    },
    # --- Hips, sacrum and buttocks ----------------------------------------------
    {
        "code": "BL32",
        "slug": "bl32",
        "pinyin_name": "Ciliao",
        "english_name": "Second Crevice",
        "aliases": "sacral points, Second Bone Hole",
        "meridian": "Bladder",
        "region": "hips",
        "concerns": ["low-back-pain", "sciatica", "period-pain"],
        "summary": (
            "A point in the second small hollow of the sacrum, just inside the dimples above "
            "the buttocks; it stands for the whole group of sacral points. Avoided in "
            "pregnancy."
        ),
        "uses": (
            "The sacrum has four pairs of small hollows, and this second pair is the one "
            "usually worked. People press it for an aching sacrum and lower back, for pain "
            "that travels into the buttock, and for period cramps. It is awkward to reach, so "
            "a ball against a wall or a partner's thumbs work best."
        ),
        "self_care": "tool",
        "view": "back",
        "paired": True,
        "map_x": "0.470",
        "map_y": "0.440",
        "detail": "low-back",
        "detail_x": "0.442",
        "detail_y": "0.577",
        "related": ["BL25", "GB30"],
        "published": True,
        "locating": [
            "Find the two dimples at the top of the buttocks, where the bony back of the "
            "pelvis comes closest to the skin.",
            "Feel the bony ridge down the middle of the sacrum, and the bump on it at about "
            "the level of the dimples.",
            "Halfway between each dimple and that bump is a small hollow in the bone: the point.",
        ],
        "technique": [
            step(
                "Stand with your back to a wall and place a massage ball over one point.",
                "light",
                "hold",
                30,
                "massage-ball",
            ),
            step(
                "Lean back into the ball as you breathe out until the pressure feels steady "
                "and comfortable.",
                "moderate",
                "hold",
                60,
                "massage-ball",
            ),
            step(
                "Shift your weight up, down and sideways to roll the ball in small circles "
                "over the hollow, then change sides.",
                "moderate",
                "circle",
                45,
                "massage-ball",
            ),
            step(
                "Or have a partner press both points at once with their thumbs while you lie "
                "face down, then rub the sacrum with a warm palm.",
                "moderate",
                "hold",
                60,
                "partner-hands",
                "both",
            ),
        ],
        "cautions": [
            (
                PREGNANCY,
                "Tradition bars the points over the sacrum in pregnancy, since they were once "
                "used to help labour along. Do not press them if you are or might be pregnant.",
            ),
            (BONE, BALL_BONE),
        ],
    },
    {
        "code": "GB30",
        "slug": "gb30",
        "pinyin_name": "Huantiao",
        "english_name": "Jumping Circle",
        "meridian": "Gallbladder",
        "region": "hips",
        "concerns": ["sciatica", "hip-buttock-pain", "leg-cramps-aches"],
        "summary": (
            "A deep point in the side of the buttock for hip and buttock pain and for pain "
            "that runs down the leg."
        ),
        "uses": (
            "The usual point for the deep buttock ache that often comes with sciatica, and "
            "for hips that feel tight after sitting, walking or running. The muscles here are "
            "thick, so a ball on the floor or against a wall is the easiest way in."
        ),
        "self_care": "tool",
        "view": "back",
        "paired": True,
        "map_x": "0.390",
        "map_y": "0.476",
        "detail": "low-back",
        "detail_x": "0.288",
        "detail_y": "0.715",
        "related": ["GB34", "BL40", "BL32"],
        "published": True,
        "locating": [
            "Lie on your side with the upper hip and knee bent.",
            "Find the bony knob on the outside of the top of the thigh, and the top of the "
            "crease between the buttocks, where the tailbone begins.",
            "Imagine a line between them split into thirds. The point is one third of the "
            "way along, starting from the bony knob.",
        ],
        "technique": [
            step(
                "Sit on the floor with a massage ball under one buttock, over the point, and "
                "lean back on your hands.",
                "light",
                "hold",
                30,
                "massage-ball",
            ),
            step(
                "Let your weight sink onto the ball slowly as you breathe out, up to a steady, "
                "moderate pressure.",
                "moderate",
                "hold",
                60,
                "massage-ball",
            ),
            step(
                "Shift your weight to roll the ball in small circles. Ease off at once if pain "
                "shoots down the leg or the leg starts to feel numb.",
                "moderate",
                "circle",
                45,
                "massage-ball",
            ),
            step(
                "Finish by lying on a foam roller on the same side and rolling slowly over "
                "the buttock, then change sides.",
                "moderate",
                "glide",
                45,
                "foam-roller",
            ),
        ],
        "cautions": [
            (
                NERVE_ARTERY,
                "The sciatic nerve runs deep beneath this point. Ease off straight away if "
                "pain shoots down the leg or you feel numbness or pins and needles.",
            ),
            (
                IMPLANT,
                "Skip this point if you have had a hip replacement.",
            ),
        ],
    },
    # --- Legs and knees -----------------------------------------------------------
    {
        "code": "BL40",
        "slug": "bl40",
        "pinyin_name": "Weizhong",
        "english_name": "Middle of the Crook",
        "aliases": "back of the knee, knee crease, Commanding Middle",
        "meridian": "Bladder",
        "region": "legs",
        "concerns": ["low-back-pain", "sciatica"],
        "summary": (
            "The centre of the crease behind the knee: a traditional far-away point for low "
            "back pain, pressed only gently."
        ),
        "uses": (
            "In traditional practice this is the main point far from the back that is used "
            "for back trouble, which is why back routines so often end behind the knee. It "
            "is also used for pain running down the back of the leg. The back of the knee is "
            "delicate, so the touch stays soft and spread out."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.400",
        "map_y": "0.720",
        "detail": "knees",
        "detail_x": "0.273",
        "detail_y": "0.364",
        "related": ["BL57", "BL23", "GB30"],
        "published": True,
        "locating": [
            "Sit with the knee slightly bent so the crease behind it is easy to feel.",
            "Find the middle of the crease, halfway between the tendons on either side of "
            "the knee's hollow.",
        ],
        "technique": [
            step(
                "Sit with the knee slightly bent and rest the flat pads of your fingers over "
                "the middle of the crease.",
                "light",
                "hold",
                30,
                "fingertips",
            ),
            step(
                "Press gently with the whole flat of the fingers, spreading the pressure over "
                "a wide area, and hold for a few breaths.",
                "light",
                "hold",
                45,
                "fingertips",
            ),
            step(
                "Make slow, broad circles, keeping the pressure light.",
                "light",
                "circle",
                30,
                "fingertips",
            ),
            step(
                "Finish with a few light strokes up the back of the thigh, then change legs.",
                "light",
                "stroke",
                30,
                "palm",
            ),
        ],
        "cautions": [
            (
                NERVE_ARTERY,
                "An artery, a large vein and a nerve run close to the surface behind the "
                "knee. Press only gently, spreading the pressure under flat fingers, and never "
                "use a thumb tip, knuckle or ball here.",
            ),
            (
                VEINS,
                "Skip this point if you have varicose veins here, have ever had a blood clot "
                "(DVT) in the leg, or the calf is painful, swollen, warm or red.",
            ),
        ],
    },
    {
        "code": "BL57",
        "slug": "bl57",
        "pinyin_name": "Chengshan",
        "english_name": "Support the Mountain",
        "aliases": "Mountain Support, calf point",
        "meridian": "Bladder",
        "region": "legs",
        "concerns": ["low-back-pain", "sciatica", "leg-cramps-aches"],
        "summary": (
            "The hollow at the bottom of the calf muscle, for calf cramps, tired legs and, "
            "traditionally, back pain."
        ),
        "uses": (
            "People press it for calf cramps and heavy, tired legs and, in traditional "
            "practice, for lower-back pain and pain down the back of the leg. Runners and "
            "anyone who stands all day often find it tender."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.400",
        "map_y": "0.840",
        "detail": "knees",
        "detail_x": "0.273",
        "detail_y": "0.909",
        "related": ["BL40", "BL60"],
        "published": True,
        "locating": [
            "Stand and rise onto your toes: the calf muscle tightens and its two bulges stand out.",
            "Follow the back of the calf down from the knee until the bulging muscle gives "
            "way to the flat tendon.",
            "The point is in the upside-down V where the two bulges part, roughly halfway "
            "between the knee crease and the heel.",
        ],
        "technique": [
            step(
                "Sit with the knee bent and the foot flat on the floor, so the calf is "
                "relaxed, and place your thumb on the point.",
                "light",
                "hold",
                30,
                "thumb",
            ),
            step(
                "Press in gradually as you breathe out, up to a moderate pressure, and hold.",
                "moderate",
                "hold",
                45,
                "thumb",
            ),
            step(
                "Knead the calf gently around the point between your fingers and thumb.",
                "moderate",
                "knead",
                45,
                "fingertips",
            ),
            step(
                "Stroke lightly up the calf toward the knee to finish, then change legs.",
                "light",
                "stroke",
                30,
                "palm",
            ),
        ],
        "cautions": [
            (
                VEINS,
                "Skip this point if you have varicose veins in the calf, have had a blood "
                "clot (DVT), or the calf is painful, swollen, warm or red.",
            ),
            (
                PREGNANCY_CARE,
                "During pregnancy, keep deep pressure off the calf: stroke it lightly or leave "
                "this point out.",
            ),
        ],
    },
    {
        "code": "GB34",
        "slug": "gb34",
        "pinyin_name": "Yanglingquan",
        "english_name": "Yang Mound Spring",
        "meridian": "Gallbladder",
        "region": "legs",
        "concerns": ["hip-buttock-pain", "sciatica", "leg-cramps-aches"],
        "summary": (
            "A hollow on the outside of the leg just below the knee, traditionally used for "
            "tight muscles, hip pain and sciatica."
        ),
        "uses": (
            "Known in traditional teaching as the meeting point of the sinews, it is pressed "
            "whenever muscles and tendons feel tight: aching hips, pain down the outside of "
            "the leg, cramps and general stiffness. It is easy to reach sitting down."
        ),
        "self_care": "self",
        "view": "front",
        "paired": True,
        "map_x": "0.350",
        "map_y": "0.740",
        "related": ["GB30", "ST36"],
        "published": True,
        "locating": [
            "Sit with the knee bent. On the outside of the leg, just below the knee, find the "
            "small round knob of bone (the top of the thin outer leg bone).",
            "Slide your finger forward and down off the knob into the hollow just in front "
            "of and below it.",
        ],
        "technique": [
            step(
                "Sit with the knee bent and the foot flat on the floor, and place your thumb "
                "in the hollow.",
                "light",
                "hold",
                30,
                "thumb",
            ),
            step(
                "Press in gradually as you breathe out, to a moderate pressure, and hold.",
                "moderate",
                "hold",
                45,
                "thumb",
            ),
            step(
                "Make small circles in the hollow, easing off if a tingle runs down toward "
                "the foot.",
                "moderate",
                "circle",
                45,
                "thumb",
            ),
            step(
                "Stroke down the outside of the shin toward the ankle a few times, then "
                "change legs.",
                "light",
                "stroke",
                30,
                "palm",
            ),
        ],
        "cautions": [
            (
                NERVE_ARTERY,
                "A nerve wraps around the bone just behind this point. Keep the pressure "
                "moderate, and stop if you feel tingling or numbness down the leg or in the "
                "foot.",
            ),
        ],
    },
    {
        "code": "ST36",
        "slug": "st36",
        "pinyin_name": "Zusanli",
        "english_name": "Leg Three Miles",
        "aliases": "Three Mile Point, Leg Three Li",
        "meridian": "Stomach",
        "region": "legs",
        "concerns": ["fatigue", "leg-cramps-aches"],
        "summary": (
            "A hand-width below the kneecap, beside the shinbone, traditionally pressed for "
            "tiredness, aching legs and an unsettled stomach."
        ),
        "uses": (
            "The name comes from the old idea that pressing it gives you the strength to "
            "walk another few miles. People use it when they feel tired, when their legs ache "
            "after a long day on their feet, and for a sluggish or unsettled stomach."
        ),
        "self_care": "self",
        "view": "front",
        "paired": True,
        "map_x": "0.380",
        "map_y": "0.770",
        "related": ["GB34", "SP6"],
        "published": True,
        "locating": [
            "Sit with the knee bent and find the dip just below the kneecap, on its outer side.",
            "Lay four fingers side by side below that dip; the point is just below your "
            "little finger.",
            "Move about a finger-width out from the sharp front edge of the shinbone, onto "
            "the muscle.",
        ],
        "technique": [
            step(
                "Sit with the foot flat on the floor and place your thumb on the point.",
                "light",
                "hold",
                30,
                "thumb",
            ),
            step(
                "Press into the muscle as you breathe out, building to a strong but "
                "comfortable pressure.",
                "firm",
                "hold",
                60,
                "thumb",
            ),
            step(
                "Make slow circles, or rub up and down briskly to warm the area.",
                "moderate",
                "circle",
                45,
                "thumb",
            ),
            step(
                "Finish with a few light strokes down the shin, then change legs.",
                "light",
                "stroke",
                30,
                "palm",
            ),
        ],
        "cautions": [(OTHER, LOW_FEELING)],
    },
    {
        "code": "SP6",
        "slug": "sp6",
        "pinyin_name": "Sanyinjiao",
        "english_name": "Three Yin Intersection",
        "aliases": "Three Yin Crossing, Three Yin Meeting",
        "meridian": "Spleen",
        "region": "legs",
        "concerns": ["poor-sleep", "period-pain"],
        "summary": (
            "On the inside of the lower leg, four finger-widths above the inner ankle bone; "
            "used for period pain and sleep, and strictly avoided in pregnancy."
        ),
        "uses": (
            "People press it for period cramps and for trouble sleeping. It is also the "
            "point most firmly forbidden in pregnancy in traditional teaching, and part of "
            "the reason it is listed here is so that anyone who might be pregnant knows to "
            "leave it alone."
        ),
        "self_care": "self",
        "view": "front",
        "paired": True,
        "map_x": "0.430",
        "map_y": "0.910",
        "related": ["ST36"],
        "published": True,
        "locating": [
            "Find the most prominent point of the bony bump on the inside of your ankle.",
            "Lay four fingers across the leg above it, the lower edge of your little finger on "
            "that point; the point is level with the top edge of your index finger.",
            "At that height, feel for the back edge of the shinbone: the point is just "
            "behind it, in the soft tissue.",
        ],
        "technique": [
            step(
                "Sit with the lower leg resting across the opposite knee and place your thumb "
                "on the point.",
                "light",
                "hold",
                30,
                "thumb",
            ),
            step(
                "Press gently toward the shinbone as you breathe out, building to a moderate "
                "pressure, and hold.",
                "moderate",
                "hold",
                45,
                "thumb",
            ),
            step(
                "Make slow, small circles.",
                "moderate",
                "circle",
                45,
                "thumb",
            ),
            step(
                "Stroke lightly up the inside of the leg toward the knee, then change legs.",
                "light",
                "stroke",
                30,
                "palm",
            ),
        ],
        "cautions": [
            (
                PREGNANCY,
                "Of all the points, this is the one tradition most firmly rules out in "
                "pregnancy. Never press it if you are or might be pregnant.",
            ),
            (
                VEINS,
                "Varicose veins often show up on the inner lower leg. If you have them here, "
                "or have had a blood clot, skip this point.",
            ),
            (OTHER, LOW_FEELING),
        ],
    },
    # --- Ankles and feet ----------------------------------------------------------
    {
        "code": "BL60",
        "slug": "bl60",
        "pinyin_name": "Kunlun",
        "english_name": "Kunlun Mountains",
        "meridian": "Bladder",
        "region": "feet",
        "concerns": ["low-back-pain", "neck-shoulder-tension", "tension-headache"],
        "summary": (
            "The hollow between the outer ankle bone and the Achilles tendon, traditionally "
            "used for back, neck and head pain; avoided in pregnancy."
        ),
        "uses": (
            "Although it sits at the ankle, this point is traditionally pressed for pain far "
            "away from it: an aching lower back, a stiff neck and headaches. Every list of "
            "points to avoid in pregnancy includes it."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.370",
        "map_y": "0.955",
        # No close-up: the foot drawing shows the top of the foot, and this point lies
        # behind the outer ankle bone, which the back view shows.
        "related": ["BL57", "BL67"],
        "published": True,
        "locating": [
            "Find the round bony bump on the outside of your ankle.",
            "Slide a finger straight back from its most prominent part into the soft hollow "
            "in front of the Achilles tendon. The point is in that hollow.",
        ],
        "technique": [
            step(
                "Sit with the foot resting on the opposite knee and place your thumb in the "
                "hollow.",
                "light",
                "hold",
                30,
                "thumb",
            ),
            step(
                "Press gently toward the ankle bone as you breathe out, and hold at a "
                "moderate pressure.",
                "moderate",
                "hold",
                45,
                "thumb",
            ),
            step(
                "Make slow circles in the hollow.",
                "moderate",
                "circle",
                45,
                "thumb",
            ),
            step(
                "Finish with light strokes around the ankle, then change feet.",
                "light",
                "stroke",
                30,
                "fingertips",
            ),
        ],
        "cautions": [
            (
                PREGNANCY,
                "Traditionally avoided throughout pregnancy. Do not press it if you are or "
                "might be pregnant.",
            ),
            (OTHER, LOW_FEELING),
        ],
    },
    {
        "code": "LR3",
        "slug": "lr3",
        "pinyin_name": "Taichong",
        "english_name": "Great Rushing",
        "aliases": "Bigger Rushing, Supreme Surge",
        "meridian": "Liver",
        "region": "feet",
        "concerns": ["stress-anxiety", "tension-headache"],
        "summary": (
            "On the top of the foot, in the hollow where the bones of the big toe and the "
            "second toe meet; used for stress, irritability and headaches."
        ),
        "uses": (
            "People press it when they feel tense, short-tempered or wound up, and for "
            "headaches. Together with Hegu (LI4) on the hands it makes up the 'Four Gates', a "
            "traditional combination for stress."
        ),
        "self_care": "self",
        "view": "front",
        "paired": True,
        "map_x": "0.430",
        "map_y": "0.975",
        "detail": "foot",
        "detail_x": "0.405",
        "detail_y": "0.600",
        "related": ["LI4"],
        "published": True,
        "locating": [
            "Sit and rest one foot on the opposite knee, or flat on the floor in front of you.",
            "Put a finger in the gap between the big toe and the second toe and slide it back "
            "along the groove toward the ankle.",
            "Stop in the hollow just before the two bones meet; you may feel a pulse there.",
        ],
        "technique": [
            step(
                "Place your thumb or index finger in the hollow.",
                "light",
                "hold",
                30,
                "thumb",
            ),
            step(
                "Press gradually as you breathe out, up to a moderate pressure, and hold.",
                "moderate",
                "hold",
                45,
                "thumb",
            ),
            step(
                "Move slowly back and forth a little along the groove.",
                "moderate",
                "back-and-forth",
                45,
                "thumb",
            ),
            step(
                "Stroke the top of the foot lightly toward the toes, then change feet.",
                "light",
                "stroke",
                30,
                "fingertips",
            ),
        ],
        "cautions": [
            (
                NERVE_ARTERY,
                "An artery runs right under this spot (you can often feel its pulse): keep "
                "the pressure moderate.",
            ),
            (
                OTHER,
                "If your feet have reduced feeling (nerve damage, for example from "
                "diabetes), use only light pressure.",
            ),
        ],
    },
    {
        "code": "BL67",
        "slug": "bl67",
        "pinyin_name": "Zhiyin",
        "english_name": "Reaching Yin",
        "meridian": "Bladder",
        "region": "feet",
        "concerns": [],
        "summary": (
            "A point beside the outer corner of the little toenail, shown so that you know "
            "to avoid it: tradition uses it to turn a baby lying bottom-first. Avoid it in "
            "pregnancy."
        ),
        "uses": (
            "This point is shown so that people know to avoid it, not so they can use it. "
            "Its traditional use is to help turn a baby lying bottom-first late in "
            "pregnancy, which is work for a qualified practitioner alongside a midwife or "
            "doctor. Please do not press it yourself."
        ),
        "self_care": "practitioner",
        "view": "front",
        "paired": True,
        "map_x": "0.340",
        "map_y": "0.990",
        "detail": "foot",
        "detail_x": "0.740",
        "detail_y": "0.400",
        "related": ["BL60"],
        "published": True,
        "locating": [
            "Look at the outer side of the little toe, the side facing away from the other toes.",
            "The point lies just beside the outer corner of the toenail, a couple of "
            "millimetres from it.",
        ],
        "technique": [],
        "cautions": [
            (
                PREGNANCY,
                "Traditionally used to act on a pregnancy. Never press it if you are or might "
                "be pregnant.",
            ),
            (
                OTHER,
                "Leave this one to qualified practitioners: keep it out of self-care and "
                "partner massage.",
            ),
        ],
    },
    # --- Hands, wrists and forearms -------------------------------------------------
    {
        "code": "LI4",
        "slug": "li4",
        "pinyin_name": "Hegu",
        "english_name": "Joining Valley",
        "aliases": "AP1, Acupressure Point 1, Union Valley",
        "meridian": "Large Intestine",
        "region": "hands",
        "concerns": [
            "tension-headache",
            "neck-shoulder-tension",
            "upper-back-pain",
            "stress-anxiety",
        ],
        "summary": (
            "The fleshy web between the thumb and index finger, the best-known self-help "
            "point for headaches and tension; not for use in pregnancy."
        ),
        "uses": (
            "Probably the most widely known pressure point, and the one some spa guides call "
            "'AP1'. People press it for headaches, for tension in the neck, shoulders and "
            "upper back, and for aches in general. Paired with Taichong (LR3) on the feet it "
            "forms the 'Four Gates', a traditional combination for stress."
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.240",
        "map_y": "0.550",
        "detail": "hand",
        "detail_x": "0.340",
        "detail_y": "0.615",
        "related": ["LR3", "SI3"],
        "published": True,
        "locating": [
            "Hold one hand in front of you, back of the hand up, and press the thumb against "
            "the side of the index finger.",
            "A mound of muscle bulges up in the web between them; the point is at its "
            "highest spot.",
            "Relax the thumb again: the point sits beside the middle of the bone leading to "
            "the index finger, on the thumb side.",
        ],
        "technique": [
            step(
                "Rest the hand on a table or your lap. Put the opposite thumb on the point and "
                "your index finger underneath, on the palm side.",
                "light",
                "hold",
                30,
                "thumb",
            ),
            step(
                "Squeeze thumb and finger together slowly as you breathe out, aiming toward "
                "the bone of the index finger, and hold.",
                "moderate",
                "squeeze",
                60,
                "pinch-grip",
            ),
            step(
                "Make small circles on the point, keeping the pressure steady.",
                "moderate",
                "circle",
                45,
                "thumb",
            ),
            step(
                "Let go slowly, stroke the back of the hand from the wrist to the fingertips, "
                "then change hands.",
                "light",
                "stroke",
                30,
                "fingertips",
            ),
        ],
        "cautions": [
            (
                PREGNANCY,
                "Every list of points to avoid in pregnancy includes this one. Do not press it "
                "if you are or might be pregnant.",
            ),
        ],
    },
    {
        "code": "SI3",
        "slug": "si3",
        "pinyin_name": "Houxi",
        "english_name": "Back Stream",
        "meridian": "Small Intestine",
        "region": "hands",
        "concerns": ["neck-shoulder-tension", "low-back-pain"],
        "summary": (
            "A point on the little-finger edge of the hand, just behind the knuckle, for a "
            "stiff neck and a back that has just seized up."
        ),
        "uses": (
            "Traditionally this is the hand point for a neck that will not turn and for back "
            "pain that has just come on. A handy trick is to press it while slowly turning "
            "the head or moving the back. " + BACK_WARNING
        ),
        "self_care": "self",
        "view": "back",
        "paired": True,
        "map_x": "0.300",
        "map_y": "0.580",
        "detail": "hand",
        "detail_x": "0.675",
        "detail_y": "0.540",
        "related": ["LI4"],
        "published": True,
        "locating": [
            "Make a loose fist.",
            "Look along the little-finger edge of the hand: just behind the big knuckle of "
            "the little finger, a palm crease ends in a small fold of skin.",
            "The point is in the hollow there, on the border between the palm and the back "
            "of the hand.",
        ],
        "technique": [
            step(
                "Make a loose fist and place the tip of the opposite thumb on the point.",
                "light",
                "hold",
                30,
                "thumb",
            ),
            step(
                "Press in toward the hand as you breathe out, building to a strong but "
                "comfortable pressure.",
                "firm",
                "hold",
                45,
                "thumb",
            ),
            step(
                "Keep pressing while you slowly turn your head from side to side, or gently "
                "bend and straighten your back.",
                "moderate",
                "hold",
                45,
                "thumb",
            ),
            step(
                "Release slowly and stroke along the edge of the hand, then switch hands.",
                "light",
                "stroke",
                30,
                "fingertips",
            ),
        ],
        "cautions": [],
    },
    {
        # Close-up: the palm side (view "front"); see the module docstring.
        "code": "PC6",
        "slug": "pc6",
        "pinyin_name": "Neiguan",
        "english_name": "Inner Pass",
        "aliases": "Inner Gate, travel-sickness band point",
        "meridian": "Pericardium",
        "region": "hands",
        "concerns": ["nausea", "stress-anxiety", "poor-sleep"],
        "summary": (
            "Three finger-widths above the wrist crease on the palm side, between the two "
            "middle tendons; the point travel-sickness bands press on."
        ),
        "uses": (
            "This is the spot travel-sickness bands press on. People also use it to settle "
            "their nerves and to calm down before sleep, and traditionally for a pounding or "
            "racing heartbeat. A heartbeat that races often or for no clear reason, and "
            "nausea that is severe or will not pass, should be checked by a doctor."
        ),
        "self_care": "self",
        "view": "front",
        "paired": True,
        "map_x": "0.270",
        "map_y": "0.490",
        "detail": "hand",
        "detail_x": "0.500",
        "detail_y": "0.950",
        "related": ["HT7"],
        "published": True,
        "locating": [
            "Turn your hand palm up and find the crease where the wrist meets the hand.",
            "Lay three fingers of the other hand across the forearm, the edge of the first "
            "finger on the crease. The point is just beyond the third finger.",
            "Feel for the two tendons in the middle of the forearm (they stand out when you "
            "make a fist and bend the wrist a little); the point lies between them.",
        ],
        "technique": [
            step(
                "Rest the forearm palm up on your lap or a table and place the opposite thumb "
                "on the point.",
                "light",
                "hold",
                30,
                "thumb",
            ),
            step(
                "Press gently between the tendons as you breathe out, building to a moderate "
                "pressure.",
                "moderate",
                "hold",
                60,
                "thumb",
            ),
            step(
                "Press and release in a slow, steady rhythm, or make small circles.",
                "moderate",
                "compression",
                60,
                "thumb",
            ),
            step(
                "Ease off slowly and stroke the forearm toward the elbow, then change arms.",
                "light",
                "stroke",
                30,
                "fingertips",
            ),
        ],
        "cautions": [
            (
                NERVE_ARTERY,
                "A nerve runs right under this point. Stop if you feel tingling or pins and "
                "needles in the hand or fingers.",
            ),
        ],
    },
    {
        # Close-up: the palm side (view "front"); see the module docstring.
        "code": "HT7",
        "slug": "ht7",
        "pinyin_name": "Shenmen",
        "english_name": "Spirit Gate",
        "aliases": "Spirit Door",
        "meridian": "Heart",
        "region": "hands",
        "concerns": ["poor-sleep", "stress-anxiety"],
        "summary": (
            "A small dip at the little-finger end of the palm-side wrist crease, pressed "
            "gently for sleeplessness and worry."
        ),
        "uses": (
            "A traditional point for a restless mind: trouble falling asleep, waking in the "
            "night or feeling anxious. It is a good one to do in bed, together with Neiguan "
            "(PC6) and Yintang."
        ),
        "self_care": "self",
        "view": "front",
        "paired": True,
        "map_x": "0.290",
        "map_y": "0.515",
        "detail": "hand",
        "detail_x": "0.630",
        "detail_y": "0.765",
        "related": ["PC6", "EX-HN3"],
        "published": True,
        "locating": [
            "Turn your hand palm up and find the wrist crease.",
            "Follow the crease toward the little-finger side until you reach the small round "
            "bone at the heel of the hand and the tendon that runs into it.",
            "The point is the small dip on the crease, just on the thumb side of that tendon.",
        ],
        "technique": [
            step(
                "Rest the hand palm up and place the tip of the opposite index finger in the dip.",
                "light",
                "hold",
                30,
                "fingertips",
            ),
            step(
                "Press gently as you breathe out and hold for several slow breaths.",
                "light",
                "hold",
                60,
                "fingertips",
            ),
            step(
                "Make tiny, light circles on the spot.",
                "light",
                "circle",
                45,
                "fingertips",
            ),
            step(
                "Stroke lightly along the inside of the forearm, then do the other wrist.",
                "light",
                "stroke",
                30,
                "fingertips",
            ),
        ],
        "cautions": [
            (
                NERVE_ARTERY,
                "An artery and a nerve run just beside this spot. Keep the pressure gentle, "
                "and stop if the hand tingles or goes numb.",
            ),
        ],
    },
    # --- Face -------------------------------------------------------------------------
    {
        # Close-up: the head seen from the FRONT.
        "code": "EX-HN3",
        "slug": "ex-hn3",
        "pinyin_name": "Yintang",
        "english_name": "Hall of Impression",
        "aliases": "Third Eye Point",
        "meridian": "Extra point",
        "region": "head",
        "concerns": ["stress-anxiety", "poor-sleep"],
        "summary": (
            "The spot between the eyebrows, worked with slow, gentle circles to quiet a "
            "racing mind and settle before sleep."
        ),
        "uses": (
            "Yintang is a favourite for stress, worry and trouble switching off at night. It "
            "responds best to a very light touch kept up for several minutes, and is easy to "
            "do lying in bed with your eyes closed. It is one of the 'extra' points that sit "
            "outside the main channels."
        ),
        "self_care": "self",
        "view": "front",
        "paired": False,
        "map_x": "0.500",
        "map_y": "0.055",
        "detail": "head",
        "detail_x": "0.500",
        "detail_y": "0.400",
        "related": ["GV20", "HT7"],
        "published": True,
        "locating": [
            "Find the inner ends of your eyebrows.",
            "The point is exactly halfway between them, on the lower forehead, not further "
            "down on the bridge of the nose.",
        ],
        "technique": [
            step(
                "Sit or lie comfortably, close your eyes and rest the tip of your middle "
                "finger between the eyebrows.",
                "light",
                "hold",
                30,
                "fingertips",
                "midline",
            ),
            step(
                "Make slow, small circles with a very light touch, letting the skin move with "
                "the finger rather than rubbing across it.",
                "light",
                "circle",
                300,
                "fingertips",
                "midline",
            ),
            step(
                "If you prefer, tap the spot softly and steadily for a minute instead, "
                "breathing slowly in through the nose and out through the mouth.",
                "light",
                "tap",
                60,
                "fingertips",
                "midline",
            ),
            step(
                "Let the finger rest still for a few breaths before lifting it away.",
                "light",
                "hold",
                30,
                "fingertips",
                "midline",
            ),
        ],
        "cautions": [
            (
                SKIN,
                "Leave it out if the skin between the eyebrows is broken, swollen, spotty, "
                "sore or has a rash.",
            ),
        ],
    },
]

ROUTINES: list[RoutineData] = [
    {
        "title": "Lower-back routine",
        "slug": "lower-back-relief",
        "summary": (
            "A short sequence for an aching lower back, working from the waist down to the "
            "back of the knee."
        ),
        "introduction": (
            "Work through the points from the waistline downward, breathing out each time "
            "you press. Most of them can be done standing with your hands on your hips; a "
            "massage ball on the floor is a good alternative for the points either side of "
            "the spine.\n"
            + BACK_WARNING
            + " If you are or might be pregnant, ask your therapist or midwife "
            "first: some traditions advise avoiding the lower-back points."
        ),
        "region": "lower-back",
        "concerns": ["low-back-pain"],
        "published": True,
        "steps": [
            ("BL23", 120, "Both thumbs at once, at waist level. Press and hold; never pound."),
            ("BL52", 90, "Slide out along the waistline to the outer edge of the muscle."),
            ("GV4", 60, "Warm the area with your palms first; fingers only on the spine."),
            ("BL25", 120, "Lean back into your thumbs, or lie on a ball one side at a time."),
            ("GV3", 60, "Gentle circles in the dip level with the tops of the hip bones."),
            ("BL40", 60, BL40_NOTE),
        ],
    },
    {
        "title": "Desk neck and shoulders",
        "slug": "desk-neck-and-shoulders",
        "summary": (
            "A seated break for a stiff neck and tight shoulders that you can do at your desk "
            "in under ten minutes."
        ),
        "introduction": (
            "Made for a pause in the working day: everything here can be done sitting in your "
            "chair. Sit tall with your feet flat and let your shoulders drop before each "
            "point.\n"
            "On the neck, direct the pressure up under the skull, and keep your hands off the "
            "front and sides of the neck."
        ),
        "region": "neck",
        "concerns": ["neck-shoulder-tension", "tension-headache"],
        "published": True,
        "steps": [
            ("GB20", 90, "Thumbs up under the skull; let your head rest back on them."),
            ("BL10", 60, "Just inside and below the last point, on the thick neck muscles."),
            ("GV14", 60, "Fingertips only, in the dip below the big bone at the base of the neck."),
            (
                "GB21",
                120,
                "Grip and lift the shoulder muscle. Skip it if you are or might be pregnant.",
            ),
            ("SI3", 60, "Press while you slowly turn your head from side to side."),
            ("LI4", 60, "Squeeze the web of the hand. Skip it if you are or might be pregnant."),
        ],
    },
    {
        "title": "Sciatic-type pain: a gentle routine",
        "slug": "easing-sciatica",
        "summary": (
            "About ten minutes following the path of sciatic pain, from the lower back and "
            "buttock down to the ankle."
        ),
        "introduction": (
            "Sciatica is pain that travels from the lower back or buttock down the back or "
            "side of the leg. This routine follows that path. Keep the pressure gentle to "
            "moderate, and stop if the pain sharpens, spreads further, or brings numbness "
            "or pins and needles. Leave out GB30 if you have a hip replacement.\n" + BACK_WARNING
        ),
        "region": "hips",
        "concerns": ["sciatica", "hip-buttock-pain"],
        "published": True,
        "steps": [
            ("BL25", 90, "Start on the lower back with your thumbs, gently."),
            ("BL32", 90, "Ball against a wall over the sacrum. Not in pregnancy."),
            ("GB30", 120, "Ball under the buttock; back off if pain shoots down the leg."),
            ("GB34", 90, "Thumb in the hollow below the outer knee."),
            ("BL40", 60, BL40_NOTE),
            ("BL57", 60, "Skip it if you have varicose veins or have had a clot."),
            ("BL60", 60, "Thumb behind the outer ankle bone. Not in pregnancy."),
        ],
    },
    {
        "title": "Calm before sleep",
        "slug": "calm-before-sleep",
        "summary": (
            "A gentle eight-minute wind-down to do in bed, with light pressure on the head "
            "and wrists."
        ),
        "introduction": (
            "Do this in bed with the lights low. Everything here uses light pressure: the aim "
            "is to slow your breathing, not to work out knots. Breathe out slowly as you "
            "press, and let each point go gradually.\n"
            "If poor sleep carries on for weeks, talk to your doctor."
        ),
        "region": None,
        "concerns": ["poor-sleep", "stress-anxiety"],
        "published": True,
        "steps": [
            ("EX-HN3", 180, "Slow, feather-light circles between the eyebrows, eyes closed."),
            ("GV20", 60, "A soft, steady hold on the crown."),
            ("PC6", 120, "Three finger-widths above the wrist crease; one minute each arm."),
            ("HT7", 120, "Tiny circles at the little-finger end of the wrist crease."),
        ],
    },
    {
        "title": "Tension-headache routine",
        "slug": "tension-headache-relief",
        "summary": (
            "Eight minutes for a tight, band-like headache: the neck and shoulders first, "
            "then the head."
        ),
        "introduction": (
            "Meant for the dull, tight headache that often comes with stiff shoulders and a "
            "long day at a screen. Start where the tension usually builds, at the neck and "
            "shoulders, and finish on the head.\n"
            "A sudden, severe or unusual headache, or one with fever, a stiff neck, confusion "
            "or changes in your vision, needs a doctor straight away."
        ),
        "region": "head",
        "concerns": ["tension-headache", "neck-shoulder-tension"],
        "published": True,
        "steps": [
            ("GB20", 90, "Thumbs up under the skull, head resting back."),
            ("BL10", 60, "On the thick muscles either side of the upper neck."),
            (
                "GB21",
                120,
                "Squeeze the tops of the shoulders. Skip it if you are or might be pregnant.",
            ),
            ("GV20", 60, "Gentle hold on the crown."),
            ("EX-HN3", 90, "Light circles between the eyebrows."),
            ("LI4", 60, "Squeeze the web of the hand. Skip it if you are or might be pregnant."),
        ],
    },
]
