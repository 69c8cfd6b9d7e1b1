"""Reads of intelligence, scoped by the access policy and audited with what was shown.

Network reads (ego networks, paths, communities, hotspots, charts, exports) come from the
process's analysis graph (:mod:`graphstore`), filtered for the actor: handling-code-C links
are left out for memberships that do not hold the category, and a person at risk is named
only to an actor who may read that person's record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lantern.actions.models import Action
from lantern.actions.queries import decorate
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.intelligence import access as intel_access
from lantern.intelligence import graphstore, profiles, terms
from lantern.intelligence.engine.graph import AnalysisGraph
from lantern.intelligence.engine.model import Entity as GEntity
from lantern.intelligence.engine.model import Link as GLink
from lantern.intelligence.models import (
    Alert,
    AlertStatus,
    Disruption,
    DisruptionPlan,
    Entity,
    EntityKind,
    Link,
    PersonOfConcern,
    SavedChart,
)
from lantern.intelligence.planactions import plan_actions

WITHHELD = "A person at risk (name withheld)"
#: Most nodes one network read shows (and audits by id).
MAX_NODES = 400


def _audit_ids(ids: list[str]) -> list[str]:
    return ids[:MAX_NODES]


# --- names -------------------------------------------------------------------------------


class Namer:
    """Names entities for one actor: a hub person is named only to whoever may read them."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self._allowed: dict[int, bool] = {}

    def may_name(self, person_id: int | None) -> bool:
        if person_id is None:
            return True
        if person_id not in self._allowed:
            from lantern.people import access as people_access
            from lantern.people.models import Person

            person = Person.objects.filter(pk=person_id).first()
            self._allowed[person_id] = bool(
                person and people_access.can_see_person(self.actor, person)
            )
        return self._allowed[person_id]

    def label(self, entity: Entity) -> str:
        return entity.label if self.may_name(entity.person_id) else WITHHELD

    def graph_label(self, node: GEntity, person_ids: dict[int, int | None]) -> str:
        pk = graphstore.pk_of(node.id)
        return node.label if self.may_name(person_ids.get(pk)) else WITHHELD


# --- search and entity pages ---------------------------------------------------------------


def search(actor: Actor, text: str = "", kind: str = "") -> QuerySet[Entity]:
    intel_access.require_read(actor)
    qs = intel_access.visible_entities(actor).select_related("concern")
    if not actor.is_hub:
        # A person the hub supports is found by name only by those who may read them.
        qs = qs.filter(person__isnull=True)
    text = " ".join(text.split())
    if kind:
        qs = qs.filter(kind=kind)
    if text:
        compact = text.replace(" ", "").upper()
        qs = qs.filter(
            Q(label__icontains=text)
            | Q(key__icontains=compact)
            | Q(key__icontains=text.casefold())
            | Q(postcode__iexact=compact)
            | Q(concern__aliases__icontains=text)
        )
    else:
        qs = qs.filter(Q(concern__isnull=False) | ~Q(kind=EntityKind.PERSON))
    audit.record(actor, Event.INTEL_SEARCHED, detail={"text": text[:100], "kind": kind})
    return qs.order_by("kind", "label")


@dataclass
class LinkRow:
    link: Link
    other: Entity
    other_label: str
    type_label: str


@dataclass
class EntityPage:
    entity: Entity
    label: str
    concern: PersonOfConcern | None
    groups: dict[str, list[LinkRow]]
    withdrawn: list[LinkRow]
    disruptions: list[Disruption]
    plans: list[DisruptionPlan]
    alerts: list[Alert]
    hidden_c: int = 0
    location_public: bool = False
    timeline: list[tuple[date, str]] = field(default_factory=list)


GROUPS = {
    EntityKind.PERSON: "People",
    EntityKind.LOCATION: "Places",
    EntityKind.VEHICLE: "Vehicles",
    EntityKind.PHONE: "Phone numbers",
    EntityKind.HANDLE: "Online handles",
}


