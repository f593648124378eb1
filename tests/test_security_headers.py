"""Every public page, over HTTPS as production serves it, carries the full set
of security headers; plain HTTP is redirected."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("production_https"),
]

ONE_YEAR = 31_536_000
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/_=-]{16,})'")
SCRIPT_OR_STYLE_TAG = re.compile(r"<(script|style)\b[^>]*>", re.I)
NONCE_ATTR = re.compile(r'\bnonce="([^"]+)"')

PAGES = [
    "home",
    "library",
    "point",
    "routine",
    "services",
    "service",
    "book",
    "booking",
    "healthz",
    "robots",
    "admin_login",
    "missing",
]
HTML_PAGES = [page for page in PAGES if page not in ("healthz", "robots")]


@pytest.fixture
def production_https():
    with override_settings(
        SECURE_HSTS_SECONDS=ONE_YEAR,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_SSL_REDIRECT=True,
    ):
        yield


@pytest.fixture
def urls(db) -> dict[str, str]:
    """A little of everything in code: a point, a routine, a service with a
    therapist, and one booking whose private page we can open."""
    point = f.point("LI4", english_name="Joining Valley")
    routine = f.routine("Neck ease", points=[point])
    service = f.service("Back massage")
    therapist = f.therapist("Ana", service)
    start = timezone.localtime() + timedelta(days=3)
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    booking = f.appointment(service, therapist, start, status="confirmed")
    return {
        "home": reverse("home"),
        "library": reverse("points:library"),
        "point": point.get_absolute_url(),
        "routine": reverse("points:routine", args=[routine.slug]),
        "services": reverse("bookings:services"),
        "service": reverse("bookings:service_detail", args=[service.slug]),
        "book": reverse("bookings:service"),
        "booking": reverse("bookings:manage", args=[booking.token]),
        "healthz": reverse("healthz"),
        "robots": "/robots.txt",
        "admin_login": reverse("admin:login"),
        "missing": "/no-such-page/",
    }


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def get_https(client, url: str):
    return client.get(url, secure=True)


@pytest.mark.parametrize("page", PAGES)
def test_page_carries_every_security_header(anonymous, urls, page):
    response = get_https(anonymous, urls[page])

    assert response.status_code == (404 if page == "missing" else 200)
    assert response["Strict-Transport-Security"] == f"max-age={ONE_YEAR}; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # The client's private page sends no path in any Referer (its address is the key).
    expected = "strict-origin" if page == "booking" else "same-origin"
    assert response["Referrer-Policy"] == expected
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert parse_csp(header)["default-src"] == ["'none'"]


SRC_ATTR = re.compile(r'\bsrc="/[^/"][^"]*"')
DATA_BLOCK = re.compile(r'\btype="application/ld\+json"')


@pytest.mark.parametrize("page", HTML_PAGES)
def test_every_inline_tag_carries_the_pages_nonce(anonymous, urls, page):
    # Same-origin script files need no nonce ('self' allows them), and browsers never
    # run a JSON-LD data block; anything else inline must carry the page's nonce.
    response = get_https(anonymous, urls[page])
    assert response["Content-Type"].startswith("text/html")
    csp = parse_csp(response["Content-Security-Policy"])
    assert "'self'" in csp["script-src"]
    nonces = {m[1] for m in map(NONCE.fullmatch, csp["script-src"]) if m}
    for tag in SCRIPT_OR_STYLE_TAG.finditer(response.content.decode()):
        if SRC_ATTR.search(tag[0]) or DATA_BLOCK.search(tag[0]):
            continue
        attr = NONCE_ATTR.search(tag[0])
        assert attr, f"{tag[0]} lacks the page's nonce"
        assert nonces == {attr[1]}, f"{tag[0]} lacks the page's nonce"


def test_public_pages_need_no_nonce_so_they_can_be_cached_whole(anonymous, urls):
    # Guards the test above against passing vacuously: the home page loads scripts,
    # all from files on the site; the admin still uses nonces for its inline tags.
    response = get_https(anonymous, urls["home"])

    assert SRC_ATTR.search(response.content.decode())
    script_src = parse_csp(response["Content-Security-Policy"])["script-src"]
    assert not any(NONCE.fullmatch(value) for value in script_src)
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("page", ["home", "point", "book", "booking", "admin_login"])
def test_plain_http_is_redirected_to_https(anonymous, urls, page):
    response = anonymous.get(urls[page])

    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{urls[page]}"
