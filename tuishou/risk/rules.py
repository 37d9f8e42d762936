"""The detection rules of risk flags (刷单 and self-dealing) and their thresholds (pure Python: no Django import).

Each rule has a stable ``code`` (what flags, settings, the API and the audit log name it by), a title and an
explanation an operator reads, and declared thresholds with defaults and bounds. Operators change thresholds in
the rules settings (``RiskRule`` rows); the detection (``tuishou.risk.detection``) reads the effective values.
A rule fires when the figure it watches reaches its threshold (``>=``): exactly at the threshold, not below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tuishou.core.errors import InvalidInput, NotFound, Phrase
from tuishou.core.errors import gettext_noop as _
from tuishou.risk.errors import RiskError

NEW_ACCOUNT_CLUSTER = "new_account_cluster"
SHARED_DESTINATION = "shared_destination"
REFUND_AFTER_SETTLEMENT = "refund_after_settlement"
SELF_PURCHASE_RATIO = "self_purchase_ratio"
SIGNUP_VELOCITY = "signup_velocity"
_PLAIN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?", re.ASCII)


@dataclass(frozen=True)
class Param:
    """One threshold: whole numbers unless ``decimal``; the value must lie in [minimum, maximum]."""

    name: str
    label: str
    default: Decimal
    minimum: Decimal
    maximum: Decimal
    decimal: bool = False

    def parse(self, code: str, value: Any) -> Decimal:
        """The value as a Decimal within bounds (an int unless ``decimal``); ``risk.param_invalid``."""
        if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
            raise self._invalid(code)
        if isinstance(value, str) and not _PLAIN.fullmatch(value.strip()):
            raise self._invalid(code)  # plain decimal digits only: no 1e3, 1_000, full-width digits
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise self._invalid(code) from None
        if not number.is_finite() or not (self.minimum <= number <= self.maximum):
            raise self._invalid(code)
        if not self.decimal and number != number.to_integral_value():
            raise self._invalid(code)
        if self.decimal and number.as_tuple().exponent < -2:
            raise self._invalid(code)
        return number if self.decimal else Decimal(int(number))

    def _invalid(self, code: str) -> InvalidInput:
        return InvalidInput(RiskError.PARAM_INVALID, label=Phrase(self.label), minimum=self.minimum,
                            maximum=self.maximum, details={"field": self.name, "rule": code})


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    explanation: str
    params: tuple[Param, ...]
    holds: bool = True  # whether the flag's orders' commissions are held (a sign-up flag has no orders)

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def effective(self, stored: dict[str, Any] | None) -> dict[str, Decimal]:
        """The thresholds in force: the stored ones that still parse, the defaults for the rest."""
        values = {}
        for param in self.params:
            raw = (stored or {}).get(param.name)
            try:
                values[param.name] = param.parse(self.code, raw) if raw is not None else param.default
            except InvalidInput:
                values[param.name] = param.default
        return values

    def validate(self, changes: dict[str, Any]) -> dict[str, str]:
        """Parse an operator's ``changes``: {name: canonical string}; ``risk.param_unknown`` / ``param_invalid``."""
        known = {p.name for p in self.params}
        for name in changes:
            if name not in known:
                raise InvalidInput(RiskError.PARAM_UNKNOWN, code=self.code, name=str(name)[:40],
                                   details={"field": str(name)[:40]})
        return {name: str(self.param(name).parse(self.code, value)) for name, value in changes.items()}


def _int(name: str, label: str, default: int, minimum: int, maximum: int) -> Param:
    return Param(name, label, Decimal(default), Decimal(minimum), Decimal(maximum))


def _dec(name: str, label: str, default: str, minimum: str, maximum: str) -> Param:
    return Param(name, label, Decimal(default), Decimal(minimum), Decimal(maximum), decimal=True)


RULES: dict[str, Rule] = {rule.code: rule for rule in (
    Rule(NEW_ACCOUNT_CLUSTER, _("New accounts buying through one link"),
         _("Accounts registered within a few days buying through the same share link (or promoter) within a "
           "short window: a farming cluster (刷单)."),
         (_int("account_age_days", _("Account age (days) counted as new"), 7, 1, 365),
          _int("window_hours", _("Window (hours)"), 24, 1, 24 * 90),
          _int("min_accounts", _("New accounts to flag"), 5, 2, 10_000))),
    Rule(SHARED_DESTINATION, _("Many accounts shipping to one phone or address"),
         _("Orders from different buyer accounts delivered to the same phone number or the same address."),
         (_int("window_days", _("Window (days)"), 30, 1, 365),
          _int("min_accounts", _("Buyer accounts to flag"), 3, 2, 10_000))),
    Rule(REFUND_AFTER_SETTLEMENT, _("Refunds right after settlement"),
         _("An order refunded soon after its commissions were settled: commission taken out, then the money "
           "asked back."),
         (_int("within_hours", _("Refund within (hours) of settlement"), 72, 1, 24 * 90),)),
    Rule(SELF_PURCHASE_RATIO, _("Self-purchases far above sales to others"),
         _("A promoter whose own purchases (自购) are many times what they sell to others, above a minimum amount."),
         (_int("window_days", _("Window (days)"), 30, 1, 365),
          _dec("min_ratio", _("Self-purchases ÷ sales to others"), "3", "0.1", "1000"),
          _dec("min_amount", _("Minimum self-purchases (yuan)"), "1000", "0", "10000000"))),
    Rule(SIGNUP_VELOCITY, _("Sign-up bursts under one sponsor"),
         _("Many promoters signing up under the same sponsor within a few hours."),
         (_int("window_hours", _("Window (hours)"), 24, 1, 24 * 30),
          _int("min_signups", _("Sign-ups to flag"), 10, 2, 10_000)),
         holds=False),
)}


def rule_get(code: str) -> Rule:
    """The rule of ``code``; ``risk.rule_not_found``."""

    rule = RULES.get(code)
    if rule is None:
        raise NotFound(RiskError.RULE_NOT_FOUND, code=str(code)[:40], details={"code": str(code)[:40]})
    return rule
