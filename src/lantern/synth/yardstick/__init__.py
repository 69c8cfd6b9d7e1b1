"""The yardstick: an independent generator of UK multi-agency person extracts, to report
linkage accuracy on.

Lantern's linkage model is tuned on the project's own synthetic extracts. The yardstick is a
second generator, written separately from the first, with its own people, its own agencies'
habits and its own error model drawn from published descriptions of errors in English
administrative records. **The yardstick is the report set: nobody tunes the linkage model on
it.** See docs/yardstick.md.

``write_yardstick(out_dir, people=20_000, seed=1)`` writes one CSV per agency system in the
standard person-extract layout (``record_id,source,first_name,middle_names,last_name,
date_of_birth,sex,nhs_number,postcode,address,phone,email``) and ``truth.csv``
(``source,record_id,person_key``), with the pairs of different people who look alike in
``hard_negatives/pairs.csv``, and returns a :class:`YardstickReport` with the count of each
error and hard negative actually made. Output is a function of the seed alone.

Where the rates come from (full table in docs/yardstick.md; "judgement" where no source gives
a number):

- Hagger-Johnson, Harron et al., BMJ Open 2015;5:e008118 (HESID against PICANet): 4.1% of
  true matches missed, 0.2% false matches; missed matches more common for younger patients,
  Asian, Black and Other ethnic groups and records with missing data. Hence transliteration
  variants and name-order confusion for names from other scripts, and missing values.
- Harron et al., BMC Med Res Methodol 2017;17:23 (HES against PDS): sex and date of birth
  wrong or missing in 0.11% of hospital records, postcode different in 53% (mostly moves
  between the two dates). Hence health's low date-of-birth error rates, and postcodes taken
  from each person's address history at the record's date.
- Hagger-Johnson et al., Health Serv Res 2015;50:1162 (possible false matches in HES): multiple
  births sharing an identifier are the classic false match. Hence twins as hard negatives.
- Libuy et al., IJPDS 2021;6:1671 (NPD to HES, ECHILD): 95% of pupils linked; missed links
  concentrated in ethnic-minority and deprived, more mobile, pupils; "poor recording of
  non-traditional names".
- Damerau 1964; Christen and Pudjijono 2009 (Febrl, GeCo): the single-edit typing slips and
  their mix; the corruption scheme (independent per record and field).
- The NHS Data Dictionary (NHS number modulus 11; sex codes 1, 2, 9, 0); Ofcom's numbers for
  drama (then the unallocated 04 range); GUMCAD practice that sexual-health clinics need no NHS number and accept any name.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from lantern.synth.yardstick.agencies import AGENCIES, COLUMNS, RATES, RecordMaker, records_for
from lantern.synth.yardstick.corrupt import Tally
from lantern.synth.yardstick.population import REFERENCE_DATE, Population

if TYPE_CHECKING:
    from _csv import Writer as CsvWriter

__all__ = ["COLUMNS", "HARD_NEGATIVE_COLUMNS", "RATES", "REFERENCE_DATE", "TRUTH_COLUMNS", "YardstickReport", "write_yardstick"]

TRUTH_COLUMNS = ("source", "record_id", "person_key")
#: hard_negatives/pairs.csv: pairs of different people who look alike, for reading linkage
#: errors. It is in a folder of its own so that the top level holds only the extracts and
#: truth.csv, as ``lantern synth extracts`` writes them.
HARD_NEGATIVE_COLUMNS = ("kind", "person_key", "other_person_key")
#: Rows kept in memory per agency before they are spread over temporary files to shuffle.
_ROWS_IN_MEMORY = 60_000
#: Counts that describe the data (how often a field is filled), not errors.
_FILL_KINDS = frozenset({"nhs_recorded"})


@dataclass
class YardstickReport:
    out_dir: Path
    files: list[Path]
    truth: Path
    #: hard_negatives/pairs.csv: (kind, person_key, other_person_key), each pair counted below.
    hard_negative_pairs: Path
    records: int
    people: int
    seed: int
    records_by_source: dict[str, int]
    #: Each error (and habit that varies a value) actually made, by kind.
    errors: dict[str, int]
    #: For errors drawn at a rate: how many records could have had it, and the count the
    #: declared rates expect (the sum of the rate over those records).
    error_chances: dict[str, int]
    error_expected: dict[str, float]
    hard_negatives: dict[str, int]
    #: Records whose NHS number was written with an error the check digit catches.
    nhs_invalid: int = 0
    #: Telephone numbers dealt from the unallocated 04 range once Ofcom's drama numbers ran
    #: out (no number is ever dealt to two households).
    phones_beyond_drama: int = 0
    population: dict[str, int] = field(default_factory=dict)


class _Shuffler:
    """Collects one agency's rows and writes them in a random order, in bounded memory."""

    def __init__(self, rng: random.Random, scratch: Path, source: str) -> None:
        self.rng = rng
        self.scratch = scratch
        self.source = source
        self.rows: list[list[str]] = []
        self.buckets: list[Path] = []
        self.handles: list[TextIO] = []
        self.count = 0

    def add(self, row: list[str]) -> None:
        self.count += 1
        if self.handles:
            csv.writer(self.rng.choice(self.handles), lineterminator="\n").writerow(row)
            return
        self.rows.append(row)
        if len(self.rows) >= _ROWS_IN_MEMORY:
            self._spill()

    def _spill(self) -> None:
        for index in range(16):
            path = self.scratch / f"{self.source}.{index}.csv"
            self.buckets.append(path)
            self.handles.append(path.open("w", encoding="utf-8", newline=""))
        for row in self.rows:
            csv.writer(self.rng.choice(self.handles), lineterminator="\n").writerow(row)
        self.rows = []

    def write(self, out: CsvWriter, truth: CsvWriter) -> None:
        for handle in self.handles:
            handle.close()
        chunks = [self.rows] if not self.buckets else (self._read(path) for path in self.buckets)
        for rows in chunks:
            self.rng.shuffle(rows)
            for row in rows:
                out.writerow(row[:-1])
                truth.writerow((row[1], row[0], row[-1]))

    @staticmethod
    def _read(path: Path) -> list[list[str]]:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))