def entity_get(actor: Actor, pk: int) -> Entity:
    entity = get_object_or_404(Entity, pk=pk)
    intel_access.require_read(actor, object_type="intel_entity", object_id=pk)
    return entity


def entity_page(actor: Actor, pk: int) -> EntityPage:
    """Everything about one entity the actor may see: its links grouped by what they join
    (associates, places, vehicles, phones, victims), disruption and its outcomes over time."""
    entity = entity_get(actor, pk)
    namer = Namer(actor)
    links = (
        Link.objects.filter(Q(from_entity=entity) | Q(to_entity=entity))
        .select_related("from_entity", "to_entity", "agency", "source_extract")
        .order_by("-date_from", "-pk")
    )
    visible = intel_access.visible_links(actor)
    visible_ids = set(visible.filter(pk__in=links.values("pk")).values_list("pk", flat=True))
    groups: dict[str, list[LinkRow]] = defaultdict(list)
    withdrawn: list[LinkRow] = []
    hidden = 0
    concern_ids = set(
        PersonOfConcern.objects.filter(ended_at__isnull=True).values_list("entity_id", flat=True)
    )
    for link in links:
        if link.pk not in visible_ids:
            hidden += 1
            continue
        other = link.to_entity if link.from_entity_id == entity.pk else link.from_entity
        row = LinkRow(link, other, namer.label(other), terms.link_type_label(link.link_type))
        if link.withdrawn_at:
            withdrawn.append(row)
            continue
        if other.kind == EntityKind.PERSON and (other.person_id or other.at_risk):
            groups["Persons at risk"].append(row)
        elif other.kind == EntityKind.PERSON and other.pk in concern_ids:
            groups["Persons of concern"].append(row)
        else:
            groups[GROUPS[EntityKind(other.kind)]].append(row)
    disruptions = list(entity.disruptions.select_related("agency"))
    plans = list(
        entity.disruption_plans.select_related("created_by_agency").order_by("-created_at")
    )
    alerts = list(intel_access.visible_alerts(actor).filter(subject=entity).order_by("-raised_at"))
    concern = PersonOfConcern.objects.filter(entity=entity).first()
    timeline: list[tuple[date, str]] = []
    for d in disruptions:
        timeline.append((d.occurred_on, f"Disruption: {terms.disruption_label(d.activity)}"))
    for rows in groups.values():
        for row in rows:
            if row.link.date_from:
                timeline.append((row.link.date_from, f"Link: {row.type_label} {row.other_label}"))
    timeline.sort(key=lambda item: item[0])
    audit.record(
        actor,
        Event.INTEL_ENTITY_VIEWED,
        object_id=entity.pk,
        person_id=entity.person_id,
        detail={"links_shown": sorted(visible_ids)[:MAX_NODES]},
    )
    return EntityPage(
        entity=entity,
        label=namer.label(entity),
        concern=concern,
        groups=dict(groups),
        withdrawn=withdrawn,
        disruptions=disruptions,
        plans=plans,
        alerts=alerts,
        hidden_c=hidden,
        location_public=entity.kind == EntityKind.LOCATION
        and terms.is_public_place(entity.subtype),
        timeline=timeline,
    )


def concern_get(actor: Actor, pk: int) -> tuple[Entity, PersonOfConcern]:
    """A person of concern's entity and profile (404 for anything else), access checked."""
    entity = get_object_or_404(Entity, pk=pk)
    intel_access.require_read(actor, object_type="person_of_concern", object_id=pk)
    concern = PersonOfConcern.objects.filter(entity=entity).first()
    if concern is None:
        raise Http404("This is not a person of concern")
    return entity, concern


