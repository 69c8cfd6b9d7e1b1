from __future__ import annotations

from typing import Any

from django import forms


class CaseStudyForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Anonymised: no names, places, dates or anything else that could identify "
        "a person. A second person reads it before it can leave the hub.",
    )
    learning = forms.CharField(
        label="What the partnership learned", widget=forms.Textarea(attrs={"rows": 6})
    )
    themes = forms.CharField(
        label="Themes",
        required=False,
        help_text="One per line, for example: Recognising exploitation of adults",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def theme_list(self) -> list[str]:
        text: str = self.cleaned_data.get("themes") or ""
        return [line for line in text.splitlines() if line.strip()]


class PackImportForm(forms.Form):
    pack = forms.FileField(label="Learning pack (JSON)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack"].widget.attrs["accept"] = "application/json,.json"


class PeriodForm(forms.Form):
    period = forms.CharField(label="Quarter", required=False, max_length=10)
