"""The Safeguarding Adults Collection's conclusion tables: counted from the enquiries'
latest conclusions, published only through suppression."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lantern.core.figures import Figure
from lantern.referrals import services as referral_services
from lantern.referrals.models import EnquiryConclusion
from lantern.reporting import services
from lantern.reporting.periods import quarter_of
from lantern.reporting.sac import (
    ACTION,
    ACTION_NOT_RECORDED,
    NO_ACTION,
    NOT_CONCLUDED,
    OTHER,
    S42,
    sac_figures,
)
from tests.conftest import Partnership
from tests.factories import open_enquiry

NAMES = ["Abbott", "Birch", "Carver", "Dalton", "Easton", "Fulton", "Garner", "Hayes"]


def _conclude(p: Partnership, referral: Any, **values: Any) -> None:
    answers: dict[str, Any] = {
        "concluded_on": timezone.localdate(),
        "types_of_risk": ["sexual_exploitation"],
        "location_of_risk": "community",
        "source_of_risk": "unknown",
        "risk_assessment": "risk_identified",
        "action_taken": True,
        "risk_outcome": "reduced",
        "outcomes_asked": "asked_expressed",
        "outcomes_achieved": "fully",
    }
    answers.update(values)
    referral_services.enquiry_conclude(actor=p.practitioner, referral=referral, **answers)


def _build(p: Partnership) -> None:
    """Seven s42 enquiries (six concluded) and one other enquiry (concluded, ceased at the
    person's request)."""
    referrals = [open_enquiry(p, family_name=NAMES[i]) for i in range(7)]
    for referral in referrals[:4]:
        _conclude(p, referral)
    _conclude(
        p,
        referrals[4],
        location_of_risk="own_home",
        source_of_risk="known",
        risk_assessment="no_risk",
        action_taken=False,
        risk_outcome="",
        outcomes_asked="not_asked",
        types_of_risk=["domestic", "financial"],
    )
    _conclude(p, referrals[5], risk_outcome="removed", outcomes_achieved="partially")
    # An amendment replaces what is counted: the latest version only.
    referral_services.enquiry_conclude(
        actor=p.manager,
        referral=referrals[5],
        concluded_on=timezone.localdate(),
        types_of_risk=["sexual_exploitation"],
        location_of_risk="community",
        source_of_risk="service_provider",
        risk_assessment="risk_identified",
        action_taken=True,
        risk_outcome="remains",
        outcomes_asked="asked_expressed",
        outcomes_achieved="not_achieved",
        amendment_reason="The provider was the source.",
    )
    other = open_enquiry(p, outcome="other_enquiry", family_name=NAMES[7])
    _conclude(
        p,
        other,
        risk_assessment="ceased_at_request",
        action_taken=None,
        risk_outcome="",
        outcomes_asked="asked_not_expressed",
        outcomes_achieved="",
    )


def _table(figures: list[Figure], key: str) -> dict[tuple[str, str], int]:
    figure = next(f for f in figures if f.key == key)
    return {
        (row, col): figure.counts[i][j]
        for i, row in enumerate(figure.row_labels)
        for j, col in enumerate(figure.col_labels)
        if figure.counts[i][j]
    }


def test_the_conclusion_tables_count_the_latest_conclusions(partnership: Partnership) -> None:
    _build(partnership)
    figures = sac_figures(quarter_of(timezone.localdate()))

    assert _table(figures, "sac_location_of_risk") == {
        ("In the community (excluding community services)", S42): 5,
        ("Own home", S42): 1,
        (NOT_CONCLUDED, S42): 1,
        ("In the community (excluding community services)", OTHER): 1,
    }
    assert _table(figures, "sac_source_of_risk") == {
        ("Other, unknown to the individual", S42): 4,
        ("Other, known to the individual", S42): 1,
        ("Service provider", S42): 1,
        (NOT_CONCLUDED, S42): 1,
        ("Other, unknown to the individual", OTHER): 1,
    }
    assert _table(figures, "sac_risk_outcome") == {
        ("Risk reduced", S42): 4,
        ("Risk remains", S42): 1,
        ("No risk identified", S42): 1,
        (NOT_CONCLUDED, S42): 1,
        ("Enquiry ceased at the individual's request", OTHER): 1,
    }
    assert _table(figures, "sac_desired_outcomes") == {
        ("Asked, and outcomes were expressed", S42): 5,
        ("Not asked", S42): 1,
        (NOT_CONCLUDED, S42): 1,
        ("Asked, but no outcomes were expressed", OTHER): 1,
    }
    assert _table(figures, "sac_outcomes_achieved") == {
        ("Fully achieved", S42): 4,
        ("Not achieved", S42): 1,
    }
    types = _table(figures, "sac_type_of_risk")
    # Concluded: the recorded types; the one not concluded: mapped from its concerns.
    assert types[("Sexual exploitation", S42)] == 6
    assert types[("Domestic abuse", S42)] == 1
    assert types[("Psychological abuse", S42)] == 1  # coercion and control, not concluded
    # Every table of enquiries adds up to the enquiries started, as its shared margin says.
    started = sum(_table(figures, "sac_enquiries").values())
    for key in ("sac_location_of_risk", "sac_source_of_risk", "sac_risk_outcome"):
        assert sum(_table(figures, key).values()) == started, key


def test_the_published_return_hides_the_small_counts(
    partnership: Partnership, as_user: Any
) -> None:
    _build(partnership)
    services.snapshot_refresh(actor=partnership.analyst)
    period = quarter_of(timezone.localdate()).key
    response = as_user(partnership.board).get(
        reverse("api-board-collection", args=["sac"]) + f"?period={period}"
    )
    tables = {t["key"]: t for t in response.json()["tables"]}
    risk = tables["sac_risk_outcome"]
    reduced = risk["row_labels"].index("Risk reduced")
    # Four enquiries whose risk was reduced: a count of 1 to 4 is never published.
    assert risk["cells"][reduced][0] == "*"
    for row in risk["cells"]:
        assert "4" not in row
        assert "1" not in row
    achieved = tables["sac_outcomes_achieved"]
    assert achieved["row_labels"] == ["Fully achieved", "Partially achieved", "Not achieved"]
    assert "4" not in achieved["cells"][0]


def test_the_action_taken_table_splits_concluded_s42_enquiries(
    partnership: Partnership,
) -> None:
    _build(partnership)
    # Two more s42 enquiries: action taken where no risk was found, and a risk identified
    # with no action taken (so no risk outcome).
    extra = [open_enquiry(partnership, family_name=name) for name in ("Ingram", "Jarvis")]
    _conclude(partnership, extra[0], risk_assessment="no_risk", risk_outcome="")
    _conclude(partnership, extra[1], action_taken=False, risk_outcome="")
    figures = sac_figures(quarter_of(timezone.localdate()))
    figure = next(f for f in figures if f.key == "sac_action_taken")

    assert figure.row_labels == (
        "Risk identified",
        "Risk assessed as inconclusive",
        "No risk identified",
        "Enquiry ceased at the individual's request",
    )
    assert figure.col_labels == (
        f"{ACTION}: risk removed",
        f"{ACTION}: risk reduced",
        f"{ACTION}: risk remains",
        ACTION,
        NO_ACTION,
        ACTION_NOT_RECORDED,
    )
    # Only concluded s42 enquiries: the other enquiry (ceased) and the one not concluded
    # are not counted; the amended one counts as its latest version (remains).
    assert _table(figures, "sac_action_taken") == {
        ("Risk identified", f"{ACTION}: risk reduced"): 4,
        ("Risk identified", f"{ACTION}: risk remains"): 1,
        ("Risk identified", NO_ACTION): 1,
        ("No risk identified", NO_ACTION): 1,
        ("No risk identified", ACTION): 1,
    }


def test_a_conclusion_recorded_before_action_was_asked_counts_as_not_recorded(
    partnership: Partnership,
) -> None:
    referral = open_enquiry(partnership)
    _conclude(partnership, referral)
    # A row from before the migration: action taken is null. Set as the migration left it.
    EnquiryConclusion.objects.filter(referral=referral).update(action_taken=None)
    figures = sac_figures(quarter_of(timezone.localdate()))
    assert _table(figures, "sac_action_taken") == {
        ("Risk identified", ACTION_NOT_RECORDED): 1,
    }


def test_the_action_taken_table_is_published_suppressed_and_downloadable(
    partnership: Partnership, as_user: Any
) -> None:
    _build(partnership)
    services.snapshot_refresh(actor=partnership.analyst)
    period = quarter_of(timezone.localdate()).key
    client = as_user(partnership.board)
    response = client.get(reverse("api-board-collection", args=["sac"]) + f"?period={period}")
    table = {t["key"]: t for t in response.json()["tables"]}["sac_action_taken"]
    row = table["row_labels"].index("Risk identified")
    col = table["col_labels"].index(f"{ACTION}: risk reduced")
    # Four enquiries whose risk was reduced after action: 1 to 4 is never published.
    assert table["cells"][row][col] == "*"
    for cells in table["cells"]:
        assert not {"1", "2", "3", "4"} & set(cells)
    for fmt in ("csv", "xlsx", "ods"):
        download = client.get(
            reverse("reporting:download_one", args=["sac", "sac_action_taken", fmt])
            + f"?period={period}"
        )
        assert download.status_code == 200, fmt
    csv = client.get(
        reverse("reporting:download_one", args=["sac", "sac_action_taken", "csv"])
        + f"?period={period}"
    ).content.decode()
    assert f"{ACTION}: risk reduced" in csv
    assert "*" in csv
