"""The row checker's fast paths give exactly the core normalisers' answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lantern.core.normalisers import normalise_phone
from lantern.imports.readers import cell_text
from lantern.imports.rows import phone_e164, split_full_name


def _outcome(function: object, text: str) -> str:
    try:
        return str(function(text))  # type: ignore[operator]
    except ValidationError as exc:
        return f"refused: {exc.messages}"


PHONE_TEXT = st.text(alphabet="0123456789+ ()./-", min_size=0, max_size=18)
UK_NUMBERS = st.builds(
    lambda prefix, digits, spaces: (
        prefix + "".join(d + (" " if i in spaces else "") for i, d in enumerate(digits))
    ),
    st.sampled_from(["0", "+44", "+44 ", "(0", "+44(0)", "44"]),
    st.text(alphabet="0123456789", min_size=9, max_size=11),
    st.sets(st.integers(0, 10), max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(PHONE_TEXT, UK_NUMBERS))
@example("07700 900123")
@example("+44 113 496 0123")
@example("(+44) 7700 900123")
@example("0800 000 0000")
@example("07700 900")
def test_the_phone_fast_path_agrees_with_the_normaliser(text: str) -> None:
    assert _outcome(phone_e164, text) == _outcome(normalise_phone, text)


def test_full_names_split_in_either_order() -> None:
    assert split_full_name("HOLLIS, Jade Louise", "last_first") == ("Jade", "Louise", "HOLLIS")
    assert split_full_name("HOLLIS Jade", "last_first") == ("Jade", "", "HOLLIS")
    assert split_full_name("Jade Louise Hollis", "first_last") == ("Jade", "Louise", "Hollis")
    assert split_full_name("Jade", "first_last") == ("Jade", "", "")


def test_spreadsheet_cells_become_the_text_meant() -> None:
    from datetime import date, datetime

    assert cell_text(9990000018.0) == "9990000018"
    assert cell_text(7700900123) == "7700900123"
    assert cell_text(1.5) == "1.5"
    assert cell_text(datetime(2010, 3, 9)) == "2010-03-09"  # noqa: DTZ001
    assert cell_text(date(2010, 3, 9)) == "2010-03-09"
    assert cell_text(None) == ""
    assert cell_text(True) == "true"
