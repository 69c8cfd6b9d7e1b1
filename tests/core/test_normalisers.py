"""Tests for lantern.core.normalisers: examples for each message, properties for each rule.

Only synthetic data: NHS numbers from the 999 test range, Ofcom drama telephone numbers,
example.org addresses and the fictional postcode area NK.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from lantern.core.normalisers import (
    PartialDate,
    PostcodeParts,
    _normalise_name_unicode,
    age_on,
    birthday_in_year,
    format_nhs_number,
    format_vehicle_registration,
    is_valid_nhs_number,
    name_key,
    nhs_check_digit,
    normalise_email,
    normalise_name,
    normalise_nhs_number,
    normalise_phone,
    normalise_postcode,
    normalise_vehicle_registration,
    parse_date_of_birth,
    parse_partial_date,
    postcode_parts,
    vehicle_registration_format,
)

# No example database on disk, and no deadline: phonenumbers loads metadata on first use.
hypothesis_settings = settings(database=None, deadline=None, max_examples=200)

FAR_FUTURE = date(2100, 12, 31)
DIGITS = "0123456789"


def error_of(func: Callable[..., object], *args: object, **kwargs: object) -> ValidationError:
    """Call ``func`` and return the ValidationError it raises."""
    with pytest.raises(ValidationError) as caught:
        func(*args, **kwargs)
    return caught.value


def attempt(func: Callable[[str], str], raw: str) -> tuple[str | None, str | None]:
    """Return ``(result, None)`` when ``func`` accepts ``raw``, else ``(None, error code)``."""
    try:
        return func(raw), None
    except ValidationError as error:
        return None, error.code


def message_of(error: ValidationError) -> str:
    """Return the single rendered message of an error."""
    assert len(error.messages) == 1
    return error.messages[0]


# --------------------------------------------------------------------------------------------
# NHS numbers
# --------------------------------------------------------------------------------------------

nine_digits = st.text(alphabet=DIGITS, min_size=9, max_size=9)


@st.composite
def valid_nhs_numbers(draw: st.DrawFn) -> str:
    """Draw a 10-digit string whose mod-11 check digit is right."""
    first9 = draw(nine_digits.filter(lambda digits: nhs_check_digit(digits) is not None))
    return f"{first9}{nhs_check_digit(first9)}"


@st.composite
def wrong_check_digit_nhs_numbers(draw: st.DrawFn) -> str:
    """Draw a 10-digit string whose last digit is not the check digit."""
    first9 = draw(nine_digits)
    check = nhs_check_digit(first9)
    last = draw(st.sampled_from([d for d in range(10) if d != check]))
    return f"{first9}{last}"


@st.composite
def with_separators(draw: st.DrawFn, text: str) -> str:
    """Put random runs of spaces and hyphens around and between the characters of ``text``."""
    separator = st.sampled_from(["", "", " ", "-", "  ", " - ", "\t"])
    parts = [draw(separator)]
    for char in text:
        parts.extend([char, draw(separator)])
    return "".join(parts)


@pytest.mark.parametrize(
    ("first9", "expected"),
    [("999000001", 8), ("999111222", 7), ("999876543", 9), ("999000005", 0), ("999123456", None)],
)
def test_nhs_check_digit_examples(first9: str, expected: int | None) -> None:
    assert nhs_check_digit(first9) == expected


def test_nhs_check_digit_needs_nine_digits() -> None:
    with pytest.raises(ValueError, match="nine"):
        nhs_check_digit("99900000")


@pytest.mark.parametrize("raw", ["9990000018", "999 000 0018", "999-000-0018", " 999 0000018 "])
def test_normalise_nhs_number_examples(raw: str) -> None:
    assert normalise_nhs_number(raw) == "9990000018"
    assert format_nhs_number(raw) == "999 000 0018"
    assert is_valid_nhs_number(raw)


@pytest.mark.parametrize("raw", ["", "999000001", "99900000188", "999 000 001X", "NHS"])
def test_normalise_nhs_number_wrong_length_message(raw: str) -> None:
    error = error_of(normalise_nhs_number, raw)
    assert message_of(error) == "Enter a 10-digit NHS number"
    assert error.code == "nhs_number_format"
    assert not is_valid_nhs_number(raw)


@pytest.mark.parametrize("raw", ["9990000017", "999 111 2228", "9991234560"])
def test_normalise_nhs_number_check_digit_message(raw: str) -> None:
    error = error_of(normalise_nhs_number, raw)
    assert message_of(error) == (
        "This NHS number's check digit is wrong \N{EN DASH} check it was copied correctly"
    )
    assert error.code == "nhs_number_check_digit"


def test_format_nhs_number_refuses_invalid() -> None:
    assert error_of(format_nhs_number, "9990000017").code == "nhs_number_check_digit"


@hypothesis_settings
@given(wrong_check_digit_nhs_numbers())
def test_wrong_check_digit_is_always_refused(number: str) -> None:
    assert error_of(normalise_nhs_number, number).code == "nhs_number_check_digit"
    assert not is_valid_nhs_number(number)


@hypothesis_settings
@given(st.data(), valid_nhs_numbers())
def test_valid_nhs_numbers_accepted_idempotent_and_separator_blind(
    data: st.DataObject, number: str
) -> None:
    assert normalise_nhs_number(number) == number
    assert normalise_nhs_number(normalise_nhs_number(number)) == number
    spaced = data.draw(with_separators(number))
    assert normalise_nhs_number(spaced) == number
    assert normalise_nhs_number(format_nhs_number(spaced)) == number


@hypothesis_settings
@given(st.text(max_size=20))
def test_nhs_number_accepts_only_ten_digits(raw: str) -> None:
    result, code = attempt(normalise_nhs_number, raw)
    if result is None:
        assert code in {"nhs_number_format", "nhs_number_check_digit"}
    else:
        assert re.fullmatch(r"[0-9]{10}", result)
        assert normalise_nhs_number(result) == result


# --------------------------------------------------------------------------------------------
# Postcodes
# --------------------------------------------------------------------------------------------

FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # not Q, V, X
SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # not I, J, Z
THIRD = "ABCDEFGHJKPSTUW"
FOURTH = "ABEHMNPRVWXY"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # not C, I, K, M, O, V


def letter(alphabet: str) -> st.SearchStrategy[str]:
    return st.sampled_from(alphabet)


digit = st.sampled_from(DIGITS)
outward_codes = st.one_of(
    st.tuples(letter(FIRST), digit),
    st.tuples(letter(FIRST), digit, digit),
    st.tuples(letter(FIRST), letter(SECOND), digit),
    st.tuples(letter(FIRST), letter(SECOND), digit, digit),
    st.tuples(letter(FIRST), digit, letter(THIRD)),
    st.tuples(letter(FIRST), letter(SECOND), digit, letter(FOURTH)),
).map("".join)
inward_codes = st.tuples(digit, letter(INWARD_LETTERS), letter(INWARD_LETTERS)).map("".join)
valid_postcodes = st.one_of(
    st.tuples(outward_codes, inward_codes).map(" ".join), st.just("GIR 0AA")
)


@st.composite
def scrambled(draw: st.DrawFn, text: str) -> str:
    """Change the case of each letter and the spacing between characters at random."""
    spaces = st.sampled_from(["", "", " ", "  ", "\t"])
    parts = [draw(spaces)]
    for char in text.replace(" ", ""):
        parts.extend([char.lower() if draw(st.booleans()) else char, draw(spaces)])
    return "".join(parts)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("nk14ab", "NK1 4AB"),
        ("NK1 4AB", "NK1 4AB"),
        ("  nk1   4ab ", "NK1 4AB"),
        ("n k 1 0 4 a b", "NK10 4AB"),
        ("nk1a4ab", "NK1A 4AB"),
        ("sw1a1aa", "SW1A 1AA"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalise_postcode_examples(raw: str, expected: str) -> None:
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "NK1", "NK1 4A", "NK1 4ABC", "NK1 4AI", "QK1 4AB", "NK 4AB", "1NK 4AB", "NK1-4AB"]
)
def test_normalise_postcode_message(raw: str) -> None:
    error = error_of(normalise_postcode, raw)
    assert message_of(error) == "Enter a real UK postcode, like NK1 4AB"
    assert error.code == "postcode_invalid"


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("nk14ab", PostcodeParts("NK", "NK1", "NK1 4", "NK1 4AB")),
        ("NK10 4AB", PostcodeParts("NK", "NK10", "NK10 4", "NK10 4AB")),
        ("N1 9AB", PostcodeParts("N", "N1", "N1 9", "N1 9AB")),
        ("NK1A 4AB", PostcodeParts("NK", "NK1A", "NK1A 4", "NK1A 4AB")),
    ],
)
def test_postcode_parts(raw: str, parts: PostcodeParts) -> None:
    assert postcode_parts(raw) == parts


@hypothesis_settings
@given(st.data(), valid_postcodes)
def test_postcode_idempotent_and_case_and_space_blind(data: st.DataObject, postcode: str) -> None:
    assert normalise_postcode(postcode) == postcode
    assert normalise_postcode(normalise_postcode(postcode)) == postcode
    assert normalise_postcode(data.draw(scrambled(postcode))) == postcode
    parts = postcode_parts(postcode)
    assert parts.unit == postcode
    assert parts.sector.startswith(parts.district)
    assert parts.district.startswith(parts.area)


@hypothesis_settings
@given(st.text(max_size=12))
def test_postcode_junk_is_refused_or_normal(raw: str) -> None:
    result, code = attempt(normalise_postcode, raw)
    if result is None:
        assert code == "postcode_invalid"
    else:
        assert re.fullmatch(r"[A-Z][A-Z0-9]{1,3} [0-9][A-Z]{2}", result)
        assert normalise_postcode(result) == result


@hypothesis_settings
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12))
def test_postcode_with_a_foreign_character_is_refused(raw: str) -> None:
    assume(any(not (char.isascii() and (char.isalnum() or char.isspace())) for char in raw))
    assert error_of(normalise_postcode, raw).code == "postcode_invalid"


@hypothesis_settings
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=12))
def test_postcode_of_wrong_length_is_refused(raw: str) -> None:
    assume(not 5 <= len(raw) <= 7)
    assert error_of(normalise_postcode, raw).code == "postcode_invalid"


# --------------------------------------------------------------------------------------------
# Telephone numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07700 900123", "+447700900123"),  # Ofcom drama mobile range
        ("07700900000", "+447700900000"),
        ("+44 7700 900999", "+447700900999"),
        ("00 44 7700 900123", "+447700900123"),
        ("0113 496 0123", "+441134960123"),  # Ofcom drama Leeds range
        ("(0113) 496-0123", "+441134960123"),
        ("020 7946 0123", "+442079460123"),
        ("+1 202 555 0123", "+12025550123"),
    ],
)
def test_normalise_phone_examples(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


def test_normalise_phone_other_region() -> None:
    assert normalise_phone("(202) 555-0123", region="US") == "+12025550123"


@pytest.mark.parametrize(
    "raw",
    ["", "0", "07700", "123", "0800 FLOWERS", "+44", "ring me", "00000000000", "+4930000000000000"],
)
def test_normalise_phone_message(raw: str) -> None:
    error = error_of(normalise_phone, raw)
    assert message_of(error) == "Enter a telephone number, like 07700 900123 or +44 113 496 0123"
    assert error.code == "phone_invalid"


drama_numbers = st.one_of(
    st.text(alphabet=DIGITS, min_size=3, max_size=3).map("07700 900{}".format),
    st.text(alphabet=DIGITS, min_size=3, max_size=3).map("0113 496 0{}".format),
    st.text(alphabet=DIGITS, min_size=3, max_size=3).map("020 7946 0{}".format),
)


@hypothesis_settings
@given(drama_numbers)
def test_drama_numbers_are_accepted_and_idempotent(raw: str) -> None:
    e164 = normalise_phone(raw)
    assert e164 == "+44" + raw[1:].replace(" ", "")
    assert normalise_phone(e164) == e164


@hypothesis_settings
@given(st.from_regex(r"\+?[0-9 ()-]{1,20}", fullmatch=True))
def test_phone_normalising_is_idempotent_on_its_output(raw: str) -> None:
    e164, code = attempt(normalise_phone, raw)
    if e164 is None:
        assert code == "phone_invalid"
    else:
        assert re.fullmatch(r"\+[1-9][0-9]{6,14}", e164)
        assert normalise_phone(e164) == e164


# --------------------------------------------------------------------------------------------
# E-mail addresses
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Jo.Bloggs@EXAMPLE.ORG ", "Jo.Bloggs@example.org"),
        ("duty.team@Example.Org", "duty.team@example.org"),
        ("a+tag@sub.example.org", "a+tag@sub.example.org"),
    ],
)
def test_normalise_email_examples(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected
    assert normalise_email(expected) == expected


@pytest.mark.parametrize(
    "raw", ["", "jo", "jo@", "@example.org", "jo@example", "jo bloggs@example.org", "a@b@c.org"]
)
def test_normalise_email_message(raw: str) -> None:
    error = error_of(normalise_email, raw)
    assert message_of(error) == (
        "Enter an email address in the correct format, like name@example.org"
    )
    assert error.code == "email_invalid"


@hypothesis_settings
@given(st.emails(domains=st.just("Example.ORG")))
def test_email_domain_lowercased_and_idempotent(raw: str) -> None:
    result, code = attempt(normalise_email, raw)
    if result is None:  # hypothesis' RFC addresses are wider than Django's
        assert code == "email_invalid"
    else:
        assert result.endswith("@example.org")
        assert result.rpartition("@")[0] == raw.rpartition("@")[0]
        assert normalise_email(result) == result


# --------------------------------------------------------------------------------------------
# Vehicle registrations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal", "display", "kind"),
    [
        ("ab12 cde", "AB12CDE", "AB12 CDE", "current"),
        ("AB12CDE", "AB12CDE", "AB12 CDE", "current"),
        ("a123 bcd", "A123BCD", "A123 BCD", "prefix"),
        ("abc 123d", "ABC123D", "ABC 123D", "suffix"),
        ("ABZ 1234", "ABZ1234", "ABZ 1234", "northern_ireland"),
        ("IA 12", "IA12", "IA 12", "northern_ireland"),
        ("ABC 1", "ABC1", "ABC 1", "dateless"),
        ("1234 AB", "1234AB", "1234 AB", "dateless"),
    ],
)
def test_vehicle_registration_examples(raw: str, normal: str, display: str, kind: str) -> None:
    assert normalise_vehicle_registration(raw) == normal
    assert format_vehicle_registration(raw) == display
    assert vehicle_registration_format(raw) == kind


@pytest.mark.parametrize("raw", ["", "AB12CDEF", "ABCD1234", "AB-12-CDE", "12AB34", "ABCDE", "!"])
def test_vehicle_registration_message(raw: str) -> None:
    error = error_of(normalise_vehicle_registration, raw)
    assert message_of(error) == "Enter a UK vehicle registration, like AB12 CDE"
    assert error.code == "vehicle_registration_invalid"


@hypothesis_settings
@given(st.from_regex(r"[a-zA-Z]{2}[0-9]{2} ?[a-zA-Z]{3}", fullmatch=True))
def test_current_registrations_round_trip(raw: str) -> None:
    normal = normalise_vehicle_registration(raw)
    assert normal == raw.replace(" ", "").upper()
    assert normalise_vehicle_registration(normal) == normal
    assert format_vehicle_registration(raw) == f"{normal[:4]} {normal[4:]}"
    assert normalise_vehicle_registration(format_vehicle_registration(raw)) == normal


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zoë O'Brien-Smith", "zoe obrien smith"),
        ("  MÜLLER  ", "muller"),
        ("d\N{RIGHT SINGLE QUOTATION MARK}Arcy", "darcy"),
        ("Jean--Luc   Picard", "jean luc picard"),
        ("Ångström", "angstrom"),
        ("", ""),
    ],
)
def test_normalise_name_examples(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Smith", "Smyth"),
        ("Catherine", "Kathryn"),
        ("Phillips", "Filips"),
        ("McDonald", "MacDonald"),
        ("O'Brien", "OBrien"),
        ("Ahmed", "Ahmad"),
        ("Müller", "Muller"),
    ],
)
def test_name_key_matches_similar_sounding_names(first: str, second: str) -> None:
    assert name_key(first) == name_key(second)


@pytest.mark.parametrize(("first", "second"), [("Smith", "Jones"), ("Reid", "Robinson")])
def test_name_key_separates_different_names(first: str, second: str) -> None:
    assert name_key(first) != name_key(second)


def test_name_key_keeps_each_word_and_non_latin_words() -> None:
    assert name_key("Smith-Jones") == "SM0 JNS"
    assert name_key("王") == "王"
    assert name_key("") == ""


@hypothesis_settings
@given(st.text())
def test_name_normalising_is_idempotent_and_clean(raw: str) -> None:
    normal = normalise_name(raw)
    assert normalise_name(normal) == normal
    assert normal == normal.strip()
    assert "  " not in normal
    assert all(char == " " or char.isalpha() for char in normal)
    assert not any(unicodedata.combining(char) for char in normal)
    assert isinstance(name_key(raw), str)


@settings(database=None, deadline=None, max_examples=400)
@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=127), max_size=30), st.text()))
@example("Zoë O'Brien-Smith")
@example("  JADE   louise ")
@example("D`Arcy")
@example("O'NEILL-SMITH Jr.")
def test_the_ascii_fast_path_folds_names_as_the_unicode_folding_does(raw: str) -> None:
    """Most names are plain ASCII and take a shortcut; it must give the full folding's answer."""
    assert normalise_name(raw) == _normalise_name_unicode(raw)


