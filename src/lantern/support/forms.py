from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lantern.agencies.models import Agency
from lantern.core.forms import DayField, free_text
from lantern.support.models import Attendance, GroundsDecision, Initiator, NrmRoute, VoiceKind
from lantern.support.rules import contact_types, outcome_scales
from lantern.support.services import key_worker_candidates

YES_NO = [("yes", "Yes"), ("no", "No")]


def _blank_first(label: str, choices: Any) -> list[tuple[Any, str]]:
    return [("", label), *list(choices)]


class AnyDayField(forms.CharField):
    """A full date typed as 17/05/2026 (or 2026-05-17), past or future."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", "For example, 27/03/2026")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> date | None:
        text = super().clean(value)
        if not text:
            return None
        for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %m %Y"):
            try:
                return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 - a calendar day
            except ValueError:
                continue
        raise ValidationError("Enter a real date, like 27/03/2026", code="invalid_date")


class ContactForm(forms.Form):
    occurred_on = DayField(label="Date of the contact")
    contact_type = forms.ChoiceField(
        label="Type of contact",
        choices=lambda: _blank_first("Choose a type", contact_types().choices()),
        error_messages={"required": "Select the type of contact"},
    )
    planned = forms.ChoiceField(
        label="Was it planned?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the contact was planned"},
    )
    initiated_by = forms.ChoiceField(
        label="Who started it?",
        choices=Initiator.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who started the contact"},
    )
    attendance = forms.ChoiceField(
        label="Did it happen?",
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the contact happened"},
    )
    note = free_text(
        "Short note", required=False, help_text="What was talked about; the person's words"
    )
    next_contact_on = AnyDayField(
        label="Next planned contact (optional)", required=False, help_text="For example, 27/03/2026"
    )


class KeyWorkerForm(forms.Form):
    worker = forms.TypedChoiceField(
        label="Key worker",
        coerce=int,
        choices=lambda: _blank_first("Choose a worker", key_worker_candidates()),
        error_messages={"required": "Choose the key worker"},
    )
    reason = free_text(
        "Reason for the change",
        help_text="Continuity matters to the person: say why this worker, and why now",
    )


class VoiceForm(forms.Form):
    said_on = DayField(label="Date they said it")
    kind = forms.ChoiceField(
        label="What is it?",
        choices=VoiceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a wish, a feeling or an outcome"},
    )
    words = free_text("In their own words", help_text="Quote the person; do not summarise")


class ConsentForm(forms.Form):
    given_on = DayField(label="Date consent was given")
    what = free_text("What the person agreed to share")
    agencies = forms.ModelMultipleChoiceField(
        label="With which agencies",
        queryset=Agency.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the agencies the person agreed to share with"},
    )


class WithdrawForm(forms.Form):
    withdrawn_on = DayField(label="Date consent was withdrawn")
    withdrawn_reason = free_text("What the person said")


class OutcomeForm(forms.Form):
    measured_on = DayField(label="Date of the measure")
    note = free_text("Note (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scales = outcome_scales()
        self.scale_codes = [s.code for s in scales.scales]
        for s in scales.scales:
            self.fields[s.code] = forms.TypedChoiceField(
                label=s.label,
                coerce=int,
                required=False,
                empty_value=None,
                choices=_blank_first(
                    "Not scored",
                    [(n, str(n)) for n in range(scales.minimum, scales.maximum + 1)],
                ),
                help_text=f"{scales.minimum}: {s.low} – {scales.maximum}: {s.high}",
            )

    def scores(self) -> dict[str, int]:
        return {
            code: self.cleaned_data[code]
            for code in self.scale_codes
            if self.cleaned_data.get(code) is not None
        }

    def scale_fields(self) -> list[forms.BoundField]:
        return [self[code] for code in self.scale_codes]


class NrmReferralForm(forms.Form):
    route = forms.ChoiceField(
        label="Route",
        choices=NrmRoute.choices,
        widget=forms.RadioSelect,
        help_text=(
            "An adult must consent to a referral; without consent, public bodies notify the "
            "Home Office anonymously. Children need no consent."
        ),
        error_messages={"required": "Select a referral or the duty to notify"},
    )
    first_responder = forms.ModelChoiceField(
        label="First-responder organisation",
        queryset=Agency.objects.order_by("name"),
        empty_label="Choose the organisation",
        error_messages={"required": "Choose the first-responder organisation"},
    )
    referred_on = DayField(label="Date of the referral or notification")
    consent_given = forms.BooleanField(label="The adult consented to the referral", required=False)
    note = free_text("Note (optional)", required=False)


class NrmDecisionForm(forms.Form):
    stage = forms.ChoiceField(
        label="Which decision",
        choices=[
            ("reasonable_grounds", "Reasonable grounds"),
            ("conclusive_grounds", "Conclusive grounds"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select which decision this is"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=GroundsDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select positive or negative"},
    )
    decided_on = DayField(label="Date of the decision")
