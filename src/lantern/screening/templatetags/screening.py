"""Template helpers for screening pages: level tags and restricted-category names."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from lantern.core.access import RestrictedCategory
from lantern.screening.instruments import InstrumentDef

register = template.Library()

#: GOV.UK tag colours from the lowest level to the highest.
LEVEL_COLOURS = ("grey", "yellow", "orange", "red")


@register.simple_tag
def level_tag(rank: Any, label: Any, levels: int = 4) -> SafeString:
    """A level as a coloured tag: the colour says how far up the instrument's scale it is."""
    if rank is None or rank == "":
        return format_html('<strong class="govuk-tag govuk-tag--grey">Not screened</strong>')
    steps = max(int(levels) - 1, 1)
    index = round(int(rank) * (len(LEVEL_COLOURS) - 1) / steps)
    colour = LEVEL_COLOURS[max(0, min(index, len(LEVEL_COLOURS) - 1))]
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.filter
def restricted_label(code: str) -> str:
    try:
        return str(RestrictedCategory(code).label)
    except ValueError:
        return code


@register.filter
def band_label(code: str, spec: InstrumentDef) -> str:
    try:
        return spec.band(code).label
    except KeyError:
        return code


@register.filter
def level_label(code: str, spec: InstrumentDef) -> str:
    try:
        return spec.level(code).label
    except KeyError:
        return code


@register.filter
def indicator_label(code: str, spec: InstrumentDef) -> str:
    indicator = spec.indicators.get(code)
    return indicator.label if indicator else code