# --------------------------------------------------------------------------------------------
# Partial dates
# --------------------------------------------------------------------------------------------

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("17/05/1998", PartialDate(1998, 5, 17)),
        ("17-05-1998", PartialDate(1998, 5, 17)),
        ("17.5.1998", PartialDate(1998, 5, 17)),
        ("1998-05-17", PartialDate(1998, 5, 17)),
        ("05/1998", PartialDate(1998, 5)),
        ("1998-05", PartialDate(1998, 5)),
        ("1998", PartialDate(1998)),
        ("17 May 1998", PartialDate(1998, 5, 17)),
        ("17th may, 1998", PartialDate(1998, 5, 17)),
        ("May 17, 1998", PartialDate(1998, 5, 17)),
        ("May 1998", PartialDate(1998, 5)),
        ("Sept 1998", PartialDate(1998, 9)),
        (" 1 Feb 2000 ", PartialDate(2000, 2, 1)),
    ],
)
def test_parse_partial_date_examples(raw: str, expected: PartialDate) -> None:
    assert parse_partial_date(raw, today=TODAY) == expected


def test_parse_partial_date_month_first() -> None:
    assert parse_partial_date("05/17/1998", today=TODAY, dayfirst=False) == PartialDate(1998, 5, 17)
    assert parse_partial_date("05/06/1998", today=TODAY) == PartialDate(1998, 6, 5)


