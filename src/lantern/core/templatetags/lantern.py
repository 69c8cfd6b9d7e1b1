"""Template helpers for GOV.UK Frontend markup and the hub's vocabularies."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms, template

from lantern.core.vocab import vocabulary

register = template.Library()


@register.filter
def widget_type(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def isodate(value: str) -> date | str:
    """A date kept as ISO text (e.g. in a revision's JSON) as a date, for the ``date`` filter."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.filter
def event_label(code: str) -> str:
    return vocabulary("cases", "event_types").label(code)


@register.filter
def concern_label(code: str) -> str:
    return vocabulary("referrals", "concern_categories").label(code)


@register.filter
def care_need_label(code: str) -> str:
    return vocabulary("people", "care_needs").label(code)


@register.filter
def status_flag_label(code: str) -> str:
    return vocabulary("people", "status_flags").label(code)


_TAG_COLOURS = {
    "immediate": "red",
    "high": "orange",
    "standard": "grey",
    "medium": "yellow",
    "low": "grey",
    "open": "blue",
    "closed": "grey",
    "stepped_down": "turquoise",
    "submitted": "yellow",
    "decided": "green",
    "withdrawn": "grey",
}


@register.simple_tag
def tag(value: Any, label: Any = None) -> str:
    from django.utils.html import format_html

    colour = _TAG_COLOURS.get(str(value), "grey")
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label or value
    )
