"""The batched accrual (issue 13): the payment callback queues the paid order, a batch books it exactly once,
with exactly what the inline accrual books."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.orders import factories as of
from tests.settlement import factories as f
from tests.settlement.conftest import reconcile
from tuishou.ledger.models import JournalEntry, JournalLine
from tuishou.orders import events
from tuishou.orders.models import AccrualPending, AfterSalesCase, Order
from tuishou.settlement.accrual_batch import accruals_book, accruals_pending_count
from tuishou.settlement.models import Commission, MerchantReceivable
from tuishou.wallets.selectors import wallet_get

pytestmark = pytest.mark.django_db
K = f.K


@pytest.fixture
def batched(settings):
    """Batched accrual on, the after-commit trigger off: orders wait until a test books them."""
    settings.TUISHOU = {**settings.TUISHOU, "ACCRUAL_BATCHED": True, "ACCRUAL_TRIGGER_SECONDS": None}
    return settings


def test_a_paid_order_waits_in_the_queue_and_one_batch_books_it_once(batched, after_commit):
    # given the spec's example 2 (X buys 400.00 for themselves, B = 80.00) paid in batched mode
    of.plan(f.EXAMPLE_2)
    x, _, z = f.example_2_chain()
    shop = of.shop(fee_rate="0.0500")
    order = f.self_purchase(after_commit, x, merchant=shop)
    # then the order is paid, nothing is booked yet, and reconcile calls the fresh queue no mismatch
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert (accruals_pending_count(), JournalEntry.objects.count(), Commission.objects.count(),
            MerchantReceivable.objects.count()) == (1, 0, 0, 0)
    assert reconcile()[0] == 0
    # when the batch runs (twice)
    assert (accruals_book(), accruals_book()) == (1, 0)
    # then the order is booked once, as the inline accrual books it
    assert f.lines_of(f.entry(f"order:{order.pk}:paid")) == [
        ("gateway_clearing", Decimal("400.00")),
        (f"merchant_pending:merchant:{shop.pk}", Decimal("-300.00")),
        ("platform_revenue", Decimal("-20.00")),
        (f"promoter_pending:promoter:{x.pk}", Decimal("-40.00")),
        (f"promoter_pending:promoter:{x.pk}", Decimal("-4.00")),
        (f"promoter_pending:promoter:{z.pk}", Decimal("-4.00")),
        ("commission_margin", Decimal("-32.00")),
    ]
    assert sorted(Commission.objects.filter(order=order).values_list("promoter_id", "rule", "amount")) == sorted([
        (x.pk, "direct", Decimal("40.00")), (x.pk, "self_purchase", Decimal("4.00")), (z.pk, "tiers", Decimal("4.00"))])
    assert MerchantReceivable.objects.get(order=order).net == Decimal("300.00")
    assert (accruals_pending_count(), JournalEntry.objects.count()) == (0, 1)
    assert f.account_amount(K.PROMOTER_PENDING, x) == Decimal("44.00")
    assert reconcile()[0] == 0


def test_the_wallet_shows_commissions_waiting_for_the_batch_as_pending_booking(batched, after_commit, client):
    # given X's example-2 order paid and still queued (X earns 44.00, Z 4.00)
    of.plan(f.EXAMPLE_2)
    x, _, z = f.example_2_chain()
    f.self_purchase(after_commit, x)
    client.force_login(x.user)
    # then X's wallet (API and page) shows 44.00 pending booking (待入账), in no balance yet; Z's shows 4.00
    me = client.get("/api/v1/wallets/me").json()
    assert (me["pending_booking"], me["pending"], me["available"]) == ("44.00", "0.00", "0.00")
    assert wallet_get(z).pending_booking == Decimal("4.00")
    page = client.get("/centre/wallet/").content.decode()
    assert 'data-testid="pending-booking"' in page and "44.00" in page
    # when the batch books it, the amount moves into the pending-settlement balance and the notice goes
    accruals_book()
    me = client.get("/api/v1/wallets/me").json()
    assert (me["pending_booking"], me["pending"]) == ("0.00", "44.00")
    assert 'data-testid="pending-booking"' not in client.get("/centre/wallet/").content.decode()
    assert reconcile()[0] == 0


def test_an_order_queued_too_long_is_a_reconcile_mismatch(batched, after_commit):
    of.plan(f.EXAMPLE_2)
    x, _, _ = f.example_2_chain()
    order = f.self_purchase(after_commit, x)
    AccrualPending.objects.filter(order_id=order.pk).update(created_at=timezone.now() - timedelta(minutes=11))

    code, output = reconcile()

    assert code != 0 and "no accrual entry" in output
    accruals_book()
    assert reconcile()[0] == 0


def test_a_refund_before_the_batch_books_the_order_first_then_takes_back(batched, after_commit):
    # given X's example-2 order paid and still queued
    of.plan(f.EXAMPLE_2)
    x, _, _ = f.example_2_chain()
    order = f.self_purchase(after_commit, x)
    assert accruals_pending_count() == 1
    # when half of it is refunded before any batch ran
    case = f.refund(after_commit, order, amount="200.00")
    # then the refund booked the accrual first, then took half of each commission back
    assert case.status == "refunded"
    assert accruals_pending_count() == 0
    assert JournalEntry.objects.filter(key=f"order:{order.pk}:paid").exists()
    assert sorted(Commission.objects.filter(order=order).values_list("rule", "amount")) == [
        ("direct", Decimal("20.00")), ("self_purchase", Decimal("2.00")), ("tiers", Decimal("2.00"))]
    assert accruals_book() == 0
    assert reconcile()[0] == 0


def test_the_after_commit_trigger_books_the_order_right_after_the_payment(settings, after_commit):
    settings.TUISHOU = {**settings.TUISHOU, "ACCRUAL_BATCHED": True, "ACCRUAL_TRIGGER_SECONDS": 0}
    of.plan(f.EXAMPLE_2)
    x, _, _ = f.example_2_chain()
    order = f.self_purchase(after_commit, x)

    assert accruals_pending_count() == 0
    assert Commission.objects.filter(order=order).count() == 3
    assert reconcile()[0] == 0


def test_the_queued_event_reads_back_equal_and_reaches_a_handler_only_when_booked(batched, after_commit):
    # given a handler without a batch form, subscribed to order.paid
    of.plan(f.EXAMPLE_2)
    x, _, _ = f.example_2_chain()
    seen = []
    events.subscribe(events.OrderPaid, seen.append)
    try:
        # when X's order is paid in batched mode
        order = f.self_purchase(after_commit, x)
        queued = events.paid_from_json(AccrualPending.objects.get(order_id=order.pk).event)
        # then the handler heard nothing yet
        assert seen == []
        # and when the batch books it, the handler hears the queued event, once
        assert accruals_book() == 1
    finally:
        events.unsubscribe(events.OrderPaid, seen.append)
    assert seen == [queued] and queued.order_id == order.pk and queued.promoter_id == x.pk


# ---- property: the batch writes what the inline accrual writes -------------------------------------------------

def _written(order: Order) -> dict:
    """What an order's accrual wrote, without the order's own identity (pk, number) and the times."""
    entry = JournalEntry.objects.get(key=f"order:{order.pk}:paid")
    lines = [(line.account.kind, line.account.promoter_id, line.account.merchant_id, line.amount,
              line.order_ref == order.number if line.order_ref else None, line.order_line_ref, line.plan_id,
              line.plan_version, line.rule, line.rate, line.base)
             for line in JournalLine.objects.filter(entry=entry).select_related("account").order_by("pk")]
    commissions = list(Commission.objects.filter(order=order).order_by("pk").values_list(
        "promoter_id", "rule", "plan_version_id", "base", "rate", "accrued_amount", "amount", "status", "freeze_days",
        "settle_after", "due_at"))
    receivable = MerchantReceivable.objects.filter(order=order).values_list(
        "merchant_id", "fee_rate", "paid_amount", "commission_base", "fee", "net", "status", "freeze_days",
        "settle_after").get()
    saved = Order.objects.filter(pk=order.pk).values_list(
        "status", "total", "commission_base", "promoter_id", "self_purchase", "plan_version_id", "chain").get()
    return {"kind": entry.kind, "memo": entry.memo.replace(order.number, "N"), "lines": lines,
            "commissions": commissions, "receivable": receivable, "order": saved}


order_inputs = st.lists(st.tuples(
    st.sampled_from(["none", "x", "y", "z", "self"]),  # who shared the link (or nobody, or X buying for X)
    st.sampled_from(["9.90", "19.90", "99.99", "400.00", "1288.00"]),
    st.one_of(st.sampled_from(["0.0500", "0.2000", "0.3000"]), st.none()),  # rate, or a fixed 5.00
    st.integers(min_value=1, max_value=3)), min_size=1, max_size=6)


@given(inputs=order_inputs)
@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
def test_property_the_batch_books_exactly_what_the_inline_accrual_books(settings, after_commit, world, inputs):
    shop, people = world
    pairs = []
    for who, price, rate, quantity in inputs:
        item = of.sku(merchant=shop, price=price, rate=rate, fixed=None if rate else "5.00", stock=20)
        written = []
        for mode in (False, True):
            settings.TUISHOU = {**settings.TUISHOU, "ACCRUAL_BATCHED": mode, "ACCRUAL_TRIGGER_SECONDS": None}
            if who == "self":
                written.append(of.paid_order(after_commit, person=people["x"].user, item=item, quantity=quantity))
            else:
                code = of.share_link(people[who], item.product_id).code if who != "none" else None
                written.append(of.paid_order(after_commit, item=item, quantity=quantity, share_code=code))
        pairs.append(written)
    assert accruals_pending_count() == len(inputs)
    assert accruals_book() == len(inputs)  # every queued order in ONE batch
    for inline, batch in pairs:
        assert _written(batch) == _written(inline)
    assert reconcile()[0] == 0


@pytest.fixture
def world():
    of.plan(f.EXAMPLE_2)
    x, y, z = f.example_2_chain()
    return of.shop(fee_rate="0.0500"), {"x": x, "y": y, "z": z}


class _NoCapture:
    """``after_commit`` for transaction=True tests: on_commit callbacks run at each real commit anyway."""

    def __call__(self):
        import contextlib

        return contextlib.nullcontext()


def _queued_self_purchases(count: int):
    """X of example 2 buys ``count`` times from one shop, each order paid and queued for booking."""
    of.plan(f.EXAMPLE_2)
    x, _, _ = f.example_2_chain()
    shop = of.shop(fee_rate="0.0500")
    orders = [f.self_purchase(_NoCapture(), x, merchant=shop) for _ in range(count)]
    assert accruals_pending_count() == count
    return x, shop, orders


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("self_purchase_rule_off")
def test_batches_racing_each_other_book_every_queued_order_exactly_once(batched):
    from tests.concurrency import at_once, errors_of

    x, _shop, orders = _queued_self_purchases(6)

    outcomes = at_once([lambda: accruals_book(limit=2)] * 4)

    assert not errors_of(outcomes)
    assert sum(outcomes) == 6 and accruals_pending_count() == 0
    assert JournalEntry.objects.filter(key__in=[f"order:{o.pk}:paid" for o in orders]).count() == 6
    assert Commission.objects.count() == 18 and MerchantReceivable.objects.count() == 6
    assert f.account_amount(K.PROMOTER_PENDING, x) == Decimal("264.00")
    assert reconcile()[0] == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("self_purchase_rule_off")
def test_refunds_racing_the_batch_book_their_orders_once_and_take_back_once(batched):
    from tests.concurrency import at_once, errors_of
    from tuishou.orders import aftersales

    # given four paid orders still queued, and the buyer's half refunds of two of them waiting for the merchant
    x, shop, orders = _queued_self_purchases(4)
    cases = [aftersales.aftersales_open(buyer=order.buyer, order_id=order.pk, kind="refund_only", reason="不想要了",
                                        amount="200.00") for order in orders[:2]]
    owner = of.owner(shop)

    # when a booking batch and the merchant's two acceptances run at the same moment
    outcomes = at_once([accruals_book,
                        lambda: aftersales.aftersales_answer(actor=owner, case_id=cases[0].pk, accept=True),
                        lambda: aftersales.aftersales_answer(actor=owner, case_id=cases[1].pk, accept=True)])

    # then every order is booked once, whoever booked it, and each refund took back half of its order's commissions
    assert not errors_of(outcomes)
    assert accruals_pending_count() == 0 and accruals_book() == 0
    assert JournalEntry.objects.filter(key__in=[f"order:{o.pk}:paid" for o in orders]).count() == 4
    assert sorted(case.status for case in AfterSalesCase.objects.filter(pk__in=[c.pk for c in cases])) == [
        "refunded", "refunded"]
    whole = sorted(Commission.objects.filter(order=orders[3]).values_list("rule", "amount"))
    for refunded in orders[:2]:
        assert sorted(Commission.objects.filter(order=refunded).values_list("rule", "amount")) == [
            (rule, amount / 2) for rule, amount in whole]
    assert sorted(Commission.objects.filter(order=orders[2]).values_list("rule", "amount")) == whole
    assert f.account_amount(K.PROMOTER_PENDING, x) == sum(
        Commission.objects.filter(promoter=x).values_list("amount", flat=True), Decimal("0.00"))
    assert reconcile()[0] == 0
