"""Free start times: the pure rules without a database, then the ORM loader (free_times)."""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import (
    Interval,
    Slot,
    free_starts,
    merge_slots,
    slots_by_day,
    subtract,
    weekly_windows,
)
from bookings.free_times import is_free, nearest_free, slots_for, spa_zone
from bookings.models import (
    BookingRules,
    Status,
)
from tests import factories as f

CHI = ZoneInfo("America/Chicago")
DAY = date(2026, 12, 2)  # a Wednesday, well clear of daylight-saving changes
PAST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
EVERY_DAY = [(weekday, time(9), time(17)) for weekday in range(7)]


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """Local wall-clock time in Chicago (first occurrence if repeated)."""
    return datetime.combine(day, time(hour, minute), tzinfo=CHI)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hm(instant: datetime) -> str:
    return instant.astimezone(CHI).strftime("%H:%M")


def starts(
    windows, busy=(), *, duration=60, before=0, after=0, step=15, earliest=PAST, latest=FUTURE
) -> list[datetime]:
    return free_starts(
        windows=windows,
        busy=busy,
        duration=timedelta(minutes=duration),
        buffer_before=timedelta(minutes=before),
        buffer_after=timedelta(minutes=after),
        step=timedelta(minutes=step),
        earliest=earliest,
        latest=latest,
        tz=CHI,
    )


def labels(instants) -> list[str]:
    return [hm(s) for s in instants]


def every(first: str, last: str, minutes: int = 15) -> list[str]:
    """Wall-clock labels from first to last inclusive, on an ordinary day."""
    # Only the time of day matters; UTC keeps the arithmetic free of DST.
    t = datetime.strptime(first, "%H:%M").replace(tzinfo=UTC)
    end = datetime.strptime(last, "%H:%M").replace(tzinfo=UTC)
    out = []
    while t <= end:
        out.append(t.strftime("%H:%M"))
        t += timedelta(minutes=minutes)
    return out


# --- the grid and the shift -----------------------------------------------------------


def test_grid_within_a_shift_is_in_utc():
    result = starts([Interval(at(9), at(12))])
    assert labels(result) == every("09:00", "11:00")
    assert all(s.utcoffset() == timedelta(0) for s in result)
    assert result[0] == utc(2026, 12, 2, 15)


def test_grid_counts_from_local_midnight_not_from_the_shift_start():
    # Decision: a shift starting at 9:10 offers 9:15 first, never 9:10 or 9:25.
    assert labels(starts([Interval(at(9, 10), at(12))])) == every("09:15", "11:00")
    assert labels(starts([Interval(at(9, 10), at(12))], step=30)) == every("09:30", "11:00", 30)


def test_session_must_fit_before_the_shift_ends():
    assert labels(starts([Interval(at(9), at(10, 50))])) == ["09:00", "09:15", "09:30", "09:45"]
    # Ending exactly at closing time is fine.
    assert labels(starts([Interval(at(9), at(11))]))[-1] == "10:00"
    assert starts([Interval(at(9), at(9, 45))]) == []


def test_session_may_not_span_a_gap_between_two_shifts():
    windows = weekly_windows([(2, time(9), time(12)), (2, time(13), time(17))], DAY, DAY, CHI)
    result = labels(starts(windows))
    assert "11:00" in result
    assert "13:00" in result
    assert not {"11:15", "11:30", "12:00", "12:45"} & set(result)


# --- buffers ------------------------------------------------------------------------


def test_existing_after_buffer_blocks_a_start_right_after_it():
    # The existing 10:00-11:00 appointment's block includes its 15-minute reset.
    busy = [Interval(at(10), at(11, 15))]
    result = labels(starts([Interval(at(9), at(13))], busy))
    assert "11:00" not in result
    assert "11:15" in result
    assert "09:00" in result  # ends at 10:00: touching is fine


def test_new_before_buffer_blocks_a_start_right_after_an_appointment():
    busy = [Interval(at(10), at(11))]  # the existing service has no buffers
    assert "11:00" in labels(starts([Interval(at(9), at(13))], busy))
    result = labels(starts([Interval(at(9), at(13))], busy, before=15))
    assert "11:00" not in result
    assert "11:15" in result


