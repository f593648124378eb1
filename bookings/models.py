"""Services, therapists, availability inputs, the questionnaire and appointments.

Times are aware datetimes stored in UTC and shown in the spa's time zone
(settings.TIME_ZONE). An appointment's "block" is its time plus the service's
buffers: two blocks of one therapist may touch but never overlap, which the
database guarantees on PostgreSQL (see migration 0002) and the booking
service re-checks under a lock everywhere.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower, Trim
from django.urls import reverse
from django.utils import timezone

from points.models import BodyRegion, Caution, Point, image_upload_to


class BookingRules(models.Model):
    """Spa-wide booking rules: one row, edited in admin."""

    # The field validators put the error beside the field in admin; the constraint
    # below holds the same rule in the database.
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text="Start times are offered on this grid (minutes).",
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        default=2, help_text="How soon, at the earliest, a client may book online."
    )
    horizon_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1)], help_text="How far ahead clients may book."
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Clients may cancel or reschedule online until this long before."
    )
    grace_minutes = models.PositiveSmallIntegerField(
        "grace period (minutes)",
        default=10,
        help_text="For this long after booking, any booking may be cancelled or moved online, "
        "even one already inside the cut-off. 0 for none.",
    )

    class Meta:
        verbose_name = "booking rules"
        verbose_name_plural = "booking rules"
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=1),
                name="booking_rules_single_row",
                violation_error_message="The spa has one set of booking rules: edit that one.",
            ),
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5, slot_step_minutes__lte=120),
                name="booking_rules_step_between_5_and_120",
                violation_error_message="Start times must be between 5 and 120 minutes apart.",
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1),
                name="booking_rules_horizon_positive",
                violation_error_message="Clients must be able to book at least one day ahead.",
            ),
            # Never a booking that can neither wait for the cut-off nor be undone at once.
            models.CheckConstraint(
                condition=Q(min_notice_hours__gte=F("cancellation_cutoff_hours"))
                | Q(grace_minutes__gt=0),
                name="booking_rules_notice_covers_cutoff_or_grace",
                violation_error_message=(
                    "The minimum notice must be at least the cancellation cut-off, "
                    "unless there is a grace period for changes after booking."
                ),
            ),
            models.CheckConstraint(
                condition=Q(grace_minutes__lte=120),
                name="booking_rules_grace_at_most_two_hours",
                violation_error_message="The grace period is at most 120 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return "Booking rules"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if (
            self.min_notice_hours is not None
            and self.cancellation_cutoff_hours is not None
            and self.min_notice_hours < self.cancellation_cutoff_hours
            and not self.grace_minutes
        ):
            raise ValidationError(
                {
                    "min_notice_hours": (
                        f"With a minimum notice shorter than the {self.cancellation_cutoff_hours}"
                        "-hour cut-off, a client could book a time they can never change "
                        "online. Make the notice at least "
                        f"{self.cancellation_cutoff_hours} hours, or give a grace period."
                    )
                }
            )

    @classmethod
    def current(cls) -> BookingRules:
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def slot_step(self) -> timedelta:
        return timedelta(minutes=self.slot_step_minutes)

    @property
    def min_notice(self) -> timedelta:
        return timedelta(hours=self.min_notice_hours)

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)

    @property
    def cancellation_cutoff(self) -> timedelta:
        return timedelta(hours=self.cancellation_cutoff_hours)

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.grace_minutes)

    def last_change_at(self, start: datetime, booked: datetime) -> datetime:
        """The last moment a client may cancel or move online a booking made at `booked`
        for `start`: the cut-off before it, or the grace period after booking if that
        ends later, never after it starts. Whole minutes, so the time shown to the
        client ("until 3:10 PM") is exactly the time enforced. The one place it is
        computed: pages, emails, calendar files and the POSTs all use it."""
        booked = booked.replace(second=0, microsecond=0)
        return min(start, max(start - self.cancellation_cutoff, booked + self.grace))


class ServiceQuerySet(models.QuerySet):
    def active(self) -> ServiceQuerySet:
        return self.filter(active=True)


def service_photo_upload_to(instance: models.Model, filename: str) -> str:
    # Never trust the uploaded name: a random one, with the verified format's suffix.
    return f"services/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Service(models.Model):
    class Illustration(models.TextChoices):
        # Drawings made for the site (static/img/illustrations/), shown when
        # there is no photo.
        STONES = "stones", "Warm stones"
        BACK = "back", "A back, with hands' warmth"
        SHOULDERS = "shoulders", "Neck and shoulders"
        HAND = "hand", "A hand with a pressure point"
        FEET = "feet", "Feet on a towel"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=240)
    description = models.TextField(help_text="What happens in the session, in plain words.")
    # The field validators put the error beside the field in admin; the constraints
    # below hold the same rules in the database.
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(10), MaxValueValidator(480)],
        help_text="Between 10 minutes and 8 hours.",
    )
    price = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(120)],
        help_text="Room preparation before the session (at most 120 minutes).",
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MaxValueValidator(120)],
        help_text="Room reset and notes after the session (at most 120 minutes).",
    )
    regions = models.ManyToManyField(BodyRegion, related_name="services", blank=True)
    instant_confirmation = models.BooleanField(
        "confirm clear bookings at once",
        default=True,
        help_text="An online booking whose health answers are clear is confirmed as soon as "
        "it is made. Answers that need a review or a clearance always wait for staff.",
    )
    firm_pressure = models.BooleanField(
        "works with firm, deep pressure",
        default=False,
        help_text="Clients whose answers call for light pressure only are shown other sessions.",
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    illustration = models.CharField(
        max_length=12,
        choices=Illustration,
        default=Illustration.STONES,
        help_text="The drawing shown for this session when there is no photo.",
    )
    photo = models.ImageField(
        upload_to=service_photo_upload_to,
        blank=True,
        help_text="Optional: a photo of the room or the work. Shown instead of the drawing.",
    )
    photo_web = models.ImageField(upload_to=service_photo_upload_to, editable=False, blank=True)
    photo_alt = models.CharField(
        "photo description",
        max_length=200,
        blank=True,
        help_text="Describe what the photo shows for people who cannot see it.",
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=10, duration_minutes__lte=480),
                name="service_duration_sensible",
                violation_error_message="A session lasts between 10 minutes and 8 hours.",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="service_price_not_negative",
                violation_error_message="The price cannot be below zero.",
            ),
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""),
                name="service_photo_has_description",
                violation_error_message="Describe the photo for people who cannot see it.",
            ),
            models.CheckConstraint(
                condition=Q(buffer_before_minutes__lte=120, buffer_after_minutes__lte=120),
                name="service_buffers_at_most_two_hours",
                violation_error_message="Time before and after a session is at most 120 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def photo_url(self) -> str:
        return (self.photo_web or self.photo).url if self.photo else ""

    @property
    def illustration_path(self) -> str:
        return f"img/illustrations/{self.illustration or self.Illustration.STONES}.svg"

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer_before(self) -> timedelta:
        return timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)


class TherapistQuerySet(models.QuerySet):
    def active(self) -> TherapistQuerySet:
        return self.filter(active=True)

    def offering(self, service: Service) -> TherapistQuerySet:
        return self.active().filter(services=service)


class Therapist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist"
    )
    display_name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    bio = models.TextField(blank=True)
    specialties = models.CharField(
        max_length=200,
        blank=True,
        help_text="What clients may ask for, separated by commas, e.g. "
        "“pregnancy massage, sports massage”. Shown when clients choose a therapist.",
    )
    photo = models.ImageField(
        upload_to=image_upload_to,
        blank=True,
        help_text="A friendly head-and-shoulders picture, shown when clients choose a therapist.",
    )
    services = models.ManyToManyField(Service, related_name="therapists", blank=True)
    active = models.BooleanField(default=True)

    objects = TherapistQuerySet.as_manager()
    # Not a column: the slot loader (offering()) sets it on the rows it reads,
    # [(weekday, start, end), …].
    shifts: list[tuple[int, time, time]]

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def specialty_list(self) -> list[str]:
        return [item.strip() for item in self.specialties.split(",") if item.strip()]


class WorkingHours(models.Model):
    """A weekly shift: the therapist works this weekday from start to end."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "start"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="working_hours_end_after_start",
                violation_error_message="A shift must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="working_hours_valid_weekday",
                violation_error_message="Choose a day of the week.",
            ),
            models.UniqueConstraint(
                fields=["therapist", "weekday", "start"],
                name="one_shift_per_start",
                violation_error_message="This therapist already has a shift starting then.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class TimeOff(models.Model):
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="time_off_end_after_start",
                violation_error_message="Time off must end after it starts.",
            ),
        ]
        # Availability loads each therapist's time off overlapping a date range.
        indexes = [models.Index(fields=["therapist", "end"], name="time_off_therapist_end")]

    def __str__(self) -> str:
        return f"{self.therapist}: {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"


