"""Test data for merchants' payouts: real orders through the orders services, settled by the settlement run,
then withdrawn through the real services."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from tests.orders import factories as of
from tests.settlement import factories as sf
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.merchants.models import Merchant, MerchantStaff
from tuishou.settlement.settle import settlement_run
from tuishou.wallets import merchant_payouts, services
from tuishou.wallets.models import MerchantPayoutAccount, PayoutEvent, Withdrawal, WithdrawalStatusChange

K = Account.Kind
BANK = {"account_name": "山野优品贸易有限公司", "account_number": "6222 0212 3456 7890", "bank": "招商银行"}
_keys = itertools.count(1)


def merchant(*, fee_rate: str = "0.0500") -> Merchant:
    return of.shop(fee_rate=fee_rate)


def owner(shop: Merchant):
    return of.owner(shop)


def staff(shop: Merchant, role: str = MerchantStaff.Role.STAFF):
    person = of.user("店员")
    MerchantStaff.objects.create(merchant=shop, user=person, role=role)
    return person


def finance():
    return of.operator("finance")


def sale(after_commit, shop: Merchant, *, price: str = "400.00", rate: str = "0.2000"):
    """A paid order of one unit, no promoter: B = price × rate, fee = price × fee rate, the merchant the rest."""
    return of.paid_order(after_commit, item=of.sku(merchant=shop, price=price, rate=rate, stock=5), quantity=1)


def settled_sale(after_commit, shop: Merchant, *, price: str = "400.00", rate: str = "0.2000"):
    """A sale received by the buyer and settled: its share is in the merchant's available payable."""
    order = sf.received(sale(after_commit, shop, price=price, rate=rate))
    settlement_run(as_of=order.received_at + timedelta(days=60))
    return order


def account_set(shop: Merchant, **overrides) -> MerchantPayoutAccount:
    return merchant_payouts.merchant_payout_account_set(actor=owner(shop), merchant_id=shop.pk,
                                                        **{**BANK, **overrides})


def withdraw(shop: Merchant, amount: str, *, actor=None, key: str | None = None) -> Withdrawal:
    return merchant_payouts.merchant_withdrawal_request(actor=actor or owner(shop), merchant_id=shop.pk,
                                                        amount=amount, idempotency_key=key or f"m-{next(_keys)}")


def approve(withdrawal: Withdrawal, actor=None) -> Withdrawal:
    return services.withdrawal_approve(actor=actor or finance(), withdrawal_id=withdrawal.pk)


def balances(shop: Merchant) -> dict[str, Decimal]:
    """The merchant's four balances as it reads them."""
    found = {a.kind: a.amount for a in Account.objects.filter(merchant=shop)}
    return {name: found.get(kind, Decimal("0.00")) for name, kind in (
        ("pending", K.MERCHANT_PENDING), ("available", K.MERCHANT_PAYABLE), ("frozen", K.MERCHANT_FROZEN),
        ("withdrawn", K.MERCHANT_WITHDRAWN))}


def written() -> tuple[int, ...]:
    """Counts of every row a withdrawal could write: what a refused request must leave unchanged."""
    return (Withdrawal.objects.count(), WithdrawalStatusChange.objects.count(), JournalEntry.objects.count(),
            JournalLine.objects.count(), Account.objects.count(), PayoutEvent.objects.count(),
            MerchantPayoutAccount.objects.count())

