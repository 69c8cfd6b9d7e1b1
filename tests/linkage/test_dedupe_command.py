"""``lantern link dedupe IN.csv --out clusters.csv``: batch linkage of a file, outside the database.

The command reads a file in the standard layout and writes ``source, record_id, cluster_id,
match_probability_to_cluster`` (each record's own source and id, read without a join),
using a saved model file, the database's model in use, or
one it trains on the file.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lantern.linkage import engine, features, files, spec
from tests.linkage.helpers import install_model
from tests.linkage.standard import (
    StandardInput,
    pairs_within,
    partition,
    read_clusters,
    write_standard_input,
)

OUTPUT_COLUMNS = [
    "source",
    "record_id",
    "cluster_id",
    "match_probability_to_cluster",
    "cluster_weakest_link",
    "cluster_check",
]


@pytest.fixture(scope="module")
def standard_input(tmp_path_factory: pytest.TempPathFactory) -> StandardInput:
    return write_standard_input(tmp_path_factory.mktemp("dedupe"))


@pytest.fixture(scope="module")
def file_model(standard_input: StandardInput) -> engine.TrainedModel:
    """The Lantern model trained (unsupervised) on the input file, as the command would."""
    prepared = features.prepare(files.read_standard(standard_input.path))
    return engine.train(engine.make_api("duckdb"), prepared, "lantern")


def dedupe(*args: str) -> str:
    out = StringIO()
    call_command("link", "dedupe", *args, stdout=out)
    return out.getvalue()


def assert_clustered_well(
    standard_input: StandardInput, clusters_file: Path, threshold: float = 0.99
) -> None:
    """Every record once, probabilities in [0, 1], the known duplicates together."""
    header, rows = read_clusters(clusters_file)
    assert header == OUTPUT_COLUMNS
    record_ids = [row["record_id"] for row in rows]
    assert len(record_ids) == len(set(record_ids))
    assert set(record_ids) == set(standard_input.person)
    # Each record's own source beside its id, as the input gave it.
    _, inputs = read_clusters(standard_input.path)
    source_of = {row["record_id"]: row["source"] for row in inputs}
    assert all(row["source"] == source_of[row["record_id"]] for row in rows)
    assert len({row["source"] for row in rows}) > 1

    clusters = partition(rows)
    size = {record: len(cluster) for cluster in clusters for record in cluster}
    for row in rows:
        # A record joined others through a pair at least this likely; one alone has none.
        if size[row["record_id"]] == 1:
            assert row["match_probability_to_cluster"] == "", row
            assert row["cluster_weakest_link"] == "", row
        else:
            assert threshold <= float(row["match_probability_to_cluster"]) <= 1.0, row
            # The weakest link a cluster cannot do without is no stronger than any member's
            # strongest pair, and still reached the threshold.
            weakest = float(row["cluster_weakest_link"])
            assert threshold <= weakest <= float(row["match_probability_to_cluster"]), row
    by_cluster: dict[str, set[str]] = {}
    for row in rows:
        by_cluster.setdefault(row["cluster_id"], set()).add(row["cluster_weakest_link"])
    assert all(len(values) == 1 for values in by_cluster.values())  # one figure per cluster
    assert any(len(cluster) == 1 for cluster in clusters)

    for people in standard_input.duplicates:
        assert frozenset(people) in clusters, f"{sorted(people)} should be one cluster"
    twin_a, twin_b = standard_input.twins
    cluster_of = {record: cluster for cluster in clusters for record in cluster}
    assert cluster_of[twin_a] != cluster_of[twin_b], "twins with their own NHS numbers"

    # The generator's people, with their typos, nicknames and missing values: nearly every
    # pair the file's clusters make is a true one, and most true pairs are found.
    found = pairs_within(clusters)
    true = standard_input.true_pairs()
    assert len(found & true) / len(found) >= 0.95
    assert len(found & true) / len(true) >= 0.85


@pytest.mark.django_db
def test_with_no_model_anywhere_it_trains_on_the_file(
    standard_input: StandardInput, tmp_path: Path
) -> None:
    out = tmp_path / "clusters.csv"

    said = dedupe(str(standard_input.path), "--out", str(out))

    assert "trained on the file" in said
    assert f"{len(standard_input.person):,} records in" in said
    # The summary says at which probability records joined and what each rule put forward.
    assert f"match probability {files.DEFAULT_THRESHOLD:g}" in said
    for label, _ in spec.BLOCKING_RULES:
        assert label in said
    assert_clustered_well(standard_input, out)
    assert '"' not in out.read_text(encoding="utf-8")  # plain ids: nothing quoted


@pytest.mark.parametrize("layout", ["lantern", "splink"])
def test_a_saved_model_file_is_used_as_it_is(
    standard_input: StandardInput, file_model: engine.TrainedModel, tmp_path: Path, layout: str
) -> None:
    if layout == "lantern":  # what `lantern link train` saves in var/linkage/models/
        saved: dict[str, Any] = {
            "format": "lantern-linkage-model",
            "version": 1,
            "kind": "lantern",
            "thresholds": {"upper": 0.99, "lower": 0.5},
            "splink_settings": file_model.settings,
        }
    else:  # Splink's own JSON
        saved = file_model.settings
    model_file = tmp_path / "model.json"
    model_file.write_text(json.dumps(saved), encoding="utf-8")
    out = tmp_path / "clusters.csv"

    said = dedupe(str(standard_input.path), "--out", str(out), "--model", str(model_file))

    assert "saved model" in said
    assert "trained" not in said
    if layout == "lantern":  # the saved model's own threshold, and the summary says so
        assert "match probability 0.99" in said
    assert_clustered_well(standard_input, out)


@pytest.mark.django_db
def test_the_databases_model_in_use_is_used_when_no_file_is_given(
    standard_input: StandardInput, file_model: engine.TrainedModel, tmp_path: Path
) -> None:
    install_model(file_model.settings, upper=0.99)
    out = tmp_path / "clusters.csv"

    said = dedupe(str(standard_input.path), "--out", str(out))

    assert "saved model" in said
    assert_clustered_well(standard_input, out)


def test_a_stricter_threshold_never_joins_more(
    standard_input: StandardInput, file_model: engine.TrainedModel, tmp_path: Path
) -> None:
    model_file = tmp_path / "model.json"
    model_file.write_text(json.dumps(file_model.settings), encoding="utf-8")
    loose, strict = tmp_path / "loose.csv", tmp_path / "strict.csv"

    dedupe(str(standard_input.path), "--out", str(loose), "--model", str(model_file))
    dedupe(
        str(standard_input.path),
        "--out",
        str(strict),
        "--model",
        str(model_file),
        "--threshold",
        "0.999999",
    )

    loose_pairs = pairs_within(partition(read_clusters(loose)[1]))
    strict_pairs = pairs_within(partition(read_clusters(strict)[1]))
    assert strict_pairs < loose_pairs


def test_a_file_without_record_ids_or_no_file_is_refused(tmp_path: Path) -> None:
    no_ids = tmp_path / "no-ids.csv"
    no_ids.write_text("first_name,last_name\nAda,Okonkwo\n", encoding="utf-8")
    out = str(tmp_path / "clusters.csv")

    with pytest.raises(CommandError, match="no record_id column"):
        dedupe(str(no_ids), "--out", out, "--train")
    with pytest.raises(CommandError, match="There is no file"):
        dedupe(str(tmp_path / "missing.csv"), "--out", out, "--train")
    with pytest.raises(CommandError, match="--out"):
        dedupe(str(no_ids))
    assert not (tmp_path / "clusters.csv").exists()


def test_a_file_with_quoted_column_names_and_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Spreadsheets and Arrow quote the header; Excel starts a UTF-8 file with a BOM."""
    path = tmp_path / "quoted.csv"
    path.write_text(
        '\ufeff"record_id","first_name","last_name","date_of_birth"\n'
        '"A1","Ada","Okonkwo","02/03/2011"\n',
        encoding="utf-8",
    )
    table = files.read_standard(path)
    assert table.column("record_id").to_pylist() == ["A1"]
    assert table.column("first_name").to_pylist() == ["Ada"]
    assert table.column("postcode").to_pylist() == [""]  # a missing column reads as empty


