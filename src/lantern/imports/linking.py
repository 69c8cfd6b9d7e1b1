"""What an import tells the app that links records to people.

``imports`` sits below ``linkage``, so it does not import it: linkage registers its hooks
here in its ``AppConfig.ready`` (:func:`register`, with :mod:`lantern.linkage.hooks`), and the
import calls :func:`linker`. An import with no linker registered is a configuration error,
reported as one, never a silent skip.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class Linker(Protocol):
    def records_imported(self, *, extract_id: int, record_ids: list[int]) -> None:
        """An extract created or changed these source records: link them."""

    def records_withdrawn(self, *, record_ids: list[int]) -> None:
        """These records were withdrawn: detach them, and what came from them, from people.
        Runs inside the withdrawal's transaction."""


_linker: Linker | None = None


def register(linker: Linker) -> None:
    global _linker  # noqa: PLW0603 - the one registration, made once at start-up
    _linker = linker


def linker() -> Linker:
    if _linker is None:
        raise ImproperlyConfigured(
            "No app links imported records to people: lantern.linkage registers one when "
            "it is in INSTALLED_APPS"
        )
    return _linker
