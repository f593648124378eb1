"""The starter questionnaire and the demo spa: the data, and the loaders that create it."""

import re
from datetime import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bookings import starter
from bookings.models import (
    BookingRules,
    Outcome,
    Question,
    Service,
    Therapist,
    WorkingHours,
)
from bookings.questionnaire import rules_from_questions
from bookings.screening import Answer, screen
from points import starter as points_starter

QUESTIONS = {q["code"]: q for q in starter.STARTER_QUESTIONS}
PREGNANCY_POINTS = {"LI4", "GB21", "SP6", "BL60", "BL67", "BL32"}

# Question wording asks; it never tells the client what they have. "Do you
# have ...?" is a question and fine; "you have ..." outside it is not.
DIAGNOSING = [
    re.compile(r"(?<!\bdo )\byou have\b", re.IGNORECASE),
    re.compile(r"\bdiagnos", re.IGNORECASE),
    re.compile(r"\byou (?:are )?suffer", re.IGNORECASE),
    re.compile(r"\bsounds like\b", re.IGNORECASE),
]
# Guidance may say "once you have had 48 hours without a fever", never a guess.
GUESSING = [
    re.compile(r"\byou (?:may|might|probably|likely|could) have\b", re.IGNORECASE),
    re.compile(r"\bdiagnos", re.IGNORECASE),
    re.compile(r"\bsounds like\b", re.IGNORECASE),
    re.compile(r"\bthis (?:is|means) (?:a |an )?(?:sign|symptom)", re.IGNORECASE),
]


def load(command: str = "load_starter_questionnaire", **kw) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, stdout=out, stderr=err, **kw)
    return out.getvalue(), err.getvalue()


# --- The data (no database) ---------------------------------------------------------


def test_codes_and_orders_are_unique():
    codes = [q["code"] for q in starter.STARTER_QUESTIONS]
    orders = [q["order"] for q in starter.STARTER_QUESTIONS]
    assert len(codes) == len(set(codes))
    assert len(orders) == len(set(orders))
    assert orders == sorted(orders)


def test_every_tier_of_the_reference_is_present():
    outcomes = {q["on_yes"] for q in starter.STARTER_QUESTIONS}
    assert outcomes == {"avoid-area", "review", "clearance", "decline"}
    assert all(q["on_yes"] in Outcome.values for q in starter.STARTER_QUESTIONS)


def test_every_avoid_point_is_in_the_library():
    library = {p["code"] for p in points_starter.POINTS}
    for q in starter.STARTER_QUESTIONS:
        assert set(q["avoid_points"]) <= library, q["code"]


@pytest.mark.parametrize("outcome", ["decline", "clearance"])
def test_every_decline_and_clearance_question_tells_the_client_what_to_do(outcome):
    for q in starter.STARTER_QUESTIONS:
        if q["on_yes"] == outcome:
            assert len(q["guidance"]) > 40, q["code"]


def test_decline_guidance_is_kind_and_says_what_next():
    """A decline becomes a call-back: its guidance says we will call, as the page does,
    never "rebook" (which the call-back page would contradict)."""
    for q in starter.STARTER_QUESTIONS:
        if q["on_yes"] == "decline":
            assert "We will call you" in q["guidance"], q["code"]
            assert not re.search(r"\b(rebook|book again)\b", q["guidance"], re.I), q["code"]


def test_only_known_placeholders_are_used():
    for q in starter.STARTER_QUESTIONS:
        for field in ("text", "help_text", "follow_up", "avoid_area", "guidance"):
            names = set(re.findall(r"\{(\w*)\}", q[field]))
            assert names <= {"spa_name", "spa_phone", "spa_email"}, (q["code"], field)


def test_no_question_diagnoses():
    for q in starter.STARTER_QUESTIONS:
        for field in ("text", "help_text", "follow_up"):
            for pattern in DIAGNOSING:
                assert not pattern.search(q[field]), (q["code"], field, q[field])
        for pattern in GUESSING:
            assert not pattern.search(q["guidance"]), (q["code"], q["guidance"])


