"""`make bench`: every public page, the booking steps and the staff list against the floor.

What it does, in order (see bench/README.md):

1. Builds the deterministic data set (bench/dataset.py) into its own SQLite file under
   bench/.data/ (or the database named by --database-url), once per anchor date and scale.
2. Counts each page's queries in-process (test client, DEBUG off): "cold" with the cache
   emptied first, "warm" for the request after it.
3. Starts gunicorn as `make serve` does (2 sync workers, DEBUG off, access log on) with
   bench.settings, which adds the floor view `/__floor/` (`HttpResponse("ok")`).
4. Measures the bytes a browser downloads for each page: the HTML gzipped plus every
   stylesheet and script it links, as WhiteNoise serves them (gzip).
5. Runs wrk against every page in interleaved rounds: each round measures the floor
   first and last, and each page's req/s is divided by the mean of that round's two floor
   runs. Reports medians over rounds, p50/p99 latency, the server's CPU time per request
   (master and workers, from /proc) and the load average before each run.

The table is printed and written to bench/out/ (or --out).
"""

# The benchmark starts its own processes (gunicorn, wrk, git) with fixed arguments.
# ruff: noqa: S603, S607

from __future__ import annotations

import argparse
import gzip
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


@dataclass
class Page:
    name: str
    path: str
    session: str | None = None  # which prepared session's cookie to send
    goal: int | None = 50  # % of floor
    follow: bool = False  # measure where this address redirects to (hashed file names)
    group: str = "spa"  # which server, and which floor its % is taken against
    header: str | None = None
    runs: list[dict] = field(default_factory=list)
    queries: tuple[int, int] | None = None  # cold, warm (spa pages only)
    size: str = ""


def pages() -> list[Page]:
    return [
        Page("floor `/__floor/`", "/__floor/", goal=None),
        Page("`/`", "/"),
        Page("`/points/`", "/points/"),
        Page("`/points/?region=lower-back`", "/points/?region=lower-back"),
        Page("`/points/?q=headache`", "/points/?q=headache"),
        Page("`/points/bl23/`", "/points/bl23/"),
        Page("routine `calm-before-sleep`", "/points/routines/calm-before-sleep/"),
        Page("`/services/`", "/services/"),
        Page("service page", "/services/back-neck-shoulder-massage/", goal=25),
        Page("`/sitemap.xml`", "/sitemap.xml"),
        Page("share card `/points/bl23/diagram.png`", "/points/bl23/diagram.png", follow=True),
        Page("`/book/` (step 1)", "/book/"),
        Page("`/book/therapist/` (step 2)", "/book/therapist/", session="any"),
        Page("slot step, any therapist", "/book/time/", session="any", goal=25),
        Page("slot step `?week=1`, one therapist", "/book/time/?week=1", session="one", goal=25),
        Page("staff: admin appointments list", "/admin/bookings/appointment/", "staff", None),
        Page("staff: calendar day, every therapist", "/admin/calendar/", "staff", None),
    ]


# --- environment -------------------------------------------------------------------------


def configure(args) -> Path:
    data = ROOT / "bench" / ".data" / f"scale-{args.scale}"
    data.mkdir(parents=True, exist_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_LOG_LEVEL": "WARNING",
        # As `make serve` runs.
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "SPA_DATA_DIR": str(data),
    }
    os.environ.update(env)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return data


