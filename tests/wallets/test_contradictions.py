"""A payout provider that contradicts itself (issue 12, item 1): every report kept, a success after a failure booked
as the payout it was (taken back from the balance, or owed and the wallet held), a failure after a success left to
finance, and the provider reconciliation (对账) clean exactly when the provider's statement and our books agree."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.merchant_money import factories as mf
from tests.wallets import factories as f
from tuishou.core.errors import DomainError
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.reconcile import reconcile_run
from tuishou.risk.models import AuditEntry
from tuishou.wallets import incidents, sandbox, services
from tuishou.wallets.models import PayoutEvent, PayoutIncident, PayoutReport
from tuishou.wallets.sandbox import SandboxPayoutBehaviour, sandbox_payout_callbacks_deliver_due
from tuishou.wallets.sandbox_models import SandboxTransfer

pytestmark = pytest.mark.django_db
D = Decimal
HELD = SandboxPayoutBehaviour(delay_seconds=(60, 60))


def _paying(after_commit, owner, amount):
    """``owner`` (funded already) withdraws ``amount``; finance approves; the sandbox's callback is held back."""
    withdrawal = f.withdraw(owner, amount)
    with after_commit():
        services.withdrawal_approve(actor=f.finance(), withdrawal_id=withdrawal.pk)
    withdrawal = f.refreshed(withdrawal)
    assert withdrawal.status == "paying"
    return withdrawal


def _report(client, withdrawal, type, event_id):
    """The provider reports ``type`` for the withdrawal's payout (signed: it is the provider speaking)."""
    body = f.event_body(event_id=event_id, type=type, payout_id=withdrawal.payout_id, reference=withdrawal.reference,
                        amount=str(withdrawal.net), currency="CNY", reason="payee account closed")
    return f.post_signed(client, body)


def _deliver_held(after_commit):
    with after_commit():
        sandbox_payout_callbacks_deliver_due(now=timezone.now() + timedelta(seconds=61))


def _receivable() -> Decimal:
    account = Account.objects.filter(kind=Account.Kind.PAYOUT_RECEIVABLE).first()
    return account.amount if account else D("0.00")