def test_new_after_buffer_blocks_a_start_right_before_an_appointment():
    busy = [Interval(at(10), at(11))]
    result = labels(starts([Interval(at(8), at(13))], busy, after=15))
    assert "09:00" not in result  # its reset would run to 10:15
    assert "08:45" in result  # its reset ends at 10:00 exactly


def test_back_to_back_is_allowed_without_buffers():
    busy = [Interval(at(10), at(11))]
    result = labels(starts([Interval(at(9), at(12))], busy))
    assert result == ["09:00", "11:00"]


def test_buffers_need_not_fit_inside_the_shift():
    # Decision: only the session must lie inside working time; preparation before
    # the shift's first session and the reset after its last one may run outside.
    result = labels(starts([Interval(at(9), at(17))], before=15, after=15))
    assert result[0] == "09:00"
    assert result[-1] == "16:00"


def test_busy_blocks_may_come_unsorted_and_overlapping():
    busy = [Interval(at(14), at(15)), Interval(at(10), at(11)), Interval(at(10, 30), at(12))]
    result = labels(starts([Interval(at(9), at(17))], busy))
    assert result == ["09:00"] + every("12:00", "13:00") + every("15:00", "16:00")


# --- notice and horizon ---------------------------------------------------------------


def test_minimum_notice_is_the_earliest_start():
    window = [Interval(at(9), at(13))]
    assert labels(starts(window, earliest=at(10, 20)))[0] == "10:30"
    assert labels(starts(window, earliest=at(10, 15)))[0] == "10:15"  # inclusive


def test_horizon_is_the_latest_start():
    window = [Interval(at(9), at(13))]
    assert labels(starts(window, latest=at(10, 30)))[-1] == "10:30"  # inclusive
    assert labels(starts(window, latest=at(10, 29)))[-1] == "10:15"


# --- windows: weekly hours and time off -------------------------------------------------


def test_weekly_windows_map_weekdays_and_merge_touching_shifts():
    shifts = [
        (0, time(9), time(12)),
        (0, time(12), time(17)),
        (2, time(13), time(17)),
        (2, time(9), time(12)),
    ]
    monday = date(2026, 11, 30)
    windows = weekly_windows(shifts, monday, monday + timedelta(days=6), CHI)
    assert windows == [
        Interval(at(9, day=monday), at(17, day=monday)),
        Interval(at(9), at(12)),
        Interval(at(13), at(17)),
    ]


def test_time_off_splits_a_shift():
    windows = subtract(
        weekly_windows([(2, time(9), time(17))], DAY, DAY, CHI),
        [Interval(at(12), at(13, 30))],
    )
    assert windows == [Interval(at(9), at(12)), Interval(at(13, 30), at(17))]
    result = labels(starts(windows))
    assert result == every("09:00", "11:00") + every("13:30", "16:00")


def test_subtract_edge_cases():
    w = [Interval(at(9), at(12)), Interval(at(13), at(17))]
    # Touching blocks change nothing.
    assert subtract(w, [Interval(at(8), at(9)), Interval(at(12), at(13))]) == w
    # One block across the gap trims both windows.
    assert subtract(w, [Interval(at(11), at(14))]) == [
        Interval(at(9), at(11)),
        Interval(at(14), at(17)),
    ]
    # Unsorted, overlapping blocks; one covering a window whole.
    assert subtract(
        w, [Interval(at(15), at(16)), Interval(at(9), at(12)), Interval(at(14), at(15))]
    ) == [
        Interval(at(13), at(14)),
        Interval(at(16), at(17)),
    ]
    assert subtract(w, []) == w
    assert subtract([], [Interval(at(9), at(10))]) == []


