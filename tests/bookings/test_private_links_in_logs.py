"""Private booking links stay out of access logs, and no Referer carries one anywhere."""

from datetime import timedelta

import pytest
from gunicorn.config import Config

from spa.gunicorn_logging import RedactingLogger, redact
from tests import factories as f
from tests.bookings.conftest import tomorrow_at

TOKEN = "gfD4vXDw_nHKIu_d6DZcdgQwyRlkmAyD-6eBvYQ6irM"


class Response:
    status = "200 OK"
    sent = 1234
    headers: list = []


def access_line(tmp_path, path: str, referer: str = "-") -> str:
    log = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log))
    logger = RedactingLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path.partition("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "test",
    }
    logger.access(Response(), [], environ, timedelta(milliseconds=5))
    return log.read_text()


@pytest.mark.parametrize(
    "path",
    [
        f"/bookings/{TOKEN}/",
        f"/bookings/{TOKEN}/calendar.ics",
        f"/bookings/{TOKEN}/reschedule/?week=2",
        f"/bookings/{TOKEN}/aftercare/back-routine/",
    ],
)
def test_the_access_log_writes_redacted_private_paths(tmp_path, path):
    line = access_line(tmp_path, path, referer=f"https://spa.example/bookings/{TOKEN}/")
    assert TOKEN not in line
    assert line.count("/bookings/<redacted>") == 2  # the request line and the Referer
    assert '"GET /bookings/<redacted>/' in line


def test_other_paths_are_logged_as_they_are(tmp_path):
    line = access_line(tmp_path, "/admin/bookings/appointment/12/change/", "https://spa.example/")
    assert "/admin/bookings/appointment/12/change/" in line


def test_redact_keeps_what_follows_the_token():
    assert redact(f"https://spa.example/bookings/{TOKEN}/cancel/") == (
        "https://spa.example/bookings/<redacted>/cancel/"
    )


def test_redact_hides_the_call_back_page_key_too():
    assert redact(f"GET /call-back/{TOKEN}/ HTTP/1.1") == "GET /call-back/<redacted>/ HTTP/1.1"
    assert redact("/points/call-back-tips/") == "/points/call-back-tips/"


@pytest.mark.django_db
def test_private_pages_send_no_referer(spa, anonymous):
    a = f.appointment(spa["service"], spa["ana"], tomorrow_at(10))
    base = a.get_absolute_url()
    for path in (base, base + "calendar.ics", base + "reschedule/"):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert response["Referrer-Policy"] == "strict-origin", path
    assert anonymous.post(base + "cancel/")["Referrer-Policy"] == "strict-origin"
    # Elsewhere the site-wide policy holds.
    assert anonymous.get("/")["Referrer-Policy"] == "same-origin"


def test_djangos_own_log_lines_redact_private_links_too():
    """Django names the path when it refuses a request: the key stays out of the log."""
    import logging

    from spa.logfilters import RedactPrivateLinks

    token = "WzEsImFiYyJd:Xyz-123_abc"
    record = logging.LogRecord(
        "django.security.csrf",
        logging.WARNING,
        __file__,
        1,
        "Forbidden (%s): %s",
        ("CSRF cookie not set.", f"/my-bookings/sign-in/{token}/"),
        None,
    )
    assert RedactPrivateLinks().filter(record)
    assert token not in record.getMessage()
    assert "/my-bookings/sign-in/<redacted>/" in record.getMessage()
    # Wired on the root logger's console handler: every logger's lines pass through it.
    console = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactPrivateLinks) for f in h.filters)
    ]
    assert console
    line = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        (f"/bookings/{TOKEN}/",),
        None,
    )
    assert console[0].filter(line)
    assert line.getMessage() == "Not Found: /bookings/<redacted>/"
