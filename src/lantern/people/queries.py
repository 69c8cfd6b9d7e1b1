"""Reads about people, always scoped by the access policy and audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from lantern.cases import access as cases_access
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.core.models import AuditEvent
from lantern.core.normalisers import (
    is_valid_nhs_number,
    name_key,
    normalise_name,
    parse_partial_date,
)
from lantern.people import access as people_access
from lantern.people.models import Address, Identifier, IdentifierScheme, Person, PersonName
from lantern.referrals import access as referrals_access

SEARCH_LIMIT = 25
_DIGITS = re.compile(r"^[\d\s-]+$")


def _prefix_range(field_name: str, prefix: str) -> Q:
    """``field >= prefix AND field < next(prefix)``: an index range scan on any database.

    (``startswith`` becomes ``LIKE`` on SQLite, which cannot use a plain index.)
    """
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": upper})


@dataclass
class ParsedQuery:
    names: list[str] = field(default_factory=list)
    dob: date | None = None
    dob_precision: str = ""
    nhs_number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.names or self.dob or self.nhs_number)


def parse_query(text: str) -> ParsedQuery:
    """Split free text into name tokens, a date of birth and an NHS number."""
    parsed = ParsedQuery()
    text = text.strip()
    if not text:
        return parsed
    compact = re.sub(r"[\s-]", "", text)
    if _DIGITS.match(text) and len(compact) == 10:
        parsed.nhs_number = compact
        return parsed
    remaining: list[str] = []
    for token in text.split():
        if any(ch.isdigit() for ch in token) and parsed.dob is None:
            try:
                pd = parse_partial_date(token)
            except ValidationError:
                remaining.append(token)
                continue
            parsed.dob, parsed.dob_precision = pd.earliest(), pd.precision
            if pd.precision != "day":
                parsed.dob = None  # a year alone is too broad to narrow a name search usefully
                parsed.names.append(str(pd.year))
            continue
        remaining.append(token)
    parsed.names = [n for n in (normalise_name(t) for t in remaining) if n and not n.isdigit()]
    return parsed


def _name_match(tokens: list[str]) -> Q:
    if len(tokens) == 1:
        (only,) = tokens
        return _prefix_range("family_norm", only) | Q(given_norm=only)
    first, last = tokens[0], tokens[-1]
    return (_prefix_range("family_norm", last) & _prefix_range("given_norm", first)) | (
        _prefix_range("family_norm", first) & _prefix_range("given_norm", last)
    )


def _result_queryset(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.prefetch_related(
        Prefetch(
            "addresses",
            queryset=Address.objects.order_by("-from_date", "-pk"),
            to_attr="address_list",
        )
    )


def person_search(
    actor: Actor, text: str, *, purpose: str = "find a person", limit: int = SEARCH_LIMIT
) -> list[Person]:
    """People this actor may see who match a name, date of birth or NHS number.

    Names match as prefixes ("jo smi" finds Joanne Smith), in either order, over every name
    a person is known by; if nothing matches exactly, similar-sounding family names are
    tried. Every search is audited with its text.
    """
    access.check(actor, actor.may_read_person_data, "search for people")
    parsed = parse_query(text)
    results: list[Person] = []
    if not parsed.is_empty:
        visible = people_access.visible_people(actor)
        if parsed.nhs_number:
            ids = Identifier.objects.filter(
                scheme=IdentifierScheme.NHS, value=parsed.nhs_number
            ).values("person_id")
            results = list(_result_queryset(visible.filter(pk__in=ids))[:limit])
        else:
            results = _search_by_name_and_dob(visible, parsed, limit)
    audit.record(
        actor,
        Event.PERSON_SEARCHED,
        purpose=purpose,
        detail={"query": text[:200], "results": len(results)},
    )
    return results


def _search_by_name_and_dob(
    visible: QuerySet[Person], parsed: ParsedQuery, limit: int
) -> list[Person]:
    qs = visible
    if parsed.dob:
        qs = qs.filter(date_of_birth=parsed.dob)
    if parsed.names:
        name_ids = PersonName.objects.filter(_name_match(parsed.names)).values("person_id")
        exact = list(
            _result_queryset(qs.filter(pk__in=name_ids)).order_by(
                "family_name", "given_name", "pk"
            )[:limit]
        )
        if exact:
            return exact
        key = name_key(parsed.names[-1])
        sounds = PersonName.objects.filter(family_key=key)
        if len(parsed.names) > 1:
            sounds = sounds.filter(given_norm__startswith=parsed.names[0][:1])
        return list(
            _result_queryset(qs.filter(pk__in=sounds.values("person_id"))).order_by(
                "family_name", "given_name", "pk"
            )[:limit]
        )
    return list(_result_queryset(qs).order_by("family_name", "given_name", "pk")[:limit])


@dataclass(frozen=True)
class DuplicateCheck:
    """Possible existing records for a new person's details.

    ``visible`` are shown to the user; ``hidden_count`` counts likely matches the user's
    agency is not entitled to see (the hub resolves those at triage).
    """

    visible: list[Person]
    hidden_count: int


def possible_duplicates(
    actor: Actor,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    nhs_number: str = "",
    exclude_pk: int | None = None,
) -> DuplicateCheck:
    access.check(actor, actor.may_read_person_data, "search for people")
    given, family = normalise_name(given_name), normalise_name(family_name)
    conditions = Q(pk__in=[])
    if nhs_number and is_valid_nhs_number(nhs_number):
        conditions |= Q(
            pk__in=Identifier.objects.filter(scheme=IdentifierScheme.NHS, value=nhs_number).values(
                "person_id"
            )
        )
    if family:
        key = name_key(family)
        same_name = PersonName.objects.filter(family_key=key)
        if given:
            same_name = same_name.filter(given_norm__startswith=given[:1])
        name_q = Q(pk__in=same_name.values("person_id"))
        if date_of_birth:
            conditions |= name_q & Q(date_of_birth=date_of_birth)
            exact = PersonName.objects.filter(family_norm=family, given_norm=given)
            conditions |= Q(pk__in=exact.values("person_id"))
        else:
            conditions |= name_q
    candidates = Person.objects.filter(merged_into__isnull=True).filter(conditions)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    visible_qs = people_access.visible_people(actor).filter(pk__in=candidates.values("pk"))
    visible = list(_result_queryset(visible_qs)[:10])
    total = candidates.count()
    audit.record(
        actor,
        Event.PERSON_DUPLICATES_CHECKED,
        purpose="check for an existing record",
        detail={"given": given, "family": family, "matches": total},
    )
    return DuplicateCheck(visible=visible, hidden_count=max(total - len(visible_qs), 0))


@dataclass
class PersonRecord:
    """Everything on a person's page, already filtered for the actor."""

    person: Person
    names: list[PersonName]
    identifiers: list[Identifier]
    addresses: list[Address]
    contacts: list[Any]
    care_needs: list[Any]
    status_flags: list[Any]
    involvements: list[Any]
    referrals: list[Any]
    cases: list[Any]
    access_log: list[AuditEvent] | None


