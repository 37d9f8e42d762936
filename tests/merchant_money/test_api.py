"""The API of merchants' payouts and statements, and finance's queue of both payees: exact bodies, the one
error shape, nothing written on a refusal."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.merchant_money import factories as f
from tests.wallets import factories as wf
from tuishou.wallets import sandbox

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def shop(after_commit):
    shop = f.merchant()
    f.settled_sale(after_commit, shop)
    return shop


def _json(client, method, url, data=None):
    return getattr(client, method)(f"{API}{url}", data=data, content_type="application/json")


def test_the_owner_sets_the_account_requests_a_withdrawal_and_reads_the_payouts(client, shop):
    client.force_login(f.owner(shop))
    missing = _json(client, "post", f"/wallets/merchants/{shop.pk}/withdrawals",
                    {"amount": "100.00", "idempotency_key": "a1"})
    assert (missing.status_code, missing.json()["code"]) == (409, "wallets.payout_account_missing")

    bad = _json(client, "put", f"/wallets/merchants/{shop.pk}/payout-account",
                {"account_name": "山野优品贸易有限公司", "account_number": "12", "bank": "招商银行"})
    assert bad.status_code == 400
    assert (bad.json()["code"], bad.json()["details"]["field"]) == ("wallets.payee_invalid", "payee.account")
    account = _json(client, "put", f"/wallets/merchants/{shop.pk}/payout-account",
                    {"account_name": "山野优品贸易有限公司", "account_number": "6222 0212 3456 7890",
                     "bank": "招商银行"})
    assert account.status_code == 200
    assert {k: v for k, v in account.json().items() if k != "updated_at"} == {
        "account_name": "*********司", "account_number": "**** **** **** 7890", "bank": "招商银行"}

    made = _json(client, "post", f"/wallets/merchants/{shop.pk}/withdrawals",
                 {"amount": "100.00", "idempotency_key": "a1"})
    assert made.status_code == 201
    body = made.json()
    assert (body["amount"], body["fee"], body["net"], body["status"]) == ("100.00", "0.00", "100.00", "requested")
    again = _json(client, "post", f"/wallets/merchants/{shop.pk}/withdrawals",
                  {"amount": "100.00", "idempotency_key": "a1"})
    assert again.json()["id"] == body["id"]

    payouts = client.get(f"{API}/wallets/merchants/{shop.pk}/payouts").json()
    assert {k: payouts[k] for k in ("pending", "available", "frozen", "withdrawn", "withdrawable", "role",
                                    "can_withdraw", "withdrawals_left_today")} == {
        "pending": "0.00", "available": "200.00", "frozen": "100.00", "withdrawn": "0.00", "withdrawable": "200.00",
        "role": "owner", "can_withdraw": True, "withdrawals_left_today": 2}
    assert payouts["rules"] == {"minimum": "100.00", "maximum": "500000.00", "fee_rate": "0", "fee_minimum": "0.00",
                                "daily_count": 3}
    listed = client.get(f"{API}/wallets/merchants/{shop.pk}/withdrawals").json()
    assert (listed["total"], [w["amount"] for w in listed["items"]]) == (1, ["100.00"])


def test_refusals_answer_the_error_shape_and_write_nothing(client, shop):
    f.account_set(shop)
    client.force_login(f.owner(shop))
    before = f.written()
    for amount, status, code in (("300.01", 409, "wallets.insufficient_funds"),
                                 ("99.99", 400, "wallets.amount_below_min"), ("1.5.0", 400, "money.malformed")):
        answer = _json(client, "post", f"/wallets/merchants/{shop.pk}/withdrawals",
                       {"amount": amount, "idempotency_key": f"k-{amount}"})
        assert (answer.status_code, answer.json()["code"]) == (status, code)
        assert set(answer.json()) == {"code", "message", "details"}
    client.force_login(f.of.user("路人"))
    other = client.get(f"{API}/wallets/merchants/{shop.pk}/payouts")
    assert (other.status_code, other.json()["code"]) == (404, "merchants.merchant_unknown")
    assert f.written() == before


def test_finance_filters_the_queue_by_payee_approves_and_rejecting_a_paid_one_is_refused(client, shop, after_commit):
    f.account_set(shop)
    merchant_withdrawal = f.withdraw(shop, "150.00")
    promoter = wf.promoter("阿花")
    wf.fund(promoter, "50.00")
    wf.withdraw(promoter, "20.00")
    client.force_login(f.finance())

    both = client.get(f"{API}/wallets/operator/withdrawals").json()
    assert sorted(item["payee_kind"] for item in both["items"]) == ["merchant", "promoter"]
    merchants = client.get(f"{API}/wallets/operator/withdrawals?payee_kind=merchant").json()
    assert [(i["merchant_name"], i["amount"], i["promoter_id"]) for i in merchants["items"]] == [
        ("山野优品", "150.00", None)]
    assert client.get(f"{API}/wallets/operator/withdrawals?q=山野").json()["total"] == 1

    with after_commit():
        approved = client.post(f"{API}/wallets/operator/withdrawals/{merchant_withdrawal.pk}/approve")
    assert approved.status_code == 200
    sandbox.sandbox_payout_callbacks_deliver_due()
    before = f.written()
    twice = client.post(f"{API}/wallets/operator/withdrawals/{merchant_withdrawal.pk}/approve")
    rejected = _json(client, "post", f"/wallets/operator/withdrawals/{merchant_withdrawal.pk}/reject",
                     {"reason": "太晚了"})
    assert (twice.status_code, twice.json()["code"]) == (409, "wallets.transition_invalid")
    assert (rejected.status_code, rejected.json()["code"]) == (409, "wallets.transition_invalid")
    assert f.written() == before
    assert f.balances(shop)["withdrawn"] == Decimal("150.00")
    wf.reconciled()


def test_statements_by_month_and_by_range(client, shop):
    client.force_login(f.owner(shop))
    months = client.get(f"{API}/settlement/merchants/{shop.pk}/statements?months=2").json()
    period = timezone.localtime().strftime("%Y-%m")
    assert [m["label"] for m in months] == [period, months[1]["label"]]
    figures = {k: months[0][k] for k in ("opening", "sales", "platform_fee", "commissions", "refunds",
                                         "withdrawals", "other", "closing", "closing_available")}
    assert figures == {"opening": "0.00", "sales": "400.00", "platform_fee": "20.00", "commissions": "80.00",
                       "refunds": "0.00", "withdrawals": "0.00", "other": "0.00", "closing": "300.00",
                       "closing_available": "300.00"}
    one = client.get(f"{API}/settlement/merchants/{shop.pk}/statements/{period}").json()
    assert one["closing"] == "300.00"
    today = timezone.localdate()
    ranged = client.get(f"{API}/settlement/merchants/{shop.pk}/statements/range?first={today}&last={today}").json()
    assert ranged["sales"] == "400.00"
    bad = client.get(f"{API}/settlement/merchants/{shop.pk}/statements/2026-13")
    assert (bad.status_code, bad.json()["code"]) == (400, "settlement.period_malformed")
    assert len(client.get(f"{API}/settlement/merchants/{shop.pk}/statements?months=36").json()) == 36
    for months in (0, -1, 37):
        refused = client.get(f"{API}/settlement/merchants/{shop.pk}/statements?months={months}",
                             HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert (refused.status_code, refused.json()["code"]) == (400, "settlement.months_invalid")
        assert refused.json()["message"] == f"月度对账单一次可查 1 至 36 个月，不能是 {months} 个月。"
