"""Exports of part of the network: GraphML, and the entity and link CSV files that i2
Analyst's Notebook imports (docs/intelligence.md gives the columns).

What is exported is exactly what the actor may see (handling code C left out unless the
membership holds it, persons at risk unnamed unless the actor may read them), and every
export is audited with the entities and links it held.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile

import igraph
from django.http import Http404, HttpResponse

from lantern.core import audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.core.exports import csv_writer
from lantern.intelligence import queries
from lantern.intelligence.models import Entity

I2_ENTITY_COLUMNS = ["Identity", "Entity Type", "Label", "Subtype", "Role", "Risk Level"]
I2_LINK_COLUMNS = [
    "Link ID",
    "From Identity",
    "To Identity",
    "Link Type",
    "Date",
    "Date To",
    "Source Agency",
    "Source Evaluation",
    "Intelligence Assessment",
    "Handling Code",
]


def graphml_bytes(view: queries.NetworkView) -> bytes:
    """The view as GraphML (igraph writes it; igraph and networkx read it back)."""
    graph = igraph.Graph(directed=False)
    graph.add_vertices(len(view.entities))
    index = {node["id"]: i for i, node in enumerate(view.entities)}
    # GraphML gives every node and edge an ``id`` of its own: ours go in as entity_id/link_id.
    graph.vs["entity_id"] = [node["id"] for node in view.entities]
    for attr in ("kind", "label", "subtype", "role", "risk"):
        graph.vs[attr] = [str(node.get(attr, "")) for node in view.entities]
    graph.add_edges([(index[e["source"]], index[e["target"]]) for e in view.links])
    graph.es["link_id"] = [e["id"] for e in view.links]
    for attr in ("type", "label", "date", "date_to", "agency", "grading"):
        graph.es[attr] = [str(e.get(attr, "")) for e in view.links]
    handle, path = tempfile.mkstemp(suffix=".graphml")
    os.close(handle)
    try:
        graph.write_graphml(path)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


def i2_csv(view: queries.NetworkView) -> tuple[str, str]:
    entities, links = io.StringIO(), io.StringIO()
    w = csv_writer(entities)
    w.writerow(I2_ENTITY_COLUMNS)
    for node in view.entities:
        w.writerow(
            [node["id"], node["kind"], node["label"], node["subtype"], node["role"], node["risk"]]
        )
    w = csv_writer(links)
    w.writerow(I2_LINK_COLUMNS)
    for e in view.links:
        grading = e["grading"]
        w.writerow(
            [
                e["id"],
                e["source"],
                e["target"],
                e["label"],
                e["date"],
                e["date_to"],
                e["agency"],
                grading[:1],
                grading[1:2],
                grading[2:3],
            ]
        )
    return entities.getvalue(), links.getvalue()


def export_response(
    actor: Actor, entity: Entity, *, depth: int, filters: queries.NetworkFilter, fmt: str
) -> HttpResponse:
    if fmt not in ("graphml", "i2"):
        raise Http404("No such export format")
    view = queries.ego(actor, entity, depth=depth, filters=filters, purpose=f"export {fmt}")
    audit.record(
        actor,
        Event.NETWORK_EXPORTED,
        object_id=entity.pk,
        detail={
            "format": fmt,
            "entities": [n["id"] for n in view.entities][: queries.MAX_NODES],
            "links": [e["id"] for e in view.links][: queries.MAX_NODES],
        },
    )
    name = f"lantern-network-{entity.pk}"
    if fmt == "graphml":
        response = HttpResponse(graphml_bytes(view), content_type="application/graphml+xml")
        response["Content-Disposition"] = f'attachment; filename="{name}.graphml"'
        return response
    ents, links = i2_csv(view)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("entities.csv", ents)
        z.writestr("links.csv", links)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}-i2.zip"'
    return response