def _code(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def _problems(name="payout_provider_statements") -> list[str]:
    [result] = reconcile_run([name]).results
    return [f"{m.subject}: {m.found} / {m.expected} ({m.note})" for m in result.mismatches]


def test_a_success_after_a_failure_is_the_payout_it_was_taken_back_from_the_balance(client, after_commit):
    # given a payout in progress that the provider first reports failed: the amount is back in the balance
    sandbox.sandbox_payout_behave(HELD)
    promoter = f.promoter()
    f.fund(promoter, "200.00")
    withdrawal = _paying(after_commit, promoter, "200.00")
    assert _report(client, withdrawal, "payout.failed", "pevt_first_word").json()["status"] == "processed"
    assert f.refreshed(withdrawal).status == "failed"
    assert f.balances(promoter)["available"] == D("200.00")
    # when its own success arrives after all
    _deliver_held(after_commit)
    # then the payout is booked as made: the amount leaves the balance once, the promoter has it once
    assert f.refreshed(withdrawal).status == "paid"
    assert f.balances(promoter) == {"available": D("0.00"), "frozen": D("0.00"), "withdrawn": D("198.80"),
                                    "revenue": D("1.20")}
    assert f.entry_lines(f"withdrawal:{withdrawal.pk}:paid_after_failed") == [
        ("promoter_withdrawn", D("-198.80")), ("platform_revenue", D("-1.20")), ("promoter_available", D("200.00"))]
    assert list(PayoutReport.objects.values_list("state", "effect")) == [
        ("failed", "failed"), ("succeeded", "incident:paid_after_failed")]
    incident = PayoutIncident.objects.get()
    assert (incident.kind, incident.status, incident.shortfall, incident.holds_wallet) == (
        "paid_after_failed", "open", D("0.00"), False)
    assert AuditEntry.objects.filter(action="wallets.payout_incident_raised", target_id=str(incident.pk)).exists()
    assert _problems() == []
    f.reconciled()
    # finance acknowledges it: nothing was owed
    incidents.payout_incident_resolve(actor=f.finance(), incident_id=incident.pk, resolution="acknowledged",
                                      note="支付宝对账单确认已到账")
    assert PayoutIncident.objects.get().status == "resolved"
    f.reconciled()


def test_a_success_after_a_failure_whose_amount_was_withdrawn_again_is_owed_and_holds_the_wallet(
        client, after_commit):
    # given a failed payout whose returned amount the promoter withdrew again (paid out too)
    sandbox.sandbox_payout_behave(HELD)
    promoter = f.promoter()
    f.fund(promoter, "200.00")
    first = _paying(after_commit, promoter, "200.00")
    _report(client, first, "payout.failed", "pevt_first_word")
    second = _paying(after_commit, promoter, "150.00")
    # when both successes arrive (the first one's is a contradiction)
    _deliver_held(after_commit)
    # then both payouts are booked; of the first, 50.00 came back from the balance and 150.00 is owed
    assert [f.refreshed(w).status for w in (first, second)] == ["paid", "paid"]
    assert f.balances(promoter) == {"available": D("0.00"), "frozen": D("0.00"), "withdrawn": D("347.80"),
                                    "revenue": D("2.20")}
    assert _receivable() == D("150.00")
    incident = PayoutIncident.objects.get()
    assert (incident.shortfall, incident.holds_wallet, incident.promoter_id) == (D("150.00"), True, promoter.pk)
    f.reconciled()
    # and the wallet is held: nothing is requested (nor written) until finance settles it
    f.fund(promoter, "100.00")
    before = f.written()
    assert _code(lambda: f.withdraw(promoter, "50.00")) == "wallets.payee_on_hold"
    assert f.written() == before
    # finance cannot recover what the balance does not hold; nothing is written then
    entries = JournalEntry.objects.count()
    assert _code(lambda: incidents.payout_incident_resolve(
        actor=f.finance(), incident_id=incident.pk, resolution="recovered", note="从余额追回")) == (
        "wallets.incident_uncovered")
    assert (JournalEntry.objects.count(), PayoutIncident.objects.get().status) == (entries, "open")
    assert _code(lambda: incidents.payout_incident_resolve(
        actor=f.finance(), incident_id=incident.pk, resolution="confirmed_paid", note="x")) == (
        "wallets.resolution_invalid")
    # once it does, the debt is recovered and the hold lifted
    f.fund(promoter, "60.00")
    incidents.payout_incident_resolve(actor=f.finance(), incident_id=incident.pk, resolution="recovered",
                                      note="新佣金到账后从余额追回")
    assert (f.balances(promoter)["available"], _receivable()) == (D("10.00"), D("0.00"))
    assert f.withdraw(promoter, "10.00").status == "requested"
    audit = AuditEntry.objects.get(action="wallets.payout_incident_resolved")
    assert (audit.reason, audit.data["resolution"], audit.data["shortfall"]) == (
        "新佣金到账后从余额追回", "recovered", "150.00")
    f.reconciled()


def test_a_debt_finance_writes_off_is_a_platform_loss(client, after_commit):
    sandbox.sandbox_payout_behave(HELD)
    promoter = f.promoter()
    f.fund(promoter, "200.00")
    first = _paying(after_commit, promoter, "200.00")
    _report(client, first, "payout.failed", "pevt_first_word")
    _paying(after_commit, promoter, "200.00")
    _deliver_held(after_commit)
    incident = PayoutIncident.objects.get()
    assert incident.shortfall == D("200.00")
    incidents.payout_incident_resolve(actor=f.finance(), incident_id=incident.pk, resolution="written_off",
                                      note="收款人失联，核销")
    loss = Account.objects.get(kind=Account.Kind.PAYOUT_LOSS)
    assert (_receivable(), loss.amount, f.balances(promoter)["available"]) == (D("0.00"), D("200.00"), D("0.00"))
    assert _code(lambda: incidents.payout_incident_resolve(
        actor=f.finance(), incident_id=incident.pk, resolution="written_off", note="again")) == (
        "wallets.transition_invalid")
    f.reconciled()


def test_a_failure_after_a_success_is_a_difference_until_finance_reverses_the_payout(client, after_commit):
    # given a transfer the provider failed, but whose success it reported first
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(delay_seconds=(60, 60), failure_rate=1.0))
    promoter = f.promoter()
    f.fund(promoter, "200.00")
    withdrawal = _paying(after_commit, promoter, "200.00")
    _report(client, withdrawal, "payout.succeeded", "pevt_first_word")
    assert f.balances(promoter)["withdrawn"] == D("198.80")
    # when the provider's own failure arrives
    _deliver_held(after_commit)
    # then nothing moves by itself, an incident is open, and the reconciliation shows the provider disagrees
    assert f.refreshed(withdrawal).status == "paid"
    assert f.balances(promoter) == {"available": D("0.00"), "frozen": D("0.00"), "withdrawn": D("198.80"),
                                    "revenue": D("1.20")}
    incident = PayoutIncident.objects.get()
    assert (incident.kind, incident.holds_wallet) == ("failed_after_paid", False)
    ref = f"sandbox payout {withdrawal.reference} ({withdrawal.payout_id})"
    assert _problems() == [
        f"{ref}: succeeded / failed (the final states differ (ours, then the provider's))",
        f"{ref} withdrawn: 198.80 / 0.00 (the ledger's withdrawn total against the provider's failed)"]
    # when finance confirms with the provider that it failed: the payout is reversed, the amount back
    incidents.payout_incident_resolve(actor=f.finance(), incident_id=incident.pk, resolution="reversed",
                                      note="渠道确认出款失败")
    assert f.refreshed(withdrawal).status == "failed"
    assert f.balances(promoter) == {"available": D("200.00"), "frozen": D("0.00"), "withdrawn": D("0.00"),
                                    "revenue": D("0.00")}
    assert _problems() == []
    f.reconciled()


