"""Background tasks that turn an event into messages, enqueued after the event's transaction commits.

Each task reads the committed facts (commissions of an order, the refund's ledger lines, the withdrawal, the
new member, the rank record) and sends one message per person through ``message_send``, whose key makes a
task that runs twice send once.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django_tasks import task

from tuishou.incentives.selectors import engine_plan, plan_version_in_force
from tuishou.ledger.models import Account, JournalLine
from tuishou.network.models import Promoter, RankRecord
from tuishou.network.selectors import public_name
from tuishou.notifications.models import Message
from tuishou.notifications.services import message_send
from tuishou.orders.models import Order
from tuishou.settlement.models import Commission
from tuishou.settlement.refunds import refund_key
from tuishou.wallets.models import Withdrawal

K = Message.Kind


def _users_of(promoter_ids) -> dict[int, int]:
    return dict(Promoter.objects.filter(pk__in=list(promoter_ids)).values_list("pk", "user_id"))


@task()
def notify_order_paid(order_id: int) -> int:
    """新佣金: each promoter credited on a paid order hears what it earned them (pending)."""
    order = Order.objects.only("number").get(pk=order_id)
    earned = (Commission.objects.filter(order_id=order_id).values("promoter_id")
              .annotate(total=Sum("accrued_amount")).order_by("promoter_id"))
    users = _users_of(row["promoter_id"] for row in earned)
    sent = 0
    for row in earned:
        if row["total"] and row["total"] > 0:
            sent += message_send(recipient_id=users[row["promoter_id"]], kind=K.COMMISSION_NEW,
                                 key=f"commission_new:{order_id}:{row['promoter_id']}",
                                 params={"order": order.number, "amount": row["total"]}) is not None
    return sent


@task()
def notify_order_refunded(order_id: int, case_id: int) -> int:
    """佣金扣回: each promoter whose commission a refund reduced hears by how much (the refund entry's debits
    on their pending or available account)."""
    order = Order.objects.only("number").get(pk=order_id)
    promoter_kinds = [Account.Kind.PROMOTER_PENDING, Account.Kind.PROMOTER_AVAILABLE]
    lines = (JournalLine.objects.filter(entry__key=refund_key(order_id, case_id), amount__gt=0,
                                        account__kind__in=promoter_kinds)
             .values_list("account__promoter_id", "amount"))
    taken: dict[int, Decimal] = defaultdict(Decimal)
    for promoter_id, amount in lines:
        taken[promoter_id] += amount
    users = _users_of(taken)
    return sum(message_send(recipient_id=users[pid], kind=K.COMMISSION_REDUCED,
                            key=f"commission_reduced:{order_id}:{case_id}:{pid}",
                            params={"order": order.number, "amount": amount}) is not None
               for pid, amount in sorted(taken.items()))


@task()
def notify_commissions_settled(commission_ids: list[int]) -> int:
    """佣金可提现: one message per promoter for the commissions one settlement chunk made available."""
    rows = (Commission.objects.filter(pk__in=commission_ids, settled_amount__gt=0).values("promoter_id")
            .annotate(total=Sum("settled_amount")).order_by("promoter_id"))
    users = _users_of(row["promoter_id"] for row in rows)
    first = min(commission_ids) if commission_ids else 0
    return sum(message_send(recipient_id=users[row["promoter_id"]], kind=K.COMMISSION_AVAILABLE,
                            key=f"commission_available:{first}:{len(commission_ids)}:{row['promoter_id']}",
                            params={"amount": row["total"]}) is not None
               for row in rows)


WITHDRAWAL_KINDS = {Withdrawal.Status.PAID: K.WITHDRAWAL_PAID, Withdrawal.Status.REJECTED: K.WITHDRAWAL_REFUSED,
                    Withdrawal.Status.FAILED: K.WITHDRAWAL_FAILED}


@task()
def notify_withdrawal_finished(withdrawal_id: int) -> int:
    """提现到账 / 被拒 / 失败: the promoter hears how their withdrawal ended."""
    withdrawal = Withdrawal.objects.select_related("promoter").get(pk=withdrawal_id)
    kind = WITHDRAWAL_KINDS.get(withdrawal.status)
    if kind is None or withdrawal.promoter is None:  # a merchant's payout: its page shows the status
        return 0
    return int(message_send(recipient_id=withdrawal.promoter.user_id, kind=kind,
                            key=f"withdrawal:{withdrawal_id}:{withdrawal.status}",
                            params={"amount": withdrawal.amount, "net": withdrawal.net,
                                    "reason": withdrawal.reason}) is not None)


@task()
def notify_promoter_joined(promoter_id: int) -> int:
    """新成员: the sponsor hears that someone joined their team (a first-level downline)."""
    member = Promoter.objects.select_related("user", "sponsor").get(pk=promoter_id)
    if member.sponsor is None:
        return 0
    return int(message_send(recipient_id=member.sponsor.user_id, kind=K.TEAM_JOINED,
                            key=f"team_joined:{promoter_id}",
                            params={"name": public_name(member.user.display_name, member.user.phone)}) is not None)


def _rank_names(community_id: int) -> dict[str, str]:
    version = plan_version_in_force(community_id=community_id)
    return {rank.id: rank.name for rank in engine_plan(version).ranks} if version is not None else {}


@task()
def notify_rank_changed(record_id: int) -> int:
    """等级变化: the promoter hears their new rank (by the plan's names)."""
    record = RankRecord.objects.select_related("promoter").get(pk=record_id)
    names = _rank_names(record.promoter.community_id)
    return int(message_send(recipient_id=record.promoter.user_id, kind=K.RANK_CHANGED, key=f"rank:{record_id}",
                            params={"rank": names.get(record.rank, record.rank),
                                    "previous": names.get(record.previous_rank, record.previous_rank)}) is not None)
