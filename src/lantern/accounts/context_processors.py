from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def actor(request: HttpRequest) -> dict[str, Any]:
    return {
        "actor": getattr(request, "actor", None),
        "area_name": settings.LANTERN_AREA_NAME,
        "demo_mode": settings.LANTERN_DEMO,
    }
