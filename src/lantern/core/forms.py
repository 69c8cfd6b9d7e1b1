"""Form fields that validate and normalise with :mod:`lantern.core.normalisers`.

Each field keeps what was typed when it is refused, so a form re-shows the person's input.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.core import normalisers
from lantern.core.errors import DomainError
from lantern.core.limits import MAX_TEXT

MAX_FREE_TEXT = MAX_TEXT


class NormalisedField(forms.CharField):
    normalise: Callable[[str], Any]

    def __init__(self, normalise: Callable[[str], Any], **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)
        self.normalise = normalise

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return text
        return self.normalise(text)


class PartialDateField(forms.CharField):
    """Accepts 17/05/2009, May 2009 or 2009 (for a date of birth, not in the future)."""

    def __init__(self, *, date_of_birth: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.date_of_birth = date_of_birth

    def clean(self, value: Any) -> normalisers.PartialDate | None:
        text = super().clean(value)
        if not text:
            return None
        if self.date_of_birth:
            return normalisers.parse_date_of_birth(text)
        return normalisers.parse_partial_date(text)


class DayField(forms.CharField):
    """A full date typed as 17/05/2026 (or 2026-05-17), not in the future."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", "For example, 27/03/2026")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> date | None:
        text = super().clean(value)
        if not text:
            return None
        parsed = normalisers.parse_partial_date(text, today=timezone.localdate())
        if parsed.precision != "day":
            raise ValidationError("Enter the full date, including the day", code="date_incomplete")
        return parsed.earliest()


class TimeOfDayField(forms.TimeField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", ["%H:%M", "%H.%M", "%H%M"])
        kwargs.setdefault("help_text", "Optional, 24-hour clock, for example 21:30")
        kwargs.setdefault(
            "error_messages", {"invalid": "Enter a time like 21:30, or leave it blank"}
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> time | None:
        result: time | None = super().clean(value)
        return result


def free_text(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_FREE_TEXT,
        help_text=help_text,
        widget=forms.Textarea,
        strip=True,
        error_messages={
            "max_length": f"Write no more than {MAX_FREE_TEXT:,} characters "
            "(you wrote %(show_value)d)",
        },
    )


def apply_service_errors(form: forms.BaseForm, exc: ValidationError | DomainError) -> None:
    """Show a service's error on the form, field by field where it names fields."""
    if isinstance(exc, DomainError) and not isinstance(exc, ValidationError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