def profile_page(actor: Actor, pk: int) -> profiles.ProfileFacts:
    """A person of concern's structured profile: what was recorded and what follows from the
    links the actor may see (handling-C links are left out for non-holders). Audited with
    the links it rests on."""
    entity, concern = concern_get(actor, pk)
    links = list(
        intel_access.visible_links(actor)
        .filter(Q(from_entity=entity) | Q(to_entity=entity))
        .select_related("from_entity", "to_entity")
    )
    concern_ids = set(
        PersonOfConcern.objects.filter(ended_at__isnull=True).values_list("entity_id", flat=True)
    )
    found = profiles.facts(
        concern,
        links,
        entity.disruptions.all(),
        concern.earlier_contacts.select_related("agency", "recorded_by"),
        today=timezone.localdate(),
        concern_entity_ids=concern_ids,
    )
    audit.record(
        actor,
        Event.INTEL_PROFILE_VIEWED,
        object_id=entity.pk,
        detail={"links_shown": sorted(link.pk for link in links)[:MAX_NODES]},
    )
    return found


def link_get(actor: Actor, pk: int) -> Link:
    link = get_object_or_404(
        Link.objects.select_related("from_entity", "to_entity", "agency", "recorded_by"), pk=pk
    )
    intel_access.require_read(actor, object_type="intel_link", object_id=pk)
    if not intel_access.visible_links(actor).filter(pk=pk).exists():
        raise access.refuse(
            actor,
            "This link is graded handling code C: only memberships that hold that category "
            "read it.",
            object_type="intel_link",
            object_id=pk,
        )
    audit.record(actor, Event.INTEL_LINK_VIEWED, object_id=pk)
    return link


# --- the network ---------------------------------------------------------------------------


@dataclass
class NetworkView:
    """A part of the network, as shown to one actor."""

    entities: list[dict[str, Any]]
    links: list[dict[str, Any]]
    truncated: bool = False


def _graph() -> AnalysisGraph:
    return graphstore.current()


def _person_ids(pks: list[int]) -> dict[int, int | None]:
    return dict(Entity.objects.filter(pk__in=pks).values_list("pk", "person_id"))


def describe(actor: Actor, entities: list[GEntity], links: list[GLink]) -> NetworkView:
    """Turn graph entities and links into what the chart and tables show to this actor."""
    namer = Namer(actor)
    pks = [graphstore.pk_of(e.id) for e in entities]
    person_ids = _person_ids(pks)
    truncated = len(entities) > MAX_NODES
    entities = entities[:MAX_NODES]
    shown = {e.id for e in entities}
    nodes = []
    for e in entities:
        role = e.status or (
            "place_public" if e.kind == "location" and terms.is_public_place(e.subtype) else ""
        )
        nodes.append(
            {
                "id": e.id,
                "pk": graphstore.pk_of(e.id),
                "kind": e.kind,
                "label": namer.graph_label(e, person_ids),
                "subtype": e.subtype,
                "subtype_label": terms.location_type_label(e.subtype)
                if e.kind == "location"
                else e.subtype,
                "role": role,
                "risk": e.risk_level,
                "open_case": e.open_case,
            }
        )
    edges = []
    for link in links:
        if link.a in shown and link.b in shown:
            edges.append(
                {
                    "id": link.id,
                    "pk": graphstore.pk_of(link.id),
                    "source": link.a,
                    "target": link.b,
                    "type": link.link_type,
                    "label": terms.link_type_label(link.link_type),
                    "date": link.date.isoformat() if link.date else "",
                    "date_to": link.date_to.isoformat() if link.date_to else "",
                    "agency": link.agency,
                    "grading": f"{link.source_eval}{link.intel_assessment}{link.handling}",
                    "handling": link.handling,
                }
            )
    return NetworkView(nodes, edges, truncated)


@dataclass
class NetworkFilter:
    kinds: tuple[str, ...] = ()
    link_types: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None


