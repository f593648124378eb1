"""The spa's identity from settings: pages, emails and calendar files share it."""

from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location, get_timezone_name
from django.conf import settings


@cache
def zone_words(zone: str) -> tuple[str, str]:
    """The zone as clients say it, from CLDR: ("Central Time", "Chicago")."""
    tz = ZoneInfo(zone)
    return (
        get_timezone_name(tz, "long", locale="en_US"),
        get_timezone_location(tz, locale="en_US", return_city=True),
    )


def identity() -> dict[str, str]:
    """The spa's name, address, phone, email, opening hours, zone and site address."""
    return {
        "name": settings.SPA_NAME,
        "address": settings.SPA_ADDRESS,
        "phone": settings.SPA_PHONE,
        "email": settings.SPA_EMAIL,
        "opening_hours": settings.SPA_OPENING_HOURS,
        "time_zone": settings.TIME_ZONE,
        # "Central Time" and "Chicago": what pages say; the zone's ID stays for files.
        "time_zone_name": zone_words(settings.TIME_ZONE)[0],
        "city": zone_words(settings.TIME_ZONE)[1],
        "site_url": settings.SPA_SITE_URL,
    }
