"""Test data for settlement: real orders made through the orders, stores, network and catalog services."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from tests.orders import factories as of
from tuishou.ledger.models import Account, JournalEntry
from tuishou.network.models import Promoter
from tuishou.network.services import promoter_rank_set
from tuishou.orders import aftersales
from tuishou.orders.fulfilment import order_confirm_receipt, order_ship, orders_complete
from tuishou.orders.models import AfterSalesCase, Order

K = Account.Kind

# The spec's worked example 2: direct, self-purchase, tiers (ranks member < shopkeeper).
EXAMPLE_2 = """
id: example-2
name: 例二 直推、自购、层级
jurisdiction: us
ranks:
  - {id: member, name: 会员}
  - {id: shopkeeper, name: 店主}
settlement: {freeze_days: 15, after: received}
disclosure: true
rules:
  - {type: direct, rate: {shopkeeper: "0.50"}}
  - {type: self_purchase, rate: "0.05"}
  - {type: tiers, rates: ["0.10", "0.05"], min_rank: shopkeeper}
"""

# The spec's worked example 5: team-volume schedule {0: 2%, 10 000: 4%, 100 000: 6%, 500 000: 8%}.
EXAMPLE_5 = """
id: example-5
name: 例五 团队业绩奖
jurisdiction: us
ranks:
  - {id: member, name: 会员}
settlement: {freeze_days: 7, after: received}
disclosure: true
rules:
  - {type: team_volume, period: month, schedule: [{min: "0", rate: "0.02"}, {min: "10000", rate: "0.04"},
                                                  {min: "100000", rate: "0.06"}, {min: "500000", rate: "0.08"}]}
"""


def money(text: str) -> Decimal:
    return Decimal(text)


def rank(promoter: Promoter, rank_id: str) -> Promoter:
    promoter_rank_set(promoter, rank_id, source="evaluation", effective_at=timezone.now())
    promoter.refresh_from_db()
    return promoter


def example_2_chain() -> tuple[Promoter, Promoter, Promoter]:
    """X (shopkeeper) ← Y (member) ← Z (shopkeeper, the root): X's sponsor is Y, Y's is Z."""
    z = rank(of.root("Z"), "shopkeeper")
    y = rank(of.invitee(z, "Y"), "member")
    x = rank(of.invitee(y, "X"), "shopkeeper")
    return x, y, z


def self_purchase(after_commit, promoter: Promoter, *, price: str = "400.00", rate: str = "0.2000",
                  quantity: int = 1, merchant=None) -> Order:
    """The promoter buys for themselves (自购): the order is credited to them."""
    item = of.sku(merchant=merchant, price=price, rate=rate, stock=quantity + 10)
    return of.paid_order(after_commit, person=promoter.user, item=item, quantity=quantity)


def received(order: Order) -> Order:
    """The merchant ships, the buyer confirms receipt."""
    order_ship(actor=of.owner(order.merchant), order_id=order.pk, carrier="顺丰", tracking_number="SF1")
    order_confirm_receipt(actor=order.buyer, order_id=order.pk)
    return Order.objects.get(pk=order.pk)


def completed(order: Order) -> Order:
    """Received, and completed once its after-sales window has closed."""
    order = received(order)
    orders_complete(now=order.received_at + timedelta(days=7, seconds=1))
    return Order.objects.get(pk=order.pk)


def refund(after_commit, order: Order, *, amount: str | None = None, lines=None,
           now: datetime | None = None) -> AfterSalesCase:
    """The buyer asks for a refund (of an amount, or of lines), the merchant accepts, the gateway refunds."""
    case = aftersales.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="不想要了",
                                      amount=amount, lines=lines, now=now)
    with after_commit():
        aftersales.aftersales_answer(actor=of.owner(order.merchant), case_id=case.pk, accept=True)
    return AfterSalesCase.objects.get(pk=case.pk)


def account_amount(kind: str, owner=None) -> Decimal:
    """An account's amount as its owner reads it (0 when it was never opened)."""
    if owner is None:
        account = Account.objects.filter(kind=kind, promoter=None, merchant=None).first()
    elif isinstance(owner, Promoter):
        account = Account.objects.filter(kind=kind, promoter=owner).first()
    else:
        account = Account.objects.filter(kind=kind, merchant=owner).first()
    return account.amount if account is not None else Decimal("0.00")


def entry(key: str) -> JournalEntry:
    return JournalEntry.objects.get(key=key)


def lines_of(entry: JournalEntry) -> list[tuple[str, Decimal]]:
    """(account key, amount) of an entry's lines, in posting order."""
    return [(line.account.key, line.amount) for line in entry.lines.select_related("account").order_by("id")]
