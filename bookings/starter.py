"""Starter content for bookings, as plain data: the health questionnaire and a demo spa.

`manage.py load_starter_questionnaire` turns STARTER_QUESTIONS into Question
rows and `manage.py load_demo_spa` turns the DEMO_* data into booking rules,
services, therapists and their hours. Both only ever create what is missing:
staff own the rows from then on.

The questions follow shared/reference/screening.md (tiers, what a "yes" does,
points affected); every sentence is our own. They screen, never diagnose:
ask about what the client knows or feels, then say plainly what happens next.

How the reference's actions map to outcomes:

    BOOK and avoid the area  -> "avoid-area"
    REVIEW                   -> "review"
    CLEAR (hold the booking until a doctor or midwife clears it) -> "clearance"
    DECLINE (don't book now) -> "decline"

A question has one outcome for a "yes". Where the reference splits an answer
(pregnancy, blood clots, skin, blood pressure) the question is either a
"choice" whose triggering options all lead to the same, stricter outcome, or
two questions, each with its own outcome.

Guidance may use {spa_name}, {spa_phone} and {spa_email}: the screening loader
fills them from settings. Every avoid-point code exists in points/starter.py.
"""

from __future__ import annotations

from bookings.screening import AVOID_AREA, CHOICE, CLEARANCE, DECLINE, REVIEW, TEXT, YES_NO

# The points traditionally left out in pregnancy. BL32 stands for the sacral
# points BL31 to BL34, which the library shows as one. Every point whose
# cautions say "avoid" or "take care" in pregnancy is left out as well, from
# the session and from aftercare, including points added later.
PREGNANCY_POINTS = ("LI4", "GB21", "SP6", "BL60", "BL67", "BL32")
PREGNANCY_KINDS = ("pregnancy", "pregnancy-care")
PREGNANCY_AREA = "the abdomen and the lower back's sacral area"

# A blood clot rules out the legs and feet: these points by name, and every
# point in those areas, including any added to the library later.
LEG_POINTS = ("BL40", "BL57", "SP6", "GB34", "ST36", "BL60", "LR3", "BL67")
LEG_REGIONS = ("legs", "feet")
LEG_AREA = "any massage of the legs and feet"

# Blood thinners and fragile bones: what the therapist and aftercare leave out.
LIGHT_ONLY_AREA = "firm pressure and massage tools (balls, rollers, knuckles): light pressure only"

CLEARANCE_NOTE = (
    "We will hold your time while we wait. Please send or bring a short note from your {who} "
    "saying massage is fine for you, and anything they would like us to avoid."
)


def section_for(order: int) -> str:
    """The starter questions are numbered by section: 0-99 today, 100-199 skin and
    areas, 200-399 ongoing conditions, 400 and up anything else."""
    if order < 100:
        return "today"
    if order < 200:
        return "areas"
    if order < 400:
        return "conditions"
    return "other"


# Questions about how the client is now, not their history: asked again in the
# pre-visit check shortly before the visit (migration 0015 marks them on existing sites).
PRE_VISIT_CODES = (
    "fever",
    "contagious-illness",
    "calf-pain-now",
    "unchecked-injury",
    "alcohol-or-drugs",
    "strong-painkillers",
    "pregnancy",
    "pregnancy-care",
)


def question(
    code: str,
    order: int,
    text: str,
    on_yes: str,
    *,
    kind: str = YES_NO,
    help_text: str = "",
    choices: tuple[str, ...] = (),
    choices_that_trigger: tuple[str, ...] = (),
    follow_up: str = "",
    avoid_points: tuple[str, ...] = (),
    avoid_regions: tuple[str, ...] = (),
    avoid_caution_kinds: tuple[str, ...] = (),
    light_only: bool = False,
    parent: str = "",
    avoid_area: str = "",
    guidance: str = "",
) -> dict:
    return {
        "code": code,
        "order": order,
        "section": section_for(order),
        "text": text,
        "help_text": help_text,
        "kind": kind,
        "choices": choices,
        "choices_that_trigger": choices_that_trigger,
        "follow_up": follow_up,
        "on_yes": on_yes,
        "avoid_points": avoid_points,
        "avoid_regions": avoid_regions,
        "avoid_caution_kinds": avoid_caution_kinds,
        "light_only": light_only,
        "parent": parent,
        "avoid_area": avoid_area,
        "guidance": guidance,
        "pre_visit": code in PRE_VISIT_CODES,
    }


