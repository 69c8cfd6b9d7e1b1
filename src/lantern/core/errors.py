"""Domain errors: a business rule said no.

Services raise these; one mapping turns them into what each interface shows: form errors on
a page (:func:`lantern.core.forms.apply_service_errors`), RFC 9457 problems in the API
(:func:`lantern.core.problems.problem_exception_handler`: 400 for invalid values, naming
each; 422 for a rule that refuses; 409 for a conflict with what Lantern already holds) and
a command's error message.

- :class:`InvalidError` – values that break the domain's rules, keyed by the attribute
  of the thing described (``what_was_seen``, ``occurred_on``), never by a form's field;
- :class:`DomainError` – a rule refuses the request as a whole (or one attribute of it);
- :class:`ConflictError` – it conflicts with what Lantern already holds.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


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


class InvalidError(DomainError, ValidationError):  # type: ignore[misc]  # both say "message"
    """Values that break the domain's rules: one message, or one or more per attribute.

    It is also Django's ``ValidationError`` (same shape: a message, a list, or a dict of
    attribute to messages), so model and form machinery read it as they always have.
    """

    status = 400

    def __init__(self, message: Any, code: str | None = None) -> None:
        ValidationError.__init__(self, message, code=code)
        text = "; ".join(str(m) for m in self.messages)
        self.message = text
        self.field = ""