def test_duplicated_contradicting_reports_raise_one_incident_and_book_once(client, after_commit):
    sandbox.sandbox_payout_behave(SandboxPayoutBehaviour(delay_seconds=(60, 60), duplicate_rate=1.0, seed=3))
    promoter = f.promoter()
    f.fund(promoter, "200.00")
    withdrawal = _paying(after_commit, promoter, "200.00")
    _report(client, withdrawal, "payout.failed", "pevt_first_word")
    _report(client, withdrawal, "payout.failed", "pevt_first_word")  # the same event again: a duplicate
    _deliver_held(after_commit)  # the success, delivered twice (the copy later)
    with after_commit():
        sandbox_payout_callbacks_deliver_due(now=timezone.now() + timedelta(hours=2))
    _report(client, withdrawal, "payout.succeeded", "pevt_said_again")  # and reported once more, another id
    assert list(PayoutEvent.objects.order_by("id").values_list("outcome", flat=True)) == [
        "processed", "duplicate", "processed", "duplicate", "ignored"]
    assert list(PayoutReport.objects.values_list("effect", flat=True)) == [
        "failed", "incident:paid_after_failed", "repeated"]
    assert PayoutIncident.objects.count() == 1
    assert f.balances(promoter) == {"available": D("0.00"), "frozen": D("0.00"), "withdrawn": D("198.80"),
                                    "revenue": D("1.20")}
    f.reconciled()


def test_a_merchant_payout_paid_after_it_failed_is_owed_back_and_holds_the_merchant(client, after_commit):
    # given a merchant with 300.00 available that withdraws it, is told it failed, and withdraws it again
    shop = mf.merchant()
    mf.settled_sale(after_commit, shop)
    mf.account_set(shop)
    sandbox.sandbox_payout_behave(HELD)
    first = mf.withdraw(shop, "300.00")
    with after_commit():
        mf.approve(first)
    first = f.refreshed(first)
    _report(client, first, "payout.failed", "pevt_first_word")
    assert mf.balances(shop)["available"] == D("300.00")
    second = mf.withdraw(shop, "300.00")
    with after_commit():
        mf.approve(second)
    # when both successes arrive
    _deliver_held(after_commit)
    # then both are booked, the first one owed back in full, and the merchant's withdrawals wait
    assert mf.balances(shop) == {"pending": D("0.00"), "available": D("0.00"), "frozen": D("0.00"),
                                 "withdrawn": D("600.00")}
    incident = PayoutIncident.objects.get()
    assert (incident.merchant_id, incident.shortfall, _receivable()) == (shop.pk, D("300.00"), D("300.00"))
    assert _code(lambda: mf.withdraw(shop, "100.00")) == "wallets.payee_on_hold"
    assert _problems() == []
    f.reconciled()


@pytest.mark.tampered
def test_the_reconciliation_names_every_difference_with_the_provider_statement(after_commit):
    # given two payouts paid and booked alike: nothing to report
    promoter = f.promoter()
    f.fund(promoter, "300.00")
    first = _paying_and_paid(after_commit, promoter, "100.00")
    second = _paying_and_paid(after_commit, promoter, "200.00")
    assert _problems() == []
    # when the provider's record of one differs in amount, the other is missing, and one is not ours
    SandboxTransfer.objects.filter(reference=first.reference).update(amount=D("99.50"))
    SandboxTransfer.objects.filter(reference=second.reference).delete()
    SandboxTransfer.objects.create(payout_id="sbp_stranger", reference="withdrawal-999999", amount=D("10.00"),
                                   currency="CNY", payee="***", status="succeeded")
    # then each is named
    assert _problems() == [
        f"sandbox payout {first.reference} ({first.payout_id}): 99.00 CNY / 99.50 CNY "
        "(the amounts differ (ours, then the provider's))",
        "sandbox payout withdrawal-999999 (sbp_stranger): — / 10.00 succeeded "
        "(on the provider's statement, not in our withdrawals)",
        f"sandbox payout {second.reference} ({second.payout_id}): 198.80 succeeded / — "
        "(in our withdrawals, not on the provider's statement)",
        f"sandbox payout {first.reference} ({first.payout_id}) withdrawn: 99.00 / 99.50 "
        "(the ledger's withdrawn total against the provider's succeeded)",
    ]


