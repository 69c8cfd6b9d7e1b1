"""Multi-agency plans per case: writing, reviewing (a new version each time), and what
changed between two versions, said so that a practitioner can read it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from lantern.actions.models import LIVE_STATUSES, Action
from lantern.actions.services import action_create
from lantern.cases.models import Case
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.errors import InvalidError
from lantern.core.events import Event
from lantern.core.limits import MAX_TEXT
from lantern.meetings import access as meetings_access
from lantern.meetings.models import Plan, PlanVersion

MAX_GOALS = 20
MAX_GOAL = 500


def _clean_goals(goals: list[str]) -> list[str]:
    return [g.strip() for g in goals if g and g.strip()]


def _validate(goals: list[str], person_words: str, review_on: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not goals:
        errors["goals"] = "Write at least one goal, in plain language"
    elif len(goals) > MAX_GOALS:
        errors["goals"] = f"Keep the plan to {MAX_GOALS} goals or fewer"
    elif any(len(g) > MAX_GOAL for g in goals):
        errors["goals"] = f"Write each goal in no more than {MAX_GOAL} characters"
    if not person_words.strip():
        errors["person_words"] = (
            "Write what the person wants, in their own words (or that they did not want to say)"
        )
    elif len(person_words) > MAX_TEXT:
        errors["person_words"] = f"Write no more than {MAX_TEXT:,} characters"
    if review_on is None:
        errors["review_on"] = "Give the date of the next review"
    elif review_on <= timezone.localdate():
        errors["review_on"] = "The next review must be after today"
    return errors


def plan_write(
    *,
    actor: Actor,
    case: Case,
    goals: list[str],
    person_words: str,
    review_on: date | None,
    review_note: str = "",
) -> PlanVersion:
    """Write the case's plan, or review it: each review is a new version and every earlier
    version is kept. A review says what it found."""
    access.check(
        actor,
        meetings_access.may_write_plan(actor),
        "write or review plans",
        object_type="plan",
        object_id=case.pk,
    )
    access.require(actor, case)
    goals = _clean_goals(goals)
    errors = _validate(goals, person_words, review_on)
    existing = Plan.objects.filter(case=case).first()
    if existing is not None and not review_note.strip():
        errors["review_note"] = "Say what the review found"
    if len(review_note) > MAX_TEXT:
        errors["review_note"] = f"Write no more than {MAX_TEXT:,} characters"
    if errors:
        raise InvalidError(errors)
    assert review_on is not None  # noqa: S101  # nosec B101 - checked above
    with transaction.atomic():
        plan, created = Plan.objects.select_for_update().get_or_create(case=case)
        number = 1 if created else plan.current_version + 1
        version = PlanVersion.objects.create(
            plan=plan,
            version=number,
            goals=goals,
            person_words=person_words.strip(),
            review_on=review_on,
            review_note=review_note.strip(),
            written_by=actor.user,
        )
        plan.current_version = number
        plan.save(update_fields=["current_version", "updated_at"])
        audit.record(
            actor,
            Event.PLAN_CREATED if created else Event.PLAN_REVIEWED,
            object_id=plan.pk,
            person_id=case.person_id,
            detail={"case": case.pk, "version": number, "review_on": review_on.isoformat()},
        )
    return version


def plan_action_add(
    *,
    actor: Actor,
    plan: Plan,
    title: str,
    owner_agency_id: int | None,
    owner_user_id: int | None = None,
    due_on: date | None = None,
    due_working_days: int | None = None,
) -> Action:
    access.check(
        actor, meetings_access.may_write_plan(actor), "add actions to plans", object_type="plan"
    )
    return action_create(
        actor=actor,
        title=title,
        owner_agency_id=owner_agency_id,
        owner_user_id=owner_user_id,
        due_on=due_on,
        due_working_days=due_working_days,
        source_kind="plan",
        source_id=plan.pk,
        source_label=f"Plan for case {plan.case.reference}",
        person=plan.case.person,
        case=plan.case,
    )


# --- reads -----------------------------------------------------------------------------


@dataclass
class PlanRecord:
    case: Case
    plan: Plan | None
    versions: list[PlanVersion]
    actions: list[Action]

    @property
    def current(self) -> PlanVersion | None:
        return self.versions[0] if self.versions else None


def plan_for_case(actor: Actor, case_id: int) -> PlanRecord:
    """The case's plan with every version (newest first) and its actions; audited."""
    case = get_object_or_404(Case.objects.select_related("person"), pk=case_id)
    if not meetings_access.may_read_plan_of(actor, case.pk):
        raise access.refuse(
            actor, access.refusal_text(actor, "this plan"), object_type="plan", object_id=case.pk
        )
    plan = Plan.objects.filter(case=case).first()
    versions = list(plan.versions.select_related("written_by").order_by("-version")) if plan else []
    actions = (
        list(
            Action.objects.filter(source_kind="plan", source_id=plan.pk)
            .select_related("owner_agency", "owner_user")
            .order_by("due_on")
        )
        if plan
        else []
    )
    audit.record(
        actor,
        Event.PLAN_VIEWED,
        object_id=plan.pk if plan else "",
        person_id=case.person_id,
        detail={"case": case.pk},
    )
    return PlanRecord(case=case, plan=plan, versions=versions, actions=actions)


