"""Screening instruments: loading a version (checked, stored immutably, made current) and choosing
the one in use for a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.datafiles import Problem
from lantern.core.events import Event
from lantern.core.normalisers import age_on
from lantern.core.vocab import vocabulary
from lantern.people.models import ADULT_AGE, Person
from lantern.screening import access as screening_access
from lantern.screening.instruments import (
    InstrumentError,
    parse_instrument,
)
from lantern.screening.models import (
    Audience,
    Instrument,
    InstrumentVersion,
)

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class LoadResult:
    version: InstrumentVersion
    created: bool
    activated: bool


def chronology_event_types() -> set[str]:
    return {term.code for term in vocabulary("cases", "event_types").terms}


def instrument_load(
    *, actor: Actor | None, text: str, source: str = "", activate: bool = True
) -> LoadResult:
    """Load an instrument file: all of it, or (with every problem listed) none of it.

    A version, once loaded, never changes: loading the same version again with the same
    content does nothing; with different content it is refused. ``activate`` makes it the
    instrument in use for its audience. ``actor`` is None only for the operator's CLI.
    """
    if actor is not None:
        access.check(
            actor,
            screening_access.may_manage_instruments(actor),
            "load screening instruments",
            object_type="instrument",
        )
    parsed = parse_instrument(text, source=source, event_types=chronology_event_types())
    data = parsed.data
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().filter(code=parsed.code).first()
        if instrument is not None and instrument.audience != data["audience"]:
            raise InstrumentError(
                [
                    Problem(
                        None,
                        "audience",
                        f"'{parsed.code}' is an instrument for "
                        f"{instrument.audience}; a new version cannot change its audience",
                    )
                ],
                source=source,
            )
        if instrument is None:
            instrument = Instrument.objects.create(
                code=parsed.code, audience=data["audience"], name=data["name"]
            )
        existing = instrument.versions.filter(version=parsed.version).first()
        if existing is not None:
            if existing.definition != data:
                raise InstrumentError(
                    [
                        Problem(
                            None,
                            "version",
                            f"version {parsed.version} of {parsed.code} is "
                            "already loaded with different content; give this file a new version",
                        )
                    ],
                    source=source,
                )
            return LoadResult(version=existing, created=False, activated=False)
        version = InstrumentVersion.objects.create(
            instrument=instrument,
            version=parsed.version,
            name=data["name"],
            definition=data,
            source_text=text,
            sha256=parsed.sha256,
            source=source[:300],
            loaded_by=actor.user if actor else None,
        )
        if activate:
            Instrument.objects.filter(audience=instrument.audience, in_use=True).exclude(
                pk=instrument.pk
            ).update(in_use=False)
            instrument.in_use = True
            instrument.current_version = version
        instrument.name = data["name"]
        instrument.save()
        audit.record(
            actor,
            Event.INSTRUMENT_LOADED,
            object_id=version.pk,
            detail={
                "instrument": parsed.code,
                "version": parsed.version,
                "sha256": parsed.sha256,
                "activated": activate,
                "source": source[:200],
            },
            username="" if actor else "lantern instruments",
            channel="" if actor else "cli",
        )
    return LoadResult(version=version, created=True, activated=activate)


def instrument_in_use(audience: str) -> InstrumentVersion | None:
    instrument = (
        Instrument.objects.select_related("current_version")
        .filter(audience=audience, in_use=True)
        .first()
    )
    return instrument.current_version if instrument else None


def audience_on(person: Person, on: date) -> str:
    """Children's instrument until the 18th birthday, adults' from it; '' if age unknown."""
    if person.date_of_birth is None:
        return ""
    return Audience.ADULTS if age_on(person.date_of_birth, on) >= ADULT_AGE else Audience.CHILDREN


def instrument_for(person: Person, on: date, *, audience: str = "") -> InstrumentVersion | None:
    """The instrument version to screen this person with on this date (by age on it).

    ``audience`` is used only when the date of birth is not known.
    """
    chosen = audience_on(person, on) or audience or Audience.CHILDREN
    return instrument_in_use(chosen)
