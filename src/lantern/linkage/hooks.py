"""What the import tells linkage (registered with ``lantern.imports.linking`` in ``ready``).

- :func:`records_imported`: an extract created or changed these source records; link them.
  Queues an incremental run for ``lantern db_worker`` and returns at once.
- :func:`records_withdrawn`: these records were withdrawn; detach them, and everything
  derived from them, from their people. Runs inside the import's withdrawal transaction.
"""

from __future__ import annotations

from lantern.linkage import services


def records_imported(*, extract_id: int, record_ids: list[int]) -> None:
    services.records_imported(extract_id=extract_id, record_ids=record_ids)


def records_withdrawn(*, record_ids: list[int]) -> None:
    services.records_withdraw(record_ids=record_ids)
