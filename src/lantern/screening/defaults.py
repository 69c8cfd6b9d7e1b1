"""The default instruments shipped with Lantern, loaded after every ``migrate``.

Loading is idempotent (a version already loaded with the same content is left alone). A new
default version is put in use only while the area still uses Lantern's default for that
audience: an instrument the area loaded itself is never replaced.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from lantern.screening.instruments import DEFAULT_FILES, parse_instrument


def load_default_instruments(
    sender: Any = None, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    from lantern.screening.models import Instrument, InstrumentVersion
    from lantern.screening.services import instrument_load

    if using != DEFAULT_DB_ALIAS:
        return
    tables = set(connections[using].introspection.table_names())
    if not {Instrument._meta.db_table, InstrumentVersion._meta.db_table} <= tables:
        return  # migrated backwards past the screening tables
    for path in DEFAULT_FILES:
        text = path.read_text(encoding="utf-8")
        parsed = parse_instrument(text, source=path.name)
        in_use = Instrument.objects.filter(audience=parsed.data["audience"], in_use=True).first()
        activate = in_use is None or in_use.code == parsed.code
        if in_use is not None and in_use.code == parsed.code:
            activate = not in_use.versions.filter(version=parsed.version).exists()
        instrument_load(actor=None, text=text, source=f"default: {path.name}", activate=activate)
