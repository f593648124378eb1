"""Security headers on an HTML page, the JSON health check and the admin."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# URL names resolve at test time, so a custom DJANGO_ADMIN_URL still works.
HTML_PAGES = ["home", "admin:login"]
NONCE = re.compile(r"^'nonce-[A-Za-z0-9_-]{16,}=*'$")


def get(client, name: str):
    return client.get(reverse(name))


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("name", [*HTML_PAGES, "healthz"])
def test_strict_csp(anonymous, name):
    response = get(anonymous, name)

    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    csp = parse_csp(header)
    assert csp["default-src"] == ["'none'"]
    assert "'self'" in csp["script-src"]


def test_the_admin_carries_a_script_nonce(anonymous):
    # The middleware only adds the nonce when the page used it: the admin does;
    # public pages load only same-origin files ('self'), so they can be cached whole.
    admin = parse_csp(get(anonymous, "admin:login")["Content-Security-Policy"])
    home = parse_csp(get(anonymous, "home")["Content-Security-Policy"])

    assert any(NONCE.match(value) for value in admin["script-src"])
    assert not any(NONCE.match(value) for value in home["script-src"])


def test_nonce_changes_per_request(anonymous):
    first = get(anonymous, "admin:login")["Content-Security-Policy"]
    second = get(anonymous, "admin:login")["Content-Security-Policy"]

    assert first != second


@pytest.mark.parametrize("name", [*HTML_PAGES, "healthz"])
def test_other_security_headers(anonymous, name):
    response = get(anonymous, name)

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