def test_the_diagnosing_check_catches_what_it_should():
    assert any(p.search("It seems you have a clot.") for p in DIAGNOSING)
    assert any(p.search("A diagnosis of you") for p in DIAGNOSING)
    assert not any(p.search("Do you have varicose veins?") for p in DIAGNOSING)


def test_choice_questions_have_options_and_trigger_only_on_them():
    choices = [q for q in starter.STARTER_QUESTIONS if q["kind"] == "choice"]
    assert choices
    for q in choices:
        assert len(q["choices"]) >= 2
        assert q["choices_that_trigger"]
        assert set(q["choices_that_trigger"]) <= set(q["choices"]), q["code"]
        # The first option is the everyday answer that changes nothing.
        assert q["choices"][0] not in q["choices_that_trigger"]


def test_pregnancy_is_screened_in_two_steps():
    pregnant, care = QUESTIONS["pregnancy"], QUESTIONS["pregnancy-care"]
    assert pregnant["on_yes"] == "review"
    assert pregnant["follow_up"] == "How many weeks?"
    assert set(pregnant["avoid_points"]) == PREGNANCY_POINTS
    assert pregnant["avoid_area"] == "the abdomen and the lower back's sacral area"
    assert care["on_yes"] == "clearance"
    assert care["kind"] == "choice"
    assert set(care["avoid_points"]) == PREGNANCY_POINTS
    assert any("13 weeks" in option for option in care["choices_that_trigger"])
    assert any("high-risk" in option for option in care["choices_that_trigger"])


@pytest.mark.parametrize(
    ("code", "on_yes", "points"),
    [
        ("varicose-veins", "review", {"BL40", "BL57", "SP6"}),
        (
            "fragile-bones",
            "review",
            {"GV3", "GV4", "GV11", "GV14", "BL23", "BL25", "BL32", "BL42", "BL43", "BL52"},
        ),
        ("implant", "review", {"GB30"}),
        ("diabetes-feeling", "review", {"LR3", "BL60", "BL67", "SP6", "ST36"}),
        ("blood-pressure", "review", set()),
        ("blood-thinners", "review", set()),
        ("cancer-treatment", "clearance", set()),
        ("heart", "clearance", set()),
        ("recent-surgery", "clearance", set()),
        ("blood-clot-treated", "clearance", set(starter.LEG_POINTS)),
        ("blood-clot-recent", "decline", set(starter.LEG_POINTS)),
        ("blood-pressure-control", "clearance", set()),
        ("calf-pain-now", "decline", set(starter.LEG_POINTS)),
        ("fever", "decline", set()),
        ("contagious-illness", "decline", set()),
        ("unchecked-injury", "decline", set()),
        ("back-warning-signs", "decline", set()),
        ("alcohol-or-drugs", "decline", set()),
        ("allergies", "avoid-area", set()),
        ("skin-wounds", "avoid-area", set()),
        ("skin-conditions", "avoid-area", set()),
        ("anything-else", "review", set()),
    ],
)
def test_reference_actions(code, on_yes, points):
    q = QUESTIONS[code]
    assert q["on_yes"] == on_yes
    assert set(q["avoid_points"]) == points


def test_blood_pressure_guidance_names_the_gentle_points():
    guidance = QUESTIONS["blood-pressure"]["guidance"]
    assert "GB20" in guidance
    assert "BL10" in guidance
    assert "gentle" in guidance


def test_allergies_and_free_text():
    assert QUESTIONS["allergies"]["avoid_area"] == (
        "scented oils, nut oils and latex (we will use unscented, latex-free products)"
    )
    last = starter.STARTER_QUESTIONS[-1]
    assert last["code"] == "anything-else"
    assert last["kind"] == "text"
    assert last["text"].endswith("(optional)")


# --- load_starter_questionnaire -----------------------------------------------------


