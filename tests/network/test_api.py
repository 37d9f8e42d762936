import pytest

from tests.network import factories as f
from tests.sms import last_sms, signup_code
from tuishou.accounts.models import User
from tuishou.accounts.services import api_token_issue
from tuishou.network import services
from tuishou.network.models import MentorSwitchRequest, Promoter
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
BASE = "/api/v1/network"


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


def _signup(client, **body):
    payload = {"phone": "13812345678", "password": "a-long-password"} | body
    if "code" not in payload:
        payload["code"] = signup_code(payload["phone"])
    return client.post(f"{BASE}/signup", payload, content_type="application/json")


def test_lookup_then_sign_up_with_an_invite_code(client):
    top = f.root(display_name="导师·李娜")
    lookup = client.get(f"{BASE}/invite-codes/{top.invite_code.lower()}")
    assert lookup.status_code == 200
    assert lookup.json() == {"invite_code": top.invite_code, "inviter_display_name": "导师·李娜",
                             "community": {"code": "OFFICIAL", "name": "官方社群"}}

    resp = _signup(client, invite_code=top.invite_code, display_name="小红")
    assert resp.status_code == 201
    body = resp.json()
    assert body["token"].startswith("ts_")
    me = body["promoter"]
    assert me["sponsor"] == {"id": top.pk, "display_name": "导师·李娜"}
    assert (me["stage"], me["rank"], me["joined_via"], me["depth"]) == ("temporary", "", "invite", 1)
    assert me["community"] == {"code": "OFFICIAL", "name": "官方社群", "kind": "official"}

    again = client.get(f"{BASE}/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert again.json()["invite_code"] == me["invite_code"]


def test_sign_up_with_an_unknown_code_gets_the_error_shape_and_writes_nothing(client):
    f.root()
    resp = _signup(client, invite_code="ZZZZZZ")
    assert resp.status_code == 404
    assert resp.json() == {"code": "network.invite_code_unknown",
                           "message": "No promoter has the invite code 'ZZZZZZ'.",
                           "details": {"field": "invite_code"}}
    assert User.objects.filter(phone="13812345678").count() == 0


def test_sign_up_with_a_taken_phone_fails_like_a_wrong_code_and_the_sms_says_sign_in(client, settings):
    settings.TUISHOU = {**settings.TUISHOU, "SIGNUP_CODE_RESEND_SECONDS": 0}
    top = f.root()
    assert _signup(client, invite_code=top.invite_code).status_code == 201
    asked = client.post("/api/v1/auth/signup/code", {"phone": "13812345678"}, content_type="application/json")
    assert (asked.status_code, asked.json()) == (202, {"sent": True, "expires_in": 600, "resend_after": 0})
    resp = _signup(client, invite_code=top.invite_code, code="123456")
    assert resp.status_code == 400 and resp.json()["code"] == "accounts.phone_code_invalid"
    assert "已有账号" in last_sms("13812345678")
    assert Promoter.objects.count() == 2


def test_sign_up_without_a_code_when_required(client):
    f.root()
    resp = _signup(client)
    assert resp.status_code == 400 and resp.json()["code"] == "network.invite_code_required"
    assert User.objects.filter(phone="13812345678").count() == 0


def test_lookup_of_a_disabled_code(client):
    top = f.root()
    services.invite_code_disable(promoter=top)
    resp = client.get(f"{BASE}/invite-codes/{top.invite_code}")
    assert resp.status_code == 400 and resp.json()["code"] == "network.invite_code_disabled"


def test_my_team(client):
    top = f.root()
    a, b = f.invitee(top), f.invitee(top)
    f.chain(a, 2)
    resp = client.get(f"{BASE}/me/team?limit=1&offset=1", **_auth(top.user))
    assert resp.status_code == 200
    body = resp.json()
    assert body["team_size"] == 4 and body["direct_count"] == 2
    assert body["counts_by_depth"] == [{"depth": 1, "count": 2}, {"depth": 2, "count": 1}, {"depth": 3, "count": 1}]
    assert [d["id"] for d in body["downlines"]] == [b.pk]


def test_me_for_a_user_who_is_not_a_promoter(client):
    resp = client.get(f"{BASE}/me", **_auth(f.user()))
    assert resp.status_code == 404 and resp.json()["code"] == "network.not_a_promoter"


def test_me_needs_sign_in(client):
    assert client.get(f"{BASE}/me").json()["code"] == "auth.required"


def test_regenerate_my_invite_code(client):
    top = f.root()
    resp = client.post(f"{BASE}/me/invite-code", **_auth(top.user))
    assert resp.status_code == 200 and resp.json()["invite_code"] == f.refreshed(top).invite_code != top.invite_code


def test_mentor_switch_with_approval_through_the_api(client):
    old, new = f.mentor(), f.mentor()
    f.policy(placement_policy="round_robin", switch_cooldown_days=0, switch_requires_approval=True)
    placed = services.promoter_register(user=f.user(), invite_code=None)
    assert placed.sponsor_id == old.promoter_id
    mentors = client.get(f"{BASE}/mentors", **_auth(placed.user)).json()
    assert [(m["id"], m["load"]) for m in mentors] == [(old.pk, 1), (new.pk, 0)]

    resp = client.post(f"{BASE}/me/mentor-switch", {"to_mentor_id": new.pk, "reason": "同城"},
                       content_type="application/json", **_auth(placed.user))
    assert resp.status_code == 201 and resp.json()["status"] == "pending"
    switch_id = resp.json()["id"]

    forbidden = client.post(f"{BASE}/operator/switch-requests/{switch_id}/decision", {"approve": True},
                            content_type="application/json", **_auth(placed.user))
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "auth.forbidden"

    ops = _auth(f.operator())
    pending = client.get(f"{BASE}/operator/switch-requests", **ops).json()
    assert [s["id"] for s in pending] == [switch_id]
    decided = client.post(f"{BASE}/operator/switch-requests/{switch_id}/decision", {"approve": True, "reason": "ok"},
                          content_type="application/json", **ops)
    assert decided.status_code == 200 and decided.json()["status"] == "applied"
    assert f.refreshed(placed).sponsor_id == new.promoter_id


def test_mentor_switch_against_policy_through_the_api(client):
    top = f.root()
    invited = f.invitee(top)
    target = f.mentor()
    resp = client.post(f"{BASE}/me/mentor-switch", {"to_mentor_id": target.pk}, content_type="application/json",
                       **_auth(invited.user))
    assert resp.status_code == 400 and resp.json()["code"] == "network.switch_not_placed"
    assert MentorSwitchRequest.objects.count() == 0


def test_operator_sponsor_correction_through_the_api(client):
    top = f.root()
    a, b = f.invitee(top), f.invitee(top)
    ops = _auth(f.operator())
    resp = client.post(f"{BASE}/operator/promoters/{a.pk}/sponsor", {"new_sponsor_id": b.pk, "reason": "填错"},
                       content_type="application/json", **ops)
    assert resp.status_code == 200 and resp.json()["sponsor"]["id"] == b.pk
    cycle = client.post(f"{BASE}/operator/promoters/{b.pk}/sponsor", {"new_sponsor_id": a.pk, "reason": "x"},
                        content_type="application/json", **ops)
    assert cycle.status_code == 400 and cycle.json()["code"] == "network.sponsor_cycle"
    assert AuditEntry.objects.count() == 1
    missing = client.post(f"{BASE}/operator/promoters/999999/sponsor", {"new_sponsor_id": a.pk, "reason": "x"},
                          content_type="application/json", **ops)
    assert missing.status_code == 404 and missing.json()["code"] == "network.promoter_unknown"
