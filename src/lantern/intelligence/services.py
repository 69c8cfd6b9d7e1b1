"""The only writers of intelligence: entities, persons of concern, links, disruption, alerts.

Every change is checked against ``intelligence.access`` first, done in one transaction,
audited, and then brought into the process's analysis graph; a change to the graph
re-evaluates the alerts of the people it can affect at once (not only nightly).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantern.actions.models import Action
from lantern.actions.services import action_create
from lantern.agencies.models import Agency
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import ConflictError, DomainError, InvalidError
from lantern.core.events import Event
from lantern.core.limits import MAX_TEXT
from lantern.core.normalisers import (
    format_vehicle_registration,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    normalise_vehicle_registration,
)
from lantern.intelligence import access as intel_access
from lantern.intelligence import terms as vocab
from lantern.intelligence.models import (
    Alert,
    AlertStatus,
    Disruption,
    DisruptionPlan,
    EarlierContact,
    Entity,
    EntityKind,
    HandlingCode,
    IntelAssessment,
    Link,
    LinkSource,
    PersonOfConcern,
    SavedChart,
    SourceEvaluation,
)
from lantern.intelligence.planactions import DISRUPTION_PLAN_SOURCE
from lantern.people.models import Sex

log = logging.getLogger(__name__)


# --- entities ----------------------------------------------------------------------------


@dataclass
class EntityDetails:
    """What describes an entity on entry (fields not used by a kind are ignored)."""

    kind: str
    label: str = ""
    subtype: str = ""
    colour: str = ""
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    date_of_birth: date | None = None
    notes: str = ""
    #: For a handle: the platform (code from the data file) is ``subtype``.
    extra: dict[str, str] = field(default_factory=dict)


class PossibleDuplicateEntitiesError(ConflictError):
    """Entities already held that may be the one described: look first."""

    def __init__(self, candidates: list[Entity], *, exact: bool) -> None:
        what = "is already recorded" if exact else "may already be recorded"
        super().__init__(
            f"This {candidates[0].get_kind_display().lower()} {what}: "
            + ", ".join(c.label for c in candidates[:5])
            + ("" if exact else ". Use one of them, or confirm that this is a new one."),
            field="label" if exact else "confirm_new",
        )
        self.candidates = candidates
        self.exact = exact

    def extensions(self) -> dict[str, object]:
        return {"possible_duplicates": [c.pk for c in self.candidates], "exact": self.exact}


def entity_key(details: EntityDetails) -> tuple[str, str]:
    """The normalised key (what makes two entries the same entity) and the display label.

    Raises :class:`InvalidError` naming the attribute when the value cannot be read.
    """
    kind = details.kind
    label = " ".join(details.label.split())
    if kind == EntityKind.VEHICLE:
        try:
            key = normalise_vehicle_registration(label)
        except Exception as exc:  # the normaliser raises ValidationError with the message
            raise InvalidError({"label": [str(getattr(exc, "message", exc))]}) from exc
        return key, format_vehicle_registration(key)
    if kind == EntityKind.PHONE:
        try:
            number = normalise_phone(label)
        except Exception as exc:
            raise InvalidError({"label": [str(getattr(exc, "message", exc))]}) from exc
        if not number:
            raise InvalidError({"label": ["Enter a phone number, like 07700 900123"]})
        return number, number
    if kind == EntityKind.HANDLE:
        handle = label.lstrip("@").strip()
        if not handle or not details.subtype:
            raise InvalidError({"label": ["Enter the platform and the handle"]})
        return f"{details.subtype}:{handle.casefold()}", f"{handle} ({details.subtype})"
    if kind == EntityKind.LOCATION:
        if not label:
            raise InvalidError({"label": ["Enter the premises name or address"]})
        postcode = normalise_postcode(details.postcode) if details.postcode else ""
        return f"{normalise_name(label)}|{postcode}", label
    if kind == EntityKind.PERSON:
        if not label:
            raise InvalidError({"label": ["Enter the person's name"]})
        return "", label
    raise InvalidError({"kind": [f"Unknown kind of entity: {kind}"]})


def _validate(details: EntityDetails) -> None:
    errors: dict[str, list[str]] = {}
    if details.kind == EntityKind.LOCATION:
        if not details.subtype:
            errors["subtype"] = ["Choose the type of place"]
        elif not vocab.has_location_type(details.subtype):
            errors["subtype"] = [f"Unknown type of place: {details.subtype}"]
    if details.postcode:
        try:
            normalise_postcode(details.postcode)
        except ValidationError:
            errors["postcode"] = ["Enter a real postcode, like LS1 4AP"]
    for name in ("latitude", "longitude"):
        value = getattr(details, name)
        limit = 90 if name == "latitude" else 180
        if value is not None and not -limit <= value <= limit:
            errors[name] = [f"Enter a {name} between -{limit} and {limit}"]
    if len(details.notes) > MAX_TEXT:
        errors["notes"] = [f"Notes must be {MAX_TEXT} characters or fewer"]
    if errors:
        raise InvalidError(errors)


def possible_duplicate_entities(details: EntityDetails) -> tuple[list[Entity], bool]:
    """Entities that are (``exact``) or may be the one described."""
    key, label = entity_key(details)
    if key:
        same = list(Entity.objects.filter(kind=details.kind, key=key))
        if same:
            return same, True
    if details.kind == EntityKind.PERSON:
        name = normalise_name(label)
        qs = Entity.objects.filter(kind=EntityKind.PERSON, label__iexact=label)
        if details.date_of_birth:
            qs = Entity.objects.filter(kind=EntityKind.PERSON).filter(
                Q(label__iexact=label)
                | Q(
                    date_of_birth=details.date_of_birth,
                    label__icontains=name.split(" ")[-1] if name else label,
                )
            )
        return list(qs[:10]), False
    if details.kind == EntityKind.LOCATION and details.postcode:
        postcode = normalise_postcode(details.postcode)
        near = Entity.objects.filter(
            kind=EntityKind.LOCATION, postcode=postcode, subtype=details.subtype
        )
        return list(near[:10]), False
    return [], False


def entity_create(
    *, actor: Actor, details: EntityDetails, confirm_new: bool = False, at_risk: bool = False
) -> Entity:
    """Record a place, vehicle, phone, handle or person. The same registration, number,
    handle or premises is refused (it is already held); a possible duplicate is shown
    first unless the user confirms this is a new one."""
    intel_access.require_read(actor)
    _validate(details)
    key, label = entity_key(details)
    candidates, exact = possible_duplicate_entities(details)
    if candidates and (exact or not confirm_new):
        raise PossibleDuplicateEntitiesError(candidates, exact=exact)
    with transaction.atomic():
        entity = Entity.objects.create(
            kind=details.kind,
            label=label,
            key=key,
            subtype=details.subtype,
            colour=details.colour,
            postcode=normalise_postcode(details.postcode) if details.postcode else "",
            latitude=details.latitude,
            longitude=details.longitude,
            date_of_birth=details.date_of_birth,
            notes=details.notes,
            at_risk=at_risk,
            created_by=actor.user,
            created_by_agency=actor.agency,
        )
        audit.record(
            actor, Event.INTEL_ENTITY_CREATED, object_id=entity.pk, detail={"kind": entity.kind}
        )
    _graph_changed({entity.node_id})
    return entity


def entity_update(*, actor: Actor, entity: Entity, details: EntityDetails) -> Entity:
    intel_access.require_read(actor, object_type="intel_entity", object_id=entity.pk)
    details.kind = entity.kind
    _validate(details)
    key, label = entity_key(details)
    if key and Entity.objects.filter(kind=entity.kind, key=key).exclude(pk=entity.pk).exists():
        raise PossibleDuplicateEntitiesError(
            list(Entity.objects.filter(kind=entity.kind, key=key)), exact=True
        )
    with transaction.atomic():
        entity.label, entity.key = label, key
        entity.subtype, entity.colour = details.subtype, details.colour
        entity.postcode = normalise_postcode(details.postcode) if details.postcode else ""
        entity.latitude, entity.longitude = details.latitude, details.longitude
        entity.date_of_birth, entity.notes = details.date_of_birth, details.notes
        entity.save()
        audit.record(actor, Event.INTEL_ENTITY_UPDATED, object_id=entity.pk)
    _graph_changed({entity.node_id})
    return entity


def entity_for_person(*, actor: Actor, person: object) -> Entity:
    """The person entity standing for a hub person (created the first time)."""
    from lantern.people import access as people_access
    from lantern.people.models import Person

    if not isinstance(person, Person):
        raise TypeError("entity_for_person takes a people.Person")
    intel_access.require_read(actor)
    people_access.require_person(actor, person)
    existing = Entity.objects.filter(person=person).first()
    if existing:
        return existing
    with transaction.atomic():
        entity = Entity.objects.create(
            kind=EntityKind.PERSON,
            person=person,
            label=person.display_name if hasattr(person, "display_name") else str(person),
            date_of_birth=person.date_of_birth,
            at_risk=True,
            created_by=actor.user,
            created_by_agency=actor.agency,
        )
        audit.record(
            actor,
            Event.INTEL_ENTITY_CREATED,
            object_id=entity.pk,
            person_id=person.pk,
            detail={"kind": "person"},
        )
    _graph_changed({entity.node_id})
    return entity


# --- persons of concern ------------------------------------------------------------------


def _clean_list(values: list[str]) -> list[str]:
    seen: list[str] = []
    for raw in values:
        value = " ".join(str(raw).split())
        if value and value not in seen:
            seen.append(value[:100])
    return seen


def concern_mark(
    *,
    actor: Actor,
    entity: Entity,
    aliases: list[str] | None = None,
    modus_operandi: list[str] | None = None,
    notes: str = "",
) -> PersonOfConcern:
    """Mark a person entity a person of concern (or update the profile)."""
    intel_access.require_mark_concern(actor, entity)
    if entity.kind != EntityKind.PERSON:
        raise DomainError("Only a person can be a person of concern", field="entity")
    if entity.person_id is not None:
        raise DomainError(
            "This is a person the hub supports as a person at risk. Record the concern about "
            "the person who exploits them instead.",
            field="entity",
        )
    if len(notes) > MAX_TEXT:
        raise InvalidError({"notes": [f"Notes must be {MAX_TEXT} characters or fewer"]})
    unknown = [t for t in (modus_operandi or []) if not vocab.has_mo_tag(t)]
    if unknown:
        raise InvalidError({"modus_operandi": [f"Unknown tag: {', '.join(unknown)}"]})
    with transaction.atomic():
        profile, created = PersonOfConcern.objects.get_or_create(
            entity=entity,
            defaults={"marked_by": actor.user, "marked_by_agency": actor.agency},
        )
        profile.aliases = _clean_list(aliases or [])
        profile.modus_operandi = _clean_list(modus_operandi or [])
        profile.notes = notes
        if profile.ended_at is not None:
            profile.ended_at, profile.end_reason = None, ""
            created = True
        profile.save()
        audit.record(
            actor,
            Event.INTEL_CONCERN_MARKED if created else Event.INTEL_CONCERN_UPDATED,
            object_id=entity.pk,
        )
        entity.save(update_fields=["updated_at"])
    _graph_changed({entity.node_id})
    return profile


def concern_end(*, actor: Actor, entity: Entity, reason: str) -> PersonOfConcern:
    intel_access.require_mark_concern(actor, entity)
    reason = reason.strip()
    if not reason:
        raise InvalidError({"reason": ["Say why this person is no longer of concern"]})
    profile = PersonOfConcern.objects.filter(entity=entity, ended_at__isnull=True).first()
    if profile is None:
        raise DomainError("This person is not marked as a person of concern")
    with transaction.atomic():
        profile.ended_at, profile.end_reason = timezone.now(), reason
        profile.save()
        entity.save(update_fields=["updated_at"])
        audit.record(actor, Event.INTEL_CONCERN_ENDED, object_id=entity.pk)
    _graph_changed({entity.node_id})
    return profile


# --- the structured profile --------------------------------------------------------------


@dataclass
class ProfileDetails:
    """What an analyst records in a person of concern's structured profile."""

    sex: str = "not_known"
    group_role: str = ""
    victim_approaches: list[str] = field(default_factory=list)
    first_concern_on: date | None = None
    review_on: date | None = None