# --- The questionnaire --------------------------------------------------------------


class Outcome(models.TextChoices):
    """What an answer leads to, from mildest to strictest (the strictest wins)."""

    CLEAR = "clear", "Nothing needed"
    AVOID_AREA = "avoid-area", "Note an area to avoid"
    REVIEW = "review", "A therapist reviews it"
    CLEARANCE = "clearance", "Needs clearance from a doctor or midwife"
    DECLINE = "decline", "Cannot be booked online"


class QuestionQuerySet(models.QuerySet):
    def active(self) -> QuestionQuerySet:
        return self.filter(active=True)


class Question(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes-no", "Yes or no"
        CHOICE = "choice", "Choose one"
        TEXT = "text", "Free text"

    class Section(models.TextChoices):
        """Headings that break the questionnaire into short groups, in this order."""

        TODAY = "today", "How you are today"
        AREAS = "areas", "Skin and areas to work around"
        CONDITIONS = "conditions", "Ongoing conditions and medicines"
        OTHER = "other", "Anything else"

    code = models.SlugField(
        max_length=60, unique=True, help_text="A stable name for this question."
    )
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=8, choices=Kind, default=Kind.YES_NO)
    choices = models.TextField(blank=True, help_text="For 'Choose one': one option per line.")
    choices_that_trigger = models.TextField(
        blank=True,
        help_text="For 'Choose one': the options (one per line) that count as a 'yes'.",
    )
    follow_up = models.CharField(
        max_length=200, blank=True, help_text="Asked only after a 'yes', e.g. 'How many weeks?'"
    )
    section = models.CharField(max_length=12, choices=Section, default=Section.CONDITIONS)
    order = models.PositiveSmallIntegerField(default=0, help_text="Order within its section.")
    active = models.BooleanField(default=True)
    on_yes = models.CharField(
        "a 'yes' leads to", max_length=12, choices=Outcome, default=Outcome.CLEAR
    )
    avoid_points = models.ManyToManyField(
        Point,
        blank=True,
        related_name="screening_questions",
        help_text="Points to avoid after a 'yes'.",
    )
    avoid_regions = models.ManyToManyField(
        BodyRegion,
        blank=True,
        related_name="screening_questions",
        verbose_name="body areas to avoid",
        help_text="After a 'yes', every point in these areas is avoided too, "
        "including points added to the library later.",
    )
    avoid_caution_kinds = models.JSONField(
        "points with these cautions to avoid",
        default=list,
        blank=True,
        help_text="After a 'yes', every point carrying one of these kinds of caution is avoided.",
    )
    light_pressure_only = models.BooleanField(
        default=False,
        help_text="After a 'yes': light pressure only, no balls, rollers or knuckles. "
        "The therapist and the aftercare routines say so.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_questions",
        verbose_name="follow-up to",
        help_text="Asked only after a 'yes' to that question. Any answer here that says "
        "something counts as that 'yes' too.",
    )
    avoid_area = models.CharField(
        max_length=120, blank=True, help_text="An area to avoid after a 'yes', e.g. 'the abdomen'."
    )
    guidance = models.TextField(
        blank=True,
        help_text="What the client is told after a 'yes' (what to bring, whom to call). "
        "Screening wording: never a diagnosis. {spa_name}, {spa_phone} and {spa_email} are "
        "filled in from the spa's settings.",
    )
    pre_visit = models.BooleanField(
        "asked again before the visit",
        default=False,
        help_text="A question about how the client is now (fever, a cold, a new injury): "
        "asked again in the pre-visit check, shortly before the visit.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="choice") | ~Q(choices=""),
                name="choice_question_has_options",
                violation_error_message="A 'Choose one' question needs its options.",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs) -> None:
        # Wording changes get a new version, so stored snapshots stay traceable.
        if self.pk:
            fields = [
                "text",
                "kind",
                "choices",
                "choices_that_trigger",
                "on_yes",
                "follow_up",
                "parent_id",
            ]
            old = Question.objects.filter(pk=self.pk).values(*fields).first()
            if old and any(old[name] != getattr(self, name) for name in fields):
                self.version += 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        kinds = self.avoid_caution_kinds or []
        if not isinstance(kinds, list) or not set(kinds) <= set(Caution.Kind.values):
            raise ValidationError({"avoid_caution_kinds": "Choose caution kinds from the list."})
        parent = self.parent if self.parent_id else None
        if parent is not None and (parent.pk == self.pk or parent.parent_id):
            raise ValidationError(
                {"parent": "Choose a question that is not itself a follow-up (and not this one)."}
            )

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def trigger_list(self) -> list[str]:
        return [line.strip() for line in self.choices_that_trigger.splitlines() if line.strip()]


