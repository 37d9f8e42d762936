"""Reads for wallets: a promoter's wallet (钱包) and its history, withdrawals, the operators' review queue.

Every figure comes from the ledger: the wallet is the promoter's four ledger accounts — pending (待结算,
inside the after-sales window), available (可提现), frozen (提现冻结: held by withdrawals under review or in
payment) and withdrawn (已提现, to date) — and the history is their journal lines. Beside them, "pending
booking" (待入账): commissions of paid orders the batched accrual has not booked into the ledger yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import NotFound
from tuishou.core.money import CURRENCY
from tuishou.ledger.models import Account, JournalLine
from tuishou.ledger.selectors import owner_balances
from tuishou.merchants.models import Merchant
from tuishou.network.models import Promoter
from tuishou.settlement.accrual_batch import pending_booking_amount
from tuishou.settlement.selectors import promoter_withdrawable
from tuishou.wallets.errors import WalletError
from tuishou.wallets.models import PayoutIncident, Withdrawal
from tuishou.wallets.reasons import Reason, reason_for
from tuishou.wallets.rules import WithdrawalRules, withdrawal_rules_from

ZERO = Decimal("0.00")
# Daily limits count calendar days in China, whatever TIME_ZONE the server runs in.
BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
Kind = Account.Kind


def withdrawal_rules() -> WithdrawalRules:
    """The withdrawal rules in force (settings ``TUISHOU["WITHDRAWAL_*"]``)."""
    return withdrawal_rules_from(settings.TUISHOU)


@dataclass(frozen=True)
class Wallet:
    """A promoter's wallet as they read it; ``available`` is negative while a clawback is being recovered."""

    pending: Decimal
    available: Decimal
    frozen: Decimal
    withdrawn: Decimal
    withdrawable: Decimal
    currency: str
    withdrawals_left_today: int
    rules: WithdrawalRules
    pending_booking: Decimal = ZERO  # commissions of paid orders the batched accrual has not booked yet (待入账)


def wallet_get(promoter: Promoter, *, now: datetime | None = None) -> Wallet:
    """The promoter's balances from their ledger accounts, what they may withdraw, and the day's allowance."""
    balances = owner_balances(promoter)
    rules = withdrawal_rules()
    return Wallet(pending=balances[Kind.PROMOTER_PENDING], available=balances[Kind.PROMOTER_AVAILABLE],
                  frozen=balances[Kind.PROMOTER_FROZEN], withdrawn=balances[Kind.PROMOTER_WITHDRAWN],
                  withdrawable=_withdrawable(promoter), currency=CURRENCY,
                  withdrawals_left_today=max(rules.daily_count - withdrawal_count_on_day(promoter, now=now), 0),
                  rules=rules, pending_booking=pending_booking_amount(promoter_id=promoter.pk))


def _withdrawable(promoter: Promoter) -> Decimal:
    """The available balance, or zero while it is negative (a clawback not yet recovered blocks withdrawals).

    Settlement owns that rule; ``withdrawal_request`` applies the same one to the locked account row. A promoter
    an operator froze (冻结) may withdraw nothing.
    """
    if promoter.frozen_at is not None:
        return Decimal("0.00")
    return promoter_withdrawable(promoter)


def business_day_bounds(at: datetime) -> tuple[datetime, datetime]:
    """Start (inclusive) and end (exclusive) of the Asia/Shanghai calendar day containing ``at``."""
    day = at.astimezone(BUSINESS_TZ).date()
    start = datetime.combine(day, time.min, tzinfo=BUSINESS_TZ)
    return start, start + timedelta(days=1)


def withdrawal_count_on_day(owner: Promoter | Merchant, *, now: datetime | None = None) -> int:
    """Withdrawals the promoter (or merchant) requested on the (Asia/Shanghai) day of ``now``, whatever became of
    them."""
    start, end = business_day_bounds(now or timezone.now())
    field = "merchant" if isinstance(owner, Merchant) else "promoter"
    return Withdrawal.objects.filter(**{field: owner}, requested_at__gte=start, requested_at__lt=end).count()


@dataclass(frozen=True)
class Movement:
    """One movement of a wallet: which balance, by how much (+ in, − out, as the promoter reads it), and why."""

    line_id: int
    at: datetime
    balance: str  # pending | available | frozen | withdrawn
    amount: Decimal
    reason: Reason
    order_ref: str | None
    withdrawal_id: int | None
    memo: str
    # What the promoter calls the order: our own order's number is its ref; another app's ``<kind>:<id>`` ref is
    # shown by the number that app gives (a coupon order by its platform's order id), with its kind.
    order_kind: str = "order"
    order_number: str | None = None


# Order references other apps write on their lines as ``<kind>:<id>`` (coupon goods: ``coupon:<id>``), with the
# function that turns one page's refs of that kind into the numbers a person knows: ``{ref: number}``. Apps add
# theirs in ``ready()``; wallets imports none of them.
ORDER_REF_NUMBERS: dict[str, Callable[[list[str]], dict[str, str]]] = {}


def _with_order_numbers(page: list[Movement]) -> list[Movement]:
    """The page with each movement's order kind and number (one query per kind of foreign ref on the page)."""
    kinds = {m.order_ref: m.order_ref.partition(":")[0] for m in page if m.order_ref}
    refs = {ref: kind for ref, kind in kinds.items() if kind in ORDER_REF_NUMBERS and ":" in ref}
    numbers: dict[str, str] = {}
    for kind in set(refs.values()):
        numbers |= ORDER_REF_NUMBERS[kind]([ref for ref, k in refs.items() if k == kind])
    return [replace(m, order_kind=refs.get(m.order_ref, "order"), order_number=numbers.get(m.order_ref, m.order_ref))
            if m.order_ref else m for m in page]