def _concern_of(entity: Entity) -> PersonOfConcern:
    profile = PersonOfConcern.objects.filter(entity=entity).first()
    if profile is None:
        raise DomainError("This person is not marked as a person of concern", field="entity")
    return profile


def profile_update(*, actor: Actor, entity: Entity, details: ProfileDetails) -> PersonOfConcern:
    """Record the structured profile of a person of concern (every attribute checked against
    its vocabulary; every problem reported together). Audited with what changed."""
    intel_access.require_read(actor, object_type="person_of_concern", object_id=entity.pk)
    profile = _concern_of(entity)
    errors: dict[str, list[str]] = {}
    if details.sex not in Sex.values:
        errors["sex"] = ["Choose the person's sex, or not known"]
    if details.group_role and not vocab.has_group_role(details.group_role):
        errors["group_role"] = ["Choose a role from the list"]
    unknown = [t for t in details.victim_approaches if not vocab.has_victim_approach(t)]
    if unknown:
        errors["victim_approaches"] = [f"Unknown approach: {', '.join(unknown)}"]
    today = timezone.localdate()
    if details.first_concern_on and details.first_concern_on > today:
        errors["first_concern_on"] = ["The date of first concern cannot be in the future"]
    if errors:
        raise InvalidError(errors)
    before = {
        "sex": profile.sex,
        "group_role": profile.group_role,
        "victim_approaches": list(profile.victim_approaches),
        "first_concern_on": str(profile.first_concern_on or ""),
        "review_on": str(profile.review_on or ""),
    }
    with transaction.atomic():
        profile.sex = details.sex
        profile.group_role = details.group_role
        profile.victim_approaches = _clean_list(details.victim_approaches)
        profile.first_concern_on = details.first_concern_on
        profile.review_on = details.review_on
        profile.profile_updated_at = timezone.now()
        profile.profile_updated_by = actor.user
        profile.save()
        after = {
            "sex": profile.sex,
            "group_role": profile.group_role,
            "victim_approaches": list(profile.victim_approaches),
            "first_concern_on": str(profile.first_concern_on or ""),
            "review_on": str(profile.review_on or ""),
        }
        audit.record(
            actor,
            Event.INTEL_PROFILE_UPDATED,
            object_id=entity.pk,
            detail={"changed": sorted(k for k in after if after[k] != before[k])},
        )
    return profile


