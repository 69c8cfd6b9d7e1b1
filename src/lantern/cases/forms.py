from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from lantern.agencies.models import Agency
from lantern.cases.models import CaseStatus, Significance
from lantern.cases.services import event_types
from lantern.core.access import RestrictedCategory
from lantern.core.forms import DayField, TimeOfDayField, free_text


def _blank_first(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *list(choices)]


class ChronologyEntryForm(forms.Form):
    occurred_on = DayField(label="Date of the event")
    occurred_time = TimeOfDayField(label="Time")
    event_type = forms.ChoiceField(
        label="Type of event",
        choices=lambda: _blank_first("Choose a type", event_types()),
        error_messages={"required": "Select the type of event"},
    )
    significance = forms.ChoiceField(
        label="Significance",
        required=False,
        choices=_blank_first("Use the default for this type", Significance.choices),
    )
    summary = free_text(
        "What happened", help_text="Facts first; quote the person's own words where you can"
    )
    restricted_category = forms.ChoiceField(
        label="Restricted category",
        required=False,
        choices=_blank_first("Not restricted", RestrictedCategory.choices),
        help_text=(
            "Only people who hold the category will see the content; others see that it exists"
        ),
    )


class AmendEntryForm(ChronologyEntryForm):
    reason = free_text("Why are you correcting this entry?")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["restricted_category"]


class ChronologyFilterForm(forms.Form):
    agency = forms.TypedMultipleChoiceField(
        label="Agency", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    event_type = forms.MultipleChoiceField(
        label="Type", required=False, choices=event_types, widget=forms.CheckboxSelectMultiple
    )
    significance = forms.MultipleChoiceField(
        label="Significance",
        required=False,
        choices=Significance.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = DayField(label="From", required=False, help_text="")
    date_to = DayField(label="To", required=False, help_text="")

    def __init__(
        self, *args: Any, agencies: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies or []  # type: ignore[attr-defined]


class CaseUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=CaseStatus.choices, widget=forms.RadioSelect)
    lead_professional = forms.ModelChoiceField(
        label="Lead professional",
        queryset=get_user_model()
        .objects.filter(memberships__agency__kind="hub", memberships__is_active=True)
        .distinct()
        .order_by("last_name", "first_name"),
    )
    summary = free_text("Case summary", required=False)


class AddAgencyForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency to join the case",
        queryset=Agency.objects.filter(is_active=True),
        empty_label="Choose an agency",
    )


class RestrictedAccessForm(forms.Form):
    category = forms.ChoiceField(
        label="Which restricted entries do you need to read?",
        choices=RestrictedCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which restricted category you need"},
    )
    reason = free_text(
        "Why do you need them?",
        help_text="What you need to know, and to keep whom safe. A manager reads this.",
    )


class AccessDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or refuse"},
    )
    note = free_text(
        "Note for the person who asked",
        required=False,
        help_text="Required when you refuse: say why",
    )


class BreakGlassReviewForm(forms.Form):
    note = free_text(
        "Your review", help_text="What you checked, and whether the emergency access was justified"
    )


class CloseCaseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=lambda: _blank_first("Choose a reason", _closure_reasons()),
        error_messages={"required": "Select why the case is closing"},
    )
    reason_detail = free_text("More about the reason (optional)", required=False)
    # Required by the service (which says what is missing), so the form does not refuse first.
    step_down_plan = free_text(
        "Step-down plan",
        required=False,
        help_text=(
            "Who supports the person now, what they will do, and how the person or an agency "
            "can come back to the hub"
        ),
    )


def _closure_reasons() -> list[tuple[str, str]]:
    from lantern.cases.services import closure_reasons

    return closure_reasons()


class FollowUpForm(forms.Form):
    done_on = DayField(label="Date of the check-in")
    outcome = free_text("How is the person, and what was agreed?")
    concerns = forms.BooleanField(
        label="There are new concerns (this reopens the case)", required=False
    )