@pytest.mark.django_db
def test_loader_creates_every_question_and_links_pregnancy_points():
    load("load_starter_library")
    out, err = load()
    n = len(starter.STARTER_QUESTIONS)
    assert out.strip() == f"Starter questionnaire: {n} questions created; 0 already present."
    assert err == ""
    assert Question.objects.count() == n
    pregnant = Question.objects.get(code="pregnancy")
    assert set(pregnant.avoid_points.values_list("code", flat=True)) == PREGNANCY_POINTS
    care = Question.objects.get(code="pregnancy-care")
    assert care.option_list() == list(starter.PREGNANCY_OPTIONS)
    assert care.trigger_list() == list(starter.PREGNANCY_OPTIONS[1:])
    assert care.parent == pregnant
    assert Question.objects.get(code="blood-pressure-control").parent.code == "blood-pressure"
    clot = Question.objects.get(code="blood-clot-recent")
    assert set(clot.avoid_regions.values_list("slug", flat=True)) == {"legs", "feet"}


@pytest.mark.django_db
def test_loader_is_idempotent():
    load("load_starter_library")
    load()
    before = list(Question.objects.values_list("code", "text", "version").order_by("code"))
    out, _ = load()
    n = len(starter.STARTER_QUESTIONS)
    assert out.strip() == f"Starter questionnaire: 0 questions created; {n} already present."
    assert list(Question.objects.values_list("code", "text", "version").order_by("code")) == before


@pytest.mark.django_db
def test_staff_edits_survive_a_reload():
    load("load_starter_library")
    load()
    veins = Question.objects.get(code="varicose-veins")
    veins.text = "Any varicose veins on your legs?"
    veins.on_yes = Outcome.CLEARANCE
    veins.save()
    veins.avoid_points.clear()
    Question.objects.get(code="fever").delete()

    load()

    veins.refresh_from_db()
    assert veins.text == "Any varicose veins on your legs?"
    assert veins.on_yes == "clearance"
    assert veins.version == 2
    assert veins.avoid_points.count() == 0
    # A starter question staff deleted comes back (deactivate it to retire it).
    assert Question.objects.filter(code="fever").exists()


@pytest.mark.django_db
def test_missing_points_are_reported_not_invented():
    out, err = load()  # the points library is not loaded
    assert "Question pregnancy: no point LI4" in err
    assert "point links skipped" in out
    assert Question.objects.get(code="pregnancy").avoid_points.count() == 0


@pytest.mark.django_db
def test_loaded_questions_screen_end_to_end(settings, django_assert_num_queries):
    settings.SPA_PHONE = "(555) 000-1111"
    load("load_starter_library")
    load()
    with django_assert_num_queries(5):
        questions = list(
            Question.objects.active()
            .select_related("parent")
            .prefetch_related("avoid_points", "avoid_regions")
        )
        rules = rules_from_questions(questions)
    result = screen(rules, [Answer("pregnancy", "yes"), Answer("varicose-veins", "yes")])
    assert result.outcome == "review"
    care = {"BL23", "BL52", "GV4", "BL25", "GV3"}  # "take care in pregnancy" points
    assert set(result.avoid_points) == PREGNANCY_POINTS | care | {"BL40", "BL57"}

    result = screen(rules, [Answer("back-warning-signs", "yes")])
    assert result.outcome == "decline"
    assert "emergency department now" in result.guidance[0]

    # Staff may name the spa's phone in guidance: it is filled in from the settings.
    Question.objects.filter(code="fever").update(guidance="Call {spa_name} on {spa_phone}.")
    rules = rules_from_questions(
        Question.objects.active()
        .select_related("parent")
        .prefetch_related("avoid_points", "avoid_regions")
    )
    result = screen(rules, [Answer("fever", "yes")])
    assert "(555) 000-1111" in result.guidance[0]
    assert "{spa_phone}" not in result.guidance[0]

    result = screen(rules, [Answer("pregnancy-care", starter.PREGNANCY_OPTIONS[2])])
    assert result.outcome == "clearance"
    assert result.triggered == ("pregnancy", "pregnancy-care")


