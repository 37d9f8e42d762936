"""The set-based settlement (PostgreSQL) books exactly what the per-entry reference path books, and is as safe."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from tests.orders import factories as of
from tests.settlement import factories as f
from tuishou.core.errors import Conflict
from tuishou.ledger.models import Account, JournalEntry, JournalLine
from tuishou.ledger.services import account_for, journal_post
from tuishou.network.models import Promoter
from tuishou.orders import aftersales
from tuishou.settlement.models import Commission, MerchantReceivable
from tuishou.settlement.settle import settlement_run

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]
K = f.K


class _RolledBack(Exception):
    pass


def _books() -> dict:
    """Everything settlement writes, without ids or times (they differ between two runs by nature)."""
    entry_keys = dict(JournalEntry.objects.values_list("id", "key"))
    lines: dict[str, list] = {}
    for line in JournalLine.objects.select_related("account").order_by("id"):
        lines.setdefault(entry_keys[line.entry_id], []).append(
            (line.account.key, line.amount, *(getattr(line, name) for name in JournalLine.SNAPSHOT_FIELDS)))
    return {
        "entries": [(e.key, e.kind, e.memo, e.actor_id, e.reverses_id)
                    for e in JournalEntry.objects.order_by("id")],  # in posting order
        "lines": lines,
        "accounts": sorted(Account.objects.values_list("key", "kind", "promoter_id", "merchant_id", "currency",
                                                       "balance", "line_count")),
        "commissions": [(pk, status, amount, settled, due, at is None) for pk, status, amount, settled, due, at
                        in Commission.objects.order_by("pk").values_list(
                            "pk", "status", "amount", "settled_amount", "due_at", "settled_at")],
        "receivables": [(pk, status, net, settled, due, at is None) for pk, status, net, settled, due, at
                        in MerchantReceivable.objects.order_by("pk").values_list(
                            "pk", "status", "net", "settled_net", "due_at", "settled_at")],
    }


@pytest.mark.usefixtures("self_purchase_rule_off")
def test_the_set_based_path_books_exactly_what_the_per_entry_path_books(after_commit):
    # given X's and another chain's orders of the spec's example 2 at two shops: settled whole, reduced by a
    # partial refund, fully refunded, held by an open after-sales case, and not yet received
    of.plan(f.EXAMPLE_2)
    x, _, z = f.example_2_chain()
    x2, _, _ = f.example_2_chain()
    shops = of.shop(fee_rate="0.0500"), of.shop(fee_rate="0.0300", name="二号店")
    orders = [f.received(f.self_purchase(after_commit, who, merchant=shop)) for who in (x, x2) for shop in shops]
    f.refund(after_commit, orders[1], amount="100.00")
    refunded = f.received(f.self_purchase(after_commit, x, merchant=shops[0]))
    f.refund(after_commit, refunded, amount="400.00")
    held = f.received(f.self_purchase(after_commit, x2, merchant=shops[1]))
    aftersales.aftersales_open(buyer=held.buyer, order_id=held.pk, kind="refund_only", reason="坏了",
                               amount="1.00")
    f.self_purchase(after_commit, z, merchant=shops[1])
    as_of = held.received_at + timedelta(days=16)
    before = _books()

    # when the per-entry path settles it (then rolled back), and the set-based path settles the same data
    with pytest.raises(_RolledBack), transaction.atomic():
        reference_summary = settlement_run(as_of=as_of, chunk_size=3, set_based=False)
        reference = _books()
        raise _RolledBack
    assert _books() == before
    summary = settlement_run(as_of=as_of, chunk_size=3, set_based=True)

    # then both settled the same rows into the same entries, lines, balances and statuses
    assert (summary.commissions, summary.receivables) == (reference_summary.commissions,
                                                          reference_summary.receivables) == (12, 4)
    assert _books() == reference
    assert len(reference["entries"]) - len(before["entries"]) == 16
    assert f.account_amount(K.PROMOTER_AVAILABLE, x) == Decimal("44.00") + Decimal("33.00")


def test_a_rerun_chunk_books_nothing_twice(after_commit):
    of.plan(f.EXAMPLE_2)
    x, _, z = f.example_2_chain()
    order = f.received(f.self_purchase(after_commit, x))
    as_of = order.received_at + timedelta(days=16)
    settlement_run(as_of=as_of, chunk_size=2)
    settled = _books()

    again = settlement_run(as_of=as_of, chunk_size=2)

    assert (again.commissions, again.receivables) == (0, 0)
    assert _books() == settled
    assert (f.account_amount(K.PROMOTER_AVAILABLE, x), f.account_amount(K.PROMOTER_AVAILABLE, z)) == (
        Decimal("44.00"), Decimal("4.00"))


@pytest.mark.tampered
def test_a_pending_commission_whose_settlement_key_is_taken_refuses_its_chunk(after_commit):
    # given a pending commission whose key settle:commission:<id> was posted behind settlement's back
    of.plan(f.EXAMPLE_2)
    x, _, _ = f.example_2_chain()
    order = f.received(f.self_purchase(after_commit, x))
    first = Commission.objects.order_by("pk").first()
    journal_post(kind=JournalEntry.Kind.ADJUSTMENT, key=f"settle:commission:{first.pk}",
                 lines=[(account_for(K.COMMISSION_EXPENSE), Decimal("1.00")),
                        (account_for(K.PLATFORM_REVENUE), Decimal("-1.00"))])
    assert settlement_run(as_of=order.received_at).stamped == 4  # due times stamped, nothing due yet
    before = _books()

    # when settlement runs, then the chunk is refused whole: the unique key holds even without the status guard
    with pytest.raises(Conflict) as refused:
        settlement_run(as_of=order.received_at + timedelta(days=16))

    assert (refused.value.code, refused.value.details) == ("ledger.key_reused",
                                                           {"keys": [f"settle:commission:{first.pk}"]})
    assert _books() == before


@pytest.mark.usefixtures("self_purchase_rule_off")
@pytest.mark.parametrize("chunk_size", [1, 2, 4])
def test_windows_of_rows_that_are_not_due_are_walked_past_as_the_per_entry_path_does(after_commit, chunk_size):
    # given, by pk: an order held by an open after-sales case (3 commissions), then an order whose Z is frozen,
    # then an order not yet received; the set-based chunks take windows of pending rows by pk and lock only
    # the due ones in them
    of.plan(f.EXAMPLE_2)
    x, _, z = f.example_2_chain()
    x2, _, _ = f.example_2_chain()
    held = f.received(f.self_purchase(after_commit, x2))
    aftersales.aftersales_open(buyer=held.buyer, order_id=held.pk, kind="refund_only", reason="坏了", amount="1.00")
    frozen_z = f.received(f.self_purchase(after_commit, x))
    Promoter.objects.filter(pk=z.pk).update(frozen_at=timezone.now())
    f.self_purchase(after_commit, x)
    as_of = frozen_z.received_at + timedelta(days=16)
    before = _books()

    # when the per-entry path settles it (rolled back), and the set-based path settles the same data
    with pytest.raises(_RolledBack), transaction.atomic():
        reference_summary = settlement_run(as_of=as_of, chunk_size=chunk_size, set_based=False)
        reference = _books()
        raise _RolledBack
    assert _books() == before
    summary = settlement_run(as_of=as_of, chunk_size=chunk_size, set_based=True)

    # then only X's two commissions of the second order settled, in both, into the same books
    assert (summary.commissions, summary.receivables) == (reference_summary.commissions,
                                                          reference_summary.receivables) == (2, 1)
    assert _books() == reference
    assert sorted(Commission.objects.filter(status="available").values_list("order_id", "promoter_id", "amount")) == [
        (frozen_z.pk, x.pk, Decimal("4.00")), (frozen_z.pk, x.pk, Decimal("40.00"))]
    assert (f.account_amount(K.PROMOTER_AVAILABLE, x), f.account_amount(K.PROMOTER_AVAILABLE, z)) == (
        Decimal("44.00"), Decimal("0.00"))
