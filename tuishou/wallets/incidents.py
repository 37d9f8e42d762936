"""A payout provider that contradicts itself (出款异常): every report kept, money never left in two places.

Each accepted payout callback is a ``PayoutReport`` (the provider-report history of the payout). A report that
moves the withdrawal along its table (paying → paid or failed) is applied as usual; one that contradicts the
outcome booked before is a ``PayoutIncident`` for finance:

* **paid after failed** — the failure had put the amount back into the payee's balance, and now the money has
  left through the provider after all. The payout is booked as made at once (withdrawal failed → paid): the
  amount is taken back from the balance as far as it still holds it, never below zero; what the payee already
  spent or withdrew again is owed (the payout receivable), and the wallet is held — no withdrawal requested or
  approved — until finance recovers it from the balance or writes it off.
* **failed after paid** — nothing moves by itself (paying twice is worse than paying late); finance checks with
  the provider and confirms the payout, or reverses it (withdrawal paid → failed, the amount back to the balance).

Resolutions are finance's, audited, in the transaction that posts their entries.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.transitions import transition_apply
from tuishou.ledger.services import InsufficientFunds
from tuishou.risk.services import audit_record
from tuishou.wallets.booking import (
    book_debt_recovered,
    book_debt_written_off,
    book_paid_after_failed,
    book_payout_reversed,
    payee_accounts,
)
from tuishou.wallets.errors import WalletError
from tuishou.wallets.models import PayoutIncident, PayoutReport, Withdrawal
from tuishou.wallets.payouts import PAYOUT_SUCCEEDED, ProviderEvent
from tuishou.wallets.transitions import withdrawal_transition

log = logging.getLogger(__name__)
Status = Withdrawal.Status
Incident = PayoutIncident
Resolution = PayoutIncident.Resolution
NOTE_MAX = 500
# Which resolutions fit which incident: (kind, whether something is owed) → the resolutions allowed.
RESOLUTIONS = {
    (Incident.Kind.PAID_AFTER_FAILED, True): (Resolution.RECOVERED, Resolution.WRITTEN_OFF),
    (Incident.Kind.PAID_AFTER_FAILED, False): (Resolution.ACKNOWLEDGED,),
    (Incident.Kind.FAILED_AFTER_PAID, True): (Resolution.CONFIRMED_PAID, Resolution.REVERSED),
    (Incident.Kind.FAILED_AFTER_PAID, False): (Resolution.CONFIRMED_PAID, Resolution.REVERSED),
}


def payout_report_state(event: ProviderEvent) -> str:
    return PayoutReport.State.SUCCEEDED if event.type == PAYOUT_SUCCEEDED else PayoutReport.State.FAILED


def payout_report_record(*, withdrawal: Withdrawal, provider: str, event: ProviderEvent, effect: str) -> PayoutReport:
    """Append what the provider reported about ``withdrawal``'s payout and what it did to our books."""
    return PayoutReport.objects.create(withdrawal=withdrawal, provider=provider, payout_id=event.payout_id,
                                       event_id=event.event_id, state=payout_report_state(event),
                                       reason=event.reason[:200], occurred_at=event.occurred_at, effect=effect)


def payout_contradiction_apply(*, withdrawal: Withdrawal, event: ProviderEvent) -> PayoutIncident | None:
    """Act on a report that contradicts the withdrawal's booked outcome (the caller holds its row lock); answer
    the incident raised, or None when the report only repeats what is known or an incident is already open."""
    state = payout_report_state(event)
    if (withdrawal.status, state) == (Status.FAILED, PayoutReport.State.SUCCEEDED):
        kind = Incident.Kind.PAID_AFTER_FAILED
    elif (withdrawal.status, state) == (Status.PAID, PayoutReport.State.FAILED):
        kind = Incident.Kind.FAILED_AFTER_PAID
    else:
        return None
    if withdrawal.payout_incidents.filter(kind=kind).exists():
        return None
    shortfall = Decimal("0.00")
    if kind == Incident.Kind.PAID_AFTER_FAILED:
        withdrawal_transition(withdrawal=withdrawal, event="reinstate",
                              reason=f"the provider reported the payout paid after it failed ({event.event_id})")
        _, shortfall = book_paid_after_failed(withdrawal)
    incident = Incident.objects.create(withdrawal=withdrawal, promoter_id=withdrawal.promoter_id,
                                       merchant_id=withdrawal.merchant_id, kind=kind, amount=withdrawal.amount,
                                       shortfall=shortfall)
    audit_record(actor=None, action="wallets.payout_incident_raised", target=incident,
                 reason=f"provider event {event.event_id}: {event.type} while the withdrawal was {withdrawal.status}",
                 data={"withdrawal_id": withdrawal.pk, "kind": kind, "amount": str(withdrawal.amount),
                       "shortfall": str(shortfall), "payout_id": event.payout_id})
    log.error("payout incident #%s: withdrawal #%s %s (shortfall %s)", incident.pk, withdrawal.pk, kind, shortfall)
    return incident


