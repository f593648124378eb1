"""The calendar file: RFC 5545 shape, a stable private-safe UID, UTC times, no health data.

Built on unsaved rows; the database holds only the booking rules, whose last time to
change online the calendar states.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings import ics
from bookings.models import Appointment, Service, Status, Therapist
from tests import factories as f

pytestmark = pytest.mark.django_db

CANARY = "CANARY-7731"
CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture(autouse=True)
def _spa_settings(settings):
    settings.TIME_ZONE = "America/Chicago"
    settings.SPA_SITE_URL = "https://spa.example"
    settings.SPA_NAME = "Willow & Stone Spa"
    settings.SPA_ADDRESS = "214 Linden Avenue, Springfield"
    settings.SPA_PHONE = "(555) 010-4477"


def make(
    status: str = Status.CONFIRMED,
    *,
    service_name: str = "Hot stone massage",
    therapist_name: str = "Maya Lind",
    **fields,
) -> Appointment:
    service = Service(name=service_name, duration_minutes=60, buffer_after_minutes=15)
    therapist = Therapist(display_name=therapist_name)
    start = datetime(2026, 12, 8, 10, 0, tzinfo=CHICAGO)
    return f.appointment(service, therapist, start, status=status, save=False, **fields)


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def props(text: str) -> dict[str, str]:
    """The first value of each property name (VEVENT's win over VCALENDAR's for shared names)."""
    found: dict[str, str] = {}
    for line in unfold(text):
        name, _, value = line.partition(":")
        found.setdefault(name.split(";")[0], value)
    return found


def event_props(text: str) -> dict[str, str]:
    lines = unfold(text)
    body = lines[lines.index("BEGIN:VEVENT") + 1 : lines.index("END:VEVENT")]
    if "BEGIN:VALARM" in body:
        body = body[: body.index("BEGIN:VALARM")] + body[body.index("END:VALARM") + 1 :]
    return props("\r\n".join(body) + "\r\n")


def test_shape_crlf_and_one_event():
    text = ics.calendar_for(make())
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    # Every line ends in CRLF: no bare LF or CR anywhere.
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines.count("BEGIN:VEVENT") == 1
    assert lines.count("END:VEVENT") == 1
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)


def test_times_are_utc_z_form():
    a = make()
    event = event_props(ics.calendar_for(a, now=datetime(2026, 12, 1, 9, 30, 5, tzinfo=UTC)))
    # 10:00 in Chicago in December (CST, UTC-6) is 16:00 UTC.
    assert event["DTSTART"] == "20261208T160000Z"
    assert event["DTEND"] == "20261208T170000Z"
    assert event["DTSTAMP"] == "20261201T093005Z"


def test_dtstamp_defaults_to_now_in_utc():
    stamp = event_props(ics.calendar_for(make()))["DTSTAMP"]
    assert re.fullmatch(r"\d{8}T\d{6}Z", stamp)
    parsed = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(parsed - datetime.now(UTC)) < timedelta(minutes=1)


def test_summary_location_description():
    a = make()
    event = event_props(ics.calendar_for(a))
    assert event["SUMMARY"] == "Hot stone massage at Willow & Stone Spa"
    assert event["LOCATION"] == r"Willow & Stone Spa\, 214 Linden Avenue\, Springfield"
    description = event["DESCRIPTION"]
    assert "Maya Lind" in description
    assert "(555) 010-4477" in description
    assert "https://spa.example" + a.get_absolute_url() in description


def test_uid_is_stable_private_and_hosted_on_the_site():
    a = make()
    uid = event_props(ics.calendar_for(a))["UID"]
    assert re.fullmatch(r"appointment-[0-9a-f]{24}@spa\.example", uid)
    assert a.token not in uid
    # No long piece of the token leaks either.
    assert not any(a.token[i : i + 8] in uid for i in range(len(a.token) - 7))
    a.set_times(a.start + timedelta(days=1, hours=2))
    a.sequence += 1
    assert event_props(ics.calendar_for(a))["UID"] == uid
    assert event_props(ics.calendar_for(make()))["UID"] != uid  # another token, another UID


def test_sequence_follows_the_appointment():
    a = make(sequence=3)
    assert event_props(ics.calendar_for(a))["SEQUENCE"] == "3"
    a.sequence += 1
    assert event_props(ics.calendar_for(a))["SEQUENCE"] == "4"


@pytest.mark.parametrize(
    ("status", "ics_status", "method", "alarm"),
    [
        (Status.REQUESTED, "TENTATIVE", "PUBLISH", True),
        (Status.AWAITING_CLEARANCE, "TENTATIVE", "PUBLISH", True),
        (Status.CONFIRMED, "CONFIRMED", "PUBLISH", True),
        (Status.CANCELLED, "CANCELLED", "CANCEL", False),
        (Status.DECLINED, "CANCELLED", "CANCEL", False),
    ],
)
def test_status_method_and_alarm(status, ics_status, method, alarm):
    text = ics.calendar_for(make(status))
    assert event_props(text)["STATUS"] == ics_status
    assert props(text)["METHOD"] == method
    assert ("BEGIN:VALARM" in unfold(text)) is alarm
    if alarm:
        assert "TRIGGER:-PT2H" in unfold(text)


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    a = make(
        service_name="Deep tissue massage – långsam, grundlig behandling; " * 3,
        therapist_name="Zoë Ångström-Øverby",
    )
    text = ics.calendar_for(a)
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)  # something did fold
    description = event_props(text)["DESCRIPTION"]
    assert len(("DESCRIPTION:" + description).encode()) > 75
    assert "Zoë Ångström-Øverby" in description
    assert r"långsam\, grundlig behandling\;" in description


def test_text_is_escaped():
    assert ics.escape("a\\b;c,d\ne") == r"a\\b\;c\,d\ne"
    summary = event_props(ics.calendar_for(make(service_name="Back, neck; shoulders")))["SUMMARY"]
    assert summary == r"Back\, neck\; shoulders at Willow & Stone Spa"


def test_control_characters_are_dropped_but_tabs_and_line_breaks_kept():
    # An admin-typed name with a stray vertical tab or bell must not reach a calendar.
    raw = "Back\x0b mass\x07age\x00\x1b\x7f\tnow\r\nthen"
    assert ics.escape(raw) == "Back massage\tnow\\nthen"
    summary = event_props(ics.calendar_for(make(service_name="Deep\x0btissue\x07")))["SUMMARY"]
    assert summary == "Deeptissue at Willow & Stone Spa"


def test_no_health_information():
    a = make(
        Status.AWAITING_CLEARANCE,
        client_notes=f"{CANARY} notes",
        avoid_areas=f"{CANARY} area",
        client_guidance=f"{CANARY} guidance",
        status_reason=f"{CANARY} reason",
    )
    text = ics.calendar_for(a)
    assert CANARY not in text.replace("\r\n ", "")
    assert "Casey" not in text
    assert "casey@example.com" not in text
