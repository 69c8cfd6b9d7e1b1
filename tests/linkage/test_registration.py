"""Linkage registers its hooks with imports at start-up; an import never skips linkage silently."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from lantern.imports import linking
from lantern.linkage import hooks


def test_linkage_registers_its_hooks_with_imports() -> None:
    assert linking.linker() is hooks


def test_with_no_linker_registered_an_import_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linking, "_linker", None)
    with pytest.raises(ImproperlyConfigured, match="No app links imported records"):
        linking.linker()
