"""Normalise and validate identifiers typed in by people.

Pure functions with no database access: each ``normalise_*`` function returns the canonical
form of a value or raises :class:`django.core.exceptions.ValidationError` with a message meant
for the person who typed it and a machine-readable ``code``.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

import jellyfish
import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

__all__ = [
    "PartialDate",
    "PostcodeParts",
    "age_on",
    "birthday_in_year",
    "format_nhs_number",
    "format_vehicle_registration",
    "is_valid_nhs_number",
    "name_key",
    "nhs_check_digit",
    "normalise_email",
    "normalise_name",
    "normalise_nhs_number",
    "normalise_phone",
    "normalise_postcode",
    "normalise_vehicle_registration",
    "parse_date_of_birth",
    "parse_partial_date",
    "postcode_parts",
    "vehicle_registration_format",
]

_DASH = "\N{EN DASH}"
_LONDON = ZoneInfo("Europe/London")

# --------------------------------------------------------------------------------------------
# NHS numbers
# --------------------------------------------------------------------------------------------

_NHS_SEPARATORS = re.compile(r"[\s-]+")
_NHS_DIGITS = re.compile(r"[0-9]{10}", re.ASCII)
NHS_NUMBER_FORMAT_MESSAGE = "Enter a 10-digit NHS number"
NHS_NUMBER_CHECK_DIGIT_MESSAGE = (
    f"This NHS number's check digit is wrong {_DASH} check it was copied correctly"
)


def nhs_check_digit(first9: str) -> int | None:
    """Return the mod-11 check digit for the first nine digits, or None if none is possible."""
    if len(first9) != 9 or not first9.isascii() or not first9.isdigit():
        msg = "nhs_check_digit needs exactly nine ASCII digits"
        raise ValueError(msg)
    total = sum(int(digit) * weight for digit, weight in zip(first9, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(value: str) -> str:
    """Return the NHS number as 10 digits, refusing a wrong length or a wrong check digit."""
    digits = _NHS_SEPARATORS.sub("", value)
    if not _NHS_DIGITS.fullmatch(digits):
        raise ValidationError(NHS_NUMBER_FORMAT_MESSAGE, code="nhs_number_format")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(NHS_NUMBER_CHECK_DIGIT_MESSAGE, code="nhs_number_check_digit")
    return digits


def is_valid_nhs_number(value: str) -> bool:
    """Say whether the value normalises to a valid NHS number."""
    try:
        normalise_nhs_number(value)
    except ValidationError:
        return False
    return True


def format_nhs_number(value: str) -> str:
    """Return the NHS number in the usual 3-3-4 display form, e.g. ``999 000 0018``."""
    digits = normalise_nhs_number(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


# --------------------------------------------------------------------------------------------
# Postcodes
# --------------------------------------------------------------------------------------------

# BS 7666 letter rules: first letter not Q/V/X; second not I/J/Z; the letter in A9A outward codes
# from ABCDEFGHJKPSTUW; the letter in AA9A from ABEHMNPRVWXY; inward letters never CIKMOV.
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9]{1,2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"(?:{_OUTWARD} {_INWARD}|GIR 0AA)", re.ASCII)
_WHITESPACE = re.compile(r"\s+")
POSTCODE_MESSAGE = "Enter a real UK postcode, like NK1 4AB"


class PostcodeParts(NamedTuple):
    """The nested units of a UK postcode, from the widest to the narrowest."""

    area: str
    district: str
    sector: str
    unit: str


def normalise_postcode(value: str) -> str:
    """Return the postcode upper-cased with one space before the inward code (``NK1 4AB``)."""
    compact = _WHITESPACE.sub("", value).upper()
    candidate = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
    if not _POSTCODE.fullmatch(candidate):
        raise ValidationError(POSTCODE_MESSAGE, code="postcode_invalid")
    return candidate


def postcode_parts(postcode: str) -> PostcodeParts:
    """Split a postcode into area, district, sector and unit (``NK``, ``NK1``, ``NK1 4``...)."""
    unit = normalise_postcode(postcode)
    district, inward = unit.split(" ")
    area = re.match(r"[A-Z]+", district)
    return PostcodeParts(
        area=area.group(0) if area else district,
        district=district,
        sector=f"{district} {inward[0]}",
        unit=unit,
    )


# --------------------------------------------------------------------------------------------
# Telephone numbers
# --------------------------------------------------------------------------------------------

PHONE_MESSAGE = "Enter a telephone number, like 07700 900123 or +44 113 496 0123"
_PHONE_CHARACTERS = re.compile(r"\+?[0-9 ()./-]+", re.ASCII)
_PHONE_MIN_DIGITS = 7  # shortest national significant number worth storing
_PHONE_MAX_DIGITS = 15  # E.164 maximum, country code included


def _e164_if_acceptable(number: phonenumbers.PhoneNumber) -> str | None:
    """Return the number's E.164 form if it is valid, or possible with a sensible length."""
    e164: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if len(e164) - 1 > _PHONE_MAX_DIGITS:
        return None
    if phonenumbers.is_valid_number(number):
        return e164
    possible = (
        phonenumbers.is_possible_number_with_reason(number)
        == phonenumbers.ValidationResult.IS_POSSIBLE
    )
    national = phonenumbers.national_significant_number(number)
    if possible and len(national) >= _PHONE_MIN_DIGITS and not number.italian_leading_zero:
        return e164
    return None


