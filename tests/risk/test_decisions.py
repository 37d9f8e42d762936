"""Operators' decisions and settings through the API and the services: stable 4xx codes for bad input, deciding
twice and the wrong person, with nothing written; each decision audited with its reason."""

import pytest

from tests.orders import factories as of
from tests.risk import factories as f
from tests.settlement import factories as sf
from tuishou.ledger.models import JournalEntry
from tuishou.risk import rules as R
from tuishou.risk.models import AuditEntry, RiskFlag, RiskRule

pytestmark = pytest.mark.django_db
API = "/api/v1/risk/operator"


def _flag(after_commit) -> RiskFlag:
    of.plan(sf.EXAMPLE_2)
    f.thresholds(R.SELF_PURCHASE_RATIO, min_amount="400.00", min_ratio="3")
    x, _, _ = sf.example_2_chain()
    sf.received(sf.self_purchase(after_commit, x))
    return RiskFlag.objects.get()


def _post(client, flag_id, what: str, reason):
    return client.post(f"{API}/flags/{flag_id}/{what}", data={"reason": reason}, content_type="application/json")


def _nothing_written(flag: RiskFlag, entries: int, audits: int) -> None:
    flag.refresh_from_db()
    assert (flag.status, flag.reason, flag.decided_at, flag.decided_by_id) == ("open", "", None, None)
    assert JournalEntry.objects.count() == entries
    assert AuditEntry.objects.filter(action__startswith="risk.flag_").exclude(action="risk.flag_raised").count() \
        == audits


@pytest.mark.parametrize(("reason", "status", "code"), [
    ("", 400, "risk.reason_required"),
    ("   ", 400, "risk.reason_required"),
    ("长" * 501, 400, "risk.reason_too_long"),
    ("ok\x07", 400, "risk.reason_invalid"),
    ("ok\x00", None, None),  # the API refuses NUL before the service, with its own stable code
    ("右\u202e左", 400, "risk.reason_invalid"),
    ("x" * 5001, None, None),  # beyond the request schema's bound
])
def test_a_bad_reason_is_refused_with_a_stable_code_and_nothing_written(client, after_commit, reason, status, code):
    flag = _flag(after_commit)
    entries, audits = JournalEntry.objects.count(), 0
    client.force_login(of.operator("risk"))
    for what in ("clear", "reject"):
        response = _post(client, flag.pk, what, reason)
        if code:
            assert (response.status_code, response.json()["code"]) == (status, code)
        else:
            assert 400 <= response.status_code < 500 and response.json()["code"]
    _nothing_written(flag, entries, audits)


def test_a_reason_at_the_limit_is_taken_and_deciding_twice_is_a_conflict(client, after_commit):
    flag = _flag(after_commit)
    client.force_login(of.operator("risk"))
    response = _post(client, flag.pk, "clear", "核" * 500)
    assert response.status_code == 200 and response.json()["status"] == "cleared"
    for what in ("clear", "reject"):
        again = _post(client, flag.pk, what, "再来一次")
        assert (again.status_code, again.json()["code"]) == (409, "risk.flag_decided")
    flag.refresh_from_db()
    assert flag.reason == "核" * 500
    assert AuditEntry.objects.filter(action__in=["risk.flag_cleared", "risk.flag_rejected"]).count() == 1


def test_only_risk_operators_decide_finance_reads_and_others_are_refused(client, after_commit):
    flag = _flag(after_commit)
    entries = JournalEntry.objects.count()
    assert _post(client, flag.pk, "reject", "刷单").status_code == 401
    for person, read, decide in ((of.operator("ops"), 403, 403), (of.operator("finance"), 200, 403),
                                 (of.buyer(), 403, 403)):
        client.force_login(person)
        assert client.get(f"{API}/flags").status_code == read
        assert client.get(f"{API}/flags/{flag.pk}").status_code == read
        response = _post(client, flag.pk, "reject", "刷单")
        assert (response.status_code, response.json()["code"]) == (decide, "auth.forbidden")
    _nothing_written(flag, entries, 0)
    client.force_login(of.operator("risk"))
    missing = _post(client, flag.pk + 1000, "reject", "刷单")
    assert (missing.status_code, missing.json()["code"]) == (404, "risk.flag_not_found")
    assert client.post(f"{API}/flags/abc/reject", data={"reason": "x"},
                       content_type="application/json").status_code in (400, 404, 422)


def test_the_queue_and_a_flag_read_through_the_api_masked(client, after_commit):
    flag = _flag(after_commit)
    client.force_login(of.operator("risk"))
    page = client.get(f"{API}/flags", {"rule": R.SELF_PURCHASE_RATIO}).json()
    assert page["total"] == 1 and page["items"][0]["id"] == flag.pk and page["items"][0]["order_count"] == 1
    assert client.get(f"{API}/flags", {"status": "cleared"}).json()["total"] == 0
    assert client.get(f"{API}/flags", {"rule": "nope"}).status_code in (400, 422)
    detail = client.get(f"{API}/flags/{flag.pk}").json()
    assert detail["orders"][0]["phone"] == "138****5678" and detail["orders"][0]["recipient"] == "王**"
    assert detail["orders"][0]["address"] == "浙江省杭州市西湖区"
    rejected = _post(client, flag.pk, "reject", "自购刷单").json()
    assert (rejected["status"], rejected["reason"]) == ("rejected", "自购刷单")


def test_rules_read_and_change_with_bounds_and_audit(client):
    client.force_login(of.operator("risk"))
    rules = client.get(f"{API}/rules").json()
    assert [r["code"] for r in rules] == list(R.RULES)
    cluster = next(r for r in rules if r["code"] == R.NEW_ACCOUNT_CLUSTER)
    assert {p["name"]: p["value"] for p in cluster["params"]} == {"account_age_days": "7", "window_hours": "24",
                                                                  "min_accounts": "5"}
    for params, field in (({"min_accounts": "1"}, "min_accounts"), ({"min_accounts": "2.5"}, "min_accounts"),
                          ({"min_accounts": "1e3"}, "min_accounts"), ({"min_accounts": True}, None),
                          ({"nope": "3"}, "nope")):
        response = client.put(f"{API}/rules/{R.NEW_ACCOUNT_CLUSTER}", data={"params": params},
                              content_type="application/json")
        assert 400 <= response.status_code < 500
        if field:
            assert response.json()["details"]["field"] == field
    assert not RiskRule.objects.exists() and not AuditEntry.objects.filter(action="risk.rule_updated").exists()
    missing = client.put(f"{API}/rules/nope", data={"params": {}}, content_type="application/json")
    assert (missing.status_code, missing.json()["code"]) == (404, "risk.rule_not_found")

    changed = client.put(f"{API}/rules/{R.SELF_PURCHASE_RATIO}", data={"params": {"min_ratio": "2.50"}},
                         content_type="application/json").json()
    assert {p["name"]: p["value"] for p in changed["params"]}["min_ratio"] == "2.50"
    audit = AuditEntry.objects.get(action="risk.rule_updated")
    assert audit.data["before"]["params"] == {} and audit.data["after"]["params"] == {"min_ratio": "2.50"}
    client.force_login(of.operator("finance"))
    refused = client.put(f"{API}/rules/{R.SELF_PURCHASE_RATIO}", data={"enabled": False},
                         content_type="application/json")
    assert refused.status_code == 403 and RiskRule.objects.get().enabled
