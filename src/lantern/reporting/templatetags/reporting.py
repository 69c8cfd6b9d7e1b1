from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def table_rows(table: dict[str, Any]) -> dict[str, Any]:
    """A stored published table with its body zipped for the template: (label, cells, total)."""
    rows = list(zip(table["row_labels"], table["cells"], table["row_totals"], strict=True))
    return {**table, "rows": rows}