# --- daylight saving -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "first_utc"),
    [
        (date(2026, 3, 7), utc(2026, 3, 7, 15)),  # CST, -6
        (date(2026, 3, 8), utc(2026, 3, 8, 14)),  # spring forward: CDT, -5
        (date(2026, 3, 9), utc(2026, 3, 9, 14)),
        (date(2026, 10, 31), utc(2026, 10, 31, 14)),  # CDT, -5
        (date(2026, 11, 1), utc(2026, 11, 1, 15)),  # fall back: CST, -6
        (date(2026, 11, 2), utc(2026, 11, 2, 15)),
    ],
)
def test_a_nine_to_five_shift_stays_nine_to_five_across_dst(day, first_utc):
    result = starts(weekly_windows(EVERY_DAY, day, day, CHI))
    assert result[0] == first_utc
    assert labels(result) == every("09:00", "16:00")  # 29 starts, as on any day


def test_a_shift_across_the_spring_forward_gap_has_no_missing_wall_times():
    day = date(2026, 3, 8)  # 2:00 CST jumps to 3:00 CDT
    windows = weekly_windows([(6, time(1), time(4))], day, day, CHI)
    assert windows == [Interval(utc(2026, 3, 8, 7), utc(2026, 3, 8, 9))]  # two real hours
    result = starts(windows)
    assert labels(result) == ["01:00", "01:15", "01:30", "01:45", "03:00"]
    assert result[0].astimezone(CHI).utcoffset() == timedelta(hours=-6)
    assert result[-1].astimezone(CHI).utcoffset() == timedelta(hours=-5)
    assert labels(starts(windows, duration=30)) == [
        "01:00",
        "01:15",
        "01:30",
        "01:45",
        "03:00",
        "03:15",
        "03:30",
    ]


def test_a_shift_starting_inside_the_gap_starts_when_the_clock_jumps():
    day = date(2026, 3, 8)
    windows = weekly_windows([(6, time(2, 30), time(5))], day, day, CHI)
    assert windows == [Interval(utc(2026, 3, 8, 8), utc(2026, 3, 8, 10))]  # 3:00-5:00 CDT
    assert labels(starts(windows))[0] == "03:00"


def test_a_shift_across_the_fall_back_hour_offers_both_real_instants():
    day = date(2026, 11, 1)  # 2:00 CDT falls back to 1:00 CST
    windows = weekly_windows([(6, time(1), time(4))], day, day, CHI)
    assert windows == [Interval(utc(2026, 11, 1, 6), utc(2026, 11, 1, 10))]  # four real hours
    result = starts(windows)
    assert len(result) == 13  # 06:00Z to 09:00Z every 15 minutes
    assert [s for s in result if hm(s) == "01:00"] == [utc(2026, 11, 1, 6), utc(2026, 11, 1, 7)]


def test_agrees_with_a_brute_force_reading_of_the_rules():
    """Random shifts and bookings around both DST days, checked minute by minute."""
    rng = random.Random(20261101)
    for first in (date(2026, 3, 6), date(2026, 10, 30)):
        for _ in range(20):
            shifts = [
                (rng.randrange(7), time(h), time(h + rng.randint(1, 8)))
                for h in rng.sample(range(0, 15), 3)
            ]
            shifts.append((6, time(0, 30), time(rng.randint(2, 5))))  # the night of the change
            windows = weekly_windows(shifts, first, first + timedelta(days=4), CHI)
            busy = [
                Interval(b, b + timedelta(minutes=rng.choice([30, 45, 75, 90])))
                for b in (
                    datetime.combine(first, time(), tzinfo=UTC)
                    + timedelta(minutes=5 * rng.randrange(5 * 24 * 12))
                    for _ in range(rng.randint(0, 25))
                )
            ]
            duration, before, after, step = (
                rng.choice([30, 60, 90]),
                rng.choice([0, 10]),
                rng.choice([0, 15]),
                rng.choice([15, 20, 30, 45]),
            )
            earliest = (
                windows[0].start + timedelta(minutes=rng.randrange(0, 600)) if windows else PAST
            )
            got = starts(
                windows,
                busy,
                duration=duration,
                before=before,
                after=after,
                step=step,
                earliest=earliest,
            )
            assert got == brute_force(windows, busy, duration, before, after, step, earliest)