def normalise_phone(value: str, region: str = "GB") -> str:
    """Return the telephone number in E.164 form (``+447700900123``).

    ``is_valid_number`` refuses Ofcom's drama ranges (07700 900xxx), so a number is accepted
    when it is valid, or when its length is possible for its country (not only for local
    dialling), it has a sensible number of digits and its E.164 form reads back as itself.
    """
    text = value.strip()
    if not _PHONE_CHARACTERS.fullmatch(text) or not any(ch.isdigit() for ch in text):
        raise ValidationError(PHONE_MESSAGE, code="phone_invalid")
    try:
        e164 = _e164_if_acceptable(phonenumbers.parse(text, region))
        # Refuse anything whose E.164 form would not read back as itself (e.g. runs of zeros).
        if e164 is None or _e164_if_acceptable(phonenumbers.parse(e164, None)) != e164:
            raise ValidationError(PHONE_MESSAGE, code="phone_invalid")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(PHONE_MESSAGE, code="phone_invalid") from exc
    return e164


# --------------------------------------------------------------------------------------------
# E-mail addresses
# --------------------------------------------------------------------------------------------

EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.org"
_email_validator = EmailValidator()


def normalise_email(value: str) -> str:
    """Return the address stripped, with the domain lower-cased and the local part as typed."""
    text = value.strip()
    local, at, domain = text.rpartition("@")
    if not at:
        raise ValidationError(EMAIL_MESSAGE, code="email_invalid")
    address = f"{local}@{domain.lower()}"
    try:
        _email_validator(address)
    except ValidationError as exc:
        raise ValidationError(EMAIL_MESSAGE, code="email_invalid") from exc
    return address


# --------------------------------------------------------------------------------------------
# Vehicle registrations
# --------------------------------------------------------------------------------------------

VehicleRegistrationFormat = Literal["current", "prefix", "suffix", "northern_ireland", "dateless"]
VEHICLE_REGISTRATION_MESSAGE = "Enter a UK vehicle registration, like AB12 CDE"
_REGISTRATION_FORMATS: tuple[tuple[VehicleRegistrationFormat, re.Pattern[str]], ...] = (
    ("current", re.compile(r"([A-Z]{2}[0-9]{2})([A-Z]{3})", re.ASCII)),
    ("prefix", re.compile(r"([A-Z][0-9]{1,3})([A-Z]{3})", re.ASCII)),
    ("suffix", re.compile(r"([A-Z]{3})([0-9]{1,3}[A-Z])", re.ASCII)),
    # Northern Ireland: up to three letters including the county code (with I or Z), 1-4 digits.
    ("northern_ireland", re.compile(r"([A-Z]?(?:[A-Z][IZ]|[IZ][A-Z]))([0-9]{1,4})", re.ASCII)),
    ("dateless", re.compile(r"([A-Z]{1,4})([0-9]{1,4})|([0-9]{1,4})([A-Z]{1,4})", re.ASCII)),
)
_REGISTRATION_MAX_LENGTH = 7


def _match_registration(value: str) -> tuple[str, VehicleRegistrationFormat, re.Match[str]]:
    compact = _WHITESPACE.sub("", value).upper()
    if len(compact) <= _REGISTRATION_MAX_LENGTH:
        for name, pattern in _REGISTRATION_FORMATS:
            match = pattern.fullmatch(compact)
            if match:
                return compact, name, match
    raise ValidationError(VEHICLE_REGISTRATION_MESSAGE, code="vehicle_registration_invalid")


def normalise_vehicle_registration(value: str) -> str:
    """Return the registration upper-cased without spaces (``AB12CDE``)."""
    return _match_registration(value)[0]


