"""Safer starter questions for questionnaires loaded before them (content-safety review).

The starter loader only creates what is missing. Here, for a questionnaire
loaded earlier:

- wording and outcomes change only where the row still holds the starter's old
  value (anything staff edited is left as they left it); a changed question gets
  a new version, as an edit in admin would;
- the stricter links (more points to avoid, areas, caution kinds, light pressure
  only, follow-up links) are added to the starter questions that exist; a
  follow-up link is made only where the follow-up's options are the new ones, so
  no old "I'm not pregnant" option can count as a "yes";
- the new starter questions (a clot being treated now, blood pressure control)
  are created where the questionnaire was loaded and they are missing.
"""

from django.db import migrations

VERSIONED = {"text", "kind", "choices", "choices_that_trigger", "on_yes", "follow_up"}

# (code, field, old value, new value)
CHANGES = [
    (
        "fever",
        "guidance",
        "Please rest, and rebook once you have had 48 hours without a fever. Massage asks a lot of a "
        "body that is fighting something off, and we would rather see you well.",
        "Please rest until you have had 48 hours without a fever: massage asks a lot of a body that "
        "is fighting something off, and we would rather see you well. We will call you to find a "
        "time after that.",
    ),
    (
        "contagious-illness",
        "guidance",
        "Please rebook once you feel better and can no longer pass it on, so that you, our "
        "therapists and our other guests stay well. Not sure? Call us on {spa_phone}.",
        "Please wait until you feel better and can no longer pass it on, so that you, our therapists "
        "and our other guests stay well. We will call you to find a time after that.",
    ),
    ("calf-pain-now", "avoid_area", "", "any massage of the legs and feet"),
    (
        "calf-pain-now",
        "guidance",
        "Please have this looked at by a doctor before any massage, and soon: doctors like to check "
        "a swollen, painful leg quickly. Once you have been seen, call us on {spa_phone} and we will "
        "find a time together.",
        "Please see a doctor today: a painful, swollen leg should be checked quickly. If you also "
        "feel short of breath or have chest pain, call emergency services now. Please don't rub or "
        "massage the leg yourself. We will call you to find a time once you have been seen.",
    ),
    (
        "unchecked-injury",
        "guidance",
        "Please have it checked by a doctor first. Once it has been, you are very welcome to rebook "
        "and your therapist will work around the area.",
        "Please have it checked by a doctor first. We will call you to find a time once it has been, "
        "and your therapist will work around the area.",
    ),
    (
        "back-warning-signs",
        "text",
        "Do you have new, severe or unexplained back pain, or new numbness, leg weakness, or changes "
        "in bladder or bowel control?",
        "Do you have new, severe or unexplained back pain, back pain with a fever or unexplained "
        "weight loss, or new numbness, leg weakness, or changes in bladder or bowel control?",
    ),
    (
        "back-warning-signs",
        "guidance",
        "Please speak to a doctor before having massage for this, and today if the numbness, "
        "weakness or bladder or bowel changes came on suddenly. When you have been seen, call us on "
        "{spa_phone} and we will gladly plan a session with you.",
        "If you have new numbness around the groin or changes in bladder or bowel control, go to an "
        "emergency department now. For the other changes, see a doctor today. We will call you to "
        "plan a session once you have been seen.",
    ),
    (
        "alcohol-or-drugs",
        "guidance",
        "For your comfort and safety we only give massage to guests who arrive without alcohol or "
        "recreational drugs in their system. Please choose another time and book again; we look "
        "forward to seeing you.",
        "For your comfort and safety we only give massage to guests who arrive without alcohol or "
        "recreational drugs in their system. We will call you to find another time; we look forward "
        "to seeing you.",
    ),
    (
        "skin-widespread",
        "help_text",
        "Answer no if you answered no to the question above.",
        "Only if you answered yes above.",
    ),
    (
        "skin-widespread",
        "guidance",
        "Please rebook once it has settled, or once a doctor or pharmacist has told you it cannot be "
        "passed on. If you are unsure, call us on {spa_phone} and we will talk it through.",
        "Please wait until it has settled, or until a doctor or pharmacist has told you it cannot be "
        "passed on. We will call you to talk it through and find a time.",
    ),
    (
        "pregnancy-care",
        "text",
        "If you are pregnant, which of these fits best?",
        "If you are or might be pregnant, which of these fits best?",
    ),
    (
        "pregnancy-care",
        "help_text",
        "High-risk might mean, for example, high blood pressure in pregnancy, bleeding, a placenta "
        "that needs watching, or early contractions.",
        "Only if you answered yes above. High-risk might mean, for example, high blood pressure in "
        "pregnancy, bleeding, a placenta that needs watching, or early contractions.",
    ),
    (
        "pregnancy-care",
        "choices",
        "I'm not pregnant\n"
        "13 weeks or more, and no one has called it high-risk\n"
        "Under 13 weeks, or I'm not sure how far along I am\n"
        "A midwife or doctor has called it high-risk",
        "13 weeks or more, and no one has called it high-risk\n"
        "Under 13 weeks, or I'm not sure how far along I am\n"
        "A midwife or doctor has called it high-risk",
    ),
    (
        "blood-clot-treated",
        "text",
        "Have you ever been treated for a blood clot in a leg or a lung (for example a DVT), or are "
        "you being treated for one now?",
        "Have you had a blood clot in a leg or a lung (for example a DVT) in the past, with the "
        "treatment now finished?",
    ),
    (
        "blood-clot-treated",
        "avoid_area",
        "deep pressure on the legs",
        "any massage of the legs and feet",
    ),
    (
        "blood-clot-treated",
        "guidance",
        "We will hold your time while we wait. Please send or bring a short note from your doctor "
        "saying massage is fine for you, and anything they would like us to avoid.",
        "We will hold your time while we wait. Please send or bring a short note from your doctor "
        "saying massage is fine for you, and anything they would like us to avoid. Your therapist "
        "will not massage your legs or feet.",
    ),
    (
        "blood-thinners",
        "avoid_area",
        "",
        "firm pressure and massage tools (balls, rollers, knuckles): light pressure only",
    ),
    (
        "fragile-bones",
        "avoid_area",
        "firm pressure and massage tools on the spine",
        "firm pressure and massage tools (balls, rollers, knuckles): light pressure only",
    ),
    ("blood-pressure", "kind", "choice", "yes-no"),
    (
        "blood-pressure",
        "choices",
        "No\n"
        "Yes, and it is well controlled\n"
        "Yes, and it is not well controlled at the moment, or I'm not sure",
        "",
    ),
    (
        "blood-pressure",
        "choices_that_trigger",
        "Yes, and it is well controlled\n"
        "Yes, and it is not well controlled at the moment, or I'm not sure",
        "",
    ),
    (
        "blood-pressure",
        "guidance",
        "Your therapist will keep pressure gentle at the base of the skull (the points GB20 and "
        "BL10) and will not press the front of your neck. If your blood pressure is not well "
        "controlled, they may ask for a note from your doctor first.",
        "Your therapist will keep pressure gentle at the base of the skull (the points GB20 and "
        "BL10) and will not press the front of your neck.",
    ),
    (
        "allergies",
        "avoid_area",
        "scented oils and nut oils (we will use unscented products)",
        "scented oils, nut oils and latex (we will use unscented, latex-free products)",
    ),
]

