"""The pressure-point library: points, how to find and work them, routines.

Map positions follow the reference's frame: y runs from 0 at the crown to 1
at the soles, x from 0 to 1 with 0.5 on the midline, and the frame is half as
wide as it is tall. Paired points store the smaller x (the client's left in
the back view, their right in the front view); the other side mirrors it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, StringAgg, Subquery, Sum, TextField, Value
from django.db.models.functions import Cast, JSONObject
from django.urls import reverse

UNIT = [MinValueValidator(0), MaxValueValidator(1)]


def split_names(text: str) -> list[str]:
    """A comma-separated list as staff type it, without blanks or repeats."""
    return list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))


class BodyRegion(models.Model):
    """Where it hurts: a region clients pick on the body map or from a list."""

    class View(models.TextChoices):
        BACK = "back", "Back of the body"
        FRONT = "front", "Front of the body"

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    blurb = models.CharField(
        max_length=200, blank=True, help_text="One line shown on the region card."
    )
    view = models.CharField(max_length=5, choices=View, default=View.BACK)
    # The clickable area on the body map: an ellipse in the same frame as points.
    map_x = models.DecimalField(max_digits=4, decimal_places=3, validators=UNIT)
    map_y = models.DecimalField(max_digits=4, decimal_places=3, validators=UNIT)
    map_rx = models.DecimalField(max_digits=4, decimal_places=3, validators=UNIT)
    map_ry = models.DecimalField(max_digits=4, decimal_places=3, validators=UNIT)
    map_paired = models.BooleanField(
        default=False, help_text="Draw the area on both sides (hands, legs, feet)."
    )

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(map_x__gte=0, map_x__lte=1, map_y__gte=0, map_y__lte=1),
                name="region_map_inside_frame",
                violation_error_message="The area's centre must lie inside the outline (0 to 1).",
            ),
            models.CheckConstraint(
                condition=Q(map_rx__gt=0, map_ry__gt=0),
                name="region_map_has_size",
                violation_error_message="The area needs a width and a height above 0.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("points:library") + f"?region={self.slug}"


class Concern(models.Model):
    """A complaint a client searches for: low back pain, headache, poor sleep."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    blurb = models.CharField(max_length=200, blank=True)
    synonyms = models.CharField(
        max_length=400,
        blank=True,
        help_text="Other words people search with, separated by commas, e.g. insomnia, "
        "can't sleep. Used by the library's search; not shown on the site.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def synonym_list(self) -> list[str]:
        return split_names(self.synonyms)


class Tool(models.Model):
    """What does the pressing: thumb, knuckle, massage ball, foam roller."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PointQuerySet(models.QuerySet):
    def published(self) -> PointQuerySet:
        return self.filter(published=True)

    def for_listing(self) -> PointQuerySet:
        """What a card shows (the area and the caution kinds), in one query however many."""
        kinds = (
            Caution.objects.filter(point=OuterRef("pk"))
            .order_by()
            .values("point")
            .annotate(kinds=StringAgg("kind", Value(",")))
            .values("kinds")
        )
        return self.select_related("region").annotate(listed_caution_kinds=Subquery(kinds))


class Point(models.Model):
    class SelfCare(models.TextChoices):
        SELF = "self", "Easy to do on yourself"
        TOOL = "tool", "On yourself with a ball or roller"
        PARTNER = "partner", "Best done by a partner or therapist"
        PRACTITIONER = "practitioner", "Only for a trained practitioner"

    class View(models.TextChoices):
        BACK = "back", "Back"
        FRONT = "front", "Front"

    class Detail(models.TextChoices):
        NONE = "", "No close-up"
        HAND = "hand", "Hand"
        FOOT = "foot", "Foot"
        HEAD = "head", "Head"
        SHOULDERS = "shoulders", "Neck and shoulders (from behind)"
        LOW_BACK = "low-back", "Lower back and hips (from behind)"
        KNEES = "knees", "Backs of the knees"

    code = models.CharField(
        max_length=12, unique=True, help_text="Standard code, e.g. BL23 or EX-HN3."
    )
    slug = models.SlugField(max_length=80, unique=True)
    pinyin_name = models.CharField(max_length=60)
    english_name = models.CharField(max_length=80)
    aliases = models.CharField(
        max_length=300,
        blank=True,
        help_text="Lay names people use for this point, separated by commas, e.g. AP1, "
        "top of the shoulders. Shown as 'Also called' and found by the library's search.",
    )
    meridian = models.CharField(max_length=40, blank=True)
    region = models.ForeignKey(BodyRegion, on_delete=models.PROTECT, related_name="points")
    concerns = models.ManyToManyField(Concern, related_name="points", blank=True)
    summary = models.CharField(max_length=240, help_text="One or two sentences for lists.")
    uses = models.TextField(help_text="What people press it for, in plain words.")
    self_care = models.CharField(max_length=12, choices=SelfCare, default=SelfCare.SELF)
    related = models.ManyToManyField("self", blank=True)

    view = models.CharField(max_length=5, choices=View, default=View.BACK)
    paired = models.BooleanField(
        default=False, help_text="Found on both sides of the body (store the left-hand x)."
    )
    map_x = models.DecimalField(max_digits=4, decimal_places=3, validators=UNIT)
    map_y = models.DecimalField(max_digits=4, decimal_places=3, validators=UNIT)
    detail = models.CharField(max_length=10, choices=Detail, default=Detail.NONE, blank=True)
    detail_x = models.DecimalField(
        max_digits=4, decimal_places=3, validators=UNIT, null=True, blank=True
    )
    detail_y = models.DecimalField(
        max_digits=4, decimal_places=3, validators=UNIT, null=True, blank=True
    )

    published = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PointQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(map_x__gte=0, map_x__lte=1, map_y__gte=0, map_y__lte=1),
                name="point_map_inside_frame",
                violation_error_message="The map position must lie inside the outline (0 to 1).",
            ),
            models.CheckConstraint(
                condition=Q(paired=False) | Q(map_x__lt=Decimal("0.5")),
                name="paired_point_stores_left_side",
                violation_error_message="A paired point stores the left-hand side (x below 0.5).",
            ),
            models.CheckConstraint(
                condition=(
                    Q(detail="", detail_x__isnull=True, detail_y__isnull=True)
                    | (
                        ~Q(detail="")
                        & Q(detail_x__gte=0, detail_x__lte=1, detail_y__gte=0, detail_y__lte=1)
                    )
                ),
                name="point_detail_position_matches_view",
                violation_error_message=(
                    "A close-up needs a position inside it (0 to 1); no close-up, no position."
                ),
            ),
        ]
        # The library filters published points by region; code and slug are
        # already indexed by their unique constraints.
        indexes = [models.Index(fields=["published", "region"], name="point_published_region")]

    def __str__(self) -> str:
        return f"{self.code} {self.english_name}"

    def get_absolute_url(self) -> str:
        return reverse("points:detail", args=[self.slug])

    @property
    def alias_list(self) -> list[str]:
        return split_names(self.aliases)

    @property
    def names(self) -> str:
        return f"{self.code} · {self.pinyin_name} · {self.english_name}"

    def technique_seconds(self) -> int:
        """The whole technique, counting "one side, then the other" steps twice."""
        return sum(
            step.duration_seconds * (2 if step.side == TechniqueStep.Side.EACH else 1)
            for step in self.technique_steps.all()
        )

    @property
    def practitioner_only(self) -> bool:
        return self.self_care == self.SelfCare.PRACTITIONER

    def caution_kinds(self) -> set[str]:
        listed: str | None | bool = getattr(self, "listed_caution_kinds", False)
        if listed is not False:
            return set(str(listed).split(",")) if listed else set()  # read by for_listing()
        return {c.kind for c in self.cautions.all()}

    @property
    def avoid_in_pregnancy(self) -> bool:
        return Caution.Kind.PREGNANCY in self.caution_kinds()

    @property
    def share_summary(self) -> str:
        """The summary for links shared outside the site (meta, cards, structured data):
        it always carries the pregnancy warning where the point has one."""
        if self.avoid_in_pregnancy and "pregnan" not in self.summary.lower():
            return f"{self.summary} Not for use in pregnancy."
        return self.summary


class LocatingStep(models.Model):
    """One step of finding the point, in order."""

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="locating_steps")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["point", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "position"],
                name="one_locating_step_per_position",
                violation_error_message="Two steps of one point cannot share a position.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class TechniqueStep(models.Model):
    """One numbered step of working the point: what to do, how hard, how long."""

    class Pressure(models.TextChoices):
        LIGHT = "light", "Light"
        MODERATE = "moderate", "Moderate"
        FIRM = "firm", "Firm"

    class Motion(models.TextChoices):
        HOLD = "hold", "Steady hold"
        CIRCLE = "circle", "Small circles"
        BACK_AND_FORTH = "back-and-forth", "Back and forth"
        KNEAD = "knead", "Kneading"
        GLIDE = "glide", "Gliding strokes"
        STROKE = "stroke", "Light stroking"
        FRICTION = "friction", "Friction"
        COMPRESSION = "compression", "Press and release"
        TAP = "tap", "Light tapping"
        SQUEEZE = "squeeze", "Squeeze"

    class Side(models.TextChoices):
        MIDLINE = "midline", "On the midline"
        BOTH = "both", "Both sides at once"
        EACH = "each", "One side, then the other"
        LEFT = "left", "Left side"
        RIGHT = "right", "Right side"

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="technique_steps")
    position = models.PositiveSmallIntegerField()
    instruction = models.CharField(max_length=400)
    pressure = models.CharField(max_length=8, choices=Pressure, default=Pressure.LIGHT)
    motion = models.CharField(max_length=16, choices=Motion, default=Motion.HOLD)
    duration_seconds = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1800)],
        help_text="How long this step lasts (per side, for one side then the other).",
    )
    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, null=True, blank=True)
    side = models.CharField(max_length=8, choices=Side, default=Side.MIDLINE)

    class Meta:
        ordering = ["point", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "position"],
                name="one_technique_step_per_position",
                violation_error_message="Two steps of one point cannot share a position.",
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__gt=0, duration_seconds__lte=1800),
                name="technique_step_duration_positive",
                violation_error_message="A step lasts between 1 second and 30 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.instruction}"


class Caution(models.Model):
    """A caution in plain words, tagged with a kind that screening can act on."""

    class Kind(models.TextChoices):
        # A traditional ban: screening rules these points out in pregnancy.
        PREGNANCY = "pregnancy", "Avoid in pregnancy"
        # Traditions disagree: gentle only, ask a therapist or midwife first.
        PREGNANCY_CARE = "pregnancy-care", "Take care in pregnancy"
        VEINS = "veins", "Varicose veins or clots"
        NERVE_ARTERY = "nerve-artery", "Nerve or artery beneath"
        BONE = "bone", "Spine or fragile bones"
        SKIN = "skin", "Broken or irritated skin"
        IMPLANT = "implant", "Joint replacement or implant"
        OTHER = "other", "General care"

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="cautions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.OTHER)
    text = models.CharField(max_length=400)

    class Meta:
        ordering = ["point", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


def image_upload_to(instance: models.Model, filename: str) -> str:
    # Never trust the uploaded name: a random one, with the verified format's suffix.
    suffix = PurePath(filename).suffix.lower()
    return f"points/{uuid.uuid4().hex}{suffix}"


class PointImage(models.Model):
    """An illustration or photo staff add beside the drawn diagram."""

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    image = models.ImageField(upload_to=image_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    web = models.ImageField(upload_to=image_upload_to, editable=False, blank=True)
    alt_text = models.CharField(
        max_length=200, help_text="Describe what the picture shows for people who cannot see it."
    )
    caption = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["point", "position", "id"]

    def __str__(self) -> str:
        return self.alt_text

    @property
    def display_url(self) -> str:
        return (self.web or self.image).url


class RoutineQuerySet(models.QuerySet):
    def published(self) -> RoutineQuerySet:
        return self.filter(published=True)

    def with_total(self) -> RoutineQuerySet:
        # A subquery, not Sum over a join: filters that join steps would
        # otherwise multiply the total.
        totals = (
            RoutineStep.objects.filter(routine=OuterRef("pk"))
            .order_by()
            .values("routine")
            .annotate(total=Sum("duration_seconds"))
            .values("total")
        )
        return self.annotate(total_seconds=Subquery(totals))


class Routine(models.Model):
    """Points strung together in order, each with its own time."""

    title = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=240)
    introduction = models.TextField(blank=True)
    region = models.ForeignKey(
        BodyRegion, on_delete=models.PROTECT, null=True, blank=True, related_name="routines"
    )
    concerns = models.ManyToManyField(Concern, related_name="routines", blank=True)
    published = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RoutineQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("points:routine", args=[self.slug])


class RoutineStep(models.Model):
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="routine_steps")
    duration_seconds = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1800)],
        help_text="Time on this point, both sides included.",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["routine", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["routine", "position"],
                name="one_routine_step_per_position",
                violation_error_message="Two steps of one routine cannot share a position.",
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__gt=0, duration_seconds__lte=1800),
                name="routine_step_duration_positive",
                violation_error_message="A step lasts between 1 second and 30 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.point.code}"


# --- Short lists read with their parent row -----------------------------------------


def _rows_json(model, relation: str, fields: tuple[str, ...]) -> Subquery:
    """The `relation` rows of each `model` row as comma-joined JSON objects: a subquery,
    so they come in the parent's own row (in no set order: attach_rows sorts them)."""
    field = model._meta.get_field(relation)
    related = field.related_model
    # The column that ties a row to its parent: the foreign key, or the join table's.
    owner = field.related_query_name() if field.many_to_many else field.field.name
    rows = related.objects.filter(**{owner: OuterRef("pk")}).order_by().values(owner)
    as_text = Cast(JSONObject(**{name: name for name in fields}), TextField())
    return Subquery(rows.annotate(rows=StringAgg(as_text, Value(","))).values("rows"))


def with_rows(queryset: models.QuerySet, spec: Mapping[str, tuple[str, ...]]) -> models.QuerySet:
    """`queryset` with each row's short related lists (`spec`: relation name → the plain
    fields to read) in the same query, instead of one prefetch query each. Call
    attach_rows() on each object read. For a handful of text and number fields only."""
    return queryset.annotate(
        **{
            f"{name}_json": _rows_json(queryset.model, name, fields)
            for name, fields in spec.items()
        }
    )


def attach_rows(obj: models.Model, spec: Mapping[str, tuple[str, ...]]) -> None:
    """Hand the rows read by with_rows() to the object's managers, in their model's
    order, as a prefetch would: `point.cautions.all()` and the rest need no query."""
    cache = obj.__dict__.setdefault("_prefetched_objects_cache", {})
    for name in spec:
        manager = getattr(obj, name)
        order = [f for f in manager.model._meta.ordering if f in spec[name]]
        rows = json.loads(f"[{getattr(obj, f'{name}_json') or ''}]")
        rows.sort(key=lambda row: [row[f] for f in order])
        found = manager.all()
        found._result_cache = [manager.model(**row) for row in rows]
        found._prefetch_done = True
        cache[name] = found
