"""Readable errors: every database constraint speaks plain words, a rule on one field
is shown beside that field in admin, and a refused write is told apart by the
constraint that refused it (a taken slot is not the only one)."""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import BaseConstraint

from bookings import services
from bookings.models import Appointment, HealthAnswers
from bookings.screening import Result
from tests import factories as f
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db


def our_constraints():
    for model in apps.get_models():
        if model._meta.app_label in {"bookings", "points", "spa"}:
            for constraint in model._meta.constraints:
                yield model, constraint


def test_every_constraint_has_its_own_message():
    found = list(our_constraints())
    assert len(found) > 20
    for model, constraint in found:
        message = constraint.violation_error_message
        assert message != BaseConstraint.default_violation_error_message, (model, constraint.name)
        assert constraint.name not in message, (model, constraint.name)


def admin_errors(response) -> dict[str, list[str]]:
    """The admin form's errors by field name ("__all__" for the form itself)."""
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}


SERVICE = {
    "name": "Tiny massage",
    "slug": "tiny-massage",
    "summary": "Short.",
    "description": "Short.",
    "duration_minutes": "5",
    "price": "-1",
    "buffer_before_minutes": "0",
    "buffer_after_minutes": "200",
    "order": "0",
    "active": "on",
}


def test_service_rules_are_shown_beside_their_fields(owner):
    response = owner.post("/admin/bookings/service/add/", SERVICE)
    assert response.status_code == 200
    errors = admin_errors(response)
    assert errors["duration_minutes"] == ["Ensure this value is greater than or equal to 10."]
    assert errors["price"] == ["Ensure this value is greater than or equal to 0."]
    assert errors["buffer_after_minutes"] == ["Ensure this value is less than or equal to 120."]
    assert "__all__" not in errors
    assert "Constraint" not in response.content.decode()


def test_booking_rules_are_shown_beside_their_fields(owner, spa):
    response = owner.post(
        "/admin/bookings/bookingrules/1/change/",
        {
            "slot_step_minutes": "2",
            "min_notice_hours": "2",
            "horizon_days": "0",
            "cancellation_cutoff_hours": "24",
        },
    )
    assert response.status_code == 200
    errors = admin_errors(response)
    assert errors["slot_step_minutes"] == ["Ensure this value is greater than or equal to 5."]
    assert errors["horizon_days"] == ["Ensure this value is greater than or equal to 1."]
    assert "Constraint" not in response.content.decode()


def test_a_refused_row_names_its_constraint(spa):
    appointment = f.appointment(
        spa["service"], spa["ana"], tomorrow_at(10), client_email="a@example.com", save=False
    )
    appointment.end = appointment.start
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        appointment.save()
    assert services.violated_constraint(caught.value) == "appointment_end_after_start"
    if connection.vendor == "postgresql":
        # The overlap itself: the one refusal that means "someone took that time".
        appointment.set_times(tomorrow_at(10))
        appointment.save()
        clash = f.appointment(
            spa["service"],
            spa["ana"],
            tomorrow_at(10, 30),
            client_email="b@example.com",
            save=False,
        )
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            clash.save()
        assert services.violated_constraint(caught.value) == services.SLOT_CONSTRAINT


def booking(spa, start):
    return services.place_booking(
        service=spa["service"],
        therapist_id=spa["ana"].pk,
        start=start,
        client=services.ClientDetails("Casey Client", "casey@example.com", "(555) 010-2233"),
        screened=services.Screened(result=Result(outcome="clear")),
        consent_version="1",
    )


def test_a_fault_while_booking_is_not_reported_as_a_taken_slot(spa, monkeypatch):
    # A bug that writes health answers belonging to no record: the database refuses
    # it, and the client must not be told that someone else took the time.
    def broken_store(*args, **kwargs):
        HealthAnswers.objects.create(
            appointment=None, callback=None, questionnaire_version="1", outcome="clear"
        )

    monkeypatch.setattr(services, "_store_answers", broken_store)
    with pytest.raises(IntegrityError) as caught:
        booking(spa, tomorrow_at(10))
    assert not isinstance(caught.value, services.SlotTaken)
    assert services.violated_constraint(caught.value) == "health_answers_belong_to_one_record"
    assert not Appointment.objects.exists()
