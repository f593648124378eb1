"""A ceiling on failed sign-ins per username, across all addresses.

django-axes locks a username from one address after 5 failures; someone
guessing from many addresses (a botnet, or IPv6 addresses aplenty) is never
locked that way. This backend, placed before ModelBackend, refuses any
password for a username that has failed SPA_ADMIN_USERNAME_CEILING times in
the last hour, from anywhere. The ceiling is far above what one person
mistypes, so an attacker must work hard to lock a colleague out, and the
owner can lift it by resetting the counters (a new DJANGO_SECRET_KEY) or
waiting an hour. Only a keyed hash of the username is stored (house/throttle.py).
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from house import throttle

SCOPE = "admin-username"


def _name(credentials: dict) -> str:
    return str(credentials.get("username") or "").strip().lower()


class UsernameCeilingBackend:
    def authenticate(self, request, username=None, password=None, **kwargs):
        name = _name({"username": username})
        if name and not throttle.within(SCOPE, name, limit=settings.SPA_ADMIN_USERNAME_CEILING):
            # Stops the chain: not even the right password gets in for now.
            raise PermissionDenied
        return None  # the next backend checks the password

    # No get_user(): sessions belong to ModelBackend (force_login picks the first
    # backend that has one).


@receiver(user_login_failed)
def count_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    if name := _name(credentials):
        throttle.hit(SCOPE, name, limit=settings.SPA_ADMIN_USERNAME_CEILING, window=throttle.HOUR)
