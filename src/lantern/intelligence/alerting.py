"""Alerts on the live graph: the engine's rules, kept as one row per situation.

The rules and their scoring live in :mod:`lantern.intelligence.engine.rules` and run the
same on the database's graph as ``lantern alerts evaluate`` runs them on files. This module
keeps what they find:

- a situation (the engine's ``key``: rule, subject and what is shared) is one
  :class:`~lantern.intelligence.models.Alert`, never two: re-evaluation updates it;
- a dismissed alert comes back (open again, ``times_reraised`` counted) only when its
  evidence gains a link that was not there when it was dismissed;
- an open alert whose situation no longer holds (a link withdrawn, a person now known)
  lapses, with the reason kept;
- after any change to the graph the alerts of the people and places it can affect are
  re-evaluated at once (:func:`evaluate_changes`); ``lantern alerts run`` evaluates all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from lantern.core import audit, system
from lantern.core.access import Actor, Role
from lantern.core.events import Event
from lantern.intelligence import graphstore, vocab
from lantern.intelligence.engine import rules as engine_rules
from lantern.intelligence.engine.graph import AnalysisGraph
from lantern.intelligence.engine.model import Alert as FoundAlert
from lantern.intelligence.engine.model import Link as GLink
from lantern.intelligence.models import Alert, AlertStatus

log = logging.getLogger(__name__)

ALERTS_SERVICE = system.declare(
    system.Service(
        username="lantern-alerts",
        title="Intelligence alerts",
        role=Role.ANALYST,
        purpose="evaluating the alert rules on the network",
    )
)


@dataclass
class RunSummary:
    evaluated: int = 0
    raised: int = 0
    updated: int = 0
    reraised: int = 0
    lapsed: int = 0


def _involves_c(graph: AnalysisGraph, found: FoundAlert) -> bool:
    for link in found.evidence_link_ids:
        try:
            if graph.link(link).handling == "C":
                return True
        except KeyError:
            continue
    return False


#: Rules that read the whole network's shape (its communities) rather than the neighbourhood
#: of a change: evaluated by the full run (``lantern alerts run`` and the background task
#: queued after each change), not inside the request that made the change.
GLOBAL_RULE_KINDS = frozenset({"community_serious_risk"})


def local_rules() -> vocab.AlertRules:
    rules = vocab.alert_rules()
    return replace(rules, rules=tuple(r for r in rules.rules if r.kind not in GLOBAL_RULE_KINDS))


def _save(
    graph: AnalysisGraph,
    found: list[FoundAlert],
    scope: set[str] | None,
    actor: Actor,
    rule_codes: set[str] | None = None,
) -> RunSummary:
    summary = RunSummary(evaluated=len(found))
    now = timezone.now()
    by_key = {a.key: a for a in found}
    existing = {a.key: a for a in Alert.objects.filter(key__in=list(by_key))}
    unchanged: list[int] = []
    with transaction.atomic():
        for key, item in by_key.items():
            evidence = sorted(item.evidence_link_ids)
            fields = {
                "rule": item.rule,
                "score": float(item.score),
                "explanation": item.explanation,
                "paths": [list(p) for p in item.paths],
                "evidence_link_ids": evidence,
                "involves_handling_c": _involves_c(graph, item),
                "last_evaluated_at": now,
            }
            row = existing.get(key)
            if row is None:
                row = Alert.objects.create(
                    key=key,
                    subject_id=graphstore.pk_of(item.subject_id),
                    raised_at=now,
                    **fields,
                )
                summary.raised += 1
                audit.record(
                    actor,
                    Event.ALERT_RAISED,
                    object_id=row.pk,
                    detail={"rule": item.rule, "score": round(item.score, 3)},
                )
                _closed_case_activity(row, actor)
                continue
            reraise = (
                row.status == AlertStatus.DISMISSED
                and bool(set(evidence) - set(row.dismissed_evidence))
            ) or row.status == AlertStatus.LAPSED
            if not reraise and all(
                getattr(row, name) == value
                for name, value in fields.items()
                if name != "last_evaluated_at"
            ):
                # The same finding as last time: only when it was last looked at changes
                # (one UPDATE for them all below, not a save of each).
                unchanged.append(row.pk)
                summary.updated += 1
                continue
            for name, value in fields.items():
                setattr(row, name, value)
            if row.status == AlertStatus.DISMISSED and set(evidence) - set(row.dismissed_evidence):
                row.status = AlertStatus.OPEN
                row.times_reraised += 1
                summary.reraised += 1
                audit.record(
                    actor,
                    Event.ALERT_RERAISED,
                    object_id=row.pk,
                    detail={"new_links": sorted(set(evidence) - set(row.dismissed_evidence))},
                )
            elif row.status == AlertStatus.LAPSED:
                row.status = AlertStatus.OPEN
                summary.reraised += 1
                audit.record(actor, Event.ALERT_RERAISED, object_id=row.pk, detail={"lapsed": True})
            else:
                summary.updated += 1
            row.save()
        if unchanged:
            Alert.objects.filter(pk__in=unchanged).update(last_evaluated_at=now)
        # Open alerts in scope that the rules no longer find have lapsed.
        stale: Iterable[Alert] = Alert.objects.filter(status=AlertStatus.OPEN).exclude(
            key__in=list(by_key)
        )
        if scope is not None:
            # By subject alone, the rest in Python: given the status and rule too, SQLite
            # walks the status index through every open alert in the partnership.
            stale = [
                row
                for row in Alert.objects.filter(
                    subject_id__in=[graphstore.pk_of(s) for s in scope]
                )
                if row.status == AlertStatus.OPEN
                and row.key not in by_key
                and (rule_codes is None or row.rule in rule_codes)
            ]
        elif rule_codes is not None:
            stale = Alert.objects.filter(status=AlertStatus.OPEN, rule__in=rule_codes).exclude(
                key__in=list(by_key)
            )
        for row in stale:
            row.status = AlertStatus.LAPSED
            row.decision_reason = "The situation no longer holds (evidence withdrawn or changed)."
            row.last_evaluated_at = now
            row.save()
            summary.lapsed += 1
            audit.record(actor, Event.ALERT_LAPSED, object_id=row.pk)
    return summary


def _closed_case_activity(row: Alert, actor: Actor) -> None:
    """An alert about a person the hub supported and closed: reopen or flag at once
    (the closure rules decide; cases.services.case_activity)."""
    person = row.subject.person
    if person is None:
        return
    from lantern.cases.services import case_activity

    case_activity(
        person,
        trigger="alert",
        source_description=f"Intelligence alert: {row.explanation}"[:300],
        actor=actor,
    )


def run_all(*, actor: Actor | None = None) -> RunSummary:
    """Evaluate every rule over the whole graph (``lantern alerts run``)."""
    actor = actor or system.service_actor(ALERTS_SERVICE, channel="cli")
    graph = graphstore.current(thorough=True)
    found = engine_rules.evaluate(graph, today=timezone.localdate())
    graphstore.settle()  # the rules' memo of the whole graph, kept for the next change
    return _save(graph, found, None, actor)


def affected(graph: AnalysisGraph, node_ids: Iterable[str]) -> set[str]:
    """Who a change to these nodes can change the alerts of: the nodes and their
    neighbourhood to depth 2 (a shared place joins a subject to a person two steps away)."""
    subjects: set[str] = set()
    for node in node_ids:
        if node in graph:
            # The engine's reach of a change at one node (two links out, through things
            # that are not busy): a link from the node to itself stands for the change.
            probe = GLink(id="", a=node, b=node, link_type="")
            subjects |= engine_rules.affected_subjects(graph, probe)
            subjects.add(node)
    return subjects


def evaluate_changes(node_ids: Iterable[str] = (), *, actor: Actor | None = None) -> RunSummary:
    """Bring the graph up to date and re-evaluate the alerts the changes can affect
    (``node_ids``: what the caller changed, in case the graph was built afresh and so
    reports no changes of its own)."""
    graph, changed = graphstore.store().refresh()
    changed = changed | set(node_ids)
    if not changed:
        return RunSummary()
    subjects = affected(graph, changed)
    if not subjects:
        return RunSummary()
    actor = actor or system.service_actor(ALERTS_SERVICE, channel="task")
    rules = local_rules()
    found = engine_rules.evaluate(graph, rules, today=timezone.localdate(), subjects=subjects)
    summary = _save(graph, found, subjects, actor, {r.code for r in rules.rules})
    _queue_full_run()
    return summary


def _queue_full_run() -> None:
    """The rules that read the network's global shape run in the background."""
    from lantern.intelligence.tasks import run_alerts

    try:
        run_alerts.enqueue()
    except Exception:  # a queue that cannot take it must not lose the change; nightly catches up
        log.warning("Could not queue the full alert run", exc_info=True)
