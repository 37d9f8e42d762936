import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.network import factories as net
from tuishou.accounts.services import api_token_issue
from tuishou.incentives.models import PlanVersion
from tuishou.network.models import Promoter
from tuishou.risk.models import AuditEntry

from .plans import RECRUIT_PLAN, SHOP_PLAN

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


def test_operator_imports_checks_and_publishes_through_the_api(client):
    ops, community = net.operator("ops"), net.official()
    auth = _auth(ops)
    resp = client.post(f"/api/v1/incentives/communities/{community.code}/plans", {"source": SHOP_PLAN},
                       content_type="application/json", **auth)
    assert resp.status_code == 201
    draft = resp.json()
    assert (draft["plan"], draft["status"], draft["version"]) == ("shop", "draft", None)
    published = client.post(f"/api/v1/incentives/plans/{draft['id']}/publish", **auth).json()
    assert (published["status"], published["version"]) == ("published", 1)
    in_force = client.get(f"/api/v1/incentives/communities/{community.code}/plan-in-force", **auth).json()
    assert in_force["id"] == draft["id"]
    exported = client.get(f"/api/v1/incentives/plans/{draft['id']}/export", **auth)
    assert exported.content.decode() == SHOP_PLAN
    assert exported["Content-Disposition"] == 'attachment; filename="shop-v1.yaml"'


def test_publishing_a_non_compliant_plan_answers_the_findings(client):
    ops, community = net.operator("ops"), net.official()
    auth = _auth(ops)
    draft = client.post(f"/api/v1/incentives/communities/{community.code}/plans", {"source": RECRUIT_PLAN},
                        content_type="application/json", **auth).json()
    resp = client.post(f"/api/v1/incentives/plans/{draft['id']}/publish", **auth)
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "incentives.plan_not_compliant"
    assert [f["code"] for f in body["details"]["findings"]] == ["L1"]
    assert PlanVersion.objects.get().status == "draft"


def test_check_endpoint_reports_findings_under_the_profile_asked_for(client):
    auth = _auth(net.user())
    resp = client.post("/api/v1/incentives/check", {"source": SHOP_PLAN, "jurisdiction": "cn"},
                       content_type="application/json", **auth).json()
    assert (resp["plan"], resp["profile"], resp["errors"]) == ("shop", "cn", 1)
    assert [f["code"] for f in resp["findings"] if f["severity"] == "error"] == ["L5"]


def test_invalid_plan_gets_the_error_shape_naming_the_field(client):
    auth = _auth(net.user())
    resp = client.post("/api/v1/incentives/check", {"source": "id: x\nname: y\nranks: []\nrules: []"},
                       content_type="application/json", **auth)
    assert resp.status_code == 400
    assert resp.json()["code"] == "incentives.plan_invalid"
    assert resp.json()["details"]["field"] == "ranks"


def test_templates_are_listed_and_each_passes_its_profile(client):
    auth = _auth(net.user())
    listed = client.get("/api/v1/incentives/templates", **auth).json()
    assert [t["name"] for t in listed] == ["rank-differential-peer", "single-level-cps", "team-volume-bonus",
                                           "two-level-distribution"]
    for template in listed:
        source = client.get(f"/api/v1/incentives/templates/{template['name']}.yaml", **auth).content.decode()
        check = client.post("/api/v1/incentives/check", {"source": source}, content_type="application/json",
                            **auth).json()
        assert (check["profile"], check["errors"]) == (template["jurisdiction"], 0)


def test_plan_commands_import_and_publish(tmp_path, capsys):
    ops, community = net.operator("ops"), net.official()
    plan_file = tmp_path / "shop.yaml"
    plan_file.write_text(SHOP_PLAN, encoding="utf-8")
    call_command("plan", "import", str(plan_file), "--community", community.code, "--as", ops.username)
    draft = PlanVersion.objects.get()
    call_command("plan", "publish", str(draft.pk), "--as", ops.username)
    out = capsys.readouterr().out.splitlines()
    assert out == [f"draft {draft.pk} imported (0 compliance error(s))", f"shop v1 is in force for {community.code}"]


def test_plan_command_refuses_a_non_compliant_publish_with_exit_1(tmp_path):
    ops, community = net.operator("ops"), net.official()
    plan_file = tmp_path / "recruit.yaml"
    plan_file.write_text(RECRUIT_PLAN, encoding="utf-8")
    call_command("plan", "import", str(plan_file), "--community", community.code, "--as", ops.username)
    with pytest.raises(CommandError) as err:
        call_command("plan", "publish", str(PlanVersion.objects.get().pk), "--as", ops.username)
    assert err.value.returncode == 1
    assert str(err.value).startswith("incentives.plan_not_compliant: The plan has 1 compliance error(s): L1")