def earlier_contact_add(
    *,
    actor: Actor,
    entity: Entity,
    occurred_on: date | None,
    contact_type: str,
    what_happened: str,
    agency_id: int | None = None,
    service_name: str = "",
) -> EarlierContact:
    """Record an earlier contact between a person of concern and a service (a chance to
    intervene): the date, the agency (a partner, or another service by name) and what
    happened."""
    intel_access.require_read(actor, object_type="person_of_concern", object_id=entity.pk)
    profile = _concern_of(entity)
    errors: dict[str, list[str]] = {}
    if occurred_on is None:
        errors["occurred_on"] = ["Enter the date of the contact"]
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = ["The date cannot be in the future"]
    if not vocab.has_earlier_contact_type(contact_type):
        errors["contact_type"] = ["Choose the kind of contact"]
    service_name = " ".join(service_name.split())
    if agency_id is None and not service_name:
        errors["agency"] = ["Choose the agency, or name the service"]
    if agency_id is not None and not Agency.objects.filter(pk=agency_id).exists():
        errors["agency"] = ["Choose the agency from the list"]
    what_happened = what_happened.strip()
    if not what_happened:
        errors["what_happened"] = ["Say what happened"]
    elif len(what_happened) > MAX_TEXT:
        errors["what_happened"] = [f"Keep it to {MAX_TEXT} characters or fewer"]
    if errors or occurred_on is None:
        raise InvalidError(errors)
    with transaction.atomic():
        contact = EarlierContact.objects.create(
            concern=profile,
            occurred_on=occurred_on,
            contact_type=contact_type,
            agency_id=agency_id,
            service_name=service_name[:200],
            what_happened=what_happened,
            recorded_by=actor.user,
        )
        audit.record(
            actor,
            Event.INTEL_EARLIER_CONTACT_ADDED,
            object_id=entity.pk,
            detail={"contact": contact.pk, "type": contact_type},
        )
    return contact


