"""Minutes per recipient agency: what an agency may not see is redacted, in the HTML and in
the PDF's text, not hidden; issued minutes never change; a correction is a new version."""

from __future__ import annotations

import io

import pypdf
import pytest

from lantern.core.errors import InvalidError
from lantern.meetings import services
from lantern.meetings.models import Minutes
from tests.conftest import Partnership

from .world import (
    CONDITIONS_TEXT,
    OTHER_CHILD_TEXT,
    PLAIN_TEXT,
    SEXUAL_HEALTH_TEXT,
    MeetingWorld,
    build,
)


def pdf_text(record: Minutes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(bytes(record.pdf)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def world(partnership: Partnership) -> MeetingWorld:
    return build(partnership)


def _issued(world: MeetingWorld) -> dict[str, Minutes]:
    issued = services.minutes_issue(actor=world.p.practitioner, meeting=world.meeting)
    return {m.recipient.code: m for m in issued}


#: recipient: (must appear, must not appear)
EXPECTED = {
    "hub": (
        ["Jade Panelcase", "Tyler Otherchild", PLAIN_TEXT, CONDITIONS_TEXT, OTHER_CHILD_TEXT],
        [SEXUAL_HEALTH_TEXT],
    ),
    "school": (
        ["Jade Panelcase", PLAIN_TEXT, "Arrange a return home interview"],
        [
            "Tyler",
            "Otherchild",
            OTHER_CHILD_TEXT,
            SEXUAL_HEALTH_TEXT,
            CONDITIONS_TEXT,
            "AB12",
            "Visit the flat",
            "Police to visit",
        ],
    ),
    "police": (
        ["Jade Panelcase", "Tyler Otherchild", CONDITIONS_TEXT, OTHER_CHILD_TEXT],
        [SEXUAL_HEALTH_TEXT],
    ),
    "clinic": (
        ["Jade Panelcase", SEXUAL_HEALTH_TEXT, PLAIN_TEXT],
        ["Tyler", "Otherchild", OTHER_CHILD_TEXT, CONDITIONS_TEXT, "AB12"],
    ),
}


def test_every_invited_agency_gets_its_own_version(world: MeetingWorld) -> None:
    issued = _issued(world)
    assert set(issued) == set(EXPECTED)
    assert {m.version for m in issued.values()} == {1}


@pytest.mark.parametrize("recipient", sorted(EXPECTED))
def test_minutes_contain_nothing_the_recipient_may_not_see(
    world: MeetingWorld, recipient: str
) -> None:
    record = _issued(world)[recipient]
    shown, withheld = EXPECTED[recipient]
    texts = {"html": record.html, "pdf": pdf_text(record)}
    for kind, text in texts.items():
        for phrase in shown:
            assert phrase in text, (recipient, kind, phrase)
        for phrase in withheld:
            assert phrase not in text, (recipient, kind, phrase)
    assert "Redacted" in texts["pdf"]
    assert record.redactions >= 1


def test_redaction_notices_say_what_kind_of_thing_was_withheld(world: MeetingWorld) -> None:
    school = pdf_text(_issued(world)["school"])
    assert "restricted category (sexual health)" in school
    assert "handling code C" in school
    assert "about a person Test Academy is not involved with" in school


def test_issued_minutes_are_immutable(world: MeetingWorld) -> None:
    record = _issued(world)["school"]
    record.html = "changed"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        Minutes.objects.filter(pk=record.pk).update(html="changed")
    with pytest.raises(PermissionError):
        record.delete()
    assert PLAIN_TEXT in Minutes.objects.get(pk=record.pk).html


def test_a_correction_is_a_new_version_and_the_first_is_kept(world: MeetingWorld) -> None:
    first = _issued(world)["school"]
    with pytest.raises(InvalidError):
        services.minutes_issue(actor=world.p.practitioner, meeting=world.meeting)
    services.item_record(
        actor=world.p.practitioner,
        item=world.school_item,
        decisions="Strategy discussion on Monday.",
    )
    corrected = {
        m.recipient.code: m
        for m in services.minutes_issue(
            actor=world.p.practitioner,
            meeting=world.meeting,
            correction_reason="The strategy discussion moved to Monday.",
        )
    }
    assert corrected["school"].version == 2
    assert "Strategy discussion on Monday." in corrected["school"].html
    assert "The strategy discussion moved to Monday." in pdf_text(corrected["school"])
    again = Minutes.objects.get(pk=first.pk)
    assert "Strategy discussion tomorrow." in again.html
    assert again.sha256 == first.sha256


def test_an_agency_involved_later_still_gets_what_it_was_given(world: MeetingWorld) -> None:
    """The documents are stored as issued: a later change of involvement changes nothing."""
    first = _issued(world)["school"]
    assert "Otherchild" not in Minutes.objects.get(pk=first.pk).html
