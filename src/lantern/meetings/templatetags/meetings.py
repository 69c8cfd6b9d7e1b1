"""Template helpers for meetings."""

from __future__ import annotations

from django import template

from lantern.meetings.agenda import source_label
from lantern.meetings.types import meeting_type

register = template.Library()


@register.filter
def meeting_type_label(code: str) -> str:
    kind = meeting_type(code)
    return kind.label if kind else code


@register.filter
def agenda_source_label(code: str) -> str:
    return ", ".join(source_label(c) for c in code.split(",") if c)
