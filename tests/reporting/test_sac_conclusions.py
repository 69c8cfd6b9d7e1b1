"""The Safeguarding Adults Collection's conclusion tables: counted from the enquiries'
latest conclusions, published only through suppression."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lantern.core.figures import Figure
from lantern.referrals import services as referral_services
from lantern.reporting import services
from lantern.reporting.periods import quarter_of
from lantern.reporting.sac import NOT_CONCLUDED, OTHER, S42, sac_figures
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