def brute_force(windows, busy, duration, before, after, step, earliest):
    if not windows:
        return []
    d, b, a = (timedelta(minutes=m) for m in (duration, before, after))
    out = []
    s = windows[0].start.replace(minute=0)
    while s <= windows[-1].end:
        local = s.astimezone(CHI)
        on_grid = (local.hour * 60 + local.minute) % step == 0
        inside = any(w.start <= s and s + d <= w.end for w in windows)
        clash = any(x.start < s + d + a and s - b < x.end for x in busy)
        if on_grid and inside and not clash and s >= earliest:
            out.append(s)
        s += timedelta(minutes=5)
    return out


def test_step_must_be_whole_minutes():
    with pytest.raises(ValueError, match="whole number of minutes"):
        free_starts(
            windows=[Interval(at(9), at(12))],
            busy=[],
            duration=timedelta(hours=1),
            buffer_before=timedelta(0),
            buffer_after=timedelta(0),
            step=timedelta(seconds=90),
            earliest=PAST,
            latest=FUTURE,
            tz=CHI,
        )


# --- merging and grouping -------------------------------------------------------------


def test_merge_slots_unions_therapists_per_start():
    a, b, c = at(9), at(9, 15), at(9, 30)
    slots = merge_slots({7: [b, c], 3: [a, b]})
    assert slots == [Slot(a, (3,)), Slot(b, (3, 7)), Slot(c, (7,))]
    assert all(s.start.utcoffset() == timedelta(0) for s in slots)
    assert merge_slots({}) == []


def test_slots_by_day_groups_by_local_date_in_order():
    late = Slot(at(23, 30), (1,))  # 05:30Z the next day
    next_morning = Slot(at(9, day=DAY + timedelta(days=1)), (1,))
    early = Slot(at(9), (1,))
    days = slots_by_day([next_morning, late, early], CHI)
    assert list(days) == [DAY, DAY + timedelta(days=1)]
    assert days[DAY] == [early, late]


# --- the loader, against the database ---------------------------------------------------

NOW = at(8, day=date(2026, 12, 1))  # the day before DAY, 8:00 in Chicago


@pytest.fixture(autouse=True)
def chicago(settings):
    settings.TIME_ZONE = "America/Chicago"


@pytest.fixture
def rules(db):
    r = BookingRules.current()
    r.slot_step_minutes, r.min_notice_hours, r.horizon_days = 15, 2, 60
    r.save()
    return r


@pytest.fixture
def service(db):
    return f.service(
        "Deep tissue",
        summary="Slow, firm work.",
        description="Slow, firm work on the back and shoulders.",
        price="90.00",
    )


def day_labels(slots) -> list[str]:
    return labels(s.start for s in slots)


def test_slots_for_one_therapist(rules, service):
    ana = f.therapist("Ana", service)
    slots = slots_for(service, ana, DAY, DAY, now=NOW)
    assert day_labels(slots) == every("09:00", "16:00")
    assert {s.therapist_ids for s in slots} == {(ana.pk,)}


def test_therapist_not_offering_the_service_gets_no_slots(rules, service):
    ana = f.therapist("Ana")
    assert slots_for(service, ana, DAY, DAY, now=NOW) == []
    assert slots_for(service, None, DAY, DAY, now=NOW) == []


def test_inactive_therapist_gets_no_slots(rules, service):
    ana = f.therapist("Ana", service, active=False)
    ben = f.therapist("Ben", service)
    assert slots_for(service, ana, DAY, DAY, now=NOW) == []
    assert {s.therapist_ids for s in slots_for(service, None, DAY, DAY, now=NOW)} == {(ben.pk,)}
    assert not is_free(service, ana.pk, at(10), now=NOW)


@pytest.mark.parametrize(
    ("status", "blocks"),
    [
        (Status.REQUESTED, True),
        (Status.AWAITING_CLEARANCE, True),
        (Status.CONFIRMED, True),
        (Status.CANCELLED, False),
        (Status.DECLINED, False),
    ],
)
def test_only_appointments_that_hold_their_slot_block_it(rules, service, status, blocks):
    ana = f.therapist("Ana", service)
    f.appointment(service, ana, at(10), status=status)
    result = day_labels(slots_for(service, ana, DAY, DAY, now=NOW))
    assert ("10:00" not in result) is blocks
    assert ("11:00" not in result) is blocks  # inside its 15-minute reset
    assert "11:15" in result


