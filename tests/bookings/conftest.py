"""A small spa in code: one service, two therapists working every day, a short questionnaire."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bookings.models import BookingRules, Question
from spa.roles import ensure_groups
from tests import factories as f


@pytest.fixture
def spa(db):
    BookingRules.objects.update_or_create(
        pk=1,
        defaults=dict(
            slot_step_minutes=30, min_notice_hours=2, horizon_days=30, cancellation_cutoff_hours=24
        ),
    )
    service = f.service("Back massage", description="We work the back.")
    therapists = [f.therapist(name, service) for name in ("Ana", "Ben")]
    return {"service": service, "ana": therapists[0], "ben": therapists[1]}


@pytest.fixture
def questions(db):
    li4 = f.point("LI4", english_name="Joining Valley")
    qs = [
        Question.objects.create(
            code="fever",
            text="Fever in the last two days?",
            order=1,
            on_yes="decline",
            guidance="Please rebook once you have had two days without a fever.",
        ),
        Question.objects.create(
            code="pregnant",
            text="Are you or might you be pregnant?",
            order=2,
            on_yes="review",
            follow_up="How many weeks?",
        ),
        Question.objects.create(
            code="heart",
            text="A heart condition?",
            order=3,
            on_yes="clearance",
            guidance="Bring a note from your doctor saying massage is fine.",
        ),
        Question.objects.create(
            code="rash",
            text="A rash or broken skin?",
            order=4,
            on_yes="avoid-area",
            avoid_area="the affected skin",
        ),
        Question.objects.create(
            code="else", text="Anything else we should know?", kind="text", order=5, on_yes="review"
        ),
    ]
    qs[1].avoid_points.add(li4)
    return qs


# A stopped clock for the tests whose dates would otherwise depend on the day the suite
# runs (@pytest.mark.time_machine(MONDAY_MORNING, tick=False)): early in a week and in a
# month, before opening, and 20 seconds past a minute (times shown are cut to the minute).
MONDAY_MORNING = datetime(2027, 1, 4, 8, 0, 20, tzinfo=ZoneInfo("America/Chicago"))


def tomorrow_at(hour: int, minute: int = 0):
    local = timezone.localtime() + timedelta(days=2)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def answers(**yes) -> dict:
    """POST data for the questionnaire: every question 'no' unless given."""
    data = {
        "q_fever": "no",
        "q_pregnant": "no",
        "q_heart": "no",
        "q_rash": "no",
        "q_else": "",
        "health_consent": "on",
    }
    for code, value in yes.items():
        data[f"q_{code}"] = value
    return data


DETAILS = {
    "name": "Casey Client",
    "email": "Casey@Example.com",
    "phone": "(555) 010-2233",
    "notes": "Firm pressure please.",
}


def walk_to_review(client, spa, start, **yes):
    """Drive the flow up to the review step; returns the last response."""
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "any"})
    client.post("/book/time/", {"start": start.isoformat()})
    client.post("/book/details/", DETAILS)
    return client.post("/book/health/", answers(**yes))


def staff_in(role: str, username: str) -> tuple[Client, object]:
    """A logged-in staff member holding one role (a group from spa/roles.py)."""
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw-staff-1234567", is_staff=True
    )
    user.groups.add(ensure_groups()[role])
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def front_desk(db):
    return staff_in("Front desk", "fran")


@pytest.fixture
def own_therapist(spa):
    """Ana, signed in as a therapist: the appointments booked with her are her clients'."""
    user = spa["ana"].user
    user.groups.add(ensure_groups()["Therapists"])
    client = Client()
    client.force_login(user)
    return client, user


def booking_state(client) -> dict:
    """What the booking flow has kept for this client so far (its server-side draft)."""
    from bookings.models import BookingDraft

    key = client.session.get("booking_draft")
    draft = BookingDraft.objects.filter(key=key).first() if key else None
    return draft.data if draft is not None else {}