# --- links -------------------------------------------------------------------------------


@dataclass
class LinkDetails:
    from_entity: Entity
    to_entity: Entity
    link_type: str
    source_eval: str
    intel_assessment: str
    handling: str = HandlingCode.P
    date_from: date | None = None
    date_to: date | None = None
    source_kind: str = LinkSource.REPORT
    source_reference: str = ""
    source_entry_id: int | None = None
    source_referral_id: int | None = None
    note: str = ""


def _validate_link(actor: Actor, d: LinkDetails) -> None:  # noqa: C901, PLR0912  (one check per attribute, all reported together)
    errors: dict[str, list[str]] = {}
    if d.from_entity.pk == d.to_entity.pk:
        errors["to_entity"] = ["A link joins two different entities"]
    if not vocab.has_link_type(d.link_type):
        errors["link_type"] = [f"Unknown type of link: {d.link_type}"]
    elif not vocab.link_type_allows(d.link_type, d.from_entity.kind, d.to_entity.kind):
        errors["link_type"] = [
            f"A “{vocab.link_type_label(d.link_type)}” link cannot join a "
            f"{d.from_entity.get_kind_display().lower()} to a "
            f"{d.to_entity.get_kind_display().lower()}"
        ]
    if d.source_eval not in SourceEvaluation.values:
        errors["source_eval"] = ["Choose the source evaluation (1, 2 or 3)"]
    if d.intel_assessment not in IntelAssessment.values:
        errors["intel_assessment"] = ["Choose the intelligence assessment (A to E)"]
    if d.handling not in HandlingCode.values:
        errors["handling"] = ["Choose the handling code (P or C)"]
    if d.date_from and d.date_to and d.date_to < d.date_from:
        errors["date_to"] = ["The end date must be the same as or after the start date"]
    if d.date_from and d.date_from > timezone.localdate():
        errors["date_from"] = ["The date cannot be in the future"]
    if d.source_kind not in LinkSource.values:
        errors["source_kind"] = ["Choose where this comes from"]
    elif d.source_kind == LinkSource.CHRONOLOGY and not d.source_entry_id:
        errors["source_entry_id"] = ["Give the chronology entry this comes from"]
    elif d.source_kind == LinkSource.REFERRAL and not d.source_referral_id:
        errors["source_referral_id"] = ["Give the referral this comes from"]
    elif d.source_kind == LinkSource.REPORT and not d.source_reference.strip():
        errors["source_reference"] = ["Give the intelligence report's reference"]
    if len(d.note) > MAX_TEXT:
        errors["note"] = [f"The note must be {MAX_TEXT} characters or fewer"]
    if d.handling == HandlingCode.C and not intel_access.sees_handling_c(actor):
        errors["handling"] = [
            "Your membership does not hold handling code C, so it cannot record C intelligence"
        ]
    if errors:
        raise InvalidError(errors)


