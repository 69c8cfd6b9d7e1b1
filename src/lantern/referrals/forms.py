from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from lantern.agencies.models import Agency
from lantern.core.forms import DayField, free_text
from lantern.referrals.conclusions import categories
from lantern.referrals.models import Outcome, Urgency
from lantern.referrals.services import concern_vocabulary

YES_NO = [("yes", "Yes"), ("no", "No")]


class ReferralForm(forms.Form):
    concern_categories = forms.MultipleChoiceField(
        label="What are you worried about?",
        help_text="Select all that apply",
        choices=concern_vocabulary,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one concern"},
    )
    what_was_seen = free_text(
        "What did you see or were you told?",
        help_text=(
            "Dates, places, names of anyone involved, and the person's own words if you have them"
        ),
    )
    urgency = forms.ChoiceField(
        label="How urgent is this?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how urgent this is"},
    )


class ConfirmNewPersonForm(forms.Form):
    confirm_new = forms.BooleanField(
        label="None of these is the person I am referring", required=False
    )


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class TriageDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    rationale = free_text("Reasons for the decision")
    s42_care_and_support_needs = forms.ChoiceField(
        label="Does the adult have needs for care and support (whether or not they are met)?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    s42_at_risk_of_abuse = forms.ChoiceField(
        label="Are they experiencing, or at risk of, abuse or neglect (exploitation included)?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    s42_unable_to_protect = forms.ChoiceField(
        label="As a result of those needs, are they unable to protect themselves?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    single_agency = forms.ModelChoiceField(
        label="Agency that will respond (single-agency response)",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        empty_label="Choose an agency",
    )
    message_to_referrer = free_text(
        "Message to the referrer",
        required=False,
        help_text="What the referring practitioner should know or do next",
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        agency = data.get("single_agency")
        return {
            "outcome": data["outcome"],
            "rationale": data["rationale"],
            "s42_care_and_support_needs": _yes_no(data.get("s42_care_and_support_needs")),
            "s42_at_risk_of_abuse": _yes_no(data.get("s42_at_risk_of_abuse")),
            "s42_unable_to_protect": _yes_no(data.get("s42_unable_to_protect")),
            "single_agency_id": agency.pk if agency else None,
            "message_to_referrer": data.get("message_to_referrer", ""),
        }


def _choices(section: str) -> Callable[[], list[tuple[str, str]]]:
    return lambda: categories().choices(section)


def _radios(label: str, section: str, required_message: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=_choices(section),
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
        **kwargs,
    )


class EnquiryConclusionForm(forms.Form):
    """How an adult safeguarding enquiry concluded, in the Safeguarding Adults Collection's
    categories (``referrals/data/enquiry_conclusions.yaml``)."""

    concluded_on = DayField(
        label="Date the enquiry concluded",
        error_messages={"required": "Enter the date the enquiry concluded"},
    )
    types_of_risk = forms.MultipleChoiceField(
        label="Types of risk",
        help_text="Select all that the enquiry found",
        choices=_choices("types_of_risk"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one type of risk"},
    )
    location_of_risk = _radios(
        "Where was the risk?", "locations_of_risk", "Select where the risk was"
    )
    source_of_risk = _radios(
        "Who or what was the source of the risk?",
        "sources_of_risk",
        "Select the source of the risk",
    )
    risk_assessment = _radios(
        "Was a risk identified?",
        "risk_assessments",
        "Select whether a risk was identified",
        help_text=(
            "Choose “Enquiry ceased at the individual's request” when the person asked for "
            "the enquiry to stop and no further action was taken"
        ),
    )
    outcomes_asked = _radios(
        "Was the person asked what outcomes they wanted?",
        "desired_outcomes_asked",
        "Select whether the person was asked about the outcomes they wanted",
    )
    outcomes_achieved = _radios(
        "Were the outcomes the person wanted achieved?",
        "desired_outcomes_achieved",
        "Select whether the outcomes the person wanted were achieved",
        required=False,
        help_text="Only when the person was asked and said what they wanted",
    )
    amendment_reason = free_text(
        "Why are you amending the conclusion?",
        required=False,
        help_text="The earlier version is kept and shown with the referral",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The questions a risk assessment asks are shown under it (GOV.UK conditional
        # reveal), so each choice that asks them has its own copy: ``action_taken__<code>``
        # and ``risk_outcome__<code>``. Without scripts every copy shows, under its choice.
        for assessed in categories().section("risk_assessments"):
            if assessed.action_taken:
                self.fields[f"action_taken__{assessed.code}"] = forms.TypedChoiceField(
                    label="Was action taken?",
                    choices=[("yes", "Yes, action was taken"), ("no", "No action was taken")],
                    coerce=lambda value: value == "yes",
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                )
            if assessed.risk_outcome:
                self.fields[f"risk_outcome__{assessed.code}"] = _radios(
                    "What happened to the risk?",
                    "risk_outcomes",
                    "Select whether the risk was removed, reduced or remains",
                    required=False,
                    help_text="Only when action was taken",
                )
        # In the page's order, so the error summary lists problems as the page shows them.
        order = list(self.fields)
        nested = [n for n in order if "__" in n]
        rest = [n for n in order if "__" not in n]
        at = rest.index("risk_assessment") + 1
        self.order_fields([*rest[:at], *nested, *rest[at:]])

    def _with_nested(
        self, name: str, nested: dict[str, list[str]]
    ) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (option, [self[inner] for inner in nested.get(str(option.data["value"]), [])])
            for option in self[name]
        ]

    def risk_assessment_options(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """Each risk assessment choice with the questions shown under it."""
        nested = {
            c.code: [
                n
                for n in (f"action_taken__{c.code}", f"risk_outcome__{c.code}")
                if n in self.fields
            ]
            for c in categories().section("risk_assessments")
        }
        return self._with_nested("risk_assessment", nested)

    def achieved_nested(self) -> bool:
        """Whether "were the outcomes achieved" is shown under its one choice (an area's
        file with several such choices shows it after the question instead)."""
        return len([c for c in categories().section("desired_outcomes_asked") if c.achieved]) == 1

    def outcomes_asked_options(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """Each answer about desired outcomes with the question shown under it."""
        nested = {
            c.code: ["outcomes_achieved"]
            for c in categories().section("desired_outcomes_asked")
            if c.achieved and self.achieved_nested()
        }
        return self._with_nested("outcomes_asked", nested)

    def service_field(self, name: str) -> str:
        """The field on this form for a service's field name (a nested question's copy
        under the chosen risk assessment)."""
        if name in ("action_taken", "risk_outcome"):
            chosen = f"{name}__{self.cleaned_data.get('risk_assessment', '')}"
            if chosen in self.fields:
                return chosen
        return name

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        cats = categories()
        assessed = cats.get("risk_assessments", data["risk_assessment"])
        # An answer to a question the chosen assessment does not ask (hidden under another
        # choice when scripts run) is left out; contradictions the service refuses.
        code = data["risk_assessment"]
        action_taken = data.get(f"action_taken__{code}") if assessed else None
        risk_outcome = (data.get(f"risk_outcome__{code}") or "") if assessed else ""
        return {
            "concluded_on": data["concluded_on"],
            "types_of_risk": list(data["types_of_risk"]),
            "location_of_risk": data["location_of_risk"],
            "source_of_risk": data["source_of_risk"],
            "risk_assessment": data["risk_assessment"],
            "action_taken": action_taken,
            "risk_outcome": risk_outcome,
            "outcomes_asked": data["outcomes_asked"],
            "outcomes_achieved": data.get("outcomes_achieved") or "",
            "amendment_reason": data.get("amendment_reason") or "",
        }
