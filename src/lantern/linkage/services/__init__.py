"""Record linkage's writes, one module per job (each function checks permission, changes data
in a transaction and records its audit event there):

- :mod:`.records` – agency records as linkage reads them, the involvement a record gives its
  agency, and the service linkage acts as;
- :mod:`.training` – models: training, thresholds, the saved artefact, the model in use;
- :mod:`.runs` – runs: starting, queueing after an import, carrying one out;
- :mod:`.resolution` – scored pairs into people: strong pairs link, uncertain ones queue;
- :mod:`.review` – the review queue: claiming, releasing and deciding pairs;
- :mod:`.merges` – merging two people by hand and undoing a merge exactly;
- :mod:`.withdrawal` – a withdrawn extract's records detached, with what came from them.

Callers use ``lantern.linkage.services`` as one facade: every name is re-exported here.
"""

from __future__ import annotations

from lantern.linkage.services.merges import (
    Placement as Placement,
)
from lantern.linkage.services.merges import (
    _entries_follow_cases as _entries_follow_cases,
)
from lantern.linkage.services.merges import (
    _merge as _merge,
)
from lantern.linkage.services.merges import (
    _moved_records as _moved_records,
)
from lantern.linkage.services.merges import (
    _record_sides as _record_sides,
)
from lantern.linkage.services.merges import (
    merge_undo as merge_undo,
)
from lantern.linkage.services.merges import (
    people_merge as people_merge,
)
from lantern.linkage.services.merges import (
    undo_placements as undo_placements,
)
from lantern.linkage.services.records import (
    LINKAGE_SERVICE as LINKAGE_SERVICE,
)
from lantern.linkage.services.records import (
    NAME_FIELDS as NAME_FIELDS,
)
from lantern.linkage.services.records import (
    RECORD_FIELDS as RECORD_FIELDS,
)
from lantern.linkage.services.records import (
    SERVICE_USERNAME as SERVICE_USERNAME,
)
from lantern.linkage.services.records import (
    SUPPLIED_NAMES as SUPPLIED_NAMES,
)
from lantern.linkage.services.records import (
    _as_supplied as _as_supplied,
)
from lantern.linkage.services.records import (
    _best_record as _best_record,
)
from lantern.linkage.services.records import (
    _clean as _clean,
)
from lantern.linkage.services.records import (
    _completeness as _completeness,
)
from lantern.linkage.services.records import (
    _ensure_record_involvement as _ensure_record_involvement,
)
from lantern.linkage.services.records import (
    _partial as _partial,
)
from lantern.linkage.services.records import (
    _reconcile_record_involvements as _reconcile_record_involvements,
)
from lantern.linkage.services.records import (
    _record_details as _record_details,
)
from lantern.linkage.services.records import (
    _record_label as _record_label,
)
from lantern.linkage.services.records import (
    _record_rows as _record_rows,
)
from lantern.linkage.services.records import (
    _sex as _sex,
)
from lantern.linkage.services.records import (
    active_records as active_records,
)
from lantern.linkage.services.records import (
    records_frame as records_frame,
)
from lantern.linkage.services.records import (
    system_actor as system_actor,
)
from lantern.linkage.services.resolution import (
    Outcome as Outcome,
)
from lantern.linkage.services.resolution import (
    ScoredPair as ScoredPair,
)
from lantern.linkage.services.resolution import (
    _attach as _attach,
)
from lantern.linkage.services.resolution import (
    _casework as _casework,
)
from lantern.linkage.services.resolution import (
    _chunks as _chunks,
)
from lantern.linkage.services.resolution import (
    _components as _components,
)
from lantern.linkage.services.resolution import (
    _groups as _groups,
)
from lantern.linkage.services.resolution import (
    _kept_apart as _kept_apart,
)
from lantern.linkage.services.resolution import (
    _link_strong_pairs as _link_strong_pairs,
)
from lantern.linkage.services.resolution import (
    _people_rule as _people_rule,
)
from lantern.linkage.services.resolution import (
    _person_from_record as _person_from_record,
)
from lantern.linkage.services.resolution import (
    _queue as _queue,
)
from lantern.linkage.services.resolution import (
    _resolve as _resolve,
)
from lantern.linkage.services.resolution import (
    _reviewable as _reviewable,
)
from lantern.linkage.services.resolution import (
    _settle as _settle,
)
from lantern.linkage.services.review import (
    _claimed_by_someone_else as _claimed_by_someone_else,
)
from lantern.linkage.services.review import (
    _current as _current,
)
from lantern.linkage.services.review import (
    _merge_records_people as _merge_records_people,
)
from lantern.linkage.services.review import (
    _pair_locked as _pair_locked,
)
from lantern.linkage.services.review import (
    pair_claim as pair_claim,
)
from lantern.linkage.services.review import (
    pair_claim_next as pair_claim_next,
)
from lantern.linkage.services.review import (
    pair_decide as pair_decide,
)
from lantern.linkage.services.review import (
    pair_release as pair_release,
)
from lantern.linkage.services.runs import (
    FEATURE_FIELDS as FEATURE_FIELDS,
)
from lantern.linkage.services.runs import (
    _enqueue as _enqueue,
)
from lantern.linkage.services.runs import (
    _link as _link,
)
from lantern.linkage.services.runs import (
    _placeholder_model as _placeholder_model,
)
from lantern.linkage.services.runs import (
    _store_features as _store_features,
)
from lantern.linkage.services.runs import (
    logger as logger,
)
from lantern.linkage.services.runs import (
    records_imported as records_imported,
)
from lantern.linkage.services.runs import (
    run_execute as run_execute,
)
from lantern.linkage.services.runs import (
    run_start as run_start,
)
from lantern.linkage.services.training import (
    DEFAULT_LOWER as DEFAULT_LOWER,
)
from lantern.linkage.services.training import (
    DEFAULT_UPPER as DEFAULT_UPPER,
)
from lantern.linkage.services.training import (
    LABEL_PRIOR_STRENGTH as LABEL_PRIOR_STRENGTH,
)
from lantern.linkage.services.training import (
    MIN_TRAINING_RECORDS as MIN_TRAINING_RECORDS,
)
from lantern.linkage.services.training import (
    _write_artefact as _write_artefact,
)
from lantern.linkage.services.training import (
    active_model as active_model,
)
from lantern.linkage.services.training import (
    artefact as artefact,
)
from lantern.linkage.services.training import (
    latest_labels as latest_labels,
)
from lantern.linkage.services.training import (
    model_set_thresholds as model_set_thresholds,
)
from lantern.linkage.services.training import (
    model_train as model_train,
)
from lantern.linkage.services.training import (
    models_dir as models_dir,
)
from lantern.linkage.services.training import (
    refine_with_labels as refine_with_labels,
)
from lantern.linkage.services.withdrawal import (
    _drop_if_empty as _drop_if_empty,
)
from lantern.linkage.services.withdrawal import (
    _redescribe as _redescribe,
)
from lantern.linkage.services.withdrawal import (
    records_withdraw as records_withdraw,
)
