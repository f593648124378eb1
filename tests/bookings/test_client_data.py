"""A client's data on request: the export and erase actions on the appointment list."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bookings.models import (
    Appointment,
    AppointmentEvent,
    CallbackRequest,
    HealthAccess,
    HealthAnswers,
    Status,
)
from points.models import Point
from tests import factories as f
from tests.bookings.conftest import staff_in

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/bookings/appointment/"
DETAIL = "MARKER-4242 since March"


@pytest.fixture
def owner_role(db):
    return staff_in("Owner", "oona")


@pytest.fixture
def therapist_role(db):
    return staff_in("Therapists", "theo")


def answers_for(record) -> HealthAnswers:
    target = "callback" if isinstance(record, CallbackRequest) else "appointment"
    return HealthAnswers.objects.create(
        **{target: record},
        questionnaire_version="q1",
        answers=[{"code": "rash", "answer": "yes", "detail": DETAIL, "triggered": True}],
        outcome="avoid-area",
        consent_version="2026-11",
        consented_at=timezone.now(),
    )


def book(spa, days: int, *, name="Casey Client", email="casey@example.com", who="ana"):
    a = f.appointment(
        spa["service"],
        spa[who],
        timezone.now() + timedelta(days=days),
        client_name=name,
        client_email=email,
        client_notes="Firm pressure please.",
        avoid_areas="the affected skin",
        client_guidance="Bring a note.",
    )
    a.avoid_points.add(Point.objects.filter(code="LI4").first() or f.point("LI4"))
    AppointmentEvent.objects.create(appointment=a, to_status=a.status, by_client=True)
    return a


@pytest.fixture
def casey(spa):
    """Casey: two appointments (one email typed in capitals), a call-back; and another client."""
    first = book(spa, 3)
    second = book(spa, 5, email="Casey@Example.com")
    callback = CallbackRequest.objects.create(
        name="Casey Client", email="casey@example.com", phone="555 010 2233", notes="Mornings."
    )
    other = book(spa, 3, name="Robin Reed", email="robin@example.com", who="ben")
    for record in (first, second, callback, other):
        answers_for(record)
    return {"first": first, "second": second, "callback": callback, "other": other}


def act(client: Client, action: str, *appointments, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in appointments], **extra}
    return client.post(CHANGELIST, data)


# --- Export -----------------------------------------------------------------------------


def test_export_holds_everything_about_the_client_with_answers_for_the_owner(owner_role, casey):
    client, user = owner_role
    response = act(client, "export_client_data", casey["first"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="client-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["emails"] == ["casey@example.com"]
    assert data["health_answers_included"] is True
    assert [a["id"] for a in data["appointments"]] == [casey["first"].pk, casey["second"].pk]
    assert [c["id"] for c in data["callback_requests"]] == [casey["callback"].pk]
    first = data["appointments"][0]
    assert first["client_phone"] == "(555) 010-2233"
    assert first["avoid_points"] == ["LI4"]
    assert first["events"][0]["to_status"] == Status.REQUESTED
    assert first["health_answers"]["answers"][0]["detail"] == DETAIL
    assert first["health_answers"]["consent_version"] == "2026-11"
    assert data["callback_requests"][0]["health_answers"]["outcome"] == "avoid-area"
    assert "Robin" not in response.content.decode()
    # One access log row per answers record exported, in the owner's name.
    logged = HealthAccess.objects.filter(user=user)
    assert logged.count() == 3
    assert {a.answers_id for a in logged} == set(
        HealthAnswers.objects.exclude(appointment=casey["other"]).values_list("pk", flat=True)
    )


def test_export_for_the_owner_includes_answers(owner, casey):
    data = json.loads(act(owner, "export_client_data", casey["second"]).content)
    assert data["health_answers_included"] is True
    assert HealthAccess.objects.count() == 3
    assert "avoid_areas" in data["appointments"][0]


def test_export_by_a_therapist_leaves_answers_and_derived_fields_out(therapist_role, casey):
    # A client's records span therapists; the export is the owner's, with the answers.
    client, _ = therapist_role
    response = act(client, "export_client_data", casey["second"])
    data = json.loads(response.content)
    assert data["health_answers_included"] is False
    assert all(
        "avoid_areas" not in row and "avoid_points" not in row for row in data["appointments"]
    )
    assert DETAIL not in response.content.decode()
    assert not HealthAccess.objects.exists()


def test_export_without_the_health_permission_leaves_answers_out(front_desk, casey):
    client, _ = front_desk
    response = act(client, "export_client_data", casey["first"], casey["other"])
    data = json.loads(response.content)
    assert data["health_answers_included"] is False
    assert data["emails"] == ["casey@example.com", "robin@example.com"]
    assert len(data["appointments"]) == 3
    assert all("health_answers" not in row for row in data["appointments"])
    assert all("health_answers" not in row for row in data["callback_requests"])
    assert DETAIL not in response.content.decode()
    assert not HealthAccess.objects.exists()


def test_export_refused_to_staff_without_appointment_access(staff_outside_group, casey):
    response = act(staff_outside_group, "export_client_data", casey["first"])
    assert response.status_code == 403
    assert not HealthAccess.objects.exists()


def test_export_refused_to_anonymous(anonymous, casey):
    response = act(anonymous, "export_client_data", casey["first"])
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- Erase ------------------------------------------------------------------------------


def test_erase_asks_for_confirmation_first(owner_role, casey):
    client, _ = owner_role
    response = act(client, "erase_client_data", casey["first"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Yes, erase" in page
    assert "casey@example.com" in page
    assert "2 appointments" in page
    assert "1 call-back request" in page
    assert "2 of these appointments are" in page  # both still to come
    assert 'name="post" value="yes"' in page
    assert "no-store" in response["Cache-Control"]
    # Nothing changed yet.
    assert HealthAnswers.objects.count() == 4
    assert Appointment.objects.filter(client_name="Casey Client").count() == 2


def test_erase_anonymises_and_deletes_answers_but_keeps_appointments(owner_role, casey):
    client, user = owner_role
    old_token = casey["first"].token
    HealthAccess.objects.create(answers=casey["first"].health, user=user)
    response = act(client, "erase_client_data", casey["first"], post="yes")
    assert response.status_code == 302
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert messages == [
        "Personal data erased: 2 appointments and 1 call-back request anonymised, "
        "3 sets of health answers deleted."
    ]

    for key in ("first", "second"):
        a = Appointment.objects.get(pk=casey[key].pk)
        assert (a.client_name, a.client_email, a.client_phone, a.client_notes) == (
            "Erased client",
            f"erased-{a.pk}@invalid",
            "",
            "",
        )
        assert (a.avoid_areas, a.client_guidance) == ("", "")
        assert not a.avoid_points.exists()
        assert not HealthAnswers.objects.filter(appointment=a).exists()
        notes = list(a.events.values_list("note", flat=True))
        assert len(notes) == 2
        assert "erased" in notes[-1]
        assert a.events.last().by == user
    callback = CallbackRequest.objects.get(pk=casey["callback"].pk)
    assert (callback.name, callback.phone, callback.notes) == ("Erased client", "", "")
    assert callback.email == f"erased-callback-{callback.pk}@invalid"
    assert not HealthAnswers.objects.filter(callback=callback).exists()
    assert not HealthAccess.objects.exists()
    # The old private link opens nothing any more.
    assert client.get(f"/bookings/{old_token}/").status_code == 404
    # Another client is untouched; nothing was deleted but the answers.
    other = Appointment.objects.get(pk=casey["other"].pk)
    assert other.client_name == "Robin Reed"
    assert other.health
    assert Appointment.objects.count() == 3
    assert CallbackRequest.objects.count() == 1


def test_erasing_twice_changes_nothing_more(owner_role, casey):
    client, _ = owner_role
    act(client, "erase_client_data", casey["first"], post="yes")
    events = AppointmentEvent.objects.count()
    act(client, "erase_client_data", casey["first"], post="yes")
    assert AppointmentEvent.objects.count() == events
    assert Appointment.objects.get(pk=casey["first"].pk).client_email.startswith("erased-")


@pytest.mark.parametrize("role", ["therapist_role", "front_desk"])
def test_erase_refused_to_anyone_but_the_owner(role, request, casey):
    client, _ = request.getfixturevalue(role)
    # Not offered on the list...
    page = client.get(CHANGELIST).content.decode()
    assert "erase_client_data" not in page
    assert "export_client_data" in page
    # ...and a forged POST changes nothing, confirmed or not.
    for extra in ({}, {"post": "yes"}):
        response = act(client, "erase_client_data", casey["first"], **extra)
        assert response.status_code == 302
        assert "Yes, erase" not in client.get(response["Location"]).content.decode()
    assert HealthAnswers.objects.count() == 4
    assert Appointment.objects.filter(client_name="Casey Client").count() == 2
    assert CallbackRequest.objects.get().name == "Casey Client"


def test_erase_refused_to_staff_outside_any_role(staff_outside_group, casey):
    response = act(staff_outside_group, "erase_client_data", casey["first"], post="yes")
    assert response.status_code == 403
    assert HealthAnswers.objects.count() == 4
