"""One client record per normalised email, on the staff side: the client page, merge,
erase and export."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import (
    Appointment,
    CallbackRequest,
    HealthAccess,
    HealthAnswers,
    Question,
    Status,
)
from bookings.models import Client as ClientRecord
from tests import factories as f
from tests.bookings.conftest import staff_in, tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db


def book(client, spa, questions, start, **yes) -> Appointment:
    walk_to_review(client, spa, start, **yes)
    client.post("/book/review/", {"policy_consent": "on"})
    return Appointment.objects.get(start=start)


def test_a_booking_makes_one_client_per_normalised_email(anonymous, spa, questions):
    first = book(anonymous, spa, questions, tomorrow_at(10))
    client = first.client
    assert client.email == "casey@example.com"  # typed "Casey@Example.com"
    assert client.name == "Casey Client"
    assert first.health.client == client
    again = f.appointment(
        spa["service"],
        spa["ben"],
        first.start,
        status=Status.CANCELLED,
        client_name="Casey C.",
        client_email="  CASEY@example.COM ",
        client_phone="555 010 9999",
    )
    assert again.client == client
    client.refresh_from_db()
    assert (client.name, client.phone) == ("Casey C.", "555 010 9999")  # the latest kept
    assert ClientRecord.objects.count() == 1


def test_a_call_back_links_to_the_same_client(anonymous, spa, questions):
    book(anonymous, spa, questions, tomorrow_at(10))
    walk_to_review(anonymous, spa, tomorrow_at(12), fever="yes")
    callback = CallbackRequest.objects.get()
    assert callback.client == ClientRecord.objects.get()
    assert callback.health.client == callback.client


def test_the_database_refuses_a_second_record_for_one_email(db):
    f.client_record("sam@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bypasses save()'s normalising: the constraint compares lower-cased addresses.
        ClientRecord.objects.bulk_create([ClientRecord(email="SAM@example.com")])
    duplicate = ClientRecord(email=" Sam@Example.com")
    with pytest.raises(ValidationError) as caught:
        duplicate.validate_constraints()
    assert "already exists" in str(caught.value)


def test_staff_client_page_lists_visits_and_counts(front_desk, anonymous, spa, questions):
    appointment = book(anonymous, spa, questions, tomorrow_at(10))
    past = f.appointment(
        spa["service"], spa["ana"], timezone.now() - timedelta(days=30), status=Status.NO_SHOW
    )
    browser, _ = front_desk
    page = browser.get(f"/admin/bookings/client/{appointment.client_id}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Visits to come" in html
    assert "Past visits" in html
    assert "1 no-show" in html
    assert f"/admin/calendar/appointment/{past.pk}/" in html
    # The front desk never reads answers: no section, no opening logged.
    assert "Latest answers" not in html
    assert "Fever in the last two days" not in html
    assert not HealthAccess.objects.exists()
    browser.post(
        f"/admin/bookings/client/{appointment.client_id}/change/",
        {"name": "Casey Client", "email": "casey@example.com", "phone": "1", "notes": "Likes tea"},
    )
    assert ClientRecord.objects.get().notes == "Likes tea"


def test_latest_answers_follow_the_relationship_rules(own_therapist, anonymous, spa, questions):
    appointment = book(anonymous, spa, questions, tomorrow_at(10))
    ana, ana_user = own_therapist
    url = f"/admin/bookings/client/{appointment.client_id}/change/"
    if appointment.therapist != spa["ana"]:
        Appointment.objects.filter(pk=appointment.pk).update(therapist=spa["ana"])
    html = ana.get(url).content.decode()
    assert "Latest answers you may read" in html
    assert "Fever in the last two days" in html
    assert HealthAccess.objects.filter(user=ana_user).count() == 1
    Appointment.objects.filter(pk=appointment.pk).update(therapist=spa["ben"])
    html = ana.get(url).content.decode()
    assert "Latest answers" not in html
    assert "Fever in the last two days" not in html


def test_merge_moves_everything_to_the_record_kept(front_desk, spa):
    keep = f.client_record("pat@example.com", name="Pat", notes="Note A")
    other = f.client_record("pat.work@example.com", notes="Note B")
    start = tomorrow_at(11)
    a = f.appointment(
        spa["service"], spa["ana"], start, client_name="Pat", client_email="pat.work@example.com"
    )
    assert a.client == other
    browser, _ = front_desk
    ids = {"_selected_action": [keep.pk, other.pk], "action": "merge_clients"}
    confirm = browser.post("/admin/bookings/client/", ids)
    assert b"Merge these two client records?" in confirm.content
    assert ClientRecord.objects.count() == 2  # nothing before the confirmation
    done = browser.post("/admin/bookings/client/", {**ids, "post": "yes", "keep": keep.pk})
    assert done.status_code == 302
    a.refresh_from_db()
    keep.refresh_from_db()
    assert a.client == keep
    assert keep.notes == "Note A\n\nNote B"
    assert not ClientRecord.objects.filter(pk=other.pk).exists()


def test_owner_erases_and_exports_from_the_client_record(owner, anonymous, spa, questions):
    appointment = book(anonymous, spa, questions, tomorrow_at(10))
    client = appointment.client
    ids = {"_selected_action": [client.pk]}
    exported = owner.post("/admin/bookings/client/", {**ids, "action": "export_client_data"})
    data = json.loads(exported.content)
    assert data["emails"] == ["casey@example.com"]
    assert data["appointments"][0]["health_answers"]["answers"]
    confirm = owner.post("/admin/bookings/client/", {**ids, "action": "erase_client_data"})
    assert b"Yes, erase" in confirm.content
    owner.post("/admin/bookings/client/", {**ids, "action": "erase_client_data", "post": "yes"})
    client.refresh_from_db()
    appointment.refresh_from_db()
    assert client.name == "Erased client"
    assert client.email.endswith("@invalid")
    assert appointment.client_email.endswith("@invalid")
    assert not HealthAnswers.objects.exists()


def test_front_desk_cannot_erase(front_desk, spa):
    client = f.client_record("x@example.com", name="X")
    browser, _ = front_desk
    browser.post(
        "/admin/bookings/client/",
        {"_selected_action": [client.pk], "action": "erase_client_data", "post": "yes"},
    )
    client.refresh_from_db()
    assert client.name == "X"


def test_therapist_role_may_view_but_not_change_clients(db):
    browser, user = staff_in("Therapists", "theo")
    assert user.has_perm("bookings.view_client")
    assert not user.has_perm("bookings.change_client")


def test_the_data_migration_links_rows_made_before_clients(anonymous, spa, questions):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "bookings.migrations.0020_link_clients_mark_pre_visit_questions"
    )
    book(anonymous, spa, questions, tomorrow_at(10))
    walk_to_review(anonymous, spa, tomorrow_at(12), fever="yes")  # a call-back
    Appointment.objects.filter(client_email="Casey@Example.com").update(
        client_email="  Casey@Example.com"
    )
    erased = f.appointment(
        spa["service"],
        spa["ben"],
        tomorrow_at(14),
        client_name="Erased client",
        client_email="erased-99@invalid",
        client_phone="",
    )
    for model in (Appointment, CallbackRequest, HealthAnswers):
        model.objects.update(client=None)
    ClientRecord.objects.all().delete()
    Question.objects.filter(code="fever").update(pre_visit=False)

    migration.link_clients(apps, None)
    migration.mark_pre_visit(apps, None)

    client = ClientRecord.objects.get()
    assert client.email == "casey@example.com"
    assert Appointment.objects.filter(client=client).count() == 1
    assert CallbackRequest.objects.get().client == client
    assert HealthAnswers.objects.filter(client=client).count() == 2
    erased.refresh_from_db()
    assert erased.client is None
    assert Question.objects.get(code="fever").pre_visit


@pytest.mark.django_db(transaction=True)
def test_a_failed_save_does_not_keep_a_link_to_a_client_rolled_back_with_it(spa):
    # Found on PostgreSQL: the exclusion constraint refused a save, the client made for
    # it went with the rollback, and the next save pointed at a row that was gone.
    row = f.appointment(
        spa["service"],
        spa["ana"],
        tomorrow_at(10),
        client_name="New Person",
        client_email="new.person@example.com",
        save=False,
    )
    row.end = row.start - timedelta(minutes=5)  # refused: an appointment ends after it starts
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    assert row.client_id is None
    assert not ClientRecord.objects.filter(email="new.person@example.com").exists()

    row.set_times(tomorrow_at(10))
    row.save()
    assert row.client == ClientRecord.objects.get(email="new.person@example.com")