def test_exclude_appointment_id_frees_the_appointment_being_moved(rules, service):
    ana = f.therapist("Ana", service)
    moving = f.appointment(service, ana, at(10))
    assert "10:00" not in day_labels(slots_for(service, ana, DAY, DAY, now=NOW))
    slots = slots_for(service, ana, DAY, DAY, now=NOW, exclude_appointment_id=moving.pk)
    assert "10:00" in day_labels(slots)


def test_time_off_is_respected(rules, service):
    ana = f.therapist("Ana", service)
    f.time_off(ana, at(12), at(13, 30), reason="Dentist")
    result = day_labels(slots_for(service, ana, DAY, DAY, now=NOW))
    assert result == every("09:00", "11:00") + every("13:30", "16:00")


def test_any_therapist_unions_two_therapists(rules, service):
    ana = f.therapist("Ana", service)
    ben = f.therapist("Ben", service, weekdays=[DAY.weekday()], hours=(time(13), time(19)))
    f.appointment(service, ana, at(15))
    slots = {hm(s.start): s.therapist_ids for s in slots_for(service, None, DAY, DAY, now=NOW)}
    assert slots["09:00"] == (ana.pk,)
    assert slots["13:00"] == (ana.pk, ben.pk)
    assert slots["14:00"] == (ben.pk,)  # Ana's reset would run into her 15:00
    assert slots["15:00"] == (ben.pk,)
    assert slots["18:00"] == (ben.pk,)


def test_default_range_runs_from_notice_to_horizon(rules, service):
    rules.horizon_days = 3
    rules.save()
    ana = f.therapist("Ana", service)
    slots = slots_for(service, ana, now=NOW, rules=rules)
    assert slots[0].start == at(10, day=NOW.date())  # 8:00 + two hours' notice
    assert slots[-1].start == at(16, day=date(2026, 12, 3))  # latest is 12-04 8:00
    assert list(slots_by_day(slots, spa_zone())) == [date(2026, 12, 1), DAY, date(2026, 12, 3)]


def test_loader_keeps_nine_o_clock_on_the_spring_forward_day(rules, service):
    ana = f.therapist("Ana", service)
    day = date(2026, 3, 8)
    slots = slots_for(service, ana, day, day, now=at(8, day=date(2026, 3, 1)))
    assert slots[0].start == utc(2026, 3, 8, 14)
    assert len(slots) == 29


def _load_week(service):
    return slots_for(service, None, DAY, DAY + timedelta(days=6), now=NOW)


def test_query_count_does_not_grow_with_therapists_or_appointments(
    rules, service, django_assert_max_num_queries
):
    ana = f.therapist("Ana", service)
    with CaptureQueriesContext(connection) as small:
        assert _load_week(service)

    team = [ana] + [f.therapist(name, service) for name in ("Ben", "Cy", "Di", "Ed")]
    for i in range(30):  # five a day, 90 minutes apart, over six days
        start = at(9, day=DAY + timedelta(days=i // 5)) + timedelta(minutes=90 * (i % 5))
        f.appointment(service, team[i % 5], start)
    for t in team:
        f.time_off(t, at(12))
    with CaptureQueriesContext(connection) as big:
        slots = _load_week(service)
    assert len(big) == len(small)
    assert any(len(s.therapist_ids) == 5 for s in slots)

    # Rules, therapists, their hours, time off, appointments.
    with django_assert_max_num_queries(5):
        _load_week(service)
    with django_assert_max_num_queries(5):
        slots_for(service, ana, DAY, DAY + timedelta(days=6), now=NOW)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(13), True),
        (at(13, 5), False),  # off the grid
        (at(13) + timedelta(seconds=30), False),  # off the grid by seconds
        (at(10, day=date(2026, 11, 30)), False),  # in the past
        (at(9, 45, day=date(2026, 12, 1)), False),  # inside the two hours' notice
        (at(10, day=date(2026, 12, 1)), True),  # exactly at the notice
        (at(16, day=date(2027, 1, 29)), True),  # the last bookable day
        (at(9, day=date(2027, 1, 30)), False),  # beyond the horizon (1-30 8:00)
        (at(8, 45), False),  # before opening
        (at(16), True),  # the last start
        (at(16, 15), False),  # would run past closing
        (at(11), False),  # clashes with the 10:30 appointment
        (at(11, 30), False),  # inside its reset
        (at(11, 45), True),  # right after its reset
        (at(9, 30), False),  # this session's reset would run into it
        (at(9, 15), True),  # this session's reset ends as it starts
    ],
)
def test_is_free(rules, service, start, expected):
    ana = f.therapist("Ana", service)
    f.appointment(service, ana, at(10, 30))
    assert is_free(service, ana.pk, start, now=NOW) is expected


