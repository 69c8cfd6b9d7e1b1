"""Writes about people. Each function checks permission, changes data in one transaction and
records its audit event in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.core.normalisers import (
    PartialDate,
    name_key,
    normalise_email,
    normalise_name,
    normalise_nhs_number,
    normalise_phone,
    normalise_postcode,
)
from lantern.core.vocab import vocabulary
from lantern.people.models import (
    Address,
    ContactDetail,
    ContactKind,
    DatePrecision,
    Identifier,
    IdentifierScheme,
    Involvement,
    InvolvementBasis,
    NameKind,
    Person,
    PersonName,
    Sex,
)

if TYPE_CHECKING:
    from lantern.agencies.models import Agency


@dataclass(frozen=True)
class NewPerson:
    """What a referrer or the hub knows about a person not yet on record.

    Values are already validated and normalised by the form or serializer.
    """

    given_name: str
    family_name: str
    middle_names: str = ""
    date_of_birth: PartialDate | None = None
    sex: str = Sex.NOT_KNOWN
    nhs_number: str = ""
    postcode: str = ""
    address_line: str = ""
    phone: str = ""
    email: str = ""
    known_as: str = ""


def name_fields(given: str, family: str) -> dict[str, str]:
    """The normalised search columns of a name (one place, so search and writes agree)."""
    return {
        "given_norm": normalise_name(given),
        "family_norm": normalise_name(family),
        "family_key": name_key(family) if family else "",
    }


def _dob_fields(dob: PartialDate | None) -> tuple[date | None, str]:
    if dob is None:
        return None, DatePrecision.DAY
    return dob.earliest(), dob.precision


def person_create(*, actor: Actor, details: NewPerson, source: str = "") -> Person:
    """Create a person with the facts given, each recorded as said by the actor's agency."""
    access.check(actor, actor.may_read_person_data, "record a person")
    with transaction.atomic():
        return _person_create(actor=actor, details=details, source=source)


def person_create_from_agency_record(
    *, actor: Actor, details: NewPerson, agency: Agency, source: str
) -> Person:
    """Create a person first known from an agency's own record (found by record linkage).

    The facts are said by that agency, not by the actor (the hub, or its linkage job), and
    recorded by nobody in particular: they came from the agency's system. Call inside the
    caller's transaction; the hub alone links records.
    """
    access.check(actor, actor.is_hub, "record a person from an agency's records")
    return _person_create(actor=actor, details=details, source=source, agency=agency)


def _person_create(
    *, actor: Actor, details: NewPerson, source: str, agency: Agency | None = None
) -> Person:
    dob, precision = _dob_fields(details.date_of_birth)
    person = Person.objects.create(
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        date_of_birth=dob,
        dob_precision=precision,
        sex=details.sex,
        created_by_agency=agency or actor.agency,
    )
    said: dict[str, Any] = (
        {"source_agency": agency, "recorded_by": None, "source": source}
        if agency is not None
        else {"source_agency": actor.agency, "recorded_by": actor.user, "source": source}
    )
    PersonName.objects.create(
        person=person,
        kind=NameKind.LEGAL,
        is_primary=True,
        given_name=person.given_name,
        middle_names=details.middle_names.strip(),
        family_name=person.family_name,
        **name_fields(person.given_name, person.family_name),
        **said,
    )
    if details.known_as:
        PersonName.objects.create(
            person=person,
            kind=NameKind.KNOWN_AS,
            given_name=details.known_as.strip(),
            family_name="",
            **name_fields(details.known_as, ""),
            **said,
        )
    if details.nhs_number:
        Identifier.objects.create(
            person=person,
            scheme=IdentifierScheme.NHS,
            value=normalise_nhs_number(details.nhs_number),
            **said,
        )
    if details.postcode or details.address_line:
        Address.objects.create(
            person=person,
            line=details.address_line.strip(),
            postcode=normalise_postcode(details.postcode) if details.postcode else "",
            from_date=timezone.localdate(),
            **said,
        )
    if details.phone:
        ContactDetail.objects.create(
            person=person, kind=ContactKind.PHONE, value=normalise_phone(details.phone), **said
        )
    if details.email:
        ContactDetail.objects.create(
            person=person, kind=ContactKind.EMAIL, value=normalise_email(details.email), **said
        )
    audit.record(
        actor,
        Event.PERSON_CREATED,
        object_id=person.pk,
        person_id=person.pk,
        detail={"source": source} if source else None,
    )
    return person


def involvement_ensure(
    *,
    actor: Actor,
    person: Person,
    agency_id: int,
    basis: str,
    reference: str = "",
    purpose: str = "",
    lawful_basis: str = "",
) -> Involvement:
    """Make sure an agency is involved with a person (idempotent for the same basis)."""
    existing = Involvement.objects.filter(
        person=person, agency_id=agency_id, basis=basis, reference=reference, ended_at__isnull=True
    ).first()
    if existing:
        return existing
    involvement = Involvement.objects.create(
        person=person,
        agency_id=agency_id,
        basis=basis,
        reference=reference,
        purpose=purpose,
        lawful_basis=lawful_basis,
        granted_by=actor.user,
    )
    audit.record(
        actor,
        Event.INVOLVEMENT_STARTED,
        object_id=involvement.pk,
        person_id=person.pk,
        detail={"agency_id": agency_id, "basis": basis, "reference": reference},
    )
    return involvement


DEFAULT_LAWFUL_BASIS = (
    "UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 1 para 18 "
    "(safeguarding of children and individuals at risk)"
)


def person_share(
    *, actor: Actor, person: Person, agency_id: int, purpose: str, lawful_basis: str
) -> Involvement:
    """The hub shares a person's record with an agency, recording purpose and lawful basis."""
    access.check(
        actor, actor.does_casework, "share a record", object_type="person", object_id=person.pk
    )
    with transaction.atomic():
        return involvement_ensure(
            actor=actor,
            person=person,
            agency_id=agency_id,
            basis=InvolvementBasis.SHARE,
            purpose=purpose,
            lawful_basis=lawful_basis or DEFAULT_LAWFUL_BASIS,
        )


def care_need_codes() -> list[tuple[str, str]]:
    return vocabulary("people", "care_needs").choices()
