"""The synthetic city's adult safeguarding enquiries: s42 and other, most concluded."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from lantern.referrals.conclusions import categories
from lantern.referrals.models import EnquiryConclusion, Outcome, TriageDecision
from lantern.synth.generator import CityConfig, build_city

TODAY = date(2026, 11, 25)


def test_most_enquiries_conclude_with_plausible_spreads(db: Any) -> None:
    build_city(CityConfig(seed=11, people=1500, events=2000, today=TODAY))
    s42 = set(
        TriageDecision.objects.filter(outcome=Outcome.S42_ENQUIRY).values_list(
            "referral_id", flat=True
        )
    )
    other = set(
        TriageDecision.objects.filter(outcome=Outcome.OTHER_ENQUIRY).values_list(
            "referral_id", flat=True
        )
    )
    conclusions = list(EnquiryConclusion.objects.all())
    concluded = {c.referral_id for c in conclusions}
    assert len(s42) >= 40
    assert other, "the city has some other (non-s42) enquiries"
    assert concluded <= s42 | other  # only enquiries are concluded
    share = len(concluded & s42) / len(s42)
    assert 0.75 <= share <= 0.95, share
    cats = categories()
    for c in conclusions:
        assert c.version == 1
        assert c.concluded_on <= TODAY
        assert "sexual_exploitation" in c.types_of_risk
        assert c.location_of_risk in cats.codes("locations_of_risk")
        assert c.source_of_risk in cats.codes("sources_of_risk")
        assessed = cats.get("risk_assessments", c.risk_assessment)
        assert assessed is not None
        # Action is recorded for every one; implied "no" where the assessment does not ask.
        assert c.action_taken is not None
        if not assessed.action_taken:
            assert c.action_taken is False
        assert bool(c.risk_outcome) == (assessed.risk_outcome and c.action_taken)
    acted = Counter(
        (c.risk_assessment, c.action_taken) for c in conclusions if c.risk_assessment != ""
    )
    # Both answers occur where a risk was identified: the SAC table has something to split.
    assert acted[("risk_identified", True)] > acted[("risk_identified", False)] > 0
    spread = Counter(c.risk_assessment for c in conclusions)
    assert spread.most_common(1)[0][0] == "risk_identified"
    assert spread["ceased_at_request"] > 0
    assert len({c.location_of_risk for c in conclusions}) >= 4
