import csv
import io

import pytest

from tests.network import factories as f
from tuishou.network.models import Community, CommunityStaff, Promoter
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _tree():
    agency, other = f.agency(), f.agency("QINGTENG", "青藤联盟")
    head = f.root(agency, "负责人")
    a, b = f.invitee(head, "阿甲"), f.invitee(head, "阿乙")
    for n in range(25):
        f.invitee(a if n % 2 else b, f"成员{n:02d}")
    stranger = f.invitee(f.root(other), "外人")
    return agency, head, a, stranger


def _signed_in(client, community=None, role="viewer"):
    person = f.user("机构运营")
    if community is not None:
        CommunityStaff.objects.create(user=person, community=community, role=role)
    client.force_login(person)
    return person


def test_the_agency_portal_pages_render_within_their_query_budgets(client, django_assert_max_num_queries):
    agency, _head, a, _ = _tree()
    _signed_in(client, agency)
    client.get("/agency/")  # the session remembers the community once
    # The desk shell itself reads 7 (session, user, the person's roles, unread messages and announcements).
    for url, budget in [("/agency/", 16), ("/agency/promoters/", 16), ("/agency/promoters/?page=2&sort=directs", 16),
                        ("/agency/mentors/", 17), ("/agency/growth/", 18), (f"/agency/promoters/{a.pk}/", 17)]:
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/agency/").content.decode()
    assert 'data-testid="kpi-promoters">28<' in page and 'data-testid="kpi-mentors">3<' in page
    listing = client.get("/agency/promoters/?q=成员0&sort=old").content.decode()
    assert "成员00" in listing and "成员09" in listing and "成员10" not in listing and "外人" not in listing
    detail = client.get(f"/agency/promoters/{a.pk}/").content.decode()
    assert 'data-testid="team-size">12<' in detail and "负责人" in detail
    # personal_volume is the plan's 个人业绩 (measured on its commission base), not the sales' 销售额 that the
    # leaderboard adds up from the orders' prices: the same word for two different figures read as a contradiction
    assert "个人业绩" in detail and "销售额" not in detail
    assert "个人业绩" in listing and "销售额" not in listing


def test_the_mentors_page_shows_team_sizes_and_exports_them(client):
    agency, _head, _a, _ = _tree()
    _signed_in(client, agency)
    response = client.get("/agency/mentors/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert [(r[0], r[3], r[4]) for r in rows[1:]] == [("阿乙", "13", "13"), ("阿甲", "12", "12"),
                                                      ("负责人", "2", "27")]


def test_another_community_s_promoter_and_strangers_get_404(client):
    agency, _head, _a, stranger = _tree()
    assert client.get("/agency/").status_code == 302  # sign in first
    _signed_in(client)
    assert client.get("/agency/").status_code == 404  # staff of nothing
    client.logout()
    _signed_in(client, agency)
    assert client.get(f"/agency/promoters/{stranger.pk}/").status_code == 404
    assert client.get("/agency/promoters/999999/").status_code == 404
    assert client.get(f"/agency/?c={stranger.community_id}").status_code == 404
    assert client.get("/agency/?c=abc").status_code == 404


def test_a_bad_growth_range_is_shown_beside_the_field(client):
    agency, *_ = _tree()
    _signed_in(client, agency)
    response = client.get("/agency/growth/?start=2026-05-02&end=2026-05-01")
    assert response.status_code == 200
    assert "结束日期早于开始日期。" in response.content.decode()
    assert client.get("/agency/growth/?start=nonsense&end=").status_code == 200


def test_an_operator_opens_an_agency_from_the_page(client, django_assert_max_num_queries):
    ops = f.operator("ops")
    staff = f.user("运营小张")
    client.force_login(ops)
    assert client.get("/ops/communities/new/").status_code == 200
    response = client.post("/ops/communities/new/", {
        "name": "晨光社群", "code": "CHENGUANG", "head_phone": "13712345678", "head_display_name": "周晨",
        "head_password": "", "head_invite_code": "CGHEAD", "staff": f"{staff.phone} owner"})
    community = Community.objects.get(code="CHENGUANG")
    assert response.status_code == 302 and response["Location"] == f"/ops/communities/{community.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "CGHEAD" in page and staff.phone in page
    f.agency("OTHER", "另一个")
    with django_assert_max_num_queries(11):
        listing = client.get("/ops/communities/?q=晨光")
    assert "晨光社群" in listing.content.decode() and "另一个" not in listing.content.decode()


def test_a_refused_agency_keeps_what_was_typed_and_writes_nothing(client):
    ops = f.operator("ops")
    client.force_login(ops)
    before = (Community.objects.count(), Promoter.objects.count(), AuditEntry.objects.count())
    response = client.post("/ops/communities/new/", {
        "name": "晨光社群", "code": "CHENGUANG", "head_phone": "13712345678", "staff": "13611112222 owner"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "没有手机号为 13611112222 的账号。" in page and 'value="晨光社群"' in page
    assert (Community.objects.count(), Promoter.objects.count(), AuditEntry.objects.count()) == before


def test_staff_are_added_removed_and_the_community_closed_from_its_page(client):
    ops = f.operator("ops")
    agency = f.agency()
    person = f.user("小李")
    client.force_login(ops)
    bad = client.post(f"/ops/communities/{agency.pk}/staff/", {"phone": "13611112222", "role": "viewer"})
    assert bad.status_code == 400 and "没有手机号为 13611112222 的账号。" in bad.content.decode()
    client.post(f"/ops/communities/{agency.pk}/staff/", {"phone": person.phone, "role": "viewer"})
    assert list(CommunityStaff.objects.values_list("user_id", "role")) == [(person.pk, "viewer")]
    client.post(f"/ops/communities/{agency.pk}/staff/{person.pk}/remove/")
    assert not CommunityStaff.objects.exists()
    client.post(f"/ops/communities/{agency.pk}/active/", {"active": "0"})
    assert Community.objects.get(pk=agency.pk).active is False


def test_ops_pages_are_404_for_non_operators(client):
    agency = f.agency()
    client.force_login(f.user())
    for url in ("/ops/communities/", "/ops/communities/new/", f"/ops/communities/{agency.pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/ops/communities/{agency.pk}/active/", {"active": "0"}).status_code == 404
    assert Community.objects.get(pk=agency.pk).active is True


def test_a_temporary_shopkeeper_chooses_a_community_on_the_centre_page(client):
    official_root = f.root(display_name="官方")
    shopkeeper = f.invitee(official_root, "小周")
    agency = f.agency()
    head = f.root(agency, "负责人")
    client.force_login(shopkeeper.user)
    page = client.get("/centre/community/").content.decode()
    assert "星火社群" in page and 'data-testid="community-form"' in page
    response = client.post("/centre/community/", {"community": agency.pk})
    assert response.status_code == 302
    moved = Promoter.objects.get(pk=shopkeeper.pk)
    assert (moved.community_id, moved.sponsor_id) == (agency.pk, head.pk)


def test_after_the_first_sale_the_page_refuses_cleanly(client):
    from tuishou.network.services import promoter_record_first_sale
    official_root = f.root()
    shopkeeper = f.invitee(official_root)
    agency = f.agency()
    f.root(agency)
    client.force_login(shopkeeper.user)
    form_page = client.get("/centre/community/")
    promoter_record_first_sale(shopkeeper)
    response = client.post("/centre/community/", {"community": agency.pk})
    assert form_page.status_code == 200 and response.status_code == 200
    page = response.content.decode()
    assert "你已完成首单，所属社群已固定，不能再更换。" in page
    assert Promoter.objects.get(pk=shopkeeper.pk).community_id == official_root.community_id
