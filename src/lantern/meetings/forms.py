from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from lantern.actions.forms import DueDateField
from lantern.core.access import RestrictedCategory
from lantern.core.forms import TimeOfDayField, free_text
from lantern.meetings.models import Attendance, HandlingCode
from lantern.meetings.types import choices as meeting_type_choices

CASE_REFERENCE = re.compile(r"^\s*(?:C-?)?0*(\d{1,9})\s*$", re.IGNORECASE)


class ScheduleForm(forms.Form):
    meeting_type = forms.ChoiceField(
        label="Type of meeting",
        choices=meeting_type_choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of meeting"},
    )
    title = forms.CharField(
        label="Title", required=False, max_length=200, help_text="Leave blank to use the type"
    )
    held_on = DueDateField(label="Date", required=True, help_text="For example, 27/03/2026")
    held_time = TimeOfDayField(
        label="Time", required=True, help_text="24-hour clock, for example 10:00"
    )
    location = forms.CharField(label="Where", required=False, max_length=200)
    case_reference = forms.CharField(
        label="Case reference",
        required=False,
        max_length=20,
        help_text="For a meeting about one case (a strategy discussion, for example): C-000123",
    )

    def clean_case_reference(self) -> int | None:
        text = self.cleaned_data.get("case_reference", "")
        if not text:
            return None
        match = CASE_REFERENCE.match(text)
        if not match:
            raise ValidationError("Enter a case reference like C-000123")
        return int(match.group(1))


class AgendaForm(forms.Form):
    chosen = forms.MultipleChoiceField(
        label="Proposed items", required=False, widget=forms.CheckboxSelectMultiple
    )
    added = free_text(
        "Add items", required=False, help_text="One item a line, for example: Any other business"
    )

    def __init__(self, *args: Any, proposals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["chosen"]).choices = [
            (p.key, p.title) for p in proposals
        ]


class AttendanceForm(forms.Form):
    def __init__(self, *args: Any, invitations: list[Any], others: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rows = []
        for invitation in invitations:
            key = f"attendance_{invitation.agency_id}"
            self.fields[key] = forms.ChoiceField(
                label=invitation.agency.name,
                choices=Attendance.choices,
                initial=invitation.attendance,
                widget=forms.RadioSelect,
            )
            who = f"attendees_{invitation.agency_id}"
            self.fields[who] = forms.CharField(
                label=f"Who came from {invitation.agency.name}",
                required=False,
                max_length=300,
                initial=invitation.attendees,
            )
            self.rows.append((self[key], self[who]))
        self.fields["invite"] = forms.TypedChoiceField(
            label="Add an agency",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "No other agency")] + [(a.pk, a.name) for a in others],
        )


class NoteForm(forms.Form):
    note_agency = forms.TypedChoiceField(
        label="Shared by", coerce=int, required=False, empty_value=None
    )
    note_text = free_text("What was shared", required=False)
    restricted_category = forms.ChoiceField(
        label="Restricted category",
        required=False,
        choices=[("", "Not restricted"), *RestrictedCategory.choices],
        help_text="Only the agency that shared it will read it in the minutes",
    )
    handling_code = forms.ChoiceField(
        label="Handling code (intelligence)",
        required=False,
        choices=HandlingCode.choices,
        help_text="C: shared only with conditions; other agencies' minutes redact it",
    )
    conditions = forms.CharField(
        label="Conditions (handling code C)", required=False, max_length=300
    )
    decisions = free_text("Decisions", required=False)

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["note_agency"]).choices = [("", "Choose an agency")] + [
            (a.pk, a.name) for a in agencies
        ]


class IssueForm(forms.Form):
    correction_reason = free_text(
        "What does this correction change, and why?",
        required=False,
        help_text="Needed when minutes have already been issued",
    )


class PlanForm(forms.Form):
    goals = free_text("Goals", help_text="One goal a line, in plain language")
    person_words = free_text(
        "What the person wants, in their own words",
        help_text="Write their words, not a summary",
    )
    review_on = DueDateField(
        label="Next review", required=True, help_text="For example, 27/03/2026"
    )
    review_note = free_text(
        "What did the review find?", required=False, help_text="Needed when reviewing a plan"
    )

    def goal_lines(self) -> list[str]:
        return [line for line in self.cleaned_data["goals"].splitlines() if line.strip()]