def ego(
    actor: Actor,
    entity: Entity,
    depth: int = 1,
    filters: NetworkFilter | None = None,
    *,
    purpose: str = "",
) -> NetworkView:
    """The entity's neighbourhood to ``depth`` links, as this actor may see it."""
    intel_access.require_read(actor, object_type="intel_entity", object_id=entity.pk)
    filters = filters or NetworkFilter()
    depth = max(1, min(int(depth), 4))
    graph = _graph()
    sub = graph.ego(
        entity.node_id,
        depth=depth,
        kinds=set(filters.kinds) or None,
        link_types=set(filters.link_types) or None,
        since=filters.since,
        until=filters.until,
        include_handling_c=intel_access.sees_handling_c(actor),
    )
    view = describe(actor, list(sub.entities), list(sub.links))
    audit.record(
        actor,
        Event.NETWORK_VIEWED,
        object_id=entity.pk,
        purpose=purpose,
        detail={
            "view": "ego",
            "depth": depth,
            "entities": _audit_ids([n["id"] for n in view.entities]),
            "links": _audit_ids([e["id"] for e in view.links]),
        },
    )
    return view


@dataclass
class PathStep:
    entity_label: str
    entity_pk: int
    link: dict[str, Any] | None = None


def paths(actor: Actor, a: Entity, b: Entity, *, max_paths: int = 5) -> list[list[PathStep]]:
    """Shortest paths between two entities, with the evidence on each link."""
    intel_access.require_read(actor)
    graph = _graph()
    found = graph.shortest_paths(
        a.node_id,
        b.node_id,
        max_paths=max_paths,
        include_handling_c=intel_access.sees_handling_c(actor),
    )
    entity_ids = {x for path in found for x in path if x.startswith("e")}
    view = describe(
        actor,
        [graph.entity(x) for x in entity_ids],
        [graph.link(x) for path in found for x in path if x.startswith("l")],
    )
    nodes = {n["id"]: n for n in view.entities}
    edges = {e["id"]: e for e in view.links}
    result: list[list[PathStep]] = []
    for path in found:
        steps: list[PathStep] = []
        for i, x in enumerate(path):
            if x.startswith("e"):
                link = edges.get(path[i + 1]) if i + 1 < len(path) else None
                steps.append(PathStep(nodes[x]["label"], nodes[x]["pk"], link))
        result.append(steps)
    audit.record(
        actor,
        Event.NETWORK_VIEWED,
        object_id=a.pk,
        detail={"view": "paths", "to": b.pk, "entities": sorted(entity_ids)[:MAX_NODES]},
    )
    return result


@dataclass
class KeyEntity:
    pk: int
    label: str
    kind: str
    role: str
    degree: int
    betweenness: float
    community: int


def overview(actor: Actor, *, top: int = 20) -> dict[str, Any]:
    """The whole network's shape: components, communities, key people by degree and
    betweenness, hotspots and co-offending. Only counts and the listed entities are shown."""
    intel_access.require_read(actor)
    graph = _graph()
    communities = graph.communities(seed=0)
    persons = [e.id for e in graph.entities() if e.kind == "person"]
    central = graph.centrality(persons) if persons else {}
    ranked = sorted(central.items(), key=lambda kv: (-kv[1][1], -kv[1][0]))[:top]
    namer = Namer(actor)
    person_ids = _person_ids([graphstore.pk_of(i) for i, _ in ranked])
    key = [
        KeyEntity(
            pk=graphstore.pk_of(node),
            label=namer.graph_label(graph.entity(node), person_ids),
            kind=graph.entity(node).kind,
            role=graph.entity(node).status,
            degree=deg,
            betweenness=btw,
            community=communities.get(node, -1),
        )
        for node, (deg, btw) in ranked
    ]
    sees_c = intel_access.sees_handling_c(actor)
    spots = graph.hotspots(
        window_days=90, min_persons=3, today=timezone.localdate(), include_handling_c=sees_c
    )
    spot_ids = [h.location_id for h in spots]
    co = graph.co_offending(include_handling_c=sees_c)
    co_ids = [x for c in co for x in (c.a, c.b)]
    names = _person_ids([graphstore.pk_of(i) for i in spot_ids + co_ids])
    hotspots = [
        {
            "pk": graphstore.pk_of(h.location_id),
            "label": graph.entity(h.location_id).label,
            "persons": len(h.person_ids),
            "first": h.first,
            "last": h.last,
        }
        for h in spots
    ]
    co_offending = [
        {
            "a_pk": graphstore.pk_of(c.a),
            "a": namer.graph_label(graph.entity(c.a), names),
            "b_pk": graphstore.pk_of(c.b),
            "b": namer.graph_label(graph.entity(c.b), names),
            "shared": len(c.shared_ids),
            "kinds": ", ".join(sorted(set(c.shared_kinds))),
        }
        for c in co
    ]
    result = {
        "components": len(graph.components()),
        "communities": len(set(communities.values())),
        "key": key,
        "hotspots": hotspots,
        "co_offending": co_offending,
        "entities": len(graph),
    }
    audit.record(
        actor,
        Event.NETWORK_VIEWED,
        detail={"view": "overview", "entities": [k.pk for k in key]},
    )
    return result


