"""Staff side of bookings: the diary, the review queue, the day's schedule, the set-up.

Statuses change only through the actions below, which call
Appointment.transition() row by row. Health answers are never registered on
their own: they appear inside an appointment or call-back page, only for the
client's own therapist and the owner (bookings/access.py), and every showing
is logged; the owner reads that log under "Health answer openings".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from bookings import access, insights, privacy
from bookings.models import (
    HOLDING,
    Appointment,
    AppointmentEvent,
    BookingRules,
    CallbackRequest,
    Client,
    HealthAccess,
    HealthAnswers,
    OutgoingEmail,
    Question,
    Service,
    Status,
    Therapist,
    TimeOff,
    TransitionError,
    WorkingHours,
)
from points.forms import CheckedImageForm
from points.models import Caution

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # The mixin below is only ever mixed into a ModelAdmin: type-check it as one.
    _ModelAdminBase = admin.ModelAdmin
else:
    _ModelAdminBase = object

logger = logging.getLogger(__name__)

# Actions that also make sense on one appointment's own page.
BOTH_PAGES = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def _local(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%a %d %b %Y, %H:%M}" if value else "—"


# --- Health answers, behind their own permission ----------------------------------


class HealthAnswersMixin(_ModelAdminBase):
    """Adds a read-only "Health answers" section for permission holders, logging each showing.

    Users without the permission get neither the section nor the field, so
    nothing on the page says what the client answered.
    """

    def can_read_health(self, request: HttpRequest, obj=None) -> bool:
        # By relationship: a therapist reads their own clients' answers, the owner all.
        return access.can_read_health(request.user, obj)

    @staticmethod
    def health_of(obj) -> HealthAnswers | None:
        # The reverse one-to-one raises a subclass of AttributeError when absent.
        return getattr(obj, "health", None) if obj is not None else None

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.can_read_health(request, obj):
            fields.append("health_answers")
        return fields

    # Where the section goes among the fieldsets; None puts it last.
    health_fieldset_position: int | None = None

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self.can_read_health(request, obj) and self.health_of(obj):
            position = self.health_fieldset_position
            fieldsets.insert(
                len(fieldsets) if position is None else position,
                (
                    "Health answers",
                    {
                        "fields": ["health_answers"],
                        "description": "Special-category data for the treating therapist. "
                        "Each time this page is opened, your name and the time are logged.",
                    },
                ),
            )
        return fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        health = self.health_of(obj) if self.can_read_health(request, obj) else None
        if health is not None:
            HealthAccess.objects.create(answers=health, user=request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="Answers")
    def health_answers(self, obj) -> str:
        health = self.health_of(obj)
        if health is None:
            return "No answers recorded."
        return answers_table(health)


def answer_rows(answers: list) -> str:
    """A table of answers as asked; the ones that led to something stand out."""
    rows = format_html_join(
        "",
        '<tr class="{}"><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                "health-triggered" if item.get("triggered") else "",
                item.get("question", item.get("code", "")),
                str(item.get("answer", "")).capitalize() or "—",
                item.get("detail", ""),
            )
            for item in answers
            if isinstance(item, dict)
        ),
    )
    return format_html(
        '<table class="health-answers"><thead><tr><th>Question</th><th>Answer</th>'
        "<th>Detail</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


def answers_table(health: HealthAnswers) -> str:
    """The answers as asked, with the outcome and the consent, and the pre-visit check's
    newer answers first if there are any: for those who may read them."""
    pre_visit = ""
    if health.pre_visit_answers:
        pre_visit = format_html(
            "<p><strong>Pre-visit check, answered {}</strong> (newer than the answers "
            "below to the same questions):</p>{}",
            _local(health.pre_visit_at),
            answer_rows(health.pre_visit_answers),
        )
    return format_html(
        "{}<p>Outcome: <strong>{}</strong>. Questionnaire {}, answered {}. "
        "Consent to keep them: wording {}, given {}.</p>{}",
        pre_visit,
        health.get_outcome_display(),
        health.questionnaire_version,
        _local(health.created),
        health.consent_version or "not recorded",
        _local(health.consented_at),
        answer_rows(health.answers),
    )


# --- A client's data on request (GDPR Art. 15 and 17; see bookings/privacy.py) -----------


def export_response(request: HttpRequest, emails: set[str]) -> HttpResponse:
    """Everything held about the clients with these emails, as a JSON download."""
    data = privacy.export(
        emails, user=request.user, include_health=access.reads_all_health(request.user)
    )
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
    response["Content-Disposition"] = f'attachment; filename="client-data-{stamp}.json"'
    logger.info("User %s exported the data of %d client(s).", request.user.pk, len(emails))
    return response


def erase_with_confirmation(model_admin, request: HttpRequest, queryset: QuerySet, emails):
    """The owner's erase action, from appointments or from client records: a confirmation
    page, then privacy.erase()."""
    if not model_admin.has_erase_permission(request):
        raise PermissionDenied
    if request.POST.get("post") != "yes":
        appointments = privacy.appointments_of(emails)
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": "Erase the selected clients' personal data?",
            "queryset": queryset,
            "emails": sorted(privacy.normalised(emails)),
            "appointments": appointments.count(),
            "upcoming": appointments.filter(status__in=HOLDING, start__gte=timezone.now()).count(),
            "callbacks": privacy.callbacks_of(emails).count(),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/bookings/appointment/erase_confirmation.html", context
        )
    erased = privacy.erase(emails, by=request.user)
    logger.info("User %s erased the data of %d client(s).", request.user.pk, len(emails))
    a, c, h = erased.appointments, erased.callbacks, erased.health_answers
    model_admin.message_user(
        request,
        f"Personal data erased: {a} appointment{pluralize(a)} and {c} call-back "
        f"request{pluralize(c)} anonymised, {h} set{pluralize(h)} of health answers deleted.",
        messages.SUCCESS,
    )
    return None


# --- Appointments ---------------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    to: str
    done: str  # for messages: "3 appointments confirmed."
    notice: str = ""  # the notification kind sent to the client, if any
    only_after_start: bool = False


CONFIRM = StatusChange(Status.CONFIRMED, "confirmed", "confirmed")
DECLINE = StatusChange(Status.DECLINED, "declined", "declined")
CANCEL = StatusChange(Status.CANCELLED, "cancelled by the spa", "cancelled")
# A session cannot have been completed or missed before it begins.
COMPLETE = StatusChange(Status.COMPLETED, "marked completed", only_after_start=True)
NO_SHOW = StatusChange(Status.NO_SHOW, "marked no-show", only_after_start=True)


def _change_status(pk: int, change: StatusChange, user, *, reason: str = "") -> Appointment:
    """Apply one change under a row lock; TransitionError when it is not allowed.

    The client's notice goes into the mail outbox in the same transaction, so the
    change and its email commit together; the worker sends it, with retries.
    """
    with transaction.atomic():
        # of=("self",): lock the appointment only, not its therapist and service rows.
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("service", "therapist")
            .get(pk=pk)
        )
        if change.only_after_start and appointment.start > timezone.now():
            raise TransitionError("The session has not started yet.")
        appointment.transition(
            change.to,
            by=user,
            reason=reason,
            cancelled_by=Appointment.CancelledBy.SPA if change.to == Status.CANCELLED else "",
        )
        if change.notice:
            from bookings.notifications import notify

            notify(appointment, change.notice)
    return appointment


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    verbose_name_plural = "History"
    fields = ("when", "from_status", "to_status", "who", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("by")

    # The history belongs to the appointment: whoever may see one sees the other,
    # and nobody edits it.
    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("bookings.view_appointment") or request.user.has_perm(
            "bookings.change_appointment"
        )

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="When")
    def when(self, event: AppointmentEvent) -> str:
        return _local(event.at)

    @admin.display(description="By")
    def who(self, event: AppointmentEvent) -> str:
        if event.by_client:
            return "The client"
        if event.by:
            return event.by.get_full_name() or event.by.get_username()
        return "—"


class StartDateFilter(admin.DateFieldListFilter):
    """The days staff look for: today, tomorrow, the week ahead and behind, this month.

    Fixed links over `start >= … AND start < …` (index appt_start), so listing
    them reads nothing, however many years of appointments are stored."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        day = timedelta(days=1)
        month = today.replace(day=1)
        next_month = (month + timedelta(days=32)).replace(day=1)

        def between(since, until):
            return {self.lookup_kwarg_since: since, self.lookup_kwarg_until: until}

        self.links = (
            ("Any date", {}),
            ("Today", between(today, today + day)),
            ("Tomorrow", between(today + day, today + 2 * day)),
            ("Next 7 days", between(today, today + 7 * day)),
            ("Past 7 days", between(today - 7 * day, today)),
            ("This month", between(month, next_month)),
        )


