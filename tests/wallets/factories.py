"""Test data for wallets: promoters from the network's factories, balances given by posting ledger entries
directly (commissions are settlement's business), withdrawals requested through the real service."""

from __future__ import annotations

import io
import itertools
import json
import time
from decimal import Decimal

from django.core.management import call_command

from tests.network import factories as network
from tuishou.ledger.entries import CommissionSnapshot
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.services import account_for, journal_post
from tuishou.wallets import sandbox, services
from tuishou.wallets.models import PayoutEvent, Withdrawal, WithdrawalStatusChange
from tuishou.wallets.sandbox_models import SandboxPayoutCallback

Kind = Account.Kind
WEBHOOK = "/api/v1/wallets/payouts/webhooks/sandbox"
ALIPAY = {"method": "alipay", "account": "13812348000", "name": "张小明"}
CARD = {"method": "bank_card", "account": "6222 0212 3456 7890", "name": "李四", "bank": "工商银行"}
_keys = itertools.count(1)


def promoter(display_name: str = ""):
    return network.root(display_name=display_name)


def finance():
    return network.operator("finance")


def _post(debit: Account, credit: Account, amount: str, *, kind: str = JournalEntry.Kind.ADJUSTMENT,
          snapshots=None) -> JournalEntry:
    value = Decimal(amount)
    return journal_post(kind=kind, key=f"test:{next(_keys)}", lines=[(debit, value), (credit, -value)],
                        snapshots=snapshots, memo="test")


def fund(owner, amount: str) -> JournalEntry:
    """Give the promoter ``amount`` of available balance (an operator adjustment paid by commission expense)."""
    return _post(account_for(Kind.COMMISSION_EXPENSE), account_for(Kind.PROMOTER_AVAILABLE, owner), amount)


def claw(owner, amount: str) -> JournalEntry:
    """Take ``amount`` back from the available balance (which may go negative, as after a clawback)."""
    return _post(account_for(Kind.PROMOTER_AVAILABLE, owner), account_for(Kind.COMMISSION_EXPENSE), amount)


def accrue(owner, amount: str, *, order_ref: str = "TS20261001001") -> JournalEntry:
    """A pending commission on ``order_ref`` (with its snapshot), as accrual books it."""
    snapshot = CommissionSnapshot(order_ref=order_ref, order_line_ref=f"{order_ref}-1", plan_id="two-level",
                                  plan_version=1, rule="direct", rate=Decimal("0.10"), base=Decimal(amount) * 10)
    return _post(account_for(Kind.COMMISSION_EXPENSE), account_for(Kind.PROMOTER_PENDING, owner), amount,
                 kind=JournalEntry.Kind.COMMISSION_ACCRUED, snapshots={1: snapshot})


def withdraw(owner, amount: str = "100.00", *, payee=None, key: str | None = None) -> Withdrawal:
    return services.withdrawal_request(promoter=owner, amount=amount, payee=payee or ALIPAY,
                                       idempotency_key=key or f"w-{next(_keys)}")


def balances(owner) -> dict[str, Decimal]:
    """The promoter's four balances and the platform's fee revenue, as people read them."""
    def amount(kind, who=None):
        account = Account.objects.filter(kind=kind, promoter=who).first()
        return account.amount if account is not None else Decimal("0.00")

    return {"available": amount(Kind.PROMOTER_AVAILABLE, owner), "frozen": amount(Kind.PROMOTER_FROZEN, owner),
            "withdrawn": amount(Kind.PROMOTER_WITHDRAWN, owner), "revenue": amount(Kind.PLATFORM_REVENUE)}


def written() -> tuple[int, ...]:
    """Counts of every row a withdrawal could write: what a refused request must leave unchanged."""
    return (Withdrawal.objects.count(), WithdrawalStatusChange.objects.count(), JournalEntry.objects.count(),
            JournalLine.objects.count(), Account.objects.count(), PayoutEvent.objects.count())


def entry_lines(key: str) -> list[tuple[str, Decimal]]:
    """An entry's lines as (account kind, signed amount), in posting order."""
    return list(JournalLine.objects.filter(entry__key=key).order_by("id").values_list("account__kind", "amount"))


def refreshed(withdrawal: Withdrawal) -> Withdrawal:
    return Withdrawal.objects.get(pk=withdrawal.pk)


def reconciled() -> None:
    """``tuishou reconcile`` passes (it raises CommandError on any mismatch)."""
    call_command("reconcile", stdout=io.StringIO())


def event_body(**fields) -> bytes:
    return json.dumps(fields, separators=(",", ":")).encode()


def post_signed(client, body: bytes, *, timestamp: int | None = None, headers: dict | None = None):
    """POST ``body`` to the payout webhook the way the sandbox does (or with the ``headers`` given)."""
    sent = headers if headers is not None else sandbox.callback_headers(body, timestamp=timestamp)
    extra = {k: v for k, v in sent.items() if k.lower() != "content-type"}
    return client.post(WEBHOOK, data=body, content_type="application/json", headers=extra)


def first_delivery() -> SandboxPayoutCallback:
    return SandboxPayoutCallback.objects.filter(copy=0).order_by("id").first()


def now_ts() -> int:
    return int(time.time())