# A follow-up to "Are you pregnant?": every option says pregnant, so choosing
# one counts as that "yes" whatever the first answer was.
PREGNANCY_OPTIONS = (
    "13 weeks or more, and no one has called it high-risk",
    "Under 13 weeks, or I'm not sure how far along I am",
    "A midwife or doctor has called it high-risk",
)

BLOOD_PRESSURE_OPTIONS = (
    "It is well controlled",
    "It is not well controlled at the moment, or I'm not sure",
)

# Ordered as a client meets them: how you are today, then skin and areas to
# work around, then ongoing conditions, then anything else. Gaps of ten leave
# room for the spa's own questions.
STARTER_QUESTIONS: list[dict] = [
    # --- Today: a session should wait ----------------------------------------------
    question(
        "fever",
        10,
        "Have you had a fever at any time in the last 48 hours?",
        DECLINE,
        help_text="Even a mild one, or one kept down with medicine.",
        guidance=(
            "Please rest until you have had 48 hours without a fever: massage asks a lot of a "
            "body that is fighting something off, and we would rather see you well. We will "
            "call you to find a time after that."
        ),
    ),
    question(
        "contagious-illness",
        20,
        "Do you have a cold, flu, COVID or any other illness you could pass on to others?",
        DECLINE,
        help_text="Including a cough, a sore throat or a stomach bug in the last few days.",
        guidance=(
            "Please wait until you feel better and can no longer pass it on, so that you, our "
            "therapists and our other guests stay well. We will call you to find a time after "
            "that."
        ),
    ),
    question(
        "calf-pain-now",
        30,
        "Do you have pain, swelling, warmth or redness in one calf or leg that nobody has "
        "explained yet?",
        DECLINE,
        help_text="We mean something new in one leg, not tired or achy legs after a long day.",
        avoid_points=LEG_POINTS,
        avoid_regions=LEG_REGIONS,
        avoid_area=LEG_AREA,
        guidance=(
            "Please see a doctor today: a painful, swollen leg should be checked quickly. If "
            "you also feel short of breath or have chest pain, call emergency services now. "
            "Please don't rub or massage the leg yourself. We will call you to find a time "
            "once you have been seen."
        ),
    ),
    question(
        "unchecked-injury",
        40,
        "Have you had an injury, a fall or a possible broken bone in the last 2 weeks that a "
        "doctor has not yet checked?",
        DECLINE,
        guidance=(
            "Please have it checked by a doctor first. We will call you to find a time once "
            "it has been, and your therapist will work around the area."
        ),
    ),
    question(
        "back-warning-signs",
        50,
        "Do you have new, severe or unexplained back pain, back pain with a fever or "
        "unexplained weight loss, or new numbness, leg weakness, or changes in bladder or "
        "bowel control?",
        DECLINE,
        help_text=(
            "Not the familiar ache you may be coming to us for: we mean pain that is new and "
            "severe or has no clear cause, or any of the other changes listed."
        ),
        guidance=(
            "If you have new numbness around the groin or changes in bladder or bowel control, "
            "go to an emergency department now. For the other changes, see a doctor today. "
            "We will call you to plan a session once you have been seen."
        ),
    ),
    question(
        "alcohol-or-drugs",
        60,
        "Do you expect to have had alcohol or recreational drugs in the hours before your session?",
        DECLINE,
        guidance=(
            "For your comfort and safety we only give massage to guests who arrive without "
            "alcohol or recreational drugs in their system. We will call you to find another "
            "time; we look forward to seeing you."
        ),
    ),
    # --- Skin and areas to work around ---------------------------------------------
    question(
        "skin-wounds",
        100,
        "Do you have any cuts, open or healing wounds, burns or sunburn?",
        AVOID_AREA,
        help_text="Your therapist will simply work around them.",
        follow_up="Where are they?",
        avoid_area="the affected skin",
    ),
    question(
        "skin-conditions",
        110,
        "Do you have a rash, eczema, psoriasis, a cold sore or a skin infection?",
        AVOID_AREA,
        help_text="Your therapist will work around the area.",
        follow_up="Where is it?",
        avoid_area="the affected skin",
    ),
    question(
        "skin-widespread",
        120,
        "Is a rash or skin infection spread over a large part of your body, or might it be "
        "catching?",
        DECLINE,
        parent="skin-conditions",
        help_text="Only if you answered yes above.",
        guidance=(
            "Please wait until it has settled, or until a doctor or pharmacist has told you it "
            "cannot be passed on. We will call you to talk it through and find a time."
        ),
    ),
    question(
        "bruises-sprains",
        130,
        "Do you have any bruised, swollen, hot or red areas, or a sprain from the last few weeks?",
        AVOID_AREA,
        follow_up="Where are they?",
        avoid_area="bruised, swollen or recently sprained areas",
    ),
    question(
        "unchecked-lumps",
        140,
        "Do you have any lumps or bumps that a doctor has not yet looked at?",
        AVOID_AREA,
        help_text=(
            "Your therapist will work around them. It is always worth showing a new lump to "
            "a doctor."
        ),
        follow_up="Where are they?",
        avoid_area="any lumps not yet checked by a doctor",
    ),
    question(
        "varicose-veins",
        150,
        "Do you have varicose veins?",
        REVIEW,
        help_text="Veins that are swollen, twisted or bulging, usually on the legs.",
        follow_up="Where are they?",
        avoid_points=("BL40", "BL57", "SP6"),
        avoid_area="deep pressure on or below varicose veins",
        guidance=(
            "Your therapist will keep pressure on your legs light and stay off the veins "
            "themselves."
        ),
    ),
    question(
        "implant",
        160,
        "Do you have a joint replacement (such as a new hip or knee) or another implant?",
        REVIEW,
        help_text="A pacemaker is asked about with the heart question below.",
        follow_up="Which joint or implant, and when was it fitted?",
        avoid_points=("GB30",),
        avoid_area="deep work around the replaced joint or implant",
        guidance=(
            "Your therapist will read your answer before the session and keep away from the "
            "joint or implant."
        ),
    ),
    # --- Ongoing conditions and medicines ------------------------------------------
    question(
        "pregnancy",
        200,
        "Are you pregnant, or might you be?",
        REVIEW,
        follow_up="How many weeks?",
        avoid_points=PREGNANCY_POINTS,
        avoid_caution_kinds=PREGNANCY_KINDS,
        avoid_area=PREGNANCY_AREA,
        guidance=(
            "Before confirming, we check that a therapist trained in pregnancy massage "
            "will see you, and we may call to suggest another time if not. Later in "
            "pregnancy you will lie on your side, leg work stays gentle, and the points "
            "traditionally avoided in pregnancy are left out."
        ),
    ),
    question(
        "pregnancy-care",
        210,
        "If you are or might be pregnant, which of these fits best?",
        CLEARANCE,
        kind=CHOICE,
        parent="pregnancy",
        help_text=(
            "Only if you answered yes above. High-risk might mean, for example, high blood "
            "pressure in pregnancy, bleeding, a placenta that needs watching, or early "
            "contractions."
        ),
        choices=PREGNANCY_OPTIONS,
        choices_that_trigger=PREGNANCY_OPTIONS[1:],
        avoid_points=PREGNANCY_POINTS,
        avoid_caution_kinds=PREGNANCY_KINDS,
        avoid_area=PREGNANCY_AREA,
        guidance=CLEARANCE_NOTE.format(who="midwife or doctor"),
    ),
    question(
        "blood-clot-recent",
        215,
        "Are you being treated for a blood clot in a leg or a lung (for example a DVT) now, "
        "or were you at any time in the last 6 months?",
        DECLINE,
        help_text="Including blood-thinning medicine you were given for a clot.",
        avoid_points=LEG_POINTS,
        avoid_regions=LEG_REGIONS,
        avoid_area=LEG_AREA,
        guidance=(
            "Massage has to wait while a clot is being treated and for some months after. "
            "Please don't massage your legs or feet yourself in the meantime. We will call you "
            "to talk it through and plan a session for when your doctor says massage is fine "
            "for you."
        ),
    ),
    question(
        "blood-clot-treated",
        220,
        "Have you had a blood clot in a leg or a lung (for example a DVT) in the past, with "
        "the treatment now finished?",
        CLEARANCE,
        help_text=(
            "If it was long ago and your doctor has since discharged you, a short note from "
            "them is all we need."
        ),
        follow_up="When was it?",
        avoid_points=LEG_POINTS,
        avoid_regions=LEG_REGIONS,
        avoid_area=LEG_AREA,
        guidance=CLEARANCE_NOTE.format(who="doctor")
        + " Your therapist will not massage your legs or feet.",
    ),
    question(
        "blood-thinners",
        230,
        "Do you take a blood-thinning medicine (such as warfarin, apixaban or a daily "
        "aspirin), or do you bruise or bleed very easily?",
        REVIEW,
        help_text="Including a bleeding disorder or low platelets that you know about.",
        follow_up="Which medicine, or what have you been told?",
        light_only=True,
        avoid_area=LIGHT_ONLY_AREA,
        guidance=(
            "Your therapist will use light pressure throughout and no massage tools. If they "
            "would like a note from your doctor first, we will let you know."
        ),
    ),
    question(
        "fragile-bones",
        240,
        "Do you have osteoporosis, or have you been told your bones are fragile?",
        REVIEW,
        avoid_points=(
            "GV3",
            "GV4",
            "GV11",
            "GV14",
            "BL23",
            "BL25",
            "BL32",
            "BL42",
            "BL43",
            "BL52",
        ),
        avoid_caution_kinds=("bone",),
        light_only=True,
        avoid_area=LIGHT_ONLY_AREA,
        guidance=(
            "Your therapist will keep pressure light, especially along your spine and ribs, and "
            "will not use a ball or roller on your back."
        ),
    ),
    question(
        "cancer-treatment",
        250,
        "Are you having treatment for cancer (such as chemotherapy, radiotherapy or surgery), "
        "or have you had any in the last 12 months?",
        CLEARANCE,
        follow_up="Which areas were treated? Were any lymph nodes removed?",
        avoid_area="treated areas, and any arm or leg where lymph nodes were removed",
        guidance=(
            CLEARANCE_NOTE.format(who="doctor or care team")
            + " Your therapist will keep away from treated areas and can use unscented oils."
        ),
    ),
    question(
        "heart",
        260,
        "Do you have a heart condition or a pacemaker, or have you had angina, a heart attack "
        "or a stroke?",
        CLEARANCE,
        follow_up="What, and when?",
        guidance=CLEARANCE_NOTE.format(who="doctor"),
    ),
    question(
        "blood-pressure",
        270,
        "Has a doctor or nurse told you that your blood pressure is high?",
        REVIEW,
        avoid_area="the front of the neck",
        guidance=(
            "Your therapist will keep pressure gentle at the base of the skull (the points "
            "GB20 and BL10) and will not press the front of your neck."
        ),
    ),
    question(
        "blood-pressure-control",
        275,
        "If your blood pressure is high, how is it at the moment?",
        CLEARANCE,
        kind=CHOICE,
        parent="blood-pressure",
        help_text="Only if you answered yes above.",
        choices=BLOOD_PRESSURE_OPTIONS,
        choices_that_trigger=BLOOD_PRESSURE_OPTIONS[1:],
        avoid_area="the front of the neck",
        guidance=CLEARANCE_NOTE.format(who="doctor"),
    ),
    question(
        "diabetes-feeling",
        280,
        "Do you have diabetes with numbness, tingling, or slow-healing sores on your feet or legs?",
        REVIEW,
        avoid_points=("LR3", "BL60", "BL67", "SP6", "ST36"),
        avoid_area="firm pressure where feeling is reduced",
        guidance=(
            "Your therapist will use light pressure on your feet and lower legs and check in "
            "with you often, since reduced feeling makes it hard to tell when pressure is too "
            "strong."
        ),
    ),
    question(
        "seizures",
        290,
        "Do you have epilepsy, or have you had seizures?",
        REVIEW,
        follow_up="When was the last one? Can any scents set one off?",
        guidance=(
            "Your therapist will read your answer, leave out any scents that might affect you, "
            "and may ask for a note from your doctor if you have had a seizure recently."
        ),
    ),
    question(
        "recent-surgery",
        300,
        "Have you had an operation in the last 6 months?",
        CLEARANCE,
        follow_up="What was it, and when?",
        avoid_area="the area of the operation",
        guidance=CLEARANCE_NOTE.format(who="surgeon or doctor")
        + " Your therapist will keep well away from the area of the operation.",
    ),
    question(
        "allergies",
        310,
        "Are you allergic or sensitive to any oils, lotions, nuts, latex or fragrances?",
        AVOID_AREA,
        follow_up="What are you allergic or sensitive to?",
        avoid_area="scented oils, nut oils and latex (we will use unscented, latex-free products)",
    ),
    question(
        "strong-painkillers",
        320,
        "Will you take strong painkillers or muscle relaxants on the day of your session?",
        REVIEW,
        follow_up="Which ones?",
        guidance=(
            "Your therapist will use lighter pressure, because these medicines can make it "
            "harder to feel when pressure is too strong."
        ),
    ),
    # --- Anything else --------------------------------------------------------------
    question(
        "anything-else",
        400,
        "Is there anything else about touch, your health or your history that you would "
        "like us to know? (optional)",
        REVIEW,
        kind=TEXT,
        help_text=(
            "For example places you would rather not be touched, or anything that helps you "
            "feel at ease. You never need to explain why."
        ),
        guidance=(
            "Thank you for telling us. Your therapist will read this before your session and "
            "shape it around what you shared."
        ),
    ),
]


