"""The standard person-extract layout (docs/imports.md), declared once.

An extract in this layout needs no mapping profile; the synthetic extracts are written in it,
linkage prepares its columns and the bench reads it. Plain data, importable without Django.
"""

from __future__ import annotations

#: The columns that describe the person, in the layout's order.
PERSON_COLUMNS: tuple[str, ...] = (
    "first_name",
    "middle_names",
    "last_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "postcode",
    "address",
    "phone",
    "email",
)
#: The documented standard person-extract layout, in its column order.
STANDARD_COLUMNS: tuple[str, ...] = ("record_id", "source", *PERSON_COLUMNS)
