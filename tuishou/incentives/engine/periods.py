"""Period rules, settled per calendar month: team-volume bonus (团队业绩奖) and pools (分红池).

Volumes are turned into integers at one common scale so that every payout is the exact decimal
amount rounded down once per (period, recipient, rule). Group volume is computed bottom-up over the
whole sponsor tree without recursion, so chains of any depth work. Compression and caps never
apply to period rules.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from decimal import Decimal

from tuishou.incentives.engine.compiled import POOL, TEAM_VOLUME
from tuishou.incentives.engine.errors import InputError
from tuishou.incentives.engine.orders import Payout, cents_to_decimal
from tuishou.incentives.engine.plan import Plan


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

    schedule_mins = [m for rule in compiled.period_rules if rule[0] == TEAM_VOLUME for m in rule[2]]
    scale = 10 ** _scale_of([*personal_volume.values(), *self_purchase_volume.values(), *schedule_mins])
    pv_all = {pid: int(personal_volume.get(pid, 0) * scale) for pid in order}

    def group_volume(pv: dict[str, int]) -> dict[str, int]:
        gv = dict(pv)
        for pid in order:  # downlines before their sponsor
            sponsor = sponsors[pid]
            if sponsor is not None:
                gv[sponsor] += gv[pid]
        return gv

    gv_all: dict[str, int] | None = None
    d = compiled.denominator
    to_fen = d * scale  # an integer volume v times an integer rate r pays r * v * 100 // to_fen fen
    earned: dict[str, list[tuple[int, str, int]]] = {}

    for rule_index, rule in enumerate(compiled.period_rules):
        kind, label = rule[0], rule[1]
        if kind == TEAM_VOLUME:
            mins = [int(m * scale) for m in rule[2]]
            rates = rule[3]
            if rule[4]:
                pv = pv_all
                gv = gv_all = gv_all or group_volume(pv_all)
            else:
                pv = {pid: v - int(self_purchase_volume.get(pid, 0) * scale) for pid, v in pv_all.items()}
                gv = group_volume(pv)
            # A GV below the smallest min earns rate 0.
            rate_of = {pid: (rates[i - 1] if (i := bisect_right(mins, g)) else 0) for pid, g in gv.items()}
            numerators = {pid: rate_of[pid] * pv[pid] for pid in order}
            for pid in order:
                sponsor = sponsors[pid]
                if sponsor is not None:
                    gap = rate_of[sponsor] - rate_of[pid]
                    if gap > 0:
                        numerators[sponsor] += gap * gv[pid]
            for pid, numerator in numerators.items():
                fen = numerator * 100 // to_fen
                if fen:
                    earned.setdefault(pid, []).append((rule_index, label, fen))
        elif kind == POOL:
            share, min_rank, by_volume = rule[2], rule[3], rule[4]
            recipients = [pid for pid in order if ranks.get(pid, 0) >= min_rank]
            pool = share * sum(pv_all.values()) * 100  # the pool in fen, times to_fen
            if not recipients or not pool:
                continue
            if by_volume:
                gv = gv_all = gv_all or group_volume(pv_all)
                total_gv = sum(gv[pid] for pid in recipients)
                if not total_gv:
                    continue  # no volume at all: nothing is paid
                shares = {pid: pool * gv[pid] // (to_fen * total_gv) for pid in recipients}
            else:
                each = pool // (to_fen * len(recipients))
                shares = dict.fromkeys(recipients, each)
            for pid, fen in shares.items():
                if fen:
                    earned.setdefault(pid, []).append((rule_index, label, fen))

    return [
        Payout(pid, label, cents_to_decimal(fen), None, period)
        for pid in sorted(earned)
        for _, label, fen in sorted(earned[pid])
    ]
