"""The hot path's statement budget: one paid order, through a share link, commissions booked.

Counts every statement the services send (savepoints included) for checkout → payment start → the gateway's
signed ``payment.succeeded`` callback → paid (chain snapshot, volume, first sale) → accrual in the ledger. The
bounds sit a little above what the services send today (bench/RESULTS.md, "Orders"), so a re-read or a
savepoint that creeps back in fails here instead of silently costing every order.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.orders import factories as f
from tuishou.ledger.models import JournalEntry
from tuishou.orders import paying
from tuishou.orders.checkout import checkout_submit
from tuishou.orders.models import Order
from tuishou.settlement.models import Commission

pytestmark = pytest.mark.django_db

# Per step: checkout, payment start, callback (the paid handler and the accrual run inside it). PostgreSQL moves
# the ledger balances in one UPDATE, SQLite one per account.
# The payment's and the checkout's status history cost one INSERT per move (issued, succeeded, checkout paid).
# The checkout locks the buyer's row and counts their unpaid checkouts (orders.hoarding): 2 more.
BUDGET = {"postgresql": (18, 14, 38), "sqlite": (18, 14, 43)}  # sent today: (17, 13, 36), (17, 13, 41)


def _order(person, item, code: str) -> list[int]:
    home = f.address(person)
    counts = []
    with CaptureQueriesContext(connection) as queries:
        checkout = checkout_submit(buyer=person, lines=[(item.pk, 1)], address_id=home.pk, share_code=code,
                                   idempotency_key=uuid.uuid4().hex)
    counts.append(len(queries.captured_queries))
    with CaptureQueriesContext(connection) as queries:
        payment = paying.checkout_pay(buyer=person, checkout_id=checkout.pk)
    counts.append(len(queries.captured_queries))
    with CaptureQueriesContext(connection) as queries:
        f.succeeded_callback(payment)
    counts.append(len(queries.captured_queries))
    return counts


def _shop():
    """A plan in force, 小李 under the root sharing an item, and a consumer: ``(sharer, item, code, person)``."""
    f.plan()
    sharer = f.invitee(f.root("阿花"), "小李")
    item = f.sku(price="59.90", stock=10)
    return sharer, item, f.share_link(sharer, item.product_id).code, f.buyer()


# The callback is signed here instead of paying in the sandbox, so the gateway's statement rightly lacks the charge.
@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "order_commissions", "commission_rows")
def test_one_paid_order_through_a_share_link_stays_within_its_statement_budget():
    # given a plan in force, a promoter under the root sharing an item, and a consumer who bought once already
    # (the ledger accounts and the consumer's binding exist: the steady state of a busy shop)
    sharer, item, code, person = _shop()
    _order(person, item, code)
    # when the consumer buys again through the link
    counts = _order(person, item, code)
    # then each step sends no more statements than its budget, and the order is paid and booked
    assert all(n <= limit for n, limit in zip(counts, BUDGET[connection.vendor], strict=True)), counts
    order = Order.objects.filter(buyer=person).latest("pk")
    assert (order.status, order.promoter_id, order.attribution_reason) == ("paid", sharer.pk, "binding")
    assert JournalEntry.objects.filter(key=f"order:{order.pk}:paid").count() == 1
    assert sorted(Commission.objects.filter(order=order).values_list("rule", flat=True)) == ["direct", "tiers"]
    # the sharer's lifetime credited sales: both orders' commission base (59.90 × 20% = 11.98 each), moved in the
    # same UPDATE that counts the sale
    sharer.refresh_from_db()
    assert (sharer.paid_sales_count, sharer.personal_volume) == (2, Decimal("23.96"))


# The fast paths (PostgreSQL, batched accrual), each against the services in the same shop.
# The paid callback's transaction without the ORM sends today: BEGIN, payment lock, event claim, payment move +
# history, checkout lock, orders with lines, chain, orders' and checkout's moves + history, outbox row, COMMIT
# = 10 (the volume, first sale, materials and rollup wait for the booking batch).
# The fast checkout: BEGIN, the buyer's row locked with the address, key, own promoter, link, binding in force and
# plan versions; SKUs with campaign terms and the buyer's unpaid holdings; the visit with the binding row locked;
# the binding moved; the checkout; its orders and lines; the stock; COMMIT = 9.
@pytest.mark.postgres_only
@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "order_commissions", "commission_rows")
@pytest.mark.parametrize(("setting", "step", "sent"), [("PAID_FAST_PATH", 2, (21, 10)),
                                                     ("CHECKOUT_FAST_PATH", 0, (18, 9))])
def test_a_fast_path_sends_fewer_statements_than_the_services(settings, setting, step, sent):
    # given the same shop as above, with the batched accrual, the consumer bound to the sharer by a first order
    settings.TUISHOU = {**settings.TUISHOU, "ACCRUAL_BATCHED": True, "ACCRUAL_TRIGGER_SECONDS": None}
    sharer, item, code, person = _shop()
    _order(person, item, code)
    services = _order(person, item, code)
    # when the consumer buys again with the fast path on
    settings.TUISHOU = {**settings.TUISHOU, setting: True}
    fast = _order(person, item, code)
    # then its step sends fewer statements than the services' (exactly: a re-read creeping back fails here), and
    # the order is paid and attributed as before
    assert (services[step], fast[step]) == sent
    order = Order.objects.filter(buyer=person).latest("pk")
    assert (order.status, order.promoter_id, order.attribution_reason) == ("paid", sharer.pk, "binding")


# The fast payment start (PostgreSQL, the sandbox gateway): checkout_pay's three reads (the checkout, its order
# numbers, earlier attempts), then the payment, its history row and the sandbox's charge in ONE statement (in a
# savepoint here, BEGIN and COMMIT in production) where the services send 10 (a read, two transactions, a re-read).
@pytest.mark.postgres_only
@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "order_commissions", "commission_rows")
def test_the_fast_payment_start_sends_fewer_statements_than_the_services(settings):
    # given the same shop as above, where the consumer bought once already; then a purchase in each mode
    sharer, item, code, person = _shop()
    starts = {}
    for fast in (False, False, True):
        settings.TUISHOU = {**settings.TUISHOU, "PAYMENT_START_FAST_PATH": fast}
        starts[fast] = _order(person, item, code)[1]
    # then the fast start sends 6 statements where the services send 13, and the last order is paid as before
    assert starts == {False: 13, True: 6}
    order = Order.objects.filter(buyer=person).latest("pk")
    assert (order.status, order.promoter_id, order.attribution_reason) == ("paid", sharer.pk, "binding")
    assert JournalEntry.objects.filter(key=f"order:{order.pk}:paid").count() == 1
