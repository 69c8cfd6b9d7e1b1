"""Merging two people and taking the merge apart again, exactly.

A merge moves every row that points at the absorbed person to the survivor, whatever app it
belongs to: the tables are found from the model graph (every foreign key to
:class:`~lantern.people.models.Person`), so a new app's person data is merged and unmerged
without a change here. The snapshot says, table by table, which rows moved, which stayed
behind because the survivor already had the same (an NHS number both records carry), and
which rows the survivor had of its own; unmerging moves exactly the moved rows back.

Rows are moved with ``QuerySet.update``: no ``save()``, no signals, no ``updated_at`` change,
so merge then unmerge gives back the data as it was, to the byte (a property test says so).

These are people's primitives (people's app owns who is who); they change data and nothing
else: permission, transactions and the audit log are the caller's (record linkage's merge
and unmerge services, :mod:`lantern.linkage.services`). A table whose rows must not follow a
merge says so with ``stays_on_merge = True``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from lantern.people.models import Person, PersonName

SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class Relation:
    """One foreign key to Person: ``model.field``."""

    model: type[models.Model]
    field: str

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}:{self.field}"

    def rows(self, person_id: int) -> list[int]:
        return sorted(
            self.model._default_manager.filter(**{self.field: person_id}).values_list(
                "pk", flat=True
            )
        )

    def move(self, pks: Iterable[int], *, to: int, only_from: int | None = None) -> int:
        chosen = list(pks)
        if not chosen:
            return 0
        qs = self.model._default_manager.filter(pk__in=chosen)
        if only_from is not None:
            qs = qs.filter(**{self.field: only_from})
        return int(qs.update(**{self.field: to}))


def person_relations() -> list[Relation]:
    """Every table with a foreign key to Person, except a person's own ``merged_into`` and
    tables that say ``stays_on_merge`` (the merge records themselves)."""
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        if rel.many_to_many:
            continue
        field = rel.field  # type: ignore[union-attr]
        model = field.model
        if model is Person or getattr(model, "stays_on_merge", False):
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        found.append(Relation(model=model, field=field.name))
    return sorted(found, key=lambda r: r.key)


def _unique_sets(relation: Relation) -> list[list[str]]:
    """Unconditional unique field sets that include the person field, without it."""
    meta = relation.model._meta
    sets: list[tuple[str, ...]] = [tuple(fields) for fields in meta.unique_together]
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None:
            sets.append(tuple(constraint.fields))
    field = meta.get_field(relation.field)
    if getattr(field, "unique", False):
        sets.append((relation.field,))
    return [
        [f for f in fields if f != relation.field] for fields in sets if relation.field in fields
    ]


def _collisions(relation: Relation, moving: list[int], survivor_id: int) -> set[int]:
    """Rows that cannot move because the survivor already has their twin."""
    blocked: set[int] = set()
    manager = relation.model._default_manager
    for others in _unique_sets(relation):
        if not others:  # one row per person (a one-to-one): the survivor's wins
            if manager.filter(**{relation.field: survivor_id}).exists():
                blocked.update(moving)
            continue
        for row in manager.filter(pk__in=moving).values("pk", *others):
            twin = {name: row[name] for name in others}
            if manager.filter(**{relation.field: survivor_id}, **twin).exists():
                blocked.add(row["pk"])
    return blocked


def merge_rows(survivor_id: int, absorbed_id: int) -> dict[str, Any]:
    """Move everything of ``absorbed`` to ``survivor``; return the snapshot."""
    tables: dict[str, dict[str, list[int]]] = {}
    changed: dict[str, dict[str, dict[str, Any]]] = {}
    for relation in person_relations():
        survivor_rows = relation.rows(survivor_id)
        absorbed_rows = relation.rows(absorbed_id)
        kept = _collisions(relation, absorbed_rows, survivor_id) if absorbed_rows else set()
        moved = [pk for pk in absorbed_rows if pk not in kept]
        if relation.model is PersonName and moved:
            # The survivor keeps its primary name; the absorbed person's becomes another name.
            primary = list(
                PersonName.objects.filter(pk__in=moved, is_primary=True).values_list(
                    "pk", flat=True
                )
            )
            if primary:
                changed[relation.model._meta.label] = {
                    str(pk): {"is_primary": True} for pk in primary
                }
                PersonName.objects.filter(pk__in=primary).update(is_primary=False)
        relation.move(moved, to=survivor_id, only_from=absorbed_id)
        if survivor_rows or absorbed_rows:
            tables[relation.key] = {
                "moved": moved,
                "kept": sorted(kept),
                "survivor": survivor_rows,
            }
    Person.objects.filter(pk=absorbed_id).update(merged_into_id=survivor_id)
    return {"version": SNAPSHOT_VERSION, "tables": tables, "changed": changed}


@dataclass(frozen=True)
class AddedItem:
    """A row on the survivor that neither person had when they were merged."""

    relation: Relation
    pk: int

    @property
    def key(self) -> str:
        return f"{self.relation.key}:{self.pk}"


def added_since(
    survivor_id: int, snapshot: dict[str, Any], other_snapshots: Iterable[dict[str, Any]]
) -> list[AddedItem]:
    """Rows now on the survivor that came neither with it nor with the absorbed person.

    Rows brought in by the survivor's other standing merges are theirs, not new.
    """
    known: dict[str, set[int]] = {}
    for snap in [snapshot, *other_snapshots]:
        for key, entry in snap.get("tables", {}).items():
            bucket = known.setdefault(key, set())
            bucket.update(entry.get("moved", []))
    for key, entry in snapshot.get("tables", {}).items():
        known.setdefault(key, set()).update(entry.get("survivor", []))
    items: list[AddedItem] = []
    for relation in person_relations():
        seen = known.get(relation.key, set())
        items.extend(
            AddedItem(relation=relation, pk=pk)
            for pk in relation.rows(survivor_id)
            if pk not in seen
        )
    return items


def unmerge_rows(
    survivor_id: int,
    absorbed_id: int,
    snapshot: dict[str, Any],
    *,
    to_absorbed: Iterable[AddedItem] = (),
) -> dict[str, int]:
    """Put back what the merge moved, restore what it changed, move chosen new rows."""
    relations = {relation.key: relation for relation in person_relations()}
    returned: dict[str, int] = {}
    for key, entry in snapshot.get("tables", {}).items():
        relation = relations.get(key)
        if relation is None:  # an app removed since: nothing of it to put back
            continue
        count = relation.move(entry.get("moved", []), to=absorbed_id, only_from=survivor_id)
        if count:
            returned[key] = count
    for label, rows in snapshot.get("changed", {}).items():
        model = _model(label)
        for pk, values in rows.items():
            model._default_manager.filter(pk=int(pk)).update(**values)
    for item in to_absorbed:
        item.relation.move([item.pk], to=absorbed_id, only_from=survivor_id)
    Person.objects.filter(pk=absorbed_id).update(merged_into_id=None)
    return returned


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)
