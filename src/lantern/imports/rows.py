"""From a row of an extract to the values of a :class:`~lantern.imports.models.SourceRecord`.

Pure functions, no database: :class:`Mapping` is a compiled profile (or the standard
layout), :func:`normalise` checks and normalises one row with :mod:`lantern.core.normalisers`
and returns either the record's values or the reason each refused field was refused.

What is refused (the row goes to quarantine) and what is kept with a warning is documented
in docs/imports.md. In short: a row needs a record id; every value given must be readable
(a real date, a real postcode, a telephone number, an e-mail address, a known sex code); an
NHS number whose check digit fails is kept, marked invalid, because linkage compares such
near misses, and "no fixed abode" is kept as an address, not refused as a postcode.
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError

from lantern.core import normalisers
from lantern.core.normalisers import PartialDate
from lantern.imports.layout import NOT_KNOWN_VALUES, STANDARD_COLUMNS
from lantern.imports.profiles import date_format_precision
from lantern.people.models import Sex

#: Everything a profile may map: the standard columns, an agency column and a full name.
MAPPABLE_FIELDS: tuple[str, ...] = (*STANDARD_COLUMNS, "agency", "full_name")
#: The fields an analyst corrects when fixing a quarantined row (a full name is split first).
EDITABLE_FIELDS: tuple[str, ...] = (*STANDARD_COLUMNS, "agency")

DEFAULT_NULL_VALUES = NOT_KNOWN_VALUES
#: Sex codes every extract may use without a profile (NHS Data Dictionary codes included:
#: 1 male, 2 female, 9 indeterminate, 0 and X not known).
DEFAULT_SEX_CODES: dict[str, str] = {
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "w": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "girl": Sex.FEMALE,
    "2": Sex.FEMALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "man": Sex.MALE,
    "boy": Sex.MALE,
    "1": Sex.MALE,
    "o": Sex.OTHER,
    "other": Sex.OTHER,
    "9": Sex.OTHER,
    "indeterminate": Sex.OTHER,
    "non-binary": Sex.OTHER,
    "nonbinary": Sex.OTHER,
    "u": Sex.NOT_KNOWN,
    "x": Sex.NOT_KNOWN,
    "0": Sex.NOT_KNOWN,
    "not_known": Sex.NOT_KNOWN,
    "not specified": Sex.NOT_KNOWN,
    "not stated": Sex.NOT_KNOWN,
}
#: Written instead of a postcode when someone has no fixed abode (ZZ99 3VZ is the NHS's).
NO_FIXED_ABODE = frozenset({"nfa", "no fixed abode", "zz99 3vz", "zz993vz", "zz99 3wz", "zz993wz"})
NO_FIXED_ABODE_ADDRESS = "No fixed abode"

MAX_LENGTHS = {
    "record_id": 100,
    "source": 60,
    "first_name": 100,
    "middle_names": 200,
    "last_name": 100,
    "address": 300,
    "email": 254,
}
_SOURCE = re.compile(r"[a-z0-9][a-z0-9._-]*", re.ASCII)
_SPACES = re.compile(r"\s+")
_PHONE_TEXT = re.compile(r"\+?[0-9 ()./-]+", re.ASCII)  # as the normaliser accepts
_PHONE_STRIP = re.compile(r"[ ()./-]", re.ASCII)
_UK_NATIONAL = re.compile(r"(?:0|\+44)([1-9][0-9]{9})", re.ASCII)
_TWO_DIGIT_YEAR = re.compile(r"%y")

WARNING_NHS_CHECK_DIGIT = (
    "NHS number's check digit is wrong: kept, marked not valid, and compared only as a near miss"
)
WARNING_NO_FIXED_ABODE = "No fixed abode given instead of a postcode: kept as the address"


@dataclass(frozen=True)
class DateRule:
    formats: tuple[tuple[str, str], ...] = ()
    dayfirst: bool = True
    partial: bool = True


@dataclass(frozen=True)
class Mapping:
    """A compiled mapping profile; ``Mapping()`` is the standard layout."""

    columns: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {name: (name,) for name in STANDARD_COLUMNS}
    )
    full_name_order: str = "last_first"
    dob: DateRule = DateRule()
    sex_codes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SEX_CODES))
    agency_codes: dict[str, str] = field(default_factory=dict)
    source_codes: dict[str, str] = field(default_factory=dict)
    null_values: frozenset[str] = DEFAULT_NULL_VALUES
    source: str = ""
    encoding: str = "utf-8"
    delimiter: str = ","
    header_row: int = 1
    sheet: str | None = None
    is_standard: bool = True

    @classmethod
    def from_definition(cls, definition: MappingABC[str, Any]) -> Mapping:
        """Compile a validated profile definition (see :mod:`lantern.imports.profiles`)."""
        columns = {
            name: (value,) if isinstance(value, str) else tuple(value)
            for name, value in definition["columns"].items()
        }
        rule = (definition.get("dates") or {}).get("date_of_birth") or {}
        formats = tuple(
            (fmt, date_format_precision(fmt) or "day") for fmt in rule.get("formats", [])
        )
        values = definition.get("values") or {}
        file_format = definition.get("format") or {}
        nulls = definition.get("null_values")
        return cls(
            columns=columns,
            full_name_order=definition.get("full_name_order", "last_first"),
            dob=DateRule(
                formats=formats,
                dayfirst=rule.get("dayfirst", True),
                partial=rule.get("partial", True),
            ),
            sex_codes=DEFAULT_SEX_CODES | _codes(values, "sex"),
            agency_codes=_codes(values, "agency"),
            source_codes=_codes(values, "source"),
            null_values=frozenset(v.strip().lower() for v in nulls) | {""}
            if nulls is not None
            else DEFAULT_NULL_VALUES,
            source=definition.get("source", ""),
            encoding=file_format.get("encoding", "utf-8"),
            delimiter=file_format.get("delimiter", ","),
            header_row=file_format.get("header_row", 1),
            sheet=file_format.get("sheet"),
            is_standard=False,
        )


def _codes(values: MappingABC[str, Any], name: str) -> dict[str, str]:
    """A value map with its codes compared without regard to case or outer spaces."""
    return {str(k).strip().lower(): str(v) for k, v in (values.get(name) or {}).items()}


@dataclass(frozen=True)
class ColumnPlan:
    """Where each mapped field is in a file's header; and what the header lacks or adds."""

    indexes: dict[str, tuple[int, ...]]
    missing: tuple[str, ...]
    ignored: tuple[str, ...]