# (code, extra avoid points, avoid region slugs, caution kinds, light only, parent code)
STRICTER = [
    ("calf-pain-now", ["BL60", "BL67", "GB34", "LR3", "ST36"], ["legs", "feet"], [], False, ""),
    ("skin-widespread", [], [], [], False, "skin-conditions"),
    ("pregnancy", [], [], ["pregnancy", "pregnancy-care"], False, ""),
    ("pregnancy-care", [], [], ["pregnancy", "pregnancy-care"], False, "pregnancy"),
    (
        "blood-clot-treated",
        ["BL60", "BL67", "GB34", "LR3", "ST36"],
        ["legs", "feet"],
        [],
        False,
        "",
    ),
    ("blood-thinners", [], [], [], True, ""),
    ("fragile-bones", ["BL25", "BL32"], [], ["bone"], True, ""),
]

NEW_QUESTIONS = [
    {
        "avoid_area": "any massage of the legs and feet",
        "avoid_caution_kinds": [],
        "avoid_points": ["BL40", "BL57", "SP6", "GB34", "ST36", "BL60", "LR3", "BL67"],
        "avoid_regions": ["legs", "feet"],
        "choices": "",
        "choices_that_trigger": "",
        "code": "blood-clot-recent",
        "follow_up": "",
        "guidance": "Massage has to wait while a clot is being treated and for some months after. "
        "Please don't massage your legs or feet yourself in the meantime. We will call "
        "you to talk it through and plan a session for when your doctor says massage is "
        "fine for you.",
        "help_text": "Including blood-thinning medicine you were given for a clot.",
        "kind": "yes-no",
        "light_only": False,
        "on_yes": "decline",
        "order": 215,
        "parent": "",
        "section": "conditions",
        "text": "Are you being treated for a blood clot in a leg or a lung (for example a DVT) now, "
        "or were you at any time in the last 6 months?",
    },
    {
        "avoid_area": "the front of the neck",
        "avoid_caution_kinds": [],
        "avoid_points": [],
        "avoid_regions": [],
        "choices": "It is well controlled\nIt is not well controlled at the moment, or I'm not sure",
        "choices_that_trigger": "It is not well controlled at the moment, or I'm not sure",
        "code": "blood-pressure-control",
        "follow_up": "",
        "guidance": "We will hold your time while we wait. Please send or bring a short note from "
        "your doctor saying massage is fine for you, and anything they would like us to "
        "avoid.",
        "help_text": "Only if you answered yes above.",
        "kind": "choice",
        "light_only": False,
        "on_yes": "clearance",
        "order": 275,
        "parent": "blood-pressure",
        "section": "conditions",
        "text": "If your blood pressure is high, how is it at the moment?",
    },
]


