"""Writes for referrals and triage."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from lantern.agencies.models import Agency
from lantern.cases import services as case_services
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import ConflictError, DomainError, InvalidError
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
from lantern.referrals.conclusions import categories
from lantern.referrals.models import (
    CASE_OUTCOMES,
    ENQUIRY_OUTCOMES,
    URGENCY_RANK,
    EnquiryConclusion,
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


# --- how an adult safeguarding enquiry concluded -------------------------------------------


def _check_one(errors: dict[str, str], section: str, name: str, code: str, ask: str) -> None:
    if not code:
        errors[name] = ask
    elif code not in categories().codes(section):
        errors[name] = f"Unknown code '{code}': use one of the listed answers"


def _validate_conclusion(
    *,
    decided_on: date,
    concluded_on: date | None,
    types_of_risk: list[str],
    location_of_risk: str,
    source_of_risk: str,
    risk_assessment: str,
    action_taken: bool | None,
    risk_outcome: str,
    outcomes_asked: str,
    outcomes_achieved: str,
) -> None:
    cats = categories()
    errors: dict[str, str] = {}
    if concluded_on is None:
        errors["concluded_on"] = "Enter the date the enquiry concluded"
    elif concluded_on > timezone.localdate():
        errors["concluded_on"] = "The date the enquiry concluded must be today or in the past"
    elif concluded_on < decided_on:
        errors["concluded_on"] = (
            f"The enquiry started on {decided_on:%d/%m/%Y}: it cannot conclude before then"
        )
    if not types_of_risk:
        errors["types_of_risk"] = "Select at least one type of risk"
    elif unknown := [c for c in types_of_risk if c not in cats.codes("types_of_risk")]:
        errors["types_of_risk"] = f"Unknown type of risk: {', '.join(unknown)}"
    _check_one(
        errors,
        "locations_of_risk",
        "location_of_risk",
        location_of_risk,
        "Select where the risk was",
    )
    _check_one(
        errors,
        "sources_of_risk",
        "source_of_risk",
        source_of_risk,
        "Select the source of the risk",
    )
    _check_one(
        errors,
        "risk_assessments",
        "risk_assessment",
        risk_assessment,
        "Select whether a risk was identified",
    )
    assessed = cats.get("risk_assessments", risk_assessment)
    if assessed is not None and assessed.action_taken and action_taken is None:
        errors["action_taken"] = "Select whether action was taken"
    elif assessed is not None and not assessed.action_taken and action_taken:
        errors["action_taken"] = (
            f"“{assessed.label}” means no action was taken: do not say that action was taken"
        )
    if assessed is not None and assessed.risk_outcome and action_taken:
        _check_one(
            errors,
            "risk_outcomes",
            "risk_outcome",
            risk_outcome,
            "Select whether the risk was removed, reduced or remains",
        )
    elif risk_outcome and assessed is not None and "action_taken" not in errors:
        errors["risk_outcome"] = (
            "Say what happened to the risk only when a risk was identified or the assessment "
            "was inconclusive, and action was taken"
        )
    _check_one(
        errors,
        "desired_outcomes_asked",
        "outcomes_asked",
        outcomes_asked,
        "Select whether the person was asked about the outcomes they wanted",
    )
    asked = cats.get("desired_outcomes_asked", outcomes_asked)
    if asked is not None and asked.achieved:
        _check_one(
            errors,
            "desired_outcomes_achieved",
            "outcomes_achieved",
            outcomes_achieved,
            "Select whether the outcomes the person wanted were achieved",
        )
    if errors:
        raise InvalidError(errors)


def enquiry_conclude(
    *,
    actor: Actor,
    referral: Referral,
    concluded_on: date | None,
    types_of_risk: list[str],
    location_of_risk: str,
    source_of_risk: str,
    risk_assessment: str,
    outcomes_asked: str,
    action_taken: bool | None = None,
    risk_outcome: str = "",
    outcomes_achieved: str = "",
    amendment_reason: str = "",
) -> EnquiryConclusion:
    """Record how an adult safeguarding enquiry concluded, or amend the conclusion.

    The referral must have started an enquiry (s42 or other). The first conclusion is
    version 1 (``enquiry.concluded``); a later call adds the next version with its reason
    (``enquiry.conclusion_amended``) and keeps every earlier one unchanged.

    Whether action was taken is required when the risk assessment asks it; one that does
    not (an enquiry ceased at the person's request) records that no action was taken, and
    saying otherwise is refused. What happened to the risk is required when the assessment
    asks for it and action was taken, and refused otherwise. Whether the person's outcomes
    were achieved is kept only when they were asked and expressed some: an answer left over
    from a different choice there is dropped, not stored.
    """
    access.check(
        actor,
        referrals_access.may_conclude(actor),
        "record how adult safeguarding enquiries concluded",
        object_type="referral",
        object_id=referral.pk,
    )
    referrals_access.require_referral(actor, referral)
    decision = TriageDecision.objects.filter(referral_id=referral.pk).first()
    if decision is None or decision.outcome not in ENQUIRY_OUTCOMES:
        raise DomainError(
            f"Referral {referral.reference} did not start an adult safeguarding enquiry, so "
            "there is no enquiry to conclude"
        )
    cats = categories()
    types = list(dict.fromkeys(types_of_risk))
    assessed = cats.get("risk_assessments", risk_assessment)
    asked = cats.get("desired_outcomes_asked", outcomes_asked)
    outcomes_achieved = outcomes_achieved if asked is not None and asked.achieved else ""
    _validate_conclusion(
        decided_on=timezone.localtime(decision.decided_at).date(),
        concluded_on=concluded_on,
        types_of_risk=types,
        location_of_risk=location_of_risk,
        source_of_risk=source_of_risk,
        risk_assessment=risk_assessment,
        action_taken=action_taken,
        risk_outcome=risk_outcome,
        outcomes_asked=outcomes_asked,
        outcomes_achieved=outcomes_achieved,
    )
    if assessed is not None and not assessed.action_taken:
        action_taken = False
    values = {
        "concluded_on": concluded_on,
        "types_of_risk": types,
        "location_of_risk": location_of_risk,
        "source_of_risk": source_of_risk,
        "risk_assessment": risk_assessment,
        "action_taken": action_taken,
        "risk_outcome": risk_outcome,
        "outcomes_asked": outcomes_asked,
        "outcomes_achieved": outcomes_achieved,
    }
    reason = amendment_reason.strip()
    with transaction.atomic():
        Referral.objects.select_for_update().filter(pk=referral.pk).first()
        latest = (
            EnquiryConclusion.objects.filter(referral_id=referral.pk).order_by("-version").first()
        )
        if latest is not None:
            if not reason:
                raise InvalidError({"amendment_reason": "Say why the conclusion is being amended"})
            if len(reason) > MAX_TEXT:
                raise InvalidError(
                    {"amendment_reason": f"Write no more than {MAX_TEXT:,} characters"}
                )
            if all(getattr(latest, name) == value for name, value in values.items()):
                raise ConflictError(
                    "Nothing has changed from the current conclusion", field="amendment_reason"
                )
        conclusion = EnquiryConclusion(
            referral=referral,
            version=latest.version + 1 if latest is not None else 1,
            categories_version=cats.version,
            recorded_by=actor.user,
            amendment_reason=reason if latest is not None else "",
            **values,
        )
        conclusion.full_clean()
        conclusion.save()
        audit.record(
            actor,
            Event.ENQUIRY_CONCLUSION_AMENDED if latest is not None else Event.ENQUIRY_CONCLUDED,
            object_id=referral.pk,
            person_id=referral.person_id,
            detail={
                "version": conclusion.version,
                "enquiry": decision.outcome,
                "risk_assessment": risk_assessment,
                "action_taken": action_taken,
                "risk_outcome": risk_outcome,
                "categories_version": cats.version,
            },
        )
    return conclusion
