"""Counts for the staff insights page: where bookings come from, what is booked, screening.

Counting rules, so the numbers can be trusted and compared:

- A "booking" is an appointment *created* since the given moment, whatever
  its status now: every request placed online is a booking attempt, and the
  guide that brought it earned it even if it was later declined or
  cancelled. `Row.confirmed` is the second number: those of them now
  confirmed or completed.
- A "request" for the outcome chart is a booking request or a call-back
  request created since that moment, counted by the outcome of its
  questionnaire. Call-backs exist because the answers stopped online booking,
  so they appear as "Cannot be booked online". Only the outcome is read,
  never the answers themselves.
- `Row.share` is the row's part of the chart's total (0..1), shown as a
  percentage; bars are drawn relative to the largest row of their chart.

Each function runs a fixed number of queries, however many rows there are:
one aggregate, plus for referrals at most one look-up per kind of guide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from django.db.models import Count, Q
from django.urls import reverse

from bookings.models import Appointment, HealthAnswers, Outcome, Referral, Service, Status
from points.models import BodyRegion, Point, Routine

CONFIRMED = [Status.CONFIRMED, Status.COMPLETED]
DIRECT = "Direct / unknown"


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    share: float  # of the chart's total, 0..1
    url: str | None = None
    confirmed: int | None = None  # bookings only: how many are confirmed or completed


# --- Referral labels ------------------------------------------------------------------

Label = tuple[str, str | None]  # what to call a referral, and the guide page it links to


def describe_referrals(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Label]:
    """(kind, slug) -> (human label, guide page URL or None), one query per kind of guide.

    A guide deleted since the booking keeps a plain label and loses its link.
    """
    pairs = set(pairs)
    slugs: dict[str, set[str]] = {}
    for kind, slug in pairs:
        slugs.setdefault(kind, set()).add(slug)
    points = _names(Point.objects, slugs.get(Referral.POINT), str)
    routines = _names(Routine.objects, slugs.get(Referral.ROUTINE), lambda r: r.title)
    regions = _names(BodyRegion.objects, slugs.get(Referral.REGION), lambda r: r.name)
    services = _names(Service.objects, slugs.get(Referral.SERVICE), lambda s: s.name)

    def one(kind: str, slug: str) -> Label:
        if kind == Referral.POINT and slug in points:
            return points[slug], reverse("points:detail", args=[slug])
        if kind == Referral.ROUTINE and slug in routines:
            return routines[slug], reverse("points:routine", args=[slug])
        if kind == Referral.REGION and slug in regions:
            return f"Area: {regions[slug]}", reverse("points:library") + f"?region={slug}"
        if kind == Referral.SERVICE and slug in services:
            return (
                f"Service page: {services[slug]}",
                reverse("bookings:service_detail", args=[slug]),
            )
        if kind == Referral.HOME:
            return "Home page", reverse("home")
        if kind in Referral.values:
            return f"{Referral(kind).label}: {slug} (no longer listed)", None
        return DIRECT, None

    return {pair: one(*pair) for pair in pairs}


def describe_referral(kind: str, slug: str) -> Label:
    return describe_referrals([(kind, slug)])[(kind, slug)]


def _names(manager, slugs: set[str] | None, name) -> dict[str, str]:
    if not slugs:
        return {}
    return {obj.slug: name(obj) for obj in manager.filter(slug__in=slugs)}


# --- The three counts -----------------------------------------------------------------


def bookings_by_referral(since: datetime) -> list[Row]:
    counted = (
        Appointment.objects.filter(created__gte=since)
        .values("referral_kind", "referral_slug")
        .annotate(count=Count("pk"), confirmed=Count("pk", filter=Q(status__in=CONFIRMED)))
        .order_by()
    )
    totals: dict[tuple[str, str], list[int]] = {}
    for row in counted:
        kind = row["referral_kind"]
        # The home page and "no referral" have no guide: their slugs do not matter.
        key = (kind, row["referral_slug"] if kind not in ("", Referral.HOME) else "")
        total = totals.setdefault(key, [0, 0])
        total[0] += row["count"]
        total[1] += row["confirmed"]
    labels = describe_referrals(totals)
    return _rows(
        (labels[key][0], count, labels[key][1], confirmed)
        for key, (count, confirmed) in totals.items()
    )


def bookings_by_service(since: datetime) -> list[Row]:
    counted = (
        Appointment.objects.filter(created__gte=since)
        .values("service__name", "service__slug")
        .annotate(count=Count("pk"), confirmed=Count("pk", filter=Q(status__in=CONFIRMED)))
        .order_by()
    )
    return _rows(
        (
            row["service__name"],
            row["count"],
            reverse("bookings:service_detail", args=[row["service__slug"]]),
            row["confirmed"],
        )
        for row in counted
    )


def requests_by_outcome(since: datetime) -> list[Row]:
    """Every outcome, mildest first, zeros included, so the chart keeps its shape."""
    counted = dict(
        HealthAnswers.objects.filter(
            Q(appointment__created__gte=since) | Q(callback__created__gte=since)
        )
        .values("outcome")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("outcome", "count")
    )
    total = sum(counted.values())
    return [
        Row(outcome.label, counted.get(outcome, 0), _share(counted.get(outcome, 0), total))
        for outcome in Outcome
    ]


def _rows(items: Iterable[tuple[str, int, str | None, int]]) -> list[Row]:
    """Rows, largest first (then by label, so equal counts keep a stable order)."""
    items = list(items)
    total = sum(count for _, count, _, _ in items)
    return sorted(
        (
            Row(label, count, _share(count, total), url, confirmed)
            for label, count, url, confirmed in items
        ),
        key=lambda row: (-row.count, row.label),
    )


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


# --- Charts: the geometry of a horizontal bar chart, for the template ----------------

LABEL_WIDTH = 250  # labels end here, right-aligned against the bars
BAR_START = 260
BAR_WIDTH = 330  # the largest bar; the count is written after each bar
ROW_HEIGHT = 30
BAR_HEIGHT = 20
CHART_WIDTH = 720
MAX_LABEL = 34  # characters; the full label is in the bar's <title> and the table


@dataclass(frozen=True)
class Bar:
    row: Row
    short_label: str
    y: int  # top of the bar
    width: int
    confirmed_width: int | None
    text_y: int  # baseline of the label and the count
    count_x: int


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    noun: str  # "booking" or "request"
    column: str  # heading of the label column in the table
    rows: list[Row]
    with_confirmed: bool = False

    label_x: ClassVar[int] = LABEL_WIDTH
    bar_x: ClassVar[int] = BAR_START
    width: ClassVar[int] = CHART_WIDTH
    bar_height: ClassVar[int] = BAR_HEIGHT

    @property
    def bars(self) -> list[Bar]:
        top = max((row.count for row in self.rows), default=0)
        return [_bar(row, i, top) for i, row in enumerate(self.rows)]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    @property
    def confirmed_total(self) -> int:
        return sum(row.confirmed or 0 for row in self.rows)

    @property
    def height(self) -> int:
        return max(len(self.rows), 1) * ROW_HEIGHT


def _bar(row: Row, index: int, top: int) -> Bar:
    def length(count: int) -> int:
        # A non-zero count always shows a sliver, so it is never mistaken for none.
        return max(round(count / top * BAR_WIDTH), 2) if count and top else 0

    width = length(row.count)
    y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
    label = row.label if len(row.label) <= MAX_LABEL else row.label[: MAX_LABEL - 1] + "…"
    return Bar(
        row=row,
        short_label=label,
        y=y,
        width=width,
        confirmed_width=None if row.confirmed is None else length(row.confirmed),
        text_y=y + BAR_HEIGHT - 5,
        count_x=BAR_START + width + 6,
    )


def charts(since: datetime) -> list[Chart]:
    return [
        Chart(
            "referral",
            "Bookings by referring guide",
            "booking",
            "Came from",
            bookings_by_referral(since),
            with_confirmed=True,
        ),
        Chart(
            "service",
            "Bookings by service",
            "booking",
            "Service",
            bookings_by_service(since),
            with_confirmed=True,
        ),
        Chart(
            "outcome",
            "Requests by questionnaire outcome",
            "request",
            "Outcome",
            requests_by_outcome(since),
        ),
    ]
