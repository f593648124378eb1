from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest
from django.utils.html import format_html

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

# Step texts run to a sentence or two: give them room to be read while editing.
ROOMY_TEXT = {models.CharField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})}}


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """A tabular inline names its inputs only by the column heading, which is no label:
    each input gets its own ("Text, row 2"), so screen readers can say what it is."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            field.widget.attrs.setdefault("aria-label", f"{field.label or name}, {row}")


class LocatingStepInline(admin.TabularInline):
    model = LocatingStep
    formset = LabelledInlineFormSet
    extra = 1
    fields = ["position", "text"]
    formfield_overrides = ROOMY_TEXT


class TechniqueStepInline(admin.StackedInline):
    model = TechniqueStep
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
    fields = ["image", "alt_text", "caption", "position", "preview"]
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
        js = ["js/admin-filter-icons.js"]

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
                "description": "y runs from 0 at the crown to 1 at the soles; x from 0 to 1 with "
                "0.5 on the midline. A paired point stores its left-hand x (below 0.5). "
                "Save to refresh the preview.",
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

    @admin.display(description="Preview")
    def diagram_preview(self, obj: Point) -> str:
        if not obj.pk:
            return "The diagram appears here once the point is saved."
        detail = diagrams.point_detail(obj) or ""
        return format_html(
            '<div class="admin-diagram">{}</div><div class="admin-diagram">{}</div>',
            diagrams.point_diagram(obj),
            detail,
        )


class RoutineStepInline(admin.TabularInline):
    model = RoutineStep
    formset = LabelledInlineFormSet
    extra = 1
    fields = ["position", "point", "duration_seconds", "note"]
    autocomplete_fields = ["point"]


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
    def step_count(self, obj: Routine) -> int:
        return obj.step_total

    @admin.display(description="Total time", ordering="total_seconds")
    def total_time(self, obj: Routine) -> str:
        return duration(obj.total_seconds)


@admin.register(BodyRegion)
class BodyRegionAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "view", "point_count"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(n_points=Count("points"))

    @admin.display(description="Points", ordering="n_points")
    def point_count(self, obj: BodyRegion) -> int:
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