# --- Appointments -------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_token_short() -> str:
    return secrets.token_urlsafe(16)


# --- Clients ------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """One client per mailbox as typed: surrounding spaces and case make no new client."""
    return (email or "").strip().lower()


class ClientQuerySet(models.QuerySet["Client"]):
    def for_email(self, email: str) -> Client | None:
        return self.filter(email=normalise_email(email)).first()

    def remember(self, email: str, *, name: str = "", phone: str = "") -> Client | None:
        """The client with this email, made on first sight; the latest name and phone kept.

        None for no email, or for the placeholder an erased record carries."""
        email = normalise_email(email)
        if not email or email.endswith("@invalid"):
            return None
        client, created = self.get_or_create(
            email=email, defaults={"name": name[:100], "phone": phone[:30]}
        )
        if not created and (name and name != client.name or phone and phone != client.phone):
            client.name, client.phone = name[:100] or client.name, phone[:30] or client.phone
            client.save(update_fields=["name", "phone"])
        return client


@contextmanager
def remembering_client(row, email: str, name: str, phone: str, save_kwargs: dict) -> Iterator[None]:
    """Link `row` (an appointment or a call-back) to the client for `email`, made on
    first sight, while it saves. If the save fails, the link goes too: the client may
    have been made in the same transaction and rolled back with it, and a second try
    must not point at a row that is gone."""
    remembered = False
    if row.client_id is None and email:
        row.client = Client.objects.remember(email, name=name, phone=phone)
        remembered = row.client is not None
        if remembered and save_kwargs.get("update_fields") is not None:
            save_kwargs["update_fields"] = {*save_kwargs["update_fields"], "client"}
    try:
        yield
    except BaseException:
        if remembered:
            row.client = None
        raise