# --- The demo spa -------------------------------------------------------------------
# An invented spa for local development and demos (`load_demo_spa`). The shifts
# cover the default opening hours, Tue–Sat 9:00–19:00 and Sun 10:00–16:00,
# with at least one therapist in at every open hour.

DEMO_RULES = {
    "slot_step_minutes": 15,
    "min_notice_hours": 2,
    "horizon_days": 60,
    "cancellation_cutoff_hours": 24,
}

ALL_REGIONS = ("head", "neck", "upper-back", "lower-back", "hips", "legs", "feet", "hands")

DEMO_SERVICES: list[dict] = [
    {
        "name": "Back, neck and shoulder massage",
        "slug": "back-neck-shoulder-massage",
        "illustration": "shoulders",
        "summary": "An hour on the places desk work and carrying bags leave tight.",
        "description": (
            "Your therapist works through your upper and lower back, shoulders and neck with "
            "steady, flowing strokes and slower work on the knots. Tell them how firm you "
            "like it; they will check in along the way."
        ),
        "duration_minutes": 60,
        "price": "85.00",
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 15,
        "regions": ("upper-back", "neck", "lower-back"),
        "order": 1,
    },
    {
        "name": "Deep tissue back treatment",
        "slug": "deep-tissue-back",
        "illustration": "back",
        "summary": "Slow, firm work for a stiff lower back and tight hips.",
        "description": (
            "Slow, firm pressure into the deeper layers of muscle around the lower back and "
            "hips. It can feel intense at times: you set the limit, and your therapist eases "
            "off whenever you ask."
        ),
        "duration_minutes": 60,
        "price": "95.00",
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 15,
        "regions": ("lower-back", "hips"),
        "firm_pressure": True,
        "order": 2,
    },
    {
        "name": "Acupressure session",
        "slug": "acupressure-session",
        "illustration": "hand",
        "summary": "Held pressure on chosen points, fully clothed, with tips to take home.",
        "description": (
            "You stay in loose, comfortable clothes while your therapist presses and holds "
            "points chosen for what bothers you, from head to feet. You leave with two or "
            "three points to use at home."
        ),
        "duration_minutes": 45,
        "price": "70.00",
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 15,
        "regions": ALL_REGIONS,
        "order": 3,
    },
    {
        "name": "Relaxing full-body massage",
        "slug": "relaxing-full-body-massage",
        "illustration": "stones",
        "summary": "Ninety unhurried minutes, from your scalp to your feet.",
        "description": (
            "Long, gentle strokes over the whole body with warm oil (unscented on request). "
            "Made for winding down rather than fixing knots."
        ),
        "duration_minutes": 90,
        "price": "120.00",
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 20,
        "regions": ALL_REGIONS,
        "order": 4,
    },
    {
        "name": "Foot and hand reflex",
        "slug": "foot-and-hand-reflex",
        "illustration": "feet",
        "summary": "Half an hour of pressure work on the feet and hands.",
        "description": (
            "Thumb and finger pressure across the soles, the tops of the feet and the palms. "
            "A good first visit, or a short break in a busy day."
        ),
        "duration_minutes": 30,
        "price": "45.00",
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 10,
        "regions": ("feet", "hands"),
        "order": 5,
    },
]