def forwards(apps, schema_editor):
    Question = apps.get_model("bookings", "Question")
    Point = apps.get_model("points", "Point")
    BodyRegion = apps.get_model("points", "BodyRegion")
    Service = apps.get_model("bookings", "Service")
    Service.objects.filter(slug="deep-tissue-back", name="Deep tissue back treatment").update(
        firm_pressure=True
    )
    stricter = list(STRICTER)
    if not Question.objects.exists():
        return  # never loaded: load_starter_questionnaire creates the new ones
    # One save per question, so a question never passes through a state its
    # constraints refuse (a "choose one" question without options).
    for question in Question.objects.filter(code__in={code for code, *_ in CHANGES}):
        changed = set()
        for code, field, old, new in CHANGES:
            if code == question.code and getattr(question, field) == old:
                setattr(question, field, new)
                changed.add(field)
        if changed & VERSIONED:
            question.version += 1
        if changed:
            question.save()
    for data in NEW_QUESTIONS:
        if Question.objects.filter(code=data["code"]).exists():
            continue
        if (
            data["parent"]
            and not Question.objects.filter(code=data["parent"], kind="yes-no").exists()
        ):
            continue  # its parent was not converted (staff had edited it)
        fields = {
            k: data[k]
            for k in (*VERSIONED, "code", "section", "help_text", "avoid_area", "guidance", "order")
        }
        question = Question.objects.create(
            **fields,
            avoid_caution_kinds=data["avoid_caution_kinds"],
            light_pressure_only=data["light_only"],
        )
        question.avoid_points.set(Point.objects.filter(code__in=data["avoid_points"]))
        question.avoid_regions.set(BodyRegion.objects.filter(slug__in=data["avoid_regions"]))
        stricter.append((data["code"], [], [], [], data["light_only"], data["parent"]))
    new_options = {q["code"]: q["choices"] for q in NEW_QUESTIONS}
    for code, points, regions, kinds, light_only, parent in stricter:
        question = Question.objects.filter(code=code).first()
        if question is None:
            continue
        question.avoid_points.add(*Point.objects.filter(code__in=points))
        question.avoid_regions.add(*BodyRegion.objects.filter(slug__in=regions))
        question.avoid_caution_kinds = sorted(set(question.avoid_caution_kinds or []) | set(kinds))
        question.light_pressure_only = question.light_pressure_only or light_only
        starter_choices = new_options.get(code) or _changed_to(code)
        if (
            parent
            and question.parent_id is None
            and (question.kind == "yes-no" or question.choices == starter_choices)
        ):
            question.parent = Question.objects.filter(code=parent).first()
            question.version += 1
        question.save()


def _changed_to(code):
    for changed, field, _old, new in CHANGES:
        if changed == code and field == "choices":
            return new
    return None


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_screening_follow_ups_areas_light_pressure"),
        ("points", "0003_safer_starter_wording"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
