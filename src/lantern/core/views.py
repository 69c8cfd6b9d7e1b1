"""Home, health and error pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lantern.core.access import Actor
from lantern.core.panels import panel_context
from lantern.core.problems import PROBLEM_BASE, PROBLEM_CONTENT_TYPE


def actor_of(request: HttpRequest) -> Actor:
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None:  # ActorMiddleware redirects before this for signed-in users
        raise RuntimeError("No acting membership on this request")
    return actor


def with_actor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; the view receives the acting membership as ``actor``."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, actor_of(request), *args, **kwargs)

    return wrapped


@with_actor
def home(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "core/home.html", panel_context("home", actor))


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    reason = getattr(exception, "reason", "") or str(exception)
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        # A URL no API route matches (``/api/cases/1.5/``) is a problem, like any API error.
        body = {
            "type": f"{PROBLEM_BASE}not-found",
            "title": "Not found",
            "status": 404,
            "detail": "There is no such API resource.",
            "instance": request.path,
        }
        return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
    return render(request, "errors/404.html", status=404)
