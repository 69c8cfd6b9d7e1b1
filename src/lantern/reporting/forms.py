from __future__ import annotations

from django import forms

from lantern.reporting.models import RecommendationScope, RecommendationStatus


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        label="Narrative",
        help_text="What the board should take from this quarter, in a few paragraphs. No names.",
        widget=forms.Textarea(attrs={"rows": 10, "class": "govuk-textarea"}),
        max_length=10000,
    )


class RecommendationForm(forms.Form):
    review = forms.CharField(label="Review", max_length=200)
    code = forms.CharField(label="Number", max_length=20)
    scope = forms.ChoiceField(label="Local or national", choices=RecommendationScope.choices)
    theme = forms.CharField(label="Theme", max_length=100, required=False)
    text = forms.CharField(label="Recommendation", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label="Owner", max_length=200)
    actions = forms.CharField(
        label="Actions", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence_of_impact = forms.CharField(
        label="Evidence of impact", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    status = forms.ChoiceField(label="Status", choices=RecommendationStatus.choices)
    review_date = forms.DateField(
        label="Review date",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="For example, 31/03/2027",
    )
