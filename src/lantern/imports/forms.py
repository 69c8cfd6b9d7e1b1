"""Forms for importing extracts, fixing quarantined rows and loading mapping profiles.

Forms only parse what was typed; the services check it against the data and the policy.
"""

from __future__ import annotations

from typing import Any

from django import forms

from lantern.agencies.models import Agency, AgencyKind
from lantern.core.forms import free_text
from lantern.imports.models import QuarantinedRow
from lantern.imports.queries import profile_choices
from lantern.imports.rows import EDITABLE_FIELDS, Mapping, split_full_name
from lantern.people.services import DEFAULT_LAWFUL_BASIS

STANDARD_LAYOUT = ""
MAX_UPLOAD_HINT = "CSV or XLSX. A large file is imported in the background."


class ExtractUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the extract",
        help_text=MAX_UPLOAD_HINT,
        error_messages={"required": "Choose the file to import", "empty": "The file is empty"},
    )
    agency = forms.ModelChoiceField(
        label="Which agency supplied it?",
        queryset=Agency.objects.none(),
        empty_label="Choose the agency",
        error_messages={"required": "Choose the agency that supplied the extract"},
    )
    profile = forms.ChoiceField(
        label="Layout",
        help_text="The standard person-extract layout needs no mapping profile",
        required=False,
    )
    source = forms.CharField(
        label="Source system (optional)",
        help_text="For example police-niche. Leave empty to use the profile's, or the agency's "
        "code",
        required=False,
        max_length=60,
    )
    sharing_agreement = forms.CharField(
        label="Data-sharing agreement",
        help_text="The agreement this extract is shared under, for example "
        "'Northwick MASH information-sharing agreement v3 (2025)'",
        max_length=200,
        error_messages={"required": "Name the data-sharing agreement"},
    )
    lawful_basis = forms.CharField(
        label="Lawful basis",
        max_length=300,
        initial=DEFAULT_LAWFUL_BASIS,
        widget=forms.Textarea,
        error_messages={"required": "Give the lawful basis the sharing relies on"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field: Any = self.fields["agency"]
        agency_field.queryset = Agency.objects.filter(is_active=True).exclude(kind=AgencyKind.HUB)
        profile_field: Any = self.fields["profile"]
        profile_field.choices = [
            (STANDARD_LAYOUT, "Standard layout (no profile)"),
            *profile_choices(),
        ]


FIELD_LABELS = {
    "record_id": "Record ID",
    "source": "Source system",
    "agency": "Agency code",
    "first_name": "First name",
    "middle_names": "Middle names",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "nhs_number": "NHS number",
    "postcode": "Postcode",
    "address": "Address",
    "phone": "Phone",
    "email": "Email",
}
FIELD_HINTS = {
    "agency": "Leave empty for the agency that supplied the extract",
    "source": "Leave empty for the extract's source system",
    "date_of_birth": "For example 17/05/2009, May 2009 or 2009",
    "sex": "female, male, other or not known (or a code the profile maps)",
}


class QuarantineFixForm(forms.Form):
    """The row as supplied, one field per value, to correct and import again."""

    def __init__(self, *args: Any, row: QuarantinedRow, mapping: Mapping, **kwargs: Any) -> None:
        kwargs.setdefault("initial", initial_values(row, mapping))
        super().__init__(*args, **kwargs)
        for name in EDITABLE_FIELDS:
            self.fields[name] = forms.CharField(
                label=FIELD_LABELS[name],
                help_text=FIELD_HINTS.get(name, ""),
                required=False,
                max_length=400,
                strip=True,
            )
        self.fields["record_id"].required = True
        self.fields["record_id"].error_messages["required"] = "Every row needs a record ID"
        self.fields["address"].widget = forms.Textarea()

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in EDITABLE_FIELDS}


def initial_values(row: QuarantinedRow, mapping: Mapping) -> dict[str, str]:
    """The quarantined row's values by field; a full name split as the import splits it."""
    raw = dict(row.raw)
    if raw.get("full_name") and not (raw.get("first_name") or raw.get("last_name")):
        first, middle, last = split_full_name(raw["full_name"], mapping.full_name_order)
        raw.update(first_name=first, middle_names=middle, last_name=last)
    return {name: str(raw.get(name, "")) for name in EDITABLE_FIELDS}


class DiscardRowForm(forms.Form):
    reason = forms.CharField(
        label="Why is this row being discarded?",
        max_length=300,
        error_messages={"required": "Say why this row is being discarded"},
    )


class WithdrawExtractForm(forms.Form):
    reason = free_text(
        "Why is this extract being withdrawn?",
        help_text="For example: supplied outside the sharing agreement, or the wrong file",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Say why this extract is being withdrawn"


class ProfileUploadForm(forms.Form):
    text = forms.CharField(
        label="Mapping profile (YAML)",
        help_text="Paste the profile, or upload it below",
        required=False,
        widget=forms.Textarea,
        max_length=200_000,
    )
    file = forms.FileField(label="Or upload a YAML file", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            try:
                data["text"] = upload.read(200_001).decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("file", "Save the profile as UTF-8 text")
        if not data.get("text") and not self.errors:
            self.add_error("text", "Paste a mapping profile or upload one")
        return data
