from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.actions.models import ActionStatus
from lantern.agencies.models import Agency
from lantern.core import normalisers
from lantern.core.forms import free_text


class DueDateField(forms.CharField):
    """A due date typed as 17/05/2026; today or later."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        try:
            parsed = normalisers.parse_partial_date(
                text, today=timezone.localdate().replace(year=timezone.localdate().year + 5)
            )
        except ValidationError:
            raise ValidationError("Enter a date like 17/05/2026") from None
        if parsed.precision != "day":
            raise ValidationError("Enter the full date, including the day")
        return parsed.earliest()


class ActionForm(forms.Form):
    """An action set at a meeting or in a plan."""

    title = forms.CharField(label="Action", max_length=300)
    owner_agency = forms.TypedChoiceField(label="Owning agency", coerce=int)
    due_working_days = forms.IntegerField(
        label="Due in working days",
        required=False,
        min_value=1,
        max_value=260,
        help_text="Weekends and bank holidays are not counted. Or give a date below.",
    )
    due_on = DueDateField(label="Or due on", help_text="For example, 27/03/2026")

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = agencies if agencies is not None else Agency.objects.order_by("name")
        cast(forms.ChoiceField, self.fields["owner_agency"]).choices = [
            ("", "Choose an agency")
        ] + [(a.pk, a.name) for a in rows]


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    outcome = free_text(
        "Outcome",
        required=False,
        help_text="What came of it. Needed to close the action as done or cancelled.",
    )


class ChaseForm(forms.Form):
    note = free_text("Message to the agency", required=False)
