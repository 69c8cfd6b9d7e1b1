"""Preparing records for comparison: the forms the model compares."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.core.normalisers import is_valid_nhs_number
from lantern.linkage import features
from lantern.linkage.datasets import read_extracts


def _one(**values: str) -> dict[str, object]:
    row = dict.fromkeys(features.STANDARD_COLUMNS, "")
    row.update(values)
    return features.prepare(pd.DataFrame([row])).to_pylist()[0]


def test_names_are_folded_keyed_and_grouped_with_their_short_forms() -> None:
    kate = _one(first_name="Kate", last_name="O'Brien-Smith")
    katherine = _one(first_name="Katherine")
    assert kate["first_name"] == "kate"
    assert kate["last_name"] == "obrien smith"
    assert kate["last_tokens"] == ["obrien", "smith"]
    assert set(kate["first_group"]) & set(katherine["first_group"])  # type: ignore[arg-type]
    assert _one(first_name="Catherine")["first_key"] == _one(first_name="Kathryn")["first_key"]


def test_a_second_word_in_the_first_name_is_a_middle_name() -> None:
    record = _one(first_name="Mary Jane", middle_names="Ann")
    assert (record["first_name"], record["middle_name"]) == ("mary", "jane")


def test_dates_keep_their_precision() -> None:
    full = _one(date_of_birth="17/05/2009")
    year = _one(date_of_birth="2009")
    month = _one(date_of_birth="05/2009")
    assert (full["dob"], full["dob_year"], full["dob_month"], full["dob_day"]) == (
        "2009-05-17",
        2009,
        5,
        17,
    )
    assert (year["dob"], year["dob_year"], year["dob_month"], year["dob_precision"]) == (
        None,
        2009,
        None,
        "year",
    )
    assert (month["dob_month"], month["dob_day"], month["dob_precision"]) == (5, None, "month")
    assert _one(date_of_birth="31/02/2009")["dob_year"] is None  # not a real date


def test_nhs_number_check_digit_is_known_without_refusing_the_number() -> None:
    assert _one(nhs_number="943 476 5919")["nhs_valid"] is True
    typo = _one(nhs_number="9434765918")
    assert (typo["nhs"], typo["nhs_valid"]) == ("9434765918", False)


def test_words_for_not_known_are_no_value_at_all() -> None:
    """Placeholders are missing values, as the import reads them: two records that both say
    'N/K' for an NHS number or 'Unknown' for a name share nothing."""
    for placeholder in ("N/K", "Unknown", "not known", " n/a ", "NULL", "-"):
        row = _one(first_name=placeholder, nhs_number=placeholder, phone=placeholder)
        assert (row["first_name"], row["nhs"], row["phone"]) == (None, None, None), placeholder
    # An NHS number is digits: any other text in its place is no number.
    assert _one(nhs_number="awaiting GP")["nhs"] is None
    assert _one(nhs_number="943-476-5919")["nhs"] == "9434765919"


def test_the_plain_configuration_reads_placeholders_the_same_way() -> None:
    frame = pd.DataFrame([dict.fromkeys(features.STANDARD_COLUMNS, "N/K")])
    plain = features.prepare_plain(frame).to_pylist()[0]
    assert plain["nhs"] is None


def test_postcodes_split_into_unit_sector_and_district() -> None:
    record = _one(postcode="nk14ab")
    assert (record["pc_unit"], record["pc_sector"], record["pc_district"]) == (
        "NK1 4AB",
        "NK1 4",
        "NK1",
    )
    foreign = _one(postcode="4223")
    assert (foreign["pc_unit"], foreign["pc_sector"]) == ("4223", None)


def test_phone_numbers_in_any_format_agree_and_houses_are_their_numbers() -> None:
    assert _one(phone="+44 7700 900123")["phone"] == _one(phone="07700900123")["phone"]
    assert _one(address="Flat 20, 66 Market Close")["house"] == "20 66"
    assert _one(sex="2")["sex"] == "female"
    assert _one(sex="9")["sex"] is None


def test_a_name_with_no_short_forms_has_no_group_to_compare() -> None:
    """Only a name that is a short form, or has one, can meet a different name's group."""
    assert _one(first_name="Kate")["first_group"]
    assert _one(first_name="Katherine")["first_group"]
    assert _one(first_name="Zxqvette")["first_group"] is None


