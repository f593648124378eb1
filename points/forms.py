from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.db.models import F, Q, QuerySet, Value

from points import images, search
from points.models import Concern, PointImage, TechniqueStep, Tool

SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug that refuses anything not shaped like a slug before querying.

    PostgreSQL rejects NUL bytes in text with an error, so a crafted value
    must never reach the database.
    """

    def to_python(self, value):
        if value not in self.empty_values and not is_slug(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


def is_slug(value) -> bool:
    return isinstance(value, str) and len(value) <= 100 and bool(SLUG_RE.fullmatch(value))


class ListedChoiceField(forms.ChoiceField):
    """A choice by slug among rows the view has already read (LibraryFilterForm).

    Checking a value against that list needs no query, and a value that is not one
    of its slugs (a NUL byte included) never reaches the database. Cleans to the row."""

    # The same words as a model choice, without repeating what was typed.
    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
    }

    def __init__(self, *, empty_label: str, **kwargs):
        super().__init__(required=False, **kwargs)
        self.empty_label = empty_label
        self.rows: dict[str, object] = {}

    def offer(self, rows) -> None:
        self.rows = {row.slug: row for row in rows}
        self.choices = [("", self.empty_label), *((row.slug, row.name) for row in rows)]

    def clean(self, value):
        value = super().clean(value)
        return self.rows.get(value) if value else None


def filter_choices() -> tuple[list[Concern], list[Tool]]:
    """Every concern and tool for the library's filters, in one query (a UNION)."""
    columns = ("pk", "slug", "name", "kind", "words")
    rows = (
        Concern.objects.annotate(kind=Value("concern"), words=F("synonyms"))
        .values_list(*columns)
        .order_by()
        .union(
            Tool.objects.annotate(kind=Value("tool"), words=Value(""))
            .values_list(*columns)
            .order_by(),
            all=True,
        )
    )
    concerns, tools = [], []
    for pk, slug, name, kind, words in sorted(rows, key=lambda row: row[2].casefold()):
        if kind == "concern":
            concerns.append(Concern(pk=pk, slug=slug, name=name, synonyms=words))
        else:
            tools.append(Tool(pk=pk, slug=slug, name=name))
    return concerns, tools


class LibraryFilterForm(forms.Form):
    """The library's search box and filters, read from the query string.

    The view passes the regions, concerns and tools it has read (see filter_choices),
    so drawing and checking the filters costs no query of its own."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=80,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. headaches, BL23, sweet spot"}
        ),
    )
    region = ListedChoiceField(label="Where it hurts", empty_label="Anywhere")
    concern = ListedChoiceField(label="Concern", empty_label="Any concern")
    tool = ListedChoiceField(label="Tool", empty_label="Any tool")

    def __init__(self, data=None, *, regions, concerns, tools, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["region"].offer(regions)
        self.fields["concern"].offer(concerns)
        self.fields["tool"].offer(tools)

    def clean_q(self) -> str:
        # Collapse runs of whitespace; drop characters no name or code contains.
        text = " ".join(self.cleaned_data["q"].split())
        return "".join(ch for ch in text if ch.isprintable())

    def cleaned_value(self, name: str):
        """A field's cleaned value, or None when it is missing or invalid."""
        if not self.is_bound or name in self.errors:
            return None
        return getattr(self, "cleaned_data", {}).get(name) or None

    def filter_points(self, points: QuerySet) -> QuerySet | list:
        """The filtered points; with search words, a list of the matches, best first."""
        if region := self.cleaned_value("region"):
            points = points.filter(region=region)
        if concern := self.cleaned_value("concern"):
            points = points.filter(concerns=concern)
        if tool := self.cleaned_value("tool"):
            # A subquery, not a join: no point listed twice, so no DISTINCT (the
            # library counts its rows with a window over this query).
            points = points.filter(pk__in=TechniqueStep.objects.filter(tool=tool).values("point"))
        if text := self.cleaned_value("q"):
            return search.search_points(points, text)
        return points

    def filter_routines(self, routines: QuerySet) -> QuerySet | list:
        if region := self.cleaned_value("region"):
            routines = routines.filter(Q(region=region) | Q(steps__point__region=region))
        if concern := self.cleaned_value("concern"):
            routines = routines.filter(concerns=concern)
        if tool := self.cleaned_value("tool"):
            routines = routines.filter(steps__point__technique_steps__tool=tool)
        routines = routines.distinct()
        if text := self.cleaned_value("q"):
            return search.search_routines(routines, text)
        return routines

    def querystring_without_page(self) -> str:
        """The current filters, for pagination links (valid values only)."""
        pairs = []
        for name in ("q", "region", "concern", "tool"):
            value = self.cleaned_value(name)
            if value:
                pairs.append((name, getattr(value, "slug", value)))
        return urlencode(pairs)

    @property
    def is_filtered(self) -> bool:
        return bool(self.querystring_without_page())


class PointImageForm(forms.ModelForm):
    """An illustration for a point: checked by Pillow, re-encoded, renamed."""

    # A plain file field: the checks in points.images give clearer messages
    # than ImageField's generic "not an image".
    image = forms.FileField(
        help_text="JPEG, PNG or WebP, up to 5 MB. SVG is not accepted. "
        "Location and camera data are removed."
    )

    class Meta:
        model = PointImage
        fields = ["image", "alt_text", "caption", "position"]

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload is self.initial.get("image"):
            return upload  # unchanged on an edit
        images.validate_image(upload)
        return upload

    def save(self, commit: bool = True) -> PointImage:
        instance = super().save(commit=False)
        if "image" in self.changed_data:
            upload = self.cleaned_data["image"]
            original, web = images.reencode(upload)
            instance.image.save(original.name, original, save=False)
            instance.web.save(web.name, web, save=False)
        if commit:
            instance.save()
        return instance
