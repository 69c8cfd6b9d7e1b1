"""Agency extracts for the demo city, imported and linked the way a hub would do it.

The generator (:func:`lantern.synth.extracts.write_extracts`) writes one file per agency with
the errors real extracts have (nicknames, typos, swapped day and month, missing NHS numbers,
old addresses) and a hidden truth file. The demo imports each file as ``hub.analyst`` through
the import service, exactly as an upload would, and then carries out the incremental linkage
runs those imports queued, here and now rather than in the worker: the first trains the model.
So the demo opens with people linked from several agencies' records and a review queue of the
pairs the model was unsure about. Everything here is synthetic.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from lantern.accounts.actors import actor_for_membership
from lantern.agencies.models import Agency, Membership
from lantern.core.access import Role
from lantern.imports import services as imports
from lantern.linkage import services
from lantern.linkage.models import CandidatePair, LinkageRun, PairStatus, RunStatus

AGREEMENT = "Northwick exploitation hub information-sharing agreement v3 (synthetic demo)"


@dataclass(frozen=True)
class DemoLinkage:
    records: int
    quarantined: int
    people_created: int
    pairs_linked: int
    pairs_for_review: int


def add_agency_extracts(*, seed: int, people: int, analyst: str = "hub.analyst") -> DemoLinkage:
    from lantern.synth.extracts import write_extracts

    membership = Membership.objects.select_related("user", "agency").get(
        user__username=analyst, role=Role.ANALYST, agency__code="hub"
    )
    actor = actor_for_membership(membership, channel="cli")
    records = quarantined = 0
    with tempfile.TemporaryDirectory(prefix="lantern-demo-extracts-") as folder:
        report = write_extracts(Path(folder), seed=seed, people=people)
        for code, path in sorted(report.files.items()):
            with path.open("rb") as upload:
                extract = imports.extract_create(
                    actor=actor,
                    upload=upload,
                    file_name=path.name,
                    agency=Agency.objects.get(code=code),
                    sharing_agreement=AGREEMENT,
                )
            extract = imports.extract_run(extract_id=extract.pk)
            records += extract.rows_created
            quarantined += extract.rows_quarantined
    runs = []
    for run_id in (
        LinkageRun.objects.filter(status=RunStatus.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        runs.append(services.run_execute(run_id=run_id))
    return DemoLinkage(
        records=records,
        quarantined=quarantined,
        people_created=sum(run.people_created for run in runs),
        pairs_linked=sum(run.pairs_linked for run in runs),
        pairs_for_review=CandidatePair.objects.filter(status=PairStatus.PENDING).count(),
    )
