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

#: Values that mean "not known", in any case: read as empty wherever a record is read (an
#: import, or linkage reading a file or the records), unless a profile gives its own list.
NOT_KNOWN_VALUES: frozenset[str] = frozenset(
    {"", "null", "none", "n/a", "#n/a", "na", "n/k", "nk", "not known", "unknown", "-"}
)