@pytest.mark.parametrize("raw", ["31/02/2005", "29/02/2023", "00/01/2000", "13/13/2000"])
def test_impossible_date_message(raw: str) -> None:
    error = error_of(parse_partial_date, raw, today=TODAY)
    assert message_of(error) == f"{raw} is not a real date"
    assert error.code == "date_not_real"


@pytest.mark.parametrize("raw", ["", "yesterday", "17/05/98", "17 Foo 1998", "1998/5/17/1"])
def test_unreadable_date_message(raw: str) -> None:
    error = error_of(parse_partial_date, raw, today=TODAY)
    assert message_of(error) == "Enter a date like 17/05/1998, May 1998 or 1998"
    assert error.code == "date_invalid"


def test_date_before_1900_message() -> None:
    error = error_of(parse_partial_date, "31/12/1899", today=TODAY)
    assert message_of(error) == "Enter a year from 1900 onwards"
    assert error.code == "date_too_early"


def test_future_date_messages() -> None:
    error = error_of(parse_partial_date, "16/06/2025", today=TODAY)
    assert message_of(error) == "Date must not be in the future"
    assert error.code == "date_in_future"
    error = error_of(parse_date_of_birth, "07/2025", today=TODAY)
    assert message_of(error) == "Date of birth must be in the past"
    assert error.code == "date_of_birth_in_future"
    assert error_of(parse_date_of_birth, "01/01/2999").code == "date_of_birth_in_future"


