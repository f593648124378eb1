"""Scale-out: two gunicorn servers on one database, twenty clients racing for one slot.

The in-process race (tests/bookings/test_concurrency.py) shares one Python
process. Here every request goes through real app servers in separate
processes, as behind a load balancer: sessions live in the database, CSRF and
messages in cookies signed with the shared secret, so a client can hop between
servers at every step, and only the database decides who gets the slot.

Runs on whichever database the suite uses: the servers are pointed at the
test database itself (a sqlite:/// URL to the test file, or PostgreSQL's
test_<name>), and the data is committed first (transaction=True).
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from gunicorn.config import Config

from bookings.models import Appointment
from tests.bookings.conftest import DETAILS, answers, tomorrow_at
from tests.bookings.conftest import questions as questions  # noqa: F401 (fixture)
from tests.bookings.conftest import spa as spa  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
SERVERS = 2
WORKERS = 2
RACERS = 20
START_TIMEOUT = 20  # seconds for both servers to answer /healthz
REQUEST_TIMEOUT = 60
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
JUST_TAKEN = "Sorry, someone booked that time a moment ago."
OWN_PREFIXES = ("DJANGO_", "SPA_", "SMTP_", "DATABASE_", "CACHE_")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database this process uses, as a URL the servers can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    assert connection.vendor == "postgresql", connection.vendor
    quote = urllib.parse.quote
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def server_env(static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="spa.settings",
        # The test process's key: both servers sign and check the same cookies.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        DATABASE_URL=database_url(),
        SPA_STATIC_ROOT=str(static_root),
        # Both servers share this run's own file cache (pagecache), as one machine's
        # workers do; the test process writes through a cache of its own.
        SPA_DATA_DIR=str(static_root.parent / "data"),
        # Abuse protection (house/throttle.py, bookings/forms.py) would stop
        # twenty bookings from one address within seconds, and bots that
        # fill forms at once; this test is about the database, so open it.
        SPA_BOOKING_LIMIT_PER_HOUR="10000",
        SPA_MIN_FILL_SECONDS="0",
    )
    return env


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "spa.wsgi"]
    cmd += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--worker-class", "sync"]
    # Workers get 5 s to finish on TERM, inside the 10 s that stop() waits.
    cmd += ["--timeout", str(REQUEST_TIMEOUT), "--graceful-timeout", "5"]
    if "control_socket_disable" in Config().settings:
        # gunicorn 25.1+ otherwise opens a control socket under $HOME.
        cmd.append("--no-control-socket")
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would stall the server
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 surfaces as an HTTPError carrying its Location


class Visitor:
    """One browser: its own cookie jar, shared by both servers (cookies ignore the port)."""

    def __init__(self, email: str) -> None:
        jar = http.cookiejar.CookieJar()
        # No proxy from the environment may stand between us and 127.0.0.1.
        handlers = [urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)]
        self.browse = urllib.request.build_opener(*handlers).open
        self.once = urllib.request.build_opener(*handlers, NoRedirect()).open
        self.email = email
        self.token = ""

    def get(self, url: str) -> tuple[str, str]:
        with self.browse(url, timeout=REQUEST_TIMEOUT) as response:
            return self._read(response)

    def post(self, url: str, data: dict) -> tuple[str, str]:
        """POST a form and follow the redirect, as a browser does."""
        with self.browse(url, self._form(data), timeout=REQUEST_TIMEOUT) as response:
            return self._read(response)

    def post_once(self, url: str, data: dict) -> int | str:
        """POST a form without following: the redirect's path, or the status code."""
        try:
            with self.once(url, self._form(data), timeout=REQUEST_TIMEOUT) as response:
                return response.status
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303):
                return urllib.parse.urlsplit(error.headers["Location"]).path
            return error.code

    def _form(self, data: dict) -> bytes:
        return urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()

    def _read(self, response) -> tuple[str, str]:
        html = response.read().decode()
        if match := CSRF_INPUT.search(html):
            self.token = match.group(1)
        return urllib.parse.urlsplit(response.url).path, html


