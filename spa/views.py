from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bookings.models import Service
from points import diagrams
from points.models import BodyRegion, Routine


@require_safe
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
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
