"""A merchant withdraws its settled share: request (frozen), finance's review, payout, callbacks — every step
booked on the merchant's ledger accounts, refusals writing nothing, never paid twice."""

from decimal import Decimal

import pytest
from django.test import Client

from tests.merchant_money import factories as f
from tests.wallets import factories as wf
from tuishou.core.errors import DomainError
from tuishou.ledger.models import JournalLine
from tuishou.merchants.models import MerchantStaff
from tuishou.wallets import sandbox, services
from tuishou.wallets.models import PayoutEvent, Withdrawal

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shop(after_commit):
    """A merchant with one settled sale: 400.00 paid, B 80.00, fee 20.00 → 300.00 available."""
    shop = f.merchant()
    f.settled_sale(after_commit, shop)
    f.account_set(shop)
    return shop


def _code(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_a_settled_share_is_available_to_withdraw(shop):
    assert f.balances(shop) == {"pending": D("0.00"), "available": D("300.00"), "frozen": D("0.00"),
                                "withdrawn": D("0.00")}


def test_request_freezes_the_amount_approval_pays_it_and_the_books_follow_each_step(shop, after_commit):
    withdrawal = f.withdraw(shop, "250.00")
    assert (withdrawal.status, withdrawal.amount, withdrawal.fee, withdrawal.net) == (
        "requested", D("250.00"), D("0.00"), D("250.00"))
    assert (withdrawal.payee_method, withdrawal.payee_account, withdrawal.payee_bank) == (
        "bank_card", "6222021234567890", "招商银行")
    assert f.balances(shop) == {"pending": D("0.00"), "available": D("50.00"), "frozen": D("250.00"),
                                "withdrawn": D("0.00")}
    assert wf.entry_lines(f"withdrawal:{withdrawal.pk}:requested") == [("merchant_payable", D("250.00")),
                                                                       ("merchant_frozen", D("-250.00"))]

    with after_commit():
        f.approve(withdrawal)
    sandbox.sandbox_payout_callbacks_deliver_due()  # the sandbox's callback (already sent after commit)

    withdrawal.refresh_from_db()
    assert withdrawal.status == "paid" and withdrawal.payout_id.startswith("sbp_")
    assert f.balances(shop) == {"pending": D("0.00"), "available": D("50.00"), "frozen": D("0.00"),
                                "withdrawn": D("250.00")}
    assert wf.entry_lines(f"withdrawal:{withdrawal.pk}:paid") == [("merchant_frozen", D("250.00")),
                                                                  ("merchant_withdrawn", D("-250.00"))]
    wf.reconciled()


def test_a_rejection_releases_the_amount_and_a_paid_one_cannot_be_rejected(shop, after_commit):
    first = f.withdraw(shop, "100.00")
    services.withdrawal_reject(actor=f.finance(), withdrawal_id=first.pk, reason="账户名与营业执照不符")
    assert f.balances(shop)["available"] == D("300.00")
    assert Withdrawal.objects.get(pk=first.pk).reason == "账户名与营业执照不符"

    second = f.withdraw(shop, "100.00")
    with after_commit():
        f.approve(second)
    sandbox.sandbox_payout_callbacks_deliver_due()
    before = f.written()
    assert _code(lambda: services.withdrawal_reject(actor=f.finance(), withdrawal_id=second.pk,
                                                    reason="x")) == "wallets.transition_invalid"
    assert _code(lambda: f.approve(second)) == "wallets.transition_invalid"
    assert f.written() == before
    assert f.balances(shop) == {"pending": D("0.00"), "available": D("200.00"), "frozen": D("0.00"),
                                "withdrawn": D("100.00")}


def test_approving_twice_is_refused_and_writes_nothing(shop, after_commit):
    withdrawal = f.withdraw(shop, "100.00")
    with after_commit():
        f.approve(withdrawal)
    before = f.written()
    assert _code(lambda: f.approve(withdrawal)) == "wallets.transition_invalid"
    assert f.written() == before


@pytest.mark.parametrize(("amount", "code"), [
    ("300.01", "wallets.insufficient_funds"),
    ("99.99", "wallets.amount_below_min"),
    ("500000.01", "wallets.amount_above_max"),
    ("-5", "money.negative"),
    ("12.345", "money.too_precise"),
    ("abc", "money.malformed"),
])
def test_bad_amounts_are_refused_and_write_nothing(shop, amount, code):
    before = f.written()
    assert _code(lambda: f.withdraw(shop, amount)) == code
    assert f.written() == before


def test_only_the_owner_or_finance_staff_withdraw_and_outsiders_see_no_merchant(shop):
    before = f.written()
    assert _code(lambda: f.withdraw(shop, "100.00", actor=f.staff(shop))) == "wallets.merchant_payout_role"
    assert _code(lambda: f.withdraw(shop, "100.00", actor=f.of.user("路人"))) == "merchants.merchant_unknown"
    assert _code(lambda: f.withdraw(f.merchant(), "100.00", actor=f.owner(shop))) == "merchants.merchant_unknown"
    assert f.written() == before
    made = f.withdraw(shop, "100.00", actor=f.staff(shop, role="finance"))
    assert made.merchant_id == shop.pk


def test_a_withdrawal_needs_the_payout_account_and_a_bad_account_is_refused(after_commit):
    shop = f.merchant()
    f.settled_sale(after_commit, shop)
    before = f.written()
    assert _code(lambda: f.withdraw(shop, "100.00")) == "wallets.payout_account_missing"
    for bad in ({"account_number": "1234"}, {"account_name": ""}, {"bank": ""}, {"account_number": "6222abcd12345678"}):
        with pytest.raises(DomainError) as caught:
            f.account_set(shop, **bad)
        assert caught.value.code == "wallets.payee_invalid"
    assert caught.value.details["field"] == "payee.account"
    assert _code(lambda: f.merchant_payouts.merchant_payout_account_set(
        actor=f.staff(shop), merchant_id=shop.pk, **f.BANK)) == "merchants.not_owner"
    assert f.written() == before


def test_the_same_idempotency_key_answers_the_first_withdrawal(shop):
    first = f.withdraw(shop, "100.00", key="same")
    again = f.withdraw(shop, "100.00", key="same")
    assert again.pk == first.pk
    assert _code(lambda: f.withdraw(shop, "120.00", key="same")) == "wallets.idempotency_key_reused"
    assert f.balances(shop)["frozen"] == D("100.00")


def test_finance_staff_of_the_merchant_cannot_review_its_withdrawal(shop):
    reviewer = f.finance()
    MerchantStaff.objects.create(merchant=shop, user=reviewer, role="staff")
    withdrawal = f.withdraw(shop, "100.00")
    assert _code(lambda: f.approve(withdrawal, actor=reviewer)) == "wallets.self_review"


def test_duplicate_and_contradicting_callbacks_do_not_pay_twice(shop, after_commit):
    sandbox.sandbox_payout_behave(sandbox.SandboxPayoutBehaviour(duplicate_rate=1.0, seed=3))
    withdrawal = f.withdraw(shop, "200.00")
    with after_commit():
        f.approve(withdrawal)
    sandbox.sandbox_payout_callbacks_deliver_due()
    withdrawal.refresh_from_db()
    assert withdrawal.status == "paid"
    assert PayoutEvent.objects.filter(withdrawal=withdrawal).values_list("outcome", flat=True).order_by(
        "id")[:2].count() == 2
    paid_lines = JournalLine.objects.filter(entry__key=f"withdrawal:{withdrawal.pk}:paid").count()

    contradiction = wf.event_body(event_id="pevt_contra", type="payout.failed", payout_id=withdrawal.payout_id,
                                  reference=withdrawal.reference, amount="200.00", currency="CNY",
                                  occurred_at="2026-12-01T00:00:00Z", reason="closed")
    answer = wf.post_signed(Client(), contradiction)
    # a failure after the success moves no money: it is an incident for finance to check with the provider
    assert answer.status_code == 200 and answer.json() == {"status": "processed", "event_id": "pevt_contra",
                                                           "reason": "wallets.failed_after_paid"}
    assert list(withdrawal.payout_incidents.values_list("kind", "status")) == [("failed_after_paid", "open")]
    withdrawal.refresh_from_db()
    assert withdrawal.status == "paid"
    assert JournalLine.objects.filter(entry__key=f"withdrawal:{withdrawal.pk}:paid").count() == paid_lines
    assert not JournalLine.objects.filter(entry__key=f"withdrawal:{withdrawal.pk}:failed").exists()
    assert f.balances(shop) == {"pending": D("0.00"), "available": D("100.00"), "frozen": D("0.00"),
                                "withdrawn": D("200.00")}
    wf.reconciled()


def test_a_failed_payout_returns_the_amount_to_available(shop, after_commit):
    sandbox.sandbox_payout_behave(sandbox.SandboxPayoutBehaviour(failure_rate=1.0))
    withdrawal = f.withdraw(shop, "200.00")
    with after_commit():
        f.approve(withdrawal)
    sandbox.sandbox_payout_callbacks_deliver_due()
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.reason) == ("failed", "payee account closed")
    assert f.balances(shop) == {"pending": D("0.00"), "available": D("300.00"), "frozen": D("0.00"),
                                "withdrawn": D("0.00")}
    wf.reconciled()