def wait_until_healthy(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, f"server on {base} exited:\n{log.read_text()[-3000:]}"
        try:
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                f"{base}/healthz", timeout=2
            ) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(
        f"{base} did not answer /healthz within {START_TIMEOUT}s:\n{log.read_text()[-3000:]}"
    )


def walk_to_review(visitor: Visitor, bases: list[str], first: int, therapist: str, start) -> None:
    """Every step on the next server over, checking each lands on the step after."""
    steps = [
        ("/book/therapist/", {"therapist": therapist}, "/book/time/"),
        ("/book/time/", {"start": start.isoformat()}, "/book/details/"),
        ("/book/details/", {**DETAILS, "email": visitor.email}, "/book/health/"),
        ("/book/health/", answers(), "/book/review/"),
    ]
    visitor.get(f"{bases[first % SERVERS]}/book/")
    landed, _ = visitor.post(f"{bases[(first + 1) % SERVERS]}/book/", {"service": "back-massage"})
    assert landed == "/book/therapist/"
    for hop, (path, data, expected) in enumerate(steps, start=first + 2):
        landed, html = visitor.post(f"{bases[hop % SERVERS]}{path}", data)
        assert landed == expected, (path, landed, html[-2000:])


def race(visitors: list[Visitor], bases: list[str]) -> list[int | str]:
    barrier = threading.Barrier(len(visitors))
    results: list[int | str] = ["did not finish"] * len(visitors)

    def run(i: int) -> None:
        try:
            barrier.wait(30)
            url = f"{bases[i % SERVERS]}/book/review/"
            results[i] = visitors[i].post_once(url, {"policy_consent": "on"})
        except Exception as exc:  # counted as an error below
            results[i] = f"error: {exc!r}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(visitors))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(REQUEST_TIMEOUT + 30)
    return results


def test_two_servers_one_database_one_winner(spa, questions, tmp_path):
    assert spa["service"].slug == "back-massage"
    static_root = tmp_path / "static"
    subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=server_env(static_root),
        check=True,
        timeout=120,
    )
    env = server_env(static_root)
    ports = [free_port() for _ in range(SERVERS)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    logs = [tmp_path / f"gunicorn-{port}.log" for port in ports]
    servers: list[subprocess.Popen] = []
    try:
        for port, log in zip(ports, logs, strict=True):
            servers.append(start_server(port, env, log))
        for base, server, log in zip(bases, servers, logs, strict=True):
            wait_until_healthy(base, server, log)

        start = tomorrow_at(10)
        visitors = [Visitor(f"racer{i}@example.com") for i in range(RACERS)]
        for i, visitor in enumerate(visitors):
            # Everyone wants Ana at ten: only one can have her.
            walk_to_review(visitor, bases, i, "ana", start)

        results = race(visitors, bases)

        winners = [r for r in results if isinstance(r, str) and r.startswith("/bookings/")]
        told_taken = [i for i, r in enumerate(results) if r == "/book/time/"]
        errors = [r for r in results if r not in winners and r != "/book/time/"]
        logs_tail = "\n".join(log.read_text()[-2000:] for log in logs)
        assert not errors, (results, logs_tail)
        assert len(winners) == 1, results
        assert len(told_taken) == RACERS - 1, results
        assert Appointment.objects.count() == 1
        assert Appointment.objects.get().therapist == spa["ana"]
        # A loser, on the other server, is told kindly what happened.
        loser = told_taken[0]
        _, html = visitors[loser].get(f"{bases[(loser + 1) % SERVERS]}/book/time/")
        assert JUST_TAKEN in html
    finally:
        for server in servers:
            stop(server)
    print(
        f"\nscale-out: {SERVERS} servers, {RACERS} fired, {len(winners)} won, "
        f"{len(told_taken)} told just taken, {len(errors)} errors ({connection.vendor})"
    )
