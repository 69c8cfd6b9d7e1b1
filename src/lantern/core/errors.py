"""Domain errors: a business rule said no.

Services raise these (never form-field plumbing); one mapping turns them into what each
interface shows: form errors on a page (:func:`lantern.core.forms.apply_service_errors`),
RFC 9457 problems in the API (:func:`lantern.core.problems.problem_exception_handler`:
422 for invalid input, 409 for a conflict with what Lantern already holds).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """The request is understood but a rule refuses it (422 in the API)."""

    status = 422

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def extensions(self) -> dict[str, Any]:
        """Extra members of the API's problem document (RFC 9457 extension members)."""
        return {}


class ConflictError(DomainError):
    """The request conflicts with what Lantern already holds (409 in the API)."""

    status = 409
