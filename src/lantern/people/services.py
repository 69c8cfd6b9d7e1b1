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
from lantern.core.bulkload import insert_instances
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
from lantern.people.models import (
    Address,
    CareNeed,
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
    StatusFlag,
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


@dataclass(frozen=True)
class Said:
    """The provenance of facts being recorded: which agency said them and where they came
    from (an agency record, or a referral), as keys; ``label`` is for people to read."""

    agency_id: int
    recorded_by_id: int | None = None
    source_record_id: int | None = None
    source_referral_id: int | None = None
    label: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "source_agency_id": self.agency_id,
            "recorded_by_id": self.recorded_by_id,
            "source_record_id": self.source_record_id,
            "source_referral_id": self.source_referral_id,
            "source": self.label[:200],
        }


def said_by_actor(actor: Actor, *, label: str = "") -> Said:
    return Said(agency_id=actor.agency.pk, recorded_by_id=actor.user.pk, label=label)


def person_create(*, actor: Actor, details: NewPerson, said: Said | None = None) -> Person:
    """Create a person with the facts given, each recorded as said by the actor's agency
    (or as ``said``). Nested in a caller's transaction, it joins it."""
    access.check(actor, actor.may_read_person_data, "record a person")
    with transaction.atomic():
        return _person_create(actor=actor, details=details, said=said or said_by_actor(actor))


def person_create_from_agency_record(
    *, actor: Actor, details: NewPerson, agency: Agency, source_record_id: int, label: str
) -> Person:
    """Create a person first known from an agency's own record (found by record linkage).

    The facts are said by that agency, not by the actor (the hub, or its linkage job), and
    recorded by nobody in particular: they came from the agency's system. Call inside the
    caller's transaction; the hub alone links records.
    """
    access.check(actor, actor.is_hub, "record a person from an agency's records")
    said = Said(agency_id=agency.pk, source_record_id=source_record_id, label=label)
    return _person_create(actor=actor, details=details, said=said, agency=agency)


