"""Reconciliation of materials reward periods with the ledger (registered with ``tuishou reconcile``).

The materials reward pool account holds exactly the pools of the open periods; every settled period's lines
were each paid by their own entry for exactly their amount, and paid + returned is the pool; a cancelled open
period returned its whole pool.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from tuishou.community.models_rewards import RewardLine, RewardPeriod
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.reconcile import Mismatch, reconcile_check

ZERO = Decimal("0.00")
S = RewardPeriod.Status


@reconcile_check("materials_rewards", "the materials reward pool holds the open periods' pools, and every "
                                      "settled period paid its authors' lines and returned the rest exactly")
def check_materials_rewards() -> Iterable[Mismatch]:
    pool = Account.objects.filter(kind=Account.Kind.MATERIALS_REWARD_POOL).first()
    held = pool.amount if pool is not None else ZERO
    want = sum(RewardPeriod.objects.filter(status=S.OPEN).values_list("pool", flat=True), ZERO)
    if held != want:
        yield Mismatch(subject="account materials_reward_pool", found=str(held), expected=f"{want} = Σ open pools")
    moved: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in (JournalLine.objects.filter(account__kind=Account.Kind.MATERIALS_REWARD_POOL,
                                                   entry__kind__in=[JournalEntry.Kind.MATERIALS_REWARD,
                                                                    JournalEntry.Kind.MATERIALS_REWARD_POOL])
                        .values_list("entry__key", "amount").iterator()):
        moved[key] += amount
    lines: dict[int, list[RewardLine]] = defaultdict(list)
    for line in RewardLine.objects.order_by("period_id", "author_id").iterator():
        lines[line.period_id].append(line)
    for period in RewardPeriod.objects.order_by("pk"):
        subject = f"reward period #{period.pk}"
        funded = -moved.get(f"materials_reward:{period.pk}:fund", ZERO)
        if funded != (period.pool if period.funded_at else ZERO):
            yield Mismatch(subject=subject, found=f"funded {funded}",
                           expected=str(period.pool) if period.funded_at else "nothing before funding")
        returned = moved.get(f"materials_reward:{period.pk}:return", ZERO)
        if returned != period.returned_total:
            yield Mismatch(subject=subject, found=f"returned {returned}", expected=str(period.returned_total))
        if period.status == S.CANCELLED and period.funded_at and period.returned_total != period.pool:
            yield Mismatch(subject=subject, found=f"returned {period.returned_total}", expected=f"{period.pool}")
        if period.status != S.SETTLED:
            continue
        paid = ZERO
        for line in lines.get(period.pk, []):
            booked = moved.get(f"materials_reward:{period.pk}:author:{line.author_id}", ZERO)
            paid += line.amount
            if booked != line.amount:
                yield Mismatch(subject=f"{subject} author {line.author_id}", found=f"booked {booked}",
                               expected=str(line.amount))
        if paid != period.paid_total or paid + period.returned_total != period.pool:
            yield Mismatch(subject=subject, found=f"paid {paid} + returned {period.returned_total}",
                           expected=f"{period.paid_total} paid, {period.pool} in all")