def payee_held(payee_field: str, owner_id: int) -> bool:
    """True while an open incident holds the payee's wallet (``promoter`` or ``merchant`` and its id)."""
    return Incident.objects.filter(**{f"{payee_field}_id": owner_id}, status=Incident.Status.OPEN,
                                   shortfall__gt=0).exists()


def payout_incident_resolve(*, actor, incident_id: int, resolution: str, note: str) -> PayoutIncident:
    """Finance settles a payout incident (处理出款异常), with a note saying what was checked. Audited.

    ``recovered``: the payee's balance pays back what is owed (``wallets.incident_uncovered`` while it cannot);
    ``written_off``: the platform bears it; ``acknowledged``: nothing was owed; ``confirmed_paid``: the provider
    confirmed the payout; ``reversed``: the provider confirmed it failed — the withdrawal fails and its amount
    returns to the balance. ``wallets.resolution_invalid`` for one that does not fit the incident,
    ``wallets.note_required``, ``wallets.transition_invalid`` once it is resolved; nothing is written then.
    """
    require_operator(actor, "finance")
    note = (note or "").strip()
    if not note:
        raise InvalidInput(WalletError.NOTE_REQUIRED, details={"field": "note"})
    if len(note) > NOTE_MAX:
        raise InvalidInput(WalletError.NOTE_TOO_LONG, limit=NOTE_MAX, details={"field": "note", "limit": NOTE_MAX})
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            raise NotFound(WalletError.INCIDENT_UNKNOWN, incident_id=incident_id)
        allowed = RESOLUTIONS[incident.kind, incident.shortfall > 0]
        if incident.status == Incident.Status.OPEN and resolution not in allowed:
            raise InvalidInput(WalletError.RESOLUTION_INVALID, resolution=resolution,
                               details={"field": "resolution", "allowed": list(allowed)})
        withdrawal = Withdrawal.objects.select_for_update().get(pk=incident.withdrawal_id)
        transition_apply(incident, to=Incident.Status.RESOLVED, actor=actor, reason=note,
                         changes={"resolution": resolution, "note": note, "resolved_by": actor,
                                  "resolved_at": timezone.now()})
        _resolution_book(incident, withdrawal, resolution, actor=actor, note=note)
        audit_record(actor=actor, action="wallets.payout_incident_resolved", target=incident, reason=note,
                     data={"withdrawal_id": withdrawal.pk, "kind": incident.kind, "resolution": resolution,
                           "shortfall": str(incident.shortfall), "amount": str(incident.amount)})
    return incident


def _resolution_book(incident: PayoutIncident, withdrawal: Withdrawal, resolution: str, *, actor,
                     note: str) -> None:
    if resolution == Resolution.RECOVERED:
        try:
            book_debt_recovered(withdrawal, incident_id=incident.pk, amount=incident.shortfall, actor=actor)
        except InsufficientFunds:
            available = payee_accounts(withdrawal)[0]
            available.refresh_from_db()
            raise Conflict(WalletError.INCIDENT_UNCOVERED, available=available.amount, shortfall=incident.shortfall,
                           details={"available": str(available.amount), "shortfall": str(incident.shortfall)}
                           ) from None
    elif resolution == Resolution.WRITTEN_OFF:
        book_debt_written_off(withdrawal, incident_id=incident.pk, amount=incident.shortfall, actor=actor)
    elif resolution == Resolution.REVERSED:
        withdrawal_transition(withdrawal=withdrawal, event="reverse", actor=actor, reason=note)
        book_payout_reversed(withdrawal, actor=actor)
