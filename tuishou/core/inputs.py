"""Checked inputs shared by every app's services and API shapes: ids that are integers, amounts written
plainly, and people's text (operators' reasons, titles) of a bounded length without control characters or
bidirectional overrides.

The checks raise ``InvalidInput`` with a stable code (``request.id_invalid``, ``request.text_too_long``,
``request.text_unsafe``, ``money.malformed``, ``request.page_invalid``), also from inside an API shape: pydantic
passes any exception that is not a ``ValueError`` through, so the API answers the code itself rather than a generic 422.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, PlainValidator, Strict, WithJsonSchema

from tuishou.core.errors import CoreError, InvalidInput
from tuishou.core.money import parse_amount

BIGINT_MAX = 2**63 - 1
# Ceilings above every app's own limit (a campaign's title 60, a product's 120; an inspection's reason 200),
# which the services still apply with their own codes: these keep what no column or page was made for out.
REASON_MAX = 1000
TITLE_MAX = 200

# Embeddings, overrides and isolates (U+202A–202E, U+2066–2069) reorder what a reader sees: "‮gpj.exe".
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_DIGITS = re.compile(r"[0-9]{1,19}")


def text_check(value: str, *, field: str, max_length: int, multiline: bool = False) -> str:
    """``value`` when it is at most ``max_length`` characters and holds no control character (but line breaks
    and tabs when ``multiline``) and no bidirectional override; raises ``InvalidInput`` otherwise."""
    if len(value) > max_length:
        raise InvalidInput(CoreError.TEXT_TOO_LONG, field=field, maximum=max_length,
                           details={"field": field, "max_length": max_length})
    allowed = "\n\r\t" if multiline else ""
    if _BIDI_CONTROLS.search(value) or any(
            unicodedata.category(char) == "Cc" and char not in allowed for char in value):
        raise InvalidInput(CoreError.TEXT_UNSAFE, field=field, details={"field": field})
    return value


def id_check(value: Any, *, field: str = "id") -> int:
    """An id: a JSON integer or a string of ASCII digits (a query or a form), 1 to a bigint. ``true``, ``1.0``,
    ``"1e3"`` and full-width digits are not ids."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= BIGINT_MAX:
        raise InvalidInput(CoreError.ID_INVALID, field=field, details={"field": field})
    return value


_PLAIN_DECIMAL = re.compile(r"\s*[+-]?[0-9]+(?:\.[0-9]+)?\s*")


def page_window(limit: int, offset: int, *, most: int) -> tuple[int, int]:
    """A list endpoint's ``(limit, offset)``: a limit above ``most`` is served as ``most`` rows; a limit below 1
    or a negative offset is refused (``request.page_invalid``, 400, ``details.field`` names it), never read as
    another page than the one asked for."""
    for field, value, least in (("limit", limit, 1), ("offset", offset, 0)):
        if value < least:
            raise InvalidInput(CoreError.PAGE_INVALID, max_page=most, details={"field": field, "value": value})
    return min(limit, most), offset


def plain_decimal(value: Any, *, field: str | None) -> Decimal:
    """A decimal written plainly ("0.3", "12", or a JSON integer); "1e3", "1_000", full-width digits, floats and
    ``true`` are refused with ``request.decimal_malformed``."""
    field = field or "value"
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)  # a JSON integer; ``true`` falls through to the refusal
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if not isinstance(value, str) or not _PLAIN_DECIMAL.fullmatch(value):
        raise InvalidInput(CoreError.DECIMAL_MALFORMED, field=field, value=str(value)[:40], details={"field": field})
    return Decimal(value.strip())


def _text(max_length: int, *, multiline: bool) -> Any:
    def check(value: Any, info) -> str:
        if not isinstance(value, str):
            raise ValueError("must be a string")
        return text_check(value, field=info.field_name or "text", max_length=max_length, multiline=multiline)

    return Annotated[str, PlainValidator(check, json_schema_input_type=str),
                     WithJsonSchema({"type": "string", "maxLength": max_length})]


def _id(value: Any, info) -> int:
    return id_check(value, field=info.field_name or "id")


def _amount(value: Any, info) -> Decimal:
    return parse_amount(value, field=info.field_name or "amount")


# An id in a body, a query or a form: an integer 1 … 2⁶³−1, never ``true`` or ``1.0``.
Id = Annotated[int, PlainValidator(_id, json_schema_input_type=int),
               WithJsonSchema({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})]
# A money amount given as a plain decimal string ("19.90"); "1e3", "1_000.00" and full-width digits are refused.
Amount = Annotated[Decimal, BeforeValidator(_amount),
                   WithJsonSchema({"type": "string", "pattern": r"^\s*[+-]?[0-9]+(\.[0-9]+)?\s*$"})]
# A decimal that is not money (a share, a rating, a rate), given as a plain decimal string or a JSON integer.
PlainDecimal = Annotated[Decimal, BeforeValidator(lambda value, info: plain_decimal(value, field=info.field_name)),
                         WithJsonSchema({"type": "string", "pattern": r"^\s*[+-]?[0-9]+(\.[0-9]+)?\s*$"})]
# A count in a body (a quantity, a stock level): a JSON integer, never ``true``, ``1.0`` or ``"1"``.
Count = Annotated[int, Strict()]
# An operator's reason or a note: up to 1,000 characters, line breaks allowed.
Reason = _text(REASON_MAX, multiline=True)
# A title or a name shown to others: one line of up to 200 characters.
Title = _text(TITLE_MAX, multiline=False)


def bounded_text(max_length: int, *, multiline: bool = False) -> Any:
    """A text type of another length, with the same refusals as ``Reason`` and ``Title``."""
    return _text(max_length, multiline=multiline)


class ReasonIn(Schema):
    """An operator's reason for a decision, required."""

    reason: Reason


class OptionalReasonIn(Schema):
    """An operator's reason for a decision, which may be left empty."""

    reason: Reason = ""