def test_record_ids_with_commas_or_quotes_come_back_as_they_went_in(
    tmp_path: Path, file_model: engine.TrainedModel
) -> None:
    """Agencies' record ids are text: a comma, a quote or a line break in one must not break
    the clusters file (it is quoted then; otherwise nothing is)."""
    path = tmp_path / "awkward.csv"
    awkward = ["PX-1,2", 'HX "3"', "SC\n4"]
    lines = ["record_id,first_name,last_name,date_of_birth,postcode"]
    for record_id in awkward:
        quoted = '"' + record_id.replace('"', '""') + '"'
        lines.append(f"{quoted},Tamsin,Achterberg,05/11/2008,NK1 4AB")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    files.dedupe_file(path, out, model=file_model, threshold=0.9)
    header, rows = read_clusters(out)
    assert header == OUTPUT_COLUMNS
    assert [row["record_id"] for row in rows] == awkward
    assert all(row["cluster_id"].isdigit() for row in rows)
    assert out.read_text(encoding="utf-8").startswith(",".join(OUTPUT_COLUMNS) + "\n")


def test_a_record_id_a_spreadsheet_would_run_as_a_formula_is_written_safely(
    tmp_path: Path, file_model: engine.TrainedModel
) -> None:
    """The clusters file is opened in spreadsheets: a value starting =, +, - or @ gains an
    apostrophe, as in every export Lantern writes (lantern.core.exports)."""
    path = tmp_path / "formula.csv"
    path.write_text(
        "record_id,first_name,last_name,date_of_birth,postcode\n"
        '"=HYPERLINK(""http://x"")",Tamsin,Achterberg,05/11/2008,NK1 4AB\n'
        "SC-4,Tamsin,Achterberg,05/11/2008,NK1 4AB\n",
        encoding="utf-8",
    )
    out = tmp_path / "clusters.csv"
    files.dedupe_file(path, out, model=file_model, threshold=0.9)
    _, rows = read_clusters(out)
    assert [row["record_id"] for row in rows] == ['\'=HYPERLINK("http://x")', "SC-4"]