def link_add(
    *,
    actor: Actor,
    details: LinkDetails,
    extract_id: int | None = None,
    external_id: str = "",
    evaluate: bool = True,
) -> Link:
    """Record a graded, sourced link; the alerts it can change are re-evaluated at once."""
    intel_access.require_read(actor)
    _validate_link(actor, details)
    if details.source_entry_id:
        from lantern.cases.models import ChronologyEntry

        if not ChronologyEntry.objects.filter(pk=details.source_entry_id).exists():
            raise InvalidError({"source_entry_id": ["No such chronology entry"]})
    if details.source_referral_id:
        from lantern.referrals.models import Referral

        if not Referral.objects.filter(pk=details.source_referral_id).exists():
            raise InvalidError({"source_referral_id": ["No such referral"]})
    with transaction.atomic():
        link = Link.objects.create(
            from_entity=details.from_entity,
            to_entity=details.to_entity,
            link_type=details.link_type,
            date_from=details.date_from,
            date_to=details.date_to,
            agency=actor.agency,
            source_kind=details.source_kind,
            source_entry_id=details.source_entry_id,
            source_referral_id=details.source_referral_id,
            source_extract_id=extract_id,
            source_reference=details.source_reference.strip()[:200],
            external_id=external_id,
            source_eval=details.source_eval,
            intel_assessment=details.intel_assessment,
            handling=details.handling,
            note=details.note,
            recorded_by=actor.user,
        )
        if evaluate:
            audit.record(
                actor,
                Event.INTEL_LINK_ADDED,
                object_id=link.pk,
                detail={
                    "type": link.link_type,
                    "from": link.from_entity_id,
                    "to": link.to_entity_id,
                    "grading": link.grading,
                },
            )
    if evaluate:
        _graph_changed({details.from_entity.node_id, details.to_entity.node_id})
    return link


