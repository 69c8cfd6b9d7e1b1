"""Mapping profiles: loading a profile (a new version when its content changes) and the mapping an
extract is read with.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from lantern.agencies.models import Agency
from lantern.core import access, audit
from lantern.core.access import Actor
from lantern.core.events import Event
from lantern.imports import access as imports_access
from lantern.imports import profiles
from lantern.imports.models import (
    MappingProfile,
)
from lantern.imports.rows import Mapping


@dataclass(frozen=True)
class ProfileLoaded:
    profile: MappingProfile
    created: bool


def profile_load(*, actor: Actor, text: str) -> ProfileLoaded:
    """Validate a profile and store it as the next version of its name.

    Loading a definition identical to the latest version stores nothing new. Raises
    :class:`~lantern.imports.profiles.ProfileError` listing each problem with its line.
    """
    access.check(actor, imports_access.may_import(actor), "load mapping profiles")
    known = set(Agency.objects.values_list("code", flat=True))
    definition = profiles.parse_profile(text, known_agencies=known)
    name = definition["profile"]
    with transaction.atomic():
        latest = MappingProfile.objects.filter(name=name).order_by("-version").first()
        if latest is not None and latest.definition == definition:
            return ProfileLoaded(profile=latest, created=False)
        profile = MappingProfile.objects.create(
            name=name,
            version=(latest.version + 1) if latest else 1,
            description=definition.get("description", ""),
            definition=definition,
            source_text=text,
            created_by=actor.user,
        )
        audit.record(
            actor,
            Event.MAPPING_PROFILE_LOADED,
            object_id=profile.pk,
            detail={"name": name, "version": profile.version},
        )
    return ProfileLoaded(profile=profile, created=True)


def mapping_for(profile: MappingProfile | None) -> Mapping:
    return Mapping.from_definition(profile.definition) if profile else Mapping()
