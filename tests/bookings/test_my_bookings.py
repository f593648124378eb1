"""'My bookings' by emailed link: same answer for every address, single-use signed
links, and the returning client's details and answers filled in only once proved."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import sign_in
from bookings.models import (
    Appointment,
    HealthAnswers,
    OutgoingEmail,
    Question,
    SignInLink,
    Status,
)
from bookings.models import Client as ClientRecord
from spa.gunicorn_logging import redact
from tests import factories as f
from tests.bookings.conftest import DETAILS, answers, booking_state, tomorrow_at, walk_to_review

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"]+/my-bookings/sign-in/[^\s\"/]+/")


def book(client, spa, start, **yes) -> Appointment:
    walk_to_review(client, spa, start, **yes)
    client.post("/book/review/", {"policy_consent": "on"})
    return Appointment.objects.get(start=start)


def link_in_mail() -> str:
    message = next(m for m in mail.outbox if "Your link to your bookings" in m.subject)
    return LINK.search(message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def signed_in(client, email: str = "casey@example.com"):
    mail.outbox.clear()
    client.post("/my-bookings/", {"email": email})
    url = path_of(link_in_mail())
    assert client.get(url).status_code == 200
    return client.post(url)


def test_asking_for_a_link_answers_the_same_for_known_and_unknown(
    spa, questions, anonymous, settings
):
    book(anonymous, spa, tomorrow_at(10))
    # The request only queues (as in production): the sending is the worker's.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    responses, counts = [], []
    for number, email in enumerate(("casey@example.com", "nobody@example.com")):
        # Two visitors from two addresses: neither meets the other's rate-limit row.
        visitor = Client(REMOTE_ADDR=f"10.0.0.{number + 1}")
        with CaptureQueriesContext(connection) as captured:
            response = visitor.post("/my-bookings/", {"email": email}, follow=True)
        responses.append(response)
        counts.append(len(captured))
    known, unknown = responses
    assert counts[0] == counts[1]  # the same work: the same timing class
    assert known.redirect_chain == unknown.redirect_chain == [("/my-bookings/sent/", 302)]
    assert known.content == unknown.content
    html = known.content.decode()
    assert "If we know this address, we have sent a link" in html
    for secret in ("Casey", "casey@example.com", "Back massage", "Fever"):
        assert secret not in html
    # Both rows exist; the worker will send only the known one.
    assert SignInLink.objects.count() == 2
    assert OutgoingEmail.objects.filter(kind="sign-in").count() == 2


def test_only_the_known_address_gets_an_email(spa, questions, anonymous):
    book(anonymous, spa, tomorrow_at(10))
    mail.outbox.clear()
    anonymous.post("/my-bookings/", {"email": "nobody@example.com"})
    assert mail.outbox == []
    assert OutgoingEmail.objects.get(kind="sign-in").state == OutgoingEmail.State.SKIPPED
    anonymous.post("/my-bookings/", {"email": " CASEY@example.com "})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["casey@example.com"]
    assert "Back massage" not in mail.outbox[0].body
    assert "fever" not in mail.outbox[0].body


def test_an_unverified_visitor_sees_no_name_booking_or_answer(spa, questions, anonymous, client):
    book(anonymous, spa, tomorrow_at(10))
    client.post("/my-bookings/", {"email": "casey@example.com"})
    page = client.get("/my-bookings/").content.decode()
    assert "Email me a link" in page
    assert "Casey" not in page
    assert "Back massage" not in page
    # Booking with the known email without the link: nothing pre-filled.
    client.post("/book/", {"service": spa["service"].slug})
    client.post("/book/therapist/", {"therapist": "any"})
    client.post("/book/time/", {"start": tomorrow_at(13).isoformat()})
    client.post("/book/details/", DETAILS)
    health = client.get("/book/health/").content.decode()
    assert "Step 5 of 6" in health
    assert "Has anything changed" not in health
    assert "checked" not in health


def test_the_link_signs_in_once_and_expires(spa, questions, anonymous, client, settings):
    book(anonymous, spa, tomorrow_at(10))
    client.post("/my-bookings/", {"email": "casey@example.com"})
    url = path_of(link_in_mail())
    # A GET (a mail scanner) does not spend it.
    assert b"Show my bookings" in client.get(url).content
    assert b"Show my bookings" in client.get(url).content
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/my-bookings/"
    assert client.session[sign_in.SESSION_KEY] == ClientRecord.objects.get().pk
    assert set(client.session.keys()) <= {sign_in.SESSION_KEY, "booking_draft"}
    page = client.get("/my-bookings/").content.decode()
    assert "Back massage" in page
    assert "See, move or cancel" in page
    assert Appointment.objects.get().get_absolute_url() in page
    # Used: a second go fails, even from another browser.
    other = Client()
    assert b"This link no longer works" in other.post(url).content
    assert sign_in.SESSION_KEY not in other.session
    # Expired: a fresh link made 31 minutes ago no longer works.
    mail.outbox.clear()
    client.post("/my-bookings/", {"email": "casey@example.com"})
    url = path_of(link_in_mail())
    SignInLink.objects.update(created=timezone.now() - timedelta(minutes=31))
    assert b"This link no longer works" in Client().post(url).content


def test_a_forged_or_tampered_link_is_refused(spa, client):
    link = SignInLink.objects.create(client=f.client_record("x@example.com"))
    token = sign_in.token_for(link)
    for bad in (token[:-2] + "xx", f'[{link.pk},"{link.nonce}"]', "nonsense", "a" * 300):
        response = client.post(f"/my-bookings/sign-in/{bad}/")
        assert response.status_code == 200
        assert b"This link no longer works" in response.content
    assert sign_in.SESSION_KEY not in client.session


def test_link_requests_are_rate_limited_like_the_booking_form(client, settings, db):
    settings.SPA_BOOKING_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/my-bookings/", {"email": "a@example.com"}).status_code == 302
    assert client.post("/my-bookings/", {"email": "a@example.com"}).status_code == 429


def test_bad_email_is_answered_beside_the_field(client, db):
    response = client.post("/my-bookings/", {"email": "not-an-address"})
    assert response.status_code == 200
    assert b"Enter an email address like name@example.com." in response.content
    assert b'value="not-an-address"' in response.content
    assert not SignInLink.objects.exists()


def test_the_sign_in_path_is_redacted_in_access_logs():
    token = "WzEsImFiYyJd:Xyz-123_abc"
    line = f'GET /my-bookings/sign-in/{token}/ HTTP/1.1 "https://spa.example/my-bookings/sign-in/{token}/"'
    assert token not in redact(line)
    assert redact("/my-bookings/") == "/my-bookings/"


def test_book_again_fills_details_and_previous_answers(spa, questions, anonymous, client):
    first = book(anonymous, spa, tomorrow_at(10), pregnant="yes")
    health = HealthAnswers.objects.get()
    for row in health.answers:
        if row["code"] == "pregnant":
            row["detail"] = "20 weeks"
    health.answers = health.answers
    health.created = timezone.now() - timedelta(days=30)
    health.save()
    signed_in(client)
    response = client.post("/my-bookings/again/", {"booking": first.token})
    assert response["Location"] == "/book/time/"
    state = booking_state(client)
    assert state["service"] == "back-massage"
    assert state["details"]["email"] == "casey@example.com"
    assert state["details"]["name"] == "Casey Client"
    client.post("/book/time/", {"start": tomorrow_at(14).isoformat()})
    details = client.get("/book/details/").content.decode()
    assert 'value="Casey Client"' in details
    health = client.get("/book/health/").content.decode()
    since = timezone.localdate() - timedelta(days=30)
    assert f"Has anything changed since {since.day} {since:%B %Y}?" in health
    assert re.search(r'name="q_pregnant" value="yes"[^>]*checked', health)
    assert re.search(r'<textarea[^>]*name="d_pregnant"[^>]*>20 weeks</textarea>', health)
    assert not re.search(r'name="health_consent"[^>]*checked', health)


def test_a_new_question_is_asked_afresh(spa, questions, anonymous, client):
    first = book(anonymous, spa, tomorrow_at(10))
    heart = Question.objects.get(code="heart")
    heart.text = "A heart condition, or a pacemaker?"
    heart.save()  # a new version
    signed_in(client)
    client.post("/my-bookings/again/", {"booking": first.token})
    client.post("/book/time/", {"start": tomorrow_at(14).isoformat()})
    health = client.get("/book/health/").content.decode()
    assert re.search(r'name="q_fever" value="no"[^>]*checked', health)
    assert not re.search(r'name="q_heart" value="[a-z]+"[^>]*checked', health)
    # Without an answer to it, the step stays; with one, it goes on.
    without = {k: v for k, v in answers().items() if k != "q_heart"}
    assert b"Please answer yes or no." in client.post("/book/health/", without).content
    response = client.post("/book/health/", answers())
    assert response["Location"] == "/book/review/"


def test_answers_over_a_year_old_are_not_offered(spa, questions, anonymous, client):
    first = book(anonymous, spa, tomorrow_at(10))
    HealthAnswers.objects.update(created=timezone.now() - timedelta(days=400))
    signed_in(client)
    client.post("/my-bookings/again/", {"booking": first.token})
    client.post("/book/time/", {"start": tomorrow_at(14).isoformat()})
    assert b"Has anything changed" not in client.get("/book/health/").content


def test_another_clients_booking_cannot_be_booked_again(spa, questions, anonymous, client):
    theirs = book(anonymous, spa, tomorrow_at(10))
    f.client_record("me@example.com")
    signed_in(client, "me@example.com")
    response = client.post("/my-bookings/again/", {"booking": theirs.token})
    assert response["Location"] == "/my-bookings/"
    assert "details" not in booking_state(client)


def test_sign_out(spa, questions, anonymous, client):
    book(anonymous, spa, tomorrow_at(10))
    signed_in(client)
    client.post("/my-bookings/sign-out/")
    assert sign_in.SESSION_KEY not in client.session
    assert b"Email me a link" in client.get("/my-bookings/").content


def test_the_list_reads_a_bounded_number_of_queries(
    spa, questions, anonymous, client, django_assert_max_num_queries
):
    first = book(anonymous, spa, tomorrow_at(10))
    for days in (7, 14, 21, 28):
        start = first.start - timedelta(days=days)
        f.appointment(spa["service"], spa["ben"], start, status=Status.COMPLETED)
    assert first.client.appointments.count() == 5
    signed_in(client)
    with django_assert_max_num_queries(6):
        page = client.get("/my-bookings/")
    html = page.content.decode()
    assert html.count("See, move or cancel<") == 1
    assert html.count("Book again<") == 4


def test_keep_me_signed_in_lasts_for_the_remembered_days_only_when_ticked(
    spa, questions, anonymous, client, settings
):
    book(anonymous, spa, tomorrow_at(10))
    client.post("/my-bookings/", {"email": "casey@example.com"})
    url = path_of(link_in_mail())
    assert b'name="remember"' in client.get(url).content
    client.post(url, {"remember": "on"})
    assert client.session.get_expiry_age() == settings.SPA_REMEMBER_CLIENT_DAYS * 24 * 3600
    # A month later (the cookie's own age is what the browser keeps): still signed in.
    assert "Back massage" in client.get("/my-bookings/").content.decode()

    other = Client()
    mail.outbox.clear()
    other.post("/my-bookings/", {"email": "casey@example.com"})
    other.post(path_of(link_in_mail()))
    assert other.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
