"""The parts of a plan besides its rules: ranks, compression, binding, settlement, caps.

Frozen data, read from the document by ``plan.load_plan``. The rules are in ``rules``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tuishou.incentives.engine.conditions import Test

PROFILES = ("cn-strict", "cn", "us", "eu")
# Currencies whose minor unit is 0.01; the engine rounds to two decimals.
CURRENCIES = ("CNY", "HKD", "USD", "EUR", "GBP")
BINDING_MODES = ("first_click", "last_click", "registration")
SETTLEMENT_AFTER = ("received", "completed")


@dataclass(frozen=True, slots=True)
class Rank:
    """A rank (等级). `qualify` None: the lowest rank, or a rank assigned only by an operator."""

    id: str
    name: str
    qualify: Test | None = None


@dataclass(frozen=True, slots=True)
class Compression:
    """Compression (缩层): inactive promoters are skipped when walking up the chain."""

    active_if: Test


@dataclass(frozen=True, slots=True)
class Binding:
    """How a consumer is bound to a promoter (锁粉): first_click | last_click | registration."""

    mode: str
    valid_days: int | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    """Commission becomes withdrawable `freeze_days` after the order is `after` (received)."""

    freeze_days: int
    after: str = "received"


@dataclass(frozen=True, slots=True)
class Caps:
    """Payout caps (拨出比): Σ payouts of one order ≤ per_order × B."""

    per_order: Decimal | None = None
