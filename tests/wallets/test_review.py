"""Finance reviews withdrawals: approval pays out through the sandbox, rejection and failure release the amount."""

from decimal import Decimal

import pytest

from tests.network import factories as network
from tests.wallets import factories as f
from tuishou.core.errors import DomainError
from tuishou.risk.models import AuditEntry
from tuishou.wallets import sandbox, services
from tuishou.wallets.models import PayoutEvent, WithdrawalStatusChange
from tuishou.wallets.sandbox import SandboxPayoutBehaviour

pytestmark = pytest.mark.django_db


def _history(withdrawal):
    return list(WithdrawalStatusChange.objects.filter(withdrawal=withdrawal).order_by("id")
                .values_list("event", "from_status", "to_status"))


def test_an_approved_withdrawal_is_paid_through_the_sandbox_with_exact_ledger_movements(after_commit):
    # given 1,000.00 available and a request for 500.00 (fee 3.00, net 497.00)
    promoter, reviewer = f.promoter(), f.finance()
    f.fund(promoter, "1000.00")
    withdrawal = f.withdraw(promoter, "500.00")
    # when finance approves it (the payout starts after commit and the sandbox calls back)
    with after_commit():
        services.withdrawal_approve(actor=reviewer, withdrawal_id=withdrawal.pk)
    # then it is paid: frozen 500.00 → withdrawn 497.00 + platform revenue 3.00
    paid = f.refreshed(withdrawal)
    assert (paid.status, paid.reviewer, paid.payout_provider) == ("paid", reviewer, "sandbox")
    assert paid.payout_id.startswith("sbp_") and paid.completed_at is not None
    assert f.entry_lines(f"withdrawal:{withdrawal.pk}:paid") == [
        ("promoter_frozen", Decimal("500.00")), ("promoter_withdrawn", Decimal("-497.00")),
        ("platform_revenue", Decimal("-3.00"))]
    assert f.balances(promoter) == {"available": Decimal("500.00"), "frozen": Decimal("0.00"),
                                    "withdrawn": Decimal("497.00"), "revenue": Decimal("3.00")}
    assert _history(withdrawal) == [("request", "", "requested"), ("approve", "requested", "approved"),
                                    ("submit", "approved", "paying"), ("pay", "paying", "paid")]
    transfer = sandbox.SandboxTransfer.objects.get()
    assert (transfer.reference, transfer.amount, transfer.payee) == (
        f"withdrawal-{withdrawal.pk}", Decimal("497.00"), "138****8000 **明")
    assert list(PayoutEvent.objects.values_list("outcome", flat=True)) == ["processed"]
    audit = AuditEntry.objects.get(action="wallets.withdrawal_approved")
    assert (audit.actor, audit.target_id, audit.data) == (
        reviewer, str(withdrawal.pk), {"amount": "500.00", "net": "497.00", "fee": "3.00"})
    f.reconciled()


def test_a_rejected_withdrawal_releases_the_amount_with_the_reason(after_commit):
    promoter, reviewer = f.promoter(), f.finance()
    f.fund(promoter, "100.00")
    withdrawal = f.withdraw(promoter, "80.00")
    with after_commit():
        services.withdrawal_reject(actor=reviewer, withdrawal_id=withdrawal.pk, reason="收款人姓名与实名不符")
    rejected = f.refreshed(withdrawal)
    assert (rejected.status, rejected.reason, rejected.reviewer) == ("rejected", "收款人姓名与实名不符", reviewer)
    assert f.entry_lines(f"withdrawal:{withdrawal.pk}:rejected") == [
        ("promoter_frozen", Decimal("80.00")), ("promoter_available", Decimal("-80.00"))]
    assert f.balances(promoter) == {"available": Decimal("100.00"), "frozen": Decimal("0.00"),
                                    "withdrawn": Decimal("0.00"), "revenue": Decimal("0.00")}
    assert _history(withdrawal)[-1] == ("reject", "requested", "rejected")
    assert AuditEntry.objects.get(action="wallets.withdrawal_rejected").reason == "收款人姓名与实名不符"
    assert not sandbox.SandboxTransfer.objects.exists()
    f.reconciled()


def test_a_failed_payout_reverses_the_withdrawal(after_commit):
    # given a sandbox whose transfers fail (the payee's account is closed)
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(failure_rate=1.0, seed=3))
    promoter = f.promoter()
    f.fund(promoter, "300.00")
    withdrawal = f.withdraw(promoter, "300.00")
    with after_commit():
        services.withdrawal_approve(actor=f.finance(), withdrawal_id=withdrawal.pk)
    failed = f.refreshed(withdrawal)
    assert (failed.status, failed.reason) == ("failed", "payee account closed")
    assert f.entry_lines(f"withdrawal:{withdrawal.pk}:failed") == [
        ("promoter_frozen", Decimal("300.00")), ("promoter_available", Decimal("-300.00"))]
    assert f.balances(promoter) == {"available": Decimal("300.00"), "frozen": Decimal("0.00"),
                                    "withdrawn": Decimal("0.00"), "revenue": Decimal("0.00")}
    assert _history(withdrawal)[-1] == ("fail", "paying", "failed")
    f.reconciled()


