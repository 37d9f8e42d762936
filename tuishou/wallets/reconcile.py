"""Reconciliation of withdrawals with the ledger and the payout providers' statements (``tuishou reconcile``).

For every promoter and every merchant who has withdrawals: the frozen account holds exactly the amounts of the
withdrawals still under review or in payment, and the withdrawn account exactly the net amounts of those paid
out. Payees without withdrawals are left out: nothing of theirs can be compared. The payout receivable (payouts
paid twice, owed back) equals the open incidents' shortfalls. And each payout provider's statement of the days
reconciled (对账) agrees with our withdrawals — none missing on either side, the same net amount and final state —
and with the ledger: what it booked as withdrawn for each payout is its net when the provider paid it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from tuishou.core.errors import DomainError
from tuishou.core.statements import FAILED, PENDING, SUCCEEDED, OurRecord, day_bounds, statement_compare
from tuishou.ledger.models import Account, JournalLine
from tuishou.ledger.reconcile import Mismatch, Period, reconcile_check
from tuishou.wallets.models import PayoutIncident, Withdrawal
from tuishou.wallets.payouts import PayoutProvider, payout_provider_get

ZERO = Decimal("0.00")
Kind = Account.Kind


@reconcile_check("withdrawals_match_ledger",
                 "every payee's frozen balance equals their open withdrawals, and withdrawn their paid ones")
def check_withdrawals_match_ledger() -> Iterable[Mismatch]:
    for owner, frozen_kind, withdrawn_kind in (("promoter", Kind.PROMOTER_FROZEN, Kind.PROMOTER_WITHDRAWN),
                                               ("merchant", Kind.MERCHANT_FROZEN, Kind.MERCHANT_WITHDRAWN)):
        yield from _payees_match(owner, frozen_kind, withdrawn_kind)


def _payees_match(owner: str, frozen_kind: str, withdrawn_kind: str) -> Iterable[Mismatch]:
    column = f"{owner}_id"
    expected: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    owners = set()
    for row in (Withdrawal.objects.filter(**{f"{owner}__isnull": False}).order_by().values(column, "status")
                .annotate(amount=Sum("amount"), net=Sum("net"))):
        owners.add(row[column])
        if row["status"] in Withdrawal.FROZEN_STATUSES:
            expected[row[column], frozen_kind] += row["amount"]
        elif row["status"] == Withdrawal.Status.PAID:
            expected[row[column], withdrawn_kind] += row["net"]
    found = {(getattr(a, column), a.kind): a.amount for a in Account.objects.filter(
        **{f"{column}__in": owners}, kind__in=[frozen_kind, withdrawn_kind])}
    for owner_id in sorted(owners):
        for kind in (frozen_kind, withdrawn_kind):
            want, have = expected[owner_id, kind], found.get((owner_id, kind), ZERO)
            if want != have:
                yield Mismatch(subject=f"{owner} #{owner_id} {kind}", found=str(have), expected=str(want),
                               note="sum of the withdrawals' amounts" if kind == frozen_kind
                               else "sum of the paid withdrawals' net amounts")


@reconcile_check("payout_receivable_matches_incidents",
                 "the payouts paid twice and owed back equal the shortfalls of the open payout incidents")
def check_payout_receivable() -> Iterable[Mismatch]:
    owed = PayoutIncident.objects.filter(status=PayoutIncident.Status.OPEN).aggregate(
        total=Sum("shortfall"))["total"] or ZERO
    account = Account.objects.filter(kind=Kind.PAYOUT_RECEIVABLE).first()
    booked = account.amount if account is not None else ZERO
    if booked != owed:
        yield Mismatch(subject=f"account {Kind.PAYOUT_RECEIVABLE}", found=str(booked), expected=str(owed),
                       note="sum of the open payout incidents' shortfalls")


@reconcile_check("payout_provider_statements",
                 "each payout provider's statement agrees with our withdrawals and the ledger, day by day", dated=True)
def check_payout_statements(period: Period) -> Iterable[Mismatch]:
    names = set(Withdrawal.objects.exclude(payout_provider="").order_by().values_list("payout_provider", flat=True)
                .distinct()) | {settings.TUISHOU_PAYOUT_PROVIDER}
    for name in sorted(names):
        try:
            provider = payout_provider_get(name)
        except DomainError:
            yield Mismatch(subject=f"payout provider {name!r}", found="withdrawals paid through it",
                           expected="a registered provider", note="its statement cannot be read")
            continue
        yield from _provider_compare(provider, period)


def _provider_compare(provider: PayoutProvider, period: Period) -> Iterable[Mismatch]:
    days = list(period.days)
    theirs = [line for day in days for line in provider.statement(day)]
    nearby = theirs + provider.statement(days[0] - timedelta(days=1)) + provider.statement(days[-1] + timedelta(days=1))
    start, end = day_bounds(days[0])[0], day_bounds(days[-1])[1]
    sent = Withdrawal.objects.filter(payout_provider=provider.name, payout_id__isnull=False)
    ours = [_record(w) for w in sent.filter(submitted_at__gte=start, submitted_at__lt=end)]
    references = {line.reference for line in theirs}
    numbers = [int(ref.removeprefix("withdrawal-")) for ref in references
               if ref.startswith("withdrawal-") and ref.removeprefix("withdrawal-").isdigit()]
    matched = {w.reference: w for w in Withdrawal.objects.filter(pk__in=numbers, payout_provider=provider.name)}
    for diff in statement_compare(theirs=theirs, theirs_nearby=nearby, ours=ours,
                                  ours_of_theirs=[_record(w) for w in matched.values()], now=period.now):
        yield Mismatch(subject=f"{provider.name} payout {diff.reference} ({diff.provider_id or '—'})",
                       found=diff.ours, expected=diff.theirs, note=PROBLEMS[diff.problem])
    yield from _ledger_compare(provider.name, theirs, matched, period)


PROBLEMS = {"missing_ours": "on the provider's statement, not in our withdrawals",
            "missing_theirs": "in our withdrawals, not on the provider's statement",
            "amount": "the amounts differ (ours, then the provider's)",
            "state": "the final states differ (ours, then the provider's)"}
STATES = {Withdrawal.Status.PAID: SUCCEEDED, Withdrawal.Status.FAILED: FAILED}


def _record(withdrawal: Withdrawal) -> OurRecord:
    return OurRecord(kind="payout", reference=withdrawal.reference, provider_id=withdrawal.payout_id or "",
                     amount=withdrawal.net, currency=withdrawal.currency,
                     state=STATES.get(withdrawal.status, PENDING), at=withdrawal.submitted_at)


def _ledger_compare(provider: str, theirs, matched: dict[str, Withdrawal], period: Period) -> Iterable[Mismatch]:
    """What the ledger booked as withdrawn for each payout on the statement: its net when the provider paid it,
    nothing when it failed (a payout still in flight on our side is left to its callback)."""
    keys = {f"withdrawal:{w.pk}:{step}": w.pk for w in matched.values()
            for step in ("paid", "paid_after_failed", "payout_reversed")}
    booked: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in JournalLine.objects.filter(entry__key__in=list(keys), account__kind__in=[
            Kind.PROMOTER_WITHDRAWN, Kind.MERCHANT_WITHDRAWN]).values_list("entry__key", "amount"):
        booked[keys[key]] -= amount
    for line in theirs:
        withdrawal = matched.get(line.reference)
        if withdrawal is None or STATES.get(withdrawal.status) is None:
            continue
        expected = line.amount if line.state == SUCCEEDED else ZERO
        if booked[withdrawal.pk] != expected:
            yield Mismatch(subject=f"{provider} payout {line.reference} ({line.provider_id}) withdrawn",
                           found=str(booked[withdrawal.pk]), expected=str(expected),
                           note=f"the ledger's withdrawn total against the provider's {line.state}")
