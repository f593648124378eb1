"""Hostile input: random values into every public form, with Hypothesis.

Each booking step is posted with its session prepared as the real flow leaves
it; the private booking link's cancel and reschedule, the booking link's
query string and the library's filters get the same treatment. Values are
random text (any Unicode a browser can send), NUL and control characters,
direction overrides and combining marks, very long strings, Latin-1 "binary"
text, repeated fields, random extra field names, dates at the ends of the
calendar and raw bodies that are not valid UTF-8.

For every input: never a server error, and nothing stored half-way: the
booking tables change only when the response is the step's success redirect,
and health answers only ever arrive together with their appointment or
call-back. Each example runs inside a savepoint that is rolled back, so
examples do not see each other's rows.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from importlib import import_module
from urllib.parse import quote_from_bytes

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Appointment, AppointmentEvent, CallbackRequest, HealthAnswers
from tests import factories as f
from tests.bookings.conftest import (  # noqa: F401 (fixtures)
    DETAILS,
    answers,
    booking_state,
    questions,
    spa,
    tomorrow_at,
)

pytestmark = pytest.mark.django_db

TOTALS = {"inputs": 0, "server_errors": 0, "half_stored": 0}

# --- Values ----------------------------------------------------------------------------

ODD_CHARS = (
    "\x00\x01\x1b\x7f\r\n\t\u0085\u00a0\u2028\u2029\u200b\u200d\u202e\u2066\ufeff\ufffd"
    "\u0301\u0336\U0001f600\U0001f3f3\ufe0f\U0001d518\u0130\u0131\u00df\ufb01"
)
SPECIMENS = [
    "",
    " ",
    "\x00",
    "on",
    "off",
    "false",
    "0",
    "-1",
    "1e309",
    "NaN",
    "9" * 5000,
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "{{ 7|add:7 }}{% debug %}",
    "%s%n%x",
    "../../../etc/passwd",
    "ＢＬ２３",  # full-width
    "e\u0301" * 50,
    "\u202eevil.gpj",
    "null",
    "[]",
    "{}",
]


def _iso(moment: datetime) -> str:
    return moment.isoformat()


# Times at the ends of the calendar: moving them to UTC or to local time overflows.
EDGE_TIMES = [
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59+00:00",
]
offsets = st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m)))
iso_times = st.one_of(
    # The ends of the calendar, in any offset: overflow when moved to UTC or local time.
    st.builds(datetime.combine, st.dates(), st.times(), offsets).map(_iso),
    st.sampled_from(
        [
            *EDGE_TIMES,
            "2026-02-30T10:00:00+00:00",
            "2026-06-01T25:00:00Z",
            "2026-06-01T10:00:00",
            "2026-06-01",
            "T10:00",
        ]
    ),
)
hostile_text = st.one_of(
    # Anything a browser can send; lone surrogates cannot be encoded as UTF-8 at all.
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.text(alphabet=st.sampled_from(ODD_CHARS), min_size=1, max_size=60),
    st.sampled_from(SPECIMENS),
    st.builds(lambda ch, n: ch * n, st.characters(codec="utf-8"), st.integers(1_000, 120_000)),
    st.binary(max_size=300).map(lambda raw: raw.decode("latin-1")),
    iso_times,
)
field_names = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40)


def field_value(valid: list[str]) -> st.SearchStrategy:
    one = st.one_of(st.sampled_from(valid), hostile_text) if valid else hostile_text
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


def form_data(fields: dict[str, list[str]]) -> st.SearchStrategy[dict]:
    """Each known field missing, valid or hostile; plus a few random field names."""
    known = st.fixed_dictionaries(
        {}, optional={name: field_value(valid) for name, valid in fields.items()}
    )
    extra = st.dictionaries(field_names, field_value([]), max_size=3)
    return st.builds(lambda k, e: {**e, **k}, known, extra)


raw_bodies = st.lists(st.tuples(st.binary(max_size=40), st.binary(max_size=80)), max_size=5).map(
    lambda pairs: b"&".join(quote_from_bytes(k).encode() + b"=" + v for k, v in pairs)
)


# --- The forms ---------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    method: str
    url: Callable[[dict], str]
    state: str | None  # which prepared session state the request carries
    fields: dict[str, list[str]]
    success: Callable[[object, dict], bool]


def redirects_to(*prefixes: str) -> Callable[[object, dict], bool]:
    def check(response, flow) -> bool:
        location = response.get("Location", "") if response.status_code == 302 else ""
        wanted = [p.format(token=flow["token"]) for p in prefixes]
        return any(location.startswith(p) for p in wanted)

    return check


def never(response, flow) -> bool:
    return False


def _manage(path: str) -> Callable[[dict], str]:
    return lambda flow: f"/bookings/{flow['token']}/{path}"


YES_NO = ["yes", "no"]
TARGETS = [
    Target(
        "service step",
        "post",
        lambda flow: "/book/",
        None,
        {"service": ["back-massage"]},
        redirects_to("/book/therapist/"),
    ),
    Target(
        "therapist step",
        "post",
        lambda flow: "/book/therapist/",
        "therapist",
        {"therapist": ["any", "ana", "ben"]},
        redirects_to("/book/time/"),
    ),
    Target(
        "time step",
        "post",
        lambda flow: "/book/time/",
        "time",
        {"start": ["{free}", *EDGE_TIMES]},
        redirects_to("/book/details/"),
    ),
    Target(
        "details step",
        "post",
        lambda flow: "/book/details/",
        "details",
        {name: [value] for name, value in DETAILS.items()},
        redirects_to("/book/health/"),
    ),
    Target(
        "health step",
        "post",
        lambda flow: "/book/health/",
        "health",
        {
            "q_fever": YES_NO,
            "q_pregnant": YES_NO,
            "q_heart": YES_NO,
            "q_rash": YES_NO,
            "q_else": ["Sore left knee."],
            "d_pregnant": ["20 weeks"],
            "health_consent": ["on"],
        },
        redirects_to("/book/review/", "/book/call-back/"),
    ),
    Target(
        "review step",
        "post",
        lambda flow: "/book/review/",
        "review",
        {"policy_consent": ["on"]},
        redirects_to("/bookings/", "/book/time/"),
    ),
    Target(
        "booking link: cancel",
        "post",
        _manage("cancel/"),
        None,
        {},
        redirects_to("/bookings/{token}/"),
    ),
    Target(
        "booking link: reschedule",
        "post",
        _manage("reschedule/"),
        None,
        {"start": ["{free}", *EDGE_TIMES]},
        redirects_to("/bookings/{token}/"),
    ),
    Target(
        "booking link from a guide (GET /book/)",
        "get",
        lambda flow: "/book/",
        None,
        {"service": ["back-massage"], "from": ["point:bl23"], "start": ["{free}", *EDGE_TIMES]},
        never,
    ),
    Target(
        "free times (GET /book/time/)",
        "get",
        lambda flow: "/book/time/",
        "time",
        {"week": ["0", "1", "52"]},
        never,
    ),
    Target(
        "library filters (GET /points/)",
        "get",
        lambda flow: "/points/",
        None,
        {
            "q": ["BL23", "back"],
            "region": ["lower-back"],
            "concern": ["low-back-pain"],
            "tool": ["thumb"],
            "page": ["1", "2"],
        },
        never,
    ),
]


# --- The prepared flow ---------------------------------------------------------------------


@pytest.fixture
def flow(spa, questions):  # noqa: F811
    """Session states as the real flow leaves them before each step, and a booking link."""
    f.point("BL23", region=f.region(), concerns=[f.concern()], tool=f.tool())
    client = Client()
    states = {}
    steps = [
        ("therapist", "/book/", {"service": "back-massage"}),
        ("time", "/book/therapist/", {"therapist": "any"}),
        ("details", "/book/time/", {"start": tomorrow_at(10).isoformat()}),
        ("health", "/book/details/", DETAILS),
        ("review", "/book/health/", answers(pregnant="yes")),
    ]
    for state, url, data in steps:
        assert client.post(url, data).status_code == 302, url
        states[state] = copy.deepcopy(booking_state(client))
    other = Client()
    for _, url, data in steps:
        other.post(url, {**data, "start": tomorrow_at(14).isoformat()} if "start" in data else data)
    other.post("/book/review/", {"policy_consent": "on"})
    appointment = Appointment.objects.get()
    return {
        "states": states,
        "token": appointment.token,
        "free": tomorrow_at(11).astimezone(UTC).isoformat(),
    }


def client_for(flow: dict, state: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if state is not None:
        from bookings.models import BookingDraft

        draft = BookingDraft.objects.create(
            data=copy.deepcopy(flow["states"][state]),
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        )
        store = import_module(django_settings.SESSION_ENGINE).SessionStore()
        store["booking_draft"] = draft.key
        store.save()
        client.cookies[django_settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def counts() -> dict[str, int]:
    return {
        "appointments": Appointment.objects.count(),
        "callbacks": CallbackRequest.objects.count(),
        "answers": HealthAnswers.objects.count(),
        "events": AppointmentEvent.objects.count(),
    }


def fill(value, flow: dict):
    if isinstance(value, list):
        return [fill(v, flow) for v in value]
    return flow["free"] if value == "{free}" else value


def attempt(target: Target, flow: dict, data: dict | None = None, raw: bytes | None = None):
    """One request inside a savepoint that is rolled back; returns what happened."""
    with transaction.atomic():
        try:
            return _request(target, flow, data, raw)
        finally:
            transaction.set_rollback(True)
            # Pages and free times cached from the rolled-back rows go with them.
            cache.clear()


def _request(target: Target, flow: dict, data: dict | None, raw: bytes | None):
    before = counts()
    client = client_for(flow, target.state)
    url = target.url(flow)
    if raw is not None:
        if target.method == "get":
            response = client.generic("GET", f"{url}?{raw.decode('latin-1')}")
        else:
            response = client.generic(
                "POST", url, raw, content_type="application/x-www-form-urlencoded"
            )
    elif target.method == "get":
        response = client.get(url, {k: fill(v, flow) for k, v in data.items()})
    else:
        response = client.post(url, {k: fill(v, flow) for k, v in data.items()})
    after = counts()
    delta = {name: after[name] - before[name] for name in after}
    # Answers only ever arrive with their appointment or call-back.
    consistent = delta["answers"] == delta["appointments"] + delta["callbacks"]
    changed = any(delta.values())
    half_stored = not consistent or (changed and not target.success(response, flow))
    return response.status_code, half_stored, before, after


def check(target: Target, status: int, half_stored: bool, before, after, shown) -> None:
    TOTALS["inputs"] += 1
    TOTALS["server_errors"] += status >= 500
    TOTALS["half_stored"] += half_stored
    assert status < 500, (target.name, shown)
    assert not half_stored, (target.name, shown, before, after)


# --- The tests -------------------------------------------------------------------------------

# The number of examples comes from the Hypothesis profile (tests/conftest.py):
# 60 in CI, fewer locally.
BOUNDED = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):  # noqa: F811 - pytest-django's settings fixture
    # Thousands of posts from one address: the throttle would answer most with a 429.
    settings.SPA_BOOKING_LIMIT_PER_HOUR = 10**9
    settings.SPA_MANAGE_LIMIT_PER_HOUR = 10**9


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
@BOUNDED
@given(data=st.data())
def test_random_fields_never_break_a_form(flow, target, data):
    values = data.draw(form_data(target.fields), label="form")
    status, half_stored, before, after = attempt(target, flow, data=values)
    check(target, status, half_stored, before, after, values)


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
@BOUNDED
@given(raw=raw_bodies)
def test_raw_bodies_that_are_not_utf8(flow, target, raw):
    status, half_stored, before, after = attempt(target, flow, raw=raw)
    check(target, status, half_stored, before, after, raw)


TIMED = [t for t in TARGETS if "start" in t.fields]


@pytest.mark.parametrize("edge", EDGE_TIMES)
@pytest.mark.parametrize("target", TIMED, ids=[t.name for t in TIMED])
def test_times_at_the_ends_of_the_calendar(flow, target, edge):
    # Found by the random runs above: these once raised OverflowError (a 500).
    values = {"start": edge, "service": "back-massage"}
    status, half_stored, before, after = attempt(target, flow, data=values)
    check(target, status, half_stored, before, after, values)
    assert status in (200, 302)


@pytest.fixture(scope="module", autouse=True)
def _report_totals(request):
    yield
    line = (
        f"Hostile input: {TOTALS['inputs']} inputs tried over {len(TARGETS)} forms, "
        f"{TOTALS['server_errors']} server errors, {TOTALS['half_stored']} stored half-way"
    )
    # Shown in the run's output even while pytest captures it.
    capture = request.config.pluginmanager.getplugin("capturemanager")
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if capture is None or reporter is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("\n" + line)
