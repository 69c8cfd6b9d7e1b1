"""Every read of learning: each checks its rule and is audited. Nothing returned here names
a person: the learning set is k-anonymous, its figures suppressed, and a case study's text
is shown before release only inside the hub."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import timezone

from lantern.core import audit
from lantern.core.access import Actor
from lantern.core.errors import DomainError
from lantern.core.events import Event, ObjectType
from lantern.learning import access, anonymity, learningset
from lantern.learning import pack as packs
from lantern.learning.models import CaseStudy, CaseStudyStatus, ImportedPack
from lantern.reporting.periods import quarter, quarter_of
from lantern.reporting.publishing import policy


def _require_set(actor: Actor) -> None:
    access.require(
        actor,
        access.learning_set_read,
        "see the perpetrator learning set",
        ObjectType.LEARNING_SET,
    )


@dataclass
class Overview:
    """The board's view of the learning set: suppressed figures, or why they are withheld."""

    tables: list[dict[str, Any]]
    level: anonymity.Level | None
    refused: str = ""
    case_studies: list[CaseStudy] = field(default_factory=list)


def overview(actor: Actor) -> Overview:
    """The learning set's aggregate figures (suppressed) and the released case studies."""
    _require_set(actor)
    found = learningset.facts(today=timezone.localdate())
    try:
        level: anonymity.Level | None = anonymity.choose_level(found)
        tables, refused = learningset.published(found, policy()), ""
    except anonymity.KAnonymityError as exc:
        level, tables, refused = None, [], str(exc)
    audit.record(
        actor,
        Event.LEARNING_SET_VIEWED,
        detail={"level": level.number if level else None, "withheld": bool(refused)},
    )
    return Overview(
        tables=tables, level=level, refused=refused, case_studies=packs.released_case_studies()
    )


def learning_set_export(actor: Actor, fmt: str = "csv") -> anonymity.LearningSet:
    """The anonymised learning set, one row per person of concern, k-anonymous or refused
    (:class:`DomainError` with the reason). The download is audited as an export."""
    _require_set(actor)
    try:
        found = anonymity.anonymise(learningset.facts(today=timezone.localdate()))
    except anonymity.KAnonymityError as exc:
        raise DomainError(str(exc)) from exc
    audit.record(
        actor,
        Event.LEARNING_SET_EXPORTED,
        detail={"format": fmt, "rows": len(found.rows), "level": found.level.number},
    )
    return found


# --- case studies -------------------------------------------------------------------------


def case_studies(actor: Actor) -> list[CaseStudy]:
    access.require(
        actor, access.case_study_write, "read case studies before release", ObjectType.CASE_STUDY
    )
    audit.record(actor, Event.CASE_STUDIES_LISTED)
    return list(CaseStudy.objects.select_related("author", "approved_by", "author_agency"))


def case_study_get(actor: Actor, pk: int, *, audit_read: bool = True) -> CaseStudy:
    access.require(
        actor, access.case_study_write, "read case studies before release", ObjectType.CASE_STUDY
    )
    study = CaseStudy.objects.filter(pk=pk).select_related("author", "approved_by").first()
    if study is None:
        raise Http404("No such case study")
    if audit_read:
        audit.record(actor, Event.CASE_STUDY_VIEWED, object_id=pk)
    return study


def awaiting_count() -> int:
    return CaseStudy.objects.filter(status=CaseStudyStatus.AWAITING).count()


# --- packs ----------------------------------------------------------------------------------


def _require_pack(actor: Actor) -> None:
    access.require(
        actor,
        access.learning_pack_read,
        "see or export learning packs",
        ObjectType.LEARNING_PACK,
    )


def pack_export(actor: Actor, period_key: str | None, fmt: str = "json") -> packs.Built:
    """This area's learning pack for a quarter (the current one by default), audited as
    an export with the case studies it released."""
    _require_pack(actor)
    period = quarter(period_key) if period_key else quarter_of(timezone.localdate())
    built = packs.build(period.key)
    audit.record(
        actor,
        Event.LEARNING_PACK_EXPORTED,
        object_id=period.key,
        detail={
            "format": fmt,
            "case_studies": built.case_studies,
            "learning_set": built.content["learning_set"]["status"],
        },
    )
    return built


def imported_pack_to_remove(actor: Actor, pk: int) -> ImportedPack:
    """An imported pack, for the one who may remove it (the refusal is audited first)."""
    access.require(
        actor,
        access.learning_pack_import,
        "remove learning packs",
        ObjectType.LEARNING_PACK,
    )
    found = ImportedPack.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such learning pack")
    return found


def imported_packs(actor: Actor) -> list[ImportedPack]:
    _require_pack(actor)
    return list(ImportedPack.objects.select_related("imported_by"))


@dataclass
class ComparedRow:
    label: str
    cells: list[tuple[str, str]]
    total: tuple[str, str]


@dataclass
class ComparedTable:
    key: str
    title: str
    comparable: bool
    why_not: str
    col_labels: list[str]
    rows: list[ComparedRow]


@dataclass
class Comparison:
    theirs: ImportedPack
    ours_period: str
    tables: list[ComparedTable]
    their_case_studies: list[dict[str, Any]]
    their_themes: list[dict[str, Any]]
    their_approaches: list[dict[str, Any]]


def _compare(mine: dict[str, Any] | None, theirs: dict[str, Any]) -> ComparedTable:
    if mine is None:
        return ComparedTable(
            theirs["key"], theirs["title"], False, "We publish no table like this one.", [], []
        )
    if mine["row_labels"] != theirs["row_labels"] or mine["col_labels"] != theirs["col_labels"]:
        return ComparedTable(
            theirs["key"],
            theirs["title"],
            False,
            "Their rows or columns differ from ours, so the figures are not like for like.",
            [],
            [],
        )
    rows = [
        ComparedRow(
            label,
            list(zip(mine["cells"][i], theirs["cells"][i], strict=True)),
            (mine["row_totals"][i], theirs["row_totals"][i]),
        )
        for i, label in enumerate(theirs["row_labels"])
    ]
    rows.append(
        ComparedRow(
            "Total",
            list(zip(mine["col_totals"], theirs["col_totals"], strict=True)),
            (mine["total"], theirs["total"]),
        )
    )
    why = ""
    if mine["policy"] != theirs["policy"]:
        why = (
            f"We suppress {mine['policy']}-style and they {theirs['policy']}-style: a hidden "
            "count is marked differently."
        )
    return ComparedTable(theirs["key"], theirs["title"], True, why, theirs["col_labels"], rows)


def comparison(actor: Actor, pk: int) -> Comparison:
    """Another area's pack beside ours for the same quarter, table by table, like for like:
    a table is compared only when its rows and columns are the same as ours."""
    _require_pack(actor)
    theirs = ImportedPack.objects.filter(pk=pk).first()
    if theirs is None:
        raise Http404("No such learning pack")
    ours = packs.build(theirs.period).content
    mine = {t["key"]: t for t in ours["figures"] + ours["perpetrator_learning"]}
    content = theirs.content
    tables = [
        _compare(mine.get(t["key"]), t)
        for t in content["figures"] + content["perpetrator_learning"]
    ]
    audit.record(
        actor,
        Event.LEARNING_PACK_VIEWED,
        object_id=pk,
        detail={"area": theirs.area_code, "period": theirs.period},
    )
    return Comparison(
        theirs=theirs,
        ours_period=ours["period"]["key"],
        tables=tables,
        their_case_studies=list(content["case_studies"]),
        their_themes=list(content["themes"]),
        their_approaches=list(content["disruption_approaches"]),
    )
