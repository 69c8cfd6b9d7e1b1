from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lantern.intelligence import access


def intelligence(request: HttpRequest) -> dict[str, Any]:
    """Whether the navigation offers Intelligence to the acting membership."""
    actor = getattr(request, "actor", None)
    return {"may_see_intelligence": actor is not None and access.may_read(actor)}
