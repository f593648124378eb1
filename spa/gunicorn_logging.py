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

import re

from gunicorn.glogging import Logger

# The private path at the start of a path, after a method, or after a scheme and host.
PRIVATE_LINK = re.compile(
    r"(?P<before>^|\s|://[^/\s]+)/(?P<kind>bookings|call-back|my-bookings/sign-in)/[^/?#\s\"]+"
)


def redact(value):
    if isinstance(value, str):
        return PRIVATE_LINK.sub(r"\g<before>/\g<kind>/<redacted>", value)
    return value


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) for name, value in atoms.items()}
