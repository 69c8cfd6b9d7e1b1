"""The same model on Apache Spark (Splink's Spark backend, in local mode) as on DuckDB.

The model is trained once on DuckDB; the Spark runs rebuild its settings in Spark SQL
(:func:`lantern.linkage.engine.settings_for`) and use Splink's jar for the string-similarity
functions. One small JVM serves the whole module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from lantern.imports.models import SourceRecord
from lantern.linkage import engine, features, files
from tests.conftest import Partnership
from tests.linkage.helpers import add_record, extract_for, install_model
from tests.linkage.standard import (
    StandardInput,
    partition,
    read_clusters,
    valid_nhs_numbers,
    write_standard_input,
)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """Spark in local mode on one core, with one partition per shuffle (the data is small)."""
    session = engine.spark_session(master="local[1]", partitions=1, driver_memory="1g")
    yield session
    engine.stop_spark_session()


@pytest.fixture(scope="module")
def standard_input(tmp_path_factory: pytest.TempPathFactory) -> StandardInput:
    return write_standard_input(tmp_path_factory.mktemp("spark"))


@pytest.fixture(scope="module")
def model_file(standard_input: StandardInput, tmp_path_factory: pytest.TempPathFactory) -> Path:
    prepared = features.prepare(files.read_standard(standard_input.path))
    model = engine.train(engine.make_api("duckdb"), prepared, "lantern")
    path = tmp_path_factory.mktemp("model") / "model.json"
    path.write_text(json.dumps(model.settings), encoding="utf-8")
    return path


@pytest.fixture
def backend_setting(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("LANTERN_LINKAGE_BACKEND", raising=False)
    return settings


def link(*args: str) -> str:
    out = StringIO()
    call_command("link", *args, stdout=out)
    return out.getvalue()


def rule_counts(said: str) -> str:
    """The command's table of how many pairs each blocking rule made."""
    return said.split("Pairs made by each blocking rule:")[1].split("Time:", maxsplit=1)[0]


def test_a_file_deduped_on_spark_gives_the_same_clusters_as_on_duckdb(
    spark: Any,
    standard_input: StandardInput,
    model_file: Path,
    backend_setting: Any,
    tmp_path: Path,
) -> None:
    on_duckdb, on_spark = tmp_path / "duckdb.csv", tmp_path / "spark.csv"
    source, model = str(standard_input.path), str(model_file)
    said_duckdb = link("dedupe", source, "--out", str(on_duckdb), "--model", model)
    backend_setting.LANTERN_LINKAGE_BACKEND = "spark"  # chosen by the setting, not a flag
    said_spark = link("dedupe", source, "--out", str(on_spark), "--model", model)

    assert "pairs scored on duckdb" in said_duckdb
    assert "pairs scored on spark" in said_spark
    assert rule_counts(said_spark) == rule_counts(said_duckdb)
    duckdb_rows, spark_rows = read_clusters(on_duckdb)[1], read_clusters(on_spark)[1]
    assert partition(spark_rows) == partition(duckdb_rows)
    assert frozenset(standard_input.duplicates[0]) in partition(spark_rows)
    # ...and each record's probability to its cluster is the same (written to 6 places),
    # except one pair: "stphen" and "steph" Shah, whose first names Spark's jaro_winkler
    # (Splink's jar) scores 0.876 and DuckDB's 0.902, either side of the "very similar"
    # level's 0.9 (see the test below; found in 0012, when the generator's new typos made
    # the pair). Any other difference fails.
    duckdb_p = {row["record_id"]: row["match_probability_to_cluster"] for row in duckdb_rows}
    spark_p = {row["record_id"]: row["match_probability_to_cluster"] for row in spark_rows}
    differ = {record for record in duckdb_p if spark_p[record] != duckdb_p[record]}
    assert differ <= {"SH073169", "RNK8603422"}


@pytest.mark.xfail(
    strict=True,
    reason="Splink's Spark jaro_winkler counts half transpositions unrounded (0.876 for "
    "stphen/steph); DuckDB and jellyfish round them down (0.902): a known difference, not "
    "yet fixed (docs/decisions/0012)",
)
def test_jaro_winkler_is_the_same_on_spark_as_on_duckdb(spark: Any) -> None:
    import duckdb
    import jellyfish

    engine.spark_api()  # registers Splink's functions
    query = "SELECT jaro_winkler('stphen', 'steph')"
    (on_spark,) = spark.sql(query).collect()[0]
    (on_duckdb,) = duckdb.sql("SELECT jaro_winkler_similarity('stphen', 'steph')").fetchall()[0]
    assert on_duckdb == pytest.approx(jellyfish.jaro_winkler_similarity("stphen", "steph"))
    assert on_spark == pytest.approx(on_duckdb)


@pytest.mark.django_db
def test_a_linkage_run_on_spark_links_the_databases_records(
    spark: Any, partnership: Partnership, model_file: Path
) -> None:
    install_model(json.loads(model_file.read_text(encoding="utf-8")))
    police = extract_for(partnership.police, partnership.analyst, "police-niche")
    school = extract_for(partnership.school, partnership.analyst, "school-mis")
    tamsin = {
        "first_name": "Tamsin",
        "last_name": "Quennell",
        "date_of_birth": "09/03/2011",
        "sex": "F",
        "nhs_number": valid_nhs_numbers(4_857_300_000, 1)[0],
        "postcode": "NK1 4AB",
        "address": "12 Mill Lane, Northwick",
        "phone": "07700 900123",
    }
    a = add_record(police, "NP1", **tamsin)
    b = add_record(school, "S1", **{**tamsin, "first_name": "Tammy"})
    other = add_record(
        police, "NP2", first_name="Kyle", last_name="Dunsworth", date_of_birth="02/02/2008"
    )

    said = link("run", "--as", "analyst", "--backend", "spark")

    assert "on spark: Finished." in said
    assert "1 linked" in said
    people = {r.pk: r.person_id for r in SourceRecord.objects.all()}
    assert people[a.pk] is not None
    assert people[a.pk] == people[b.pk] != people[other.pk]
