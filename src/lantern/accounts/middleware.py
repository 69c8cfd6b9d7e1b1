"""Attach the acting membership to each request and enforce the hub's second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from lantern.accounts.actors import actor_for_request

# Paths a signed-in user may reach before choosing a role or proving a second factor.
_OPEN_PREFIXES = ("/static/", "/accounts/", "/api/", "/favicon")


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = actor_for_request(request)
        request.actor = actor  # type: ignore[attr-defined]
        if request.user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            if actor is None:
                return redirect("accounts:choose_role")
            if (
                actor.is_hub
                and settings.LANTERN_REQUIRE_2FA_FOR_HUB
                and not request.user.is_verified()  # type: ignore[attr-defined]
            ):
                return redirect("accounts:two_factor")
        return self.get_response(request)