def _may_erase(request: HttpRequest) -> bool:
    # The owner's call: it takes the health permission and the right to change both
    # appointments and call-backs, which of the roles only the Owner holds together.
    return all(
        request.user.has_perm(perm)
        for perm in (
            access.ALL_HEALTH_PERMISSION,
            "bookings.change_appointment",
            "bookings.change_callbackrequest",
        )
    )


@admin.register(Appointment)
class AppointmentAdmin(HealthAnswersMixin, admin.ModelAdmin):
    # The badge sits beside the time, so a flagged request is seen on narrow screens too.
    list_display = [
        "starts",
        "review_badge",
        "client_name",
        "service",
        "therapist",
        "status",
        "screening",
        "booked",
    ]
    list_display_links = ["starts", "client_name"]
    # Days by fixed links (StartDateFilter), not date_hierarchy: its year list reads
    # every appointment ever booked, so the page slowed down as history grew.
    list_filter = [
        ("start", StartDateFilter),
        "status",
        "therapist",
        "flagged",
        "screening",
        "service",
        "referral_kind",
    ]
    search_fields = ["client_name", "client_email", "client_phone"]
    list_select_related = ["service", "therapist"]
    ordering = ["start"]
    filter_horizontal = ["avoid_points"]
    inlines = [AppointmentEventInline]
    actions = [
        "confirm",
        "decline",
        "complete",
        "no_show",
        "cancel_by_spa",
        "export_client_data",
        "erase_client_data",
    ]
    # The model's absolute URL is the client's own page, reached by a secret token.
    view_on_site = False
    # Right after the screening outcome, where the therapist reads it.
    health_fieldset_position = 3
    readonly_fields = [
        "service",
        "therapist",
        "starts",
        "ends",
        "status",
        "screening",
        "consent_at",
        "consent_version",
        "cancelled_by",
        "status_reason",
        "status_changed_at",
        "status_changed_by",
        "sequence",
        "reminder_sent_at",
        "created",
        "updated",
        "came_from",
        "email_delivery",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("service", "therapist"),
                    ("starts", "ends"),
                    "status",
                    "came_from",
                    "email_delivery",
                ]
            },
        ),
        ("Client", {"fields": ["client_name", "client_email", "client_phone", "client_notes"]}),
        (
            "Screening and working instructions",
            {
                "description": "The outcome of the questionnaire and what it means for the "
                "session.",
                "fields": [
                    ("screening", "flagged"),
                    "avoid_points",
                    "avoid_areas",
                    "light_pressure_only",
                    "client_guidance",
                ],
            },
        ),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": [
                    ("status_changed_at", "status_changed_by"),
                    ("status_reason", "cancelled_by"),
                    ("consent_at", "consent_version"),
                    ("sequence", "reminder_sent_at"),
                    ("created", "updated"),
                ],
            },
        ),
    ]

    # Appointments are placed through the booking flow or the staff calendar
    # (which check the slot under a lock) and are never deleted: their history is the record.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    # --- What is derived from the health answers: by relationship (bookings/access.py) ---

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.can_read_health(request, obj):
            return fieldsets
        hidden = set(access.DERIVED_FIELDS)
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.can_read_health(request, obj):
            # Operational state stays visible to the desk, but only those who read
            # the answers may change what follows from them.
            fields += ["flagged", "client_guidance"]
        return fields

    def lookup_allowed(self, lookup: str, value, request: HttpRequest) -> bool:
        if access.is_private_lookup(lookup) and not access.reads_all_health(request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Starts", ordering="start")
    def starts(self, obj: Appointment) -> str:
        return _local(obj.start)

    @admin.display(description="Ends", ordering="end")
    def ends(self, obj: Appointment) -> str:
        return _local(obj.end)

    @admin.display(description="Booked", ordering="created")
    def booked(self, obj: Appointment) -> str:
        return f"{timezone.localtime(obj.created):%d %b %Y}"

    @admin.display(description="Came from")
    def came_from(self, obj: Appointment) -> str:
        label, url = insights.describe_referral(obj.referral_kind, obj.referral_slug)
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    @admin.display(description="Emails")
    def email_delivery(self, obj: Appointment) -> str:
        """What became of this client's emails: staff see at once what did not arrive."""
        return email_problems(obj.emails.all())

    @admin.display(description="Review", ordering="flagged")
    def review_badge(self, obj: Appointment) -> str:
        if not obj.flagged:
            return ""
        return format_html('<span class="badge-review">{}</span>', "Needs review")

    # --- Status actions ---------------------------------------------------------------

    def change_status(self, request: HttpRequest, queryset: QuerySet, change: StatusChange):
        done = skipped = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                _change_status(pk, change, request.user)
            except (TransitionError, Appointment.DoesNotExist):
                skipped += 1
                continue
            done += 1
        if done:
            self.message_user(
                request, f"{done} appointment{pluralize(done)} {change.done}.", messages.SUCCESS
            )
        if skipped:
            self.message_user(
                request,
                f"{skipped} appointment{pluralize(skipped)} skipped: "
                f"{'its' if skipped == 1 else 'their'} status does not allow "
                f"being {change.done}"
                + (" (or the session has not started yet)." if change.only_after_start else "."),
                messages.WARNING,
            )

    @admin.action(
        description="Confirm this request",
        description_plural="Confirm selected requests",
        permissions=["change"],
        location=BOTH_PAGES,
    )
    def confirm(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_status(request, queryset, CONFIRM)

    @admin.action(
        description="Decline this request",
        description_plural="Decline selected requests",
        permissions=["change"],
        location=BOTH_PAGES,
    )
    def decline(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_status(request, queryset, DECLINE)

    @admin.action(description="Mark completed", permissions=["change"], location=BOTH_PAGES)
    def complete(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_status(request, queryset, COMPLETE)

    @admin.action(description="Mark no-show", permissions=["change"], location=BOTH_PAGES)
    def no_show(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_status(request, queryset, NO_SHOW)

    @admin.action(description="Cancel (by the spa)", permissions=["change"], location=BOTH_PAGES)
    def cancel_by_spa(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_status(request, queryset, CANCEL)

    # --- A client's data on request (GDPR Art. 15 and 17; see bookings/privacy.py) --------

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return _may_erase(request)

    @admin.action(description="Export the selected clients' data (JSON)", permissions=["view"])
    def export_client_data(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return export_response(request, set(queryset.values_list("client_email", flat=True)))

    @admin.action(description="Erase the selected clients' personal data", permissions=["erase"])
    def erase_client_data(self, request: HttpRequest, queryset: QuerySet):
        return erase_with_confirmation(
            self, request, queryset, set(queryset.values_list("client_email", flat=True))
        )

    # --- Review queue and the day's schedule ------------------------------------------

    def review_queue_url(self, request: HttpRequest) -> str:
        """The changelist narrowed to undecided requests, flagged ones first, then by time."""
        columns = list(self.get_list_display(request))
        if self.get_actions(request):
            columns.insert(0, "action_checkbox")
        order = f"-{columns.index('review_badge')}.{columns.index('starts')}"
        query = urlencode(
            {"status__in": f"{Status.REQUESTED},{Status.AWAITING_CLEARANCE}", "o": order}
        )
        return f"{reverse('admin:bookings_appointment_changelist')}?{query}"

    def changelist_view(self, request: HttpRequest, extra_context=None):
        context = {"review_queue_url": self.review_queue_url(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def get_urls(self):
        today = path(
            "today/",
            self.admin_site.admin_view(self.today_view),
            name="bookings_appointment_today",
        )
        insights_page = path(
            "insights/",
            self.admin_site.admin_view(self.insights_view),
            name="bookings_appointment_insights",
        )
        return [today, insights_page, *super().get_urls()]

    def insights_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("bookings.view_appointment"):
            raise PermissionDenied
        # Two fixed periods; anything else in the query string falls back to the default.
        days = 90 if request.GET.get("days") == "90" else 30
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Insights: the last {days} days",
            "days": days,
            "periods": [30, 90],
            "charts": insights.charts(timezone.now() - timedelta(days=days)),
        }
        return TemplateResponse(request, "admin/bookings/appointment/insights.html", context)

    def today_view(self, request: HttpRequest) -> HttpResponse:
        """The old "Today's schedule" address: the day is on the staff calendar now."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = {"who": "all"}
        if raw := request.GET.get("date"):
            query["date"] = raw[:40]
        return HttpResponseRedirect(f"{reverse('staff:day')}?{urlencode(query)}")


@admin.register(HealthAccess)
class HealthAccessAdmin(admin.ModelAdmin):
    """The owner's read-only log of who opened which client's health answers."""

    list_display = ["at_local", "user", "record"]
    list_filter = ["user"]
    date_hierarchy = "at"
    list_select_related = ["user", "answers"]
    fields = ("at_local", "user", "record")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="When", ordering="at")
    def at_local(self, obj: HealthAccess) -> str:
        return _local(obj.at)

    @admin.display(description="Whose answers")
    def record(self, obj: HealthAccess) -> str:
        answers = obj.answers
        if answers.appointment_id:
            url = reverse("admin:bookings_appointment_change", args=[answers.appointment_id])
            return format_html('<a href="{}">Appointment {}</a>', url, answers.appointment_id)
        url = reverse("admin:bookings_callbackrequest_change", args=[answers.callback_id])
        return format_html('<a href="{}">Call-back {}</a>', url, answers.callback_id)


# --- Call-backs -----------------------------------------------------------------------


@admin.register(CallbackRequest)
class CallbackRequestAdmin(HealthAnswersMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "phone",
        "email",
        "service",
        "therapist",
        "preferred",
        "created",
        "handled",
    ]
    list_filter = ["handled", "service", "therapist"]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["service", "therapist"]
    actions = ["mark_handled"]
    readonly_fields = [
        "name",
        "email",
        "phone",
        "notes",
        "service",
        "therapist",
        "preferred",
        "created",
        "handled_by",
        "call_page",
    ]
    fieldsets = [
        ("Client", {"fields": ["name", ("phone", "email"), "notes"]}),
        ("What they wanted", {"fields": ["service", "therapist", "preferred", "created"]}),
        ("Handling", {"fields": ["call_page", "handled", "handled_by"]}),
    ]

    @admin.display(description="Calls")
    def call_page(self, obj: CallbackRequest) -> str:
        # Calls are noted, and bookings made, on the staff calendar's call-back page.
        url = reverse("staff:callback", args=[obj.pk])
        calls = obj.calls.count()
        return format_html(
            '{} noted. <a class="button" href="{}">Note a call, or book now</a>', calls, url
        )

    # Call-backs come from the booking flow, when the answers stop online booking.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Preferred time", ordering="preferred_start")
    def preferred(self, obj: CallbackRequest) -> str:
        return _local(obj.preferred_start)

    def save_model(self, request, obj: CallbackRequest, form, change) -> None:
        if "handled" in form.changed_data:
            obj.handled_by = request.user if obj.handled else None
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark handled", permissions=["change"])
    def mark_handled(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(handled=False).update(handled=True, handled_by=request.user)
        self.message_user(
            request, f"{count} call-back{pluralize(count)} marked handled.", messages.SUCCESS
        )


# --- Clients ---------------------------------------------------------------------------


class ClientVisits(TypedDict):
    visit_count: int  # annotated by ClientAdmin.get_queryset


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    """One page per client: visits to come and past, no-shows and cancellations, staff
    notes, and (for their therapist and the owner) their latest answers."""

    list_display = ["name", "email", "phone", "visits", "created"]
    search_fields = ["name", "email", "phone"]
    fields = ["name", "email", "phone", "notes", "summary", "upcoming", "past", "latest_answers"]
    readonly_fields = ["summary", "upcoming", "past", "latest_answers"]
    actions = ["export_client_data", "erase_client_data", "merge_clients"]
    view_on_site = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(visit_count=Count("appointments"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by the first booking or call back with their email

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # erase (the owner's) or merge instead: the diary keeps its visits

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return _may_erase(request)

    @admin.display(description="Appointments", ordering="visit_count")
    def visits(self, obj: WithAnnotations[Client, ClientVisits]) -> int:
        return obj.visit_count

    def _appointments(self, obj: Client) -> list[Appointment]:
        # Read once for the page's several columns, kept on the instance.
        kept = obj.__dict__
        if "_appointment_list" not in kept:
            kept["_appointment_list"] = list(
                obj.appointments.select_related("service", "therapist").order_by("-start")
            )
        return kept["_appointment_list"]

    @admin.display(description="In short")
    def summary(self, obj: Client) -> str:
        if obj.pk is None:
            return "—"
        rows = self._appointments(obj)
        now = timezone.now()
        past = [a for a in rows if a.start < now]
        kept = sum(a.status in (Status.COMPLETED, Status.ARRIVED) for a in past)
        no_shows = sum(a.status == Status.NO_SHOW for a in rows)
        cancelled = sum(a.status == Status.CANCELLED for a in rows)
        late = sum(
            a.status == Status.CANCELLED
            and a.cancelled_by == Appointment.CancelledBy.CLIENT
            and a.status_changed_at > a.start - BookingRules.current().cancellation_cutoff
            for a in rows
        )
        callbacks = obj.callbacks.count()
        return format_html(
            "{} visit{} kept · <strong>{} no-show{}</strong> · {} cancelled ({} inside the "
            "cut-off) · {} call-back request{}",
            kept,
            pluralize(kept),
            no_shows,
            pluralize(no_shows),
            cancelled,
            late,
            callbacks,
            pluralize(callbacks),
        )

    def _table(self, appointments: list[Appointment]) -> str:
        if not appointments:
            return "None."
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("staff:appointment", args=[a.pk]),
                    _local(a.start),
                    a.service.name,
                    a.therapist.display_name,
                    a.get_status_display(),
                )
                for a in appointments
            ),
        )
        return format_html(
            '<table class="client-visits"><thead><tr><th>When</th><th>Session</th>'
            "<th>Therapist</th><th>Status</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Visits to come")
    def upcoming(self, obj: Client) -> str:
        now = timezone.now()
        rows = [a for a in self._appointments(obj) if a.start >= now]
        return self._table(sorted(rows, key=lambda a: a.start))

    @admin.display(description="Past visits")
    def past(self, obj: Client) -> str:
        now = timezone.now()
        return self._table([a for a in self._appointments(obj) if a.start < now])

    def _readable_health(self, request: HttpRequest, obj: Client) -> HealthAnswers | None:
        """The latest answers this member of staff may read (bookings/access.py), if any."""
        answers = obj.health_answers.select_related("appointment", "callback").newest_first()
        return next(
            (
                h
                for h in answers
                if access.can_read_health(request.user, h.appointment or h.callback)
            ),
            None,
        )

    def get_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_fields(request, obj))
        # Only for those who may read some of this client's answers: the field's
        # absence says nothing about whether there are any.
        if obj is None or self._readable_health(request, obj) is None:
            fields.remove("latest_answers")
        return fields

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and (health := self._readable_health(request, obj)):
            obj._client_health = health  # the form's instance: the field below reads it
            HealthAccess.objects.create(answers=health, user=request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="Latest answers you may read")
    def latest_answers(self, obj: Client) -> str:
        health = getattr(obj, "_client_health", None)
        if health is None:
            return "—"
        where = health.appointment or health.callback
        return format_html("<p>Given for: {}</p>{}", where, answers_table(health))

    # --- Export, erase and merge ----------------------------------------------------------

    @admin.action(description="Export the selected clients' data (JSON)", permissions=["view"])
    def export_client_data(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return export_response(request, privacy.emails_of(queryset))

    @admin.action(description="Erase the selected clients' personal data", permissions=["erase"])
    def erase_client_data(self, request: HttpRequest, queryset: QuerySet):
        return erase_with_confirmation(self, request, queryset, privacy.emails_of(queryset))

    @admin.action(description="Merge two records of one person", permissions=["change"])
    def merge_clients(self, request: HttpRequest, queryset: QuerySet):
        clients = list(queryset.order_by("pk"))
        if len(clients) != 2:
            self.message_user(
                request, "Choose exactly two client records to merge.", messages.WARNING
            )
            return None
        keep_pk = request.POST.get("keep", "")
        if request.POST.get("post") == "yes" and keep_pk in {str(c.pk) for c in clients}:
            keep = next(c for c in clients if str(c.pk) == keep_pk)
            other = next(c for c in clients if c.pk != keep.pk)
            keep.absorb(other)
            logger.info("User %s merged client %s into %s.", request.user.pk, other.pk, keep.pk)
            self.message_user(
                request, f"Merged into {keep}: one record, every visit.", messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:bookings_client_change", args=[keep.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Merge these two client records?",
            "clients": [(c, c.appointments.count(), c.callbacks.count()) for c in clients],
            "error": request.POST.get("post") == "yes",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/bookings/client/merge_confirmation.html", context)


# --- Set-up: services, therapists, questionnaire, rules --------------------------------


class ServicePhotoForm(CheckedImageForm):
    """A service's optional photo, checked like every upload (points.images)."""

    image_field = "photo"
    web_field = "photo_web"
    image_required = False

    class Meta:
        model = Service
        fields = [
            "name",
            "slug",
            "summary",
            "description",
            "regions",
            "firm_pressure",
            "duration_minutes",
            "price",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "instant_confirmation",
            "active",
            "order",
            "illustration",
            "photo",
            "pending_image",
            "photo_alt",
        ]

    def clean_photo(self):
        return self.clean_image_upload(self.cleaned_data.get("photo"))

    def clean(self):
        cleaned = super().clean()
        has_photo = cleaned.get("photo") or self.initial.get("photo")
        if has_photo and not cleaned.get("photo_alt"):
            self.add_error("photo_alt", "Describe the photo for people who cannot see it.")
        return cleaned


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServicePhotoForm
    list_display = ["name", "duration_minutes", "price", "instant_confirmation", "active", "order"]
    list_filter = ["active", "regions"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["regions"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "summary", "description", "regions", "firm_pressure"]},
        ),
        (
            "Time and price",
            {
                "fields": [
                    ("duration_minutes", "price"),
                    ("buffer_before_minutes", "buffer_after_minutes"),
                ]
            },
        ),
        ("Booking rules", {"fields": ["instant_confirmation"]}),
        ("Listing", {"fields": ["active", "order"]}),
        (
            "Picture",
            {
                "description": "Each session shows a drawing made for the site; a photo, "
                "when there is one, is shown instead.",
                "fields": ["illustration", "photo", "pending_image", "photo_alt"],
            },
        ),
    ]


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0
    fields = ["weekday", "start", "end"]


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0
    fields = ["start", "end", "reason"]
    verbose_name_plural = "Time off (not yet over)"

    # Past absences stay on the time-off list; the therapist page shows what still matters.
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(end__gte=timezone.now())


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "active"]
    list_filter = ["active", "services"]
    search_fields = ["display_name", "user__username"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["display_name"]}
    filter_horizontal = ["services"]
    inlines = [WorkingHoursInline, TimeOffInline]
    fields = ["user", "display_name", "slug", "bio", "specialties", "photo", "services", "active"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Therapists sign in to the staff site, so only staff accounts can be one.
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["therapist", "start", "end", "reason"]
    list_filter = ["therapist"]
    date_hierarchy = "start"
    list_select_related = ["therapist"]
    ordering = ["-start"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["section", "order", "code", "text", "kind", "on_yes", "active"]
    list_display_links = ["code", "text"]
    list_editable = ["order", "active"]
    list_filter = ["section", "on_yes", "active", "kind"]
    search_fields = ["code", "text", "guidance"]
    filter_horizontal = ["avoid_points", "avoid_regions"]
    readonly_fields = ["version", "updated"]

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        # A JSON list edited as tick boxes of the caution kinds.
        if db_field.name == "avoid_caution_kinds":
            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name.capitalize(),
                choices=Caution.Kind.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("code", "section", "order", "active"),
                    "parent",
                    "text",
                    "help_text",
                    "kind",
                    "choices",
                    "choices_that_trigger",
                    "follow_up",
                ]
            },
        ),
        (
            "What a 'yes' leads to",
            {
                "fields": [
                    "on_yes",
                    "avoid_points",
                    "avoid_regions",
                    "avoid_caution_kinds",
                    "light_pressure_only",
                    "avoid_area",
                    "guidance",
                ]
            },
        ),
        ("Record", {"classes": ["collapse"], "fields": [("version", "updated")]}),
    ]


@admin.register(BookingRules)
class BookingRulesAdmin(admin.ModelAdmin):
    """One row of spa-wide rules: edited in place, never added twice, never deleted."""

    fields = [
        "slot_step_minutes",
        "min_notice_hours",
        "horizon_days",
        "cancellation_cutoff_hours",
        "grace_minutes",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not BookingRules.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        rules = BookingRules.objects.first()
        if rules is not None:
            return HttpResponseRedirect(
                reverse("admin:bookings_bookingrules_change", args=[rules.pk])
            )
        if self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:bookings_bookingrules_add"))
        return super().changelist_view(request, extra_context)


# --- Outgoing email ------------------------------------------------------------------


def email_problems(emails) -> str:
    """A short account of emails not (yet) delivered, for a record's page."""
    rows = [
        e for e in emails if e.state in (OutgoingEmail.State.FAILED, OutgoingEmail.State.PENDING)
    ]
    if not rows:
        return "All sent." if emails else "None yet."
    items = format_html_join(
        "",
        "<li><strong>{}</strong>: {} email, {}. {}</li>",
        (
            (
                "Email not delivered"
                if e.state == OutgoingEmail.State.FAILED
                else "Not sent yet, retrying",
                e.kind,
                f"{e.attempts} attempt{pluralize(e.attempts)}",
                e.last_error or "Waiting for the worker.",
            )
            for e in rows
        ),
    )
    link = reverse("admin:bookings_outgoingemail_changelist") + "?state__exact=failed"
    return format_html(
        '<ul class="email-problems">{}</ul><a href="{}">Undelivered emails</a>', items, link
    )


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Every email the site sent or tried to send: staff resend what did not arrive."""

    list_display = [
        "created",
        "kind",
        "about",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
    ]
    list_filter = ["state", "kind"]
    list_select_related = ["appointment", "callback"]
    actions = ["send_again"]
    fields = (
        "kind",
        "about",
        "state",
        "attempts",
        "last_error",
        "created",
        "next_attempt_at",
        "sent_at",
        "staff_alerted_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="About")
    def about(self, obj: OutgoingEmail) -> str:
        if obj.appointment_id:
            url = reverse("admin:bookings_appointment_change", args=[obj.appointment_id])
            return format_html('<a href="{}">Appointment {}</a>', url, obj.appointment_id)
        if obj.callback_id:
            url = reverse("admin:bookings_callbackrequest_change", args=[obj.callback_id])
            return format_html('<a href="{}">Call-back {}</a>', url, obj.callback_id)
        return "Staff mailbox"

    @admin.action(description="Send again", permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        from bookings.notifications import send_again

        count = send_again(queryset)
        skipped = queryset.count() - count
        if count:
            self.message_user(
                request,
                f"{count} email{pluralize(count)} queued to be sent again.",
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                f"{skipped} skipped: only undelivered emails can be sent again.",
                messages.WARNING,
            )
