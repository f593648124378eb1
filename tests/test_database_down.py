"""The database away: the site's own 503 page with Retry-After within seconds, one log line per
failed request, and recovery without a restart.

On PostgreSQL the database is made unreachable for real through a TCP proxy
that first forwards, then swallows every connection (a dead host) or refuses
it (a stopped server). On SQLite the database file becomes unreachable.
"""

import logging
import time

import pytest
from django.db import connection
from django.test import Client

from tests.tcp_proxy import TCPProxy

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/", "/points/", "/book/"]


@pytest.fixture
def database():
    """Yields a function that makes the database "up", "hung" or "down"."""
    original = dict(connection.settings_dict)
    proxy = None
    if connection.vendor == "postgresql":
        proxy = TCPProxy((original["HOST"] or "127.0.0.1", int(original["PORT"] or 5432)))
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(proxy.port))

    def set_state(state: str) -> None:
        connection.close()
        if proxy is not None:
            proxy.set_mode({"up": "pass", "hung": "blackhole", "down": "refuse"}[state])
        else:
            name = original["NAME"] if state == "up" else "/nonexistent-dir/spa.sqlite3"
            connection.settings_dict["NAME"] = name

    set_state("up")
    yield set_state
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(original)
    if proxy is not None:
        proxy.stop()


def fetch(client: Client, path: str):
    began = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - began


@pytest.mark.parametrize("state", ["down", "hung"])
def test_database_away_gives_503_with_retry_after_then_recovers(database, state, caplog):
    client = Client(raise_request_exception=False)
    database("up")
    assert client.get("/").status_code == 200

    database(state)
    # A public page already in the page cache is still served while the database is away.
    assert client.get("/").status_code == 200
    from django.core.cache import cache

    cache.clear()  # the rest must reach the database
    caplog.clear()
    caplog.set_level(logging.ERROR)
    slowest = 0.0
    for path in [*PAGES, "/healthz"]:
        response, took = fetch(client, path)
        slowest = max(slowest, took)
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30"
        if path != "/healthz":
            assert "briefly unavailable" in response.content.decode()
    print(f"\n{connection.vendor}, database {state}: 503 in at most {slowest:.2f} s")
    assert slowest < 5
    # One line per failed request, and no traceback.
    failures = [r for r in caplog.records if r.name == "django.request"]
    assert len(failures) == len(PAGES) + 1  # /healthz answers its 503 itself
    assert all(r.exc_info is None for r in failures)
    assert sum("database unavailable" in r.getMessage() for r in failures) == len(PAGES)

    database("up")
    assert all(client.get(path).status_code == 200 for path in PAGES)
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_a_bad_query_is_still_a_500_with_its_traceback(caplog):
    """Only an unreachable database becomes a 503; any other error stays a 500."""
    from spa.views import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(None)
    assert response.status_code == 500
    assert "Retry-After" not in response