def wallet_history(promoter: Promoter, *, limit: int = 20, offset: int = 0) -> tuple[int, list[Movement]]:
    """``(total, one page)`` of every movement of the promoter's accounts, newest first (资金明细)."""
    lines = (JournalLine.objects.filter(account__promoter=promoter, account__kind__in=Account.PROMOTER_KINDS)
             .select_related("entry", "account").order_by("-id"))
    total = lines.count()
    page = [Movement(line_id=line.pk, at=line.entry.created_at, balance=line.account.kind.removeprefix("promoter_"),
                     amount=-line.amount if line.account.credit_normal else line.amount,
                     reason=reason_for(line.entry.kind), order_ref=line.order_ref,
                     withdrawal_id=_withdrawal_of_key(line.entry.key), memo=line.entry.memo)
            for line in lines[offset:offset + limit]]
    return total, _with_order_numbers(page)


def _withdrawal_of_key(key: str) -> int | None:
    """The withdrawal an entry belongs to, from its key ``withdrawal:<id>:<step>`` (see services)."""
    prefix, _, rest = key.partition(":")
    number = rest.partition(":")[0]
    return int(number) if prefix == "withdrawal" and number.isdigit() else None


def withdrawals_of(promoter: Promoter, *, limit: int = 20, offset: int = 0) -> tuple[int, list[Withdrawal]]:
    """``(total, one page)`` of the promoter's withdrawals, newest first."""
    rows = Withdrawal.objects.filter(promoter=promoter).order_by("-id")
    return rows.count(), list(rows[offset:offset + limit])


PAYEE_TYPES = ("promoter", "merchant")


def withdrawal_review_query(*, actor, status: str = "", payee_kind: str = "", search: str = "") -> QuerySet[Withdrawal]:
    """Finance's view of every withdrawal, promoters' and merchants' (提现审核), oldest first: in one ``status``
    (any when empty), of one ``payee_kind`` (``promoter`` / ``merchant``), matching ``search`` (the promoter's
    phone or invite code, the merchant's name, the withdrawal's number). Finance (or admin) only."""
    require_operator(actor, "finance")
    rows = Withdrawal.objects.select_related("promoter__user", "merchant", "reviewer")
    if status:
        rows = rows.filter(status=status)
    if payee_kind in PAYEE_TYPES:
        rows = rows.filter(**{f"{payee_kind}__isnull": False})
    return withdrawals_matching(rows, search).order_by("requested_at", "id")


def withdrawals_matching(rows: QuerySet[Withdrawal], search: str) -> QuerySet[Withdrawal]:
    """``rows`` whose promoter's phone contains ``search`` or invite code is it, whose merchant's or payee's name
    contains it, or whose number it is (``#12`` or ``12``)."""
    search = search.strip()
    if not search:
        return rows
    match = (Q(promoter__user__phone__contains=search) | Q(promoter__invite_code__iexact=search)
             | Q(merchant__name__icontains=search) | Q(payee_name__icontains=search))
    number = search.removeprefix("#")
    if number.isdigit() and len(number) < 10:
        match |= Q(pk=int(number))
    return rows.filter(match)


def withdrawal_review_get(*, actor, withdrawal_id: int) -> Withdrawal:
    """One withdrawal as finance reviews it, with its history; finance (or admin) only."""
    require_operator(actor, "finance")
    withdrawal = (Withdrawal.objects.select_related("promoter__user", "merchant", "reviewer")
                  .prefetch_related("status_changes__actor").filter(pk=withdrawal_id).first())
    if withdrawal is None:
        raise NotFound(WalletError.WITHDRAWAL_UNKNOWN, withdrawal_id=withdrawal_id)
    return withdrawal


def withdrawal_get(withdrawal_id: int) -> Withdrawal:
    """A withdrawal by id, or ``wallets.withdrawal_unknown``."""
    withdrawal = Withdrawal.objects.select_related("promoter__user", "merchant").filter(pk=withdrawal_id).first()
    if withdrawal is None:
        raise NotFound(WalletError.WITHDRAWAL_UNKNOWN, withdrawal_id=withdrawal_id)
    return withdrawal


def payout_incidents_for_finance(*, actor, status: str = "open") -> QuerySet:
    """Payout incidents (出款异常) for finance: open ones by default, oldest first; ``all`` for every one."""
    require_operator(actor, "finance")
    rows = PayoutIncident.objects.select_related("withdrawal__promoter__user", "withdrawal__merchant", "resolved_by")
    if status != "all":
        rows = rows.filter(status=PayoutIncident.Status.OPEN)
    return rows.order_by("created_at", "id")


def payout_incident_get(*, actor, incident_id: int) -> PayoutIncident:
    """One payout incident with its withdrawal and the provider's reports, for finance."""
    require_operator(actor, "finance")
    incident = (PayoutIncident.objects.select_related("withdrawal__promoter__user", "withdrawal__merchant",
                                                      "resolved_by").filter(pk=incident_id).first())
    if incident is None:
        raise NotFound(WalletError.INCIDENT_UNKNOWN, incident_id=incident_id)
    return incident