def link_withdraw(*, actor: Actor, link: Link, reason: str) -> Link:
    """Withdraw a link with a reason: it leaves the network, and its record stays."""
    intel_access.require_read(actor, object_type="intel_link", object_id=link.pk)
    if link.handling == HandlingCode.C and not intel_access.sees_handling_c(actor):
        raise access.refuse(
            actor, intel_access.refusal(actor), object_type="intel_link", object_id=link.pk
        )
    reason = reason.strip()
    if not reason:
        raise InvalidError({"reason": ["Say why the link is withdrawn"]})
    if link.withdrawn_at is not None:
        raise ConflictError("This link has already been withdrawn")
    with transaction.atomic():
        link.withdrawn_at = timezone.now()
        link.withdrawn_by = actor.user
        link.withdrawal_reason = reason[:MAX_TEXT]
        link.save()
        audit.record(
            actor, Event.INTEL_LINK_WITHDRAWN, object_id=link.pk, detail={"reason": reason[:200]}
        )
    _graph_changed({f"e{link.from_entity_id}", f"e{link.to_entity_id}"})
    return link


# --- disruption --------------------------------------------------------------------------


def disruption_record(
    *, actor: Actor, subject: Entity, activity: str, occurred_on: date, outcome: str = ""
) -> Disruption:
    intel_access.require_read(actor, object_type="intel_entity", object_id=subject.pk)
    errors: dict[str, list[str]] = {}
    if not vocab.has_disruption_type(activity):
        errors["activity"] = ["Choose the disruption activity"]
    elif not vocab.disruption_applies(activity, subject.kind):
        errors["activity"] = [
            f"{vocab.disruption_label(activity)} does not apply to a "
            f"{subject.get_kind_display().lower()}"
        ]
    if subject.kind == EntityKind.PERSON and not hasattr(subject, "concern"):
        errors["subject"] = ["Disruption is recorded against a person of concern"]
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = ["The date cannot be in the future"]
    if len(outcome) > MAX_TEXT:
        errors["outcome"] = [f"The outcome must be {MAX_TEXT} characters or fewer"]
    if errors:
        raise InvalidError(errors)
    with transaction.atomic():
        item = Disruption.objects.create(
            subject=subject,
            activity=activity,
            agency=actor.agency,
            occurred_on=occurred_on,
            outcome=outcome.strip(),
            recorded_by=actor.user,
        )
        audit.record(
            actor,
            Event.INTEL_DISRUPTION_RECORDED,
            object_id=item.pk,
            detail={"subject": subject.pk, "activity": activity},
        )
    return item


