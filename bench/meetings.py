#!/usr/bin/env python
"""Meetings benchmark: a panel's proposed agenda over 5,000 open cases, and the minutes PDF
of a 30-item meeting, against the issue's targets.

    .venv/bin/python bench/meetings.py
    .venv/bin/python bench/meetings.py --cases 20000 --runs 5

On a fresh SQLite file in a temporary folder it migrates, then bulk-loads synthetic open
cases (children and adults; a fifth newly opened at significant or serious risk, some with
re-screening or plan reviews due, some with overdue actions), and measures:

- ``agenda_proposal`` for a children's panel and an adults' panel (every agenda source, as
  the proposed-agenda page runs it; target 500 ms);
- ``minutes_issue`` of a 30-item meeting with notes (restricted, handling code C, plain)
  and actions, for one recipient agency: redaction, HTML and the WeasyPrint PDF
  (target 5 s).

Prints each figure against its target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
TARGETS = {"agenda_ms": 500.0, "minutes_pdf_s": 5.0}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Meetings benchmark (SQLite, a fresh database)")
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args(argv)


def _setup(db_path: Path) -> None:
    os.environ["LANTERN_SQLITE_PATH"] = str(db_path)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "src")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(cases: int) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from lantern.accounts.actors import actor_for_membership
    from lantern.actions.models import Action
    from lantern.agencies.models import Agency, AgencyKind, Membership
    from lantern.cases.models import Case, CaseAgency
    from lantern.core.access import Role
    from lantern.meetings.models import Plan, PlanVersion
    from lantern.people.models import Involvement, Person
    from lantern.screening.models import ScreeningStatus

    hub = Agency.objects.create(code="hub", name="Bench Hub", kind=AgencyKind.HUB)
    school = Agency.objects.create(code="school", name="Bench School", kind=AgencyKind.EDUCATION)
    user = get_user_model().objects.create(username="bench.practitioner")
    membership = Membership.objects.create(user=user, agency=hub, role=Role.PRACTITIONER)
    actor = actor_for_membership(membership)
    today = timezone.localdate()
    people = Person.objects.bulk_create(
        [
            Person(
                given_name=f"Given{i}",
                family_name=f"Family{i}",
                date_of_birth=date(today.year - (12 + i % 14), 1 + i % 12, 1 + i % 28),
                created_by_agency=school,
            )
            for i in range(cases)
        ],
        batch_size=1000,
    )
    now = timezone.now()
    case_rows = Case.objects.bulk_create(
        [
            Case(
                person=p,
                lead_professional=user,
                opened_at=now - timedelta(days=5 if i % 5 == 0 else 200),
            )
            for i, p in enumerate(people)
        ],
        batch_size=1000,
    )
    CaseAgency.objects.bulk_create(
        [CaseAgency(case=c, agency=school, added_by=user) for c in case_rows], batch_size=1000
    )
    Involvement.objects.bulk_create(
        [Involvement(person=p, agency=school, basis="case") for p in people], batch_size=1000
    )
    levels = [
        ("at_risk", "At risk", 1),
        ("significant", "Significant risk", 2),
        ("serious", "Serious risk", 3),
    ]
    ScreeningStatus.objects.bulk_create(
        [
            ScreeningStatus(
                person=p,
                level=levels[i % 3][0],
                level_label=levels[i % 3][1],
                level_rank=levels[i % 3][2],
                last_screened_on=today - timedelta(days=30),
                next_due_on=today - timedelta(days=1) if i % 7 == 0 else today + timedelta(days=60),
                due_reason="scheduled",
            )
            for i, p in enumerate(people)
        ],
        batch_size=1000,
    )
    plans = Plan.objects.bulk_create([Plan(case=c) for c in case_rows[::4]], batch_size=1000)
    PlanVersion.objects.bulk_create(
        [
            PlanVersion(
                plan=pl,
                version=1,
                goals=["Safe at home"],
                person_words="I want to stay at school.",
                review_on=today + timedelta(days=1 if i % 3 == 0 else 60),
                written_by=user,
            )
            for i, pl in enumerate(plans)
        ],
        batch_size=1000,
    )
    Action.objects.bulk_create(
        [
            Action(
                title="Visit at home",
                owner_agency=school,
                due_on=today - timedelta(days=20) if i % 2 else today + timedelta(days=20),
                case=c,
                person_id=c.person_id,
                created_by=user,
                created_by_agency=hub,
            )
            for i, c in enumerate(case_rows[::3])
        ],
        batch_size=1000,
    )
    return {"actor": actor, "school": school, "cases": case_rows}


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - one run, in order
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="lantern-bench-meetings-"))
    try:
        _setup(folder / "bench.sqlite3")
        from django.utils import timezone

        from lantern.meetings import services
        from lantern.meetings.models import AgendaItem, Invitation, ItemNote
        from lantern.meetings.queries import agenda_proposal

        started = time.perf_counter()
        world = _load(args.cases)
        print(f"loaded {args.cases:,} open cases in {time.perf_counter() - started:.1f} s")
        actor = world["actor"]
        figures: dict[str, float] = {}
        for code in ("mace", "mase"):
            meeting = services.meeting_schedule(
                actor=actor,
                meeting_type_code=code,
                held_at=timezone.now() + timedelta(days=1),  # type: ignore[arg-type]
            )
            timings, proposed = [], []
            for _ in range(args.runs):
                t = time.perf_counter()
                proposed = agenda_proposal(actor, meeting)  # type: ignore[arg-type]
                timings.append((time.perf_counter() - t) * 1000)
            figures[f"agenda_{code}_ms"] = statistics.median(timings)
            print(
                f"agenda of a {code} panel over {args.cases:,} open cases: "
                f"{len(proposed):,} items proposed, median {statistics.median(timings):.0f} ms, "
                f"max {max(timings):.0f} ms (target {TARGETS['agenda_ms']:.0f} ms)"
            )
        meeting = services.meeting_schedule(
            actor=actor,
            meeting_type_code="mace",
            held_at=timezone.now() + timedelta(days=2),  # type: ignore[arg-type]
        )
        school = world["school"]
        Invitation.objects.create(meeting=meeting, agency=school)
        cases = world["cases"]
        items = AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=meeting,
                    position=i + 1,
                    source="cases_due_review",
                    title=f"Given{i} Family{i} (case {c.reference})",  # type: ignore[attr-defined]
                    reason="Due review: plan review due",
                    person_id=c.person_id,  # type: ignore[attr-defined]
                    case=c,
                    decisions="Continue the plan; review in four weeks. " * 3,
                )
                for i, c in enumerate(cases[: args.items])  # type: ignore[index]
            ]
        )
        notes = []
        for item in items:
            for n, (category, code) in enumerate(
                (("", ""), ("sexual_health", ""), ("", "C"), ("", ""))
            ):
                notes.append(
                    ItemNote(
                        item=item,
                        agency=school,
                        text=f"Note {n}: what the agency knows about this person this month. " * 4,
                        restricted_category=category,
                        handling_code=code,
                        recorded_by=actor.user,  # type: ignore[attr-defined]
                    )
                )
        ItemNote.objects.bulk_create(notes)
        meeting.refresh_from_db()
        timings = []
        for run in range(args.runs):
            t = time.perf_counter()
            issued = services.minutes_issue(
                actor=actor,  # type: ignore[arg-type]
                meeting=meeting,
                correction_reason="" if run == 0 else f"Bench run {run}",
            )
            timings.append(time.perf_counter() - t)
        import io

        import pypdf

        from lantern.meetings import minutes, redaction

        pages = len(pypdf.PdfReader(io.BytesIO(bytes(issued[0].pdf))).pages)
        print(
            f"issuing the minutes of a {args.items}-item meeting to {len(issued)} agencies "
            f"(each redacted, stored as HTML and PDF): median {statistics.median(timings):.2f} s"
        )
        one = []
        for _ in range(args.runs):
            t = time.perf_counter()
            view = redaction.for_recipient(meeting, school)
            html = minutes.render_html(
                view, recipient=school, version=1, issued_at=timezone.now(), issued_by="bench"
            )
            pdf = minutes.render_pdf(html)
            one.append(time.perf_counter() - t)
        figures["minutes_pdf_s"] = statistics.median(one)
        print(
            f"minutes PDF of a {args.items}-item meeting for one agency (redaction, HTML, "
            f"{len(pdf) // 1024} KB, {pages} pages): median {statistics.median(one):.2f} s, "
            f"max {max(one):.2f} s (target {TARGETS['minutes_pdf_s']:.0f} s)"
        )
        ok = (
            figures["agenda_mace_ms"] <= TARGETS["agenda_ms"]
            and figures["agenda_mase_ms"] <= TARGETS["agenda_ms"]
            and figures["minutes_pdf_s"] <= TARGETS["minutes_pdf_s"]
        )
        print("within targets" if ok else "OVER TARGET")
        return 0 if ok else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
