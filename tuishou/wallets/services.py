"""Writes for wallets: request a withdrawal (提现), review it, pay it out, process the provider's callbacks.

A withdrawal's payee is a promoter (their available → frozen → withdrawn accounts) or a merchant (its settled
payable → merchant frozen → merchant withdrawn; ``merchant_payouts`` opens those): review, payout and callbacks
are the same for both.

Every money move is a journal entry posted in the transaction of the status change that causes it, keyed
``withdrawal:<id>:<step>`` so that a retry posts nothing twice:

* requested — available → frozen (the amount), refused if it would overdraw the available balance;
* rejected, failed — frozen → available (the amount comes back);
* paid — frozen (the amount) → withdrawn (net, what the payee received) + platform revenue (the fee).

Locking: a request first locks the promoter's available and frozen accounts (in primary-key order, as the
ledger does), so one promoter's concurrent requests queue there and count and check balances one after the
other; everything that changes an existing withdrawal first locks the withdrawal's row, then the ledger
locks the accounts it posts to. The payout provider is called after commit, by a task.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from tuishou.accounts.permissions import require_operator
from tuishou.core.callback_log import CallbackLog, CallbackResult
from tuishou.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from tuishou.core.money import parse_amount
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import InsufficientFunds, account_for, journal_post
from tuishou.merchants.models import Merchant, MerchantStaff
from tuishou.network.models import Promoter
from tuishou.risk.services import audit_record
from tuishou.wallets.booking import PAYEE_KINDS, book_paid, book_release, entry_key
from tuishou.wallets.errors import WalletError
from tuishou.wallets.incidents import payee_held, payout_contradiction_apply, payout_report_record
from tuishou.wallets.models import PayoutEvent, Withdrawal
from tuishou.wallets.payouts import (
    PAYOUT_SUCCEEDED,
    CallbackRejected,
    PayoutDeclined,
    ProviderEvent,
    payout_provider_get,
)
from tuishou.wallets.rules import Payee, WithdrawalRules, payee_parse, withdrawal_fee
from tuishou.wallets.selectors import withdrawal_count_on_day, withdrawal_rules
from tuishou.wallets.transitions import withdrawal_can, withdrawal_history_record, withdrawal_transition

log = logging.getLogger(__name__)
Kind = Account.Kind
EntryKind = JournalEntry.Kind
Status = Withdrawal.Status
Outcome = PayoutEvent.Outcome
_callbacks = CallbackLog(PayoutEvent, sender_field="provider", id_fields={"payout_id": 64}, noun="payout",
                         logger=log)


class DailyLimitReached(DomainError):
    """The promoter has made as many withdrawal requests today as the platform allows (429)."""

    status = 429


# ---- requesting -------------------------------------------------------------------------------------------

def withdrawal_request(*, promoter: Promoter, amount: Decimal | str, payee: Payee | Mapping[str, object],
                       idempotency_key: str) -> Withdrawal:
    """Ask to withdraw ``amount`` from the available balance to ``payee``; the amount is frozen at once.

    Refusals, each leaving nothing written: ``wallets.amount_below_min`` / ``wallets.amount_above_max``
    (400), ``wallets.daily_limit`` (429: requests per Asia/Shanghai day, whatever became of them),
    ``wallets.promoter_frozen`` (409: an operator froze the promoter), ``wallets.balance_negative`` (409: a
    clawback left a debt to recover first), ``wallets.insufficient_funds``
    (409: more than is available — also what the loser of two concurrent requests gets), and
    ``wallets.payee_invalid`` / ``money.*`` for malformed input. The same ``idempotency_key`` (per promoter)
    answers the first withdrawal; with another amount or payee it is ``wallets.idempotency_key_reused``.
    """
    return withdrawal_open(owner=promoter, amount=amount, payee=payee, idempotency_key=idempotency_key,
                           rules=withdrawal_rules())


def withdrawal_open(*, owner: Promoter | Merchant, amount: Decimal | str, payee: Payee | Mapping[str, object],
                    idempotency_key: str, rules: WithdrawalRules) -> Withdrawal:
    """The request of a withdrawal for either payee (a promoter, a merchant), under ``rules``: see
    ``withdrawal_request``. The owner's available and frozen accounts are ``PAYEE_KINDS`` of its kind."""
    amount = parse_amount(amount)
    payee = payee_parse(payee)
    key = (idempotency_key or "").strip()
    if not 1 <= len(key) <= Withdrawal._meta.get_field("idempotency_key").max_length:
        raise InvalidInput(WalletError.IDEMPOTENCY_KEY_INVALID)
    field = _payee_field(owner)
    first = _replay(field, owner, key, amount, payee)
    if first is not None:
        return first
    fee = withdrawal_fee(amount, rules)
    if amount < rules.minimum or amount - fee <= 0:
        raise InvalidInput(WalletError.AMOUNT_BELOW_MIN, minimum=rules.minimum,
                           details={"minimum": str(rules.minimum), "amount": str(amount)})
    if amount > rules.maximum:
        raise InvalidInput(WalletError.AMOUNT_ABOVE_MAX, maximum=rules.maximum,
                           details={"maximum": str(rules.maximum), "amount": str(amount)})
    try:
        with transaction.atomic():
            available, frozen = _wallet_accounts_locked(owner, field)
            # Under the locks a concurrent request with this key has either committed (seen now) or not started.
            first = _replay(field, owner, key, amount, payee)
            if first is not None:
                return first
            # A promoter an operator froze (冻结) withdraws nothing until unfrozen.
            if isinstance(owner, Promoter) and Promoter.objects.filter(pk=owner.pk, frozen_at__isnull=False).exists():
                raise Conflict(WalletError.PROMOTER_FROZEN, details={"promoter_id": owner.pk})
            # A payout paid twice and owed back holds the wallet until finance settles it.
            if payee_held(field, owner.pk):
                raise Conflict(WalletError.PAYEE_ON_HOLD, details={f"{field}_id": owner.pk})
            now = timezone.now()
            if withdrawal_count_on_day(owner, now=now) >= rules.daily_count:
                raise DailyLimitReached(WalletError.DAILY_LIMIT, daily_count=rules.daily_count,
                                        details={"daily_count": rules.daily_count})
            if available.amount < 0:
                raise Conflict(WalletError.BALANCE_NEGATIVE, amount=available.amount,
                               details={"available": str(available.amount)})
            if amount > available.amount:
                raise _insufficient(available.amount, amount)
            withdrawal = Withdrawal.objects.create(
                **{field: owner}, amount=amount, fee=fee, net=amount - fee, idempotency_key=key, requested_at=now,
                payee_method=payee.method, payee_account=payee.account, payee_name=payee.name, payee_bank=payee.bank)
            withdrawal_history_record(withdrawal=withdrawal, event="request")
            journal_post(kind=EntryKind.WITHDRAWAL_REQUESTED, key=entry_key(withdrawal, "requested"),
                         lines=[(available, amount), (frozen, -amount)], require_funds=[available],
                         memo=f"Withdrawal #{withdrawal.pk}: {amount} frozen for review")
    except InsufficientFunds as exc:
        raise _insufficient(Decimal(exc.details.get("available", "0")), amount) from None
    except IntegrityError:
        # The same key committed by a request that did not queue on our locks: answer that one.
        first = _replay(field, owner, key, amount, payee)
        if first is None:
            raise
        return first
    return withdrawal


