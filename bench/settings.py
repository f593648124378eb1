"""Settings for `make bench` only: the site's own settings plus the floor view.

The floor (`/__floor/`, `HttpResponse("ok")`) goes through every middleware
the site runs, so a page's req/s divided by the floor's, measured in the same
round, says what the page itself costs. It is mounted here and nowhere else.
"""

from spa.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
