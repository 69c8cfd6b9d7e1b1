"""The meeting pages, as a hub practitioner uses them: schedule, agenda, attendance, record,
room view, issue, read; and the plan pages. Forms keep what was typed when refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.actions.models import Action
from lantern.meetings.models import Meeting, Minutes
from tests.conftest import Partnership

from .world import OTHER_CHILD_TEXT, SEXUAL_HEALTH_TEXT, build


def test_a_meeting_from_schedule_to_issued_minutes(  # noqa: PLR0915 - one walk, end to end
    partnership: Partnership, as_user: Any
) -> None:
    p = partnership
    world = build(p, record=False)
    Meeting.objects.filter(pk=world.meeting.pk).delete()  # this test schedules its own
    client = as_user(p.practitioner)
    day = (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")
    refused = client.post(
        reverse("meetings:new"),
        {"meeting_type": "strategy_child", "held_on": day, "held_time": "10:00"},
    )
    assert refused.status_code == 200
    assert "is about one case" in refused.content.decode()
    response = client.post(
        reverse("meetings:new"),
        {"meeting_type": "mace", "held_on": day, "held_time": "10:00", "title": "Panel B"},
    )
    meeting = Meeting.objects.get(title="Panel B")
    assert response.url == reverse("meetings:agenda", kwargs={"pk": meeting.pk})
    page = client.get(response.url).content.decode()
    assert "Jade Panelcase" in page
    assert "significant risk" in page
    keys = [f"case:{world.school_case.pk}", f"case:{world.police_case.pk}"]
    client.post(response.url, {"chosen": keys, "added": "Any other business"})
    assert meeting.items.count() == 3
    invited = list(meeting.invitations.values_list("agency_id", flat=True))
    data = {f"attendance_{a}": "attended" for a in invited}
    data["invite"] = str(p.housing.pk)
    saved = client.post(reverse("meetings:attendance", kwargs={"pk": meeting.pk}), data)
    assert saved.status_code == 302, saved.context["form"].errors
    item = meeting.items.get(case=world.school_case)
    url = reverse("meetings:item", kwargs={"pk": item.pk})
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "form": "note",
            "note-note_agency": world.clinic.pk,
            "note-note_text": SEXUAL_HEALTH_TEXT,
            "note-restricted_category": "sexual_health",
            "note-decisions": "Strategy discussion tomorrow.",
        },
    )
    kept = client.post(
        url,
        {
            "form": "action",
            "action-title": "Visit",
            "action-owner_agency": p.housing.pk,
            "action-due_working_days": "3",
        },
    )
    assert "not involved" in kept.content.decode()
    assert 'value="Visit"' in kept.content.decode()
    client.post(
        url,
        {
            "form": "action",
            "action-title": "Visit school",
            "action-owner_agency": p.school.pk,
            "action-due_working_days": "3",
        },
    )
    assert Action.objects.filter(source_kind="meeting_item", source_id=item.pk).count() == 1
    detail = client.get(reverse("meetings:detail", kwargs={"pk": meeting.pk})).content.decode()
    assert SEXUAL_HEALTH_TEXT in detail  # whoever recorded it reads it
    # An analyst at the hub who does not hold the sexual health category does not.
    analyst = as_user(p.analyst).get(reverse("meetings:detail", kwargs={"pk": meeting.pk}))
    assert SEXUAL_HEALTH_TEXT not in analyst.content.decode()
    assert "You do not hold that category" in analyst.content.decode()
    client = as_user(p.practitioner)
    room = client.get(reverse("meetings:room", kwargs={"pk": meeting.pk})).content.decode()
    assert SEXUAL_HEALTH_TEXT not in room
    issued = client.post(reverse("meetings:issue", kwargs={"pk": meeting.pk}), {})
    assert issued.status_code == 302, issued.context["form"].errors
    school = Minutes.objects.get(meeting=meeting, recipient=p.school)
    as_user(p.school_lead)
    listed = client.get(reverse("meetings:minutes_list")).content.decode()
    assert "Panel B" in listed
    html = client.get(reverse("meetings:minutes", kwargs={"pk": school.pk}))
    assert html.status_code == 200
    assert "Jade Panelcase" in html.content.decode()
    assert "Otherchild" not in html.content.decode()
    pdf = client.get(reverse("meetings:minutes_pdf", kwargs={"pk": school.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    police = Minutes.objects.get(meeting=meeting, recipient=p.police)
    assert client.get(reverse("meetings:minutes", kwargs={"pk": police.pk})).status_code == 403


def test_room_view_withholds_people_an_attending_agency_is_not_involved_with(
    partnership: Partnership, as_user: Any
) -> None:
    world = build(partnership)
    room = (
        as_user(partnership.practitioner)
        .get(reverse("meetings:room", kwargs={"pk": world.meeting.pk}))
        .content.decode()
    )
    # The school attends and is not involved with Tyler.
    assert "Otherchild" not in room
    assert OTHER_CHILD_TEXT not in room
    assert "Jade Panelcase" in room


@pytest.mark.parametrize("who", ["school_lead", "housing_officer", "board", "admin", "analyst"])
def test_only_hub_caseworkers_schedule(partnership: Partnership, as_user: Any, who: str) -> None:
    assert as_user(getattr(partnership, who)).get(reverse("meetings:new")).status_code == 403


def test_plan_pages(partnership: Partnership, as_user: Any) -> None:
    p = partnership
    world = build(p, record=False)
    client = as_user(p.practitioner)
    url = reverse("meetings:plan_edit", kwargs={"case_pk": world.school_case.pk})
    later = (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")
    client.post(
        url,
        {
            "goals": "Home by 9pm\nSees the nurse",
            "person_words": "I want my phone back.",
            "review_on": later,
        },
    )
    refused = client.post(
        url,
        {"goals": "Home by 9pm", "person_words": "I want to go to college.", "review_on": later},
    )
    assert "Say what the review found" in refused.content.decode()
    assert "I want to go to college." in refused.content.decode()
    client.post(
        url,
        {
            "goals": "Home by 9pm\nStarts college",
            "person_words": "I want to go to college.",
            "review_on": later,
            "review_note": "Going well.",
        },
    )
    page = client.get(
        reverse("meetings:plan", kwargs={"case_pk": world.school_case.pk})
    ).content.decode()
    assert "Goals added" in page
    assert "Starts college" in page
    assert "<del>Sees the nurse</del>" in page
    school = as_user(p.school_lead).get(
        reverse("meetings:plan", kwargs={"case_pk": world.school_case.pk})
    )
    assert school.status_code == 200
    assert (
        as_user(p.housing_officer)
        .get(reverse("meetings:plan", kwargs={"case_pk": world.school_case.pk}))
        .status_code
        == 403
    )


def test_action_pages(partnership: Partnership, as_user: Any) -> None:
    world = build(partnership)
    p = partnership
    action = Action.objects.get(title="Arrange a return home interview")
    client = as_user(p.school_lead)
    assert (
        "Arrange a return home interview"
        in client.get(reverse("actions:list") + "?scope=agency").content.decode()
    )
    url = reverse("actions:detail", kwargs={"pk": action.pk})
    refused = client.post(url, {"status": "done", "outcome": ""})
    assert "Say what came of the action" in refused.content.decode()
    client.post(url, {"status": "done", "outcome": "Interview held."})
    assert Action.objects.get(pk=action.pk).status == "done"
    Action.objects.filter(owner_agency=p.police).update(
        due_on=timezone.localdate() - timedelta(days=30)
    )
    manager = as_user(p.manager)
    assert "Test Police" in manager.get(reverse("actions:overdue")).content.decode()
    assert (
        manager.post(
            reverse("actions:chase", kwargs={"agency_pk": p.police.pk}), {"note": "Please update"}
        ).status_code
        == 302
    )
    assert world.meeting.pk
    assert "Your actions due" in as_user(p.school_lead).get(reverse("home")).content.decode()