def disruption_plan_create(
    *, actor: Actor, subject: Entity, objective: str, review_on: date | None = None
) -> DisruptionPlan:
    intel_access.require_read(actor, object_type="intel_entity", object_id=subject.pk)
    objective = objective.strip()
    if not objective:
        raise InvalidError({"objective": ["Say what the plan is to achieve"]})
    with transaction.atomic():
        plan = DisruptionPlan.objects.create(
            subject=subject,
            objective=objective[:MAX_TEXT],
            review_on=review_on,
            created_by=actor.user,
            created_by_agency=actor.agency,
        )
        audit.record(
            actor,
            Event.INTEL_DISRUPTION_PLAN_CREATED,
            object_id=plan.pk,
            detail={"subject": subject.pk},
        )
    return plan


def disruption_action_add(
    *,
    actor: Actor,
    plan: DisruptionPlan,
    title: str,
    owner_agency_id: int | None,
    owner_user_id: int | None = None,
    due_on: date | None = None,
    due_working_days: int | None = None,
) -> Action:
    """Add an action to a disruption plan: an ``actions.Action`` from the plan
    (``source_kind="disruption_plan"``), so it is in the owner's My work, their agency's list
    and the overdue view, and closes only with an outcome (``actions.services``). The actions
    app's rule decides who sets it (the hub); it is about no person, and its source label
    names no one, since the owning agency may not read intelligence."""
    intel_access.require_read(actor, object_type="disruption_plan", object_id=plan.pk)
    with transaction.atomic():
        action = action_create(
            actor=actor,
            title=title,
            owner_agency_id=owner_agency_id,
            owner_user_id=owner_user_id,
            due_on=due_on,
            due_working_days=due_working_days,
            source_kind=DISRUPTION_PLAN_SOURCE,
            source_id=plan.pk,
            source_label="Disruption plan",
        )
        audit.record(
            actor,
            Event.INTEL_DISRUPTION_PLAN_CHANGED,
            object_id=plan.pk,
            detail={"action_added": action.pk},
        )
    return action


# --- alerts ------------------------------------------------------------------------------


class AlertDecision:
    REFERRAL = "referral"
    CASE = "case"


def _alert_open(alert: Alert) -> None:
    if alert.status != AlertStatus.OPEN:
        raise ConflictError(f"This alert is {alert.get_status_display().lower()}, not open")


