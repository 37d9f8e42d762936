"""The fast paid path (issue 13, ``TUISHOU["PAID_FAST_PATH"]``, PostgreSQL): an ordinary payment.succeeded
callback written by hand in one transaction writes exactly what the reference services write; anything else is
left to the services."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.orders import factories as of
from tests.settlement import factories as f
from tests.settlement.conftest import reconcile
from tests.spies import answers_recorded
from tuishou.incentives.models import VolumeEntry
from tuishou.ledger.models import JournalEntry, JournalLine
from tuishou.ledger.reconcile import reconcile_run
from tuishou.network.models import Promoter
from tuishou.orders import events
from tuishou.orders.models import AccrualPending, Checkout, Order
from tuishou.payments import services as payment_services
from tuishou.payments.models import Payment, PaymentEvent
from tuishou.reports.models import DayOrders
from tuishou.settlement.accrual_batch import accruals_book
from tuishou.settlement.models import Commission, MerchantReceivable

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_calls(monkeypatch):
    """Every answer of the fast path (None: it left the callback to the services)."""
    return answers_recorded(monkeypatch, payment_services, "payment_callback_fast")


def _mode(settings, *, fast: bool, batched: bool = True) -> None:
    settings.TUISHOU = {**settings.TUISHOU, "PAID_FAST_PATH": fast, "ACCRUAL_BATCHED": batched,
                        "ACCRUAL_TRIGGER_SECONDS": None}


def _promoters() -> dict:
    return {pk: (count, volume, stage) for pk, count, volume, stage in
            Promoter.objects.values_list("pk", "paid_sales_count", "personal_volume", "stage")}


def _delta(before: dict, after: dict) -> dict:
    return {pk: (after[pk][0] - before[pk][0], after[pk][1] - before[pk][1], after[pk][2])
            for pk in after if after[pk] != before.get(pk)}


def _anon(text: str, checkout: Checkout, payment: Payment, orders: list[Order]) -> str:
    """``text`` with this checkout's own identities (pks, numbers, txn id) replaced by names."""
    for order in orders:
        text = text.replace(order.number, "NUMBER")
    return text.replace(f"payment {payment.pk}", "payment PAYMENT").replace(payment.gateway_txn_id, "TXN")


def _paid(settings, after_commit, *, fast: bool, buyer, lines, share_code) -> dict:
    """Check out ``lines`` and pay through the sandbox in one mode, then book the orders in one batch; answer every
    row the payment and the batch wrote, and what the payment left for the batch (none of it written before)."""
    _mode(settings, fast=fast)
    seen = []
    events.subscribe(events.OrderPaid, seen.append)
    before = _promoters()
    days = DayOrders.objects.count()
    volumes = VolumeEntry.objects.count()
    try:
        checkout = of.checkout(buyer, lines, share_code=share_code)
        payment = of.pay(after_commit, checkout)
        orders = list(Order.objects.filter(checkout=checkout).order_by("pk"))
        position = {o.pk: i for i, o in enumerate(orders)}
        unbooked = (len(seen), VolumeEntry.objects.count() - volumes, _delta(before, _promoters()),
                    DayOrders.objects.count() - days)
        queued = list(AccrualPending.objects.filter(order_id__in=position).order_by("order_id")
                      .values_list("order_id", "event"))
        booked = accruals_book()
    finally:
        events.unsubscribe(events.OrderPaid, seen.append)
    checkout.refresh_from_db()

    def anon(value) -> str:
        return _anon(str(value), checkout, payment, orders)

    return {
        "unbooked": unbooked,
        "booked": (booked, [_booked(o) for o in orders]),
        "checkout": (checkout.status, checkout.payment_ref == str(payment.pk), checkout.paid_at == payment.paid_at,
                     [(h.event, h.from_status, h.to_status, h.actor_id, anon(h.reason),
                       h.created_at == checkout.paid_at) for h in checkout.status_changes.order_by("pk")]),
        "orders": [(o.status, o.total, o.commission_base, o.promoter_id, o.self_purchase, o.plan_version_id, o.chain,
                    o.paid_at == payment.paid_at,
                    [(h.event, h.from_status, h.to_status, h.actor_id, anon(h.reason), h.created_at == o.paid_at)
                     for h in o.status_changes.order_by("pk")]) for o in orders],
        "payment": (payment.status, payment.status_reason, payment.paid_at is not None,
                    [(h.event, h.from_status, h.to_status, h.actor_id, h.reason)
                     for h in payment.status_changes.order_by("pk")]),
        "callbacks": [(e.type, e.outcome, e.reason, e.message, e.signature_verified, sorted(e.headers),
                       json.loads(e.body)["txn_id"] == e.txn_id == payment.gateway_txn_id, e.refund_id)
                      for e in PaymentEvent.objects.filter(payment=payment).order_by("pk")],
        "volume": [(v.promoter_id, v.base, v.self_purchase, v.orders, v.occurred_at == payment.paid_at)
                   for o in orders for v in VolumeEntry.objects.filter(source_ref=f"order:{o.number}:paid")],
        "promoters": _delta(before, _promoters()),
        "rollups": list(DayOrders.objects.order_by("pk").values_list(
            "day", "community_id", "merchant_id", "gmv", "orders", "base", "refunded", "lines")[days:]),
        "events": [anon({**events.paid_to_json(e), "order_id": position[e.order_id], "checkout_id": None,
                         "lines": [line[1:] for line in events.paid_to_json(e)["lines"]],
                         "payment_ref": e.payment_ref == str(payment.pk),
                         "paid_at": e.paid_at == payment.paid_at}) for e in seen],
        "queued": [anon({**data, "order_id": position[order_id], "checkout_id": None, "paid_at": None,
                         "payment_ref": data["payment_ref"] == str(payment.pk),
                         "lines": [line[1:] for line in data["lines"]]})
                   for order_id, data in queued],
        "_orders": orders,
    }


