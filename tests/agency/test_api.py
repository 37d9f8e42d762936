import pytest

from tests.network import factories as f
from tuishou.accounts.services import api_token_issue
from tuishou.network.models import Community, CommunityStaff, Promoter
from tuishou.network.services import promoter_record_first_sale
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
BASE = "/api/v1/network"


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user).token}"}


def test_an_operator_opens_an_agency_and_its_staff_read_it(client):
    ops, staff = f.operator("ops"), f.user("运营小张")
    created = client.post(f"{BASE}/operator/communities", {
        "name": "晨光社群", "code": "chenguang", "head_phone": "13712345678", "head_display_name": "周晨",
        "head_invite_code": "CGHEAD", "staff": [{"phone": staff.phone, "role": "owner"}]},
        content_type="application/json", **_auth(ops))
    assert created.status_code == 201
    body = created.json()
    community = Community.objects.get(code="CHENGUANG")
    assert (body["community"]["id"], body["community"]["promoter_count"], body["community"]["staff_count"],
            body["head_invite_code"]) == (community.pk, 1, 1, "CGHEAD")
    assert body["staff"] == [{"user_id": staff.pk, "phone": staff.phone, "display_name": "运营小张", "role": "owner"}]

    head = Promoter.objects.get(invite_code="CGHEAD")
    member = f.invitee(head, "小美")
    mine = client.get(f"{BASE}/agency/communities", **_auth(staff)).json()
    assert mine == [{"id": community.pk, "code": "CHENGUANG", "name": "晨光社群", "role": "owner"}]
    overview = client.get(f"{BASE}/agency/communities/{community.pk}/overview", **_auth(staff)).json()
    assert (overview["promoters"], overview["mentors"], overview["sales_this_month"]) == (2, 1, "0.00")
    rows = client.get(f"{BASE}/agency/communities/{community.pk}/promoters?q=小美", **_auth(staff)).json()
    assert [(r["id"], r["display_name"], r["depth"]) for r in rows] == [(member.pk, "小美", 1)]
    detail = client.get(f"{BASE}/agency/communities/{community.pk}/promoters/{member.pk}", **_auth(staff)).json()
    assert [(c["id"], c["level"]) for c in detail["chain"]] == [(head.pk, 1)]


def test_refusals_have_their_codes_and_write_nothing(client):
    ops = f.operator("ops")
    f.agency("XINGHUO")
    before = (Community.objects.count(), AuditEntry.objects.count())
    taken = client.post(f"{BASE}/operator/communities", {"name": "x", "code": "XINGHUO", "head_phone": "13712345678"},
                        content_type="application/json", **_auth(ops))
    unknown = client.post(f"{BASE}/operator/communities", {
        "name": "x", "code": "NEWONE", "head_phone": "13712345678", "staff": [{"phone": "13699999999"}]},
        content_type="application/json", **_auth(ops))
    stranger = client.post(f"{BASE}/operator/communities", {"name": "x", "code": "NEWTWO", "head_phone": "13712345678"},
                           content_type="application/json", **_auth(f.user()))
    assert (taken.status_code, taken.json()["code"], taken.json()["details"]) == (
        409, "network.community_code_taken", {"field": "code"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "network.user_phone_unknown")
    assert stranger.status_code == 403
    assert (Community.objects.count(), AuditEntry.objects.count()) == before


def test_another_community_is_404_for_agency_staff(client):
    mine, other = f.agency(), f.agency("QINGTENG", "青藤联盟")
    stranger = f.invitee(f.root(other))
    f.root(mine)
    person = f.user()
    CommunityStaff.objects.create(user=person, community=mine, role="viewer")
    for url in (f"/agency/communities/{other.pk}/overview", f"/agency/communities/{mine.pk}/promoters/{stranger.pk}",
                f"/agency/communities/{other.pk}/promoters/{stranger.pk}"):
        response = client.get(BASE + url, **_auth(person))
        assert response.status_code == 404, url
    bad = client.get(f"{BASE}/agency/communities/{mine.pk}/growth?start=2026-05-02&end=2026-05-01", **_auth(person))
    assert (bad.status_code, bad.json()["code"]) == (400, "network.range_invalid")


def test_a_temporary_shopkeeper_chooses_then_is_fixed_after_the_first_sale(client):
    shopkeeper = f.invitee(f.root())
    agency = f.agency()
    head = f.root(agency)
    listed = client.get(f"{BASE}/me/communities", **_auth(shopkeeper.user)).json()
    assert listed["can_choose"] is True and [c["code"] for c in listed["communities"]] == ["OFFICIAL", "XINGHUO"]
    chosen = client.post(f"{BASE}/me/community", {"community_id": agency.pk}, content_type="application/json",
                         **_auth(shopkeeper.user))
    assert chosen.status_code == 200
    assert (chosen.json()["community"]["code"], chosen.json()["sponsor"]["id"]) == ("XINGHUO", head.pk)
    promoter_record_first_sale(shopkeeper)
    official = Community.objects.get(code="OFFICIAL")
    fixed = client.post(f"{BASE}/me/community", {"community_id": official.pk}, content_type="application/json",
                        **_auth(shopkeeper.user))
    assert (fixed.status_code, fixed.json()["code"]) == (409, "network.community_choice_fixed")
    assert Promoter.objects.get(pk=shopkeeper.pk).community_id == agency.pk
