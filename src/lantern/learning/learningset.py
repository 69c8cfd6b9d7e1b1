"""The perpetrator learning set and its aggregate figures, from intelligence's profiles.

Reads intelligence (persons of concern, their links, disruption, earlier contacts) through
:func:`lantern.intelligence.profiles.all_facts` and writes nothing. What leaves:

- the **learning set**: one k-anonymous row per person of concern (:mod:`anonymity`);
- the **figures**: counts (pathways, ages, roles, recurrence after disruption, what followed
  each kind of disruption, earlier contacts with services) that go through
  :func:`lantern.reporting.publishing.publish_report` like every other figure that leaves
  the hub. They are published together as one report, so the tables that share the totals
  by sex hide the same totals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from lantern.core.figures import Figure
from lantern.intelligence import profiles, terms
from lantern.learning.anonymity import NOT_KNOWN, Facts, broad_band, recurrence
from lantern.people.models import Sex
from lantern.reporting.publishing import publish_report, table_dict
from lantern.reporting.suppression import Policy


def facts(*, today: date, until: date | None = None) -> list[Facts]:
    """Every person of concern (first concern before ``until``, if given) as learning-set
    facts: codes, bands and dates only. Handling-code-C links are left out."""
    found = []
    for p in profiles.all_facts(today=today):
        if until is not None and p.first_concern_on >= until:
            continue
        concern = p.concern
        found.append(
            Facts(
                first_concern=p.first_concern_on,
                age=p.age_at_first_concern,
                sex=concern.sex or NOT_KNOWN,
                role=concern.group_role or NOT_KNOWN,
                role_group=terms.group_role_group(concern.group_role)
                if concern.group_role
                else NOT_KNOWN,
                pathways=tuple(
                    sorted({terms.victim_approach_group(c) for c in concern.victim_approaches})
                ),
                place_types=tuple(sorted({e.subtype or "other" for e in p.places})),
                vehicle_used=bool(p.vehicles),
                victims=p.victims,
                earlier_contacts=tuple(
                    sorted({_contact_group(c.contact_type) for c in p.earlier_contacts})
                ),
                disruptions=tuple((o.disruption.activity, o.outcome) for o in p.disruptions),
            )
        )
    return found


def _contact_group(code: str) -> str:
    from lantern.core.vocab import vocabulary

    term = vocabulary("intelligence", "earlier_contact_types").by_code.get(code)
    return term.group if term and term.group else "other"


# --- figures ------------------------------------------------------------------------------

ROLE_GROUPS = {
    "leading": "Leading (organises, recruits, controls)",
    "taking_part": "Taking part (abuses, facilitates)",
    "alone": "Acts alone",
    NOT_KNOWN: "Not known",
}
PATHWAYS = {
    "online": "Online",
    "through_people": "Through friends, peers or family",
    "in_person": "In person (street, business, parties, near care or school)",
    NOT_KNOWN: "Not known",
}
AGE_BANDS = {
    "under_18": "Under 18",
    "18-24": "18 to 24",
    "25-39": "25 to 39",
    "40_and_over": "40 and over",
    NOT_KNOWN: "Not known",
}
SEXES = {s.value: s.label for s in Sex}
RECURRENCE = {
    "after_every": "New links after every disruption",
    "after_some": "New links after some disruptions",
    "after_none": "No new links after any disruption",
    "too_soon": "Too soon to say",
}
OUTCOMES = {
    "new_links": "Followed by new links",
    "no_new_links": "No new links followed",
    "too_soon": "Too soon to say",
}
CONTACT_GROUPS = {
    "police": "Police",
    "council": "Council licensing",
    "education": "School or college",
    "justice": "Youth justice or probation",
    "health": "Health",
    "social_care": "Social care",
    "housing": "Housing",
    "other": "Other services",
}
COLLECTION = "learning"


def _table(
    key: str,
    title: str,
    rows: dict[str, str],
    cols: dict[str, str],
    counts: Counter[tuple[str, str]],
    **extra: Any,
) -> Figure:
    return Figure(
        key=key,
        title=title,
        row_labels=tuple(rows.values()),
        col_labels=tuple(cols.values()),
        counts=tuple(tuple(counts[(r, c)] for c in cols) for r in rows),
        collection=COLLECTION,
        **extra,
    )


def figures(found: Sequence[Facts]) -> list[Figure]:
    """The learning set's aggregate figures (raw counts: publish before they leave)."""
    roles = dict(terms.group_role_choices())
    roles.setdefault(NOT_KNOWN, "Not known")
    pathway_role: Counter[tuple[str, str]] = Counter()
    ages: Counter[tuple[str, str]] = Counter()
    by_role: Counter[tuple[str, str]] = Counter()
    recur: Counter[tuple[str, str]] = Counter()
    outcomes: Counter[tuple[str, str]] = Counter()
    contacts: Counter[tuple[str, str]] = Counter()
    for f in found:
        for pathway in f.pathways or (NOT_KNOWN,):
            pathway_role[(pathway, f.role_group or NOT_KNOWN)] += 1
        sex = f.sex if f.sex in SEXES else NOT_KNOWN
        ages[(broad_band(f.age), sex)] += 1
        by_role[(f.role if f.role in roles else NOT_KNOWN, sex)] += 1
        pattern = recurrence(f.disruptions)
        if pattern != "no_disruption":
            recur[(pattern, "all")] += 1
        for kind, outcome in f.disruptions:
            outcomes[(kind, outcome)] += 1
        for group in f.earlier_contacts:
            contacts[(group, "all")] += 1
    kinds = sorted({kind for kind, _ in outcomes})
    return [
        _table(
            "learning_pathways",
            "How victims were met, by role in a group",
            PATHWAYS,
            ROLE_GROUPS,
            pathway_role,
            description="Persons of concern by how victims were met (a person may be counted "
            "under more than one pathway) and their role.",
            notes=("A person of concern may be counted in more than one row.",),
        ),
        _table(
            "learning_ages",
            "Age at first concern, by sex",
            AGE_BANDS,
            SEXES,
            ages,
            description="Persons of concern by their age when a service first had a concern "
            "about them.",
            col_margin="learning_sex",
        ),
        _table(
            "learning_roles",
            "Role in a group, by sex",
            roles,
            SEXES,
            by_role,
            description="Persons of concern by their assessed role.",
            col_margin="learning_sex",
        ),
        _table(
            "learning_recurrence",
            "Recurrence after disruption",
            RECURRENCE,
            {"all": "Persons of concern"},
            recur,
            description="Persons of concern who have been disrupted, by whether new links "
            f"followed within {profiles.window_days()} days.",
        ),
        _table(
            "learning_disruption_outcomes",
            "Disruption and what followed",
            {k: terms.disruption_label(k) for k in kinds} or {"none": "No disruption recorded"},
            OUTCOMES,
            outcomes,
            description="Disruption activities by whether new links to the person followed "
            f"within {profiles.window_days()} days.",
        ),
        _table(
            "learning_earlier_contacts",
            "Earlier contacts with services (chances to intervene)",
            CONTACT_GROUPS,
            {"all": "Persons of concern"},
            contacts,
            description="Persons of concern who had an earlier contact with each kind of "
            "service before the concern about them.",
            notes=("A person of concern may be counted in more than one row.",),
        ),
    ]


def published(found: Sequence[Facts], chosen: Policy | str | None = None) -> list[dict[str, Any]]:
    """The figures as they may leave the hub: one report through the suppression module."""
    raw = figures(found)
    return [table_dict(f, t) for f, t in zip(raw, publish_report(raw, chosen), strict=True)]


def disruption_approaches(tables: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """What followed each kind of disruption, read from the *published* table (so the pack
    says nothing the suppressed table does not)."""
    table = next((t for t in tables if t["key"] == "learning_disruption_outcomes"), None)
    if table is None:
        return []
    approaches = []
    for label, cells, total in zip(
        table["row_labels"], table["cells"], table["row_totals"], strict=True
    ):
        approaches.append(
            {
                "disruption": label,
                "followed_by_new_links": cells[0],
                "no_new_links_followed": cells[1],
                "too_soon_to_say": cells[2],
                "total": total,
            }
        )
    return approaches
