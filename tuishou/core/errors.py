"""One domain error hierarchy with stable codes (pure Python: no Django import).

Every error the platform shows a person or an API client is a ``DomainError``: a stable dotted ``code``
(``network.invite_code_unknown``), a human ``message`` and optional ``details``. The API renders all of
them in one JSON shape (see ``tuishou.api``); HTTP status comes from the subclass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """Base of every error the platform reports on purpose."""

    status = 400

    def __init__(self, code: str, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = dict(details or {})

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class InvalidInput(DomainError):
    """The request is malformed or breaks a rule of the domain (400)."""


class NotFound(DomainError):
    """The thing asked for does not exist, or the caller may not know it exists (404)."""

    status = 404


class PermissionDenied(DomainError):
    """The caller is known but may not do this (403)."""

    status = 403


class NotAuthenticated(DomainError):
    """No valid credentials came with the request (401)."""

    status = 401


class Conflict(DomainError):
    """The request clashes with the current state: a duplicate, a state that moved on (409)."""

    status = 409
