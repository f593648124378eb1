"""Forms for each step of the booking flow and the private booking page."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from django import forms
from django.conf import settings
from django.core import signing

from bookings.models import Question, Service, Therapist
from points.forms import SlugChoiceField

if TYPE_CHECKING:
    # The mixin is only ever mixed into a Form: type-check it as one.
    _FormBase = forms.Form
else:
    _FormBase = object

# Bumped whenever the consent wording changes: each answer keeps the version agreed to.
CONSENT_VERSION = "2026-12"
ANY = "any"


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Normalise Unicode and drop control characters (keeping line breaks in notes)."""
    value = unicodedata.normalize("NFC", value)
    allowed = {"\n"} if multiline else set()
    value = "".join(ch for ch in value if ch in allowed or unicodedata.category(ch)[0] != "C")
    if multiline:
        return "\n".join(line.rstrip() for line in value.strip().splitlines())
    return " ".join(value.split())


class ServiceForm(forms.Form):
    service = SlugChoiceField(
        queryset=Service.objects.active(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which session would you like?",
        error_messages={
            "required": "Choose a session to continue.",
            "invalid_choice": "That session is not available. Choose one from the list.",
        },
    )


class TherapistForm(forms.Form):
    therapist = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Who would you like to see?",
        error_messages={
            "required": "Choose a therapist, or 'Whoever is free first'.",
            "invalid_choice": "That therapist does not offer this session. Choose from the list.",
        },
    )

    def __init__(self, *args, therapists: list[Therapist], **kwargs):
        """`therapists`: those offering the chosen service (views._offering)."""
        super().__init__(*args, **kwargs)
        self.therapists = therapists
        # `fields` is typed with the base Field; this one is the ChoiceField above.
        cast(forms.ChoiceField, self.fields["therapist"]).choices = [
            (ANY, "Whoever is free first")
        ] + [(t.slug, t.display_name) for t in self.therapists]


class TimeForm(forms.Form):
    """The chosen start, as an ISO time from the list of free slots."""

    start = forms.CharField(
        label="Time",
        max_length=40,
        error_messages={"required": "Choose a time from the list."},
    )

    def clean_start(self) -> datetime:
        value = parse_start(self.cleaned_data["start"])
        if value is None:
            raise forms.ValidationError("Choose a time from the list.")
        return value


def parse_start(raw) -> datetime | None:
    """An ISO time with its offset, in UTC; None for anything else.

    Years are kept to 2000-2999: at the ends of the calendar, moving a time
    to UTC or to the spa's time zone overflows (OverflowError, not ValueError).
    """
    try:
        value = datetime.fromisoformat(raw.strip())
        if value.tzinfo is None:
            return None
        value = value.astimezone(UTC)
    except (AttributeError, TypeError, ValueError, OverflowError):
        return None
    return value if 2000 <= value.year <= 2999 else None


class HumanCheckMixin(_FormBase):
    """A honeypot and a minimum fill time, against simple form bots.

    Neither is a form field (cleaned_data stays as it was): the template
    renders an empty, hidden `honeypot_name` input and `issued_token`, a
    signed time stamp of `stamp_for` (a nonce the view keeps server-side and
    replaces once the form is accepted, so each stamp is good for one form
    and once). A filled honeypot, a form sent back sooner than
    SPA_MIN_FILL_SECONDS (0 turns the stamp check off), or a missing, forged,
    day-old, replayed or another visitor's stamp fails with a neutral message
    and nothing is kept. A `returning` person (who already passed once for
    this booking, and came back with "Change" or after a time was taken) is
    not timed again.
    """

    honeypot_name = "website"
    issued_name = "issued"
    issued_salt = "bookings.human-check"
    issued_max_age = 24 * 3600
    human_check_error = "Please check your details, then press Continue again."

    def __init__(self, *args, stamp_for: str = "form", returning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp_for = stamp_for
        self.returning = returning

    def clean(self):
        cleaned = super().clean()
        if self.data.get(self.honeypot_name) or not self._filled_slowly():
            raise forms.ValidationError(self.human_check_error, code="human_check")
        return cleaned

    def _filled_slowly(self) -> bool:
        minimum = settings.SPA_MIN_FILL_SECONDS
        if minimum <= 0:
            return True
        token = str(self.data.get(self.issued_name, ""))
        signer = signing.TimestampSigner(salt=self.issued_salt)
        try:
            value = signer.unsign(token, max_age=self.issued_max_age)
        except signing.BadSignature:  # SignatureExpired included
            return False
        if value != self.stamp_for:
            return False  # issued for another form, or already used
        # A person who was quick keeps their stamp, so the next try passes.
        self._issued = token
        if self.returning:
            return True
        try:
            signer.unsign(token, max_age=minimum)
        except signing.SignatureExpired:
            return True
        return False

    @property
    def issued_token(self) -> str:
        issued = getattr(self, "_issued", None)
        return issued or signing.TimestampSigner(salt=self.issued_salt).sign(self.stamp_for)


PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{7,25}$")


class TelInput(forms.TextInput):
    input_type = "tel"  # a phone keypad on phones


class DetailsForm(HumanCheckMixin, forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "Tell us your name.",
            "max_length": "Please shorten your name to %(limit_value)d characters.",
        },
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="We send the confirmation here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Tell us your email address: we send the confirmation there.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    phone = forms.CharField(
        label="Phone",
        max_length=30,
        help_text="In case we need to reach you about the visit.",
        widget=TelInput(attrs={"autocomplete": "tel"}),
        error_messages={
            "required": "Tell us a phone number, in case we need to reach you about the visit.",
        },
    )
    notes = forms.CharField(
        label="Anything your therapist should know? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example pressure you like or areas to focus on. Health questions come next.",
    )

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Tell us your name.")
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self) -> str:
        phone = clean_text(self.cleaned_data["phone"])
        digits = re.sub(r"\D", "", phone)
        if not PHONE_RE.match(phone) or not 7 <= len(digits) <= 15:
            raise forms.ValidationError(
                "Enter a phone number with 7 to 15 digits, e.g. (555) 010-4477."
            )
        return phone

    def clean_notes(self) -> str:
        return clean_text(self.cleaned_data["notes"], multiline=True)


