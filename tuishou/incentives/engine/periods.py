"""Period rules, settled per calendar month: team-volume bonus (团队业绩奖) and pools (分红池).

Volumes are turned into integers at one common scale so that every payout is the exact decimal
amount rounded down once per (period, recipient, rule). Group volume is computed bottom-up over the
whole sponsor tree without recursion, so chains of any depth work. Compression and caps never
apply to period rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from tuishou.incentives.engine.errors import InputError
from tuishou.incentives.engine.orders import Payout, cents_to_decimal
from tuishou.incentives.engine.plan import Plan
from tuishou.incentives.engine.rules.context import PeriodVolumes


def bottom_up_order(sponsors: Mapping[str, str | None]) -> list[str]:
    """Promoter ids, every promoter after all of its downlines (a reversed pre-order walk).

    Raises `InputError` for a sponsor that is not a promoter, or a cycle in the sponsor tree.
    """
    children: dict[str, list[str]] = {pid: [] for pid in sponsors}
    roots: list[str] = []
    for pid, sponsor in sponsors.items():
        if sponsor is None:
            roots.append(pid)
        elif sponsor not in children:
            raise InputError(f'promoter "{pid}"', f'unknown sponsor "{sponsor}"')
        else:
            children[sponsor].append(pid)
    walk: list[str] = []
    stack = roots
    while stack:
        pid = stack.pop()
        walk.append(pid)
        stack.extend(children[pid])
    if len(walk) != len(sponsors):
        reached = set(walk)
        stuck = next(pid for pid in sponsors if pid not in reached)
        raise InputError(f'promoter "{stuck}"', "is on a cycle in the sponsor tree")
    walk.reverse()
    return walk


def _scale_of(values: list[Decimal]) -> int:
    places = 0
    for value in values:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            places = -exponent
    return places


def period_payouts(
    plan: Plan,
    *,
    period: str,
    sponsors: Mapping[str, str | None],
    ranks: Mapping[str, int],
    personal_volume: Mapping[str, Decimal],
    self_purchase_volume: Mapping[str, Decimal] | None = None,
) -> list[Payout]:
    """The payouts of one period (``2026-10``) under the plan's period rules.

    `sponsors` maps every promoter of the community to its sponsor (None for the root);
    `ranks` gives rank indexes (missing: the lowest); `personal_volume` (PV) is the Σ B of the
    orders credited to each promoter in the period, less refunds. `self_purchase_volume` is the
    part of PV from self-purchases (自购), left out by a team_volume rule with ``count_self: false``.
    Payouts are listed by promoter id, then rule order; zero payouts are left out.
    """
    compiled = plan.compiled
    if not compiled.period_rules:
        return []
    self_purchase_volume = self_purchase_volume or {}
    for name, volumes in (("personal_volume", personal_volume), ("self_purchase_volume", self_purchase_volume)):
        for pid, volume in volumes.items():
            if pid not in sponsors:
                raise InputError(f'{name} "{pid}"', "is not a promoter of the network")
            if not volume.is_finite() or volume < 0:
                raise InputError(f'{name} "{pid}"', f"must be a non-negative amount, got {volume}")
    order = bottom_up_order(sponsors)
    thresholds = [m for step in compiled.period_rules for m in step.rule.volume_thresholds()]
    scale = 10 ** _scale_of([*personal_volume.values(), *self_purchase_volume.values(), *thresholds])
    volumes = PeriodVolumes(
        order=order,
        sponsors=sponsors,
        ranks=ranks,
        pv={pid: int(personal_volume.get(pid, 0) * scale) for pid in order},
        self_pv={pid: int(v * scale) for pid, v in self_purchase_volume.items()},
        scale=scale,
        to_fen=compiled.denominator * scale,
    )
    earned: dict[str, list[tuple[int, str, int]]] = {}
    for rule_index, step in enumerate(compiled.period_rules):
        for pid, fen in step.rule.pay_period(step.data, volumes).items():
            if fen:
                earned.setdefault(pid, []).append((rule_index, step.label, fen))
    return [
        Payout(pid, label, cents_to_decimal(fen), None, period)
        for pid in sorted(earned)
        for _, label, fen in sorted(earned[pid])
    ]