def plan_columns(mapping: Mapping, header: list[str]) -> ColumnPlan:
    """Match the mapping's column names to the header (ignoring case and outer spaces)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(name.strip().lower(), index)
    indexes: dict[str, tuple[int, ...]] = {}
    missing: list[str] = []
    used: set[int] = set()
    for name, wanted in mapping.columns.items():
        found = [positions[w.strip().lower()] for w in wanted if w.strip().lower() in positions]
        missing.extend(w for w in wanted if w.strip().lower() not in positions)
        if found:
            indexes[name] = tuple(found)
            used.update(found)
    ignored = tuple(h for i, h in enumerate(header) if i not in used and h.strip())
    return ColumnPlan(indexes=indexes, missing=tuple(missing), ignored=ignored)


def raw_values(plan: ColumnPlan, cells: list[str]) -> dict[str, str]:
    """The row's text for each mapped field (several columns joined), as supplied."""
    raw: dict[str, str] = {}
    width = len(cells)
    for name, indexes in plan.indexes.items():
        if len(indexes) == 1:
            index = indexes[0]
            raw[name] = cells[index] if index < width else ""
        else:
            joiner = ", " if name == "address" else " "
            parts = [cells[i].strip() for i in indexes if i < width]
            raw[name] = joiner.join(p for p in parts if p)
    return raw


@dataclass
class Normalised:
    """One row's outcome: ``values`` for the record, or ``errors`` (field: reason)."""

    values: dict[str, Any]
    errors: dict[str, str]
    warnings: dict[str, str]


