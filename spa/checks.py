"""Start-up checks of the spa's own settings (Django's system checks framework).

`manage.py check --deploy` (and every management command, gunicorn's first
request aside) runs them: production refuses settings that would quietly do
harm, such as email links to the wrong host or rate limits that lock out
everyone behind the proxy.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.http.request import validate_host


@register(Tags.security)
def site_url_is_public_https(app_configs, **kwargs) -> list[Error]:
    """Email and calendar links point at SPA_SITE_URL: in production it must be the
    site's own HTTPS address, or every client gets a link that does not work."""
    if not settings.PRODUCTION:
        return []
    url = urlsplit(settings.SPA_SITE_URL)
    if url.scheme != "https" or not url.hostname:
        return [
            Error(
                "SPA_SITE_URL must be the site's public https:// address in production "
                f"(now {settings.SPA_SITE_URL!r}).",
                hint="e.g. SPA_SITE_URL=https://spa.example",
                id="spa.E001",
            )
        ]
    if not validate_host(url.hostname, settings.ALLOWED_HOSTS):
        return [
            Error(
                f"SPA_SITE_URL's host {url.hostname!r} is not in DJANGO_ALLOWED_HOSTS.",
                hint="Links in emails would lead to a 400 page.",
                id="spa.E002",
            )
        ]
    return []


@register(Tags.security)
def proxy_count_matches_proxy(app_configs, **kwargs) -> list[Error]:
    """Behind a proxy with SPA_PROXY_COUNT=0, every client has the proxy's address:
    one person's failed logins or bookings would lock out everybody."""
    if settings.SPA_BEHIND_PROXY and settings.SPA_PROXY_COUNT == 0:
        return [
            Error(
                "DJANGO_BEHIND_PROXY=1 with SPA_PROXY_COUNT=0: every client would look like "
                "the proxy to the rate limits and the admin lockout.",
                hint="Set SPA_PROXY_COUNT to the number of proxies in front (1 for nginx).",
                id="spa.E003",
            )
        ]
    return []


@register()
def opening_hours_are_readable(app_configs, **kwargs) -> list[Error]:
    """The opening hours feed the page footer and search engines' structured data."""
    from spa.seo import parse_opening_hours

    text = settings.SPA_OPENING_HOURS
    if text.strip() and not parse_opening_hours(text):
        return [
            Error(
                f"SPA_OPENING_HOURS could not be read: {text!r}.",
                hint='Write it like "Tue–Sat 9:00–19:00, Sun 10:00–16:00".',
                id="spa.E004",
            )
        ]
    return []