class Client(models.Model):
    """One person who books, known by their email: no password, no account to secure.

    Appointments, call-back requests and health answers point here; "My
    bookings" signs a client in with a single-use link to this address.
    """

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    notes = models.TextField(
        "staff notes",
        blank=True,
        max_length=2000,
        help_text="For the front desk and therapists: preferences, how to reach them. "
        "Never health details (those belong in the answers).",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower(Trim("email")),
                name="one_client_per_email",
                violation_error_message="A client with this email address already exists. "
                "Open that client, or merge the two records.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def save(self, *args, **kwargs) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:bookings_client_change", args=[self.pk])

    def latest_health(self) -> HealthAnswers | None:
        """The most recent answers this client gave, for a booking or a call back."""
        return self.health_answers.newest_first().first()

    def absorb(self, other: Client) -> None:
        """Merge `other` (the same person under another record) into this one.

        Their appointments, call-backs, answers and links move here, their staff
        notes are appended, and the other record goes. One transaction."""
        if other.pk == self.pk:
            raise ValueError("A client cannot be merged with itself.")
        with transaction.atomic():
            list(Client.objects.select_for_update().filter(pk__in=[self.pk, other.pk]))
            for related in (other.appointments, other.callbacks, other.health_answers):
                related.update(client=self)
            other.sign_in_links.all().delete()
            if other.notes.strip():
                self.notes = "\n\n".join(n for n in (self.notes.strip(), other.notes.strip()) if n)
            self.name = self.name or other.name
            self.phone = self.phone or other.phone
            other.delete()
            self.save()


class SignInLink(models.Model):
    """One emailed "My bookings" link: signed, expiring, and good once.

    The link carries this row's id and nonce, signed with SECRET_KEY (Django's
    signing): the database alone cannot forge one, and using it stamps
    `used_at`. A request for an address we do not know makes a row too, with no
    client, so both requests do the same work; its email is never sent.
    """

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="sign_in_links"
    )
    nonce = models.CharField(max_length=43, default=new_token_short, editable=False)
    created = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The purge deletes old rows by creation time.
        indexes = [models.Index(fields=["created"], name="sign_in_link_created")]

    def __str__(self) -> str:
        return f"Sign-in link #{self.pk}"


