"""Settlement: due pending commissions become available and merchants' shares payable, once, in chunks."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.orders import factories as of
from tests.settlement import factories as f
from tuishou.core.errors import Conflict
from tuishou.ledger.models import JournalEntry
from tuishou.orders import aftersales
from tuishou.settlement import settle
from tuishou.settlement.models import Commission, MerchantReceivable
from tuishou.settlement.settle import settlement_run

pytestmark = pytest.mark.django_db
K = f.K


@pytest.fixture
def sale(after_commit):
    """The spec's example 2 order (X 40.00 + 4.00, Z 4.00, merchant 300.00), received."""
    of.plan(f.EXAMPLE_2)
    x, _y, z = f.example_2_chain()
    shop = of.shop(fee_rate="0.0500")
    order = f.self_purchase(after_commit, x, merchant=shop)
    return order, x, z, shop


def _settled_keys():
    return sorted(JournalEntry.objects.filter(key__startswith="settle:").values_list("key", flat=True))


def test_nothing_settles_before_receipt_and_due_at_stays_empty(sale):
    order, *_ = sale
    summary = settlement_run(as_of=order.paid_at + timedelta(days=365))

    assert (summary.stamped, summary.commissions, summary.receivables) == (0, 0, 0)
    assert set(Commission.objects.values_list("status", "due_at")) == {("pending", None)}
    assert _settled_keys() == []


def test_commissions_settle_at_receipt_plus_freeze_days_and_not_a_second_earlier(sale):
    order, x, z, shop = sale
    order = f.received(order)
    due = order.received_at + timedelta(days=15)

    early = settlement_run(as_of=due - timedelta(seconds=1))
    assert (early.stamped, early.commissions, early.receivables) == (4, 0, 0)
    assert set(Commission.objects.values_list("status", "due_at")) == {("pending", due)}
    assert MerchantReceivable.objects.get().due_at == due

    on_time = settlement_run(as_of=due)

    assert (on_time.commissions, on_time.receivables) == (3, 1)
    rows = Commission.objects.order_by("pk")
    assert [(c.status, c.settled_amount) for c in rows] == [
        ("available", Decimal("40.00")), ("available", Decimal("4.00")), ("available", Decimal("4.00"))]
    assert f.lines_of(f.entry(f"settle:commission:{rows[0].pk}")) == [
        (f"promoter_pending:promoter:{x.pk}", Decimal("40.00")),
        (f"promoter_available:promoter:{x.pk}", Decimal("-40.00"))]
    receivable = MerchantReceivable.objects.get()
    assert (receivable.status, receivable.settled_net) == ("settled", Decimal("300.00"))
    assert f.entry(f"settle:merchant:{receivable.pk}").kind == JournalEntry.Kind.MERCHANT_SETTLED
    assert (f.account_amount(K.PROMOTER_PENDING, x), f.account_amount(K.PROMOTER_AVAILABLE, x),
            f.account_amount(K.PROMOTER_AVAILABLE, z), f.account_amount(K.MERCHANT_PENDING, shop),
            f.account_amount(K.MERCHANT_PAYABLE, shop)) == (
        Decimal("0.00"), Decimal("44.00"), Decimal("4.00"), Decimal("0.00"), Decimal("300.00"))


def test_an_open_after_sales_case_holds_settlement_back(sale):
    order, x, _, _ = sale
    order = f.received(order)
    aftersales.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="坏了",
                               amount="1.00", now=order.received_at + timedelta(days=1))

    summary = settlement_run(as_of=order.received_at + timedelta(days=30))

    assert (summary.commissions, summary.receivables) == (0, 0)
    assert f.account_amount(K.PROMOTER_AVAILABLE, x) == Decimal("0.00")
    assert _settled_keys() == []


def test_settlement_waits_for_the_after_sales_window_even_with_a_shorter_freeze(after_commit, settings):
    of.plan(f.EXAMPLE_2)  # freeze_days 15, then the window is made longer (20 days)
    settings.TUISHOU = {**settings.TUISHOU, "AFTER_SALES_DAYS": 20}
    x, _, _ = f.example_2_chain()
    order = f.received(f.self_purchase(after_commit, x))

    assert settlement_run(as_of=order.received_at + timedelta(days=19)).commissions == 0
    assert settlement_run(as_of=order.received_at + timedelta(days=20)).commissions == 3


def test_a_second_run_books_nothing_more(sale):
    order, x, _, _ = sale
    order = f.received(order)
    as_of = order.received_at + timedelta(days=16)
    settlement_run(as_of=as_of)
    keys = _settled_keys()

    again = settlement_run(as_of=as_of)

    assert (again.commissions, again.receivables) == (0, 0)
    assert _settled_keys() == keys and len(keys) == 4
    assert f.account_amount(K.PROMOTER_AVAILABLE, x) == Decimal("44.00")