def _insufficient(available: Decimal, amount: Decimal) -> Conflict:
    return Conflict(WalletError.INSUFFICIENT_FUNDS, available=available, amount=amount,
                    details={"available": str(available), "amount": str(amount)})


def _payee_field(owner: Promoter | Merchant) -> str:
    if isinstance(owner, Promoter):
        return "promoter"
    if isinstance(owner, Merchant):
        return "merchant"
    raise TypeError(f"{owner!r} cannot be paid out")


def _replay(field: str, owner: Promoter | Merchant, key: str, amount: Decimal, payee: Payee) -> Withdrawal | None:
    first = Withdrawal.objects.filter(**{field: owner}, idempotency_key=key).first()
    if first is not None and (first.amount, first.payee) != (amount, payee):
        raise Conflict(WalletError.IDEMPOTENCY_KEY_REUSED,
                       details={"withdrawal_id": first.pk})
    return first


def _wallet_accounts_locked(owner: Promoter | Merchant, field: str) -> tuple[Account, Account]:
    """The owner's available and frozen accounts (opened on first use), locked in primary-key order."""
    available_kind, frozen_kind, _ = PAYEE_KINDS[field]
    opened = [account_for(available_kind, owner), account_for(frozen_kind, owner)]
    locked = {account.kind: account for account in
              Account.objects.select_for_update().filter(pk__in=[a.pk for a in opened]).order_by("pk")}
    return locked[available_kind], locked[frozen_kind]


# ---- review -----------------------------------------------------------------------------------------------