def test_a_provider_that_refuses_outright_fails_and_releases_the_withdrawal(after_commit, monkeypatch):
    from tuishou.wallets.errors import WalletError
    from tuishou.wallets.payouts import PayoutDeclined

    def decline(self, **kwargs):
        raise PayoutDeclined(WalletError.PAYOUT_DECLINED, reason="payee bank not supported")

    monkeypatch.setattr(sandbox.SandboxPayoutProvider, "transfer_submit", decline)
    promoter = f.promoter()
    f.fund(promoter, "50.00")
    withdrawal = f.withdraw(promoter, "50.00")
    with after_commit():
        services.withdrawal_approve(actor=f.finance(), withdrawal_id=withdrawal.pk)
    assert (f.refreshed(withdrawal).status, f.refreshed(withdrawal).reason) == (
        "failed", "The payout provider declined the transfer: payee bank not supported.")
    assert f.balances(promoter)["available"] == Decimal("50.00")
    assert _history(withdrawal)[-1] == ("fail", "approved", "failed")
    f.reconciled()


def test_only_finance_reviews_and_nothing_changes_otherwise():
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    withdrawal = f.withdraw(promoter, "50.00")
    before = f.written()
    for actor, code in ((network.operator("ops"), "auth.forbidden"), (promoter.user, "auth.forbidden")):
        with pytest.raises(DomainError) as caught:
            services.withdrawal_approve(actor=actor, withdrawal_id=withdrawal.pk)
        assert caught.value.code == code
        with pytest.raises(DomainError):
            services.withdrawal_reject(actor=actor, withdrawal_id=withdrawal.pk, reason="no")
    assert f.written() == before
    assert f.refreshed(withdrawal).status == "requested"


def test_finance_may_not_review_their_own_withdrawal():
    promoter = f.promoter()
    from tuishou.accounts.services import operator_role_grant

    operator_role_grant(actor=None, user=promoter.user, role="finance")
    f.fund(promoter, "100.00")
    withdrawal = f.withdraw(promoter, "50.00")
    with pytest.raises(DomainError) as caught:
        services.withdrawal_approve(actor=promoter.user, withdrawal_id=withdrawal.pk)
    assert caught.value.code == "wallets.self_review"
    assert f.refreshed(withdrawal).status == "requested"


def test_a_rejection_needs_a_reason_and_a_withdrawal_is_reviewed_once(after_commit):
    promoter, reviewer = f.promoter(), f.finance()
    f.fund(promoter, "100.00")
    withdrawal = f.withdraw(promoter, "50.00")
    with pytest.raises(DomainError) as caught:
        services.withdrawal_reject(actor=reviewer, withdrawal_id=withdrawal.pk, reason="  ")
    assert caught.value.code == "wallets.reason_required"
    with after_commit():
        services.withdrawal_reject(actor=reviewer, withdrawal_id=withdrawal.pk, reason="风控复核")
    before = f.written()
    for call in (lambda: services.withdrawal_approve(actor=reviewer, withdrawal_id=withdrawal.pk),
                 lambda: services.withdrawal_reject(actor=reviewer, withdrawal_id=withdrawal.pk, reason="again")):
        with pytest.raises(DomainError) as caught:
            call()
        assert (caught.value.code, caught.value.status) == ("wallets.transition_invalid", 409)
    assert f.written() == before
    with pytest.raises(DomainError) as caught:
        services.withdrawal_approve(actor=reviewer, withdrawal_id=999999)
    assert caught.value.code == "wallets.withdrawal_unknown"
    f.reconciled()


def test_the_released_amount_can_be_withdrawn_again(after_commit):
    promoter, reviewer = f.promoter(), f.finance()
    f.fund(promoter, "100.00")
    first = f.withdraw(promoter, "100.00")
    with after_commit():
        services.withdrawal_reject(actor=reviewer, withdrawal_id=first.pk, reason="请改用本人银行卡")
    second = f.withdraw(promoter, "100.00", payee=f.CARD)
    with after_commit():
        services.withdrawal_approve(actor=reviewer, withdrawal_id=second.pk)
    assert f.refreshed(second).status == "paid"
    assert f.balances(promoter) == {"available": Decimal("0.00"), "frozen": Decimal("0.00"),
                                    "withdrawn": Decimal("99.00"), "revenue": Decimal("1.00")}
    f.reconciled()
