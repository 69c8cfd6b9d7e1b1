"""The intelligence vocabularies as forms, services and pages ask for them.

:mod:`lantern.intelligence.vocab` reads the data files (location, link and disruption
types, alert rules); modus-operandi tags are a plain vocabulary (``data/mo_tags.yaml``,
read by :func:`lantern.core.vocab.vocabulary`). This module answers the questions the rest
of the app asks, so none of it depends on the files' shapes.
"""

from __future__ import annotations

from lantern.core.vocab import vocabulary
from lantern.intelligence import vocab


def has_location_type(code: str) -> bool:
    return code in vocab.location_types()


def location_type_choices() -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in vocab.location_types().values()]


def location_type_label(code: str) -> str:
    found = vocab.location_types().get(code)
    return found.label if found else code


def is_public_place(code: str) -> bool:
    found = vocab.location_types().get(code)
    return bool(found and found.public)


def has_link_type(code: str) -> bool:
    return code in vocab.link_types()


def link_type_allows(code: str, kind_a: str, kind_b: str) -> bool:
    return vocab.link_type(code).joins(kind_a, kind_b)


def link_type_label(code: str) -> str:
    found = vocab.link_types().get(code)
    return found.label if found else code


def link_type_choices(kind_a: str = "", kind_b: str = "") -> list[tuple[str, str]]:
    return [
        (t.code, f"{t.label} ({t.kinds[0]} – {t.kinds[1]})")
        for t in vocab.link_types().values()
        if not (kind_a and kind_b) or t.joins(kind_a, kind_b)
    ]


def has_disruption_type(code: str) -> bool:
    return code in vocab.disruption_types()


def disruption_applies(code: str, kind: str) -> bool:
    return kind in vocab.disruption_type(code).applies_to


def disruption_label(code: str) -> str:
    found = vocab.disruption_types().get(code)
    return found.label if found else code


def disruption_choices(kind: str = "") -> list[tuple[str, str]]:
    return [
        (t.code, t.label)
        for t in vocab.disruption_types().values()
        if not kind or kind in t.applies_to
    ]


def has_mo_tag(code: str) -> bool:
    return code in vocabulary("intelligence", "mo_tags")


def mo_tag_choices() -> list[tuple[str, str]]:
    return vocabulary("intelligence", "mo_tags").choices()


def mo_tag_label(code: str) -> str:
    return vocabulary("intelligence", "mo_tags").label(code)


def rule_label(code: str) -> str:
    try:
        return vocab.alert_rules().rule(code).label
    except KeyError:
        return code


def _plain(name: str) -> tuple[str, str]:
    return ("intelligence", name)


def has_group_role(code: str) -> bool:
    return code in vocabulary(*_plain("group_roles"))


def group_role_choices() -> list[tuple[str, str]]:
    return vocabulary(*_plain("group_roles")).choices()


def group_role_label(code: str) -> str:
    return vocabulary(*_plain("group_roles")).label(code) if code else "Not assessed"


def group_role_group(code: str) -> str:
    """The broader role (``group``) a role falls back to in the learning set."""
    term = vocabulary(*_plain("group_roles")).by_code.get(code)
    return term.group if term and term.group else "not_known"


def has_victim_approach(code: str) -> bool:
    return code in vocabulary(*_plain("victim_approaches"))


def victim_approach_choices() -> list[tuple[str, str]]:
    return vocabulary(*_plain("victim_approaches")).choices()


def victim_approach_label(code: str) -> str:
    return vocabulary(*_plain("victim_approaches")).label(code)


def victim_approach_group(code: str) -> str:
    term = vocabulary(*_plain("victim_approaches")).by_code.get(code)
    return term.group if term and term.group else "not_known"


def has_earlier_contact_type(code: str) -> bool:
    return code in vocabulary(*_plain("earlier_contact_types"))


def earlier_contact_choices() -> list[tuple[str, str]]:
    return vocabulary(*_plain("earlier_contact_types")).choices()


def earlier_contact_label(code: str) -> str:
    return vocabulary(*_plain("earlier_contact_types")).label(code)
