from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet

from points import images, search
from points.models import BodyRegion, Concern, PointImage, Tool

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


class LibraryFilterForm(forms.Form):
    """The library's search box and filters, read from the query string."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=80,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. headaches, BL23, sweet spot"}
        ),
    )
    region = SlugChoiceField(
        label="Where it hurts",
        queryset=BodyRegion.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Anywhere",
    )
    concern = SlugChoiceField(
        label="Concern",
        queryset=Concern.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any concern",
    )
    tool = SlugChoiceField(
        label="Tool",
        queryset=Tool.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Any tool",
    )

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
            points = points.filter(technique_steps__tool=tool).distinct()
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
