from django.http import HttpRequest

from house.identity import identity


def spa(request: HttpRequest) -> dict:
    """The spa's identity, for the header, footer and contact lines."""
    return {
        "spa": identity(),
        # The page's own address without its query string, for rel=canonical and og:url.
        "canonical_url": request.build_absolute_uri(request.path),
    }
