from __future__ import annotations

import re
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.db.models import F, Q, QuerySet, Value
from django.http import QueryDict
from django.utils.html import format_html

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
        for name, rows in (("region", regions), ("concern", concerns), ("tool", tools)):
            cast(ListedChoiceField, self.fields[name]).offer(rows)

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


class KeptFileInput(forms.HiddenInput):
    """The signed reference to a kept upload, hidden, with a visible note
    saying which file is kept."""

    is_hidden = False  # the admin shows the row, so the note is seen

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        kept = images.pending_display_name(value or "")
        if not kept:
            return field
        return format_html(
            '{}<p class="kept-file" role="status">Kept from your last try: <strong>{}</strong>. '
            "It is saved with the page unless you choose another file.</p>",
            field,
            kept,
        )


class CheckedImageForm(forms.ModelForm):
    """A model form with one uploaded image, checked by Pillow, re-encoded and
    renamed (see points.images), and kept across a failed save.

    When any field of the page has an error, browsers drop the chosen file.
    So a file that passed its checks is put aside in storage under
    ``pending/`` and the form carries a signed reference to it in a hidden
    field; the next submit uses it unless another file is chosen. It is
    checked again when used, like every upload.

    Subclasses set ``image_field`` (the model's ImageField), ``web_field``
    (optional: where a WebP rendition goes), list both ``image_field`` and
    ``"pending_image"`` in ``Meta.fields`` order as they like, and
    ``image_required``.
    """

    image_field = "image"
    web_field: str | None = "web"
    image_required = True
    pending_image = forms.CharField(widget=KeptFileInput, required=False, label="Kept file")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ImageField's generic "not an image" is replaced by the clearer checks
        # in points.images; "required" is decided in clean, where a kept file counts.
        field = forms.FileField(
            required=False,
            label=self.fields[self.image_field].label,
            help_text="JPEG, PNG or WebP, up to 5 MB. SVG is not accepted. "
            "Location and camera data are removed.",
        )
        self.fields[self.image_field] = field
        self._pending_name: str | None = None
        # The "kept file" row shows only when there is one.
        token = self.data.get(self.add_prefix("pending_image"), "") if self.is_bound else ""
        self.fields["pending_image"].widget.is_hidden = not images.pending_display_name(token)

    def _keep(self, upload) -> None:
        name = images.keep_pending(upload)
        self._pending_name = name
        data = cast(QueryDict, self.data).copy()
        data[self.add_prefix("pending_image")] = images.sign_pending(name)
        self.data = data
        self.fields["pending_image"].widget.is_hidden = False

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        field = self.image_field
        upload = self.files.get(self.add_prefix(field))
        if field in self.errors:
            return cleaned
        if upload:
            self._keep(upload)
            return cleaned
        kept = images.open_pending(self.cleaned_data.get("pending_image") or "")
        if kept is not None:
            try:
                images.validate_image(kept)
            except forms.ValidationError as error:
                self.add_error(field, error)
                return cleaned
            cleaned[field] = kept
            self._pending_name = kept.stored_name
        elif not cleaned.get(field) and not self.initial.get(field) and self.image_required:
            self.add_error(field, "Choose an image file (JPEG, PNG or WebP).")
        return cleaned

    def clean_image_upload(self, upload):
        if upload is self.initial.get(self.image_field) or not upload:
            return upload  # unchanged on an edit, or nothing chosen
        images.validate_image(upload)
        return upload

    def has_changed(self) -> bool:
        # A kept file alone makes an extra inline form count as filled in.
        return super().has_changed() or bool(self.data.get(self.add_prefix("pending_image")))

    def save(self, commit: bool = True):
        instance = super().save(commit=False)
        field = self.image_field
        upload = self.cleaned_data.get(field)
        if upload and upload is not self.initial.get(field):
            original, web = images.reencode(upload)
            getattr(instance, field).save(original.name, original, save=False)
            if self.web_field:
                getattr(instance, self.web_field).save(web.name, web, save=False)
        if self._pending_name:
            images.drop_pending(self._pending_name)
        if commit:
            instance.save()
            self._save_m2m()  # type: ignore[attr-defined]  # ModelForm.save's own step
        return instance


class PointImageForm(CheckedImageForm):
    """An illustration for a point."""

    class Meta:
        model = PointImage
        fields = ["image", "pending_image", "alt_text", "caption", "position"]

    def clean_image(self):
        return self.clean_image_upload(self.cleaned_data["image"])
