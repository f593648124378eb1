"""Logging filters. Loaded while logging is set up, before the apps: no model imports."""

import logging
import re

from django.db import InterfaceError, OperationalError

# A client's private path (their booking, call-back page or "My bookings" sign-in
# link) at the start of a path, after a space or quote, or after a scheme and host.
PRIVATE_LINK = re.compile(
    r"(?P<before>^|[\s\"'(]|://[^/\s]+)/(?P<kind>bookings|call-back|my-bookings/sign-in)"
    r"/[^/?#\s\"']+"
)


def redact(value):
    """The text with every private link's key cut out: `/bookings/<redacted>/`."""
    if isinstance(value, str):
        return PRIVATE_LINK.sub(r"\g<before>/\g<kind>/<redacted>", value)
    return value


class RedactPrivateLinks(logging.Filter):
    """Django's own log lines name the path ("Not Found: /bookings/…/", a CSRF failure
    on a sign-in link): the key in it never reaches the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


# The errors of a database that is down or unreachable (not of a bad query).
DATABASE_DOWN = (OperationalError, InterfaceError)


class DatabaseDownOneLine(logging.Filter):
    """A request that failed because the database is away logs one line, not a traceback.

    Under an outage every request fails the same way; a traceback each would
    bury the log (1,537 in 20 s were seen). The line keeps the error's class
    only: a connection error's text can carry host names and user names."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], DATABASE_DOWN):
            error = type(record.exc_info[1]).__name__
            record.msg = f"{record.getMessage()} (database unavailable: {error})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
