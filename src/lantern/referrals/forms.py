from __future__ import annotations

from typing import Any

from django import forms

from lantern.agencies.models import Agency
from lantern.core.forms import free_text
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
