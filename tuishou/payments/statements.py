"""Our payments and refunds beside each gateway's statement (支付对账): the differences, for reconciliation.

For each gateway that took payments (and the configured one): its statement of the days asked (the charges it was
paid, the refunds it accepted, each with its final state) against our payments that took money (succeeded, or
refused by their payable and refunded) and our refunds the gateway accepted. Settlement registers this with
``tuishou reconcile`` (payments knows nothing of the ledger), which also proves the ledger matches our payments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

from tuishou.core.errors import DomainError
from tuishou.core.statements import FAILED, PENDING, SUCCEEDED, Difference, OurRecord, day_bounds, statement_compare
from tuishou.payments.gateway import PaymentGateway, gateway_get
from tuishou.payments.models import Payment, Refund

PAID = (Payment.Status.SUCCEEDED, Payment.Status.EXPIRED_REFUNDED)
REFUND_STATES = {Refund.Status.SUCCEEDED: SUCCEEDED, Refund.Status.FAILED: FAILED}


@dataclass(frozen=True)
class GatewayDifference:
    """A difference with the gateway it was found at (``difference`` is None when the gateway is unknown)."""

    gateway: str
    difference: Difference | None


def gateway_statement_differences(*, days: Sequence[date], now: datetime) -> Iterator[GatewayDifference]:
    """Every difference between each gateway's statements of ``days`` and our payments and refunds."""
    names = set(Payment.objects.order_by().values_list("gateway", flat=True).distinct()) | {
        settings.TUISHOU_PAYMENT_GATEWAY}
    for name in sorted(names):
        try:
            gateway = gateway_get(name)
        except DomainError:
            yield GatewayDifference(name, None)
            continue
        for difference in _compare(gateway, list(days), now):
            yield GatewayDifference(gateway.name, difference)


def _compare(gateway: PaymentGateway, days: list[date], now: datetime) -> Iterable[Difference]:
    theirs = [line for day in days for line in gateway.statement(day)]
    nearby = theirs + gateway.statement(days[0] - timedelta(days=1)) + gateway.statement(days[-1] + timedelta(days=1))
    start, end = day_bounds(days[0])[0], day_bounds(days[-1])[1]
    payments = Payment.objects.filter(gateway=gateway.name, gateway_txn_id__isnull=False)
    refunds = Refund.objects.filter(payment__gateway=gateway.name, gateway_refund_id__isnull=False).select_related(
        "payment")
    ours = ([_payment(p) for p in payments.filter(status__in=PAID, paid_at__gte=start, paid_at__lt=end)]
            + [_refund(r) for r in refunds.filter(created_at__gte=start, created_at__lt=end)])
    wanted = {"payment": set(), "refund": set()}
    for line in theirs:
        number = line.reference.removeprefix(f"{line.kind}-")
        if line.kind in wanted and number.isdigit():
            wanted[line.kind].add(int(number))
    # A refund the gateway took is ours even before we stored its id (the callback brings it): look it up by pk.
    ours_of_theirs = ([_payment(p) for p in Payment.objects.filter(gateway=gateway.name, pk__in=wanted["payment"])]
                      + [_refund(r) for r in Refund.objects.filter(payment__gateway=gateway.name,
                                                                   pk__in=wanted["refund"]).select_related("payment")])
    return statement_compare(theirs=theirs, theirs_nearby=nearby, ours=ours, ours_of_theirs=ours_of_theirs, now=now)


def _payment(payment: Payment) -> OurRecord:
    return OurRecord(kind="payment", reference=f"payment-{payment.pk}", provider_id=payment.gateway_txn_id or "",
                     amount=payment.amount, currency=payment.currency,
                     state=SUCCEEDED if payment.status in PAID
                     else FAILED if payment.status == Payment.Status.FAILED else PENDING, at=payment.paid_at)


def _refund(refund: Refund) -> OurRecord:
    return OurRecord(kind="refund", reference=refund.reference, provider_id=refund.gateway_refund_id or "",
                     amount=refund.amount, currency=refund.payment.currency,
                     state=REFUND_STATES.get(refund.status, PENDING), at=refund.created_at)
