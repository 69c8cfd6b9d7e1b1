from __future__ import annotations

from typing import Any

from django import forms

from lantern.core import normalisers
from lantern.core.forms import NormalisedField, PartialDateField
from lantern.people.models import Sex
from lantern.people.services import NewPerson


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or NHS number",
        max_length=200,
        required=False,
        help_text="For example, 'Jade Smith 14/02/2009' or '999 000 0018'",
    )


class NewPersonForm(forms.Form):
    given_name = forms.CharField(label="First name", max_length=100)
    middle_names = forms.CharField(label="Middle names", max_length=200, required=False)
    family_name = forms.CharField(label="Last name", max_length=100)
    known_as = forms.CharField(
        label="Also known as",
        max_length=100,
        required=False,
        help_text="A nickname or another name they use, if you know one",
    )
    date_of_birth = PartialDateField(
        label="Date of birth",
        required=False,
        help_text=(
            "For example, 17/05/2009. If you only know the month or year, enter 05/2009 or 2009"
        ),
    )
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, initial=Sex.NOT_KNOWN, widget=forms.RadioSelect
    )
    nhs_number = NormalisedField(
        normalisers.normalise_nhs_number,
        label="NHS number",
        max_length=20,
        help_text="If you know it: 10 digits",
    )
    postcode = NormalisedField(normalisers.normalise_postcode, label="Postcode", max_length=10)
    address_line = forms.CharField(label="Address", max_length=300, required=False)
    phone = NormalisedField(normalisers.normalise_phone, label="Phone number", max_length=30)
    email = NormalisedField(normalisers.normalise_email, label="Email address", max_length=200)

    def new_person(self) -> NewPerson:
        data: dict[str, Any] = self.cleaned_data
        return NewPerson(
            given_name=data["given_name"],
            family_name=data["family_name"],
            middle_names=data.get("middle_names", ""),
            known_as=data.get("known_as", ""),
            date_of_birth=data.get("date_of_birth"),
            sex=data.get("sex") or Sex.NOT_KNOWN,
            nhs_number=data.get("nhs_number", ""),
            postcode=data.get("postcode", ""),
            address_line=data.get("address_line", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        )