def alert_accept(
    *,
    actor: Actor,
    alert: Alert,
    start: str,
    reason: str = "",
    case_id: int | None = None,
    given_name: str = "",
    family_name: str = "",
) -> Alert:
    """Accept an alert: start a referral about its subject (someone the hub does not yet
    support) or add it to a case's chronology. Either way the alert's explanation goes with
    it, so the referral or the entry says why."""
    from lantern.cases.models import Case, CaseStatus
    from lantern.cases.services import chronology_add
    from lantern.people.services import NewPerson
    from lantern.referrals.services import referral_submit

    intel_access.require_decide_alerts(actor, alert)
    _alert_open(alert)
    subject = alert.subject
    summary = f"Intelligence alert: {alert.explanation}"[:MAX_TEXT]
    if reason:
        summary = f"{summary}\n\nAccepted because: {reason.strip()}"[:MAX_TEXT]
    with transaction.atomic():
        if start == AlertDecision.REFERRAL:
            if subject.kind != EntityKind.PERSON:
                raise InvalidError(
                    {"start": ["A referral is about a person: add a place's alert to a case"]}
                )
            if subject.person_id is not None:
                raise InvalidError(
                    {"start": ["The hub already supports this person: add it to their case"]}
                )
            given = given_name.strip() or subject.label.split(" ")[0]
            family = family_name.strip() or " ".join(subject.label.split(" ")[1:]) or "Not known"
            from lantern.core.normalisers import PartialDate

            referral = referral_submit(
                actor=actor,
                new_person=NewPerson(
                    given_name=given,
                    family_name=family,
                    date_of_birth=PartialDate.from_date(subject.date_of_birth)
                    if subject.date_of_birth
                    else None,
                    postcode=subject.postcode,
                ),
                concern_categories=["older_or_risky_associates", "places_and_travel"],
                what_was_seen=summary,
                urgency="high",
                confirm_new=True,
            )
            alert.outcome_referral = referral
            subject.person = referral.person
            subject.at_risk = True
            subject.save(update_fields=["person", "at_risk", "updated_at"])
        elif start == AlertDecision.CASE:
            case = (
                Case.objects.filter(pk=case_id, status=CaseStatus.OPEN).first()
                if case_id is not None
                else None
            )
            if case is None:
                raise InvalidError({"case_id": ["Choose an open case to add this to"]})
            chronology_add(
                actor=actor,
                case=case,
                occurred_on=timezone.localdate(),
                event_type="intelligence",
                summary=summary,
                significance="high",
                restricted_category="handling_c" if alert.involves_handling_c else "",
            )
            alert.outcome_case = case
        else:
            raise InvalidError(
                {"start": ["Choose whether to start a referral or add it to a case"]}
            )
        alert.status = AlertStatus.ACCEPTED
        alert.decided_by, alert.decided_at = actor.user, timezone.now()
        alert.decision_reason = reason.strip()[:MAX_TEXT]
        alert.save()
        audit.record(
            actor,
            Event.ALERT_ACCEPTED,
            object_id=alert.pk,
            detail={
                "start": start,
                "referral": alert.outcome_referral_id,
                "case": alert.outcome_case_id,
            },
        )
    _graph_changed({subject.node_id})
    return alert


def alert_dismiss(*, actor: Actor, alert: Alert, reason: str) -> Alert:
    """Dismiss with a reason. It stays dismissed unless new evidence (a link not seen now)
    supports the same situation."""
    intel_access.require_decide_alerts(actor, alert)
    _alert_open(alert)
    reason = reason.strip()
    if not reason:
        raise InvalidError({"reason": ["Say why the alert is dismissed"]})
    with transaction.atomic():
        alert.status = AlertStatus.DISMISSED
        alert.dismissed_evidence = list(alert.evidence_link_ids)
        alert.decided_by, alert.decided_at = actor.user, timezone.now()
        alert.decision_reason = reason[:MAX_TEXT]
        alert.save()
        audit.record(
            actor, Event.ALERT_DISMISSED, object_id=alert.pk, detail={"reason": reason[:200]}
        )
    return alert


# --- charts ------------------------------------------------------------------------------


def chart_save(*, actor: Actor, name: str, start: Entity, state: dict[str, object]) -> SavedChart:
    intel_access.require_read(actor)
    name = name.strip()
    if not name:
        raise InvalidError({"name": ["Give the chart a name"]})
    if len(str(state)) > 2_000_000:
        raise InvalidError({"state": ["The chart is too large to save"]})
    with transaction.atomic():
        chart = SavedChart.objects.create(
            name=name[:200], owner=actor.user, agency=actor.agency, start=start, state=state
        )
        audit.record(actor, Event.INTEL_CHART_SAVED, object_id=chart.pk, detail={"start": start.pk})
    return chart


# --- keeping the graph and alerts current -------------------------------------------------


def _graph_changed(node_ids: set[str]) -> None:
    """Bring the process's graph up to date and re-evaluate the alerts it can change, once
    the transaction commits."""

    def run() -> None:
        from lantern.intelligence import alerting

        try:
            alerting.evaluate_changes(node_ids)
        except Exception:  # an alert failing to evaluate must not lose the change itself
            log.exception("Re-evaluating alerts after a change failed")

    transaction.on_commit(run)
