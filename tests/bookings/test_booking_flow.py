"""The whole flow at /book/, for each screening outcome, and bad input at each step."""

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail

from bookings.models import Appointment, AppointmentEvent, CallbackRequest, HealthAnswers
from bookings.templatetags.booking_tags import price
from tests import factories as f
from tests.bookings.conftest import DETAILS, answers, booking_state, tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db


def test_step_indicator_and_service_list(anonymous, spa):
    response = anonymous.get("/book/")
    assert response.status_code == 200
    assert b"Step 1 of 6" in response.content
    assert b"Back massage" in response.content


def test_clear_booking_end_to_end(anonymous, spa, questions, django_capture_on_commit_callbacks):
    start = tomorrow_at(10)
    response = walk_to_review(anonymous, spa, start)
    assert response.status_code == 302
    assert response["Location"] == "/book/review/"
    review = anonymous.get("/book/review/")
    assert b"Step 6 of 6" in review.content
    assert b"Casey Client" in review.content
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert response["Location"] == appointment.get_absolute_url()
    assert appointment.status == "confirmed"
    assert not appointment.flagged
    assert appointment.start == start
    assert appointment.client_email == "casey@example.com"
    assert appointment.consent_version
    assert appointment.consent_at
    assert appointment.health.outcome == "clear"
    assert [e.to_status for e in AppointmentEvent.objects.filter(appointment=appointment)] == [
        "confirmed"
    ]
    # The session no longer holds the answers once the booking is made.
    assert "booking" not in anonymous.session
    page = anonymous.get(appointment.get_absolute_url())
    assert b"Confirmed" in page.content
    assert len(mail.outbox) >= 2  # the client's confirmation and the staff alert


def test_review_outcome_flags_and_names_points(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(11), pregnant="yes")
    review = anonymous.get("/book/review/")
    assert b"LI4 Joining Valley" in review.content
    anonymous.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert appointment.flagged
    assert appointment.screening == "review"
    assert list(appointment.avoid_points.values_list("code", flat=True)) == ["LI4"]


def test_clearance_holds_the_slot_awaiting_clearance(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(12), heart="yes")
    assert b"note from your doctor" in anonymous.get("/book/review/").content
    anonymous.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert appointment.status == "awaiting-clearance"
    assert "note from your doctor" in appointment.client_guidance


def test_avoid_area_books_normally_and_records_the_area(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(13), rash="yes")
    anonymous.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    assert appointment.status == "confirmed"
    assert not appointment.flagged
    assert appointment.avoid_areas == "the affected skin"


def test_decline_takes_no_slot_and_keeps_details_for_a_callback(
    anonymous, spa, questions, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = walk_to_review(anonymous, spa, tomorrow_at(14), fever="yes", pregnant="yes")
    assert response["Location"] == "/book/call-back/"
    page = anonymous.get("/book/call-back/", follow=True)
    assert b"two days without a fever" in page.content
    assert not Appointment.objects.exists()
    callback = CallbackRequest.objects.get()
    assert (callback.name, callback.email, callback.phone) == (
        "Casey Client",
        "casey@example.com",
        "(555) 010-2233",
    )
    assert callback.notes == "Firm pressure please."
    assert callback.health.outcome == "decline"
    # The staff alert, and the client's confirmation that we will call.
    assert [m.subject for m in mail.outbox] == [
        "Call back request: Back massage",
        "We will call you back · Willow & Stone Spa",
    ]


def test_strictest_outcome_wins(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(15), pregnant="yes", heart="yes", rash="yes")
    anonymous.post("/book/review/", {"policy_consent": "on"})
    assert Appointment.objects.get().status == "awaiting-clearance"


def test_answers_stored_with_a_snapshot_of_the_wording(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10), pregnant="yes")
    anonymous.post("/book/review/", {"policy_consent": "on"})
    questions[1].text = "Is there any chance you are pregnant?"
    questions[1].save()
    stored = HealthAnswers.objects.get().answers
    row = next(r for r in stored if r["code"] == "pregnant")
    assert row["question"] == "Are you or might you be pregnant?"
    assert row["answer"] == "yes"
    assert row["triggered"] is True
    assert row["version"] == 1


def test_back_and_forth_keeps_everything(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10), pregnant="yes")
    details = anonymous.get("/book/details/").content.decode()
    assert 'value="Casey Client"' in details
    assert "Firm pressure please." in details
    health = anonymous.get("/book/health/").content.decode()
    assert 'value="yes" id="id_q_pregnant_1" checked' in health or (
        'id="id_q_pregnant_1"' in health and "checked" in health
    )
    time_page = anonymous.get("/book/time/").content.decode()
    assert (
        f'value="{tomorrow_at(10).astimezone().isoformat()}"' in time_page or "checked" in time_page
    )


