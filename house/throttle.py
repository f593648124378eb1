"""A small rate limiter kept in the database, so every app process shares it.

One row per (scope, identifier) holds a counter and the end of its window (a
fixed window: the first hit opens it). The row is locked while it is read and
bumped, so concurrent hits from several processes count exactly, on
PostgreSQL (SELECT ... FOR UPDATE) and on SQLite (IMMEDIATE transactions
take the write lock up front). Rows whose window has ended are deleted on the
way out.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from house.models import Throttle

# The names it had under spa/: the logger's, so log searches and alerts keep working,
# and the HMAC salt's below, so the counters already stored keep counting.
log = logging.getLogger("spa.throttle")

HOUR = timedelta(hours=1)


def _key(scope: str, identifier: str) -> str:
    # Keyed with SECRET_KEY: the table never holds an email or an address, and
    # rotating the key only resets the counters.
    return salted_hmac("spa.throttle", f"{scope}\n{identifier}", algorithm="sha256").hexdigest()


def hit(scope: str, identifier: str, *, limit: int, window: timedelta) -> bool:
    """Count one hit; True when it is within `limit` hits per `window`."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = Throttle.objects.select_for_update().get_or_create(
            key=_key(scope, identifier), defaults={"expires_at": now + window}
        )
        if row.expires_at <= now:
            row.count, row.expires_at = 0, now + window
        allowed = row.count < limit
        if allowed:
            row.count += 1
            row.save(update_fields=["count", "expires_at"])
    Throttle.objects.filter(expires_at__lte=now).delete()
    if not allowed:
        # The scope only: never the email or the address.
        log.warning("Rate limit reached: %s", scope)
    return allowed


def within(scope: str, identifier: str, *, limit: int) -> bool:
    """Whether one more hit would be within `limit`, counting nothing (see `hit`)."""
    row = Throttle.objects.filter(
        key=_key(scope, identifier), expires_at__gt=timezone.now()
    ).first()
    allowed = row is None or row.count < limit
    if not allowed:
        log.warning("Rate limit reached: %s", scope)
    return allowed


def client_network(request: HttpRequest) -> str:
    """The client's address for rate limits: IPv6 clients grouped by their /64.

    One IPv6 subscriber usually holds a whole /64 and can pick any address in
    it, so counting single addresses would let them step around every limit."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def email_key(email: str) -> str:
    """One mailbox, however written: case and a +tag make no new identity."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.partition('+')[0]}@{domain}"


def client_ip(request: HttpRequest) -> str:
    """The client's address.

    REMOTE_ADDR, unless SPA_PROXY_COUNT proxies stand in front of the site:
    each appends the address it was reached from to X-Forwarded-For, so the
    client is the N-th entry from the right (entries further left are whatever
    the client sent, and can be forged). Also used by django-axes.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.SPA_PROXY_COUNT
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass
    return remote


def limited(
    request: HttpRequest, checks: list[tuple[str, str]], *, limit: int, window: timedelta = HOUR
) -> HttpResponse | None:
    """The "too many requests" page when any (scope, identifier) is over `limit`, else None."""
    for scope, identifier in checks:
        if not hit(scope, identifier, limit=limit, window=window):
            return too_many_requests(request, window)
    return None


def too_many_requests(request: HttpRequest, retry_after: timedelta) -> HttpResponse:
    seconds = int(retry_after.total_seconds())
    response = render(
        request, "429.html", {"retry_minutes": max(1, round(seconds / 60))}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response