def test_is_free_other_cases(rules, service):
    ana = f.therapist("Ana", service)
    ben = f.therapist("Ben")  # does not offer the service
    own = f.appointment(service, ana, at(10))
    assert not is_free(service, ben.pk, at(13), now=NOW)
    assert not is_free(service, ana.pk, at(10), now=NOW)
    assert is_free(service, ana.pk, at(10), now=NOW, exclude_appointment_id=own.pk)
    assert is_free(
        service,
        ana.pk,
        at(10).astimezone(ZoneInfo("Asia/Tokyo")),
        now=NOW,
        exclude_appointment_id=own.pk,
    )
    assert not is_free(service, ana.pk, datetime(9999, 12, 31, 23, 45, tzinfo=UTC), now=NOW)
    assert not is_free(service, ana.pk, datetime(1, 1, 1, tzinfo=UTC), now=NOW)
    with pytest.raises(ValueError, match="aware"):
        is_free(service, ana.pk, datetime(2026, 12, 2, 13), now=NOW)  # noqa: DTZ001 - naive on purpose


def test_nearest_free_looks_both_ways(rules, service):
    ana = f.therapist("Ana", service)
    f.appointment(service, ana, at(10, 30))  # holds 10:30-11:45; free: 9:00, 9:15, then 11:45 on
    nearest = nearest_free(service, ana, at(10, 45), now=NOW)
    # 11:45 is 60 minutes away, 12:00 75; 9:15 and 12:15 tie at 90: the earlier wins.
    assert day_labels(nearest) == ["09:15", "11:45", "12:00"]
    assert all(s.therapist_ids == (ana.pk,) for s in nearest)


def test_nearest_free_widens_the_search(rules, service):
    ana = f.therapist("Ana", service, weekdays=[0])  # Mondays only
    nearest = nearest_free(service, ana, at(10, day=date(2026, 12, 3)), now=NOW)  # a Thursday
    assert [s.start for s in nearest] == [at(9, m, day=date(2026, 12, 7)) for m in (0, 15, 30)]


def test_nearest_free_for_any_therapist(rules, service):
    ana, ben = f.therapist("Ana", service), f.therapist("Ben", service)
    f.appointment(service, ana, at(10))
    nearest = nearest_free(service, None, at(10, 5), count=2, now=NOW)
    assert [(hm(s.start), s.therapist_ids) for s in nearest] == [
        ("10:00", (ben.pk,)),
        ("10:15", (ben.pk,)),
    ]


def test_nearest_free_with_nothing_free(rules, service):
    ana = f.therapist("Ana", service, weekdays=[])
    assert nearest_free(service, ana, at(10), now=NOW) == []


def test_nearest_free_for_a_time_far_outside_the_horizon(rules, service):
    ana = f.therapist("Ana", service)
    last = date(2027, 1, 29)  # the horizon ends on 1-30 at 8:00, before opening
    nearest = nearest_free(service, ana, datetime(9999, 12, 31, 10, tzinfo=UTC), now=NOW)
    assert [s.start for s in nearest] == [at(15, 30, last), at(15, 45, last), at(16, day=last)]
    nearest = nearest_free(service, ana, datetime(1, 1, 1, tzinfo=UTC), now=NOW)
    assert [s.start for s in nearest] == [at(10, m, date(2026, 12, 1)) for m in (0, 15, 30)]