def test_steps_cannot_be_skipped(anonymous, spa, questions):
    assert anonymous.get("/book/review/")["Location"] == "/book/"
    anonymous.post("/book/", {"service": spa["service"].slug})
    assert anonymous.get("/book/details/")["Location"] == "/book/therapist/"


def test_service_link_preselects_and_skips_ahead(anonymous, spa):
    response = anonymous.get("/book/?service=back-massage")
    assert response["Location"] == "/book/therapist/"
    assert booking_state(anonymous)["service"] == "back-massage"


@pytest.mark.parametrize("slug", ["nope", "", "<script>", "back-massage'--"])
def test_bad_service_values(anonymous, spa, slug):
    response = anonymous.post("/book/", {"service": slug})
    assert response.status_code == 200
    assert b"invalid-feedback" in response.content


def test_therapist_who_does_not_offer_the_service_is_refused(anonymous, spa):
    f.therapist("Cy")
    anonymous.post("/book/", {"service": spa["service"].slug})
    response = anonymous.post("/book/therapist/", {"therapist": "cy"})
    assert response.status_code == 200
    assert b"does not offer this session" in response.content


@pytest.mark.parametrize(
    "value",
    [
        "",
        "tomorrow",
        "2026-13-40T10:00",
        "2020-01-01T10:00:00+00:00",
        "9999-12-31T10:00:00+00:00",
        "2026-12-01T10:00:00",
        "x" * 39,
    ],
)
def test_bad_times_get_a_message(anonymous, spa, value):
    anonymous.post("/book/", {"service": spa["service"].slug})
    anonymous.post("/book/therapist/", {"therapist": "any"})
    response = anonymous.post("/book/time/", {"start": value})
    assert response.status_code == 200
    assert b"invalid-feedback" in response.content
    assert not booking_state(anonymous).get("start")


def test_off_grid_and_out_of_hours_times_refused(anonymous, spa):
    anonymous.post("/book/", {"service": spa["service"].slug})
    anonymous.post("/book/therapist/", {"therapist": "ana"})
    for start in (tomorrow_at(10, 10), tomorrow_at(7), tomorrow_at(16, 30)):
        response = anonymous.post("/book/time/", {"start": start.isoformat()})
        assert b"not free" in response.content, start


def test_another_therapists_slot_is_not_free_for_the_chosen_one(anonymous, spa):
    f.appointment(spa["service"], spa["ana"], tomorrow_at(10), client_email="x@example.com")
    anonymous.post("/book/", {"service": spa["service"].slug})
    anonymous.post("/book/therapist/", {"therapist": "ana"})
    assert (
        b"not free" in anonymous.post("/book/time/", {"start": tomorrow_at(10).isoformat()}).content
    )
    anonymous.post("/book/therapist/", {"therapist": "ben"})
    ok = anonymous.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", b"Tell us your name."),
        ("email", "", b"Tell us your email address"),
        ("phone", "", b"Tell us a phone number"),
        ("name", "\x01\x02", b"Tell us your name"),
        ("name", "Ann\x00", b"Null characters are not allowed"),
        ("email", "not-an-email", b"like name@example.com"),
        ("phone", "12", b"7 to 15 digits"),
        ("phone", "call me maybe", b"7 to 15 digits"),
        ("notes", "x" * 1001, b"at most 1000"),
        ("name", "n" * 101, b"shorten your name to 100"),
    ],
)
def test_bad_details_keep_every_value(anonymous, spa, field, value, message):
    anonymous.post("/book/", {"service": spa["service"].slug})
    anonymous.post("/book/therapist/", {"therapist": "any"})
    anonymous.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    data = {**DETAILS, field: value}
    response = anonymous.post("/book/details/", data)
    assert response.status_code == 200
    assert message in response.content
    for other, kept in DETAILS.items():
        if other != field:
            assert kept.encode() in response.content
    assert "details" not in booking_state(anonymous)


def test_odd_unicode_details_are_accepted_and_normalised(anonymous, spa, questions):
    anonymous.post("/book/", {"service": spa["service"].slug})
    anonymous.post("/book/therapist/", {"therapist": "any"})
    anonymous.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    response = anonymous.post(
        "/book/details/",
        {**DETAILS, "name": "  Zoë   O\u2019Brien \u202e ", "notes": "🙂 ñ\r\n\u200bline\x07"},
    )
    assert response.status_code == 302
    saved = booking_state(anonymous)["details"]
    assert saved["name"] == "Zoë O\u2019Brien"
    assert saved["notes"] == "🙂 ñ\nline"


def test_questionnaire_errors_keep_answers(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10))
    data = answers(pregnant="yes")
    del data["q_heart"]
    data["d_pregnant"] = "20"
    data.pop("health_consent")
    response = anonymous.post("/book/health/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please answer yes or no." in html
    assert "agreement to keep these answers" in html
    assert ">20</textarea>" in html  # the follow-up's detail, kept


def test_tampered_answer_values_are_refused(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10))
    response = anonymous.post("/book/health/", answers(fever="maybe"))
    assert response.status_code == 200
    assert b"invalid-feedback" in response.content


