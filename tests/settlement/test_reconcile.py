"""`tuishou reconcile` with settlement's checks: clean after real money moves, exit 1 naming a tampered row."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.orders import factories as of
from tests.settlement import factories as f
from tests.settlement.conftest import reconcile
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.settlement.models import Commission, MerchantReceivable
from tuishou.settlement.settle import settlement_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(after_commit):
    """Two orders of the spec's example 2: one partly refunded, one settled."""
    of.plan(f.EXAMPLE_2)
    x, _, _ = f.example_2_chain()
    refunded = f.self_purchase(after_commit, x)
    case = f.refund(after_commit, refunded, amount="100.00")
    settled = f.received(f.self_purchase(after_commit, x))
    settlement_run(as_of=settled.received_at + timedelta(days=16))
    return refunded, case, settled


def test_real_accruals_refunds_and_settlements_reconcile_with_every_check_named(books):
    code, output = reconcile()

    assert code == 0, output
    for name in ("order_commissions", "refund_reversals", "commission_rows"):
        assert f"ok   {name}:" in output


@pytest.mark.tampered
def test_a_tampered_commission_row_is_named_and_exits_one(books):
    refunded, _, _ = books
    row = Commission.objects.filter(order=refunded, rule="direct").get()
    Commission.objects.filter(pk=row.pk).update(amount=Decimal("31.00"))

    code, output = reconcile()

    assert code == 1
    assert ("FAIL commission_rows" in output and f"commission #{row.pk} (direct, promoter {row.promoter_id}): "
            "found amount 31.00, expected 30.00 booked in the ledger" in output), output


@pytest.mark.tampered
def test_an_order_whose_base_changed_without_a_booked_refund_is_named(books):
    _, _, settled = books
    Order.objects.filter(pk=settled.pk).update(commission_base_remaining=Decimal("40.00"))

    code, output = reconcile()

    assert code == 1
    assert "FAIL order_commissions" in output
    assert f"order {settled.number} (#{settled.pk}) commissions: found promoter" in output


@pytest.mark.tampered
def test_a_refund_without_its_entry_is_named(books, after_commit):
    _, _, settled = books
    case = AfterSalesCase.objects.create(order=settled, kind="refund_only", status="refunded", reason="x",
                                         amount=Decimal("5.00"), opened_at=settled.received_at,
                                         answer_due_at=settled.received_at)

    code, output = reconcile()

    assert code == 1
    assert (f"after-sales case #{case.pk} (order #{settled.pk}): found no refund entry, "
            f"expected entry order:{settled.pk}:refund:{case.pk} refunding 5.00") in output


@pytest.mark.tampered
def test_a_pending_receivable_that_disagrees_with_the_merchants_pending_account_is_named(books):
    refunded, _, _ = books
    MerchantReceivable.objects.filter(order=refunded).update(net=Decimal("1.00"))

    code, output = reconcile()

    assert code == 1
    assert f"account merchant_pending:merchant:{refunded.merchant_id}" in output