# --- alerts ------------------------------------------------------------------------------


def alert_list(actor: Actor, *, status: str = AlertStatus.OPEN) -> QuerySet[Alert]:
    intel_access.require_read(actor)
    qs = intel_access.visible_alerts(actor).select_related("subject")
    if status:
        qs = qs.filter(status=status)
    audit.record(actor, Event.ALERT_LISTED, detail={"status": status})
    return qs.order_by("-score", "-raised_at")


def alert_get(actor: Actor, pk: int) -> Alert:
    alert = get_object_or_404(Alert.objects.select_related("subject", "decided_by"), pk=pk)
    intel_access.require_read(actor, object_type="alert", object_id=pk)
    if not intel_access.visible_alerts(actor).filter(pk=pk).exists():
        raise access.refuse(
            actor,
            "This alert rests on handling code C intelligence: only memberships that hold "
            "that category read it.",
            object_type="alert",
            object_id=pk,
        )
    audit.record(actor, Event.ALERT_VIEWED, object_id=pk, person_id=alert.subject.person_id)
    return alert


def alert_path_view(actor: Actor, alert: Alert) -> NetworkView:
    """The entities and links an alert's paths run through, as the actor may see them."""
    graph = _graph()
    ids = {x for path in alert.paths for x in path}
    entities = []
    links = []
    for x in ids:
        try:
            if x.startswith("e"):
                entities.append(graph.entity(x))
            else:
                links.append(graph.link(x))
        except KeyError:
            continue
    if not intel_access.sees_handling_c(actor):
        links = [link for link in links if link.handling != "C"]
    return describe(actor, entities, links)


def charts(actor: Actor) -> QuerySet[SavedChart]:
    intel_access.require_read(actor)
    return (
        SavedChart.objects.filter(owner=actor.user).select_related("start").order_by("-created_at")
    )


def chart_get(actor: Actor, pk: int) -> SavedChart:
    chart = get_object_or_404(SavedChart, pk=pk, owner=actor.user)
    intel_access.require_read(actor)
    audit.record(actor, Event.INTEL_CHART_VIEWED, object_id=pk)
    return chart


@dataclass
class PlanPage:
    plan: DisruptionPlan
    entity: Entity
    actions: list[Action]


def disruption_plan_page(actor: Actor, pk: int) -> PlanPage:
    """A disruption plan with its actions (``actions.Action`` rows from the plan); the
    subject is read through :func:`entity_get` (audited as a network view) and the actions
    list is audited as one."""
    plan = get_object_or_404(
        DisruptionPlan.objects.select_related("subject", "created_by_agency"), pk=pk
    )
    entity = entity_get(actor, plan.subject_id)
    actions = decorate(list(plan_actions(actor, plan.pk)))
    audit.record(
        actor,
        Event.ACTIONS_LISTED,
        detail={"scope": "disruption_plan", "plan": plan.pk, "count": len(actions)},
    )
    return PlanPage(plan=plan, entity=entity, actions=actions)
