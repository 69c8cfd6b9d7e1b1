"""Forms for record linkage. They parse and keep what was typed; services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from lantern.core.forms import free_text
from lantern.linkage.models import Decision


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these two records the same person?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select match, not a match or not sure"},
    )
    note = free_text(
        "Note",
        required=False,
        help_text="What made up your mind, or what you are not sure about (needed for 'not sure')",
    )


class ThresholdsForm(forms.Form):
    upper_threshold = forms.FloatField(
        label="Link automatically at or above",
        min_value=0.0,
        max_value=1.0,
        help_text="A match probability, for example 0.99",
        error_messages={"invalid": "Enter a probability like 0.99"},
    )
    lower_threshold = forms.FloatField(
        label="Send to review at or above",
        min_value=0.0,
        max_value=1.0,
        help_text="Pairs below this are taken as different people, for example 0.5",
        error_messages={"invalid": "Enter a probability like 0.5"},
    )


class MatchSearchForm(forms.Form):
    """Details to look for across all agencies' records (any may be left empty)."""

    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = forms.CharField(
        label="Date of birth",
        max_length=40,
        required=False,
        help_text="For example, 17/05/2009, 05/2009 or 2009",
    )
    nhs_number = forms.CharField(label="NHS number", max_length=20, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    email = forms.CharField(label="Email address", max_length=200, required=False)

    def details(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class MergeForm(forms.Form):
    other = forms.CharField(
        label="The other person's reference",
        max_length=20,
        help_text="For example, P-000123: their record will be merged into this one",
    )
    reason = free_text(
        "Why are they the same person?",
        help_text="Say what the records have in common, and how you checked",
    )


class UndoMergeForm(forms.Form):
    reason = free_text(
        "Why are they different people?",
        help_text="Everything the merge moved goes back; this is recorded with the unmerge",
    )

    def __init__(self, *args: Any, placements: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.placements = [p for p in placements if not p.automatic]
        for placement in self.placements:
            self.fields[self.field_name(placement)] = forms.ChoiceField(
                label=placement.description,
                choices=[("survivor", "Stays"), ("absorbed", "Goes back")],
                initial=placement.default,
                widget=forms.RadioSelect,
                required=False,
            )

    @staticmethod
    def field_name(placement: Any) -> str:
        key: str = placement.item.key
        return "place_" + key.replace(".", "_").replace(":", "_")

    def choices(self) -> dict[str, str]:
        return {
            p.item.key: self.cleaned_data.get(self.field_name(p)) or p.default
            for p in self.placements
        }

    def placement_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(p)] for p in self.placements]
