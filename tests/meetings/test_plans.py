"""A multi-agency plan per case: versions kept on review, and what changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lantern.actions.models import Action
from lantern.core.errors import InvalidError
from lantern.meetings.models import PlanVersion
from lantern.meetings.plans import plan_action_add, plan_diff, plan_for_case, plan_write
from tests.conftest import Partnership
from tests.factories import open_case

LATER = timezone.localdate() + timedelta(days=42)


def test_reviewing_keeps_earlier_versions_and_shows_what_changed(
    partnership: Partnership,
) -> None:
    p = partnership
    case = open_case(p, given_name="Ruby", family_name="Planned")
    first = plan_write(
        actor=p.practitioner,
        case=case,
        goals=["Ruby is home by 9pm on school nights", "Ruby sees the school nurse weekly"],
        person_words="I want my mum to stop worrying and I want to keep my phone.",
        review_on=LATER,
    )
    with pytest.raises(InvalidError) as refused:
        plan_write(
            actor=p.practitioner,
            case=case,
            goals=["Ruby is home by 9pm"],
            person_words="Same.",
            review_on=LATER,
        )
    assert "review_note" in refused.value.message_dict
    second = plan_write(
        actor=p.practitioner,
        case=case,
        goals=["Ruby is home by 9pm on school nights", "Ruby starts at the youth project"],
        person_words="I want my mum to stop worrying and I want to go to the youth project.",
        review_on=LATER + timedelta(days=14),
        review_note="Going missing has stopped; the nurse visits ended as Ruby asked.",
    )
    assert second.version == 2
    assert PlanVersion.objects.get(pk=first.pk).goals[1] == "Ruby sees the school nurse weekly"
    diff = plan_diff(first, second)
    assert diff.goals_added == ["Ruby starts at the youth project"]
    assert diff.goals_removed == ["Ruby sees the school nurse weekly"]
    assert diff.goals_kept == ["Ruby is home by 9pm on school nights"]
    removed = "".join(w.text for w in diff.words if w.kind == "removed")
    added = "".join(w.text for w in diff.words if w.kind == "added")
    assert "keep my phone" in removed
    assert "go to the youth project" in added
    assert diff.review_moved == (LATER, LATER + timedelta(days=14))
    record = plan_for_case(p.school_lead, case.pk)
    assert [v.version for v in record.versions] == [2, 1]


def test_a_plan_needs_goals_the_persons_words_and_a_future_review(
    partnership: Partnership,
) -> None:
    p = partnership
    case = open_case(p, given_name="Ruby", family_name="Unplanned")
    with pytest.raises(InvalidError) as refused:
        plan_write(
            actor=p.practitioner,
            case=case,
            goals=["  "],
            person_words="",
            review_on=timezone.localdate(),
        )
    assert set(refused.value.message_dict) == {"goals", "person_words", "review_on"}


def test_plan_actions_and_who_may_read_and_write(partnership: Partnership) -> None:
    p = partnership
    case = open_case(p, given_name="Ruby", family_name="Access")
    plan_write(
        actor=p.practitioner,
        case=case,
        goals=["Safe"],
        person_words="I want to be left alone.",
        review_on=LATER,
    )
    plan = case.plan
    action = plan_action_add(
        actor=p.practitioner,
        plan=plan,
        title="Refer to the youth project",
        owner_agency_id=p.school.pk,
        due_working_days=10,
    )
    assert Action.objects.get(pk=action.pk).source_kind == "plan"
    assert plan_for_case(p.school_lead, case.pk).actions == [action]
    for who in (p.housing_officer, p.board, p.admin):
        with pytest.raises(PermissionDenied):
            plan_for_case(who, case.pk)
    for who in (p.school_lead, p.analyst, p.board):
        with pytest.raises(PermissionDenied):
            plan_write(
                actor=who,
                case=case,
                goals=["x"],
                person_words="x",
                review_on=LATER,
                review_note="x",
            )


def test_the_case_page_links_to_its_plan_for_those_who_may_read_it(
    partnership: Partnership, as_user: Any
) -> None:
    from django.urls import reverse

    from lantern.meetings.plans import case_panel

    p = partnership
    case = open_case(p, given_name="Ruby", family_name="Panel")
    url = reverse("cases:detail", args=[case.pk])
    page = as_user(p.practitioner).get(url).content.decode()
    assert "No multi-agency plan has been written for this case yet." in page
    assert "Write the plan" in page
    page = as_user(p.school_lead).get(url).content.decode()
    assert "No multi-agency plan has been written" in page
    assert "Write the plan" not in page  # the school reads plans; the hub writes them

    plan_write(actor=p.practitioner, case=case, goals=["Safe"],
               person_words="I want to finish college.", review_on=LATER)
    plan_write(actor=p.practitioner, case=case, goals=["Safe", "College"],
               person_words="I want to finish college.", review_on=LATER + timedelta(days=7),
               review_note="College place agreed.")
    for title in ("Refer to the youth project", "Arrange a college mentor"):
        plan_action_add(actor=p.practitioner, plan=case.plan, title=title,
                        owner_agency_id=p.school.pk, due_working_days=10)
    page = as_user(p.school_lead).get(url).content.decode()
    assert "The multi-agency plan (version 2)" in page
    assert "2 actions open" in page
    assert (LATER + timedelta(days=7)).strftime("%-d %b %Y") in page

    # An agency that is not in the case gets no panel (nor the page).
    assert case_panel(p.housing_officer, case) == {}
    assert case_panel(p.board, case) == {}
    assert case_panel(p.school_lead, case)["case_plan"]["live_actions"] == 2
