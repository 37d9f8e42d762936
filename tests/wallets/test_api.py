"""The wallets API: my wallet, history and withdrawals; finance's queue and decisions; masked payees."""

from decimal import Decimal

import pytest

from tests.network import factories as network
from tests.wallets import factories as f

pytestmark = pytest.mark.django_db


def _request(client, amount="100.00", key="app-1", payee=None):
    return client.post("/api/v1/wallets/me/withdrawals", content_type="application/json",
                       data={"amount": amount, "payee": payee or f.CARD, "idempotency_key": key})


def test_a_promoter_reads_the_wallet_and_requests_a_withdrawal(client):
    promoter = f.promoter()
    f.fund(promoter, "250.00")
    client.force_login(promoter.user)
    response = _request(client, "100.00")
    assert response.status_code == 201
    body = response.json()
    assert body.pop("requested_at") and body.pop("id")
    assert body == {"amount": "100.00", "fee": "1.00", "net": "99.00", "currency": "CNY", "status": "requested",
                    "reason": "", "reviewed_at": None, "completed_at": None,
                    "payee": {"method": "bank_card", "account": "**** **** **** 7890", "name": "*四",
                              "bank": "工商银行"}}
    assert client.get("/api/v1/wallets/me").json() == {
        "pending": "0.00", "available": "150.00", "frozen": "100.00", "withdrawn": "0.00", "withdrawable": "150.00",
        "currency": "CNY", "withdrawals_left_today": 2, "pending_booking": "0.00",
        "rules": {"minimum": "10.00", "maximum": "50000.00", "fee_rate": "0.006", "fee_minimum": "1.00",
                  "daily_count": 3}}
    f.reconciled()


def test_a_retried_request_answers_the_same_withdrawal(client):
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    client.force_login(promoter.user)
    first, again = _request(client, "60.00", key="k"), _request(client, "60.00", key="k")
    assert (first.status_code, again.status_code, first.json()["id"]) == (201, 201, again.json()["id"])
    assert client.get("/api/v1/wallets/me/withdrawals").json()["total"] == 1
    f.reconciled()


def test_refusals_answer_their_code(client):
    promoter = f.promoter()
    f.fund(promoter, "50.00")
    client.force_login(promoter.user)
    for amount, status, code in (("5.00", 400, "wallets.amount_below_min"),
                                 ("50.01", 409, "wallets.insufficient_funds"),
                                 ("60000.00", 400, "wallets.amount_above_max")):
        response = _request(client, amount, key=amount)
        assert (response.status_code, response.json()["code"]) == (status, code)
    bad_payee = _request(client, "20.00", key="p", payee={"method": "alipay", "account": "1", "name": "张三"})
    assert (bad_payee.status_code, bad_payee.json()["details"]) == (400, {"field": "payee.account"})


@pytest.mark.reconcile_checks("account_balances", "entries_balanced", "withdrawals_match_ledger")
def test_history_and_withdrawals_are_paginated(client):
    promoter = f.promoter()
    f.accrue(promoter, "8.00", order_ref="TS1")
    f.fund(promoter, "100.00")
    f.withdraw(promoter, "20.00")
    client.force_login(promoter.user)
    history = client.get("/api/v1/wallets/me/history?limit=2").json()
    assert (history["total"], history["limit"], history["offset"]) == (4, 2, 0)
    newest = history["items"][0]
    assert (newest["balance"], newest["amount"], newest["reason"]["code"], newest["reason"]["zh"]) == (
        "frozen", "20.00", "withdrawal_requested", "申请提现，余额冻结")
    oldest = client.get("/api/v1/wallets/me/history?offset=3").json()["items"]
    assert [(m["order_ref"], m["amount"]) for m in oldest] == [("TS1", "8.00")]
    mine = client.get("/api/v1/wallets/me/withdrawals?limit=1").json()
    assert (mine["total"], mine["items"][0]["payee"]["account"]) == (1, "138****8000")


def test_finance_reviews_the_queue_and_approves_or_rejects(client, django_capture_on_commit_callbacks):
    first, second = f.promoter("小红"), f.promoter("小明")
    for promoter in (first, second):
        f.fund(promoter, "100.00")
    to_pay, to_reject = f.withdraw(first, "100.00"), f.withdraw(second, "30.00")
    client.force_login(f.finance())
    queue = client.get("/api/v1/wallets/operator/withdrawals").json()
    assert [(i["id"], i["promoter_name"], i["amount"]) for i in queue["items"]] == [
        (to_pay.pk, "小红", "100.00"), (to_reject.pk, "小明", "30.00")]
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(f"/api/v1/wallets/operator/withdrawals/{to_pay.pk}/approve")
    # the answer is given before the payout runs (after commit); by the next read it has been paid
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert f.refreshed(to_pay).status == "paid"
    rejected = client.post(f"/api/v1/wallets/operator/withdrawals/{to_reject.pk}/reject",
                           content_type="application/json", data={"reason": "账户信息有误"})
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "账户信息有误")
    assert client.get("/api/v1/wallets/operator/withdrawals").json()["total"] == 0
    assert client.get("/api/v1/wallets/operator/withdrawals?status=paid").json()["items"][0]["id"] == to_pay.pk
    assert f.balances(second)["available"] == Decimal("100.00")
    f.reconciled()


def test_the_queue_is_for_finance_and_the_wallet_for_promoters(client):
    assert client.get("/api/v1/wallets/me").status_code == 401
    client.force_login(network.operator("ops"))
    assert client.get("/api/v1/wallets/operator/withdrawals").json()["code"] == "auth.forbidden"
    assert client.post("/api/v1/wallets/operator/withdrawals/1/approve").status_code == 403
    assert client.get("/api/v1/wallets/me").json()["code"] == "network.not_a_promoter"


def test_the_wallet_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/wallets/me", "/api/v1/wallets/me/history", "/api/v1/wallets/me/withdrawals",
            "/api/v1/wallets/operator/withdrawals", "/api/v1/wallets/operator/withdrawals/{withdrawal_id}/approve",
            "/api/v1/wallets/operator/withdrawals/{withdrawal_id}/reject",
            "/api/v1/wallets/payouts/webhooks/{provider_name}"} <= set(paths)