def _shop_plan_in_force(client):
    """An ops operator's credentials, the official community and the shop plan published in it (by the API)."""
    ops, community = net.operator("ops"), net.official()
    auth = _auth(ops)
    draft = client.post(f"/api/v1/incentives/communities/{community.code}/plans", {"source": SHOP_PLAN},
                        content_type="application/json", **auth).json()
    client.post(f"/api/v1/incentives/plans/{draft['id']}/publish", **auth)
    return auth, community, draft


def test_operator_retires_the_plan_in_force_with_a_reason(client):
    auth, community, draft = _shop_plan_in_force(client)

    no_reason = client.post(f"/api/v1/incentives/plans/{draft['id']}/retire", {"reason": " "},
                            content_type="application/json", **auth)
    assert (no_reason.status_code, no_reason.json()["code"]) == (400, "incentives.reason_missing")
    assert PlanVersion.objects.get().status == "published"

    retired = client.post(f"/api/v1/incentives/plans/{draft['id']}/retire", {"reason": "方案下线整改"},
                          content_type="application/json", **auth)
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    assert client.get(f"/api/v1/incentives/communities/{community.code}/plan-in-force", **auth).json()["code"] == (
        "incentives.no_plan_in_force")
    assert AuditEntry.objects.filter(action="incentives.plan_retired", reason="方案下线整改").count() == 1

    again = client.post(f"/api/v1/incentives/plans/{draft['id']}/retire", {"reason": "再次"},
                        content_type="application/json", **auth)
    assert (again.status_code, again.json()["code"]) == (409, "incentives.plan_not_in_force")
    assert AuditEntry.objects.filter(action="incentives.plan_retired").count() == 1


def test_the_payout_preview_prices_an_imagined_order_with_todays_chain_and_writes_nothing(client):
    # given the shop plan in force and a shopkeeper under a shopkeeper
    auth, community, draft = _shop_plan_in_force(client)
    top = net.root(community)
    seller = net.invitee(top)
    Promoter.objects.filter(pk__in=[top.pk, seller.pk]).update(rank="shopkeeper")
    audits = AuditEntry.objects.count()

    # when an operator previews an order with base 100.00 credited to the seller
    preview = client.post(f"/api/v1/incentives/plans/{draft['id']}/payout-preview",
                          {"promoter_id": seller.pk, "base": "100.00", "self_purchase": False},
                          content_type="application/json", **auth)

    # then the direct rule pays the seller and the first tier their sponsor; nothing is written
    assert (preview.status_code, preview.json()) == (200, {
        "plan": "shop", "version": 1,
        "chain": [{"promoter_id": seller.pk, "rank": "shopkeeper", "active": True},
                  {"promoter_id": top.pk, "rank": "shopkeeper", "active": True}],
        "payouts": [{"promoter_id": seller.pk, "rule": "direct", "amount": "50.00"},
                    {"promoter_id": top.pk, "rule": "tiers", "amount": "10.00"}],
        "total": "60.00"})
    assert AuditEntry.objects.count() == audits


def test_the_payout_preview_refuses_what_it_cannot_price(client):
    ops, community = net.operator("ops"), net.official()
    auth = _auth(ops)
    draft = client.post(f"/api/v1/incentives/communities/{community.code}/plans", {"source": SHOP_PLAN},
                        content_type="application/json", **auth).json()
    stranger = net.root(net.agency())
    url = f"/api/v1/incentives/plans/{draft['id']}/payout-preview"

    def ask(url, body, **headers):
        answer = client.post(url, body, content_type="application/json", **headers)
        return answer.status_code, answer.json()["code"]

    assert ask(url, {"promoter_id": stranger.pk, "base": "100.00"}, **auth) == (404, "network.promoter_unknown")
    assert ask(url, {"promoter_id": net.root(community).pk, "base": "-1"}, **auth)[0] == 400
    assert ask("/api/v1/incentives/plans/999999/payout-preview", {"promoter_id": stranger.pk, "base": "1"},
               **auth) == (404, "incentives.plan_version_unknown")
    assert ask(url, {"promoter_id": stranger.pk, "base": "1"}, **_auth(net.user())) == (403, "auth.forbidden")


def test_the_back_office_exports_a_version_under_the_same_name_as_the_api(client, admin_client):
    _, _, draft = _shop_plan_in_force(client)
    exported = admin_client.post("/admin/incentives/planversion/", {"action": "export_yaml",
                                                                    "_selected_action": [draft["id"]]})
    assert (exported.status_code, exported.content.decode()) == (200, SHOP_PLAN)
    assert exported["Content-Disposition"] == 'attachment; filename="shop-v1.yaml"'
