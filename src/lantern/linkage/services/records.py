"""Agency records as linkage reads them (rows, frames, what each record says about its person), the
involvement a record gives its agency, and the service linkage acts as.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db.models.fields.json import KT

from lantern.core import system
from lantern.core.access import Actor, Role
from lantern.core.normalisers import (
    PartialDate,
    normalise_email,
    normalise_phone,
    normalise_postcode,
)
from lantern.imports.models import PERSON_FIELDS, SourceRecord
from lantern.imports.rows import as_supplied
from lantern.people import services as people_services
from lantern.people.models import (
    DatePrecision,
    Involvement,
    InvolvementBasis,
    Person,
    Sex,
)
from lantern.people.services import NewPerson, involvement_ensure

SERVICE_USERNAME = "lantern-linkage"


NAME_FIELDS = ("first_name", "middle_names", "last_name")


RECORD_FIELDS = (
    "pk",
    "agency_id",
    "source",
    "record_id",
    *PERSON_FIELDS,
    "person_id",
    "extract__lawful_basis",
    "extract__sharing_agreement",
)


LINKAGE_SERVICE = system.declare(
    system.Service(
        username=SERVICE_USERNAME,
        title="Record linkage",
        # Runs, training and the merges a run makes: linkage_run allows hub analysts.
        role=Role.ANALYST,
        purpose="record linkage",
    )
)


def system_actor(*, channel: str = "task") -> Actor:
    """The hub's record-linkage service (:data:`LINKAGE_SERVICE`), for runs nobody started
    by hand: a hub analyst under the access policy, audited under its own name."""
    return system.service_actor(LINKAGE_SERVICE, channel=channel)


def active_records() -> Any:
    return SourceRecord.objects.filter(withdrawn_at__isnull=True)


def records_frame(records: Iterable[dict[str, Any]]) -> pa.Table:
    """Source records (as ``values()`` dicts) in the standard layout, keyed by pk."""
    columns: dict[str, list[Any]] = {name: [] for name in ("unique_id", *PERSON_FIELDS)}
    for row in records:
        columns["unique_id"].append(row["pk"])
        for name, values in columns.items():
            if name == "unique_id":
                continue
            value = row.get(name)
            if name == "date_of_birth":
                value = value.isoformat() if isinstance(value, date) else (value or "")
            elif name == "nhs_number_valid":
                value = bool(value)
            else:
                value = value or ""
            values.append(value)
    return pa.table(
        {
            name: pa.array(values, type=pa.int64() if name == "unique_id" else None)
            if values
            else pa.array([], type=pa.int64() if name == "unique_id" else pa.string())
            for name, values in columns.items()
        }
    )


#: Names as the agency wrote them (the folded columns are for matching, not for people).
SUPPLIED_NAMES = {f"supplied_{name}": KT(f"raw__{name}") for name in NAME_FIELDS}


def _record_rows(qs: Any) -> list[dict[str, Any]]:
    return list(qs.values(*RECORD_FIELDS, **SUPPLIED_NAMES).order_by("pk"))


def _as_supplied(record: dict[str, Any], name: str) -> str:
    """A name as the agency wrote it, if that is what was folded; else the folded name."""
    folded: str = record.get(name) or ""
    return as_supplied(folded, record.get(f"supplied_{name}")) or folded.title()


def _completeness(row: dict[str, Any]) -> int:
    return sum(
        1
        for name in ("first_name", "last_name", "date_of_birth", "nhs_number", "postcode", "phone")
        if row.get(name)
    )


def _best_record(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted(rows, key=lambda row: (-_completeness(row), row["pk"]))[0]


def _record_label(row: dict[str, Any]) -> str:
    return f"record:{row['pk']} ({row['source']} {row['record_id']})"[:200]


def _clean(normalise: Any, value: str) -> str:
    if not value:
        return ""
    try:
        return str(normalise(value))
    except ValidationError:
        return ""


def _partial(row: dict[str, Any]) -> PartialDate | None:
    value = row.get("date_of_birth")
    if not value:
        return None
    precision = row.get("dob_precision") or DatePrecision.DAY
    if precision == DatePrecision.YEAR:
        return PartialDate(value.year)
    if precision == DatePrecision.MONTH:
        return PartialDate(value.year, value.month)
    return PartialDate.from_date(value)


def _sex(value: str) -> str:
    return value if value in Sex.values else Sex.NOT_KNOWN


def _record_details(record: dict[str, Any]) -> NewPerson:
    """What an agency record says about its person, as people's services take it."""
    return NewPerson(
        given_name=_as_supplied(record, "first_name"),
        family_name=_as_supplied(record, "last_name"),
        middle_names=_as_supplied(record, "middle_names"),
        date_of_birth=_partial(record),
        sex=_sex(record["sex"] or ""),
        nhs_number=record["nhs_number"] if record["nhs_number_valid"] else "",
        postcode=_clean(normalise_postcode, record["postcode"] or ""),
        address_line=record["address"] or "",
        phone=_clean(normalise_phone, record["phone"] or ""),
        email=_clean(normalise_email, record["email"] or ""),
    )


def _ensure_record_involvement(*, actor: Actor, person: Person, record: dict[str, Any]) -> None:
    lawful_basis = record.get("extract__lawful_basis") or ""
    agreement = record.get("extract__sharing_agreement") or ""
    involvement_ensure(
        actor=actor,
        person=person,
        agency_id=record["agency_id"],
        basis=InvolvementBasis.RECORD,
        reference=record["source"],
        purpose=f"Holds a record in {record['source']}"
        + (f" (shared under {agreement})" if agreement else ""),
        lawful_basis=lawful_basis,
    )


def _reconcile_record_involvements(actor: Actor, person: Person) -> None:
    """A person has a record involvement for each agency system that holds a record of them,
    and no other."""
    held = {
        (agency_id, source)
        for agency_id, source in SourceRecord.objects.filter(
            person=person, withdrawn_at__isnull=True
        ).values_list("agency_id", "source")
    }
    for involvement in Involvement.objects.filter(
        person=person, basis=InvolvementBasis.RECORD, ended_at__isnull=True
    ):
        if (involvement.agency_id, involvement.reference) not in held:
            people_services.involvement_end(
                actor=actor,
                involvement=involvement,
                why="no record of this agency's system is linked any more",
            )
    for agency_id, source in held:
        involvement_ensure(
            actor=actor,
            person=person,
            agency_id=agency_id,
            basis=InvolvementBasis.RECORD,
            reference=source,
        )