def phone_e164(text: str) -> str:
    """:func:`~lantern.core.normalisers.normalise_phone`, with a fast path for UK numbers.

    Every 11-digit UK number (0 and ten digits, or +44 and ten) has the E.164 form +44 and
    the ten digits; a test proves the same answer as the full normaliser, which takes about
    100 µs a number, too slow for a million-row import.
    """
    stripped = text.strip()
    if _PHONE_TEXT.fullmatch(stripped):
        match = _UK_NATIONAL.fullmatch(_PHONE_STRIP.sub("", stripped))
        if match:
            return f"+44{match.group(1)}"
    return normalisers.normalise_phone(text)


def as_supplied(folded: str, supplied: object) -> str:
    """A name as the agency wrote it (from the record's ``raw``), if that is what ``folded``
    was folded from; else empty. Names are folded for matching, not for people to read."""
    text = " ".join(str(supplied or "").split())
    return text if text and normalisers.normalise_name(text) == folded else ""


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _parse_dob(text: str, rule: DateRule, today: date) -> PartialDate:
    for fmt, precision in rule.formats:
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
        day = parsed.date()
        if _TWO_DIGIT_YEAR.search(fmt) and day > today:
            day = day.replace(year=day.year - 100)  # 03/04/27 is 1927, not 2027
        if precision == "year":
            found = PartialDate(day.year)
        elif precision == "month":
            found = PartialDate(day.year, day.month)
        else:
            found = PartialDate.from_date(day)
        # Let the normaliser apply its own limits (not in the future, not before 1900).
        return normalisers.parse_date_of_birth(str(found), today=today)
    if rule.formats and not rule.partial:
        formats = ", ".join(fmt for fmt, _ in rule.formats)
        raise ValidationError(f"Enter a date in the profile's format ({formats})")
    return normalisers.parse_date_of_birth(text, today=today, dayfirst=rule.dayfirst)


def split_full_name(text: str, order: str) -> tuple[str, str, str]:
    if order == "last_first":
        if "," in text:
            last, _, rest = text.partition(",")
            given = rest.split()
        else:
            words = text.split()
            last, given = (words[0] if words else ""), words[1:]
        return (given[0] if given else "", " ".join(given[1:]), last.strip())
    words = text.split()
    if len(words) == 1:
        return words[0], "", ""
    return (words[0] if words else "", " ".join(words[1:-1]), words[-1] if words else "")


