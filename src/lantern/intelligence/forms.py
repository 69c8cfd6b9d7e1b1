from __future__ import annotations

from typing import Any

from django import forms

from lantern.agencies.models import Agency
from lantern.intelligence import terms
from lantern.intelligence.models import (
    EntityKind,
    HandlingCode,
    IntelAssessment,
    LinkSource,
    SourceEvaluation,
)
from lantern.people.models import Sex


def _blank(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, registration, number, handle or postcode", required=False, max_length=200
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=_blank("Any kind", list(EntityKind.choices))
    )


class EntityForm(forms.Form):
    label = forms.CharField(label="Name", max_length=300)
    subtype = forms.ChoiceField(label="Type", required=False)
    colour = forms.CharField(label="Colour", required=False, max_length=40)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    latitude = forms.FloatField(label="Latitude (optional)", required=False)
    longitude = forms.FloatField(label="Longitude (optional)", required=False)
    date_of_birth = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        help_text="For example, 27 3 1990 or 1990-03-27",
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    confirm_new = forms.BooleanField(
        label="None of these is the one I mean: record a new one", required=False
    )

    LABELS = {
        EntityKind.LOCATION: ("Premises name or address", "Type of place"),
        EntityKind.VEHICLE: ("Registration", "Make"),
        EntityKind.PHONE: ("Phone number", ""),
        EntityKind.HANDLE: ("Handle", "Platform"),
        EntityKind.PERSON: ("Full name", ""),
    }
    PLATFORMS = [
        ("snapchat", "Snapchat"),
        ("instagram", "Instagram"),
        ("whatsapp", "WhatsApp"),
        ("tiktok", "TikTok"),
        ("facebook", "Facebook"),
        ("telegram", "Telegram"),
        ("x", "X"),
        ("discord", "Discord"),
        ("other", "Other"),
    ]

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        label, subtype = self.LABELS[EntityKind(kind)]
        self.fields["label"].label = label
        if kind == EntityKind.LOCATION:
            self.fields["subtype"].choices = _blank("Choose a type", terms.location_type_choices())  # type: ignore[attr-defined]
            self.fields["subtype"].required = True
        elif kind == EntityKind.HANDLE:
            self.fields["subtype"].choices = _blank("Choose a platform", self.PLATFORMS)  # type: ignore[attr-defined]
            self.fields["subtype"].required = True
        elif kind == EntityKind.VEHICLE:
            self.fields["subtype"] = forms.CharField(label="Make", required=False, max_length=40)
        else:
            del self.fields["subtype"]
        if subtype and "subtype" in self.fields:
            self.fields["subtype"].label = subtype
        if kind != EntityKind.VEHICLE:
            del self.fields["colour"]
        if kind not in (EntityKind.LOCATION, EntityKind.PERSON):
            del self.fields["postcode"]
        if kind != EntityKind.LOCATION:
            del self.fields["latitude"], self.fields["longitude"]
        if kind != EntityKind.PERSON:
            del self.fields["date_of_birth"]


class ConcernForm(forms.Form):
    aliases = forms.CharField(
        label="Aliases and nicknames",
        required=False,
        help_text="One per line",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    modus_operandi = forms.MultipleChoiceField(
        label="How they are believed to operate",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modus_operandi"].choices = terms.mo_tag_choices()  # type: ignore[attr-defined]


class EndConcernForm(forms.Form):
    reason = forms.CharField(
        label="Why is this person no longer of concern?", widget=forms.Textarea
    )


class LinkForm(forms.Form):
    link_type = forms.ChoiceField(label="How are they linked?")
    date_from = forms.DateField(
        label="Date (or start of the period)",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        help_text="For example, 2026-03-27",
    )
    date_to = forms.DateField(
        label="End of the period (optional)",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
    )
    source_kind = forms.ChoiceField(
        label="Where does this come from?", choices=LinkSource.choices, initial=LinkSource.REPORT
    )
    source_reference = forms.CharField(
        label="Intelligence report reference", required=False, max_length=200
    )
    source_entry_id = forms.IntegerField(label="Chronology entry number", required=False)
    source_referral_id = forms.IntegerField(label="Referral number", required=False)
    source_eval = forms.ChoiceField(
        label="Source evaluation", choices=_blank("Choose", list(SourceEvaluation.choices))
    )
    intel_assessment = forms.ChoiceField(
        label="Intelligence assessment", choices=_blank("Choose", list(IntelAssessment.choices))
    )
    handling = forms.ChoiceField(
        label="Handling code", choices=HandlingCode.choices, initial=HandlingCode.P
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, kind_a: str, kind_b: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link_type"].choices = _blank("Choose", terms.link_type_choices(kind_a, kind_b))  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class DisruptionForm(forms.Form):
    activity = forms.ChoiceField(label="Activity")
    occurred_on = forms.DateField(
        label="Date",
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        help_text="For example, 2026-03-27",
    )
    outcome = forms.CharField(
        label="Outcome", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = _blank("Choose", terms.disruption_choices(kind))  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    objective = forms.CharField(
        label="What is the plan to achieve?", widget=forms.Textarea(attrs={"rows": 3})
    )
    review_on = forms.DateField(
        label="Review date (optional)",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
    )


class AcceptAlertForm(forms.Form):
    start = forms.ChoiceField(
        label="What should accepting it start?",
        choices=[
            ("referral", "A referral about this person"),
            ("case", "An entry in an open case"),
        ],
        widget=forms.RadioSelect,
    )
    case_id = forms.IntegerField(label="Case number (to add it to a case)", required=False)
    reason = forms.CharField(
        label="Why (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PathForm(forms.Form):
    a = forms.IntegerField(label="From entity number")
    b = forms.IntegerField(label="To entity number")


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]


class ProfileForm(forms.Form):
    """The recorded half of a person of concern's structured profile."""

    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.NOT_KNOWN)
    group_role = forms.ChoiceField(label="Role in a group", required=False)
    victim_approaches = forms.MultipleChoiceField(
        label="How victims were met",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that victims and practitioners describe",
    )
    first_concern_on = forms.DateField(
        label="First concern known to any service (if earlier than anything linked)",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 2024-06-30",
    )
    review_on = forms.DateField(
        label="Review the profile by", required=False, input_formats=DATE_FORMATS
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_role"].choices = _blank(  # type: ignore[attr-defined]
            "Not assessed yet", terms.group_role_choices()
        )
        self.fields["victim_approaches"].choices = terms.victim_approach_choices()  # type: ignore[attr-defined]


class EarlierContactForm(forms.Form):
    """An earlier contact with a service that was a chance to intervene."""

    occurred_on = forms.DateField(label="Date of the contact", input_formats=DATE_FORMATS)
    contact_type = forms.ChoiceField(label="What kind of contact")
    agency = forms.ModelChoiceField(
        label="Partner agency",
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label="Another service (name it below)",
    )
    service_name = forms.CharField(label="Other service", required=False, max_length=200)
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_type"].choices = _blank(  # type: ignore[attr-defined]
            "Choose", terms.earlier_contact_choices()
        )