# Weekdays as WorkingHours.Weekday values: Monday 0 ... Sunday 6.
TUE, WED, THU, FRI, SAT, SUN = 1, 2, 3, 4, 5, 6

DEMO_THERAPISTS: list[dict] = [
    {
        "username": "demo-lena",
        "display_name": "Lena Marsh",
        "slug": "lena-marsh",
        "specialties": "Deep tissue, sports massage, desk posture",
        "bio": (
            "Lena has worked with office backs and runners' legs for twelve years. She likes "
            "firm, slow work and a clear plan for what to do between visits."
        ),
        "services": (
            "back-neck-shoulder-massage",
            "deep-tissue-back",
            "relaxing-full-body-massage",
        ),
        "shifts": [
            (TUE, "09:00", "17:00"),
            (WED, "09:00", "17:00"),
            (THU, "11:00", "19:00"),
            (FRI, "09:00", "17:00"),
        ],
    },
    {
        "username": "demo-tomas",
        "display_name": "Tomás Ferreira",
        "slug": "tomas-ferreira",
        "specialties": "Acupressure, sports massage, reflexology",
        "bio": (
            "Tomás trained in acupressure and sports massage. He is happy to explain each "
            "point as he goes, and to keep quiet if you would rather doze."
        ),
        "services": (
            "back-neck-shoulder-massage",
            "deep-tissue-back",
            "acupressure-session",
            "foot-and-hand-reflex",
        ),
        "shifts": [
            (WED, "11:00", "19:00"),
            (THU, "09:00", "17:00"),
            (FRI, "11:00", "19:00"),
            (SAT, "09:00", "17:00"),
            (SUN, "10:00", "16:00"),
        ],
    },
    {
        "username": "demo-priya",
        "display_name": "Priya Anand",
        "slug": "priya-anand",
        "specialties": "Pregnancy massage, relaxation, gentle points for sleep",
        "bio": (
            "Priya is trained in pregnancy massage and loves a long, calm full-body session. "
            "Ask her about gentle points for sleep."
        ),
        "services": (
            "back-neck-shoulder-massage",
            "acupressure-session",
            "relaxing-full-body-massage",
            "foot-and-hand-reflex",
        ),
        "shifts": [
            (TUE, "11:00", "19:00"),
            (SAT, "11:00", "19:00"),
            (SUN, "10:00", "16:00"),
        ],
    },
]
