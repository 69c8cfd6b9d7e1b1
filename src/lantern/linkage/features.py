"""From person records in the standard layout to the columns the linkage model compares.

Pure functions over pandas frames, no database: the same preparation serves the batch runs
(DuckDB or Spark), the command-line dedupe and the real-time scorer, so a record is always
compared in exactly one form. Work is done once per *distinct* value (names, dates and
postcodes repeat a great deal), so a million rows take seconds, not minutes.

The standard person-extract layout (issue 5): ``record_id, source, first_name, middle_names,
last_name, date_of_birth, sex, nhs_number, postcode, address, phone, email``. Records that come
from the database may also carry ``dob_precision`` and ``nhs_number_valid``, as the import
normalised them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

import jellyfish
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.core.exceptions import ValidationError

from lantern.core.normalisers import normalise_name, parse_partial_date
from lantern.imports.layout import NOT_KNOWN_VALUES
from lantern.imports.layout import STANDARD_COLUMNS as STANDARD_COLUMNS  # noqa: PLC0414 - re-export

#: Columns the Lantern model compares (besides ``unique_id``).
FEATURE_COLUMNS = (
    "first_name",
    "middle_name",
    "last_name",
    "first_key",
    "last_key",
    "first_group",
    "last_tokens",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
    "dob_precision",
    "sex",
    "nhs",
    "nhs_valid",
    "pc_unit",
    "pc_sector",
    "pc_district",
    "house",
    "phone",
    "email",
)

_SEX_CODES = {
    "f": "female",
    "female": "female",
    "girl": "female",
    "woman": "female",
    "m": "male",
    "male": "male",
    "boy": "male",
    "man": "male",
    "other": "other",
    "o": "other",
    "x": "other",
    "1": "male",  # NHS Data Dictionary person stated gender codes
    "2": "female",
}
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
_NON_DIGITS = re.compile(r"\D+")
_NHS_WEIGHTS = np.arange(10, 1, -1)


# --- single values (cached: a value is worked out once per process) ----------------------


@cache
def fold(value: str) -> str:
    """A name folded for matching (``normalise_name``), cached per distinct value."""
    return normalise_name(value) if value else ""


@cache
def phonetic(value: str) -> str:
    """Metaphone of each word of an already folded name, as ``core.normalisers.name_key``."""
    return " ".join(jellyfish.metaphone(word) or word for word in value.split())


@cache
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


@cache
def _full_names() -> frozenset[str]:
    """Every name the nickname list gives short forms of."""
    return frozenset(name.lower() for name in _nicknamer().nickname_lookup)


@cache
def name_group(first: str) -> tuple[str, ...]:
    """The name and the full names it is a common short form of (``nicknames`` package).

    Two first names are variants of each other when their groups meet: Kate and Katherine
    (Kate is a short form of Katherine), Bob and Rob (both short for Robert).

    Empty for a name that is neither a short form nor has any: its group could only meet
    another name's by being that name, which the exact level has already taken. (A third of
    records carry such a name; with no list to compare, the nickname level costs them
    nothing.)
    """
    if not first:
        return ()
    canonicals = {name.lower() for name in _nicknamer().canonicals_of(first)}
    if not canonicals and first not in _full_names():
        return ()
    return tuple(sorted({first} | canonicals))


@dataclass(frozen=True)
class DateParts:
    iso: str | None  # only when known to the day
    year: int | None
    month: int | None
    day: int | None
    precision: str | None


_NO_DATE = DateParts(None, None, None, None, None)


@cache
def date_parts(value: str, precision: str = "") -> DateParts:
    """Year, month and day of a date of birth that may be partial or badly written."""
    text = value.strip()
    if not text:
        return _NO_DATE
    if len(text) == 8 and text.isdigit():  # 19980517, as some systems export
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        parsed = parse_partial_date(text[:10] if precision else text)
    except ValidationError:
        return _NO_DATE
    year, month, day = parsed.year, parsed.month, parsed.day
    if precision == "year":
        month = day = None
    elif precision == "month":
        day = None
    known = "day" if day is not None else ("month" if month is not None else "year")
    iso = f"{year:04d}-{month:02d}-{day:02d}" if day is not None and month is not None else None
    return DateParts(iso, year, month, day, known)


@cache
def postcode_units(value: str) -> tuple[str | None, str | None, str | None]:
    """Unit, sector and district of a UK postcode; a foreign code is kept as the unit only."""
    compact = re.sub(r"\s+", "", value).upper()
    if not compact:
        return None, None, None
    unit = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
    if not _POSTCODE.match(unit):
        return compact, None, None
    district, inward = unit.split(" ")
    return unit, f"{district} {inward[0]}", district


_NUMBERS = re.compile(r"[0-9]+[A-Za-z]?\b")


def house_number(value: str) -> str | None:
    """The numbers of an address line (flat and house), which say which household it is:
    "Flat 20, 66 Market Close" and "flat 20 66 market cl" both give "20 66"."""
    numbers = _NUMBERS.findall(value.lower())
    return " ".join(numbers) if numbers else None


@cache
def phone_digits(value: str) -> str | None:
    """A telephone number as national digits, so +44 7700 900123 and 07700900123 agree."""
    digits = _NON_DIGITS.sub("", value)
    if value.strip().startswith("+") and digits.startswith("44"):
        digits = "0" + digits[2:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits if len(digits) >= 7 else None


# --- whole frames ----------------------------------------------------------------------
#
# Each input column is dictionary-encoded (Arrow, in C++), the Python work is done once per
# distinct value, and the results are spread back with ``take``: no per-row Python at all.


Frame = Any  # a pandas DataFrame or an Arrow table (neither library is typed here)


def _has(frame: Frame, name: str) -> bool:
    return name in (frame.column_names if isinstance(frame, pa.Table) else frame.columns)


def _raw(frame: Frame, name: str) -> pa.Array:
    if isinstance(frame, pa.Table):
        return frame.column(name).combine_chunks()
    return pa.array(frame[name].to_numpy(dtype=object), from_pandas=True)


def _strings(frame: Frame, name: str) -> pa.Array:
    """A column as Arrow strings; blanks, missing values and the words that mean "not known"
    (``N/K``, ``Unknown``…: the import's list, :data:`lantern.imports.layout.NOT_KNOWN_VALUES`)
    as empty strings, so that no placeholder is compared as if it were a value."""
    if not _has(frame, name):
        return pa.array([""] * len(frame), type=pa.string())
    array = pc.utf8_trim_whitespace(pc.fill_null(pc.cast(_raw(frame, name), pa.string()), ""))
    placeholder = pc.is_in(pc.utf8_lower(array), value_set=_NOT_KNOWN)
    return pc.if_else(placeholder, pa.scalar("", pa.string()), array)


_NOT_KNOWN = pa.array(sorted(NOT_KNOWN_VALUES), type=pa.string())


def _per_distinct(
    array: pa.Array, func: Callable[[str], Any], result_type: pa.DataType
) -> pa.Array:
    """``func`` applied once per distinct value of ``array``, spread back to every row."""
    encoded = pc.dictionary_encode(array)
    values = [func(value) for value in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(values, type=result_type), encoded.indices)


def _ascii_fast_path(
    array: pa.Array,
    vectorised: Callable[[pa.Array], tuple[pa.Array, ...]],
    func: Callable[[str], tuple[Any, ...]],
    *,
    min_distinct: int = 0,
) -> tuple[pa.Array, ...]:
    """``func``'s columns (text) for every row, computed by ``vectorised`` (Arrow compute or
    DuckDB, in C++) for the distinct values in plain ASCII and by ``func`` for the rest.

    Their regular expressions (RE2) and case mapping agree with Python's on ASCII text only;
    the few values outside it keep Python's answer, so the result is ``func``'s everywhere
    (property tests hold the two to each other). Below ``min_distinct`` distinct values
    everything goes through ``func``: starting the vectorised way would cost more.
    """
    encoded = pc.dictionary_encode(array)
    values = encoded.dictionary
    if len(values) < min_distinct:
        answers = [func(v) for v in values.to_pylist()]
        width = len(func(""))
        return tuple(
            pc.take(pa.array([a[i] for a in answers], type=pa.string()), encoded.indices)
            for i in range(width)
        )
    results = list(vectorised(values))
    other = ~pc.string_is_ascii(values).to_numpy(zero_copy_only=False)
    if other.any():
        rows = np.flatnonzero(other)
        answers = [func(v) for v in values.take(pa.array(rows)).to_pylist()]
        mask = pa.array(other)
        for i, result in enumerate(results):
            replacements = pa.array([answer[i] for answer in answers], type=result.type)
            results[i] = pc.replace_with_mask(result, mask, replacements)
    return tuple(pc.take(result, encoded.indices) for result in results)


#: What Python's ``\s`` matches in ASCII besides the space (RE2's ``\s`` leaves out the
#: vertical tab and the four information separators).
_ASCII_SPACE = r"[\t\n\x{0B}\f\r\x{1C}-\x{1F}]"
_NULL_STRING = pa.scalar(None, pa.string())


def _postcodes(values: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """:func:`postcode_units` in Arrow: the code in capitals without spaces, the inward
    code (the last three characters) set apart where that makes a UK postcode, whose
    sector is all but the last two characters and district all but the last four."""
    compact = pc.replace_substring(values, " ", "")
    if pc.any(pc.match_substring_regex(compact, _ASCII_SPACE)).as_py():
        compact = pc.replace_substring_regex(compact, _ASCII_SPACE, "")
    compact = pc.ascii_upper(compact)
    spaced = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(compact, 0, -3), pc.utf8_slice_codeunits(compact, -3), " "
    )
    spaced = pc.if_else(pc.greater(pc.utf8_length(compact), 3), spaced, compact)
    uk = pc.match_substring_regex(spaced, _POSTCODE.pattern)
    unit = pc.if_else(pc.equal(compact, ""), _NULL_STRING, pc.if_else(uk, spaced, compact))
    sector = pc.if_else(uk, pc.utf8_slice_codeunits(spaced, 0, -2), _NULL_STRING)
    district = pc.if_else(uk, pc.utf8_slice_codeunits(spaced, 0, -4), _NULL_STRING)
    return unit, sector, district


def _house_numbers(values: pa.Array) -> tuple[pa.Array]:
    """:func:`house_number` in DuckDB (RE2 on both cores; Arrow has no find-all, and in
    Python a million addresses take a second): the numbers of the lower-cased address,
    joined by a space."""
    import duckdb

    with duckdb.connect() as connection:
        connection.register("addresses", pa.table({"address": values}))
        numbers = connection.sql(
            "SELECT nullif(array_to_string(regexp_extract_all("
            "lower(address), '[0-9]+[a-z]?\\b'), ' '), '') AS house FROM addresses"
        ).to_arrow_table()
    return (numbers.column("house").combine_chunks(),)


def _house_number_column(value: str) -> tuple[str | None]:
    return (house_number(value),)


def _digits_only(array: pa.Array) -> pa.Array:
    """An NHS number is digits: anything else written in its place ("awaiting", "see
    notes") is no number at all, so it neither blocks nor agrees."""
    return pc.if_else(pc.match_substring_regex(array, r"^[0-9]*$"), array, pa.scalar(""))


def _blank_to_null(array: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


def _nhs_valid(digits: pa.Array) -> pa.Array:
    """Mod-11 check of ten-digit NHS numbers, over the Arrow buffers (no Python per row).

    The rows of exactly ten ASCII digits are cut out of the string data as a matrix of
    digits; every other row fails the check.
    """
    strings = pc.cast(digits, pa.large_string())
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    ten_digits = pc.fill_null(
        pc.and_(pc.equal(pc.binary_length(strings), 10), pc.ascii_is_decimal(strings)), False
    ).to_numpy(zero_copy_only=False)
    valid = np.zeros(len(strings), dtype=bool)
    rows = np.flatnonzero(ten_digits)
    if len(rows):
        _, offsets_buffer, data_buffer = strings.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[strings.offset :]
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        matrix = data[offsets[rows, None] + np.arange(10)].astype(np.int64) - ord("0")
        total = (matrix[:, :9] * _NHS_WEIGHTS).sum(axis=1)
        digit = 11 - (total % 11)
        digit = np.where(digit == 11, 0, digit)
        valid[rows] = (digit != 10) & (digit == matrix[:, 9])
    return pa.array(valid, type=pa.bool_())


def _first_words(first: pa.Array, middle: pa.Array) -> tuple[pa.Array, pa.Array]:
    """ "Mary Jane" typed as a first name: Mary is the first name, Jane a middle name.

    The names are folded (letters and single spaces), so splitting on a space finds the
    words; a trailing space makes sure every row has at least two, the second maybe empty.
    """
    both = pc.utf8_trim_whitespace(pc.binary_join_element_wise(first, middle, " "))
    words = pc.split_pattern(pc.binary_join_element_wise(both, "", " "), " ")
    return pc.list_element(words, 0), pc.list_element(words, 1)


#: From this many rows on, the columns computed in C++ are prepared in a second thread
#: while this one does the names and dates in Python: Arrow and DuckDB let go of Python's
#: lock while they work, so on two cores the two halves overlap.
PARALLEL_ROWS = 20_000


def _compiled_columns(frame: Frame) -> dict[str, pa.Array]:
    """NHS number and its check, postcode parts, house numbers and e-mail: the columns that
    Arrow and DuckDB compute (in Python only for the odd value outside ASCII)."""
    nhs = _digits_only(pc.replace_substring_regex(_strings(frame, "nhs_number"), r"[\s-]", ""))
    if _has(frame, "nhs_number_valid"):
        nhs_valid = pc.fill_null(pc.cast(_raw(frame, "nhs_number_valid"), pa.bool_()), False)
    else:
        nhs_valid = _nhs_valid(nhs)

    pc_unit, pc_sector, pc_district = _ascii_fast_path(
        _strings(frame, "postcode"), _postcodes, postcode_units
    )
    (house,) = _ascii_fast_path(
        _strings(frame, "address"), _house_numbers, _house_number_column, min_distinct=20_000
    )
    return {
        "nhs": _blank_to_null(nhs),
        "nhs_valid": nhs_valid,
        "pc_unit": pc_unit,
        "pc_sector": pc_sector,
        "pc_district": pc_district,
        "house": house,
        "email": _blank_to_null(pc.utf8_lower(_strings(frame, "email"))),
    }


def prepare(frame: Frame, *, start_id: int = 0) -> pa.Table:
    """The comparison columns of every record (one row per input row, same order).

    ``unique_id`` is taken from a ``unique_id`` column if the frame has one (source
    record keys), else numbered from ``start_id``.
    """
    n = len(frame)
    if n < PARALLEL_ROWS:
        return _prepare(frame, start_id, _compiled_columns(frame))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lantern-prepare") as pool:
        compiled = pool.submit(_compiled_columns, frame)
        return _prepare(frame, start_id, compiled)


def _prepare(
    frame: Frame, start_id: int, compiled: dict[str, pa.Array] | Future[dict[str, pa.Array]]
) -> pa.Table:
    """The names, dates of birth, sex and phone (Python once per distinct value), and then
    the compiled columns, in the order of :data:`FEATURE_COLUMNS`."""
    n = len(frame)
    if _has(frame, "unique_id"):
        unique_id = pc.cast(_raw(frame, "unique_id"), pa.int64())
    else:
        unique_id = pa.array(np.arange(start_id, start_id + n, dtype="int64"))

    first_folded = _per_distinct(_strings(frame, "first_name"), fold, pa.string())
    middle_folded = _per_distinct(_strings(frame, "middle_names"), fold, pa.string())
    last = _per_distinct(_strings(frame, "last_name"), fold, pa.string())
    first, middle = _first_words(first_folded, middle_folded)

    dob_text = _strings(frame, "date_of_birth")
    if _has(frame, "dob_precision"):
        dob_text = pc.binary_join_element_wise(dob_text, _strings(frame, "dob_precision"), "|")
    encoded_dob = pc.dictionary_encode(dob_text)
    parts = [
        date_parts(*value.split("|", 1)) if value else _NO_DATE
        for value in encoded_dob.dictionary.to_pylist()
    ]

    def dob_part(name: str, kind: pa.DataType) -> pa.Array:
        values = pa.array([getattr(part, name) for part in parts], type=kind)
        return pc.take(values, encoded_dob.indices)

    sex = _per_distinct(pc.utf8_lower(_strings(frame, "sex")), _SEX_CODES.get, pa.string())
    phone = _per_distinct(_strings(frame, "phone"), phone_digits, pa.string())
    other = compiled.result() if isinstance(compiled, Future) else compiled
    return pa.table(
        {
            "unique_id": unique_id,
            "first_name": _blank_to_null(first),
            "middle_name": _blank_to_null(middle),
            "last_name": _blank_to_null(last),
            "first_key": _blank_to_null(_per_distinct(first, phonetic, pa.string())),
            "last_key": _blank_to_null(_per_distinct(last, phonetic, pa.string())),
            "first_group": _per_distinct(
                first, lambda v: list(name_group(v)) or None, pa.list_(pa.string())
            ),
            "last_tokens": _per_distinct(last, lambda v: v.split() or None, pa.list_(pa.string())),
            "dob": dob_part("iso", pa.string()),
            "dob_year": dob_part("year", pa.int64()),
            "dob_month": dob_part("month", pa.int64()),
            "dob_day": dob_part("day", pa.int64()),
            "dob_precision": dob_part("precision", pa.string()),
            "sex": sex,
            "nhs": other["nhs"],
            "nhs_valid": other["nhs_valid"],
            "pc_unit": other["pc_unit"],
            "pc_sector": other["pc_sector"],
            "pc_district": other["pc_district"],
            "house": other["house"],
            "phone": phone,
            "email": other["email"],
        }
    )


def prepare_plain(frame: Frame, *, start_id: int = 0) -> pa.Table:
    """The benchmark's yardstick: only the cleaning any pipeline does (case, spaces, dates,
    postcodes and phone numbers in one form), for the plain configuration's columns."""
    n = len(frame)
    if _has(frame, "unique_id"):
        unique_id = pc.cast(_raw(frame, "unique_id"), pa.int64())
    else:
        unique_id = pa.array(np.arange(start_id, start_id + n, dtype="int64"))
    parts_type = pa.struct([("iso", pa.string()), ("year", pa.int64())])
    parts = _per_distinct(
        _strings(frame, "date_of_birth"),
        lambda v: {"iso": date_parts(v).iso, "year": date_parts(v).year} if v else None,
        parts_type,
    )
    unit = _per_distinct(_strings(frame, "postcode"), lambda v: postcode_units(v)[0], pa.string())
    return pa.table(
        {
            "unique_id": unique_id,
            "first_name": _blank_to_null(pc.utf8_lower(_strings(frame, "first_name"))),
            "last_name": _blank_to_null(pc.utf8_lower(_strings(frame, "last_name"))),
            "dob": pc.struct_field(parts, "iso"),
            "dob_year": pc.struct_field(parts, "year"),
            "nhs": _blank_to_null(
                _digits_only(
                    pc.replace_substring_regex(_strings(frame, "nhs_number"), r"[\s-]", "")
                )
            ),
            "pc_unit": unit,
            "phone": _per_distinct(_strings(frame, "phone"), phone_digits, pa.string()),
        }
    )


def prepare_records(records: Iterable[Mapping[str, Any]], *, start_id: int = 0) -> pa.Table:
    """:func:`prepare` for a few records given as mappings (the real-time path)."""
    rows = list(records)
    frame = pd.DataFrame(rows)
    for column in STANDARD_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    return prepare(frame, start_id=start_id)
