"""Services, therapists, availability inputs, the questionnaire and appointments.

Times are aware datetimes stored in UTC and shown in the spa's time zone
(settings.TIME_ZONE). An appointment's "block" is its time plus the service's
buffers: two blocks of one therapist may touch but never overlap, which the
database guarantees on PostgreSQL (see migration 0002) and the booking
service re-checks under a lock everywhere.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from points.models import BodyRegion, Caution, Point, image_upload_to


class BookingRules(models.Model):
    """Spa-wide booking rules: one row, edited in admin."""

    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Start times are offered on this grid (minutes)."
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        default=2, help_text="How soon, at the earliest, a client may book online."
    )
    horizon_days = models.PositiveSmallIntegerField(
        default=60, help_text="How far ahead clients may book."
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Clients may cancel or reschedule online until this long before."
    )

    class Meta:
        verbose_name = "booking rules"
        verbose_name_plural = "booking rules"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="booking_rules_single_row"),
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5, slot_step_minutes__lte=120),
                name="booking_rules_step_between_5_and_120",
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1), name="booking_rules_horizon_positive"
            ),
        ]

    def __str__(self) -> str:
        return "Booking rules"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

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


class ServiceQuerySet(models.QuerySet):
    def active(self) -> ServiceQuerySet:
        return self.filter(active=True)


class Service(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=240)
    description = models.TextField(help_text="What happens in the session, in plain words.")
    duration_minutes = models.PositiveSmallIntegerField()
    price = models.DecimalField(max_digits=7, decimal_places=2)
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Room preparation before the session."
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Room reset and notes after the session."
    )
    regions = models.ManyToManyField(BodyRegion, related_name="services", blank=True)
    firm_pressure = models.BooleanField(
        "works with firm, deep pressure",
        default=False,
        help_text="Clients whose answers call for light pressure only are shown other sessions.",
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=10, duration_minutes__lte=480),
                name="service_duration_sensible",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
            models.CheckConstraint(
                condition=Q(buffer_before_minutes__lte=120, buffer_after_minutes__lte=120),
                name="service_buffers_at_most_two_hours",
            ),
        ]

    def __str__(self) -> str:
        return self.name

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
    photo = models.ImageField(upload_to=image_upload_to, blank=True)
    services = models.ManyToManyField(Service, related_name="therapists", blank=True)
    active = models.BooleanField(default=True)

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


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
                condition=Q(weekday__gte=0, weekday__lte=6), name="working_hours_valid_weekday"
            ),
            models.UniqueConstraint(
                fields=["therapist", "weekday", "start"], name="one_shift_per_start"
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


OUTCOME_RANK = {
    Outcome.CLEAR: 0,
    Outcome.AVOID_AREA: 1,
    Outcome.REVIEW: 2,
    Outcome.CLEARANCE: 3,
    Outcome.DECLINE: 4,
}


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
        if self.parent_id and (self.parent_id == self.pk or self.parent.parent_id):
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
    # The single-use token of the online booking that made it: a double-click, a
    # retry or a second tab sending the same request finds this one instead of
    # making another (unique, so the database refuses a duplicate outright).
    booking_intent = models.CharField(
        max_length=43, null=True, blank=True, unique=True, editable=False
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(block_start__lte=F("start"), block_end__gte=F("end")),
                name="appointment_block_covers_session",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_by=""),
                name="cancelled_appointment_says_by_whom",
            ),
        ]
        indexes = [
            # Free times (availability._free_by_therapist) and the booking re-check
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

    def can_client_change(self, now=None) -> bool:
        """Before the cancellation cut-off and still holding its slot."""
        now = now or timezone.now()
        return self.holds_slot and now < self.start - BookingRules.current().cancellation_cutoff

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
    questionnaire_version = models.CharField(max_length=20)
    # [{"code", "question", "version", "kind", "answer", "detail", "triggered"}]
    answers = models.JSONField(default=list)
    outcome = models.CharField(max_length=12, choices=Outcome)
    # Explicit consent (GDPR Art. 9(2)(a)): which wording the client agreed to, and when.
    consent_version = models.CharField(max_length=20, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    # Set when a member of staff asked the questions on the phone and typed the answers.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

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
            ),
        ]

    def __str__(self) -> str:
        return "Health answers"

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
            ),
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="outgoing_email_unique_dedupe_key",
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
    so `django_session` and its backups carry no name, contact or answer). A
    draft lives SPA_BOOKING_DRAFT_MINUTES after its last change; then it is
    ignored, and `purge_health_data` deletes it.
    """

    key = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    data = models.JSONField(default=dict)
    expires_at = models.DateTimeField()

    objects = BookingDraftQuerySet.as_manager()

    class Meta:
        # The purge deletes by expiry.
        indexes = [models.Index(fields=["expires_at"], name="booking_draft_expires")]

    def __str__(self) -> str:
        return f"Booking draft #{self.pk}"
