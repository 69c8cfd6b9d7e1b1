"""Building agency records for linkage tests, as the import would leave them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from lantern.agencies.models import Agency, AgencyKind
from lantern.core.access import Actor
from lantern.core.normalisers import (
    is_valid_nhs_number,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    parse_date_of_birth,
)
from lantern.imports.models import Extract, ExtractStatus, SourceRecord
from lantern.linkage.models import LinkageModel
from tests.factories import AgencyFactory

AGREEMENT = "Northwick exploitation hub information sharing agreement 2026"
LAWFUL_BASIS = "DPA 2018 Sch 1 para 18 (safeguarding of children and individuals at risk)"
SYNTH_AGENCIES = {
    "police": AgencyKind.POLICE,
    "health": AgencyKind.HEALTH,
    "sexual-health": AgencyKind.SEXUAL_HEALTH,
    "childrens": AgencyKind.CHILDRENS_SOCIAL_CARE,
    "adults": AgencyKind.ADULT_SOCIAL_CARE,
    "school": AgencyKind.EDUCATION,
    "housing": AgencyKind.HOUSING,
    "voluntary": AgencyKind.VOLUNTARY,
}


def extract_for(agency: Agency, uploader: Actor, source: str = "") -> Extract:
    return Extract.objects.create(
        agency=agency,
        source=source or f"{agency.code}-system",
        file_name=f"{agency.code}.csv",
        file_sha256="0" * 64,
        sharing_agreement=AGREEMENT,
        lawful_basis=LAWFUL_BASIS,
        uploaded_by=uploader.user,
        status=ExtractStatus.DONE,
    )


def _try(normalise: Any, value: str) -> str:
    if not value:
        return ""
    try:
        return str(normalise(value))
    except ValidationError:
        return ""


def add_record(extract: Extract, record_id: str, **values: str) -> SourceRecord:
    """A source record as an import leaves it: names folded, dates parsed, NHS checked."""
    dob_text = values.get("date_of_birth", "")
    dob = None
    precision = ""
    if dob_text:
        try:
            partial = parse_date_of_birth(dob_text)
        except ValidationError:
            partial = None
        if partial is not None:
            dob, precision = partial.earliest(), partial.precision
    nhs = "".join(ch for ch in values.get("nhs_number", "") if ch.isdigit())
    sex = {
        "f": "female",
        "female": "female",
        "2": "female",
        "m": "male",
        "male": "male",
        "1": "male",
    }.get(values.get("sex", "").strip().lower(), "")
    return SourceRecord.objects.create(
        agency=extract.agency,
        source=extract.source,
        record_id=record_id,
        extract=extract,
        first_name=normalise_name(values.get("first_name", "")),
        middle_names=normalise_name(values.get("middle_names", "")),
        last_name=normalise_name(values.get("last_name", "")),
        date_of_birth=dob,
        dob_precision=precision,
        sex=sex,
        nhs_number=nhs,
        nhs_number_valid=bool(nhs) and is_valid_nhs_number(nhs),
        postcode=_try(normalise_postcode, values.get("postcode", "")),
        address=values.get("address", ""),
        phone=_try(normalise_phone, values.get("phone", "")),
        email=_try(normalise_email, values.get("email", "")),
        raw=dict(values.items()),
    )


def load_synthetic(out_dir: Path, uploader: Actor, *, people: int, seed: int) -> dict[str, Any]:
    """Write the generator's extracts and load them as source records; return the truth."""
    from lantern.synth.extracts import write_extracts

    report = write_extracts(out_dir, seed=seed, people=people)
    truth: dict[tuple[str, str], str] = {}
    with (out_dir / "truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[(row["source"], row["record_id"])] = row["person_key"]
    for code, path in report.files.items():
        agency = AgencyFactory(code=code, name=f"Synthetic {code}", kind=SYNTH_AGENCIES[code])
        extracts: dict[str, Extract] = {}
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                source = row["source"]
                if source not in extracts:
                    extracts[source] = extract_for(agency, uploader, source)
                add_record(extracts[source], **row)  # type: ignore[arg-type]
    return {"truth": truth, "report": report}


def install_model(
    settings: dict[str, Any], *, upper: float = 0.99, lower: float = 0.5
) -> LinkageModel:
    """Make a trained model the one in use (tests train once per session)."""
    LinkageModel.objects.filter(is_active=True).update(is_active=False)
    version = (
        LinkageModel.objects.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    return LinkageModel.objects.create(
        version=version,
        splink_settings=settings,
        summary={"parameters": []},
        upper_threshold=upper,
        lower_threshold=lower,
        is_active=True,
    )