def test_slot_taken_meanwhile_keeps_details_and_answers(anonymous, spa, questions):
    start = tomorrow_at(10)
    anonymous.post("/book/", {"service": spa["service"].slug})
    anonymous.post("/book/therapist/", {"therapist": "ana"})
    anonymous.post("/book/time/", {"start": start.isoformat()})
    anonymous.post("/book/details/", DETAILS)
    anonymous.post("/book/health/", answers(pregnant="yes"))
    # Someone else takes the time while the client reads the review page.
    f.appointment(spa["service"], spa["ana"], start, client_email="o@example.com")
    response = anonymous.post("/book/review/", {"policy_consent": "on"})
    assert response["Location"] == "/book/time/"
    page = anonymous.get("/book/time/").content.decode()
    assert "has just been taken" in page
    assert "Nearest free times" in page
    state = booking_state(anonymous)
    assert state["details"]["name"] == "Casey Client"
    assert any(r["answer"] == "yes" for r in state["answers"])
    assert Appointment.objects.count() == 1


def test_review_states_the_terms_beside_the_one_send_button(anonymous, spa, questions):
    """One consent in the flow (the health one): the review step says the terms, the
    price, where and "arrive 10 minutes early" beside the button, with no second box."""
    walk_to_review(anonymous, spa, tomorrow_at(10))
    page = anonymous.get("/book/review/").content.decode()
    assert 'type="checkbox"' not in page
    assert "By sending it you agree to the cancellation terms above" in page
    assert "arrive 10 minutes early" in page
    assert f"{price(spa['service'].price)}, paid at the spa" in page
    assert django_settings.SPA_ADDRESS in page
    assert anonymous.post("/book/review/", {}).status_code == 302
    assert Appointment.objects.count() == 1


def test_details_fields_tell_the_browser_what_they_are(anonymous, spa):
    anonymous.post("/book/", {"service": spa["service"].slug})
    anonymous.post("/book/therapist/", {"therapist": "any"})
    anonymous.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    page = anonymous.get("/book/details/").content.decode()
    assert re.search(r'<input type="text" name="name"[^>]*autocomplete="name"', page)
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', page)
    assert re.search(r'<input type="tel" name="phone"[^>]*autocomplete="tel"', page)


def test_empty_details_are_summed_up_with_links_to_each_field(anonymous, spa, settings):
    settings.SPA_MIN_FILL_SECONDS = 0
    anonymous.post("/book/", {"service": spa["service"].slug})
    anonymous.post("/book/therapist/", {"therapist": "any"})
    anonymous.post("/book/time/", {"start": tomorrow_at(10).isoformat()})
    page = anonymous.post("/book/details/", {}).content.decode()
    assert "3</span> things need your attention" in page
    for field in ("name", "email", "phone"):
        assert f'href="#id_{field}"' in page
    assert "This field is required" not in page


@pytest.mark.parametrize("path", ["/book/", "/book/therapist/", "/book/time/", "/book/review/"])
def test_wrong_method(anonymous, spa, path):
    assert anonymous.put(path).status_code == 405


def test_health_pages_are_not_cached(anonymous, spa, questions):
    walk_to_review(anonymous, spa, tomorrow_at(10))
    for path in ("/book/health/", "/book/review/"):
        assert "no-store" in anonymous.get(path)["Cache-Control"]


@pytest.mark.parametrize("value", ["\x00", "back-massage\x00", "x" * 500])
def test_crafted_service_in_the_link_or_post_is_harmless(anonymous, spa, value):
    assert anonymous.get("/book/", {"service": value}).status_code == 200
    response = anonymous.post("/book/", {"service": value})
    assert response.status_code == 200
    assert b"invalid-feedback" in response.content


def test_questions_are_grouped_under_section_headings(anonymous, spa, questions):
    from bookings.models import Question

    Question.objects.filter(code="fever").update(section="today", order=90)
    Question.objects.filter(code="rash").update(section="areas")
    Question.objects.filter(code="else").update(section="other", order=1)
    walk_to_review(anonymous, spa, tomorrow_at(10))
    html = anonymous.get("/book/health/").content.decode()
    order = [
        html.index(h)
        for h in (
            "How you are today",
            "Skin and areas to work around",
            "Ongoing conditions and medicines",
            "Anything else",
        )
    ]
    assert order == sorted(order)
    # Numbering runs on across sections, in section order, not by the raw order field.
    assert html.index("1. Fever in the last two days?") < html.index("2. A rash or broken skin?")
    assert "5. Anything else we should know?" in html
