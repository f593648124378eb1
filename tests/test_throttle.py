"""The database throttle (house/throttle.py): counting, windows, privacy, concurrency, client IP."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from house import throttle
from house.models import Throttle

HOUR = timedelta(hours=1)


@pytest.mark.django_db
def test_allows_up_to_the_limit_then_refuses():
    results = [throttle.hit("booking-ip", "10.0.0.1", limit=5, window=HOUR) for _ in range(7)]

    assert results == [True] * 5 + [False] * 2
    # A refused hit is not counted: the window is not pushed further out.
    assert Throttle.objects.get().count == 5


@pytest.mark.django_db
def test_scopes_and_identifiers_count_separately():
    for _ in range(2):
        throttle.hit("booking-ip", "10.0.0.1", limit=2, window=HOUR)

    assert not throttle.hit("booking-ip", "10.0.0.1", limit=2, window=HOUR)
    assert throttle.hit("booking-ip", "10.0.0.2", limit=2, window=HOUR)
    assert throttle.hit("manage-ip", "10.0.0.1", limit=2, window=HOUR)


@pytest.mark.django_db
def test_a_new_window_starts_when_the_old_one_ends():
    for _ in range(3):
        throttle.hit("booking-email", "a@example.com", limit=3, window=HOUR)
    assert not throttle.hit("booking-email", "a@example.com", limit=3, window=HOUR)

    Throttle.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert throttle.hit("booking-email", "a@example.com", limit=3, window=HOUR)
    row = Throttle.objects.get()
    assert row.count == 1
    assert row.expires_at > timezone.now() + timedelta(minutes=59)


@pytest.mark.django_db
def test_expired_rows_are_purged():
    throttle.hit("booking-ip", "10.0.0.1", limit=5, window=HOUR)
    Throttle.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    throttle.hit("booking-ip", "10.0.0.2", limit=5, window=HOUR)

    assert Throttle.objects.count() == 1


@pytest.mark.django_db
def test_stores_neither_email_nor_address():
    throttle.hit("booking-email", "casey@example.com", limit=5, window=HOUR)
    throttle.hit("booking-ip", "203.0.113.9", limit=5, window=HOUR)

    keys = list(Throttle.objects.values_list("key", flat=True))
    assert all(len(k) == 64 for k in keys)
    stored = " ".join(str(v) for row in Throttle.objects.values_list() for v in row)
    assert "casey" not in stored
    assert "203.0.113" not in stored


@pytest.mark.django_db
def test_the_log_names_the_scope_only(caplog):
    throttle.hit("booking-email", "casey@example.com", limit=1, window=HOUR)
    with caplog.at_level("WARNING", logger="spa.throttle"):
        throttle.hit("booking-email", "casey@example.com", limit=1, window=HOUR)

    assert "booking-email" in caplog.text
    assert "casey" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_count_exactly():
    """Twenty threads (twenty connections) hit one key at once: exactly the limit get through."""
    racers, limit = 20, 5
    barrier = threading.Barrier(racers)
    results: list[bool | str] = [False] * racers

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = throttle.hit("booking-ip", "10.0.0.1", limit=limit, window=HOUR)
        except Exception as exc:  # counted as a failure below
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert sorted(results, key=str) == [False] * (racers - limit) + [True] * limit, results
    assert Throttle.objects.get().count == limit


# --- Client address -------------------------------------------------------------


def _request(remote: str = "198.51.100.7", xff: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.SPA_PROXY_COUNT = 0

    assert throttle.client_ip(_request(xff="1.2.3.4")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "xff", "expected"),
    [
        # One proxy (nginx) appends the address it saw: the right-most entry.
        (1, "203.0.113.5", "203.0.113.5"),
        # Whatever the client put in front is not trusted.
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        # Two proxies: the outer one appended the client, the inner one the outer.
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "2001:db8::1", "2001:db8::1"),
        # Fewer entries than proxies (the request went round them), or garbage.
        (2, "203.0.113.5", "198.51.100.7"),
        (1, "", "198.51.100.7"),
        (1, "not-an-address", "198.51.100.7"),
    ],
)
def test_behind_proxies_the_client_is_the_nth_from_the_right(settings, count, xff, expected):
    settings.SPA_PROXY_COUNT = count

    assert throttle.client_ip(_request(xff=xff)) == expected


def test_no_header_behind_a_proxy_falls_back_to_remote_addr(settings):
    settings.SPA_PROXY_COUNT = 1

    assert throttle.client_ip(_request()) == "198.51.100.7"


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:1:2:3", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_rate_limits_group_ipv6_by_64(rf, address, key):
    assert throttle.client_network(rf.get("/", REMOTE_ADDR=address)) == key


def test_email_key_ignores_case_and_tags():
    assert throttle.email_key(" Casey+Spa@Example.COM ") == "casey@example.com"
