"""The risk desk as an operator uses it: the queue (filters, CSV), a flag's evidence (masked), clear and reject with
a reason beside the field, the rules page; refused to other roles; bounded queries however many flags."""

from decimal import Decimal

import pytest

from tests.orders import factories as of
from tests.risk import factories as f
from tests.settlement import factories as sf
from tuishou.risk import rules as R
from tuishou.risk.models import AuditEntry, RiskFlag, RiskRule
from tuishou.settlement.models import Commission

pytestmark = pytest.mark.django_db


def _cluster(after_commit, buyers: int = 3):
    of.plan(sf.EXAMPLE_2)
    f.thresholds(R.NEW_ACCOUNT_CLUSTER, min_accounts=2)
    promoter = sf.rank(of.root("阿花"), "shopkeeper")  # earns the direct commission
    item = of.sku(price="100.00", stock=100)
    link = of.share_link(promoter, item.product_id)
    orders = [f.buy(after_commit, f.unique_buyer(f"新号{n}"), item, share_code=link.code) for n in range(buyers)]
    return RiskFlag.objects.get(rule=R.NEW_ACCOUNT_CLUSTER), orders


def test_the_queue_lists_open_flags_with_filters_and_bounded_queries(client, after_commit,
                                                                     django_assert_max_num_queries):
    flag, _ = _cluster(after_commit)
    client.force_login(of.operator("risk"))
    with django_assert_max_num_queries(14):
        page = client.get("/ops/risk/")
    html = page.content.decode()
    assert page.status_code == 200 and f'href="/ops/risk/{flag.pk}/"' in html
    assert "新账号同链接集中下单" in html and 'href="/ops/risk/"' in html  # the rule's title, the desk nav
    more = [_cluster_more(after_commit, n) for n in range(4)]
    with django_assert_max_num_queries(14):
        assert client.get("/ops/risk/").status_code == 200
    assert len(more) == 4
    assert f'/ops/risk/{flag.pk}/' not in client.get("/ops/risk/", {"status": "cleared"}).content.decode()
    assert f'/ops/risk/{flag.pk}/' in client.get("/ops/risk/", {"rule": R.NEW_ACCOUNT_CLUSTER}).content.decode()
    csv = client.get("/ops/risk/", {"export": "csv"})
    assert csv.status_code == 200


def _cluster_more(after_commit, n: int) -> RiskFlag:
    promoter = of.root(f"推手{n}")
    item = of.sku(price="100.00", stock=100)
    link = of.share_link(promoter, item.product_id)
    for m in range(2):
        f.buy(after_commit, f.unique_buyer(f"新号{n}{m}"), item, share_code=link.code)
    return RiskFlag.objects.get(subject_key=f"link:{link.pk}")


def test_a_flag_shows_its_evidence_masked_and_is_cleared_with_a_reason(client, after_commit,
                                                                         django_assert_max_num_queries):
    flag, orders = _cluster(after_commit)
    client.force_login(of.operator("risk"))
    with django_assert_max_num_queries(14):
        page = client.get(f"/ops/risk/{flag.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and all(o.number in html for o in orders)
    assert "139****" in html and "王**" in html and "文一路" not in html  # masked phone, name; no street
    assert 'data-testid="reject"' in html
    # What the rule saw reads in words, its thresholds by their labels on the rules page, not by their keys
    assert "新账号数" in html and "注册几天内算新账号（天）" in html and "<code>account_age_days</code>" not in html

    empty = client.post(f"/ops/risk/{flag.pk}/", {"decision": "clear", "reason": "  "})
    assert empty.status_code == 200 and "请填写处理理由。" in empty.content.decode()
    assert RiskFlag.objects.get(pk=flag.pk).status == "open"

    done = client.post(f"/ops/risk/{flag.pk}/", {"decision": "clear", "reason": "社区团购，核实正常"})
    assert done.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.reason) == ("cleared", "社区团购，核实正常")
    after = client.get(f"/ops/risk/{flag.pk}/").content.decode()
    assert "社区团购，核实正常" in after and 'data-testid="reject"' not in after


def test_a_flag_is_rejected_from_its_page_and_the_commissions_reversed(client, after_commit):
    flag, orders = _cluster(after_commit)
    client.force_login(of.operator("risk"))
    assert client.post(f"/ops/risk/{flag.pk}/", {"decision": "reject", "reason": "新号集中刷单"}).status_code == 302
    flag.refresh_from_db()
    assert flag.status == "rejected"
    assert AuditEntry.objects.get(action="risk.flag_rejected").reason == "新号集中刷单"
    commissions = Commission.objects.filter(order__in=orders)
    assert commissions.exists() and set(commissions.values_list("status", "amount")) == {("cancelled", Decimal("0"))}


def test_other_roles_get_the_404_page_and_finance_reads_without_deciding(client, after_commit):
    flag, _ = _cluster(after_commit)
    for person in (of.operator("ops"), of.buyer()):
        client.force_login(person)
        for url in ("/ops/risk/", f"/ops/risk/{flag.pk}/", "/ops/risk/rules/"):
            assert client.get(url).status_code == 404
        assert client.post(f"/ops/risk/{flag.pk}/", {"decision": "reject", "reason": "x"}).status_code == 404
    client.force_login(of.operator("finance"))
    page = client.get(f"/ops/risk/{flag.pk}/").content.decode()
    assert 'data-testid="reject"' not in page
    assert client.post(f"/ops/risk/{flag.pk}/", {"decision": "reject", "reason": "x"}).status_code == 404
    assert RiskFlag.objects.get(pk=flag.pk).status == "open"


def test_the_rules_page_shows_and_saves_thresholds_with_errors_beside_the_field(client,
                                                                               django_assert_max_num_queries):
    client.force_login(of.operator("risk"))
    with django_assert_max_num_queries(10):
        page = client.get("/ops/risk/rules/")
    assert page.status_code == 200 and all(f'data-testid="rule-{code}"' in page.content.decode() for code in R.RULES)
    bad = client.post("/ops/risk/rules/", {"code": R.SHARED_DESTINATION, "enabled": "on", "window_days": "30",
                                           "min_accounts": "1"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()
    assert not RiskRule.objects.exists()
    good = client.post("/ops/risk/rules/", {"code": R.SHARED_DESTINATION, "enabled": "on", "window_days": "14",
                                            "min_accounts": "4"})
    assert good.status_code == 302
    assert RiskRule.objects.get().params == {"window_days": "14", "min_accounts": "4"}
    assert client.post("/ops/risk/rules/", {"code": "nope"}).status_code == 404
