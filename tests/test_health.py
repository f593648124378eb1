import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok(anonymous):
    response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_rejects_post(anonymous):
    response = anonymous.post("/healthz")

    assert response.status_code == 405


def test_healthz_is_never_cached(anonymous):
    cache_control = anonymous.get("/healthz")["Cache-Control"]

    for directive in ("no-cache", "no-store", "must-revalidate", "max-age=0"):
        assert directive in cache_control


def test_healthz_reveals_no_settings(anonymous):
    body = anonymous.get("/healthz").content.decode()

    assert "debug" not in body.lower()
    assert settings.SECRET_KEY not in body
    assert "secret" not in body.lower()
    assert "sqlite" not in body.lower()
    assert "postgres" not in body.lower()


def test_favicon_redirects_to_the_static_icon(anonymous):
    response = anonymous.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def test_database_down_gives_503_without_details(anonymous, monkeypatch):
    from django.db import OperationalError, connection

    def broken():
        raise OperationalError("could not connect to server: secret-host:5432")

    monkeypatch.setattr(connection, "cursor", broken)
    response = anonymous.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
