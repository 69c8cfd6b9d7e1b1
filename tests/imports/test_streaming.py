"""Imports stream (memory stays bounded) and run in the background worker."""

from __future__ import annotations

import csv
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from lantern.imports import services
from lantern.imports.models import Extract, ExtractStatus, SourceRecord
from lantern.synth.extracts import write_standard_extract
from tests.conftest import Partnership

from .conftest import AGREEMENT, standard_row, write_csv

TEN_MB = 10 * 1024 * 1024


def _upload(path: Path, partnership: Partnership) -> Extract:
    with path.open("rb") as upload:
        return services.extract_create(
            actor=partnership.analyst,
            upload=upload,
            file_name=path.name,
            agency=partnership.police,
            sharing_agreement=AGREEMENT,
        )


@pytest.mark.django_db
def test_a_10_mb_extract_imports_in_bounded_memory(
    tmp_path: Path, partnership: Partnership, settings_imports: Any
) -> None:
    path = tmp_path / "big.csv"
    # Long addresses make a 10 MB file of fewer rows, so the test stays quick; the rows
    # are otherwise the generator's, errors and all.
    write_standard_extract(path, seed=11, rows=28_000)
    padding = ", The Old Ropeworks Industrial Estate, Riverside Quay"
    with (
        path.open(encoding="utf-8", newline="") as source,
        (tmp_path / "ten.csv").open("w", encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out)
        for number, row in enumerate(csv.reader(source)):
            if number:
                row[9] = (row[9] + padding * 5)[:300]  # an address, as long as one may be
            writer.writerow(row)
    path = tmp_path / "ten.csv"
    size = path.stat().st_size
    assert size > TEN_MB * 0.9
    extract = _upload(path, partnership)

    tracemalloc.start()
    try:
        done = services.extract_run(extract_id=extract.pk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert done.status == ExtractStatus.DONE, done.error
    assert done.rows_done == 28_000
    assert SourceRecord.objects.count() == done.rows_created > 27_000
    # Held whole, the file would take several times its size as Python objects; streamed
    # in batches the peak is a small fraction of it, whatever the file's length.
    assert peak < size / 2, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_by_the_database_task_worker(
    tmp_path: Path, partnership: Partnership, settings_imports: Any
) -> None:
    rows = [standard_row(f"NP{i}") for i in range(1, 4)] + [standard_row("BAD", sex="Q")]
    extract = _upload(write_csv(tmp_path / "police.csv", rows), partnership)

    task_id = services.extract_enqueue(actor=partnership.analyst, extract=extract)

    queued = DBTaskResult.objects.get(id=task_id)
    assert queued.task_path == "lantern.imports.tasks.import_extract"
    assert queued.args_kwargs["kwargs"] == {"extract_id": extract.pk}
    extract.refresh_from_db()
    assert (extract.status, extract.task_id) == (ExtractStatus.QUEUED, task_id)

    # What `lantern db_worker --batch` does: take each ready task, run it, record the result.
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()

    finished = DBTaskResult.objects.get(id=task_id)
    assert finished.status == "SUCCESSFUL", finished.traceback
    assert finished.return_value["created"] == 3
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.DONE
    assert (extract.rows_created, extract.rows_quarantined) == (3, 1)
    assert extract.started_at is not None
    assert extract.finished_at is not None
