"""Announcements at the desks: operators announce to everyone or any community, agency staff only to their own;
the list shows read receipts against the audience's size; bad input is refused beside the field, nothing written."""

from __future__ import annotations

import csv
import io

import pytest

from tests.network import factories as nf
from tuishou.network.models import CommunityStaff
from tuishou.notifications import services
from tuishou.notifications.models import Announcement

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    xinghuo = nf.agency()
    head = nf.root(xinghuo, "星火老大")
    members = [nf.invitee(head, f"成员{i}") for i in range(3)]
    staff = nf.user("星火运营")
    CommunityStaff.objects.create(user=staff, community=xinghuo)
    other = nf.agency("QINGTENG", "青藤联盟")
    nf.root(other, "青藤老大")
    return {"xinghuo": xinghuo, "other": other, "head": head, "members": members, "staff": staff,
            "ops": nf.operator("ops"), "finance": nf.operator("finance")}


def _client(client, user):
    client.force_login(user)
    return client


def test_agency_staff_announce_to_their_community_and_see_read_receipts(people, client, django_assert_max_num_queries):
    c = _client(client, people["staff"])
    page = c.get("/agency/announcements/").content.decode()
    assert "青藤联盟" not in page and "全平台" not in page  # only their own community to choose
    answer = c.post("/agency/announcements/", {"audience": people["xinghuo"].pk, "title": "本周爆品",
                                               "body": "周五晚八点开抢"})
    assert answer.status_code == 302
    made = Announcement.objects.get()
    assert (made.community, made.author, made.title) == (people["xinghuo"], people["staff"], "本周爆品")
    for member in people["members"][:2]:
        services.announcement_read(user=member.user, announcement_id=made.pk)
    with django_assert_max_num_queries(14):
        page = c.get("/agency/announcements/").content.decode()
    # 2 of the community's 4 promoters (the head and three members) have read it
    assert "本周爆品" in page
    assert ('<td class="num" data-label="已读">2</td><td class="num" data-label="受众人数">4</td>'
            '<td class="num" data-label="阅读率">50%</td>') in page
    body = b"".join(c.get("/agency/announcements/?export=csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1][0] == "本周爆品" and rows[1][4:] == ["2", "4", "50%"]


def test_agency_staff_cannot_announce_to_another_community_or_everyone(people, client):
    c = _client(client, people["staff"])
    for audience in (people["other"].pk, ""):
        page = c.post("/agency/announcements/", {"audience": audience, "title": "越权", "body": "不应发出"})
        assert page.status_code == 200 and 'class="field invalid"' in page.content.decode()
    assert Announcement.objects.count() == 0


def test_operators_announce_to_everyone_and_bad_input_keeps_what_was_typed(people, client):
    c = _client(client, people["ops"])
    page = c.post("/ops/announcements/", {"audience": "", "title": "标" * 81, "body": "正文保留"}).content.decode()
    assert "正文保留" in page and Announcement.objects.count() == 0
    published = c.post("/ops/announcements/", {"audience": "", "title": "春节物流安排", "body": "1月20日起停发"})
    assert published.status_code == 302
    assert Announcement.objects.get().community is None


def test_people_who_cannot_announce_get_not_found(people, client):
    assert _client(client, people["finance"]).get("/ops/announcements/").status_code == 404
    assert _client(client, people["head"].user).get("/agency/announcements/").status_code == 404
    client.logout()
    assert client.get("/ops/announcements/")["Location"].startswith("/account/login/")


def test_the_announcements_sort_reads_最新发布_not_最新加入(people, client):
    # "Newest" alone is the promoters list's 最新加入 (network); announcements are published, not joined
    page = _client(client, people["staff"]).get("/agency/announcements/").content.decode()
    assert ">最新发布</option>" in page and "最新加入" not in page
