"""The message centre through its pages and the API: unread first, mark read, someone else's message is 404,
announcements with read receipts, a constant number of queries whatever the number of messages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.network import factories as nf
from tuishou.core.errors import PermissionDenied
from tuishou.notifications import services
from tuishou.notifications.models import Announcement, AnnouncementRead, Message
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _message(user, n: int, *, read: bool = False) -> Message:
    return Message.objects.create(recipient=user, kind="team_joined", key=f"t:{user.pk}:{n}",
                                  params={"name": f"成员{n}"}, created_at=timezone.now(),
                                  read_at=timezone.now() if read else None)


def _client(user, language: str = "zh-hans") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def test_the_inbox_shows_unread_first_and_the_badge_counts_them():
    promoter = nf.root(display_name="阿花")
    old_read, unread = _message(promoter.user, 1, read=True), _message(promoter.user, 2)
    response = _client(promoter.user).get("/centre/messages/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'id="message-{unread.pk}"') < html.index(f'id="message-{old_read.pk}"')
    assert "成员2 加入了你的团队" in html and "未读" in html
    assert re.findall(r'<span class="dot"[^>]*>(\d+)</span>', html) == ["1", "1"]  # the tab bar and the desk nav


def test_mark_read_with_htmx_returns_the_row_and_reading_all_clears_the_badge():
    promoter = nf.root()
    first, second = _message(promoter.user, 1), _message(promoter.user, 2)
    client = _client(promoter.user)
    response = client.post(f"/centre/messages/{first.pk}/read/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().strip().startswith(f'<li id="message-{first.pk}" data-unread="0">')
    assert Message.objects.get(pk=first.pk).read_at is not None
    assert client.post("/centre/messages/read-all/").status_code == 302
    assert Message.objects.filter(read_at__isnull=True).count() == 0
    assert Message.objects.get(pk=second.pk).read_at is not None


def test_someone_else_s_message_is_not_found_in_pages_and_api():
    mine, theirs = nf.root(), nf.root()
    message = _message(theirs.user, 1)
    client = _client(mine.user)
    assert client.get(f"/centre/messages/{message.pk}/").status_code == 404
    assert client.post(f"/centre/messages/{message.pk}/read/").status_code == 404
    api = client.post(f"/api/v1/notifications/{message.pk}/read")
    assert (api.status_code, api.json()["code"]) == (404, "notifications.message_unknown")
    assert Message.objects.get(pk=message.pk).read_at is None


def test_the_api_lists_messages_with_their_text_in_the_request_s_language():
    promoter = nf.root()
    message = _message(promoter.user, 7)
    body = _client(promoter.user, "en").get("/api/v1/notifications").json()
    assert body["count"] == 1 and body["unread"] == 1
    assert body["items"][0] | {"created_at": None} == {
        "id": message.pk, "kind": "team_joined", "params": {"name": "成员7"}, "title": "New member in your team",
        "body": "成员7 joined your team. Say hello and help them make their first sale.", "link": "/centre/team/",
        "created_at": None, "read_at": None}
    assert _client(promoter.user).post("/api/v1/notifications/read-all").json() == {"marked": 1}


def test_the_inbox_runs_the_same_queries_for_3_and_30_messages(django_assert_max_num_queries):
    promoter = nf.root()
    client = _client(promoter.user)
    for n in range(3):
        _message(promoter.user, n)
    with django_assert_max_num_queries(12) as few:
        client.get("/centre/messages/")
    for n in range(3, 30):
        _message(promoter.user, n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/centre/messages/")


def test_operators_announce_to_everyone_and_agency_staff_only_to_their_own_community():
    ops = nf.operator("ops")
    agency, other = nf.agency(), nf.agency(code="QITA", name="其他社群")
    staff = nf.user("星火运营")
    agency.staff.create(user=staff)
    everyone = services.announcement_publish(actor=ops, title="双十二爆品预告", body="12 月 12 日零点开抢。")
    own = services.announcement_publish(actor=staff, title="本周素材精选", body="看看大家的爆款文案。",
                                        community=agency)
    with pytest.raises(PermissionDenied) as refused:
        services.announcement_publish(actor=staff, title="越权", body="不该发出", community=other)
    assert refused.value.code == "notifications.forbidden"
    assert Announcement.objects.count() == 2
    assert list(AuditEntry.objects.filter(action="notifications.announcement_publish")
                .values_list("target_id", flat=True).order_by("id")) == [str(everyone.pk), str(own.pk)]
    member, outsider = nf.root(agency), nf.root(other)
    assert [a.title for a in services.selectors.announcements_for(member.user)] == ["本周素材精选", "双十二爆品预告"]
    assert [a.title for a in services.selectors.announcements_for(outsider.user)] == ["双十二爆品预告"]
    assert services.selectors.unread_count(member.user) == 2
    _client(member.user).get(f"/centre/messages/announcements/{own.pk}/")
    assert services.selectors.unread_count(member.user) == 1
    assert AnnouncementRead.objects.filter(user=member.user).count() == 1
    assert _client(outsider.user).get(f"/centre/messages/announcements/{own.pk}/").status_code == 404
