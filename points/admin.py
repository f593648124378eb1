from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import path
from django.utils.html import format_html, format_html_join

import pagecache
from points import diagrams
from points.forms import PointImageForm
from points.models import (
    BodyRegion,
    Caution,
    Concern,
    LocatingStep,
    Point,
    PointImage,
    Routine,
    RoutineStep,
    TechniqueStep,
    Tool,
)
from points.templatetags.point_tags import duration

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# Step texts run to a sentence or two: give them room to be read while editing.
ROOMY_TEXT: dict[type[models.Field], dict[str, Any]] = {
    models.CharField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})}
}


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """A tabular inline names its inputs only by the column heading, which is no label:
    each input gets its own ("Text, row 2"), so screen readers can say what it is."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            field.widget.attrs.setdefault("aria-label", f"{field.label or name}, {row}")


class OrderedStepForm(forms.ModelForm):
    """A step whose position may be swapped with another's in the same save.

    The database check of "one step per position" is left to the formset,
    which compares the submitted rows with each other (all of a point's steps
    are on the page); save_formset then writes the swap without collisions."""

    def validate_constraints(self):
        # Both helpers are ModelForm's own (private), which the stubs leave out.
        exclude = self._get_validation_exclusions() | {"position"}  # type: ignore[attr-defined]
        try:
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]


class LocatingStepInline(admin.TabularInline):
    model = LocatingStep
    formset = LabelledInlineFormSet
    form = OrderedStepForm
    extra = 1
    fields = ["position", "text"]
    formfield_overrides = ROOMY_TEXT


class TechniqueStepInline(admin.StackedInline):
    model = TechniqueStep
    form = OrderedStepForm
    extra = 1
    formfield_overrides = ROOMY_TEXT
    fields = [
        "position",
        "instruction",
        ("pressure", "motion", "duration_seconds"),
        ("tool", "side"),
    ]


class CautionInline(admin.TabularInline):
    model = Caution
    formset = LabelledInlineFormSet
    extra = 1
    formfield_overrides = ROOMY_TEXT
    fields = ["position", "kind", "text"]


class PointImageInline(admin.StackedInline):
    model = PointImage
    form = PointImageForm
    extra = 0
    fields = ["image", "pending_image", "alt_text", "caption", "position", "preview"]
    readonly_fields = ["preview"]

    @admin.display(description="Web version")
    def preview(self, obj: PointImage) -> str:
        if not obj.pk:
            return "Shown after saving."
        return format_html(
            '<img src="{}" alt="{}" class="admin-thumb" width="160">', obj.display_url, obj.alt_text
        )


@admin.action(description="Publish selected %(verbose_name_plural)s")
def publish(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = queryset.filter(published=False).update(published=True)
    pagecache.bump(pagecache.CONTENT)  # update() sends no signal
    modeladmin.message_user(request, f"{changed} published.", messages.SUCCESS)


@admin.action(description="Unpublish selected %(verbose_name_plural)s (hide from clients)")
def unpublish(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    changed = queryset.filter(published=True).update(published=False)
    pagecache.bump(pagecache.CONTENT)  # update() sends no signal
    modeladmin.message_user(request, f"{changed} unpublished.", messages.SUCCESS)


@admin.register(Point)
class PointAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "english_name",
        "pinyin_name",
        "region",
        "self_care",
        "published",
        "updated",
    ]
    list_display_links = ["code", "english_name"]
    list_filter = ["published", "region", "concerns", "self_care", "view", "cautions__kind"]
    search_fields = ["code", "pinyin_name", "english_name", "aliases", "concerns__name"]
    prepopulated_fields = {"slug": ["code"]}
    filter_horizontal = ["concerns", "related"]
    readonly_fields = ["diagram_preview", "created", "updated"]
    actions = [publish, unpublish]
    inlines = [LocatingStepInline, TechniqueStepInline, CautionInline, PointImageInline]
    list_select_related = ["region"]

    class Media:
        css = {"all": ["css/diagrams.css", "css/admin.css"]}
        js = ["js/admin-filter-icons.js", "js/point-editor.js"]

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "slug",
                    ("pinyin_name", "english_name"),
                    "aliases",
                    "meridian",
                    "published",
                ]
            },
        ),
        (
            "What it is for",
            {"fields": ["region", "concerns", "summary", "uses", "self_care", "related"]},
        ),
        (
            "Position on the diagram",
            {
                "description": "Click the drawing to place the point, on the whole figure or "
                "on the close-up; the numbers below change with it and stay the stored value "
                "(type them to place the point from the keyboard). y runs from 0 at the crown "
                "to 1 at the soles; x from 0 to 1 with 0.5 on the midline. A paired point "
                "stores its left-hand x (below 0.5).",
                "fields": [
                    ("view", "paired"),
                    ("map_x", "map_y"),
                    ("detail", "detail_x", "detail_y"),
                    "diagram_preview",
                ],
            },
        ),
        ("Record", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

    @admin.display(description="Drawing")
    def diagram_preview(self, obj: Point) -> str:
        return placer(obj)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("add/preview/", preview, name="points_point_preview_add"),
            path("<path:object_id>/change/preview/", preview, name="points_point_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        """The public page as it would look with the form's unsaved values.

        Everything is saved inside a transaction that is always rolled back, so
        the real page renders from the real template and nothing is kept.
        Images are left out (their files would be written)."""
        if request.method != "POST":  # admin_view already adds never_cache
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id) if object_id else None
        if not (self.has_change_permission(request, obj) or self.has_add_permission(request)):
            raise PermissionDenied
        from points.views import point_page

        form = self.get_form(request, obj, change=obj is not None)(
            request.POST, request.FILES, instance=obj
        )
        # Django's error lists render as escaped HTML themselves.
        errors: list = [] if form.is_valid() else [form.errors]
        with transaction.atomic():
            response = None
            if not errors:
                point = form.save()
                for formset_class, inline in self.get_formsets_with_inlines(request, point):
                    if inline.model is PointImage:
                        continue
                    formset = formset_class(
                        request.POST,
                        instance=point,
                        prefix=formset_class.get_default_prefix(),
                        queryset=inline.get_queryset(request),
                    )
                    if not formset.is_valid():
                        errors += [e for e in formset.errors if e]
                        errors += [formset.non_form_errors()] if formset.non_form_errors() else []
                        break
                    self.save_formset(request, form, formset, change=True)
                if not errors:
                    response = point_page(request, Point.objects.get(pk=point.pk), preview=True)
            transaction.set_rollback(True)
        if response is None:
            response = render(
                request,
                "admin/points/point/preview_errors.html",
                {"errors": errors, "title": "Preview"},
            )
        response["X-Robots-Tag"] = "noindex"
        return response

    def save_formset(self, request, form, formset, change):
        # Steps reordered in the editor swap positions, and each position is
        # unique per point: move the changed rows out of the way first, all in
        # the admin's transaction, so the saves never collide.
        if formset.model in (LocatingStep, TechniqueStep, Caution):
            moved = [
                f.instance.pk
                for f in formset.forms
                if f.instance.pk and "position" in f.changed_data and f not in formset.deleted_forms
            ]
            if moved:
                formset.model.objects.filter(pk__in=moved).update(position=F("position") + 10000)
        super().save_formset(request, form, formset, change)


def _value(obj: Point, name: str, default: float) -> float:
    value = getattr(obj, name, None)
    return default if value is None else float(value)


def placer(obj: Point) -> str:
    """Every drawing the point can be placed on, the current ones shown; the
    editor script (static/js/point-editor.js) turns clicks into positions."""
    view = obj.view or "back"
    x, y = _value(obj, "map_x", 0.5), _value(obj, "map_y", 0.5)
    marker = [diagrams.Marker(x, y, obj.code or "point", bool(obj.paired))] if obj.map_x else []
    figures = format_html_join(
        "",
        '<div class="placer-figure" data-frame="map" data-view="{}"{}>{}</div>',
        (
            (
                side,
                "" if side == view else " hidden",
                diagrams.figure_svg(
                    side,
                    marker,
                    title=f"Click to place the point on the {side} of the body",
                    desc="The whole figure; a click sets the map position.",
                    id_prefix=f"placer-{side}",
                ),
            )
            for side in diagrams.VIEWS
        ),
    )
    close_ups = []
    dx, dy = _value(obj, "detail_x", -1), _value(obj, "detail_y", -1)
    for kind in diagrams.DETAIL_KINDS:
        for front in (False, True) if kind in ("hand", "head") else (None,):
            window = diagrams.WINDOWS.get(kind)
            shown = obj.detail == kind and (front is None or front == (view == "front"))
            svg = diagrams.detail_svg(
                kind,
                dx if shown else -1,
                dy if shown else -1,
                title=f"Click to place the point on the close-up ({kind})",
                desc="The close-up; a click sets the close-up position.",
                front=bool(front),
                paired=bool(obj.paired) and (kind == "head" or window is not None),
                id_prefix=f"placer-{kind}{'-front' if front else ''}",
            )
            close_ups.append(
                format_html(
                    '<div class="placer-figure" data-frame="detail" data-kind="{}"{}{}{}>{}</div>',
                    kind,
                    format_html(' data-front="{}"', "1" if front else "0")
                    if front is not None
                    else "",
                    format_html(' data-window="{} {} {}"', window.left, window.top, window.size)
                    if window
                    else "",
                    "" if shown else " hidden",
                    svg,
                )
            )
    return format_html(
        '<div class="point-placer">{}{}'
        '<p class="placer-actions"><button type="submit" class="button" formaction="preview/" '
        'formtarget="_blank" formmethod="post" formnovalidate>Preview the public page</button> '
        '<span class="help">Opens in a new tab with what is on this form, saved or not.</span>'
        "</p></div>",
        figures,
        format_html_join("", "{}", ((close_up,) for close_up in close_ups)),
    )


class RoutineStepInline(admin.TabularInline):
    model = RoutineStep
    formset = LabelledInlineFormSet
    extra = 1
    fields = ["position", "point", "duration_seconds", "note"]
    autocomplete_fields = ["point"]


class RoutineTotals(TypedDict):
    # What RoutineAdmin.get_queryset annotates (a routine without steps sums to None).
    step_total: int
    total_seconds: int | None


@admin.register(Routine)
class RoutineAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "step_count", "total_time", "published", "updated"]
    list_filter = ["published", "region", "concerns"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["concerns"]
    actions = [publish, unpublish]
    inlines = [RoutineStepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("region")
            .annotate(step_total=Count("steps"), total_seconds=Sum("steps__duration_seconds"))
        )

    @admin.display(description="Points", ordering="step_total")
    def step_count(self, obj: "WithAnnotations[Routine, RoutineTotals]") -> int:
        return obj.step_total

    @admin.display(description="Total time", ordering="total_seconds")
    def total_time(self, obj: "WithAnnotations[Routine, RoutineTotals]") -> str:
        return duration(obj.total_seconds)


class RegionCounts(TypedDict):
    n_points: int  # annotated by BodyRegionAdmin.get_queryset


@admin.register(BodyRegion)
class BodyRegionAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "view", "point_count"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(n_points=Count("points"))

    @admin.display(description="Points", ordering="n_points")
    def point_count(self, obj: "WithAnnotations[BodyRegion, RegionCounts]") -> int:
        return obj.n_points


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ["name", "blurb", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "synonyms"]


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    list_display = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
