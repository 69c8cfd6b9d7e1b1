from __future__ import annotations

import pytest

from lantern.intelligence import vocab
from lantern.intelligence.vocab import IntelligenceDataError, parse_alert_rules, parse_terms

REQUIRED_LOCATIONS = {
    "hotel", "takeaway", "flat", "house", "shop", "car_park", "park", "taxi_rank",
    "shopping_centre", "bus_station", "college", "library", "leisure_centre", "school",
    "childrens_home", "hostel", "pub_bar", "fast_food", "cinema", "hospital", "train_station", "other",  # noqa: E501
}  # fmt: skip


def test_location_types_say_which_places_are_public() -> None:
    assert set(vocab.location_types()) >= REQUIRED_LOCATIONS
    assert vocab.location_type("bus_station").public
    assert not vocab.location_type("flat").public


def test_link_types_name_the_kinds_at_each_end() -> None:
    assert vocab.link_type("seen_in").joins("vehicle", "person")
    assert not vocab.link_type("seen_in").joins("person", "location")
    assert vocab.link_type("called").kinds == ("phone", "phone")
    for code in (
        "associate",
        "family",
        "introduced_by",
        "seen_with",
        "lives_at",
        "works_at",
        "seen_at",
        "taken_to",
        "found_at",
        "driver_of",
        "seen_in",
        "uses",
        "contacted_by",
        "uses_handle",
    ):
        assert code in vocab.link_types()


def test_disruption_types_say_what_they_apply_to() -> None:
    assert vocab.disruption_type("cawn").label == "Child abduction warning notice"
    assert vocab.disruption_type("premises_closure_notice").applies_to == ("location",)
    assert {
        "sexual_risk_order",
        "slavery_trafficking_risk_order",
        "arrest",
        "charge",
        "licensing_review",
        "vehicle_stop",
        "partnership_visit",
    } <= set(vocab.disruption_types())


def test_the_shipped_rules_load_with_a_threshold_each() -> None:
    rules = vocab.alert_rules()
    assert {r.kind for r in rules.rules} == {
        "shared_entity",
        "place_hotspot",
        "concern_second_victim",
        "community_serious_risk",
    }
    assert all(0 < r.threshold <= 1 for r in rules.rules)
    assert rules.rule("place_hotspot").params["window_days"] == 90


def test_a_rules_file_with_mistakes_is_refused_with_every_problem_at_its_line() -> None:
    text = (vocab.DATA_DIR / "alert_rules.yaml").read_text(encoding="utf-8")
    text = text.replace("threshold: 0.5", "threshold: 5").replace(
        "min_persons: 3", "min_persons: three"
    )
    text = text.replace(
        "exclude_link_types: [lives_at, works_at]", "exclude_link_types: [lives_at, flew_to]"
    )

    with pytest.raises(IntelligenceDataError) as refused:
        parse_alert_rules(text, source="alert_rules.yaml")

    said = [(p.field, p.message) for p in refused.value.problems]
    assert ("rules[1].threshold", "5 is greater than the maximum of 1") in said
    assert ("rules[1].params.min_persons", "Should be a whole number") in said
    assert ("rules[1].params.exclude_link_types[1]", "No link type 'flew_to'") in said
    assert all(p.line for p in refused.value.problems)


def test_a_vocabulary_with_a_repeated_code_is_refused() -> None:
    text = (
        "vocabulary: location_types\nversion: '1'\nterms:\n"
        "  - {code: flat, label: Flat, public: false}\n"
        "  - {code: flat, label: Flat 2, public: false}\n"
    )
    with pytest.raises(IntelligenceDataError, match="Code 'flat' is used twice"):
        parse_terms("location_types", text)
