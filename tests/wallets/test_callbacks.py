"""Payout callbacks: processed once per event, replays and forgeries refused and logged, the sandbox's mischief."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.wallets import factories as f
from tuishou.wallets import sandbox, services
from tuishou.wallets.models import PayoutEvent
from tuishou.wallets.sandbox import SandboxPayoutBehaviour, sandbox_payout_callbacks_deliver_due

pytestmark = pytest.mark.django_db


def _approved(after_commit, amount="200.00", *, promoter=None):
    """A withdrawal approved and submitted to the sandbox, its callbacks delivered as the behaviour says."""
    promoter = promoter or f.promoter()
    f.fund(promoter, amount)
    withdrawal = f.withdraw(promoter, amount)
    with after_commit():
        services.withdrawal_approve(actor=f.finance(), withdrawal_id=withdrawal.pk)
    return f.refreshed(withdrawal)


def _body(withdrawal, *, event_id="pevt_forged", type="payout.succeeded", amount=None):
    return f.event_body(event_id=event_id, type=type, payout_id=withdrawal.payout_id,
                        reference=withdrawal.reference, amount=amount or str(withdrawal.net), currency="CNY",
                        occurred_at=timezone.now().isoformat())


def _assert_rejected(response, code, *, verified=True):
    assert (response.status_code, response.json()["code"]) == (400, code)
    logged = PayoutEvent.objects.get(outcome="rejected")
    assert (logged.reason, logged.signature_verified) == (code, verified)
    return logged


def test_a_callback_the_sandbox_delivers_twice_is_processed_once(after_commit):
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(duplicate_rate=1.0, seed=1))
    withdrawal = _approved(after_commit)
    assert withdrawal.status == "paid"
    deliveries = list(sandbox.SandboxPayoutCallback.objects.order_by("copy").values_list("copy", "last_status"))
    assert deliveries == [(0, 200), (1, 200)]
    assert list(PayoutEvent.objects.order_by("id").values_list("outcome", flat=True)) == ["processed", "duplicate"]
    assert f.balances(withdrawal.promoter)["withdrawn"] == Decimal("198.80")
    f.reconciled()


def test_a_valid_replay_answers_duplicate_and_changes_nothing(client, after_commit):
    withdrawal = _approved(after_commit)
    before = f.written()
    replay = f.post_signed(client, f.first_delivery().body.encode())
    assert (replay.status_code, replay.json()["status"]) == (200, "duplicate")
    assert f.written()[:-1] == before[:-1]  # only the duplicate's log row is new
    assert PayoutEvent.objects.filter(outcome="processed").count() == 1
    assert f.balances(withdrawal.promoter) == {"available": Decimal("0.00"), "frozen": Decimal("0.00"),
                                               "withdrawn": Decimal("198.80"), "revenue": Decimal("1.20")}
    f.reconciled()


def test_a_replay_signed_long_ago_is_rejected_as_stale_and_logged(client, after_commit):
    withdrawal = _approved(after_commit)
    body = f.first_delivery().body.encode()
    logged = _assert_rejected(f.post_signed(client, body, timestamp=f.now_ts() - 301), "wallets.callback_stale")
    assert logged.body == body.decode()
    assert f.refreshed(withdrawal).status == "paid"
    f.reconciled()


def test_a_forged_success_is_rejected_logged_and_changes_nothing(client, settings, after_commit):
    # given a withdrawal in payment whose sandbox callback is held back
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(delay_seconds=(60, 60)))
    withdrawal = _approved(after_commit)
    assert withdrawal.status == "paying"
    body = _body(withdrawal)
    real = settings.TUISHOU_SANDBOX_PAYOUT_SECRET
    settings.TUISHOU_SANDBOX_PAYOUT_SECRET = "not-the-secret"
    forged = sandbox.callback_headers(body)
    settings.TUISHOU_SANDBOX_PAYOUT_SECRET = real
    logged = _assert_rejected(f.post_signed(client, body, headers=forged), "wallets.callback_forged", verified=False)
    assert logged.headers["X-Payout-Signature"] == forged["X-Payout-Signature"]
    assert f.refreshed(withdrawal).status == "paying"
    assert f.balances(withdrawal.promoter)["frozen"] == Decimal("200.00")
    f.reconciled()


def test_an_unsigned_callback_is_forged_too(client, after_commit):
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(delay_seconds=(60, 60)))
    withdrawal = _approved(after_commit)
    _assert_rejected(f.post_signed(client, _body(withdrawal), headers={}), "wallets.callback_forged", verified=False)
    assert f.refreshed(withdrawal).status == "paying"


def test_a_signed_callback_with_another_amount_is_rejected(client, after_commit):
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(delay_seconds=(60, 60)))
    withdrawal = _approved(after_commit)
    logged = _assert_rejected(f.post_signed(client, _body(withdrawal, amount="200.00")), "wallets.amount_mismatch")
    assert logged.withdrawal_id == withdrawal.pk
    assert f.refreshed(withdrawal).status == "paying"


def test_a_signed_callback_for_an_unknown_payout_is_rejected(client, after_commit):
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(delay_seconds=(60, 60)))
    withdrawal = _approved(after_commit)
    body = f.event_body(event_id="pevt_x", type="payout.succeeded", payout_id="sbp_other",
                        reference=withdrawal.reference, amount=str(withdrawal.net), currency="CNY")
    _assert_rejected(f.post_signed(client, body), "wallets.callback_unknown_payout")
    assert f.refreshed(withdrawal).status == "paying"


def test_a_malformed_body_is_rejected(client):
    _assert_rejected(f.post_signed(client, b'{"type":"payout.succeeded"}'), "wallets.callback_malformed")


def test_an_unknown_provider_is_not_found(client):
    response = client.post("/api/v1/wallets/payouts/webhooks/nobody", data=b"{}", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (404, "wallets.provider_unknown")


def test_a_delayed_callback_leaves_the_withdrawal_paying_until_it_arrives(after_commit):
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(delay_seconds=(30, 90), seed=7))
    withdrawal = _approved(after_commit)
    assert (withdrawal.status, f.balances(withdrawal.promoter)["frozen"]) == ("paying", Decimal("200.00"))
    f.reconciled()  # money in payment is frozen, and the books agree
    with after_commit():
        sandbox_payout_callbacks_deliver_due(now=timezone.now() + timedelta(seconds=91))
    assert f.refreshed(withdrawal).status == "paid"
    f.reconciled()


def test_reordered_and_duplicated_callbacks_of_many_payouts_book_each_once(after_commit):
    # given five payouts, some failing, each callback duplicated and held back, delivered newest first
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(duplicate_rate=1.0, delay_seconds=(5, 20), reorder=True,
                                                         failure_rate=0.4, seed=11))
    withdrawals = [_approved(after_commit, "50.00") for _ in range(5)]
    with after_commit():
        sandbox_payout_callbacks_deliver_due(now=timezone.now() + timedelta(seconds=60))
    outcomes = [f.refreshed(w).status for w in withdrawals]
    failures = sandbox.SandboxTransfer.objects.filter(status="failed").count()
    assert sorted(outcomes) == sorted(["failed"] * failures + ["paid"] * (5 - failures))
    assert 0 < failures < 5
    assert PayoutEvent.objects.filter(outcome="processed").count() == 5
    assert PayoutEvent.objects.filter(outcome="duplicate").count() == 5
    for withdrawal in withdrawals:
        paid = f.refreshed(withdrawal).status == "paid"
        assert f.balances(withdrawal.promoter)["available"] == (Decimal("0.00") if paid else Decimal("50.00"))
        assert f.balances(withdrawal.promoter)["withdrawn"] == (Decimal("49.00") if paid else Decimal("0.00"))
    f.reconciled()


def test_a_failure_reported_after_the_payout_succeeded_moves_no_money_and_raises_an_incident(client, after_commit):
    withdrawal = _approved(after_commit)
    before = f.balances(withdrawal.promoter)
    response = f.post_signed(client, _body(withdrawal, event_id="pevt_late", type="payout.failed"))
    assert (response.status_code, response.json()) == (
        200, {"status": "processed", "event_id": "pevt_late", "reason": "wallets.failed_after_paid"})
    assert f.refreshed(withdrawal).status == "paid"
    assert f.balances(withdrawal.promoter) == before
    assert list(withdrawal.payout_incidents.values_list("kind", "status", "shortfall")) == [
        ("failed_after_paid", "open", Decimal("0.00"))]
    f.reconciled()
