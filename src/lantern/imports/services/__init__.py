"""Writes for agency extracts: profiles, uploads, the import itself, quarantine, withdrawal.

Each operation checks permission first (before any transaction, so a refusal's audit entry
is kept), changes data in a transaction and records its audit event in that transaction.

The import (:func:`extract_run`) streams the file in batches of at most :data:`BATCH_SIZE`
rows and :data:`BATCH_BYTES` of text (so memory is bounded by the batch, never the file), each
batch in its own transaction: a row either becomes a :class:`SourceRecord` (created, updated
with its earlier values kept as a :class:`SourceRecordRevision`, or found unchanged) or a
:class:`QuarantinedRow` with the reason for each refused field. It never creates people:
when it has finished it tells linkage which records are new or changed
(:mod:`lantern.imports.linking`, where linkage registers its hooks), and linkage decides
who they are.

One module per job:

- :mod:`.profiles` – mapping profiles: loading a profile (a new version when its content
  changes) and the mapping an extract is read with.
- :mod:`.uploads` – uploading an extract: the file stored and checked, the extract recorded with
  its sharing basis, the import queued.
- :mod:`.running` – the import itself: rows read in batches, checked with the core normalisers,
  records upserted with revisions, bad rows quarantined, linkage told.
- :mod:`.quarantine` – quarantined rows: fixed and resubmitted, or discarded with a reason.
- :mod:`.withdrawal` – withdrawing an extract: what only it supplied withdrawn, earlier versions
  restored, linkage told.

Callers use ``lantern.imports.services`` as one facade: every name is re-exported here.
"""

from __future__ import annotations

from lantern.imports.services.profiles import (
    ProfileLoaded as ProfileLoaded,
)
from lantern.imports.services.profiles import (
    mapping_for as mapping_for,
)
from lantern.imports.services.profiles import (
    profile_load as profile_load,
)
from lantern.imports.services.quarantine import (
    _open_row as _open_row,
)
from lantern.imports.services.quarantine import (
    quarantine_discard as quarantine_discard,
)
from lantern.imports.services.quarantine import (
    quarantine_resubmit as quarantine_resubmit,
)
from lantern.imports.services.running import (
    _RECORD_COLUMNS as _RECORD_COLUMNS,
)
from lantern.imports.services.running import (
    _RECORD_KEYS as _RECORD_KEYS,
)
from lantern.imports.services.running import (
    _RECORD_UPDATES as _RECORD_UPDATES,
)
from lantern.imports.services.running import (
    _UPSERT_FIELDS as _UPSERT_FIELDS,
)
from lantern.imports.services.running import (
    BATCH_BYTES as BATCH_BYTES,
)
from lantern.imports.services.running import (
    BATCH_SIZE as BATCH_SIZE,
)
from lantern.imports.services.running import (
    IMPORTS_SERVICE as IMPORTS_SERVICE,
)
from lantern.imports.services.running import (
    TRACKED_FIELDS as TRACKED_FIELDS,
)
from lantern.imports.services.running import (
    WARNING_ROWS_KEPT as WARNING_ROWS_KEPT,
)
from lantern.imports.services.running import (
    BatchResult as BatchResult,
)
from lantern.imports.services.running import (
    ProgressCallback as ProgressCallback,
)
from lantern.imports.services.running import (
    _apply_batch as _apply_batch,
)
from lantern.imports.services.running import (
    _batches as _batches,
)
from lantern.imports.services.running import (
    _Candidate as _Candidate,
)
from lantern.imports.services.running import (
    _duplicate as _duplicate,
)
from lantern.imports.services.running import (
    _fail as _fail,
)
from lantern.imports.services.running import (
    _import_batch as _import_batch,
)
from lantern.imports.services.running import (
    _import_rows as _import_rows,
)
from lantern.imports.services.running import (
    _notify_linkage as _notify_linkage,
)
from lantern.imports.services.running import (
    _records_imported as _records_imported,
)
from lantern.imports.services.running import (
    _runner_actor as _runner_actor,
)
from lantern.imports.services.running import (
    _same as _same,
)
from lantern.imports.services.running import (
    _snapshot as _snapshot,
)
from lantern.imports.services.running import (
    _Warnings as _Warnings,
)
from lantern.imports.services.running import (
    checker_for as checker_for,
)
from lantern.imports.services.running import (
    extract_run as extract_run,
)
from lantern.imports.services.running import (
    logger as logger,
)
from lantern.imports.services.uploads import (
    _SOURCE as _SOURCE,
)
from lantern.imports.services.uploads import (
    _check_header as _check_header,
)
from lantern.imports.services.uploads import (
    _prepend as _prepend,
)
from lantern.imports.services.uploads import (
    _Prepended as _Prepended,
)
from lantern.imports.services.uploads import (
    _store_checked as _store_checked,
)
from lantern.imports.services.uploads import (
    _store_upload as _store_upload,
)
from lantern.imports.services.uploads import (
    extract_create as extract_create,
)
from lantern.imports.services.uploads import (
    extract_enqueue as extract_enqueue,
)
from lantern.imports.services.uploads import (
    import_dir as import_dir,
)
from lantern.imports.services.withdrawal import (
    Withdrawal as Withdrawal,
)
from lantern.imports.services.withdrawal import (
    _chunks as _chunks,
)
from lantern.imports.services.withdrawal import (
    _records_withdrawn as _records_withdrawn,
)
from lantern.imports.services.withdrawal import (
    _restore_version as _restore_version,
)
from lantern.imports.services.withdrawal import (
    _withdraw_records as _withdraw_records,
)
from lantern.imports.services.withdrawal import (
    extract_withdraw as extract_withdraw,
)