def withdrawal_approve(*, actor, withdrawal_id: int) -> Withdrawal:
    """Finance approves a requested withdrawal (审核通过); its payout starts after commit. Audited.

    ``wallets.transition_invalid`` when it is no longer under review; ``wallets.self_review`` for one's own;
    ``wallets.payee_frozen`` while the promoter is frozen.
    """
    require_operator(actor, "finance")
    with transaction.atomic():
        withdrawal = _locked(withdrawal_id)
        _not_own(actor, withdrawal)
        # A promoter frozen after asking (冻结) is paid nothing until unfrozen: finance rejects it or waits.
        if withdrawal.promoter_id and Promoter.objects.filter(pk=withdrawal.promoter_id,
                                                              frozen_at__isnull=False).exists():
            raise Conflict(WalletError.PAYEE_FROZEN, details={"promoter_id": withdrawal.promoter_id})
        if payee_held(withdrawal.payee_kind, withdrawal.merchant_id or withdrawal.promoter_id):
            raise Conflict(WalletError.PAYEE_ON_HOLD, details={"withdrawal_id": withdrawal.pk})
        withdrawal_transition(withdrawal=withdrawal, event="approve", actor=actor, reviewer=actor,
                              reviewed_at=timezone.now(), payout_provider=settings.TUISHOU_PAYOUT_PROVIDER)
        audit_record(actor=actor, action="wallets.withdrawal_approved", target=withdrawal,
                     data={"amount": str(withdrawal.amount), "net": str(withdrawal.net), "fee": str(withdrawal.fee)})
        _payout_submit_after_commit(withdrawal.pk)
    return withdrawal


def withdrawal_reject(*, actor, withdrawal_id: int, reason: str) -> Withdrawal:
    """Finance rejects a requested withdrawal with a reason (驳回); the amount goes back to available. Audited."""
    require_operator(actor, "finance")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(WalletError.REASON_REQUIRED)
    with transaction.atomic():
        withdrawal = _locked(withdrawal_id)
        _not_own(actor, withdrawal)
        withdrawal_transition(withdrawal=withdrawal, event="reject", actor=actor, reason=reason, reviewer=actor,
                              reviewed_at=timezone.now())
        book_release(withdrawal, kind=EntryKind.WITHDRAWAL_REJECTED, step="rejected", actor=actor,
                     memo=f"Withdrawal #{withdrawal.pk} rejected: {reason}")
        audit_record(actor=actor, action="wallets.withdrawal_rejected", target=withdrawal, reason=reason,
                     data={"amount": str(withdrawal.amount)})
    return withdrawal


def _locked(withdrawal_id: int) -> Withdrawal:
    withdrawal = Withdrawal.objects.select_for_update().filter(pk=withdrawal_id).first()
    if withdrawal is None:
        raise NotFound(WalletError.WITHDRAWAL_UNKNOWN, withdrawal_id=withdrawal_id)
    return withdrawal


def _not_own(actor, withdrawal: Withdrawal) -> None:
    own = (MerchantStaff.objects.filter(merchant_id=withdrawal.merchant_id, user_id=actor.pk) if withdrawal.merchant_id
           else Promoter.objects.filter(pk=withdrawal.promoter_id, user_id=actor.pk))
    if own.exists():
        raise PermissionDenied(WalletError.SELF_REVIEW)


# ---- payout -----------------------------------------------------------------------------------------------

def _payout_submit_after_commit(withdrawal_id: int) -> None:
    transaction.on_commit(lambda: withdrawal_payout_submit_task.enqueue(withdrawal_id))


@task()
def withdrawal_payout_submit_task(withdrawal_id: int) -> str:
    """Send an approved withdrawal to its payout provider (the worker runs it; defined beside what enqueues it,
    so that services and tasks do not import each other); answers the withdrawal's status afterwards."""
    return withdrawal_payout_submit(withdrawal_id=withdrawal_id).status


def withdrawal_payout_submit(*, withdrawal_id: int) -> Withdrawal:
    """Send an approved withdrawal's net amount to its payout provider (idempotent: keyed on our reference).

    The withdrawal moves to ``paying``; the outcome arrives by callback. A provider that refuses outright
    fails the withdrawal and releases its amount. Anything else is left ``approved`` for a retry.
    """
    with transaction.atomic():
        withdrawal = _locked(withdrawal_id)
        if withdrawal.status != Status.APPROVED:
            return withdrawal
        provider = payout_provider_get(withdrawal.payout_provider or None)
        try:
            payout_id = provider.transfer_submit(reference=withdrawal.reference, amount=withdrawal.net,
                                                 currency=withdrawal.currency, payee=withdrawal.payee)
        except PayoutDeclined as exc:
            _fail(withdrawal, reason=exc.message)
            return withdrawal
        return withdrawal_transition(withdrawal=withdrawal, event="submit", payout_provider=provider.name,
                                     payout_id=payout_id, submitted_at=timezone.now())


