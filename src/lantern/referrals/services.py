"""Writes for referrals and triage."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lantern.agencies.models import Agency
from lantern.cases import services as case_services
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import ConflictError, InvalidError
from lantern.core.events import Event
from lantern.core.limits import MAX_TEXT
from lantern.core.vocab import vocabulary
from lantern.core.workdays import add_working_days
from lantern.people import access as people_access
from lantern.people import queries as people_queries
from lantern.people import services as people_services
from lantern.people.models import InvolvementBasis, Person
from lantern.people.services import NewPerson, involvement_ensure
from lantern.referrals import access as referrals_access
from lantern.referrals.models import (
    CASE_OUTCOMES,
    URGENCY_RANK,
    Outcome,
    Referral,
    ReferralStatus,
    TriageDecision,
    Urgency,
)


class PossibleDuplicatesError(ConflictError):
    """People who may already be the person described: look at them before creating a new
    one (the rule is here so that pages, API and commands all keep it)."""

    def __init__(self, check: people_queries.DuplicateCheck) -> None:
        super().__init__(
            f"{len(check.visible)} people already known may be this person. Refer one of "
            "them, or confirm that this is someone new.",
            field="confirm_new",
        )
        self.check = check

    def extensions(self) -> dict[str, object]:
        return {"possible_duplicates": [person.pk for person in self.check.visible]}
TRIAGE_TARGET_WORKING_DAYS = 1


def concern_vocabulary() -> list[tuple[str, str]]:
    return vocabulary("referrals", "concern_categories").choices()


def _validate_referral(categories: list[str], what_was_seen: str, urgency: str) -> None:
    errors: dict[str, str] = {}
    vocab = vocabulary("referrals", "concern_categories")
    if not categories:
        errors["concern_categories"] = "Select at least one concern"
    elif unknown := [c for c in categories if c not in vocab]:
        errors["concern_categories"] = f"Unknown concern: {', '.join(unknown)}"
    if not what_was_seen.strip():
        errors["what_was_seen"] = "Describe what you saw or were told"
    elif len(what_was_seen) > MAX_TEXT:
        errors["what_was_seen"] = f"Write no more than {MAX_TEXT:,} characters"
    if urgency not in Urgency.values:
        errors["urgency"] = "Select how urgent this is"
    if errors:
        raise InvalidError(errors)


def referral_submit(
    *,
    actor: Actor,
    person: Person | None = None,
    new_person: NewPerson | None = None,
    concern_categories: list[str],
    what_was_seen: str,
    urgency: str,
    confirm_new: bool = False,
) -> Referral:
    """Refer a concern about an existing person (visible to the actor) or a new one.

    A new person is created only once the referrer has seen the possible duplicates they
    may see and confirmed (``confirm_new``) that this is someone new; otherwise
    :class:`PossibleDuplicatesError` is raised. Likely matches the agency may not see are left
    for the hub to resolve at triage. The referring agency becomes involved with the
    person, so it can follow the referral.
    """
    access.check(actor, referrals_access.may_refer(actor), "make a referral")
    if (person is None) == (new_person is None):
        raise InvalidError("Refer either an existing person or a new one")
    if person is not None:
        people_access.require_person(actor, person)
    _validate_referral(concern_categories, what_was_seen, urgency)
    if new_person is not None and not confirm_new:
        check = people_queries.possible_duplicates(
            actor,
            given_name=new_person.given_name,
            family_name=new_person.family_name,
            date_of_birth=new_person.date_of_birth.earliest() if new_person.date_of_birth else None,
            nhs_number=new_person.nhs_number,
        )
        if check.visible:
            raise PossibleDuplicatesError(check)
    with transaction.atomic():
        if new_person is not None:
            person = people_services.person_create(
                actor=actor,
                details=new_person,
                said=people_services.said_by_actor(actor, label="referral"),
            )
        assert person is not None  # noqa: S101 - narrowed above for the type checker  # nosec B101
        now = timezone.now()
        referral = Referral.objects.create(
            person=person,
            referring_agency=actor.agency,
            referrer=actor.user,
            concern_categories=list(dict.fromkeys(concern_categories)),
            what_was_seen=what_was_seen.strip(),
            urgency=urgency,
            urgency_rank=URGENCY_RANK[Urgency(urgency)],
            submitted_at=now,
            due_by=add_working_days(timezone.localtime(now), TRIAGE_TARGET_WORKING_DAYS),
        )
        if new_person is not None:
            people_services.facts_from_referral(person=person, referral_id=referral.pk)
        involvement_ensure(
            actor=actor,
            person=person,
            agency_id=actor.agency.pk,
            basis=InvolvementBasis.REFERRAL,
            reference=referral.reference,
            purpose="follow the referral it made",
        )
        audit.record(
            actor,
            Event.REFERRAL_SUBMITTED,
            object_id=referral.pk,
            person_id=person.pk,
            detail={"urgency": urgency, "categories": referral.concern_categories},
        )
        if new_person is None:
            case_services.case_activity(
                person,
                trigger="referral",
                source_description=f"Referral {referral.reference} from {actor.agency.name}",
                actor=actor,
            )
    return referral


def _validate_decision(
    referral: Referral,
    outcome: str,
    rationale: str,
    s42: tuple[bool | None, bool | None, bool | None],
    single_agency_id: int | None,
) -> None:
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Select a decision"
    if not rationale.strip():
        errors["rationale"] = "Give the reasons for the decision"
    elif len(rationale) > MAX_TEXT:
        errors["rationale"] = f"Write no more than {MAX_TEXT:,} characters"
    is_child = referral.person.is_child
    if outcome == Outcome.STRATEGY_DISCUSSION and not is_child:
        errors["outcome"] = (
            "A strategy discussion is for children. For an adult, consider a Care Act "
            "s42 enquiry or another safeguarding enquiry"
        )
    if outcome in (Outcome.S42_ENQUIRY, Outcome.OTHER_ENQUIRY) and is_child:
        errors["outcome"] = "Adult safeguarding enquiries are for people aged 18 or over"
    if outcome == Outcome.S42_ENQUIRY:
        if any(answer is None for answer in s42):
            errors["s42_care_and_support_needs"] = "Answer all three parts of the s42 test"
        elif not all(s42):
            errors["outcome"] = (
                "The s42 duty applies only when all three parts of the test are met. "
                "Record another safeguarding enquiry instead if the adult still needs one"
            )
    if outcome == Outcome.SINGLE_AGENCY and not (
        single_agency_id and Agency.objects.filter(pk=single_agency_id, is_active=True).exists()
    ):
        errors["single_agency"] = "Select the agency that will respond"
    if errors:
        raise InvalidError(errors)


def triage_decide(
    *,
    actor: Actor,
    referral: Referral,
    outcome: str,
    rationale: str,
    s42_care_and_support_needs: bool | None = None,
    s42_at_risk_of_abuse: bool | None = None,
    s42_unable_to_protect: bool | None = None,
    single_agency_id: int | None = None,
    message_to_referrer: str = "",
) -> TriageDecision:
    """Record the hub's decision. Case outcomes open a hub case (or join the person's open
    one), which the referring agency joins so it can follow what happens."""
    access.check(
        actor,
        referrals_access.may_triage(actor),
        "decide on referrals",
        object_type="referral",
        object_id=referral.pk,
    )
    s42 = (s42_care_and_support_needs, s42_at_risk_of_abuse, s42_unable_to_protect)
    _validate_decision(referral, outcome, rationale, s42, single_agency_id)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != ReferralStatus.SUBMITTED:
            raise InvalidError(
                {"outcome": "A decision has already been recorded for this referral"}
            )
        case = None
        if outcome in CASE_OUTCOMES:
            case = case_services.case_open_or_join(
                actor=actor,
                person=referral.person,
                referral=referral,
                outcome=outcome,
            )
        decision = TriageDecision.objects.create(
            referral=locked,
            outcome=outcome,
            rationale=rationale.strip(),
            decided_by=actor.user,
            s42_care_and_support_needs=s42_care_and_support_needs,
            s42_at_risk_of_abuse=s42_at_risk_of_abuse,
            s42_unable_to_protect=s42_unable_to_protect,
            single_agency_id=single_agency_id if outcome == Outcome.SINGLE_AGENCY else None,
            case=case,
            message_to_referrer=message_to_referrer.strip(),
        )
        locked.status = ReferralStatus.DECIDED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(
            actor,
            Event.TRIAGE_DECIDED,
            object_id=referral.pk,
            person_id=referral.person_id,
            detail={"decision": outcome, "case": case.pk if case else None},
        )
    referral.refresh_from_db()
    return decision
