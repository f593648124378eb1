from django.conf import settings
from django.http import HttpRequest


def identity() -> dict[str, str]:
    """The spa's identity from settings: pages, emails and calendar files share it."""
    return {
        "name": settings.SPA_NAME,
        "address": settings.SPA_ADDRESS,
        "phone": settings.SPA_PHONE,
        "email": settings.SPA_EMAIL,
        "opening_hours": settings.SPA_OPENING_HOURS,
        "time_zone": settings.TIME_ZONE,
        "site_url": settings.SPA_SITE_URL,
    }


def spa(request: HttpRequest) -> dict:
    """The spa's identity, for the header, footer and contact lines."""
    return {
        "spa": identity(),
        # The page's own address without its query string, for rel=canonical and og:url.
        "canonical_url": request.build_absolute_uri(request.path),
    }