def test_partial_dates_overlapping_today_are_allowed() -> None:
    assert parse_date_of_birth("15/06/2025", today=TODAY) == PartialDate(2025, 6, 15)
    assert parse_date_of_birth("06/2025", today=TODAY) == PartialDate(2025, 6)
    assert parse_date_of_birth("2025", today=TODAY) == PartialDate(2025)
    assert parse_date_of_birth("1998") == PartialDate(1998)


def test_partial_date_properties() -> None:
    day, month, year = PartialDate(2024, 2, 29), PartialDate(2024, 2), PartialDate(2023)
    assert (day.precision, month.precision, year.precision) == ("day", "month", "year")
    assert (str(day), str(month), str(year)) == ("2024-02-29", "2024-02", "2023")
    assert day.earliest() == day.latest() == date(2024, 2, 29)
    assert (month.earliest(), month.latest()) == (date(2024, 2, 1), date(2024, 2, 29))
    assert (year.earliest(), year.latest()) == (date(2023, 1, 1), date(2023, 12, 31))
    assert month.contains(date(2024, 2, 10))
    assert not month.contains(date(2024, 3, 1))
    assert PartialDate.from_date(date(1998, 5, 17)) == PartialDate(1998, 5, 17)


@pytest.mark.parametrize(
    ("year", "month", "day"), [(2023, 2, 29), (2000, 13, None), (2000, None, 1), (2000, 0, None)]
)
def test_partial_date_refuses_impossible_parts(
    year: int, month: int | None, day: int | None
) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message comes from datetime or ours
        PartialDate(year, month, day)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    """Draw a PartialDate between 1900 and 2100 at any precision."""
    full = draw(st.dates(min_value=date(1900, 1, 1), max_value=FAR_FUTURE))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(full.year)
    if precision == "month":
        return PartialDate(full.year, full.month)
    return PartialDate.from_date(full)


