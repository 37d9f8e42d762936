"""The ledger side of a withdrawal: which accounts a payee's money sits in and the entries each step posts.

Keys are ``withdrawal:<id>:<step>``, so a retry posts nothing twice:

* requested — available → frozen (the amount), refused if it would overdraw the available balance;
* rejected, failed — frozen → available (the amount comes back);
* paid — frozen (the amount) → withdrawn (net, what the payee received) + platform revenue (the fee);
* paid_after_failed — the provider paid a payout it had reported failed: the amount that went back to available
  (or what is left of it; the rest is owed, the payout receivable) → withdrawn (net) + revenue (fee);
* payout_reversed — the provider confirmed a payout reported paid had failed: withdrawn + revenue → available.
"""

from __future__ import annotations

from decimal import Decimal

from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import account_for, journal_post
from tuishou.wallets.models import Withdrawal

Kind = Account.Kind
EntryKind = JournalEntry.Kind
# A payee's available, frozen and withdrawn accounts, by the withdrawal's payee field.
PAYEE_KINDS = {"promoter": (Kind.PROMOTER_AVAILABLE, Kind.PROMOTER_FROZEN, Kind.PROMOTER_WITHDRAWN),
               "merchant": (Kind.MERCHANT_PAYABLE, Kind.MERCHANT_FROZEN, Kind.MERCHANT_WITHDRAWN)}
ZERO = Decimal("0.00")


def payee_owner(withdrawal: Withdrawal):
    """Who is paid: the withdrawal's merchant or promoter."""
    return withdrawal.merchant if withdrawal.merchant_id else withdrawal.promoter


def payee_accounts(withdrawal: Withdrawal) -> tuple[Account, Account, Account]:
    """The withdrawal's payee's available, frozen and withdrawn accounts."""
    owner = payee_owner(withdrawal)
    return tuple(account_for(kind, owner) for kind in PAYEE_KINDS[withdrawal.payee_kind])  # type: ignore[return-value]


def entry_key(withdrawal: Withdrawal, step: str) -> str:
    return f"withdrawal:{withdrawal.pk}:{step}"


def book_release(withdrawal: Withdrawal, *, kind: str, step: str, memo: str, actor=None) -> JournalEntry:
    """Frozen → available for the whole amount (a rejection or a failed payout)."""
    available, frozen, _ = payee_accounts(withdrawal)
    return journal_post(kind=kind, key=entry_key(withdrawal, step), memo=memo, actor=actor,
                        lines=[(frozen, withdrawal.amount), (available, -withdrawal.amount)], require_funds=[frozen])


def book_paid(withdrawal: Withdrawal) -> JournalEntry:
    """Frozen (amount) → withdrawn (net) + platform revenue (fee)."""
    _, frozen, withdrawn = payee_accounts(withdrawal)
    lines = [(frozen, withdrawal.amount), (withdrawn, -withdrawal.net)]
    if withdrawal.fee:
        lines.append((account_for(Kind.PLATFORM_REVENUE), -withdrawal.fee))
    return journal_post(kind=EntryKind.WITHDRAWAL_PAID, key=entry_key(withdrawal, "paid"), lines=lines,
                        require_funds=[lines[0][0]],
                        memo=f"Withdrawal #{withdrawal.pk} paid: {withdrawal.net} to {withdrawal.payee_display}, "
                             f"fee {withdrawal.fee}")


def book_paid_after_failed(withdrawal: Withdrawal) -> tuple[JournalEntry, Decimal]:
    """A payout made after all: take its amount back from available — as much as available still holds, never
    below zero — and book the rest as owed by the payee (payout receivable); answers the entry and that rest."""
    available, _, withdrawn = payee_accounts(withdrawal)
    revenue, receivable = account_for(Kind.PLATFORM_REVENUE), account_for(Kind.PAYOUT_RECEIVABLE)
    # Every account the entry may touch, locked in primary-key order (as the ledger does) before reading.
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(
        pk__in=[available.pk, withdrawn.pk, revenue.pk, receivable.pk]).order_by("pk")}
    held = locked[available.pk].amount
    covered = min(max(held, ZERO), withdrawal.amount)
    shortfall = withdrawal.amount - covered
    lines = [(withdrawn, -withdrawal.net)]
    if withdrawal.fee:
        lines.append((revenue, -withdrawal.fee))
    if covered:
        lines.append((available, covered))
    if shortfall:
        lines.append((receivable, shortfall))
    entry = journal_post(kind=EntryKind.WITHDRAWAL_PAID_AFTER_FAILED, key=entry_key(withdrawal, "paid_after_failed"),
                         lines=lines, require_funds=[available] if covered else [],
                         memo=f"Withdrawal #{withdrawal.pk} paid after its payout was reported failed: {covered} "
                              f"taken back from the balance, {shortfall} owed by the payee")
    return entry, shortfall


def book_payout_reversed(withdrawal: Withdrawal, *, actor) -> JournalEntry:
    """A payout booked as paid that did not happen: withdrawn (net) + revenue (fee) → available (the amount)."""
    available, _, withdrawn = payee_accounts(withdrawal)
    lines = [(withdrawn, withdrawal.net), (available, -withdrawal.amount)]
    if withdrawal.fee:
        lines.append((account_for(Kind.PLATFORM_REVENUE), withdrawal.fee))
    return journal_post(kind=EntryKind.WITHDRAWAL_PAYOUT_REVERSED, key=entry_key(withdrawal, "payout_reversed"),
                        lines=lines, actor=actor,
                        memo=f"Withdrawal #{withdrawal.pk}: the provider confirmed its payout failed; "
                             f"{withdrawal.amount} back to the balance")


def book_debt_recovered(withdrawal: Withdrawal, *, incident_id: int, amount: Decimal, actor) -> JournalEntry:
    """The payee's balance pays back what a payout paid twice left owed: available → payout receivable."""
    available, _, _ = payee_accounts(withdrawal)
    return journal_post(kind=EntryKind.PAYOUT_DEBT_RECOVERED, key=f"payout_incident:{incident_id}:recovered",
                        lines=[(available, amount), (account_for(Kind.PAYOUT_RECEIVABLE), -amount)],
                        require_funds=[available], actor=actor,
                        memo=f"Withdrawal #{withdrawal.pk}: {amount} paid twice, recovered from the balance")


def book_debt_written_off(withdrawal: Withdrawal, *, incident_id: int, amount: Decimal, actor) -> JournalEntry:
    """What a payout paid twice left owed is given up: payout receivable → payout loss."""
    return journal_post(kind=EntryKind.PAYOUT_DEBT_WRITTEN_OFF, key=f"payout_incident:{incident_id}:written_off",
                        lines=[(account_for(Kind.PAYOUT_LOSS), amount),
                               (account_for(Kind.PAYOUT_RECEIVABLE), -amount)], actor=actor,
                        memo=f"Withdrawal #{withdrawal.pk}: {amount} paid twice, written off")