YES_NO = [("no", "No"), ("yes", "Yes")]
DOES_NOT_APPLY = "Doesn't apply (I answered no above)"


def retention_period(months: int | None = None) -> str:
    """SPA_HEALTH_RETENTION_MONTHS in words, as the consent promises it ("two years")."""
    months = settings.SPA_HEALTH_RETENTION_MONTHS if months is None else months
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    if months % 12 == 0 and months // 12 in words:
        years = months // 12
        return f"{words[years]} year{'s' if years > 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


class HealthForm(forms.Form):
    """The contraindications questionnaire, built from the active questions."""

    def __init__(self, *args, questions: list[Question], consent: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            name = f"q_{q.code}"
            # A follow-up is answered only after a "yes" to its parent (see clean()).
            required = not q.parent_id
            if q.kind == Question.Kind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    help_text=q.help_text,
                    choices=YES_NO,
                    required=required,
                    widget=forms.RadioSelect,
                    error_messages={"required": "Please answer yes or no."},
                )
            elif q.kind == Question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    help_text=q.help_text,
                    required=required,
                    choices=([("", DOES_NOT_APPLY)] if q.parent_id else [])
                    + [(o, o) for o in q.option_list()],
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": "Please choose one.",
                        "invalid_choice": "Please choose one of the options.",
                    },
                )
            else:
                self.fields[name] = forms.CharField(
                    label=q.text,
                    help_text=q.help_text,
                    required=False,
                    max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            if q.follow_up:
                self.fields[f"d_{q.code}"] = forms.CharField(
                    label=q.follow_up,
                    help_text="Only if you answered yes.",
                    required=False,
                    max_length=300,
                )
        if not consent:
            return  # the pre-visit check: the booking's consent covers these answers
        self.fields["health_consent"] = forms.BooleanField(
            label=(
                "I agree that the spa may keep these answers to make my session safe. "
                "Only the therapist I am booked with and the owner can read them, and "
                f"they are deleted {retention_period()} after my visit."
            ),
            error_messages={
                "required": "We can only book a session with your agreement to keep these answers."
            },
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for key, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[key] = clean_text(value, multiline=key.startswith("q_"))
        self._check_follow_ups(cleaned)
        return cleaned

    def _check_follow_ups(self, cleaned: dict) -> None:
        """A follow-up must be answered after a "yes", and must never contradict a "no"."""
        by_code = {q.code: q for q in self.questions}
        for q in self.questions:
            parent = by_code.get(q.parent.code) if q.parent is not None else None
            if parent is None:
                continue
            parent_answer = cleaned.get(f"q_{parent.code}", "")
            answer = cleaned.get(f"q_{q.code}", "")
            if parent_answer == "yes" and not answer and q.kind != Question.Kind.TEXT:
                self.add_error(f"q_{q.code}", "You answered yes above: please choose one.")
            elif parent_answer == "no" and answer and answer != "no":
                self.add_error(
                    f"q_{parent.code}",
                    f"Your answer to “{q.text}” below says yes. Please check both answers.",
                )
                self.add_error(
                    f"q_{q.code}",
                    f"You answered no to “{parent.text}” above, but chose an answer here. "
                    f"Please check both answers, or choose “{DOES_NOT_APPLY}”.",
                )

    def error_label(self, name: str) -> str:
        """How the error summary names a field: "Question 4", not its whole text."""
        if name == "health_consent":
            return "Your agreement to keep the answers"
        code = name[2:]
        for _, rows in self.question_sections():
            for number, question, _field, _detail in rows:
                if question.code == code:
                    return f"Question {number}" + (" (the detail)" if name[0] == "d" else "")
        return str(self[name].label)

    def question_sections(self) -> list[tuple[str, list[tuple]]]:
        """Questions grouped under their section headings, in section order, each as
        (number, question, answer field, follow-up field or None)."""
        rank = {value: i for i, value in enumerate(Question.Section.values)}
        ordered = sorted(self.questions, key=lambda q: (rank.get(q.section, 99), q.order, q.pk))
        sections: list[tuple[str, list[tuple]]] = []
        for number, q in enumerate(ordered, start=1):
            label = Question.Section(q.section).label if q.section in rank else ""
            if not sections or sections[-1][0] != label:
                sections.append((label, []))
            detail = self[f"d_{q.code}"] if q.follow_up else None
            sections[-1][1].append((number, q, self[f"q_{q.code}"], detail))
        return sections

    def answer_rows(self) -> list[dict]:
        """What is stored and screened: a snapshot of each question as asked."""
        rows = []
        for q in self.questions:
            rows.append(
                {
                    "code": q.code,
                    "question": q.text,
                    "version": q.version,
                    "kind": q.kind,
                    "answer": self.cleaned_data.get(f"q_{q.code}", ""),
                    "detail": self.cleaned_data.get(f"d_{q.code}", ""),
                }
            )
        return rows


class ReviewForm(forms.Form):
    """Sending the request: the one consent asked for is the health one, on its own step.
    The cancellation policy stands beside the button that sends, in plain words."""
