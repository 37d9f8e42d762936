"""The settlement API: my commissions, a merchant's statement, the operator's views; and the admin lists."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.orders import factories as of
from tests.settlement import factories as f
from tuishou.settlement.settle import settlement_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(after_commit):
    of.plan(f.EXAMPLE_2)
    x, _y, z = f.example_2_chain()
    shop = of.shop(fee_rate="0.0500")
    first = f.received(f.self_purchase(after_commit, x, merchant=shop))
    settlement_run(as_of=first.received_at + timedelta(days=16))
    second = f.self_purchase(after_commit, x, merchant=shop)
    f.refund(after_commit, second, amount="100.00")
    return x, z, shop, first, second


def test_a_promoter_reads_their_commissions_pending_and_available_by_order(client, books):
    x, _, _, first, second = books
    client.force_login(x.user)

    body = client.get("/api/v1/settlement/commissions/mine").json()

    assert body["summary"] == {"pending": "33.00", "available": "44.00", "withdrawable": "44.00"}
    assert [(c["order_number"], c["rule"], c["amount"], c["status"]) for c in body["commissions"]] == [
        (second.number, "self_purchase", "3.00", "pending"), (second.number, "direct", "30.00", "pending"),
        (first.number, "self_purchase", "4.00", "available"), (first.number, "direct", "40.00", "available")]
    only = client.get(f"/api/v1/settlement/commissions/mine?status=available&order_id={first.pk}").json()
    assert [c["amount"] for c in only["commissions"]] == ["4.00", "40.00"]


def test_someone_who_is_not_a_promoter_has_no_commissions(client, books):
    client.force_login(of.buyer())

    response = client.get("/api/v1/settlement/commissions/mine")

    assert (response.status_code, response.json()["code"]) == (404, "network.not_a_promoter")


def test_a_merchant_reads_its_statement_and_another_merchant_cannot(client, books):
    _, _, shop, first, second = books
    client.force_login(of.owner(shop))

    body = client.get(f"/api/v1/settlement/merchants/{shop.pk}/statement").json()

    assert body["totals"] == {"paid": "700.00", "refunded": "100.00", "base": "140.00", "fee": "35.00",
                              "net": "525.00", "orders": "2"}
    assert body["balances"] == {"pending": "225.00", "settled": "300.00"}
    assert [(r["order_number"], r["paid_amount"], r["refunded_amount"], r["commission_base"], r["fee"], r["net"],
             r["status"]) for r in body["rows"]] == [
        (second.number, "300.00", "100.00", "60.00", "15.00", "225.00", "pending"),
        (first.number, "400.00", "0.00", "80.00", "20.00", "300.00", "settled")]

    client.force_login(of.owner(of.shop(name="别家")))
    refused = client.get(f"/api/v1/settlement/merchants/{shop.pk}/statement")
    assert (refused.status_code, refused.json()["code"]) == (403, "merchants.not_staff")


def test_finance_sees_every_commission_and_receivable_and_a_promoter_does_not(client, books):
    x, z, shop, first, _ = books
    client.force_login(of.operator("finance"))

    pending = client.get("/api/v1/settlement/commissions?status=pending").json()
    mine = client.get(f"/api/v1/settlement/commissions?promoter_id={z.pk}").json()
    receivables = client.get(f"/api/v1/settlement/receivables?merchant_id={shop.pk}&status=settled").json()
    statement = client.get(f"/api/v1/settlement/merchants/{shop.pk}/statement")

    assert [(c["rule"], c["amount"]) for c in pending] == [("tiers", "3.00"), ("self_purchase", "3.00"),
                                                           ("direct", "30.00")]
    assert [(c["rule"], c["amount"], c["status"]) for c in mine] == [("tiers", "3.00", "pending"),
                                                                     ("tiers", "4.00", "available")]
    assert [(r["order_id"], r["net"]) for r in receivables] == [(first.pk, "300.00")]
    assert statement.status_code == 200

    client.force_login(x.user)
    refused = client.get("/api/v1/settlement/commissions")
    assert (refused.status_code, refused.json()["code"]) == (403, "auth.forbidden")


def test_the_admin_lists_commissions_and_receivables_read_only(admin_client, books):
    commissions = admin_client.get("/admin/settlement/commission/?status__exact=pending&due=unknown")
    receivables = admin_client.get("/admin/settlement/merchantreceivable/")
    add = admin_client.get("/admin/settlement/commission/add/")

    assert (commissions.status_code, receivables.status_code, add.status_code) == (200, 200, 403)
    assert Decimal("30.00") in commissions.context["cl"].result_list.values_list("amount", flat=True)