def _booked(order: Order) -> dict:
    """What the batch booked for an order, without its identity (pk, number) and times."""
    entry = JournalEntry.objects.get(key=f"order:{order.pk}:paid")
    lines = [(line.account.kind, line.account.promoter_id, line.account.merchant_id, line.amount,
              line.order_ref == order.number if line.order_ref else None, line.plan_id, line.plan_version,
              line.rule, line.rate, line.base)
             for line in JournalLine.objects.filter(entry=entry).select_related("account").order_by("pk")]
    commissions = list(Commission.objects.filter(order=order).order_by("pk").values_list(
        "promoter_id", "rule", "plan_version_id", "base", "rate", "accrued_amount", "amount", "status"))
    receivable = list(MerchantReceivable.objects.filter(order=order).values_list(
        "merchant_id", "fee_rate", "paid_amount", "commission_base", "fee", "net", "status"))
    return {"kind": entry.kind, "memo": entry.memo.replace(order.number, "N"), "lines": lines,
            "commissions": commissions, "receivable": receivable}


@pytest.fixture
def world():
    of.plan(f.EXAMPLE_2)
    x, y, z = f.example_2_chain()
    return [of.shop(fee_rate="0.0500"), of.shop(fee_rate="0.0800", name="第二家")], {"x": x, "y": y, "z": z}


checkout_inputs = st.tuples(
    st.sampled_from(["none", "x", "y", "z", "self"]),  # who shared the link (or nobody, or X buying for X)
    st.lists(st.tuples(st.integers(0, 1),  # which shop: two shops make two orders in one checkout
                       st.sampled_from(["9.90", "19.90", "99.99", "400.00", "1288.00"]),
                       st.one_of(st.sampled_from(["0.0500", "0.2000", "0.3000"]), st.none()),  # or a fixed 5.00
                       st.integers(min_value=1, max_value=3)), min_size=1, max_size=3))


@pytest.mark.postgres_only
@given(inputs=checkout_inputs)
@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
def test_property_the_fast_path_writes_what_the_services_write(settings, after_commit, world, fast_calls, inputs):
    shops, people = world
    who, wanted = inputs
    items = [(of.sku(merchant=shops[shop], price=price, rate=rate, fixed=None if rate else "5.00", stock=20), quantity)
             for shop, price, rate, quantity in wanted]
    buyer = people["x"].user if who == "self" else of.buyer()
    code = of.share_link(people[who], items[0][0].product_id).code if who not in ("none", "self") else None
    fast_calls.clear()
    reference = _paid(settings, after_commit, fast=False, buyer=buyer, lines=items, share_code=code)
    assert fast_calls == []
    fast = _paid(settings, after_commit, fast=True, buyer=buyer, lines=items, share_code=code)
    assert len(fast_calls) == 1 and fast_calls[0] is not None and fast_calls[0].outcome == "processed"
    # then the fast path wrote the same checkout, orders, payment, logs and queue rows, and nothing else: the
    # batch then wrote the same volume, promoter counts, rollups, entries, lines, commissions and receivables, and
    # delivered the same events
    orders = (reference.pop("_orders"), fast.pop("_orders"))
    assert fast == reference
    assert reference["checkout"][0] == "paid" and reference["queued"]
    assert reference["unbooked"] == (0, 0, {}, 0) and reference["booked"][0] == len(orders[0])
    assert reconcile()[0] == 0


