"""Logging filters. Loaded while logging is set up, before the apps: no model imports."""

import logging

from django.db import InterfaceError, OperationalError

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
