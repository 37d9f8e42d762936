"""Becoming a promoter from a consumer account under the operator's promotion policy: everyone, by application
(operator review, audited), after a qualifying purchase (满额分销, with its compliance warning)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from tests.network import factories as nf
from tests.orders import factories as of
from tuishou.accounts.services import api_token_issue
from tuishou.core.errors import Conflict, InvalidInput, PermissionDenied
from tuishou.network.models import NetworkPolicy, Promoter, PromoterApplication
from tuishou.network.promotion import (
    promoter_application_decide,
    promoter_become,
    promotion_findings,
    promotion_standing,
)
from tuishou.orders.fulfilment import order_confirm_receipt, order_ship
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
Mode = NetworkPolicy.Promotion


def _api(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


def test_everyone_mode_makes_a_promoter_at_once_under_the_code_owner():
    inviter, person = nf.root(), nf.user("小王")
    assert promotion_standing(user=person).action == "join"
    becoming = promoter_become(user=person, invite_code=inviter.invite_code)
    assert becoming.application is None and becoming.promoter.sponsor_id == inviter.pk
    assert promotion_standing(user=person).action == "promoter"
    with pytest.raises(Conflict) as err:
        promoter_become(user=person)
    assert err.value.code == "network.already_promoter"


def test_application_is_reviewed_approved_and_audited():
    inviter, person, ops = nf.root(), nf.user("小王"), nf.operator("ops")
    nf.policy(promotion_mode=Mode.APPLICATION)
    application = promoter_become(user=person, invite_code=inviter.invite_code, reason="我想分享好物").application
    assert (application.status, promotion_standing(user=person).action) == ("pending", "pending")
    with pytest.raises(Conflict) as err:
        promoter_become(user=person)
    assert err.value.code == "network.application_pending"
    assert PromoterApplication.objects.count() == 1

    decided = promoter_application_decide(actor=ops, application_id=application.pk, approve=True)
    assert decided.status == "approved" and decided.decided_by == ops
    assert Promoter.objects.get(user=person).sponsor_id == inviter.pk
    entry = AuditEntry.objects.get(action="network.promoter_application_approved")
    assert (entry.actor, entry.target_id) == (ops, str(application.pk))
    with pytest.raises(Conflict) as err:
        promoter_application_decide(actor=ops, application_id=application.pk, approve=False, reason="x")
    assert err.value.code == "network.application_decided"


def test_a_rejection_needs_a_reason_and_an_operator_and_makes_no_promoter():
    person, ops = nf.user(), nf.operator("ops")
    nf.policy(promotion_mode=Mode.APPLICATION)
    application = promoter_become(user=person).application
    with pytest.raises(InvalidInput) as err:
        promoter_application_decide(actor=ops, application_id=application.pk, approve=False, reason="  ")
    assert err.value.code == "network.decision_reason_missing"
    with pytest.raises(PermissionDenied):
        promoter_application_decide(actor=nf.user(), application_id=application.pk, approve=True)
    assert PromoterApplication.objects.get().status == "pending" and AuditEntry.objects.count() == 0

    promoter_application_decide(actor=ops, application_id=application.pk, approve=False, reason="资料不全")
    assert PromoterApplication.objects.get().decision_reason == "资料不全"
    assert not Promoter.objects.filter(user=person).exists()
    # a rejected person may apply again
    assert promoter_become(user=person).application.status == "pending"


def test_qualifying_purchase_counts_received_orders_only(after_commit):
    nf.root()  # the official root: sign-ups without a code are placed (no mentors: under no one → refused)
    nf.policy(promotion_mode=Mode.QUALIFYING_PURCHASE, promotion_min_purchase=Decimal("100.00"),
              invite_code_required=False)
    buyer = of.buyer()
    item = of.sku(price="59.90")
    order = of.paid_order(after_commit, person=buyer, item=item, quantity=2)  # ¥119.80, paid not received
    standing = promotion_standing(user=buyer)
    assert (standing.action, standing.spent, standing.short_by) == ("buy", Decimal("0.00"), Decimal("100.00"))
    with pytest.raises(InvalidInput) as err:
        promoter_become(user=buyer)
    assert (err.value.code, err.value.details) == ("network.purchase_required",
                                                   {"spent": "0.00", "required": "100.00"})

    order_ship(actor=of.owner(item.product.merchant), order_id=order.pk, carrier="SF", tracking_number="SF1")
    order_confirm_receipt(actor=buyer, order_id=order.pk)
    assert promotion_standing(user=buyer).spent == Decimal("119.80")
    assert promoter_become(user=buyer).promoter is not None


def test_the_kept_invite_code_is_used_once_the_purchase_qualifies(after_commit):
    inviter = nf.root()
    nf.policy(promotion_mode=Mode.QUALIFYING_PURCHASE, promotion_min_purchase=Decimal("50.00"))
    buyer = of.buyer()
    assert promoter_become(user=buyer, invite_code=inviter.invite_code).application.status == "awaiting_purchase"
    item = of.sku(price="59.90")
    order = of.paid_order(after_commit, person=buyer, item=item, quantity=1)
    order_ship(actor=of.owner(item.product.merchant), order_id=order.pk, carrier="SF", tracking_number="SF1")
    order_confirm_receipt(actor=buyer, order_id=order.pk)

    promoter = promoter_become(user=buyer).promoter
    assert promoter.sponsor_id == inviter.pk
    assert PromoterApplication.objects.get().status == "approved"


def test_qualifying_purchase_is_flagged_as_a_possible_entry_fee():
    assert promotion_findings(nf.policy(promotion_mode=Mode.EVERYONE)) == []
    findings = promotion_findings(nf.policy(promotion_mode=Mode.QUALIFYING_PURCHASE,
                                            promotion_min_purchase=Decimal("399.00")))
    assert [(f["code"], f["severity"]) for f in findings] == [("P1", "warning")]
    assert "¥399.00" in findings[0]["message"] and "《禁止传销条例》" in findings[0]["message"]


def test_api_standing_become_and_operator_decision():
    person, ops = nf.user("小王"), nf.operator("ops")
    nf.mentor()  # applicants without a code are placed under a mentor when approved
    nf.policy(promotion_mode=Mode.APPLICATION)
    client = Client()
    standing = client.get("/api/v1/network/me/promotion", **_api(person)).json()
    assert (standing["mode"], standing["action"], standing["application"]) == ("application", "apply", None)

    filed = client.post("/api/v1/network/me/promotion", {"reason": "想推广"}, content_type="application/json",
                        **_api(person))
    assert filed.status_code == 201 and filed.json()["promoter"] is None
    application_id = filed.json()["application"]["id"]
    again = client.post("/api/v1/network/me/promotion", {}, content_type="application/json", **_api(person))
    assert (again.status_code, again.json()["code"]) == (409, "network.application_pending")

    queue = client.get("/api/v1/network/operator/promoter-applications", **_api(ops)).json()
    assert [a["id"] for a in queue] == [application_id]
    refused = client.get("/api/v1/network/operator/promoter-applications", **_api(person))
    assert refused.status_code == 403
    decided = client.post(f"/api/v1/network/operator/promoter-applications/{application_id}/decision",
                          {"approve": True}, content_type="application/json", **_api(ops))
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert Promoter.objects.filter(user=person).exists()
    unknown = client.post("/api/v1/network/operator/promoter-applications/999999/decision",
                          {"approve": True}, content_type="application/json", **_api(ops))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "network.application_unknown")


def test_admin_shows_the_compliance_warning_and_decides_applications(admin_client):
    nf.policy(promotion_mode=Mode.QUALIFYING_PURCHASE, promotion_min_purchase=Decimal("399.00"))
    page = admin_client.get("/admin/network/networkpolicy/1/change/").content.decode()
    assert "P1" in page and "《禁止传销条例》" in page


def test_admin_refuses_a_qualifying_purchase_policy_without_an_amount_and_warns_with_one(admin_client):
    nf.root()
    form = {"invite_code_required": "on", "placement_policy": "least_loaded", "switch_cooldown_days": "30",
            "switch_max_count": "1", "switch_max_sales": "", "default_sponsor": "",
            "promotion_mode": "qualifying_purchase", "promotion_min_purchase": ""}
    refused = admin_client.post("/admin/network/networkpolicy/1/change/", form)
    assert refused.status_code == 200 and NetworkPolicy.objects.get().promotion_mode == "everyone"
    saved = admin_client.post("/admin/network/networkpolicy/1/change/", {**form, "promotion_min_purchase": "299"},
                              follow=True)
    assert NetworkPolicy.objects.get().promotion_min_purchase == Decimal("299.00")
    page = saved.content.decode()
    assert "P1: Becoming a promoter requires spending ¥299.00 first" in page