def write_yardstick(out_dir: Path, *, people: int = 20_000, seed: int = 1) -> YardstickReport:
    """Write the yardstick's agency extracts and truth file for ``people`` people."""
    if people < 1:
        msg = "the yardstick needs at least one person"
        raise ValueError(msg)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Seeded synthetic data, not security: the same seed must give the same files.
    master = random.Random(seed)  # nosec B311
    population = Population(random.Random(master.getrandbits(64)), people)  # nosec B311
    record_rng = random.Random(master.getrandbits(64))  # nosec B311
    shuffle_rng = random.Random(master.getrandbits(64))  # nosec B311
    tally = Tally(random.Random(master.getrandbits(64)))  # nosec B311
    maker = RecordMaker(tally.rng, tally)  # one stream for the records' values and errors
    names: Counter[tuple[str, str]] = Counter()
    made_people = 0
    files: list[Path] = []
    truth_path = out_dir / "truth.csv"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".yardstick-") as scratch:
        shufflers = {a.source: _Shuffler(shuffle_rng, Path(scratch), a.source) for a in AGENCIES}
        for subjects in population.households():
            for person in subjects:
                made_people += 1
                names[(person.first, person.last)] += 1
                for agency, day in records_for(record_rng, person):
                    shufflers[agency.source].add([*maker.row(person, agency, day), person.key])
        with truth_path.open("w", encoding="utf-8", newline="") as truth_handle:
            truth = csv.writer(truth_handle, lineterminator="\n")
            truth.writerow(TRUTH_COLUMNS)
            for agency in AGENCIES:
                shuffler = shufflers[agency.source]
                if not shuffler.count:
                    continue
                path = out_dir / f"{agency.source}.csv"
                with path.open("w", encoding="utf-8", newline="") as handle:
                    out = csv.writer(handle, lineterminator="\n")
                    out.writerow(COLUMNS)
                    shuffler.write(out, truth)
                files.append(path)
    pairs_path = out_dir / "hard_negatives" / "pairs.csv"
    pairs_path.parent.mkdir(exist_ok=True)
    with pairs_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HARD_NEGATIVE_COLUMNS)
        writer.writerows(population.hard.pairs)
    return _report(
        out_dir, files=files, truth=truth_path, hard_negative_pairs=pairs_path, seed=seed, people=made_people,
        shufflers=shufflers, tally=tally, population=population, names=names,
    )


def _report(
    out_dir: Path,
    *,
    files: list[Path],
    truth: Path,
    hard_negative_pairs: Path,
    seed: int,
    people: int,
    shufflers: dict[str, _Shuffler],
    tally: Tally,
    population: Population,
    names: Counter[tuple[str, str]],
) -> YardstickReport:
    kinds = Counter(kind for kind, _, _ in population.hard.pairs)
    hard = {
        "twins": kinds["twins"],
        "twins_similar_names": population.hard.twins_similar_names,
        "twins_same_initial": population.hard.twins_same_initial,
        "parent_child_same_name": kinds["parent_child_same_name"],
        "siblings_sharing_phone_and_address": kinds["siblings_sharing_phone_and_address"],
        "cousins_same_street": kinds["cousins_same_street"],
        "common_name_close_dob": kinds["common_name_close_dob"],
        # people whose first name and surname (as they are) are shared by at least 4 others
        "common_name_people": sum(n for n in names.values() if n >= 5),
    }
    errors = {k: v for k, v in sorted(tally.made.items()) if k not in _FILL_KINDS}
    return YardstickReport(
        out_dir=out_dir,
        files=files,
        truth=truth,
        hard_negative_pairs=hard_negative_pairs,
        records=sum(s.count for s in shufflers.values()),
        people=people,
        seed=seed,
        records_by_source={s: sh.count for s, sh in shufflers.items() if sh.count},
        errors=errors,
        error_chances=dict(sorted(tally.chances.items())),
        error_expected={k: round(v, 3) for k, v in sorted(tally.expected.items())},
        hard_negatives=hard,
        nhs_invalid=tally.made["nhs_transposition"] + tally.made["nhs_wrong_digit"],
        phones_beyond_drama=population.phones.beyond_drama,
        population={
            "surname_changes": population.surname_changes,
            "looked_after_placements": population.looked_after_moves,
            "dob_registered_as_1_january": population.jan1_registered,
            "records_with_nhs_number": tally.made["nhs_recorded"],
        },
    )
