"""Removing another area's imported learning pack: the hub manager only, page, API and
command, each removal audited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lantern.core.models import AuditAction, AuditEvent
from lantern.learning import services
from lantern.learning.models import ImportedPack
from tests.conftest import Partnership
from tests.learning import world as w


def _import(p: Partnership) -> tuple[ImportedPack, str]:
    raw = json.dumps(w.their_pack(p, "2026Q3"))
    return services.pack_import(actor=p.manager, raw=raw, source_name="theirs.json"), raw


def _removals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event="learning_pack.removed"))


def test_the_manager_confirms_and_removes_a_pack_through_the_page(
    partnership: Partnership, as_user: Any
) -> None:
    pack, raw = _import(partnership)
    client = as_user(partnership.manager)
    listed = client.get(reverse("learning:packs")).content.decode()
    url = reverse("learning:pack_remove", args=[pack.pk])
    assert url in listed
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert f"Remove {pack.area_name}" in confirm.content.decode()
    assert ImportedPack.objects.filter(pk=pack.pk).exists()  # a GET removes nothing

    removed = client.post(url)

    assert removed.status_code == 302
    assert removed["Location"] == reverse("learning:packs")
    assert not ImportedPack.objects.filter(pk=pack.pk).exists()
    [event] = _removals()
    assert event.username == partnership.manager.username
    assert event.detail["sha256"] == pack.sha256
    assert event.detail["period"] == "2026Q3"
    # The same file can be imported again once removed.
    again = services.pack_import(actor=partnership.manager, raw=raw)
    assert again.sha256 == pack.sha256


def test_the_api_removes_a_pack(partnership: Partnership, as_user: Any) -> None:
    pack, _ = _import(partnership)
    client = as_user(partnership.manager)
    url = reverse("api-learning-pack-compare", args=[pack.pk])

    assert client.delete(url).status_code == 204
    assert not ImportedPack.objects.exists()
    assert len(_removals()) == 1
    gone = client.delete(url)
    assert gone.status_code == 404
    assert gone["Content-Type"] == "application/problem+json"


def test_the_command_removes_a_pack(partnership: Partnership) -> None:
    pack, _ = _import(partnership)
    call_command("learning", "remove-pack", str(pack.pk))
    assert not ImportedPack.objects.exists()
    assert len(_removals()) == 1
    with pytest.raises(CommandError, match="no imported learning pack"):
        call_command("learning", "remove-pack", str(pack.pk))


@pytest.mark.parametrize(
    "who", ["board", "practitioner", "analyst", "school_lead", "police_officer", "admin"]
)
def test_others_may_not_remove_a_pack(partnership: Partnership, as_user: Any, who: str) -> None:
    pack, _ = _import(partnership)
    client = as_user(getattr(partnership, who))
    page = reverse("learning:pack_remove", args=[pack.pk])
    for response in (
        client.get(page),
        client.post(page),
        client.delete(reverse("api-learning-pack-compare", args=[pack.pk])),
    ):
        assert response.status_code == 403, (who, response.status_code)
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == 3
    assert ImportedPack.objects.filter(pk=pack.pk).exists()
    assert _removals() == []
    if who == "board":  # the board reads packs, so it is not shown a link to remove one
        listed = client.get(reverse("learning:packs")).content.decode()
        assert page not in listed