def _posting_wrapped(monkeypatch, wrapper) -> None:
    """Wrap the ledger call that posts a chunk, on both paths: ``wrapper(real, keys, kwargs)`` posts or raises."""
    for name, keys_of in (("journal_post_many", lambda kw: [d.key for d in kw["drafts"]]),
                          ("journal_post_transfers", lambda kw: list(kw["keys"]))):
        real = getattr(settle, name)
        monkeypatch.setattr(settle, name, lambda real=real, keys_of=keys_of, **kw: wrapper(real, keys_of(kw), kw))


def test_a_run_killed_half_way_and_run_again_books_everything_exactly_once(sale, monkeypatch):
    order, x, z, shop = sale
    order = f.received(order)
    as_of = order.received_at + timedelta(days=16)
    calls = []

    def dies_on_the_third_chunk(real, keys, kwargs):
        calls.append(keys)
        if len(calls) == 3:
            raise RuntimeError("killed")
        return real(**kwargs)

    # given a run in chunks of one row that dies posting its third chunk (set-based on PostgreSQL)
    with monkeypatch.context() as patched:
        _posting_wrapped(patched, dies_on_the_third_chunk)
        with pytest.raises(RuntimeError):
            settlement_run(as_of=as_of, chunk_size=1)
    # then the two chunks before it are committed, the third rolled back whole
    assert Commission.objects.filter(status="available").count() == 2
    assert len(_settled_keys()) == 2

    # when it runs again
    summary = settlement_run(as_of=as_of, chunk_size=1)

    # then it settles only the rest, and every row exactly once
    assert (summary.commissions, summary.receivables) == (1, 1)
    assert len(_settled_keys()) == 4
    assert set(Commission.objects.values_list("status", flat=True)) == {"available"}
    assert (f.account_amount(K.PROMOTER_AVAILABLE, x), f.account_amount(K.PROMOTER_AVAILABLE, z),
            f.account_amount(K.MERCHANT_PAYABLE, shop)) == (Decimal("44.00"), Decimal("4.00"), Decimal("300.00"))


def test_a_chunk_whose_posting_fails_rolls_back_whole(sale, monkeypatch):
    order, x, _, _ = sale
    order = f.received(order)

    def fails(real, keys, kwargs):
        raise RuntimeError("database gone")

    _posting_wrapped(monkeypatch, fails)
    with pytest.raises(RuntimeError):
        settlement_run(as_of=order.received_at + timedelta(days=16), chunk_size=10)

    assert set(Commission.objects.values_list("status", "settled_amount")) == {("pending", None)}
    assert _settled_keys() == []
    assert f.account_amount(K.PROMOTER_PENDING, x) == Decimal("44.00")


def test_a_chunk_refuses_rows_that_are_no_longer_pending(sale):
    order, *_ = sale
    first, second = Commission.objects.order_by("pk")[:2]
    Commission.objects.filter(pk=second.pk).update(status="cancelled")  # moved behind the chunk's back

    with pytest.raises(Conflict) as refused, transaction.atomic():  # the chunk's transaction
        settle._settled_moves(Commission, [first.pk, second.pk], "available", {"settled_at": order.paid_at})

    assert (refused.value.code, refused.value.details) == ("settlement.transition_invalid", {
        "status": "pending", "to": "available", "expected": 2, "moved": 1})
    Commission.objects.filter(pk=second.pk).update(status="pending")
    assert set(Commission.objects.values_list("status", flat=True)) == {"pending"}


def test_each_commission_settles_in_its_own_entry_with_its_memo(sale):
    order, *_ = sale
    order = f.received(order)

    settlement_run(as_of=order.received_at + timedelta(days=16), chunk_size=1000)

    rows = Commission.objects.order_by("pk")
    assert [(f.entry(f"settle:commission:{c.pk}").kind, f.entry(f"settle:commission:{c.pk}").memo) for c in rows] == [
        (JournalEntry.Kind.COMMISSION_SETTLED, f"佣金结算 #{c.pk} ({c.rule})") for c in rows]


def test_the_settle_command_takes_an_as_of_time(sale):
    order, x, _, _ = sale
    order = f.received(order)
    out = StringIO()

    call_command("settle", "--as-of", (order.received_at + timedelta(days=16)).isoformat(), stdout=out)

    assert "3 commission(s), 1 merchant share(s)" in out.getvalue()
    assert f.account_amount(K.PROMOTER_AVAILABLE, x) == Decimal("44.00")


def test_after_completion_plans_settle_from_the_completion_time(after_commit):
    of.plan(f.EXAMPLE_2.replace("after: received", "after: completed"))
    x, _, _ = f.example_2_chain()
    order = f.completed(f.self_purchase(after_commit, x))
    due = order.completed_at + timedelta(days=15)

    assert settlement_run(as_of=due - timedelta(seconds=1)).commissions == 0
    assert settlement_run(as_of=due).commissions == 3
    assert set(Commission.objects.values_list("due_at", flat=True)) == {due}
