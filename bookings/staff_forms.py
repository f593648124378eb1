"""Forms for the staff calendar: booking for a client, moving, statuses, calls, time off."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from django import forms
from django.utils import timezone

from bookings.forms import DetailsForm, HealthForm, clean_text, parse_start
from bookings.models import CallNote, Service, Therapist, TimeOff


class SlotChoiceForm(forms.Form):
    """Service, therapist and day: the free times below are computed from these (GET)."""

    service = forms.ModelChoiceField(
        queryset=Service.objects.active(), empty_label=None, label="Session"
    )
    therapist = forms.ModelChoiceField(
        queryset=Therapist.objects.active(), empty_label=None, label="Therapist"
    )
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        service, therapist = cleaned.get("service"), cleaned.get("therapist")
        if service and therapist and not therapist.services.filter(pk=service.pk).exists():
            self.add_error("therapist", f"{therapist} does not offer {service}.")
        day = cleaned.get("day")
        if day and not 2000 <= day.year <= 2999:
            self.add_error("day", "Choose a day like 2026-03-14.")
        return cleaned


class StartChoiceForm(forms.Form):
    start = forms.ChoiceField(
        label="Time", error_messages={"required": "Choose one of the free times."}
    )

    def __init__(self, *args, starts: list[datetime], **kwargs):
        super().__init__(*args, **kwargs)
        # `fields` maps names to the base Field; this one is the ChoiceField above.
        cast(forms.ChoiceField, self.fields["start"]).choices = [
            (s.isoformat(), f"{timezone.localtime(s):%H:%M}") for s in starts
        ]
        self.fields["start"].error_messages["invalid_choice"] = (
            "That time is no longer free. Choose one of the free times."
        )

    def clean_start(self) -> datetime | None:
        return parse_start(self.cleaned_data["start"])


class ClientForm(DetailsForm):
    """The client's details as the desk types them: the booking flow's own rules."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Client's name"
        self.fields["email"].help_text = "The confirmation and calendar file go here."
        self.fields["phone"].help_text = ""
        self.fields["notes"].label = "Notes for the therapist (optional)"
        self.fields["notes"].help_text = "Preferences only; health questions come next."

    def clean(self):
        # No honeypot or fill-time check: a signed-in member of staff fills this in.
        return forms.Form.clean(self)


def phone_health_form(data, *, questions, initial=None) -> HealthForm:
    form = HealthForm(data, questions=questions, initial=initial, prefix="h")
    form.fields["health_consent"].label = (
        "The client agreed on the phone that the spa keeps these answers: only their "
        "therapist and the owner read them."
    )
    form.fields["health_consent"].error_messages["required"] = (
        "Ask the client for their agreement to keep the answers before booking."
    )
    return form


class QuestionsForm(forms.Form):
    how = forms.ChoiceField(
        label="The health questions",
        choices=[
            ("phone", "Ask them on the phone now"),
            ("link", "Email the client a link to answer them before the visit"),
        ],
        initial="phone",
        required=False,  # on the phone, unless the link is chosen
        widget=forms.RadioSelect,
    )


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label="Your decision after talking to the client",
        help_text="Who decided and why, e.g. 'Cleared by Lena after the call'. "
        "No health details here.",
        max_length=200,
        required=False,
    )

    def clean_decision(self) -> str:
        return clean_text(self.cleaned_data["decision"])


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        error_messages={"required": "Say why the spa cancels (the client is told)."},
    )

    def clean_reason(self) -> str:
        return clean_text(self.cleaned_data["reason"])


class CallNoteForm(forms.ModelForm):
    class Meta:
        model = CallNote
        fields = ["outcome", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Booked" is recorded by booking, not by saying so. (The model field's choices
        # make a ChoiceField; `fields` is typed with the base Field.)
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [
            c for c in CallNote.Outcome.choices if c[0] != CallNote.Outcome.BOOKED
        ]

    def clean_note(self) -> str:
        note = clean_text(self.cleaned_data["note"])
        if self.cleaned_data.get("outcome") == CallNote.Outcome.CLOSED and not note:
            raise forms.ValidationError("Say why the request is closed.")
        return note


class TimeOffForm(forms.ModelForm):
    start = forms.DateTimeField(
        label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label="Until", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = TimeOff
        fields = ["therapist", "start", "end", "reason"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", "The block must end after it starts.")
        return cleaned


def parse_day(raw: str | None) -> date | None:
    try:
        day = date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2999 else None