def _person_create(
    *, actor: Actor, details: NewPerson, said: Said, agency: Agency | None = None
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
    fields = said.fields()
    PersonName.objects.create(
        person=person,
        kind=NameKind.LEGAL,
        is_primary=True,
        given_name=person.given_name,
        middle_names=details.middle_names.strip(),
        family_name=person.family_name,
        **name_fields(person.given_name, person.family_name),
        **fields,
    )
    if details.known_as:
        PersonName.objects.create(
            person=person,
            kind=NameKind.KNOWN_AS,
            given_name=details.known_as.strip(),
            family_name="",
            **name_fields(details.known_as, ""),
            **fields,
        )
    if details.nhs_number:
        Identifier.objects.create(
            person=person,
            scheme=IdentifierScheme.NHS,
            value=normalise_nhs_number(details.nhs_number),
            **fields,
        )
    if details.postcode or details.address_line:
        Address.objects.create(
            person=person,
            line=details.address_line.strip(),
            postcode=normalise_postcode(details.postcode) if details.postcode else "",
            from_date=timezone.localdate(),
            **fields,
        )
    if details.phone:
        ContactDetail.objects.create(
            person=person, kind=ContactKind.PHONE, value=normalise_phone(details.phone), **fields
        )
    if details.email:
        ContactDetail.objects.create(
            person=person, kind=ContactKind.EMAIL, value=normalise_email(details.email), **fields
        )
    audit.record(
        actor,
        Event.PERSON_CREATED,
        object_id=person.pk,
        person_id=person.pk,
        detail={"source": said.label} if said.label else None,
    )
    return person


FACT_MODELS: tuple[type[Any], ...] = (
    PersonName,
    Identifier,
    Address,
    ContactDetail,
    CareNeed,
    StatusFlag,
)


def facts_from_referral(*, person: Person, referral_id: int) -> None:
    """Key the facts a referral just gave (created with the person, in its transaction) to
    that referral, once it exists."""
    for model in FACT_MODELS:
        model.objects.filter(
            person=person, source_record__isnull=True, source_referral__isnull=True
        ).update(source_referral_id=referral_id)


def facts_record(*, person: Person, details: NewPerson, said: Said) -> None:
    """Add to a person what one more source says about them, skipping what that agency has
    already said (names, addresses and contacts) or anyone has (an NHS number).

    Linkage calls this, inside its run's transaction, when it links a record to a person.
    """
    fields = said.fields()
    given, family = details.given_name.strip(), details.family_name.strip()
    if (given or family) and not PersonName.objects.filter(
        person=person,
        source_agency_id=said.agency_id,
        given_norm=normalise_name(given),
        family_norm=normalise_name(family),
    ).exists():
        PersonName.objects.create(
            person=person,
            kind=NameKind.LEGAL,
            is_primary=False,
            given_name=given,
            middle_names=details.middle_names.strip(),
            family_name=family,
            **name_fields(given, family),
            **fields,
        )
    nhs = details.nhs_number
    if nhs and not Identifier.objects.filter(
        person=person, scheme=IdentifierScheme.NHS, value=nhs
    ).exists():
        Identifier.objects.create(person=person, scheme=IdentifierScheme.NHS, value=nhs, **fields)
    postcode, line = details.postcode, details.address_line
    if (postcode or line) and not Address.objects.filter(
        person=person, source_agency_id=said.agency_id, postcode=postcode, line=line
    ).exists():
        Address.objects.create(person=person, postcode=postcode, line=line, **fields)
    for kind, value in ((ContactKind.PHONE, details.phone), (ContactKind.EMAIL, details.email)):
        if value and not ContactDetail.objects.filter(
            person=person, source_agency_id=said.agency_id, kind=kind, value=value
        ).exists():
            ContactDetail.objects.create(person=person, kind=kind, value=value, **fields)


def facts_withdraw(*, record_ids: list[int]) -> set[int]:
    """Remove every fact taken from these agency records (their extract was withdrawn).

    Returns the people whose primary name came from one of them (to be described anew).
    """
    names = PersonName.objects.filter(source_record_id__in=record_ids)
    primary_lost = set(names.filter(is_primary=True).values_list("person_id", flat=True))
    for model in FACT_MODELS:
        model.objects.filter(source_record_id__in=record_ids).delete()
    return primary_lost


def person_redescribe(
    *, person: Person, details: NewPerson, primary_record_id: int | None
) -> None:
    """Describe a person anew (name, date of birth, sex) from the best source left, and make
    the name that source gave their primary one."""
    dob, precision = _dob_fields(details.date_of_birth)
    Person.objects.filter(pk=person.pk).update(
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=dob,
        dob_precision=precision,
        sex=details.sex,
    )
    if primary_record_id is not None:
        name = PersonName.objects.filter(person=person, source_record_id=primary_record_id).first()
        if name is not None:
            PersonName.objects.filter(pk=name.pk).update(is_primary=True)


def person_discard(*, person: Person) -> None:
    """Remove a person whose only link to Lantern has gone (the caller has checked that
    nothing else refers to them), with their involvements."""
    Involvement.objects.filter(person=person).delete()
    person.delete()


def involvement_end(*, actor: Actor, involvement: Involvement, why: str) -> None:
    """End an agency's involvement (no record of its system is linked any more)."""
    Involvement.objects.filter(pk=involvement.pk).update(ended_at=timezone.now())
    audit.record(
        actor,
        Event.INVOLVEMENT_ENDED,
        object_id=involvement.pk,
        person_id=involvement.person_id,
        detail={"ended": why},
    )


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


#: The tables people's services write (and the synthetic city loads through them).
PEOPLE_TABLES: tuple[type[Any], ...] = (Person, *FACT_MODELS, Involvement)


def people_bulk_insert(model: type[Any], objs: list[Any]) -> None:
    """Load many unsaved rows of one of people's tables at once (the synthetic city's
    builder; no checks or audit per row: the builder audits the city it made)."""
    if model not in PEOPLE_TABLES:
        raise ValueError(f"{model.__name__} is not one of people's tables")
    insert_instances(model, objs)
