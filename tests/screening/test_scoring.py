"""The computed level: properties that must hold for any answers and any valid instrument."""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.screening.instruments import (
    ABSENT,
    DEFAULT_FILES,
    PRESENT,
    UNKNOWN,
    Answer,
    InstrumentDef,
    compute_level,
    definition_from,
    parse_instrument,
)

ON = date(2026, 11, 25)
DATA = {
    data["audience"]: data
    for data in (parse_instrument(f.read_text(encoding="utf-8")).data for f in DEFAULT_FILES)
}
DEFAULTS = [definition_from(data) for data in DATA.values()]


@st.composite
def instruments(draw: Any) -> InstrumentDef:
    """A default instrument, or one of its variants with random weights and thresholds."""
    base = draw(st.sampled_from(DEFAULTS))
    if draw(st.booleans()):
        return base
    data = copy.deepcopy(DATA[base.audience])
    steps = draw(
        st.lists(
            st.integers(1, 20), min_size=len(data["levels"]) - 1, max_size=len(data["levels"]) - 1
        )
    )
    score = 0
    for level, step in zip(data["levels"][1:], steps, strict=True):
        score += step
        level["min_score"] = score
    for theme in data["themes"]:
        for indicator in theme["indicators"]:
            indicator["weights"] = {
                band: draw(st.integers(0, 9))
                for band in ("recent", "earlier", "older")
                if draw(st.booleans())
            } or {"recent": 0}
    return definition_from(data)


observed = st.one_of(st.none(), st.integers(0, 800).map(lambda d: ON - timedelta(days=d)))


@st.composite
def answer_sets(draw: Any, spec: InstrumentDef) -> list[Answer]:
    return [
        Answer(code, draw(st.sampled_from([PRESENT, ABSENT, UNKNOWN])), draw(observed))
        for code in spec.indicators
    ]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_adding_a_present_indicator_never_lowers_the_level(data: Any) -> None:
    spec = data.draw(instruments())
    given_answers = data.draw(answer_sets(spec))
    not_present = [i for i, a in enumerate(given_answers) if a.answer != PRESENT]
    if not not_present:
        return
    index = data.draw(st.sampled_from(not_present))
    added = list(given_answers)
    added[index] = Answer(added[index].indicator, PRESENT, data.draw(observed))
    before, after = compute_level(spec, given_answers, ON), compute_level(spec, added, ON)
    assert after.level.rank >= before.level.rank
    assert after.score >= before.score


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_with_nothing_present_the_level_is_the_lowest(data: Any) -> None:
    spec = data.draw(instruments())
    cleared = [
        Answer(a.indicator, ABSENT if a.answer == PRESENT else a.answer, a.last_observed)
        for a in data.draw(answer_sets(spec))
    ]
    computed = compute_level(spec, cleared, ON)
    assert computed.level == spec.lowest
    assert computed.score == 0
    assert computed.reasons == ()


@settings(max_examples=100, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_the_same_answers_always_give_the_same_result(data: Any, seed: int) -> None:
    spec = data.draw(instruments())
    given_answers = data.draw(answer_sets(spec))
    shuffled = list(given_answers)
    random.Random(seed).shuffle(shuffled)
    assert compute_level(spec, given_answers, ON) == compute_level(spec, shuffled, ON)
    assert compute_level(spec, given_answers, ON) == compute_level(spec, list(given_answers), ON)


def _spec(audience: str = "children") -> InstrumentDef:
    return next(s for s in DEFAULTS if s.audience == audience)


def test_recent_signs_weigh_more_than_older_ones() -> None:
    spec = _spec()
    code = "missing_from_home"  # recent 3, earlier 2, older 1

    def score(days: int | None) -> int:
        seen = None if days is None else ON - timedelta(days=days)
        return compute_level(spec, [Answer(code, PRESENT, seen)], ON).score

    assert score(0) == score(183) == 3
    assert score(184) == score(365) == 2
    assert score(366) == 1
    assert score(None) == 2  # no date: counted as seen six to twelve months ago


def test_the_reasons_name_the_indicators_that_drove_the_level() -> None:
    spec = _spec()
    computed = compute_level(
        spec,
        [
            Answer("person_of_concern", PRESENT, ON - timedelta(days=10)),
            Answer("self_harm", ABSENT),
        ],
        ON,
    )
    assert computed.by_score.code == "at_risk"  # 4 points
    assert computed.level.code == "significant"  # raised by the person of concern, seen recently
    (reason,) = computed.reasons
    assert (reason.indicator, reason.weight, reason.escalates_to) == (
        "person_of_concern",
        4,
        "significant",
    )
    older = compute_level(
        spec, [Answer("person_of_concern", PRESENT, ON - timedelta(days=300))], ON
    )
    assert older.level.code == "no_current_concern"  # 2 points; no longer recent


def test_thresholds_come_from_the_file() -> None:
    spec = _spec("adults")
    present = ["care_needs", "cognitive_needs", "mental_health", "hard_to_recognise_risk"]
    computed = compute_level(spec, [Answer(c, PRESENT, ON) for c in present], ON)
    assert computed.score == 9
    assert computed.level.code == "significant"
