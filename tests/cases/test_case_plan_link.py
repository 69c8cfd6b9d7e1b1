"""The case page links to the case's multi-agency plan (a panel the meetings app registers,
so ``cases`` does not import meetings), only for those who may read the plan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from lantern.meetings.plans import plan_action_add, plan_write
from tests.conftest import Partnership
from tests.factories import open_case


def test_case_page_invites_the_plan_before_it_is_written(
    partnership: Partnership, as_user: Any
) -> None:
    case = open_case(partnership, given_name="Nell", family_name="Unplanned")
    page = as_user(partnership.practitioner).get(reverse("cases:detail", args=[case.pk]))
    text = page.content.decode()
    assert "No multi-agency plan has been written for this case yet." in text
    assert reverse("meetings:plan", kwargs={"case_pk": case.pk}) in text


def test_case_page_links_to_its_plan(partnership: Partnership, as_user: Any) -> None:
    p = partnership
    case = open_case(p, given_name="Ruby", family_name="Planned")
    review = timezone.localdate() + timedelta(days=42)
    plan_write(
        actor=p.practitioner,
        case=case,
        goals=["Ruby is home by 9pm on school nights"],
        person_words="I want to keep my phone.",
        review_on=review,
    )
    version = case.plan.versions.get()
    plan_action_add(
        actor=p.practitioner,
        plan=version.plan,
        title="Book the youth project",
        owner_agency_id=p.school.pk,
        due_working_days=5,
    )
    plan_url = reverse("meetings:plan", kwargs={"case_pk": case.pk})
    # The hub and the school (the agency that referred, so in the case) read the plan.
    for who in (p.practitioner, p.school_lead):
        text = as_user(who).get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert f'href="{plan_url}"' in text, who
        assert "The multi-agency plan (version 1)" in text
        assert f"to be reviewed by {review:%-d %b %Y}" in text
        assert "1 action open" in text
        assert as_user(who).get(plan_url).status_code == 200