# --- load_demo_spa ------------------------------------------------------------------


def test_demo_shifts_cover_the_opening_hours():
    opening = {d: ("09:00", "19:00") for d in range(1, 6)} | {6: ("10:00", "16:00")}
    covered: dict[int, set[str]] = {}
    for therapist in starter.DEMO_THERAPISTS:
        for weekday, start, end in therapist["shifts"]:
            assert weekday in opening, therapist["slug"]
            open_, close = opening[weekday]
            assert open_ <= start < end <= close, (therapist["slug"], weekday)
            hours = range(int(start[:2]), int(end[:2]))
            covered.setdefault(weekday, set()).update(f"{h:02}" for h in hours)
    for weekday, (open_, close) in opening.items():
        assert covered[weekday] == {f"{h:02}" for h in range(int(open_[:2]), int(close[:2]))}


def test_demo_services_are_offered_by_someone_and_name_real_regions():
    regions = {r["slug"] for r in points_starter.REGIONS}
    offered = {slug for t in starter.DEMO_THERAPISTS for slug in t["services"]}
    for service in starter.DEMO_SERVICES:
        assert service["slug"] in offered
        assert set(service["regions"]) <= regions


@pytest.mark.django_db
def test_demo_loader_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        load("load_demo_spa")
    assert not Service.objects.exists()
    assert not Therapist.objects.exists()


@pytest.mark.django_db
def test_demo_loader_creates_the_spa(settings, monkeypatch):
    monkeypatch.delenv("SPA_DEMO_PASSWORD", raising=False)
    settings.DEBUG = True
    load("load_starter_library")
    out, err = load("load_demo_spa")
    assert err == ""
    assert out.startswith("Demo spa: booking rules created;")

    rules = BookingRules.objects.get()
    assert (rules.slot_step_minutes, rules.min_notice_hours) == (15, 2)
    assert (rules.horizon_days, rules.cancellation_cutoff_hours) == (60, 24)
    assert Service.objects.count() >= 4
    assert set(
        Service.objects.get(slug="back-neck-shoulder-massage").regions.values_list(
            "slug", flat=True
        )
    ) == {"upper-back", "neck", "lower-back"}
    therapists = list(Therapist.objects.prefetch_related("hours", "services"))
    assert len(therapists) >= 3
    for therapist in therapists:
        assert therapist.hours.exists()
        assert therapist.services.exists()
        assert therapist.user.is_staff
        # No login yet: the spa's ensure_demo_staff gives the password and the role.
        assert not therapist.user.has_usable_password()
        assert not therapist.user.groups.exists()
    weekdays = set(WorkingHours.objects.values_list("weekday", flat=True))
    assert weekdays == {1, 2, 3, 4, 5, 6}
    assert WorkingHours.objects.filter(weekday=6).exclude(start=time(10), end=time(16)).count() == 0


@pytest.mark.django_db
def test_demo_loader_is_idempotent_and_never_overwrites(settings):
    load("load_starter_library")
    load("load_demo_spa", force=True)
    counts = (Service.objects.count(), Therapist.objects.count(), WorkingHours.objects.count())
    service = Service.objects.get(slug="deep-tissue-back")
    service.price = "101.00"
    service.save()
    BookingRules.objects.filter(pk=1).update(slot_step_minutes=30)
    lena = Therapist.objects.get(slug="lena-marsh")
    lena.hours.filter(weekday=2).delete()

    out, _ = load("load_demo_spa", force=True)

    assert "booking rules already present" in out
    assert "0 services, 0 therapists (0 shifts) created" in out
    assert Service.objects.count() == counts[0]
    assert Therapist.objects.count() == counts[1]
    assert WorkingHours.objects.count() == counts[2] - 1
    assert str(Service.objects.get(slug="deep-tissue-back").price) == "101.00"
    assert BookingRules.current().slot_step_minutes == 30