# --- what changed --------------------------------------------------------------------------


@dataclass
class WordsChange:
    kind: str  # "same", "added", "removed"
    text: str


@dataclass
class PlanDiff:
    """What changed from one version of a plan to the next."""

    older: PlanVersion
    newer: PlanVersion
    goals_added: list[str] = field(default_factory=list)
    goals_removed: list[str] = field(default_factory=list)
    goals_kept: list[str] = field(default_factory=list)
    words: list[WordsChange] = field(default_factory=list)
    review_moved: tuple[date, date] | None = None

    @property
    def words_changed(self) -> bool:
        return any(w.kind != "same" for w in self.words)

    @property
    def changed(self) -> bool:
        return bool(
            self.goals_added or self.goals_removed or self.words_changed or self.review_moved
        )


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s*\S+", text)


def plan_diff(older: PlanVersion, newer: PlanVersion) -> PlanDiff:
    """Goals added, removed and kept; the person's words with added and removed phrases;
    and the review date if it moved."""
    diff = PlanDiff(older=older, newer=newer)
    before, after = list(older.goals), list(newer.goals)
    diff.goals_added = [g for g in after if g not in before]
    diff.goals_removed = [g for g in before if g not in after]
    diff.goals_kept = [g for g in after if g in before]
    a, b = _tokens(older.person_words), _tokens(newer.person_words)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            diff.words.append(WordsChange("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            diff.words.append(WordsChange("removed", "".join(a[i1:i2])))
        if j2 > j1:
            diff.words.append(WordsChange("added", "".join(b[j1:j2])))
    if older.review_on != newer.review_on:
        diff.review_moved = (older.review_on, newer.review_on)
    return diff


def plan_diffs(versions: list[PlanVersion]) -> list[PlanDiff]:
    """Each review's changes, newest first (``versions`` newest first)."""
    return [plan_diff(versions[i + 1], versions[i]) for i in range(len(versions) - 1)]


def case_panel(actor: Actor, case: Any) -> dict[str, Any]:
    """The case page's link to the case's multi-agency plan (registered as a "case" panel,
    so ``cases`` does not import meetings): shown to whoever may read the plan, with its
    current version, review date and live actions, or an invitation to write it."""
    if case is None:
        return {}
    # One query: whether the actor may read this case's plan, and the plan's state if any.
    plan = Plan.objects.filter(case_id=OuterRef("pk"))
    current = PlanVersion.objects.filter(
        plan__case_id=OuterRef("pk"), version=F("plan__current_version")
    )
    live_actions = (
        Action.objects.filter(
            source_kind="plan", source_id=OuterRef("plan_id"), status__in=LIVE_STATUSES
        )
        .order_by()
        .values("source_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        meetings_access.plan_readable_cases(actor)
        .filter(pk=case.pk)
        .annotate(
            plan_id=Subquery(plan.values("pk")[:1]),
            version=Subquery(current.values("version")[:1]),
            review_on=Subquery(current.values("review_on")[:1]),
        )
        .annotate(live=Coalesce(Subquery(live_actions[:1]), 0))
        .values("plan_id", "version", "review_on", "live")
        .first()
    )
    if row is None:
        return {}
    return {
        "case_plan": {
            "url": reverse("meetings:plan", kwargs={"case_pk": case.pk}),
            "exists": row["plan_id"] is not None,
            "version": row["version"],
            "review_on": row["review_on"],
            "live_actions": row["live"],
            "may_write": meetings_access.may_write_plan(actor),
        }
    }
