"""One domain error hierarchy with stable codes (pure Python: no Django import).

Every error the platform shows a person or an API client is a ``DomainError``: a stable dotted ``code``
(``network.invite_code_unknown``), a human ``message`` and optional machine ``details``. The API renders all
of them in one JSON shape (see ``tuishou.api``); HTTP status comes from the subclass.

Codes are members of one ``ErrorCode`` enum per app (``tuishou/<app>/errors.py``). A member's value is the
dotted code and it carries an English message template with named placeholders; a raise names the member and
the placeholders' values::

    raise InvalidInput(CatalogError.PRICE_NOT_POSITIVE, field=field, details={"field": field})

``message`` is the English text; ``template`` and ``params`` stay on the error so that a page or the API can
render it in the reader's language (``tuishou.core.i18n.error_message``).
"""

from __future__ import annotations

import enum
import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Mapping
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark a message template for translation without translating it (as Django's ``gettext_noop``).

    Catalog extraction (``makemessages``) finds the templates by this name; the translation happens when the
    message is rendered, in the reader's language.
    """
    return message


class ErrorCode(enum.StrEnum):
    """Base of the per-app code enums: ``NAME = "app.code", _("English template with {placeholders}.")``.

    A member *is* its code string (``CatalogError.PRICE_NOT_POSITIVE == "catalog.price_not_positive"``), so
    comparisons and the JSON shape stay plain strings.
    """

    template: str

    def __new__(cls, code: str, template: str = ""):
        member = str.__new__(cls, code)
        member._value_ = code
        member.template = template
        return member

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self.name}: {self.value!r}>"


def error_code_enums() -> list[type[ErrorCode]]:
    """Every ``ErrorCode`` enum: each app's ``tuishou.<app>.errors`` is imported first, then every enum defined
    so far is listed (an enum kept elsewhere counts once its module is imported)."""
    package = importlib.import_module("tuishou")
    for app in pkgutil.iter_modules(package.__path__):
        if app.ispkg and importlib.util.find_spec(f"tuishou.{app.name}.errors") is not None:
            importlib.import_module(f"tuishou.{app.name}.errors")
    found: list[type[ErrorCode]] = []
    pending = list(ErrorCode.__subclasses__())
    while pending:
        enum_cls = pending.pop(0)
        found.append(enum_cls)
        pending.extend(enum_cls.__subclasses__())
    return found


def error_code(code: str) -> ErrorCode:
    """The member whose value is ``code`` (``"orders.transition_invalid"``), for a helper shared by apps that
    knows the app only by name; ``LookupError`` when no enum has it."""
    for enum_cls in error_code_enums():
        if code in enum_cls._value2member_map_:
            return enum_cls(code)
    raise LookupError(f"no error-code enum has {code!r}")


class Phrase(str):
    """Text given as a placeholder's value that is translated too when the message is rendered.

    Mark its source with ``gettext_noop`` so that extraction finds it: ``problem=Phrase(_("12 to 19 digits"))``.
    A phrase whose translation needs more than its text (a label with a message context) carries it as ``lazy``, an
    object whose ``str()`` is the text in the active language; the phrase itself stays the English text.
    """

    lazy: object = None

    def translated(self, translate: Callable[[str], str]) -> str:
        return str(self.lazy) if self.lazy is not None else translate(self)


class _Params(dict):
    """The placeholders' values; one a raise forgot shows as ``{name}`` rather than failing inside an error."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class DomainError(Exception):
    """Base of every error the platform reports on purpose."""

    status = 400

    def __init__(self, code: ErrorCode, /, *, details: Mapping[str, Any] | None = None, **params: Any) -> None:
        if not isinstance(code, ErrorCode):
            raise TypeError(f"a DomainError's code is an ErrorCode member, not {code!r}")
        self.code = code
        self.template = code.template
        self.params = params
        self.details = dict(details or {})
        self.message = self.render()
        super().__init__(self.message)

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        """The message, its template first passed through ``translate`` (a gettext) when one is given."""
        if translate is None:
            return self.template.format_map(_Params(self.params))
        params = {k: v.translated(translate) if isinstance(v, Phrase) else v for k, v in self.params.items()}
        return translate(self.template).format_map(_Params(params))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": str(self.code), "message": self.message}
        if self.details:
            body["details"] = self.details
        return body

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.code)!r}, {self.message!r})"


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


class PayloadTooLarge(DomainError):
    """The request's body is larger than the platform accepts (413)."""

    status = 413


class TooManyRequests(DomainError):
    """Too many attempts in a while: throttled or locked out for a time (429)."""

    status = 429


class CallbackRejected(InvalidInput):
    """A provider's callback we refuse (payment gateway or payout provider): forged, stale, malformed or
    contradicting our books (400, logged as an event)."""


_ = gettext_noop


class CoreError(ErrorCode):
    """Codes of the platform itself: the request's shape, money amounts, anything unexpected."""

    CONFLICT = "conflict", _("The request clashes with the current state.")
    JOB_FAILED = "core.job_failed", _("The work stopped on an unexpected error; it has been logged.")
    JOB_NOT_FOUND = "core.job_not_found", _("Job {job_id} does not exist, or it is not yours.")
    DECIMAL_MALFORMED = "request.decimal_malformed", _(
        "{field}: {value!r} is not a number; give it as a plain decimal string.")
    ID_INVALID = "request.id_invalid", _("{field}: an id is a whole number from 1, written plainly.")
    INTERNAL_ERROR = "internal_error", _("Something went wrong on our side; it has been logged.")
    MONEY_MALFORMED = "money.malformed", _("{field}: {value!r} is not an amount; give it as a decimal string.")
    MONEY_NEGATIVE = "money.negative", _("{field}: must not be negative.")
    MONEY_TOO_LARGE = "money.too_large", _("{field}: {value} is larger than any amount the platform handles.")
    MONEY_TOO_PRECISE = "money.too_precise", _("{field}: {value} has more than {digits} decimal places.")
    NOT_FOUND = "not_found", _("Not found.")
    PAGE_INVALID = "request.page_invalid", _("limit must be 1–{max_page} and offset at least 0.")
    REQUEST_BAD = "request.bad", _("The request cannot be understood: {problem}")
    REQUEST_ERROR = "request.error", _("The request cannot be served: {problem}")
    REQUEST_FORBIDDEN = "request.forbidden", _("The request was refused: {problem}")
    REQUEST_INVALID = "request.invalid", _("The request is not valid: {problems}")
    REQUEST_TOO_LARGE = "request.too_large", _("The request's body is larger than {limit} bytes.")
    TEXT_TOO_LONG = "request.text_too_long", _("{field}: at most {maximum} characters.")
    TEXT_UNSAFE = "request.text_unsafe", _("{field}: control characters and text-direction overrides are not allowed.")
    REQUEST_METHOD_NOT_ALLOWED = "request.method_not_allowed", _("This address does not accept this method.")