class Status(models.TextChoices):
    REQUESTED = "requested", "Requested"
    # Booked by staff; the client answers the health questions through their link.
    AWAITING_ANSWERS = "awaiting-answers", "Awaiting answers"
    AWAITING_CLEARANCE = "awaiting-clearance", "Awaiting clearance"
    CONFIRMED = "confirmed", "Confirmed"
    ARRIVED = "arrived", "Arrived"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no-show", "No-show"


# Statuses whose appointment holds its time slot.
HOLDING = [
    Status.REQUESTED,
    Status.AWAITING_ANSWERS,
    Status.AWAITING_CLEARANCE,
    Status.CONFIRMED,
    Status.ARRIVED,
]

# Who may move an appointment from one status to another.
TRANSITIONS: dict[str, set[str]] = {
    Status.REQUESTED: {
        Status.CONFIRMED,
        Status.DECLINED,
        Status.CANCELLED,
        Status.AWAITING_CLEARANCE,
    },
    # The answers decide, as online: requested (reviewed), awaiting clearance, or declined.
    Status.AWAITING_ANSWERS: {
        Status.REQUESTED,
        Status.AWAITING_CLEARANCE,
        Status.DECLINED,
        Status.CANCELLED,
    },
    Status.AWAITING_CLEARANCE: {Status.CONFIRMED, Status.DECLINED, Status.CANCELLED},
    Status.CONFIRMED: {Status.CANCELLED, Status.ARRIVED, Status.COMPLETED, Status.NO_SHOW},
    # The client is at the desk: the session is done or, rarely, called off.
    Status.ARRIVED: {Status.COMPLETED, Status.CANCELLED},
    Status.DECLINED: set(),
    Status.CANCELLED: set(),
    Status.COMPLETED: set(),
    Status.NO_SHOW: set(),
}


class Referral(models.TextChoices):
    """Where a booking started: the guide (or page) whose link the client followed."""

    POINT = "point", "Point guide"
    ROUTINE = "routine", "Routine"
    REGION = "region", "Body area"
    SERVICE = "service", "Service page"
    HOME = "home", "Home page"


class PreVisitChange(models.TextChoices):
    """What the pre-visit check's answers changed, for the calendar."""

    NONE = "none", "Nothing changed"
    CHANGED = "changed", "Answers changed, still fine"
    REVIEW = "review", "Changed: therapist to review"
    MOVE = "move", "Changed: the visit should move"


class TransitionError(Exception):
    """The appointment cannot move to that status from where it is."""


class AppointmentQuerySet(models.QuerySet):
    def holding(self) -> AppointmentQuerySet:
        return self.filter(status__in=HOLDING)

    def upcoming(self) -> AppointmentQuerySet:
        return self.holding().filter(start__gte=timezone.now()).order_by("start")

    def overlapping(self, therapist_id: int, block_start, block_end) -> AppointmentQuerySet:
        # Half-open ranges: a block ending at 10:00 does not clash with one starting at 10:00.
        return self.holding().filter(
            therapist_id=therapist_id, block_start__lt=block_end, block_end__gt=block_start
        )


