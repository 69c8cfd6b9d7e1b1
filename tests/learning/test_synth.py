"""The demo city's perpetrator learning: profiles for its persons of concern, a history that
makes the learning set releasable, one approved and one waiting case study."""

from __future__ import annotations

from datetime import date
from typing import Any

import jsonschema
import pytest

from lantern.intelligence import graphstore
from lantern.intelligence.models import PersonOfConcern
from lantern.intelligence.synth import add_networks
from lantern.learning import pack as packs
from lantern.learning.models import CaseStudy
from lantern.learning.synth import add_learning
from lantern.synth.generator import CityConfig, build_city


@pytest.mark.django_db
def test_the_demo_city_gets_profiles_a_history_and_case_studies(db: Any) -> None:
    graphstore.reset()
    build_city(CityConfig(seed=11, people=150, today=date(2026, 11, 20)))
    add_networks(seed=11, people=400)
    current = PersonOfConcern.objects.count()
    report = add_learning(seed=11)
    assert report.profiles == current
    assert report.level is not None, "the demo's learning set must be releasable"
    assert PersonOfConcern.objects.exclude(group_role="").count() == current + report.history
    studies = list(CaseStudy.objects.order_by("pk"))
    assert [s.is_released for s in studies] == [True, False]
    assert studies[0].approved_by != studies[0].author
    content = packs.build("2026Q3").content
    jsonschema.validate(content, packs.schema())
    assert [c["title"] for c in content["case_studies"]] == [studies[0].title]
    assert content["learning_set"]["status"] == "k_anonymous"
    graphstore.reset()