def vehicle_registration_format(value: str) -> VehicleRegistrationFormat:
    """Name the format a registration is in: current, prefix, suffix, NI or dateless."""
    return _match_registration(value)[1]


def format_vehicle_registration(value: str) -> str:
    """Return the registration as displayed on a number plate (``AB12 CDE``, ``A123 BCD``)."""
    _, _, match = _match_registration(value)
    return " ".join(group for group in match.groups() if group)


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

_APOSTROPHES = frozenset("'\u2018\u2019\u02bc\u02b9\u0060\u00b4\u2032")


def _fold_name(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", value).casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) or char in _APOSTROPHES:
            continue
        kept.append(char if char.isalpha() else " ")
    return " ".join("".join(kept).split())


_ASCII_NOT_LETTER = re.compile(r"[^a-z]+", re.ASCII)


def normalise_name(value: str) -> str:
    """Return a name folded for matching: no accents, lower case, letters and single spaces.

    ``"Zoë O'Brien-Smith"`` becomes ``"zoe obrien smith"``.

    Plain ASCII (most names) takes a fast path: there the Unicode folding comes down to lower
    case, apostrophes dropped, every other non-letter a space, spaces collapsed. A property
    test proves it gives the same answer as the full folding.
    """
    if value.isascii():
        plain = value.lower().replace("'", "").replace("`", "")
        return " ".join(_ASCII_NOT_LETTER.sub(" ", plain).split())
    return _normalise_name_unicode(value)


def _normalise_name_unicode(value: str) -> str:
    folded = _fold_name(value)
    # A few characters only fold fully in a second pass; stop once the result is stable.
    for _ in range(3):
        again = _fold_name(folded)
        if again == folded:
            break
        folded = again
    return folded


def name_key(value: str) -> str:
    """Return a phonetic key for finding people whose names sound alike.

    Metaphone rather than Soundex: it keeps whole-name consonant structure and treats PH as F,
    C/K alike and silent KN/WR as such, so Catherine/Kathryn and Phillips/Filips meet, while
    Soundex keeps the first letter as typed and cuts names to four characters. Each word of the
    name is keyed separately; a word Metaphone cannot key (non-Latin script) is kept as it is.
    """
    keys = [jellyfish.metaphone(word) or word for word in normalise_name(value).split()]
    return " ".join(keys)


# --------------------------------------------------------------------------------------------
# Partial dates and dates of birth
# --------------------------------------------------------------------------------------------

Precision = Literal["year", "month", "day"]
EARLIEST_YEAR = 1900
DATE_FORMAT_MESSAGE = "Enter a date like 17/05/1998, May 1998 or 1998"
DATE_TOO_EARLY_MESSAGE = f"Enter a year from {EARLIEST_YEAR} onwards"
DATE_IN_FUTURE_MESSAGE = "Date must not be in the future"
DATE_OF_BIRTH_IN_FUTURE_MESSAGE = "Date of birth must be in the past"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        """Refuse a day without a month, or a month or day that does not exist."""
        if self.day is not None and self.month is None:
            msg = "a PartialDate with a day needs a month"
            raise ValueError(msg)
        if not 1 <= self.year <= 9999:
            msg = f"year {self.year} is out of range"
            raise ValueError(msg)
        if self.month is not None and not 1 <= self.month <= 12:
            msg = f"month {self.month} is out of range"
            raise ValueError(msg)
        if self.day is not None and self.month is not None:
            date(self.year, self.month, self.day)  # raises ValueError for 31 February

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        """Return a day-precision PartialDate for a full date."""
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        """Say how much of the date is known: ``"year"``, ``"month"`` or ``"day"``."""
        if self.month is None:
            return "year"
        if self.day is None:
            return "month"
        return "day"

    def earliest(self) -> date:
        """Return the first day the partial date could be."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """Return the last day the partial date could be."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def contains(self, value: date) -> bool:
        """Say whether a full date falls within this partial date."""
        return self.earliest() <= value <= self.latest()

    def __str__(self) -> str:
        """Return ``1998``, ``1998-05`` or ``1998-05-17`` according to the precision."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_NAMES: dict[str, int] = (
    {name: number for number, name in enumerate(_MONTHS, start=1)}
    | {name[:3]: number for number, name in enumerate(_MONTHS, start=1)}
    | {"sept": 9}
)

# Each pattern names its groups year, month, day or mname (a month's name); "a" and "b" are the
# two numbers of an all-numeric date whose order depends on ``dayfirst``.
_ORD = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.ASCII | re.IGNORECASE)
    for pattern in (
        r"(?P<year>[0-9]{4})",
        r"(?P<year>[0-9]{4})([-/.])(?P<month>[0-9]{1,2})(?:\2(?P<day>[0-9]{1,2}))?",
        r"(?P<a>[0-9]{1,2})([-/.])(?P<b>[0-9]{1,2})\2(?P<year>[0-9]{4})",
        r"(?P<month>[0-9]{1,2})[-/.](?P<year>[0-9]{4})",
        rf"(?:(?P<day>[0-9]{{1,2}}){_ORD} )?(?P<mname>[a-z]+)\.? (?P<year>[0-9]{{4}})",
        rf"(?P<mname>[a-z]+)\.? (?P<day>[0-9]{{1,2}}){_ORD} (?P<year>[0-9]{{4}})",
    )
)


def _date_fields(text: str, *, dayfirst: bool) -> tuple[int, int | None, int | None]:
    """Pick year, month and day out of the text, or raise the format error."""
    cleaned = " ".join(text.replace(",", " ").split())
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if not match:
            continue
        found = {key: value for key, value in match.groupdict().items() if value is not None}
        if "a" in found:
            first, second = found.pop("a"), found.pop("b")
            found["day"], found["month"] = (first, second) if dayfirst else (second, first)
        if "mname" in found:
            month_number = _MONTH_NAMES.get(found.pop("mname").lower())
            if month_number is None:
                break
            found["month"] = str(month_number)
        month, day = found.get("month"), found.get("day")
        return int(found["year"]), int(month) if month else None, int(day) if day else None
    raise ValidationError(DATE_FORMAT_MESSAGE, code="date_invalid")


def _today() -> date:
    return datetime.now(tz=_LONDON).date()


def _parse_partial_date(
    value: str, *, today: date | None, dayfirst: bool, future_message: str, future_code: str
) -> PartialDate:
    text = value.strip()
    year, month, day = _date_fields(text, dayfirst=dayfirst)
    try:
        partial = PartialDate(year, month, day)
    except ValueError as exc:
        raise ValidationError(
            "%(value)s is not a real date", code="date_not_real", params={"value": text}
        ) from exc
    if year < EARLIEST_YEAR:
        raise ValidationError(DATE_TOO_EARLY_MESSAGE, code="date_too_early")
    if partial.earliest() > (today or _today()):
        raise ValidationError(future_message, code=future_code)
    return partial


def parse_partial_date(
    value: str, *, today: date | None = None, dayfirst: bool = True
) -> PartialDate:
    """Parse a date known to the day, month or year, such as ``17/05/1998`` or ``May 1998``.

    Numeric dates are day first unless ``dayfirst`` is False. Refuses dates that do not exist,
    years before 1900 and dates wholly after ``today`` (by default, today in the UK).
    """
    return _parse_partial_date(
        value,
        today=today,
        dayfirst=dayfirst,
        future_message=DATE_IN_FUTURE_MESSAGE,
        future_code="date_in_future",
    )


def parse_date_of_birth(
    value: str, today: date | None = None, *, dayfirst: bool = True
) -> PartialDate:
    """Parse a full or partial date of birth with the rules of :func:`parse_partial_date`."""
    return _parse_partial_date(
        value,
        today=today,
        dayfirst=dayfirst,
        future_message=DATE_OF_BIRTH_IN_FUTURE_MESSAGE,
        future_code="date_of_birth_in_future",
    )


def display_date_of_birth(value: date | None, precision: str = "day") -> str:
    """A date of birth for people to read, to the precision it is known:
    ``17 May 2009``, ``May 2009 (month only)``, ``2009 (year only)`` or ``Not known``."""
    if value is None:
        return "Not known"
    if precision == "year":
        return f"{value.year} (year only)"
    if precision == "month":
        return f"{value:%B %Y} (month only)"
    return f"{value.day} {value:%B %Y}"


def birthday_in_year(dob: date, year: int) -> date:
    """Return the birthday in a year; 29 February falls on 1 March in a common year."""
    if dob.month == 2 and dob.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return dob.replace(year=year)


def age_on(dob: date, on: date) -> int:
    """Return the age in completed years on a date (29 February birthdays reached 1 March)."""
    if on < dob:
        msg = "the date is before the date of birth"
        raise ValueError(msg)
    years = on.year - dob.year
    if on < birthday_in_year(dob, on.year):
        years -= 1
    return years
