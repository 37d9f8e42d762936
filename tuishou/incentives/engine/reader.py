"""Field-by-field validation of a parsed plan document, keeping the path for error messages.

`Reader` turns raw YAML/JSON values into typed values or raises `PlanError` naming the field
(``rules[2].rates.partner``) and the problem. The plan loader and every rule type read through it, so
all plan errors are worded alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tuishou.incentives.engine.errors import PlanError

_DECIMAL_RE = re.compile(r"-?\d+(\.\d+)?")

RankRate = Decimal | dict[str, Decimal]
"""A rate for every rank, or rates keyed by rank id (0 for ranks not listed)."""


def join(path: str, key: str) -> str:
    """The path of `key` inside `path`."""
    return f"{path}.{key}" if path else key


def kind(value: Any) -> str:
    """What a value is, for messages: ``nothing`` for None, else its type name."""
    return "nothing" if value is None else type(value).__name__


class Reader:
    """Validators for one document; `rank_ids` are the plan's ranks once they have been read."""

    def __init__(self) -> None:
        self.rank_ids: tuple[str, ...] = ()

    @staticmethod
    def mapping(value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> Mapping:
        if not isinstance(value, Mapping):
            raise PlanError(path or None, f"expected a mapping, got {kind(value)}")
        for key in value:
            if key not in allowed:
                raise PlanError(join(path, str(key)), f"unknown field (expected one of: {', '.join(allowed)})")
        for key in required:
            if key not in value:
                raise PlanError(join(path, key), "required")
        return value

    @staticmethod
    def decimal(value: Any, path: str) -> Decimal:
        if isinstance(value, bool | float):
            raise PlanError(path, f'write decimals as strings, e.g. "0.10" (got {value!r})')
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, str) and _DECIMAL_RE.fullmatch(value.strip()):
            number = Decimal(value.strip())
        else:
            raise PlanError(path, f"malformed decimal {value!r}")
        if number < 0:
            raise PlanError(path, f"must not be negative (got {value})")
        return number

    @staticmethod
    def integer(value: Any, path: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PlanError(path, f"expected a whole number, got {value!r}")
        if value < minimum:
            raise PlanError(path, f"must be at least {minimum} (got {value})")
        return value

    @staticmethod
    def boolean(value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise PlanError(path, f"expected true or false, got {value!r}")
        return value

    @staticmethod
    def text(value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise PlanError(path, f"expected a non-empty string, got {value!r}")
        return value

    @staticmethod
    def choice(value: Any, path: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise PlanError(path, f"unknown value {value!r} (expected one of: {', '.join(choices)})")
        return value

    def rank(self, value: Any, path: str) -> str:
        if value not in self.rank_ids:
            raise PlanError(path, f"unknown rank {value!r} (ranks: {', '.join(self.rank_ids)})")
        return value

    def rank_rates(self, value: Any, path: str) -> dict[str, Decimal]:
        if not isinstance(value, Mapping):
            raise PlanError(path, f"expected a mapping of rank to rate, got {kind(value)}")
        rates = {}
        for key, rate in value.items():
            rates[self.rank(key, join(path, str(key)))] = self.decimal(rate, join(path, str(key)))
        return rates

    def rate_or_rank_rates(self, value: Any, path: str) -> RankRate:
        return self.rank_rates(value, path) if isinstance(value, Mapping) else self.decimal(value, path)

    def days(self, spec: Mapping, path: str) -> int | None:
        return None if spec.get("days") is None else self.integer(spec["days"], f"{path}.days", 1)


def dump_rate(rate: RankRate) -> Any:
    """A rate or rates by rank as the document writes them (decimal strings)."""
    return {k: str(v) for k, v in rate.items()} if isinstance(rate, dict) else str(rate)