@hypothesis_settings
@given(partial_dates())
def test_partial_date_str_round_trips(partial: PartialDate) -> None:
    assert parse_partial_date(str(partial), today=FAR_FUTURE) == partial
    assert partial.earliest() <= partial.latest()
    assert partial.contains(partial.earliest())
    assert partial.contains(partial.latest())


@hypothesis_settings
@given(st.dates(min_value=date(1900, 1, 1), max_value=FAR_FUTURE), st.booleans())
def test_numeric_and_named_forms_agree(day: date, dayfirst: bool) -> None:
    expected = PartialDate.from_date(day)
    numeric = (
        f"{day.day:02d}/{day.month:02d}/{day.year}"
        if dayfirst
        else f"{day.month:02d}/{day.day:02d}/{day.year}"
    )
    named = f"{day.day} {calendar.month_abbr[day.month]} {day.year}"
    assert parse_partial_date(numeric, today=FAR_FUTURE, dayfirst=dayfirst) == expected
    assert parse_partial_date(named, today=FAR_FUTURE) == expected


@st.composite
def impossible_days(draw: st.DrawFn) -> tuple[int, int, int]:
    """Draw a year, a month and a day number past the end of that month (up to 99)."""
    year = draw(st.integers(min_value=1900, max_value=2099))
    month = draw(st.integers(min_value=1, max_value=12))
    day = draw(st.integers(min_value=calendar.monthrange(year, month)[1] + 1, max_value=99))
    return year, month, day