@pytest.mark.postgres_only
def test_a_replayed_success_is_left_to_the_services_and_logged_as_a_duplicate(settings, after_commit, world,
                                                                              fast_calls):
    # given an order paid through the fast path
    _mode(settings, fast=True)
    shops, people = world
    item = of.sku(merchant=shops[0], price="400.00", rate="0.2000", stock=5)
    checkout = of.checkout(people["x"].user, [(item, 1)])
    payment = of.pay(after_commit, checkout)
    first = PaymentEvent.objects.get(payment=payment)
    assert fast_calls[-1].outcome == "processed" and first.outcome == "processed"
    # when the gateway delivers the same event again
    body = first.body.encode()
    from tuishou.payments import sandbox

    with after_commit():
        result = payment_services.payment_callback_handle(gateway="sandbox", headers=sandbox.callback_headers(body),
                                                          body=body)
    # then the fast path declines it and the services log a duplicate; nothing else moves
    assert fast_calls[-1] is None and result.outcome == "duplicate"
    assert list(PaymentEvent.objects.filter(payment=payment).order_by("pk").values_list("outcome", flat=True)) == [
        "processed", "duplicate"]
    assert (Order.objects.get(checkout=checkout).status, AccrualPending.objects.count(),
            VolumeEntry.objects.count()) == ("paid", 1, 0)
    assert accruals_book() == 1 and reconcile()[0] == 0
    assert VolumeEntry.objects.count() == 1


# The second payment is made up here (the sandbox opens one charge per payable at a time), so the gateway's
# statement does not know it: every other check runs.
@pytest.mark.postgres_only
@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "line_references", "order_commissions",
                              "commission_rows")
def test_a_second_payment_of_a_paid_checkout_is_refused_by_the_services_and_refunded(settings, after_commit, world,
                                                                                    fast_calls):
    # given a checkout paid through the fast path, and a second payment of it opened before (a double tap)
    _mode(settings, fast=True)
    shops, people = world
    item = of.sku(merchant=shops[0], price="99.99", rate="0.2000", stock=5)
    checkout = of.checkout(people["x"].user, [(item, 1)])
    of.pay(after_commit, checkout)
    second = Payment.objects.create(payable_type="checkout", payable_ref=str(checkout.pk), amount=Decimal("99.99"),
                                    idempotency_key="double-tap", gateway="sandbox", gateway_txn_id="sbx_double",
                                    status=Payment.Status.PENDING)
    body = json.dumps({"event_id": "evt_double", "type": "payment.succeeded", "txn_id": "sbx_double",
                       "amount": "99.99", "currency": "CNY"}).encode()
    from tuishou.payments import sandbox

    # when its success arrives
    result = payment_services.payment_callback_handle(gateway="sandbox", headers=sandbox.callback_headers(body),
                                                      body=body)
    # then the fast path left it to the services, which refused it (refund requested); the order is paid once
    second.refresh_from_db()
    assert fast_calls[-1] is None and (result.outcome, result.reason) == ("processed", "payments.payable_refused")
    assert second.status == Payment.Status.EXPIRED_REFUNDED and second.refunds.get().automatic
    assert (Order.objects.filter(checkout=checkout, status="paid").count(), AccrualPending.objects.count()) == (1, 1)
    assert accruals_book() == 1
    assert reconcile_run(["account_balances", "entries_balanced", "order_commissions", "commission_rows"]).ok


def test_on_sqlite_the_setting_changes_nothing_and_the_services_pay(settings, after_commit, world, fast_calls):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded mode's database")
    # given the embedded mode's database with the fast path asked for
    _mode(settings, fast=True)
    shops, people = world
    item = of.sku(merchant=shops[0], price="400.00", rate="0.2000", stock=5)
    checkout = of.checkout(people["x"].user, [(item, 1)])
    # when the order is paid
    of.pay(after_commit, checkout)
    # then the fast path was never tried, and the services paid and queued it
    assert fast_calls == []
    assert (Order.objects.get(checkout=checkout).status, AccrualPending.objects.count()) == ("paid", 1)
    assert accruals_book() == 1 and reconcile()[0] == 0