FOLDED = st.text(alphabet="ab ", max_size=10).map(lambda v: " ".join(v.split()))


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.tuples(FOLDED, FOLDED), min_size=1, max_size=6))
def test_first_and_middle_name_are_the_first_two_words(names: list[tuple[str, str]]) -> None:
    first, middle = features._first_words(
        pa.array([f for f, _ in names], pa.string()), pa.array([m for _, m in names], pa.string())
    )
    words = [([*f"{f} {m}".split(), "", ""])[:2] for f, m in names]
    assert list(zip(first.to_pylist(), middle.to_pylist(), strict=True)) == [
        (a, b) for a, b in words
    ]


NHS_LIKE = st.one_of(
    st.text(alphabet="0123456789", min_size=9, max_size=11),
    st.text(alphabet="0123456789 a", max_size=12),
    st.none(),
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(NHS_LIKE, min_size=1, max_size=12), st.integers(0, 3))
def test_nhs_check_digits_in_bulk_agree_with_the_core_check(
    numbers: list[str | None], skip: int
) -> None:
    """Ten digits whose check digit holds, as the core normaliser says; anything else fails
    (the array may be a slice of a larger one, as Arrow hands them over)."""
    array = pa.array(["0"] * skip + numbers, pa.string()).slice(skip)
    expected = [
        v is not None and len(v) == 10 and v.isdigit() and is_valid_nhs_number(v) for v in numbers
    ]
    assert features._nhs_valid(array).to_pylist() == expected


POSTCODE_LIKE = st.one_of(
    # Postcodes as agencies type them: any case, spaces anywhere, some not UK ones.
    st.text(alphabet="NKEW1234567890abzAZ \t", max_size=9),
    st.sampled_from(["NK1 4AB", "nk14ab", " NK99 9ZX ", "SW1A1AA", "4223", "AB", ""]),
    # Anything else, Unicode and odd white space included, goes to Python's way.
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    st.text(alphabet="Nk1 4ab\u00a0\u2009\x0b\x1c\x1fßİ", max_size=9),
)


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(POSTCODE_LIKE, min_size=1, max_size=12))
def test_postcodes_in_bulk_agree_with_the_single_value_rule(values: list[str]) -> None:
    """Arrow splits ASCII postcodes in C++; every row must come out as ``postcode_units``
    says, and the rows Arrow cannot do as Python does go through Python."""
    unit, sector, district = features._ascii_fast_path(
        pa.array(values, pa.string()), features._postcodes, features.postcode_units
    )
    got = list(zip(unit.to_pylist(), sector.to_pylist(), district.to_pylist(), strict=True))
    assert got == [features.postcode_units(v) for v in values]


ADDRESS_LIKE = st.one_of(
    st.text(alphabet="Flat 12a,34B-5c_ Road\n.", max_size=24),
    st.sampled_from(["Flat 20, 66 Market Close", "12ab 3c", "a1 b2c 3", "", "No number"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.text(alphabet="12 aéß٣ İ", max_size=10),
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(ADDRESS_LIKE, min_size=1, max_size=12))
def test_house_numbers_in_bulk_agree_with_the_single_value_rule(values: list[str]) -> None:
    """DuckDB finds the numbers of ASCII addresses; every row must come out as
    ``house_number`` says (the short path, all Python, is checked too)."""
    for least in (0, 10**6):
        (house,) = features._ascii_fast_path(
            pa.array(values, pa.string()),
            features._house_numbers,
            features._house_number_column,
            min_distinct=least,
        )
        assert house.to_pylist() == [features.house_number(v) for v in values]


def test_a_large_frame_prepared_in_two_threads_is_prepared_as_row_by_row_parts(
    synthetic_extracts: Path,
) -> None:
    """From PARALLEL_ROWS rows on, half the columns are prepared in a second thread; the
    result must be what preparing the same rows in small pieces gives."""
    records, _ = read_extracts(synthetic_extracts)
    times = -(-features.PARALLEL_ROWS // len(records))  # enough copies to cross the line
    frame = pd.concat([records] * times, ignore_index=True)
    assert len(frame) >= features.PARALLEL_ROWS

    whole = features.prepare(frame)
    step = features.PARALLEL_ROWS // 4
    pieces = [
        features.prepare(frame.iloc[start : start + step], start_id=start)
        for start in range(0, len(frame), step)
    ]
    assert whole.equals(pa.concat_tables(pieces))