class RowChecker:
    """Checks and normalises rows for one extract: its mapping, source and agency."""

    def __init__(
        self,
        mapping: Mapping,
        *,
        default_source: str,
        default_agency: str,
        agencies: MappingABC[str, int],
        today: date,
    ) -> None:
        self.mapping = mapping
        self.default_source = default_source
        self.default_agency = default_agency
        self.agencies = agencies
        self.today = today

    def _present(self, raw: MappingABC[str, str], name: str) -> str:
        value = raw.get(name, "")
        if not value:
            return ""
        text = _SPACES.sub(" ", value).strip()
        return "" if text.lower() in self.mapping.null_values else text

    def check(self, raw: MappingABC[str, str]) -> Normalised:
        """Normalise one row's mapped text. Never raises for bad data: it reports it."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        warnings: dict[str, str] = {}
        get = self._present

        record_id = get(raw, "record_id")
        if not record_id:
            errors["record_id"] = "Every row needs a record ID"
        elif len(record_id) > MAX_LENGTHS["record_id"]:
            errors["record_id"] = "Use no more than 100 characters"
        values["record_id"] = record_id

        self._source(get(raw, "source"), values, errors)
        self._agency(get(raw, "agency"), values, errors)
        self._names(raw, values, errors)
        self._dob(get(raw, "date_of_birth"), values, errors)

        sex = get(raw, "sex")
        values["sex"] = ""
        if sex:
            code = self.mapping.sex_codes.get(sex.lower())
            if code is None:
                errors["sex"] = (
                    f"'{sex[:20]}' is not a sex code Lantern knows: use female, male, other or "
                    "not known, or map the code in a mapping profile"
                )
            else:
                values["sex"] = code

        self._nhs(get(raw, "nhs_number"), values, errors, warnings)
        self._postcode_and_address(raw, values, errors, warnings)
        self._contact(get(raw, "phone"), get(raw, "email"), values, errors)
        values["raw"] = {k: v for k, v in raw.items() if v}
        return Normalised(values=values, errors=errors, warnings=warnings)

    def _source(self, text: str, values: dict[str, Any], errors: dict[str, str]) -> None:
        if text:
            text = self.mapping.source_codes.get(text.lower(), text).lower()
        source = text or self.default_source
        values["source"] = source
        if not _SOURCE.fullmatch(source) or len(source) > MAX_LENGTHS["source"]:
            errors["source"] = (
                "Name the source system in lower-case letters, digits, dots, hyphens and "
                "underscores (up to 60), like police-niche"
            )

    def _agency(self, text: str, values: dict[str, Any], errors: dict[str, str]) -> None:
        code = self.mapping.agency_codes.get(text.lower(), text) if text else self.default_agency
        agency_id = self.agencies.get(code)
        values["agency_id"] = agency_id
        if agency_id is None:
            errors["agency"] = f"'{code[:40]}' is not an agency in Lantern: map it in the profile"

    def _names(
        self, raw: MappingABC[str, str], values: dict[str, Any], errors: dict[str, str]
    ) -> None:
        parts = {
            name: self._present(raw, name) for name in ("first_name", "middle_names", "last_name")
        }
        full = self._present(raw, "full_name")
        if full and not (parts["first_name"] or parts["last_name"]):
            first, middle, last = split_full_name(full, self.mapping.full_name_order)
            parts = {"first_name": first, "middle_names": middle, "last_name": last}
        for name, text in parts.items():
            values[name] = ""
            if not text:
                continue
            folded = normalisers.normalise_name(text)
            if not folded:
                errors[name] = "Enter a name with letters in it, or leave it empty"
            elif len(folded) > MAX_LENGTHS[name]:
                errors[name] = f"Use no more than {MAX_LENGTHS[name]} characters"
            else:
                values[name] = folded

    def _dob(self, text: str, values: dict[str, Any], errors: dict[str, str]) -> None:
        values["date_of_birth"] = None
        values["dob_precision"] = ""
        if not text:
            return
        try:
            dob = _parse_dob(text, self.mapping.dob, self.today)
        except ValidationError as exc:
            errors["date_of_birth"] = _message(exc)
            return
        values["date_of_birth"] = dob.earliest()
        values["dob_precision"] = dob.precision

    def _nhs(
        self, text: str, values: dict[str, Any], errors: dict[str, str], warnings: dict[str, str]
    ) -> None:
        values["nhs_number"] = ""
        values["nhs_number_valid"] = False
        if not text:
            return
        digits = re.sub(r"[\s-]", "", text)
        if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
            errors["nhs_number"] = normalisers.NHS_NUMBER_FORMAT_MESSAGE
            return
        values["nhs_number"] = digits
        values["nhs_number_valid"] = normalisers.is_valid_nhs_number(digits)
        if not values["nhs_number_valid"]:
            warnings["nhs_number"] = WARNING_NHS_CHECK_DIGIT

    def _postcode_and_address(
        self,
        raw: MappingABC[str, str],
        values: dict[str, Any],
        errors: dict[str, str],
        warnings: dict[str, str],
    ) -> None:
        postcode = self._present(raw, "postcode")
        address = self._present(raw, "address")
        values["postcode"] = ""
        if postcode.lower() in NO_FIXED_ABODE:
            warnings["postcode"] = WARNING_NO_FIXED_ABODE
            address = address or NO_FIXED_ABODE_ADDRESS
        elif postcode:
            try:
                values["postcode"] = normalisers.normalise_postcode(postcode)
            except ValidationError as exc:
                errors["postcode"] = _message(exc)
        if len(address) > MAX_LENGTHS["address"]:
            errors["address"] = "Use no more than 300 characters"
        values["address"] = address

    def _contact(
        self, phone: str, email: str, values: dict[str, Any], errors: dict[str, str]
    ) -> None:
        values["phone"] = ""
        values["email"] = ""
        if phone:
            try:
                values["phone"] = phone_e164(phone)
            except ValidationError as exc:
                errors["phone"] = _message(exc)
        if email:
            try:
                address = normalisers.normalise_email(email)
            except ValidationError as exc:
                errors["email"] = _message(exc)
            else:
                if len(address) > MAX_LENGTHS["email"]:
                    errors["email"] = "Use no more than 254 characters"
                else:
                    values["email"] = address
