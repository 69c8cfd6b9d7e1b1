"""The only writers of learning: case studies (written, changed, approved by a second
person) and imported learning packs. Each checks its rule first, changes data in one
transaction and records the audit event in it."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from lantern.core import audit
from lantern.core.access import Actor
from lantern.core.errors import ConflictError, DomainError, InvalidError
from lantern.core.events import Event, ObjectType
from lantern.core.limits import MAX_TEXT
from lantern.learning import access
from lantern.learning import pack as packs
from lantern.learning.models import CaseStudy, CaseStudyStatus, ImportedPack

MAX_THEMES = 10


def _clean_themes(themes: list[str]) -> list[str]:
    seen: list[str] = []
    for raw in themes:
        value = " ".join(str(raw).split())[:100]
        if value and value not in seen:
            seen.append(value)
    return seen[:MAX_THEMES]


def _check_text(title: str, summary: str, learning: str) -> tuple[str, str, str]:
    title, summary, learning = " ".join(title.split()), summary.strip(), learning.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["Give the case study a title"]
    elif len(title) > 200:
        errors["title"] = ["Keep the title to 200 characters or fewer"]
    for name, value, what in (
        ("summary", summary, "what happened"),
        ("learning", learning, "what was learned"),
    ):
        if not value:
            errors[name] = [f"Say {what}"]
        elif len(value) > MAX_TEXT:
            errors[name] = [f"Keep it to {MAX_TEXT} characters or fewer"]
    if errors:
        raise InvalidError(errors)
    return title, summary, learning


def case_study_write(
    *, actor: Actor, title: str, summary: str, learning: str, themes: list[str] | None = None
) -> CaseStudy:
    """A practitioner writes an anonymised case study; it waits for a second person's
    approval before anything of it can leave the hub."""
    access.require(actor, access.case_study_write, "write case studies", ObjectType.CASE_STUDY)
    title, summary, learning = _check_text(title, summary, learning)
    with transaction.atomic():
        study = CaseStudy.objects.create(
            title=title,
            summary=summary,
            learning=learning,
            themes=_clean_themes(themes or []),
            author=actor.user,
            author_agency=actor.agency,
        )
        audit.record(actor, Event.CASE_STUDY_WRITTEN, object_id=study.pk)
    return study


def case_study_change(
    *,
    actor: Actor,
    study: CaseStudy,
    title: str,
    summary: str,
    learning: str,
    themes: list[str] | None = None,
) -> CaseStudy:
    """Change a case study's text. An approved one goes back to waiting: approval covers
    exactly the text that was approved."""
    access.require(actor, access.case_study_write, "change case studies", ObjectType.CASE_STUDY)
    title, summary, learning = _check_text(title, summary, learning)
    with transaction.atomic():
        study.title, study.summary, study.learning = title, summary, learning
        study.themes = _clean_themes(themes or [])
        was_approved = study.status == CaseStudyStatus.APPROVED
        if study.text_sha256() != study.approved_sha256:
            study.status = CaseStudyStatus.AWAITING
            study.approved_by, study.approved_at, study.approved_sha256 = None, None, ""
        study.save()
        audit.record(
            actor,
            Event.CASE_STUDY_CHANGED,
            object_id=study.pk,
            detail={"approval_withdrawn": was_approved and study.status != "approved"},
        )
    return study


def case_study_approve(*, actor: Actor, study: CaseStudy) -> CaseStudy:
    """A hub manager who did not write it approves a case study for release."""
    access.require(
        actor,
        access.case_study_approve,
        "approve case studies for release",
        ObjectType.CASE_STUDY,
    )
    if study.author_id == actor.user.pk:
        raise DomainError(
            "You wrote this case study: a second person must approve it before release.",
            field="approval",
        )
    if study.status == CaseStudyStatus.APPROVED and study.is_released:
        raise ConflictError("This case study is already approved")
    with transaction.atomic():
        study.status = CaseStudyStatus.APPROVED
        study.approved_by = actor.user
        study.approved_at = timezone.now()
        study.approved_sha256 = study.text_sha256()
        study.save()
        audit.record(
            actor,
            Event.CASE_STUDY_APPROVED,
            object_id=study.pk,
            detail={"sha256": study.approved_sha256},
        )
    return study


def pack_import(*, actor: Actor, raw: bytes | str, source_name: str = "") -> ImportedPack:
    """Import another area's learning pack: validated against the published schema first;
    a bad pack is refused with every problem and nothing is stored."""
    access.require(
        actor, access.learning_pack_import, "import learning packs", ObjectType.LEARNING_PACK
    )
    try:
        content = packs.parse(raw)
    except packs.PackError as exc:
        raise InvalidError({"pack": exc.problems}) from exc
    body = raw.encode("utf-8") if isinstance(raw, str) else raw
    digest = hashlib.sha256(body).hexdigest()
    existing = ImportedPack.objects.filter(sha256=digest).first()
    if existing is not None:
        raise ConflictError(
            f"This pack ({existing.area_name}, {existing.period}) is already imported",
            field="pack",
        )
    with transaction.atomic():
        imported = ImportedPack.objects.create(
            area_name=content["area"]["name"],
            area_code=content["area"]["code"],
            period=content["period"]["key"],
            format_version=content["format_version"],
            content=content,
            sha256=digest,
            imported_by=actor.user,
        )
        audit.record(
            actor,
            Event.LEARNING_PACK_IMPORTED,
            object_id=imported.pk,
            detail={
                "area": imported.area_code,
                "period": imported.period,
                "sha256": digest,
                "file": source_name[:200],
            },
        )
    return imported


def pack_remove(*, actor: Actor, pack: ImportedPack) -> None:
    """Remove another area's imported pack (it holds only that area's published figures,
    no person's record). The audit entry keeps which pack it was, by area, quarter and
    digest, so the same file can be imported again and recognised."""
    access.require(
        actor, access.learning_pack_import, "remove learning packs", ObjectType.LEARNING_PACK
    )
    with transaction.atomic():
        removed = ImportedPack.objects.select_for_update().filter(pk=pack.pk).first()
        if removed is None:
            raise ConflictError("This pack has already been removed", field="pack")
        detail = {
            "area": removed.area_code,
            "area_name": removed.area_name,
            "period": removed.period,
            "sha256": removed.sha256,
            "imported_at": removed.imported_at.isoformat(),
        }
        removed.delete()
        audit.record(actor, Event.LEARNING_PACK_REMOVED, object_id=pack.pk, detail=detail)
