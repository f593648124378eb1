import sys

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

import pagecache
from bookings.models import Service
from points import diagrams
from points.models import BodyRegion, Routine
from spa.logfilters import DATABASE_DOWN


@require_safe
@pagecache.public_page(pagecache.CONTENT)
def home(request: HttpRequest) -> HttpResponse:
    regions = list(
        BodyRegion.objects.annotate(point_count=Count("points", filter=Q(points__published=True)))
        .filter(point_count__gt=0)
        .order_by("order", "name")
    )
    routines = Routine.objects.published().with_total()[:4]
    return render(
        request,
        "home.html",
        {
            "regions": regions,
            "routines": routines,
            "services": Service.objects.active()[:4],
            "body_map": diagrams.body_map(regions, None),
        },
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness plus a database round trip; says nothing about the setup."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "error", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl everything but the booking steps and clients' own bookings.

    The admin is left unnamed on purpose: listing a moved admin path here would
    publish it. It needs a login, so crawlers see nothing there anyway."""
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Disallow: {reverse('bookings:service')}",
        "Disallow: /bookings/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# Seconds a client (or a proxy) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, or the 503 page when the database is away. Whatever broke may
    be the database or a context processor, so it renders from plain settings
    values and nothing else."""
    context = {"spa_name": settings.SPA_NAME, "spa_phone": settings.SPA_PHONE}
    # Django calls this inside its `except` block: the error is still at hand.
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        page = loader.get_template("503.html").render(context)
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render(context))
