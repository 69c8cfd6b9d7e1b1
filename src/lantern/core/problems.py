"""RFC 9457 problem details for every API error.

One handler maps DRF errors, Django validation errors and access refusals to the same
shape: ``type``, ``title``, ``status``, ``detail``, ``instance`` and, for invalid input,
``errors`` (a list of ``{"field", "message"}``), served as ``application/problem+json``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from lantern.core.errors import DomainError

PROBLEM_BASE = "https://lantern.invalid/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"

_TITLES = {
    400: ("invalid-input", "Your request has errors"),
    401: ("not-authenticated", "Sign in or send a valid token"),
    403: ("access-refused", "You do not have access to this"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("rule-refused", "A rule does not allow this"),
    429: ("too-many-requests", "Too many requests"),
}


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            name = "" if key in {"non_field_errors", "__all__"} else key
            out.extend(_flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                out.extend(_flatten(value, f"{prefix}[{index}]"))
            else:
                out.extend(_flatten(value, prefix))
        return out
    return [{"field": prefix, "message": str(detail)}]


def problem_response(
    status_code: int,
    detail: str,
    *,
    instance: str = "",
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    slug, title = _TITLES.get(status_code, ("error", "Something went wrong"))
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    body.update(extensions or {})
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    # The path only: a query string may carry search text (people's names).
    instance = request.path if request is not None else ""
    if isinstance(exc, DomainError) and not isinstance(exc, ValidationError):
        return problem_response(
            exc.status,
            exc.message,
            instance=instance,
            errors=[{"field": exc.field, "message": exc.message}] if exc.field else None,
            extensions=exc.extensions(),
        )
    if isinstance(exc, ValidationError):
        errors: Any = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return problem_response(
            status.HTTP_400_BAD_REQUEST,
            "Some of the values you sent are not valid.",
            instance=instance,
            errors=_flatten(errors),
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        k: v
        for k, v in response.headers.items()
        if k in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            response.status_code,
            "Some of the values you sent are not valid.",
            instance=instance,
            errors=_flatten(exc.detail),
            headers=headers,
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    return problem_response(response.status_code, str(detail), instance=instance, headers=headers)
