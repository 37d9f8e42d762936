"""The payment gateways' statements in ``tuishou reconcile`` (支付对账): registered here, where payments meet the
ledger, because payments imports nothing of the ledger (``tuishou.payments.statements`` finds the differences)."""

from __future__ import annotations

from collections.abc import Iterable

from tuishou.ledger.reconcile import Mismatch, Period, reconcile_check
from tuishou.payments.statements import gateway_statement_differences

PROBLEMS = {"missing_ours": "on the gateway's statement, not in our payments",
            "missing_theirs": "in our payments, not on the gateway's statement",
            "amount": "the amounts differ (ours, then the gateway's)",
            "state": "the final states differ (ours, then the gateway's)"}


@reconcile_check("payment_gateway_statements",
                 "each payment gateway's statement agrees with our payments and refunds, day by day", dated=True)
def check_gateway_statements(period: Period) -> Iterable[Mismatch]:
    for found in gateway_statement_differences(days=period.days, now=period.now):
        diff = found.difference
        if diff is None:
            yield Mismatch(subject=f"payment gateway {found.gateway!r}", found="payments taken through it",
                           expected="a registered gateway", note="its statement cannot be read")
            continue
        yield Mismatch(subject=f"{found.gateway} {diff.kind} {diff.reference} ({diff.provider_id or '—'})",
                       found=diff.ours, expected=diff.theirs, note=PROBLEMS[diff.problem])