def person_get(actor: Actor, pk: int, *, purpose: str = "") -> Person:
    """One person, refused (and the refusal audited) unless visible; the read is audited."""
    person = get_object_or_404(Person, pk=pk)
    people_access.require_person(actor, person)
    audit.record(
        actor,
        Event.PERSON_VIEWED,
        object_id=person.pk,
        person_id=person.pk,
        purpose=purpose,
    )
    return person


def person_record(actor: Actor, pk: int, *, purpose: str = "") -> PersonRecord:
    """The person page: every fact with its provenance, in a bounded number of queries."""
    person = person_get(actor, pk, purpose=purpose)
    with_agency = ("source_agency", "recorded_by")
    referrals = list(
        referrals_access.visible_referrals(actor)
        .filter(person=person)
        .select_related("referring_agency", "decision")
        .order_by("-submitted_at")
    )
    cases = list(
        cases_access.visible_cases(actor)
        .filter(person=person)
        .select_related("lead_professional")
        .order_by("-opened_at")
    )
    access_log = None
    if cases_access.may_see_access_log(actor):
        access_log = list(AuditEvent.objects.filter(person_id=person.pk).order_by("-pk")[:20])
    return PersonRecord(
        person=person,
        names=list(person.names.select_related(*with_agency).order_by("-is_primary", "pk")),
        identifiers=list(person.identifiers.select_related(*with_agency)),
        addresses=list(person.addresses.select_related(*with_agency).order_by("-from_date", "-pk")),
        contacts=list(person.contacts.select_related(*with_agency)),
        care_needs=list(person.care_needs.select_related(*with_agency)),
        status_flags=list(person.status_flags.select_related(*with_agency)),
        involvements=list(
            person.involvements.filter(ended_at__isnull=True).select_related("agency")
        ),
        referrals=referrals,
        cases=cases,
        access_log=access_log,
    )
