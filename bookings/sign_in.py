"""'My bookings' sign-in links: Django's signing plus a table of links (SignInLink).

Why not django-sesame: it signs in Django *users* (django.contrib.auth), and
clients here are not users and never will be (DESIGN.md: no account system to
secure); and its single-use mode still consumes the token on the first GET,
which mail scanners (Outlook Safe Links and the like) make before the client
clicks (django-sesame issue #45). Here a link opens a page with one button;
only that POST uses the link.

A link is the row's id and nonce signed with SECRET_KEY under its own salt:
the database alone cannot make one. It expires SPA_SIGN_IN_LINK_MINUTES after
the row was made, and works once (a conditional UPDATE stamps `used_at`).
The signed-in session holds the client's id only.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils import timezone

from bookings.models import Client, SignInLink

SALT = "bookings.my-bookings.sign-in"
# The session's only key about the client: their record's id. No name, no answers.
SESSION_KEY = "my_client"


def token_for(link: SignInLink) -> str:
    return signing.Signer(salt=SALT).sign_object([link.pk, link.nonce])


def _lifetime() -> timedelta:
    return timedelta(minutes=settings.SPA_SIGN_IN_LINK_MINUTES)


def link_for(token: str) -> SignInLink | None:
    """The live, unused link this token names, or None (forged, expired, used or unknown)."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        pk, nonce = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    link = (
        SignInLink.objects.select_related("client")
        .filter(
            pk=pk,
            nonce=nonce,
            client__isnull=False,
            used_at__isnull=True,
            created__gt=timezone.now() - _lifetime(),
        )
        .first()
    )
    return link


def use(link: SignInLink) -> bool:
    """Spend the link; False when another request spent it first."""
    return bool(
        SignInLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    )


def sign_in(request: HttpRequest, client: Client, *, remember: bool = False) -> None:
    request.session.cycle_key()  # a new session id: nothing planted before carries over
    # Signed in for the session's life (SESSION_COOKIE_AGE, 8 hours by default), or,
    # on a device the client keeps, for SPA_REMEMBER_CLIENT_DAYS, as booking apps do.
    request.session[SESSION_KEY] = client.pk
    if remember:
        request.session.set_expiry(settings.SPA_REMEMBER_CLIENT_DAYS * 24 * 3600)


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def signed_in_client(request: HttpRequest) -> Client | None:
    """The client who proved this email is theirs in this session, if any (read once)."""
    if not hasattr(request, "_my_client"):
        pk = request.session.get(SESSION_KEY)
        client = (
            Client.objects.filter(pk=pk).exclude(email__endswith="@invalid").first()
            if isinstance(pk, int)
            else None
        )
        setattr(request, "_my_client", client)  # noqa: B010 - read once per request
    return getattr(request, "_my_client")  # noqa: B009


def purge(now=None) -> int:
    """Links older than a day: used, expired or never sent, they are no use to anyone."""
    now = now or timezone.now()
    return SignInLink.objects.filter(created__lt=now - timedelta(days=1)).delete()[0]