def _paying_and_paid(after_commit, promoter, amount):
    withdrawal = f.withdraw(promoter, amount)
    with after_commit():
        services.withdrawal_approve(actor=f.finance(), withdrawal_id=withdrawal.pk)
    withdrawal = f.refreshed(withdrawal)
    assert withdrawal.status == "paid"
    return withdrawal


def test_finance_settles_an_incident_on_the_withdrawals_desk(client, after_commit, django_assert_max_num_queries):
    # given an incident where the payee owes 150.00 back
    sandbox.sandbox_payout_behave(HELD)
    promoter = f.promoter("王小二")
    f.fund(promoter, "200.00")
    first = _paying(after_commit, promoter, "200.00")
    _report(client, first, "payout.failed", "pevt_first_word")
    _paying(after_commit, promoter, "150.00")
    _deliver_held(after_commit)
    incident = PayoutIncident.objects.get()
    # an ops operator does not see the queue; finance does
    client.force_login(f.network.operator("ops"))
    assert client.get("/ops/withdrawals/incidents/").status_code == 404
    client.force_login(f.finance())
    with django_assert_max_num_queries(20):
        page = client.get("/ops/withdrawals/incidents/")
    assert page.status_code == 200 and f"#{first.pk}" in page.content.decode()
    assert 'class="chip on" href="?status=open" aria-current="page"' in page.content.decode()  # which tab is shown
    # the withdrawal queue leads to it, with the number waiting (it is in no menu)
    queue = client.get("/ops/withdrawals/").content.decode()
    assert 'data-testid="incidents-link">出款异常 (1)</a>' in queue
    detail = client.get(f"/ops/withdrawals/incidents/{incident.pk}/").content.decode()
    assert "pevt_first_word" in detail and "150.00" in detail
    # a resolution without a note is refused beside the field; nothing is written
    refused = client.post(f"/ops/withdrawals/incidents/{incident.pk}/", {"resolution": "written_off", "note": ""})
    assert refused.status_code == 200 and PayoutIncident.objects.get().status == "open"
    # recovering more than the balance holds is refused with the service's message
    refused = client.post(f"/ops/withdrawals/incidents/{incident.pk}/", {"resolution": "recovered", "note": "追回"})
    assert refused.status_code == 200 and PayoutIncident.objects.get().status == "open"
    done = client.post(f"/ops/withdrawals/incidents/{incident.pk}/", {"resolution": "written_off", "note": "核销"})
    assert done.status_code == 302
    assert (PayoutIncident.objects.get().resolution, _receivable()) == ("written_off", D("0.00"))
    assert client.get("/ops/withdrawals/incidents/").content.decode().count("<tr>") == 0
    f.reconciled()


@pytest.mark.tampered
def test_the_payment_gateway_statement_is_compared_with_our_payments_and_refunds(after_commit):
    from tests.payments import factories as pf
    from tuishou.payments.sandbox_models import SandboxCharge

    # given a payment the gateway was paid and we booked: the statements agree
    payment = pf.paid(after_commit)
    assert _problems("payment_gateway_statements") == []
    # when the gateway's record says another amount, and it has a charge we never made
    SandboxCharge.objects.filter(txn_id=payment.gateway_txn_id).update(amount=D("60.00"))
    SandboxCharge.objects.create(txn_id="sbx_stranger", reference="payment-999999", amount=D("5.00"), currency="CNY",
                                 status="paid", paid_at=timezone.now())
    # then both are named
    assert _problems("payment_gateway_statements") == [
        f"sandbox payment payment-{payment.pk} ({payment.gateway_txn_id}): 59.90 CNY / 60.00 CNY "
        "(the amounts differ (ours, then the gateway's))",
        "sandbox payment payment-999999 (sbx_stranger): — / 5.00 succeeded (on the gateway's statement, not in our "
        "payments)"]


def test_reconcile_takes_a_day_or_a_start_day_and_refuses_a_wrong_one(capsys):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("reconcile", "--day", "2026-12-01", "--day", "2026-12-02", stdout=out)
    assert out.getvalue().splitlines()[0] == "Providers' statements of 2026-12-01 to 2026-12-02 (2 day(s))."
    out = io.StringIO()
    call_command("reconcile", "--check", "payout_provider_statements", "--since",
                 (timezone.localdate() - timedelta(days=6)).isoformat(), stdout=out)
    assert "(7 day(s))" in out.getvalue().splitlines()[0]
    for args in (["--day", "yesterday"], ["--since", "1990-01-01"], ["--day", "2026-12-01", "--since", "2026-12-01"],
                 ["--since", (timezone.localdate() + timedelta(days=2)).isoformat()]):
        with pytest.raises(CommandError) as caught:
            call_command("reconcile", *args, stdout=io.StringIO())
        assert caught.value.returncode == 2, args
