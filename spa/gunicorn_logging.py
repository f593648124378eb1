"""gunicorn's access log without the clients' private booking links.

`/bookings/<token>/` is a client's key to their booking (view, cancel, move),
`/call-back/<token>/` to their call-back request, and
`/my-bookings/sign-in/<token>/` signs them in to all their bookings; whoever reads the access
log must not be able to use either. This logger class
cuts the token out of every field of the line (the request line, the path,
the query and the Referer), so the log shows `/bookings/<redacted>/`.
Used by `make serve` and the README's systemd unit:
`gunicorn --logger-class spa.gunicorn_logging.RedactingLogger`.
"""

from gunicorn.glogging import Logger

from spa.logfilters import PRIVATE_LINK, redact  # noqa: F401 - one pattern for both logs


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) for name, value in atoms.items()}