def _fail(withdrawal: Withdrawal, *, reason: str) -> None:
    withdrawal_transition(withdrawal=withdrawal, event="fail", reason=reason or "payout failed")
    book_release(withdrawal, kind=EntryKind.WITHDRAWAL_FAILED, step="failed",
                 memo=f"Withdrawal #{withdrawal.pk} payout failed: {reason or 'no reason given'}")


# ---- callbacks --------------------------------------------------------------------------------------------

def payout_callback_handle(*, provider: str, headers: Mapping[str, str], body: bytes,
                           now: datetime | None = None) -> CallbackResult:
    """Verify and apply one payout callback, exactly once per event id; every callback is logged.

    Rejections (``wallets.callback_forged``, ``callback_stale``, ``callback_malformed``, ``amount_mismatch``,
    ``callback_unknown_payout``) change nothing but the log and raise ``CallbackRejected``. A replay of a
    processed event answers ``duplicate`` and changes nothing.
    """
    chosen = payout_provider_get(provider)
    return _callbacks.receive(
        sender=chosen.name, headers=headers, body=body, rejected=CallbackRejected,
        forged_code="wallets.callback_forged",
        verify=lambda: chosen.callback_verify(headers=headers, body=body, now=now),
        identify=lambda event: {"event_id": event.event_id, "type": event.type, "payout_id": event.payout_id},
        apply=lambda event, row: _payout_event_apply(chosen.name, event, row))


def _withdrawal_for_event(provider: str, event: ProviderEvent) -> Withdrawal:
    prefix = "withdrawal-"
    number = event.reference[len(prefix):] if event.reference.startswith(prefix) else ""
    withdrawal = (Withdrawal.objects.select_for_update().filter(pk=int(number)).first()
                  if number.isdigit() else None)
    if (withdrawal is None or withdrawal.payout_provider != provider
            or (withdrawal.payout_id and withdrawal.payout_id != event.payout_id)):
        raise CallbackRejected(WalletError.CALLBACK_UNKNOWN_PAYOUT, payout_id=event.payout_id,
                               reference=event.reference, provider=provider)
    return withdrawal


def _payout_event_apply(provider: str, event: ProviderEvent, row: dict[str, Any]) -> CallbackResult:
    withdrawal = row["withdrawal"] = _withdrawal_for_event(provider, event)
    if (event.amount, event.currency) != (withdrawal.net, withdrawal.currency):
        raise CallbackRejected(WalletError.AMOUNT_MISMATCH, got=f"{event.amount} {event.currency}",
                               expected=f"{withdrawal.net} {withdrawal.currency}",
                               details={"expected": f"{withdrawal.net} {withdrawal.currency}",
                                        "got": f"{event.amount} {event.currency}"})
    record = _callbacks.claim(row)
    if record is None:
        return _callbacks.settle(None, row, Outcome.DUPLICATE)
    move = "pay" if event.type == PAYOUT_SUCCEEDED else "fail"
    if not withdrawal_can(withdrawal, move):
        # A report that contradicts the booked outcome is a payout incident (a success after a failure is booked
        # as a payout made); one that repeats it, or comes for a withdrawal never sent, only joins the history.
        incident = payout_contradiction_apply(withdrawal=withdrawal, event=event)
        payout_report_record(withdrawal=withdrawal, provider=provider, event=event,
                             effect=f"incident:{incident.kind}" if incident else "repeated")
        if incident is not None:
            return _callbacks.settle(record, row, Outcome.PROCESSED, f"wallets.{incident.kind}")
        return _callbacks.settle(record, row, Outcome.IGNORED, "wallets.event_out_of_order")
    if not withdrawal.payout_id:
        withdrawal.payout_id = event.payout_id
        withdrawal.save(update_fields=["payout_id"])
    if move == "pay":
        withdrawal_transition(withdrawal=withdrawal, event="pay")
        book_paid(withdrawal)
    else:
        _fail(withdrawal, reason=event.reason)
    payout_report_record(withdrawal=withdrawal, provider=provider, event=event, effect=withdrawal.status)
    return _callbacks.settle(record, row, Outcome.PROCESSED)
