"""Writes for risk screening: loading instruments and recording screenings.

Each function checks permission through :mod:`lantern.core.access` before its transaction (so
a refusal's audit entry survives), changes data in one transaction and records its audit
event in the same transaction.

One module per job:

- :mod:`.instruments` – screening instruments: loading a version (checked, stored immutably,
  made current) and choosing the one in use for a person.
- :mod:`.screenings` – screenings: recording one (answers, the computed level and the
  practitioner's judgement, capacity, the person's own words), and the status that follows.

Callers use ``lantern.screening.services`` as one facade: every name is re-exported here.
"""

from __future__ import annotations

from lantern.screening.services.instruments import (
    LoadResult as LoadResult,
)
from lantern.screening.services.instruments import (
    audience_on as audience_on,
)
from lantern.screening.services.instruments import (
    chronology_event_types as chronology_event_types,
)
from lantern.screening.services.instruments import (
    instrument_for as instrument_for,
)
from lantern.screening.services.instruments import (
    instrument_in_use as instrument_in_use,
)
from lantern.screening.services.instruments import (
    instrument_load as instrument_load,
)
from lantern.screening.services.screenings import (
    CapacityInput as CapacityInput,
)
from lantern.screening.services.screenings import (
    _check_subject as _check_subject,
)
from lantern.screening.services.screenings import (
    _validate_answers as _validate_answers,
)
from lantern.screening.services.screenings import (
    _validate_capacity as _validate_capacity,
)
from lantern.screening.services.screenings import (
    _validate_judgement as _validate_judgement,
)
from lantern.screening.services.screenings import (
    screening_record as screening_record,
)