class Appointment(models.Model):
    class CancelledBy(models.TextChoices):
        CLIENT = "client", "The client"
        SPA = "spa", "The spa"

    class Screening(models.TextChoices):
        CLEAR = "clear", "Clear"
        REVIEW = "review", "Therapist review"
        CLEARANCE = "clearance", "Needs clearance"

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # start/end widened by the service's buffers: what the therapist's time really holds.
    block_start = models.DateTimeField(editable=False)
    block_end = models.DateTimeField(editable=False)
    status = models.CharField(max_length=20, choices=Status, default=Status.REQUESTED)

    # The client record (one per normalised email), linked when the appointment is saved.
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    client_name = models.CharField(max_length=100)
    client_email = models.EmailField(max_length=254)
    client_phone = models.CharField(max_length=30)
    client_notes = models.TextField(blank=True, max_length=1000)

    screening = models.CharField(max_length=10, choices=Screening, default=Screening.CLEAR)
    flagged = models.BooleanField(default=False, help_text="A therapist must review the answers.")
    avoid_points = models.ManyToManyField(Point, blank=True, related_name="+")
    avoid_areas = models.TextField(blank=True)
    light_pressure_only = models.BooleanField(
        default=False, help_text="The answers call for light pressure only and no massage tools."
    )
    client_guidance = models.TextField(
        blank=True, help_text="What the client was asked to bring or do."
    )

    # Which guide brought the client: e.g. kind "point", slug "bl23".
    referral_kind = models.CharField(max_length=10, choices=Referral, blank=True)
    referral_slug = models.SlugField(max_length=100, blank=True)

    consent_at = models.DateTimeField(null=True, blank=True)
    consent_version = models.CharField(max_length=20, blank=True)

    cancelled_by = models.CharField(max_length=8, choices=CancelledBy, blank=True)
    status_reason = models.CharField(max_length=300, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sequence = models.PositiveIntegerField(default=0, help_text="Calendar revision (ICS SEQUENCE).")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The pre-visit check ("today" questions, SPA_PRE_VISIT_HOURS before): when its
    # email was queued, when the client answered, and what it changed. The flag is
    # operational (like "needs review"); the answers stay in HealthAnswers.
    pre_visit_sent_at = models.DateTimeField(null=True, blank=True)
    pre_visit_answered_at = models.DateTimeField(null=True, blank=True)
    pre_visit_change = models.CharField(max_length=10, choices=PreVisitChange, blank=True)
    # The single-use token of the online booking that made it: a double-click, a
    # retry or a second tab sending the same request finds this one instead of
    # making another (unique, so the database refuses a duplicate outright).
    booking_intent = models.CharField(
        max_length=43, null=True, blank=True, unique=True, editable=False
    )
    # When it was booked: the grace period to change it runs from here. A default,
    # not auto_now_add, so the booking service stamps the same `now` it checked with.
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="appointment_end_after_start",
                violation_error_message="An appointment must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(block_start__lte=F("start"), block_end__gte=F("end")),
                name="appointment_block_covers_session",
                violation_error_message=(
                    "The time held for an appointment must include the whole session."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_by=""),
                name="cancelled_appointment_says_by_whom",
                violation_error_message="A cancelled appointment must say who cancelled it.",
            ),
        ]
        indexes = [
            # Free times (free_times._free_by_therapist) and the booking re-check
            # (AppointmentQuerySet.overlapping) read a therapist's holding blocks with
            # `block_end > <a moment from now on>`: led by block_end, the scan covers the
            # weeks ahead only, however many years of history lie behind them.
            models.Index(fields=["therapist", "block_end"], name="appt_therapist_block_end"),
            models.Index(fields=["status", "start"], name="appt_status_start"),
            # The staff appointment list: ORDER BY start LIMIT 100 and its date filter
            # (admin StartDateFilter) read rows in start order instead of sorting them all.
            models.Index(fields=["start"], name="appt_start"),
            # The staff report counts bookings by referring guide over recent days.
            models.Index(fields=["created", "referral_kind"], name="appt_created_referral"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"{self.service} with {self.therapist}, {local:%a %d %b %Y %H:%M}"

    def save(self, *args, **kwargs) -> None:
        with remembering_client(
            self, self.client_email, self.client_name, self.client_phone, kwargs
        ):
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("bookings:manage", args=[self.token])

    def set_times(self, start) -> None:
        """Place the appointment at `start`, with its end and buffered block."""
        self.start = start
        self.end = start + self.service.duration
        self.block_start = start - self.service.buffer_before
        self.block_end = self.end + self.service.buffer_after

    @property
    def holds_slot(self) -> bool:
        return self.status in HOLDING

    def last_change_at(self, rules: BookingRules | None = None) -> datetime:
        """The last moment the client may cancel or move it online (BookingRules.last_change_at)."""
        rules = rules or BookingRules.current()
        return rules.last_change_at(self.start, self.created or timezone.now())

    def can_client_change(self, now=None, rules: BookingRules | None = None) -> bool:
        """Still holding its slot, and before the last time to change it online."""
        now = now or timezone.now()
        return self.holds_slot and now < self.last_change_at(rules)

    def transition(self, to: str, *, by=None, reason: str = "", cancelled_by: str = "") -> None:
        """Move to `to`, stamping who and when, and log it. The one place statuses change."""
        if to not in TRANSITIONS[self.status]:
            now, then = self.get_status_display().lower(), Status(to).label.lower()
            raise TransitionError(f"A {now} appointment cannot become {then}.")
        previous = self.status
        self.status = to
        self.status_changed_at = timezone.now()
        self.status_changed_by = by if getattr(by, "is_authenticated", False) else None
        self.status_reason = reason[:300]
        if to == Status.CANCELLED:
            self.cancelled_by = cancelled_by or (
                self.CancelledBy.SPA if by else self.CancelledBy.CLIENT
            )
        if to in (Status.CONFIRMED, Status.CANCELLED, Status.DECLINED):
            self.sequence += 1
        self.save()
        AppointmentEvent.objects.create(
            appointment=self,
            from_status=previous,
            to_status=to,
            by=self.status_changed_by,
            by_client=self.status_changed_by is None,
            note=reason[:300],
        )


class AppointmentEvent(models.Model):
    """The appointment's history: every status change and reschedule, who and when."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_client = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class CallbackRequest(models.Model):
    """A client whose answers stop online booking: the spa calls them back."""

    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="callbacks"
    )
    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=30)
    notes = models.TextField(blank=True, max_length=1000)
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True)
    therapist = models.ForeignKey(Therapist, on_delete=models.SET_NULL, null=True, blank=True)
    preferred_start = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField(default=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The booking staff made after the call, if it came to one.
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The key to the client's private page about the request, linked from their
    # email (requests made before it have none).
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # What the client was told to do, from their answers: shown only on that
    # private page, never in an email; cleared with the answers.
    guidance = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["handled", "-created"]

    def __str__(self) -> str:
        return f"Call back {self.name} ({self.created:%Y-%m-%d})"

    def save(self, *args, **kwargs) -> None:
        with remembering_client(self, self.email, self.name, self.phone, kwargs):
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("bookings:callback_page", args=[self.token])


class CallNote(models.Model):
    """What came of one call to a client who asked to be called back."""

    class Outcome(models.TextChoices):
        NO_ANSWER = "no-answer", "No answer, try again"
        TALKED = "talked", "Talked, not booked yet"
        BOOKED = "booked", "Booked"
        CLOSED = "closed", "Closed"

    callback = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE, related_name="calls")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome)
    note = models.CharField(
        max_length=300, blank=True, help_text="The decision or reason, never health details."
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.at:%Y-%m-%d %H:%M})"


class HealthAnswersQuerySet(models.QuerySet):
    def newest_first(self) -> HealthAnswersQuerySet:
        """Latest given first: a pre-visit check counts as given when it was answered."""
        return self.order_by(Coalesce("pre_visit_at", "created").desc(), "-pk")


class HealthAnswers(models.Model):
    """A client's questionnaire answers: special-category data.

    Kept apart from the appointment so its own permission guards it. Each
    answer keeps a snapshot of the question as asked.
    """

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="health"
    )
    callback = models.OneToOneField(
        CallbackRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="health"
    )
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="health_answers"
    )
    questionnaire_version = models.CharField(max_length=20)
    # [{"code", "question", "version", "kind", "answer", "detail", "triggered"}]
    answers = models.JSONField(default=list)
    # The pre-visit check's answers to the "today" questions, in the same shape, and
    # when they were given: kept beside the booking's answers, never over them.
    pre_visit_answers = models.JSONField(default=list, blank=True)
    pre_visit_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome)
    # Explicit consent (GDPR Art. 9(2)(a)): which wording the client agreed to, and when.
    consent_version = models.CharField(max_length=20, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    # Set when a member of staff asked the questions on the phone and typed the answers.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = HealthAnswersQuerySet.as_manager()

    class Meta:
        verbose_name = "health answers"
        verbose_name_plural = "health answers"
        default_permissions = ()
        # A therapist reads the answers of their own clients only (bookings/access.py);
        # the owner reads everyone's.
        permissions = [
            ("view_health_answers", "Can read their own clients' health answers"),
            ("view_all_health_answers", "Can read every client's health answers"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(appointment__isnull=False, callback__isnull=True)
                    | Q(appointment__isnull=True, callback__isnull=False)
                ),
                name="health_answers_belong_to_one_record",
                violation_error_message=(
                    "Health answers belong to one appointment or one call-back request, never both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return "Health answers"

    def save(self, *args, **kwargs) -> None:
        if self.client_id is None:
            record = self.appointment or self.callback
            self.client_id = getattr(record, "client_id", None)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not isinstance(self.answers, list):
            raise ValidationError({"answers": "Answers must be a list."})


class HealthAccess(models.Model):
    """Who opened a client's health answers, and when."""

    answers = models.ForeignKey(HealthAnswers, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        default_permissions = ("view",)
        verbose_name = "health answers opening"
        verbose_name_plural = "health answers openings"

    def __str__(self) -> str:
        return f"{self.user} at {self.at:%Y-%m-%d %H:%M}"


class OutgoingEmailQuerySet(models.QuerySet):
    def undelivered(self) -> OutgoingEmailQuerySet:
        """Given up on after the last retry: staff must act on these."""
        return self.filter(state=OutgoingEmail.State.FAILED)

    def not_yet_sent(self) -> OutgoingEmailQuerySet:
        return self.exclude(state__in=[OutgoingEmail.State.SENT, OutgoingEmail.State.SKIPPED])


class OutgoingEmail(models.Model):
    """One email to send, and what became of it: the durable outbox behind the task queue.

    The row is written in the same transaction as the change it tells about,
    so a booking and its emails commit (or roll back) together. A queued task
    carries only the row's id; the claim (a conditional UPDATE to "sending")
    makes a second task for the same row a no-op, so a message that went out
    is never sent again.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not delivered"
        SKIPPED = "skipped", "Not needed any more"

    kind = models.CharField(max_length=30)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    callback = models.ForeignKey(
        CallbackRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    sign_in_link = models.ForeignKey(
        SignInLink, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a task for this row was last put on the queue; the sweep re-queues
    # a due row only when no task was queued for it since it fell due.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The class of the last error and the server's reply code: never an address.
    last_error = models.CharField(max_length=200, blank=True)
    # When the staff alert mailbox was told this message was not delivered.
    staff_alerted_at = models.DateTimeField(null=True, blank=True)
    # Makes a message that must go once (a reminder for one start time) unique.
    dedupe_key = models.CharField(max_length=100, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "outgoing email"
        constraints = [
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False)
                | (~Q(state="sent") & Q(sent_at__isnull=True)),
                name="outgoing_email_sent_has_time",
                violation_error_message="A sent email records when it was sent; others do not.",
            ),
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="outgoing_email_unique_dedupe_key",
                violation_error_message="This email has already been queued.",
            ),
        ]
        indexes = [
            # The sweep: due pending rows, stale claims, failures not yet reported.
            models.Index(fields=["state", "next_attempt_at"], name="outgoing_email_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} email #{self.pk}"


class BookingDraftQuerySet(models.QuerySet):
    def live(self) -> BookingDraftQuerySet:
        return self.filter(expires_at__gt=timezone.now())

    def expired(self) -> BookingDraftQuerySet:
        return self.filter(expires_at__lte=timezone.now())


class BookingDraft(models.Model):
    """A booking in progress: what the client entered so far, health answers included.

    Kept here, never in the session (which holds only this row's random key,
    so `django_session` and its backups carry no name, contact or answer); the
    cache holds only its choices (see CHOICES). A draft lives
    SPA_BOOKING_DRAFT_MINUTES after its last change; then it is ignored, and
    `purge_health_data` deletes it.
    """

    key = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    data = models.JSONField(default=dict)
    expires_at = models.DateTimeField()

    objects = BookingDraftQuerySet.as_manager()

    class Meta:
        # The purge deletes by expiry.
        indexes = [models.Index(fields=["expires_at"], name="booking_draft_expires")]

    # What the first steps read on a GET: the choices so far, never a name, a contact
    # or an answer (of those, only whether they are given). save() and delete() keep
    # them in the cache beside the row, until it expires, so those steps make no
    # query. Change a draft through save(), never QuerySet.update().
    CHOICES = ("service", "therapist", "start", "taken")
    GIVEN = ("details", "screen")

    def __str__(self) -> str:
        return f"Booking draft #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.cache_choices()

    def delete(self, *args, **kwargs):
        cache.delete(self._cache_key(self.key))
        return super().delete(*args, **kwargs)

    @staticmethod
    def _cache_key(key: str) -> str:
        return f"booking-draft-choices:{key}"

    def choices(self) -> dict:
        return {
            **{name: self.data.get(name) for name in self.CHOICES},
            **{name: bool(self.data.get(name)) for name in self.GIVEN},
        }

    def cache_choices(self) -> None:
        seconds = (self.expires_at - timezone.now()).total_seconds()
        if seconds > 0:
            cache.set(
                self._cache_key(self.key),
                {"choices": self.choices(), "expires_at": self.expires_at},
                int(seconds) + 1,
            )
        else:
            cache.delete(self._cache_key(self.key))

    @classmethod
    def cached_choices(cls, key: str) -> dict | None:
        """The live draft's choices from the cache; None when it has none (then read the
        row, and cache_choices())."""
        found = cache.get(cls._cache_key(key))
        if found is None or found["expires_at"] <= timezone.now():
            return None
        return found["choices"]