@hypothesis_settings
@given(impossible_days(), st.sampled_from(["/", "-", "."]))
def test_impossible_dates_are_refused(parts: tuple[int, int, int], sep: str) -> None:
    year, month, day = parts
    raw = f"{day:02d}{sep}{month:02d}{sep}{year}"
    error = error_of(parse_partial_date, raw, today=FAR_FUTURE)
    assert message_of(error) == f"{raw} is not a real date"
    assert error.code == "date_not_real"


@hypothesis_settings
@given(st.integers(min_value=1900, max_value=2099), st.integers(min_value=13, max_value=99))
def test_impossible_months_are_refused(year: int, month: int) -> None:
    error = error_of(parse_partial_date, f"{month}/{year}", today=FAR_FUTURE)
    assert error.code == "date_not_real"
    assert message_of(error).endswith("is not a real date")


@hypothesis_settings
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 30)))
def test_dates_after_today_are_refused(today: date) -> None:
    tomorrow = today + timedelta(days=1)
    raw = f"{tomorrow.day}/{tomorrow.month}/{tomorrow.year}"
    assert error_of(parse_date_of_birth, raw, today=today).code == "date_of_birth_in_future"
    assert parse_date_of_birth(raw, today=tomorrow) == PartialDate.from_date(tomorrow)


