"""Materials reward periods through the API and the pages: operators create, preview, fund, settle (once) and
export; an author reads their rewards and the wallet statement names them; everyone else gets 403/404."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tuishou.community import rewards
from tuishou.community.models import RewardLine, RewardPeriod
from tuishou.ledger.models import JournalEntry

D = Decimal


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _payload(world, **changes):
    return {"title": "十一月素材奖励", "community_id": world["community"], "starts_on": str(world["starts"]),
            "ends_on": str(world["ends"]), "pool": "100.00", "cap_share": "0.6", "min_rating": "3.5",
            "min_ratings": 3, **changes}


def test_the_api_creates_previews_funds_settles_once_and_the_author_reads_it(reward_world, client):
    world = reward_world
    client.force_login(world["ops"])
    made = _post(client, "/api/v1/community/rewards/periods", _payload(world))
    assert made.status_code == 201, made.content
    period_id = made.json()["id"]
    assert (made.json()["status"], made.json()["pool"]) == ("draft", "100.00")
    preview = client.get(f"/api/v1/community/rewards/periods/{period_id}/preview").json()
    assert [(line["author"].split(" ")[0], line["amount"], line["excluded"]) for line in preview["lines"]] == [
        ("阿花", "60.00", ""), ("小周", "40.00", ""), ("小陈", "0.00", "low_rating")]
    assert _post(client, f"/api/v1/community/rewards/periods/{period_id}/fund", {}).json()["status"] == "open"
    settled = _post(client, f"/api/v1/community/rewards/periods/{period_id}/settle", {})
    assert (settled.status_code, settled.json()["status"], settled.json()["paid_total"]) == (200, "settled", "100.00")
    again = _post(client, f"/api/v1/community/rewards/periods/{period_id}/settle", {})
    assert (again.status_code, again.json()["code"]) == (409, "community.reward_period_settled")
    listed = client.get("/api/v1/community/rewards/periods?status=settled").json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, period_id)

    client.force_login(world["hua"].user)
    mine = client.get("/api/v1/community/rewards/mine").json()
    assert [(row["period_id"], row["amount"], row["orders"]) for row in mine] == [(period_id, "60.00", 3)]
    history = client.get("/api/v1/wallets/me/history").json()
    rewarded = [item for item in history["items"] if item["reason"]["code"] == "materials_reward"]
    assert [(item["reason"]["zh"], item["amount"]) for item in rewarded] == [
        ("素材奖励（你的素材带来的成交）", "60.00")]


def test_the_api_refuses_bad_input_and_non_operators_with_stable_codes(reward_world, client):
    world = reward_world
    client.force_login(world["hua"].user)
    refused = _post(client, "/api/v1/community/rewards/periods", _payload(world))
    assert (refused.status_code, refused.json()["code"]) == (403, "auth.forbidden")
    assert client.get("/api/v1/community/rewards/periods").status_code == 403
    client.logout()
    assert client.get("/api/v1/community/rewards/mine").status_code == 401
    client.force_login(world["ops"])
    for change, code in (({"pool": "-1"}, "community.reward_pool_invalid"),
                         ({"pool": "99999999"}, "community.reward_pool_invalid"),
                         ({"pool": "0"}, "community.reward_pool_invalid"),
                         ({"cap_share": "2"}, "community.reward_cap_invalid"),
                         ({"ends_on": "2020-01-01"}, "community.reward_dates_invalid"),
                         ({"community_id": 424242}, "community.reward_community_unknown")):
        answer = _post(client, "/api/v1/community/rewards/periods", _payload(world, **change))
        assert (answer.status_code, answer.json()["code"]) == (400, code), (change, answer.content)
    for bad in ({"pool": "abc"}, {"starts_on": "yesterday"}, {"min_ratings": "many"}):
        assert _post(client, "/api/v1/community/rewards/periods", _payload(world, **bad)).status_code in (400, 422)
    assert client.get("/api/v1/community/rewards/periods/999999/preview").json()["code"] == \
        "community.reward_period_unknown"
    assert not RewardPeriod.objects.exists()


def test_the_desk_pages_list_create_preview_settle_and_export(reward_world, client, django_assert_max_num_queries):
    world = reward_world
    client.force_login(world["ops"])
    page = client.get("/ops/materials/rewards/new/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    bad = client.post("/ops/materials/rewards/new/", {
        "title": "十一月", "community": world["community"], "starts_on": world["starts"], "ends_on": world["ends"],
        "pool": "-3", "cap_share": "0.6", "min_rating": "3.5", "min_ratings": 3})
    assert bad.status_code == 200 and "十一月" in bad.content.decode() and not RewardPeriod.objects.exists()
    made = client.post("/ops/materials/rewards/new/", {
        "title": "十一月素材奖励", "community": world["community"], "starts_on": world["starts"],
        "ends_on": world["ends"], "pool": "100.00", "cap_share": "0.6", "min_rating": "3.5", "min_ratings": 3})
    period = RewardPeriod.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/ops/materials/rewards/{period.pk}/"
    assert client.post(made["Location"], {"action": "fund"}).status_code == 302
    with django_assert_max_num_queries(40):
        detail = client.get(made["Location"])
    text = detail.content.decode()
    assert detail.status_code == 200 and "阿花" in text and "60.00" in text and 'data-testid="settle"' in text
    assert client.post(made["Location"], {"action": "settle"}).status_code == 302
    assert RewardLine.objects.filter(period=period).count() == 3
    again = client.post(made["Location"], {"action": "settle"})
    assert again.status_code == 200 and 'data-testid="action-error"' in again.content.decode()
    assert JournalEntry.objects.filter(kind="materials_reward").count() == 2
    exported = client.get(made["Location"] + "?export=csv")
    assert exported.status_code == 200 and "60.00" in exported.content.decode("utf-8-sig")
    with django_assert_max_num_queries(30):
        listed = client.get("/ops/materials/rewards/")
    assert listed.status_code == 200 and "十一月素材奖励" in listed.content.decode()
    csv = b"".join(client.get("/ops/materials/rewards/?export=csv").streaming_content).decode("utf-8-sig")
    assert "十一月素材奖励" in csv and "100.00" in csv

    client.force_login(world["hua"].user)
    assert client.get("/ops/materials/rewards/").status_code == 404
    assert client.get(made["Location"]).status_code == 404
    assert client.post(made["Location"], {"action": "cancel", "reason": "x"}).status_code == 404
    with django_assert_max_num_queries(30):
        mine = client.get("/centre/materials/rewards/")
    assert mine.status_code == 200 and "十一月素材奖励" in mine.content.decode() and "60.00" in mine.content.decode()
    statement = client.get("/centre/wallet/?tab=history").content.decode()
    assert "素材奖励（你的素材带来的成交）" in statement  # the wallet statement names the reward


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_draft_period_reads_in_both_languages(reward_world, client, language):
    world = reward_world
    period = rewards.reward_period_create(actor=world["ops"], title="本月素材奖励", starts_on=world["starts"],
                                          ends_on=world["ends"], pool="80.00", cap_share="0.3", min_rating="3.5",
                                          min_ratings=3)
    client.force_login(world["ops"])
    client.cookies["django_language"] = language
    text = client.get(f"/ops/materials/rewards/{period.pk}/").content.decode()
    wanted = {"zh-hans": ("为奖池注资", "草稿", "每位作者上限"), "en": ("Fund the pool", "Draft", "Cap per author")}
    assert all(phrase in text for phrase in wanted[language])
