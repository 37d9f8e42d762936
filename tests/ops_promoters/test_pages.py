"""The operators' promoter pages: the list (search, filters, sort, CSV, bounded queries) and the file with its
action forms (a refusal beside the field with what was typed kept, nothing written; 404 for non-operators and
unknown promoters; a viewing role sees no forms and its forged POST is refused)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.network import factories as nf
from tests.orders import factories as of
from tuishou.network.models import Promoter
from tuishou.network.operator_actions import promoter_freeze
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db
LIST = "/ops/promoters/"


@pytest.fixture
def people():
    root = nf.root(display_name="阿花")
    members = [nf.invitee(root, f"推手{i:02d}") for i in range(24)]
    return root, members


def _client(client, role="ops"):
    user = nf.operator(role)
    client.force_login(user)
    return user


def test_the_list_searches_filters_sorts_and_pages_in_bounded_queries(client, people, django_assert_max_num_queries):
    root, members = people
    _client(client)
    promoter_freeze(actor=nf.operator("ops"), promoter_id=members[3].pk, reason="刷单")

    with django_assert_max_num_queries(13):
        page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "25 rows" in html and html.count("/ops/promoters/") >= 20
    with django_assert_max_num_queries(13):
        page2 = client.get(LIST, {"page": 2, "sort": "id"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "推手23" in page2.content.decode() and "推手00" not in page2.content.decode()

    found = client.get(LIST, {"q": "推手07"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 row" in found and f"/ops/promoters/{members[7].pk}/" in found
    by_code = client.get(LIST, {"q": root.invite_code.lower()}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 row" in by_code and f"/ops/promoters/{root.pk}/" in by_code
    frozen = client.get(LIST, {"frozen": "yes"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 row" in frozen and "推手03" in frozen
    official = client.get(LIST, {"community": "OFFICIAL", "rank": "-"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "25 rows" in official
    nonsense = client.get(LIST, {"frozen": "maybe", "sort": "drop", "page": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert nonsense.status_code == 200 and "25 rows" in nonsense.content.decode()


def test_the_csv_has_every_matching_row(client, people):
    _root, members = people
    _client(client)
    promoter_freeze(actor=nf.operator("ops"), promoter_id=members[0].pk, reason="刷单")
    answer = client.get(LIST, {"frozen": "yes", "export": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["ID", "Promoter", "Phone", "Invite code", "Community", "Rank", "Stage", "Personal volume",
                       "Paid sales", "Frozen", "Freeze reason", "Joined"]
    assert [(r[0], r[1], r[3], r[9], r[10]) for r in rows[1:]] == [
        (str(members[0].pk), "推手00", members[0].invite_code, "Frozen", "刷单")]


def test_non_operators_get_404_and_strangers_the_sign_in(client, people):
    root, _ = people
    assert client.get(LIST).status_code == 302
    client.force_login(root.user)
    assert client.get(LIST).status_code == 404
    assert client.get(f"{LIST}{root.pk}/").status_code == 404
    assert client.post(f"{LIST}{root.pk}/freeze/", {"freeze-reason": "x"}).status_code == 404
    assert Promoter.objects.get(pk=root.pk).frozen_at is None


def test_the_file_shows_chain_team_wallet_and_history(client, people, django_assert_max_num_queries):
    of.plan()
    root, members = people
    nf.invitee(members[0], "孙辈")
    _client(client)
    with django_assert_max_num_queries(22):
        page = client.get(f"{LIST}{members[0].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 members, 1 direct" in html
    assert f'href="/ops/promoters/{root.pk}/">阿花</a>' in html
    assert "No operator action yet." in html
    assert client.get(f"{LIST}999999/").status_code == 404
    assert client.post(f"{LIST}{root.pk}/explode/", {}).status_code == 404


def test_freezing_from_the_page_and_a_refusal_beside_the_field(client, people):
    of.plan()
    _root, members = people
    ops = _client(client)
    url = f"{LIST}{members[1].pk}/"

    refused = client.post(f"{url}freeze/", {"freeze-reason": "  "}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "Give a reason: it is kept in the audit log." in refused.content.decode()
    assert Promoter.objects.get(pk=members[1].pk).frozen_at is None

    kept = client.post(f"{url}rank/", {"rank-rank": "emperor", "rank-reason": "我打的字"}, HTTP_ACCEPT_LANGUAGE="en")
    assert kept.status_code == 400
    assert "The plan in force has no rank &#x27;emperor&#x27;." in kept.content.decode()
    assert "我打的字" in kept.content.decode()

    done = client.post(f"{url}freeze/", {"freeze-reason": "疑似刷单"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    html = done.content.decode()
    assert done.redirect_chain == [(url, 302)]
    assert "The promoter is frozen." in html and "疑似刷单" in html and "network.promoter_frozen" in html
    assert AuditEntry.objects.get(action="network.promoter_frozen").actor_id == ops.pk

    twice = client.post(f"{url}freeze/", {"freeze-reason": "again"}, HTTP_ACCEPT_LANGUAGE="en")
    assert twice.status_code == 400 and "This promoter is already frozen." in twice.content.decode()

    client.post(f"{url}rank/", {"rank-rank": "shopkeeper", "rank-reason": "特批"})
    client.post(f"{url}invite-disable/", {"invite-disable-reason": "外泄"})
    row = Promoter.objects.get(pk=members[1].pk)
    assert (row.rank, row.rank_locked, row.invite_code_active) == ("shopkeeper", True, False)


def test_a_viewing_role_sees_no_forms_and_its_post_is_refused(client, people):
    root, _ = people
    _client(client, "finance")
    page = client.get(f"{LIST}{root.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your role may read this file; the ops role acts on it." in page
    assert "freeze-reason" not in page
    forged = client.post(f"{LIST}{root.pk}/freeze/", {"freeze-reason": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert forged.status_code == 400
    assert Promoter.objects.get(pk=root.pk).frozen_at is None
    assert not AuditEntry.objects.filter(action="network.promoter_frozen").exists()


def test_the_list_names_ranks_as_the_communitys_plan_does(client, people):
    _root, members = people
    of.plan()  # the official community's plan in force: member 会员, shopkeeper 店主
    Promoter.objects.filter(pk=members[0].pk).update(rank="shopkeeper")
    _client(client)
    html = client.get(LIST, {"sort": "id"}).content.decode()
    cell = r'<td data-label="[^"<>]+">{}</td>'  # a card's cell on a phone: its column's name, then the value
    assert re.search(cell.format("店主"), html) and re.search(cell.format("会员"), html) and ">shopkeeper<" not in html
    assert '<option value="shopkeeper">店主</option>' in html
    only = client.get(LIST, {"rank": "shopkeeper"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 row" in only and "推手00" in only
    exported = client.get(LIST, {"export": "csv", "rank": "shopkeeper"})
    body = b"".join(exported.streaming_content if exported.streaming else [exported.content]).decode("utf-8-sig")
    assert [row[5] for row in csv.reader(io.StringIO(body))][1:] == ["店主"]


def test_the_file_names_the_lowest_rank_as_the_plan_does_as_the_list_and_the_agency_do(client, people):
    # the lowest rank is stored as "" until an evaluation names it: the file said 初始等级 where the list says 会员
    _root, members = people
    of.plan()
    _client(client)
    page = client.get(f"{LIST}{members[1].pk}/")
    html = page.content.decode()
    assert 'data-testid="rank">会员' in html and "初始等级" not in html
    # the chain reads nearest first, the reverse of a breadcrumb: the page says so
    assert 'data-testid="chain-order">从直属上级依次往上，直到顶层<' in html
    assert re.search(r"<title>推手01 · [^<]*</title>", html) and "推手01 · 推手 ·" not in html