# --------------------------------------------------------------------------------------------
# Ages and birthdays
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        (date(2000, 5, 17), date(2000, 5, 17), 0),
        (date(2000, 5, 17), date(2018, 5, 16), 17),
        (date(2000, 5, 17), date(2018, 5, 17), 18),
        (date(2008, 2, 29), date(2025, 2, 28), 16),  # common year: not yet 17
        (date(2008, 2, 29), date(2025, 3, 1), 17),  # reached on 1 March
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),  # leap year: on the day
        (date(2008, 2, 28), date(2025, 2, 28), 17),
    ],
)
def test_age_on_examples(dob: date, on: date, age: int) -> None:
    assert age_on(dob, on) == age


def test_age_on_refuses_date_before_birth() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


@pytest.mark.parametrize(
    ("year", "birthday"),
    [(2025, date(2025, 3, 1)), (2024, date(2024, 2, 29)), (2100, date(2100, 3, 1))],
)
def test_birthday_in_year_for_29_february(year: int, birthday: date) -> None:
    assert birthday_in_year(date(2008, 2, 29), year) == birthday


dobs = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@hypothesis_settings
@given(dobs, st.integers(min_value=0, max_value=40_000), st.integers(min_value=0, max_value=400))
def test_age_on_is_monotonic(dob: date, offset: int, step: int) -> None:
    earlier = dob + timedelta(days=offset)
    later = earlier + timedelta(days=step)
    assert 0 <= age_on(dob, earlier) <= age_on(dob, later)
    assert age_on(dob, later) - age_on(dob, earlier) <= step // 365 + 1


@hypothesis_settings
@given(dobs, st.integers(min_value=1, max_value=120))
def test_age_changes_exactly_on_the_birthday(dob: date, years: int) -> None:
    birthday = birthday_in_year(dob, dob.year + years)
    assert age_on(dob, birthday) == years
    assert age_on(dob, birthday - timedelta(days=1)) == years - 1


@hypothesis_settings
@given(
    st.sampled_from([y for y in range(1904, 2100, 4) if calendar.isleap(y)]),
    st.integers(min_value=1, max_value=100),
)
def test_29_february_birthdays(birth_year: int, years: int) -> None:
    dob = date(birth_year, 2, 29)
    year = birth_year + years
    assert age_on(dob, date(year, 2, 28)) == years - 1
    assert age_on(dob, date(year, 3, 1)) == years
    if calendar.isleap(year):
        assert birthday_in_year(dob, year) == date(year, 2, 29)
        assert age_on(dob, date(year, 2, 29)) == years
    else:
        assert birthday_in_year(dob, year) == date(year, 3, 1)
