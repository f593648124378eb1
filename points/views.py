from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, QuerySet, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

import pagecache
from points import diagrams, raster, search
from points.forms import LibraryFilterForm, filter_choices
from points.models import (
    BodyRegion,
    Caution,
    Concern,
    Point,
    Routine,
    RoutineStep,
    TechniqueStep,
    attach_rows,
    with_rows,
)

PAGE_SIZE = 12


def _can_preview(request: HttpRequest) -> bool:
    # Editors see drafts (with a banner) so "view on site" works before publishing.
    return request.user.has_perm("points.change_point")


def _visible(request: HttpRequest, queryset: QuerySet, slug: str):
    """The published row; a draft only for editors.

    The published lookup comes first, so a public page never reads the session
    (and stays cacheable, with no Vary: Cookie)."""
    found = queryset.filter(published=True, slug=slug).first()
    if found is None and _can_preview(request):
        found = queryset.filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


@require_safe
@pagecache.public_page(pagecache.CONTENT)
def library(request: HttpRequest) -> HttpResponse:
    regions = list(BodyRegion.objects.all())
    concerns, tools = filter_choices()
    form = LibraryFilterForm(request.GET or None, regions=regions, concerns=concerns, tools=tools)
    all_points = Point.objects.published().for_listing()
    all_routines = Routine.objects.published().with_total().select_related("region")
    # Search words make a list of the matches, best first.
    points: QuerySet | list = all_points
    routines: QuerySet | list = all_routines
    if form.is_bound:
        form.is_valid()  # Errors show beside the fields; valid filters still apply.
        points = form.filter_points(all_points)
        routines = form.filter_routines(all_routines)
    page = _page(points, request.GET.get("page"))
    selected_region = form.cleaned_value("region")
    searched = form.cleaned_value("q")
    # Nothing found: point to the body map and the concerns nearest the words.
    suggestions: list[Concern] = []
    close = False
    if searched and not page.paginator.count:
        suggestions, close = search.suggestions(searched, concerns)
    return render(
        request,
        "points/library.html",
        {
            "form": form,
            "page": page,
            "routines": routines,
            "regions": regions,
            "selected_region": selected_region,
            "body_map": diagrams.body_map(regions, getattr(selected_region, "slug", None)),
            "querystring_without_page": form.querystring_without_page(),
            "searched": searched,
            "suggestions": suggestions,
            "suggestions_are_close": close,
            "narrowed": any(form.cleaned_value(name) for name in ("region", "concern", "tool")),
        },
    )


def _page(points, number) -> Page:
    """One page of the points. For a query, the total comes with the page's rows (a
    window count), not from a COUNT query of its own."""
    if isinstance(points, QuerySet) and not points.query.distinct:
        try:
            wanted = int(number or 1)
        except (TypeError, ValueError):
            wanted = 1
        if wanted >= 1:
            start = (wanted - 1) * PAGE_SIZE
            rows = list(
                points.annotate(listed_total=Window(Count("pk")))[start : start + PAGE_SIZE]
            )
            if rows or wanted == 1:
                paginator = Paginator(points, PAGE_SIZE)
                paginator.count = rows[0].listed_total if rows else 0
                return Page(rows, wanted, paginator)
    # A search's ranked list, or a page past the end (shows the last one).
    return Paginator(points, PAGE_SIZE).get_page(number)


# The point page's short lists of plain rows, read with the point itself rather than
# one query each: the fields each needs (see points.models.with_rows).
POINT_ROWS = {
    "locating_steps": ("id", "point_id", "position", "text"),
    "cautions": ("id", "point_id", "position", "kind", "text"),
    "images": (
        "id",
        "point_id",
        "position",
        "image",
        "width",
        "height",
        "web",
        "alt_text",
        "caption",
    ),
    "concerns": ("id", "name", "slug", "blurb", "synonyms"),
}


@require_safe
@pagecache.public_page(pagecache.CONTENT)
def point_detail(request: HttpRequest, slug: str) -> HttpResponse:
    point = _visible(
        request,
        with_rows(
            Point.objects.select_related("region").prefetch_related(
                Prefetch("technique_steps", TechniqueStep.objects.select_related("tool")),
                Prefetch("related", Point.objects.published().select_related("region")),
            ),
            POINT_ROWS,
        ),
        slug,
    )
    attach_rows(point, POINT_ROWS)
    return point_page(request, point)


def point_page(request: HttpRequest, point: Point, *, preview: bool = False) -> HttpResponse:
    """The public page for a point; ``preview`` renders unsaved changes for an
    editor (no share card: its cache is keyed by the saved point)."""
    routines = Routine.objects.published().filter(steps__point=point).distinct()
    return render(
        request,
        "points/detail.html",
        {
            "point": point,
            "diagram": diagrams.point_diagram(point),
            "detail_diagram": diagrams.point_detail(point),
            "routines": routines,
            "total_seconds": point.technique_seconds(),
            "preview": preview,
            "share_image_url": ""
            if preview
            else request.build_absolute_uri(raster.share_card_path(point)),
        },
    )


@require_safe
@pagecache.public_page(pagecache.CONTENT)
def routine_detail(request: HttpRequest, slug: str) -> HttpResponse:
    steps = RoutineStep.objects.select_related("point__region").prefetch_related("point__cautions")
    routine = _visible(
        request,
        Routine.objects.select_related("region").prefetch_related(
            Prefetch("steps", steps), "concerns"
        ),
        slug,
    )
    return render(request, "points/routine.html", routine_context(routine, routine.steps.all()))


def routine_context(routine: Routine, steps) -> dict:
    """What the routine page shows; aftercare reuses it with some steps left out."""
    steps = list(steps)
    for step in steps:
        # Each step shows where its point is (the close-up where there is one):
        # the plain list without JavaScript, the timer's picture with it.
        step.figure = diagrams.point_detail(step.point) or diagrams.point_diagram(step.point)
    kinds = [(s.point.code, s.point.caution_kinds()) for s in steps]
    return {
        "routine": routine,
        "steps": steps,
        "total_seconds": sum(s.duration_seconds for s in steps),
        # The areas the routine works: its own, then each point's, in order.
        "routine_regions": list(
            dict.fromkeys([r for r in [routine.region, *(s.point.region for s in steps)] if r])
        ),
        "pregnancy_points": [code for code, k in kinds if Caution.Kind.PREGNANCY in k],
        "pregnancy_care_points": [
            code
            for code, k in kinds
            if Caution.Kind.PREGNANCY_CARE in k and Caution.Kind.PREGNANCY not in k
        ],
        "veins_points": [code for code, k in kinds if Caution.Kind.VEINS in k],
    }


@require_safe
def point_image_latest(request: HttpRequest, slug: str) -> HttpResponse:
    """The address shared before cards had a content hash: sends on to the current card."""
    point = _visible(request, Point.objects.select_related("region"), slug)
    response = redirect(raster.share_card_path(point))
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
@pagecache.public_page(pagecache.CONTENT)
def point_image(request: HttpRequest, slug: str, digest: str) -> HttpResponse:
    """The point's diagram as a PNG share card, for link previews.

    Drawn once per content change (see raster.share_card); its address carries a
    hash of what it shows, so browsers and proxies may keep it for good."""
    point = _visible(request, Point.objects.select_related("region"), slug)
    if digest != raster.card_digest(point):
        return redirect(raster.share_card_path(point))
    response = HttpResponse(raster.share_card(point), content_type="image/png")
    if point.published:
        patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    else:
        # A draft seen by an editor must not land in a shared cache.
        patch_cache_control(response, private=True, no_store=True)
    return response
