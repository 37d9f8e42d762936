"""The back office: withdrawals with filters, approve and reject through the services (audited)."""

from decimal import Decimal

import pytest

from tests.wallets import factories as f
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _withdrawal(amount="40.00"):
    promoter = f.promoter()
    f.fund(promoter, "100.00")
    return f.withdraw(promoter, amount)


@pytest.mark.parametrize("url", [
    "/admin/wallets/withdrawal/", "/admin/wallets/withdrawal/?status__exact=requested",
    "/admin/wallets/withdrawal/?requested_at__year=2026&status__exact=paid", "/admin/wallets/payoutevent/",
    "/admin/wallets/sandboxtransfer/", "/admin/wallets/sandboxpayoutcallback/",
])
def test_changelists_render_for_an_operator(admin_client, url):
    _withdrawal()
    assert admin_client.get(url).status_code == 200


def test_the_change_page_shows_the_payee_masked(admin_client):
    withdrawal = _withdrawal()
    page = admin_client.get(f"/admin/wallets/withdrawal/{withdrawal.pk}/change/").content.decode()
    assert "138****8000 **明" in page and "13812348000" not in page


def test_the_approve_action_pays_through_the_services(admin_client, django_capture_on_commit_callbacks):
    withdrawal = _withdrawal()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/wallets/withdrawal/",
                                     {"action": "approve", "_selected_action": [withdrawal.pk]})
    assert response.status_code == 302
    assert f.refreshed(withdrawal).status == "paid"
    assert AuditEntry.objects.exclude(action__startswith="admin.").get().action == "wallets.withdrawal_approved"
    f.reconciled()


def test_the_reject_action_asks_for_a_reason_and_releases(admin_client):
    withdrawal = _withdrawal()
    asked = admin_client.post("/admin/wallets/withdrawal/", {"action": "reject", "_selected_action": [withdrawal.pk]})
    assert asked.status_code == 200 and f.refreshed(withdrawal).status == "requested"
    admin_client.post("/admin/wallets/withdrawal/", {"action": "reject", "_selected_action": [withdrawal.pk],
                                                     "apply": "1", "reason": "疑似刷单，待风控核实"})
    assert (f.refreshed(withdrawal).status, f.refreshed(withdrawal).reason) == ("rejected", "疑似刷单，待风控核实")
    assert AuditEntry.objects.exclude(action__startswith="admin.").get().reason == "疑似刷单，待风控核实"
    assert f.balances(withdrawal.promoter)["available"] == Decimal("100.00")
    f.reconciled()


def test_a_refused_action_is_reported_for_its_row(admin_client):
    withdrawal = _withdrawal()
    admin_client.post("/admin/wallets/withdrawal/", {"action": "reject", "_selected_action": [withdrawal.pk],
                                                     "apply": "1", "reason": "first"})
    response = admin_client.post("/admin/wallets/withdrawal/", {"action": "approve",
                                                                "_selected_action": [withdrawal.pk]}, follow=True)
    assert "wallets.transition_invalid" in response.content.decode()
    assert f.refreshed(withdrawal).status == "rejected"