def prepare_data(args, data: Path) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from bench import dataset

    stamp = data / "stamp"
    wanted = f"{args.anchor.isoformat()} scale={args.scale} db={args.database_url or 'sqlite'}"
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"Building the data set ({wanted}) …", flush=True)
        if connection.vendor == "sqlite":
            connection.close()
            for f in data.glob("spa.sqlite3*"):
                f.unlink()
        else:
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        counts = dataset.build(anchor=args.anchor, scale=args.scale)
        stamp.write_text(wanted)
        (data / "peer" / "loaded").unlink(missing_ok=True)  # the peer reloads the new data set
        print(f"  {counts}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    # SQLite's one probe per process for JSON support (three statements), made here so
    # no page's "cold" count carries it.
    assert connection.features.supports_json_field
    from bookings.models import Appointment
    from points.models import Point

    return {
        "appointments": Appointment.objects.count(),
        "points": Point.objects.filter(published=True).count(),
    }


def sessions() -> dict[str, str]:
    """Session cookies: a client half-way through booking (any / one therapist), and staff."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bookings.models import Therapist

    cookies = {}
    for name, therapist in (("any", "any"), ("one", Therapist.objects.order_by("pk")[0].slug)):
        c = Client()
        c.get("/book/?service=back-neck-shoulder-massage")
        c.post("/book/therapist/", {"therapist": therapist})
        cookies[name] = c.cookies["sessionid"].value
    owner = get_user_model().objects.filter(username="bench-owner").first()
    if owner is None:
        owner = get_user_model().objects.create_superuser("bench-owner", "o@example.test")
    c = Client()
    c.force_login(owner)
    cookies["staff"] = c.cookies["sessionid"].value
    return cookies


def count_queries(page: Page, cookies: dict[str, str]) -> tuple[int, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    c = Client()
    if page.follow:
        response = c.get(page.path)
        if response.status_code in (301, 302):
            page.path = response["Location"]
    if page.session:
        c.cookies["sessionid"] = cookies[page.session]
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(page.path)
        if response.status_code != 200:
            raise SystemExit(f"{page.path}: status {response.status_code} in-process")
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


# --- the server --------------------------------------------------------------------------


def start_server(
    port: int,
    data: Path,
    *,
    gunicorn: Path | None = None,
    app: str = "spa.wsgi",
    env: dict | None = None,
    cwd: Path = ROOT,
) -> subprocess.Popen:
    gunicorn = gunicorn or BIN / "gunicorn"
    args = [str(gunicorn), app, "--worker-class", "sync", "--workers", "2"]
    args += ["--bind", f"127.0.0.1:{port}", "--access-logfile", str(data / f"access-{port}.log")]
    if (
        "--no-control-socket"
        in subprocess.run([str(gunicorn), "--help"], capture_output=True, text=True).stdout
    ):
        args.append("--no-control-socket")
    log = open(data / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(args, cwd=cwd, env=env, stderr=log)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/__floor/", timeout=1)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log.name}")


def server_cpu_ms(pid: int) -> float:
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * TICK_MS


def drain(pid: int, limit: float = 60) -> None:
    """Wait until the server has worked off the requests wrk left queued."""
    deadline = time.monotonic() + limit
    last = server_cpu_ms(pid)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = server_cpu_ms(pid)
        if now - last < 15:  # under 5 % of one core
            return
        last = now


def fetch(
    url: str, cookie: str | None = None, gz: bool = False, header: str | None = None
) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url)  # noqa: S310
    if header:
        request.add_header(*header.split(": ", 1))
    if cookie:
        request.add_header("Cookie", f"sessionid={cookie}")
    if gz:
        request.add_header("Accept-Encoding", "gzip")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, response.read(), dict(response.headers)


def page_bytes(base: str, page: Page, cookies: dict[str, str]) -> str:
    cookie = cookies.get(page.session or "")
    status, body, headers = fetch(base + page.path, cookie, header=page.header)
    kind = headers.get("Content-Type", "")
    if "html" not in kind:
        return f"{len(body):,} ({kind.split(';')[0]})"
    html = len(gzip.compress(body, 6))
    assets = 0
    text = body.decode()
    links = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
    links += re.findall(r'<script[^>]+src="([^"]+)"', text)
    for link in dict.fromkeys(links):
        assets += len(fetch(base + link, gz=True)[1])
    return f"{html + assets:,} (HTML {html:,})"


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url: str, seconds: int, connections: int, cookie: str | None, header=None) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    if header:
        cmd[1:1] = ["-H", header]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    latency = {p: float(v) * scale[u] for p, v, u in LATENCY.findall(out)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": latency.get("50", 0.0),
        "p99": latency.get("99", 0.0),
        "bad": int(bad.group(1)) if bad else 0,
        "errors": errors.group(1) if errors else "",
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the run -----------------------------------------------------------------------------


def measure(args, all_pages: list[Page], cookies: dict, servers: dict) -> list[str]:
    """`servers`: group -> (base URL, gunicorn process)."""
    floors = [p for p in all_pages if p.path == "/__floor/"]
    rest = [p for p in all_pages if p not in floors]
    loads = []
    for rnd in range(args.rounds):
        # Rotate the order each round, so no page always runs last (the hottest machine).
        shift = rnd % len(rest)
        order = [*floors, *rest[shift:], *rest[:shift], *reversed(floors)]
        floor_runs: dict[str, list[dict]] = {}
        pending = []
        for page in order:
            base, server = servers[page.group]
            before = loadavg()
            loads.append(float(before.split()[0]))
            cpu0 = server_cpu_ms(server.pid)
            cookie = cookies.get(page.session or "")
            run = wrk(base + page.path, args.seconds, args.connections, cookie, page.header)
            drain(server.pid)  # queued requests finish before the CPU is read and the next run
            run["cpu"] = (server_cpu_ms(server.pid) - cpu0) / max(run["requests"], 1)
            run["load"] = before
            if page in floors:
                floor_runs.setdefault(page.group, []).append(run)
                page.runs.append({**run, "pct": 100.0})
            else:
                pending.append((page, run))
            print(
                f"  round {rnd + 1} {page.group:4} {page.path[:44]:44} {run['rps']:8.1f} req/s  "
                f"p50 {run['p50']:7.2f} ms  cpu {run['cpu']:6.2f} ms/req  load {before}",
                flush=True,
            )
        for page, run in pending:
            floor_rps = statistics.mean(r["rps"] for r in floor_runs[page.group])
            page.runs.append({**run, "pct": 100 * run["rps"] / floor_rps})
    return [f"{min(loads):.2f}", f"{max(loads):.2f}"]


def table(all_pages: list[Page], counts: dict, args, loads: list[str], start_load, end_load) -> str:
    floor_cpu = {
        p.group: statistics.median(r["cpu"] for r in p.runs)
        for p in all_pages
        if p.path == "/__floor/"
    }
    lines = [
        f"# Benchmark {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"Data set: anchor {args.anchor}, scale {args.scale}: {counts['appointments']:,} "
        f"appointments, {counts['points']} published points, 8 therapists. "
        f"Database: {'PostgreSQL' if args.database_url else 'SQLite'}; cache: "
        f"{os.environ.get('CACHE_URL') and 'Redis (CACHE_URL)' or 'the default'}.",
        f"gunicorn 2 sync workers, DEBUG off; wrk -t1 -c{args.connections}, "
        f"{args.rounds} interleaved rounds × {args.seconds} s. Git: {git_head()}.",
        f"Load average: {start_load} at the start, {end_load} at the end; the 1-minute "
        f"value before a run ranged {loads[0]}–{loads[1]}.",
        "",
        "| page | req/s median (min–max) | **% of floor** | goal | p50 ms | p99 ms "
        "| CPU ms/req | CPU % of floor | queries cold / warm | bytes gzipped (HTML) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in all_pages:
        rps = [r["rps"] for r in page.runs]
        pct = statistics.median(r["pct"] for r in page.runs)
        cpu = statistics.median(r["cpu"] for r in page.runs)
        met = "" if page.goal is None else (" ✓" if pct >= page.goal else " ✗")
        bad = sum(r["bad"] for r in page.runs)
        errors = "; ".join(sorted({r["errors"] for r in page.runs if r["errors"]}))
        note = f" ({bad} non-2xx{'; ' + errors if errors else ''})" if bad or errors else ""
        spread = f"{statistics.median(rps):,.0f} ({min(rps):,.0f}–{max(rps):,.0f})"
        lines.append(
            f"| {page.name}{note} | {spread} "
            f"| **{pct:.1f} %**{met} | {page.goal or '–'}{' %' if page.goal else ''} "
            f"| {statistics.median(r['p50'] for r in page.runs):.1f} "
            f"| {statistics.median(r['p99'] for r in page.runs):.1f} "
            f"| {cpu:.2f} | {100 * floor_cpu[page.group] / cpu:.1f} % "
            f"| {'{} / {}'.format(*page.queries) if page.queries else '–'} | {page.size} |"
        )
    lines += [
        "",
        "% of floor: the page's req/s over the mean of the two floor runs of the same round, "
        "median over rounds (peer rows: over the peer's own floor, same round). "
        "CPU: user+system time of gunicorn's master and workers per "
        "request. Queries: in-process, cold = cache emptied first, warm = the next request. "
        "Bytes: HTML gzipped plus every linked stylesheet and script as served (gzip).",
    ]
    return "\n".join(lines) + "\n"


def git_head() -> str:
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--scale", type=int, default=1, help="1: ~20k appointments; 5: ~100k")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8100)))
    today = datetime.now().astimezone().date()  # the local date, as before
    parser.add_argument("--anchor", type=date.fromisoformat, default=today)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument(
        "--only", default="", help="only pages whose path contains this (or one of a,b,…)"
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--peer", action="store_true", help="also django-appointment 3.12 (bench/peer.py)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    data = configure(args)
    counts = prepare_data(args, data)
    floor, *rest = pages()
    only = args.only.split(",")
    all_pages = [floor, *(p for p in rest if any(part in p.path for part in only))]
    cookies = sessions()
    for page in all_pages:
        page.queries = count_queries(page, cookies)
    from bench import inprocess

    computations = inprocess.measure()

    peer_gunicorn = None
    if args.peer:
        from bench import peer

        peer_gunicorn, peer_env = peer.prepare(data)
        day = next(
            args.anchor + timedelta(days=n)
            for n in range(2, 9)
            if (args.anchor + timedelta(days=n)).weekday() < 6
        )
        all_pages += [
            Page("peer floor (its own project)", "/__floor/", group="peer", goal=None),
            Page(
                "peer: django-appointment slots, 1 staff × 1 day",
                peer.slot_path(day),
                group="peer",
                goal=None,
                header="X-Requested-With: XMLHttpRequest",
            ),
        ]

    start_load = loadavg()
    servers = {}
    try:
        servers["spa"] = (f"http://127.0.0.1:{args.port}", start_server(args.port, data))
        if peer_gunicorn:
            peer_server = start_server(
                args.port + 1,
                data,
                gunicorn=peer_gunicorn,
                app="peerproject.wsgi",
                env=peer_env,
                cwd=data / "peer",
            )
            servers["peer"] = (f"http://127.0.0.1:{args.port + 1}", peer_server)
        for page in all_pages:
            page.size = page_bytes(servers[page.group][0], page, cookies)
        loads = measure(args, all_pages, cookies, servers)
    finally:
        for _, server in servers.values():
            server.terminate()
            server.wait(timeout=30)
    report = table(all_pages, counts, args, loads, start_load, loadavg()) + "\n" + computations
    out = args.out or ROOT / "bench" / "out" / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    print("\n" + report + f"\nWritten to {out}")


if __name__ == "__main__":
    main()
