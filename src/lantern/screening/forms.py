"""The screening form, built from the instrument version it is filled in against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from lantern.core.forms import DayField, free_text
from lantern.screening.instruments import Answer, Indicator, InstrumentDef, Theme
from lantern.screening.models import AnswerChoice, Audience, CapacityOutcome
from lantern.screening.queries import NewScreening, SuggestionView
from lantern.screening.services import CapacityInput


@dataclass
class IndicatorRow:
    indicator: Indicator
    answer: forms.BoundField
    evidence: forms.BoundField
    observed: forms.BoundField
    suggestions: list[SuggestionView]


@dataclass
class ThemeRows:
    theme: Theme
    rows: list[IndicatorRow]


class ScreeningForm(forms.Form):
    """One radio group per indicator (present, not present, not known), with evidence and
    the date last seen; then the practitioner's judgement. Nothing is preselected."""

    instrument_version = forms.IntegerField(widget=forms.HiddenInput)
    case = forms.IntegerField(widget=forms.HiddenInput, required=False)
    referral = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, new: NewScreening, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spec = new.spec
        assert spec is not None  # noqa: S101 - the view renders no form without an instrument  # nosec B101
        self.spec: InstrumentDef = spec
        self.new = new
        undated = spec.band(spec.undated_band).label.lower()
        undated_hint = f"For example 27/03/2026. If not known, it counts as {undated}"
        for indicator in spec.indicators.values():
            code = indicator.code
            self.fields[f"answer_{code}"] = forms.ChoiceField(
                label=indicator.label,
                choices=AnswerChoice.choices,
                widget=forms.RadioSelect,
                help_text=indicator.description,
                error_messages={
                    "required": f"Select present, not present or not known: {indicator.label}"
                },
            )
            self.fields[f"evidence_{code}"] = free_text(
                "Evidence",
                required=False,
                help_text="What was seen or said, by whom (needed if present)",
            )
            self.fields[f"observed_{code}"] = DayField(
                label="Last seen",
                required=False,
                help_text=undated_hint,
            )
        self.fields["level"] = forms.ChoiceField(
            label="Your professional judgement of the level",
            choices=[(lv.code, lv.label) for lv in spec.levels],
            widget=forms.RadioSelect,
            required=False,
            help_text="If it differs from the computed level, say why below; both are kept",
        )
        self.fields["judgement_reason"] = free_text(
            "Why your judgement differs from the computed level", required=False
        )
        msp = spec.making_safeguarding_personal
        self.fields["person_words"] = free_text(
            "The person's own words" if msp else "What the child said, in their own words",
            required=False,
            help_text="What they told you about their situation"
            + (" (or why they could not be asked)" if msp else ""),
        )
        self.fields["desired_outcomes"] = free_text(
            "The outcomes the person wants" if msp else "What the child wants to happen",
            required=False,
            help_text="Making Safeguarding Personal: ask what they want to change" if msp else "",
        )
        if not new.audience_known:
            self.fields["audience"] = forms.ChoiceField(
                label="Their date of birth is not known. Which instrument applies?",
                choices=Audience.choices,
                widget=forms.RadioSelect,
                initial=Audience.CHILDREN,
                required=False,
            )

    def themes(self) -> list[ThemeRows]:
        return [
            ThemeRows(
                theme=theme,
                rows=[
                    IndicatorRow(
                        indicator=indicator,
                        answer=self[f"answer_{indicator.code}"],
                        evidence=self[f"evidence_{indicator.code}"],
                        observed=self[f"observed_{indicator.code}"],
                        suggestions=self.new.for_indicator(indicator.code),
                    )
                    for indicator in theme.indicators
                ],
            )
            for theme in self.spec.themes
        ]

    def answers(self) -> list[Answer]:
        data = self.cleaned_data
        return [
            Answer(
                indicator=code,
                answer=data.get(f"answer_{code}") or "",
                last_observed=data.get(f"observed_{code}"),
                evidence=data.get(f"evidence_{code}") or "",
            )
            for code in self.spec.indicators
        ]


class CapacityForm(forms.Form):
    """One capacity assessment, for one named decision. A row with no decision is skipped."""

    decision = forms.ChoiceField(label="Decision", required=False)
    decision_detail = forms.CharField(
        label="Which (for example the person named)",
        required=False,
        max_length=300,
    )
    assessed_on = DayField(label="Date of the assessment", required=False)
    assessor = forms.CharField(label="Assessed by (name and role)", required=False, max_length=200)
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=CapacityOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    notes = free_text("Notes", required=False)

    def __init__(self, *args: Any, spec: InstrumentDef, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            ("", "No assessment to record"),
            *((d.code, d.label) for d in spec.capacity_decisions),
        ]
        self.spec = spec

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("decision"):
            return data
        decision = self.spec.capacity_decision(data["decision"])
        if decision is not None and decision.needs_detail and not data.get("decision_detail"):
            self.add_error("decision_detail", f"Say which ({decision.label.lower()})")
        if not data.get("assessed_on"):
            self.add_error("assessed_on", "Enter the date of the assessment")
        if not data.get("assessor", "").strip():
            self.add_error("assessor", "Say who assessed capacity, and their role")
        if not data.get("outcome"):
            self.add_error("outcome", "Select the outcome of the assessment")
        return data

    def capacity_input(self) -> CapacityInput | None:
        data = self.cleaned_data
        if not data.get("decision"):
            return None
        return CapacityInput(
            decision=data["decision"],
            decision_detail=data.get("decision_detail", ""),
            assessed_on=data["assessed_on"],
            assessor=data["assessor"],
            outcome=data["outcome"],
            notes=data.get("notes", ""),
        )


class BaseCapacityFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def inputs(self) -> list[CapacityInput]:
        return [row for form in self.forms if (row := form.capacity_input()) is not None]


CapacityFormSet = forms.formset_factory(
    CapacityForm, formset=BaseCapacityFormSet, extra=2, max_num=10, validate_max=True
)
