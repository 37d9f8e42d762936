"""Exceptions of the pure incentive engine (利益机制引擎), in the platform's error hierarchy.

Each is an `InvalidInput` (``tuishou.core.errors``, pure Python like the engine) with a stable code
from `EngineErrorCode`, so the platform can let one reach the API as it is; the command line turns
them into exit code 2 with a one-line message. ``str(error)`` is the one-line message (the offending
field or record first), while ``error.message`` is the problem alone, as before.
"""

from __future__ import annotations

from typing import Any

from tuishou.core.errors import ErrorCode, InvalidInput
from tuishou.core.errors import gettext_noop as _


class EngineErrorCode(ErrorCode):
    """The engine's error codes. The message is the problem the engine found, as it words it (a field path and
    what is wrong there, in the plan's own terms), so the template is the problem itself; ``summary`` says in a
    sentence what kind of problem it is."""

    PLAN_INVALID = "incentives.plan_invalid", _("{problem}")
    INPUT_INVALID = "incentives.input_invalid", _("{problem}")
    BATCH_INPUT_INVALID = "incentives.batch_input_invalid", _("{problem}")

    @property
    def summary(self) -> str:
        return SUMMARIES[self]


SUMMARIES = {
    EngineErrorCode.PLAN_INVALID: "The incentive plan cannot be read or is invalid.",
    EngineErrorCode.INPUT_INVALID: "The network, orders or options given to the engine are invalid.",
    EngineErrorCode.BATCH_INPUT_INVALID: "The batch engine cannot price this plan or these arrays.",
}


class _EngineError(InvalidInput):
    """An engine error naming where the problem is (`where`, or None) and what it is (`message`)."""

    code_member: EngineErrorCode

    def __init__(self, where: str | None, message: str, details: dict[str, Any]) -> None:
        super().__init__(self.code_member, problem=message, details=details)
        self._where = where

    def __str__(self) -> str:
        return f"{self._where}: {self.message}" if self._where else self.message


class PlanError(_EngineError):
    """A plan document that cannot be read or is invalid (``incentives.plan_invalid``).

    `field` is the path of the offending field (``rules[2].rates.partner``), or ``None`` when the
    document as a whole is unreadable; `message` says what is wrong with it.
    """

    code_member = EngineErrorCode.PLAN_INVALID

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(field, message, {"field": field})
        self.field = field

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.message))


class InputError(_EngineError):
    """Bad input to the engine or the command line: network, orders, options (``incentives.input_invalid``).

    `record` names the offending record (``orders[3] (id "o4")``), or ``None`` for an option.
    """

    code_member = EngineErrorCode.INPUT_INVALID

    def __init__(self, record: str | None, message: str) -> None:
        super().__init__(record, message, {"record": record})
        self.record = record

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.record, self.message))


class BatchEngineError(_EngineError):
    """The plan or the arrays cannot be priced by the batch engine (``incentives.batch_input_invalid``)."""

    code_member = EngineErrorCode.BATCH_INPUT_INVALID

    def __init__(self, message: str) -> None:
        super().__init__(None, message, {})

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,))
