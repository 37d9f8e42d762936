"""The operators' materials moderation desk (素材审核, /ops/materials/): the list with open reports first, a
material with its reports and history, hiding and restoring with a reason (success message, reports resolved,
audit row), refusals shown in the page's language with nothing written, and 404 for everyone but ops."""

from __future__ import annotations

from html import escape

import pytest

from tests.community.html_rows import rows
from tuishou.community import materials as svc
from tuishou.community.models import Material, MaterialReport, MaterialStatusChange
from tuishou.core.errors import DomainError
from tuishou.core.i18n import error_message
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_list_shows_open_reports_first_and_filters(desk, client, django_assert_max_num_queries):
    client.force_login(desk["ops"])
    with django_assert_max_num_queries(15):
        page = client.get("/ops/materials/")
    text = page.content.decode()
    title = desk["title"]
    assert page.status_code == 200 and "素材审核" in text
    assert rows(text) == [f"山里的蜂蜜，包治百病 | 阿花 | {title} | 2 | 展示中 | 图片盗用",
                          f"好茶叶，喝了长寿 | 阿花 | {title} | 1 | 展示中 | 虚假宣传",
                          f"干净的素材 | 阿花 | {title} | 0 | 展示中 | —"]
    assert f'href="/ops/materials/{desk["honey"].pk}/"' in text
    assert 'href="/ops/materials/"' in text  # the desk's navigation entry
    assert [r.split(" | ")[0] for r in rows(client.get("/ops/materials/?show=open").content.decode())] == [
        "山里的蜂蜜，包治百病", "好茶叶，喝了长寿"]
    assert [r.split(" | ")[0] for r in rows(client.get("/ops/materials/?q=茶叶").content.decode())] == [
        "好茶叶，喝了长寿"]
    svc.material_moderate(actor=desk["ops"], material_id=desk["tea"].pk, hide=True, reason="虚假宣传属实")
    # the status "Hidden" reads 已下架 as on the promoter's pages (in its context: the stores' bare "Hidden" is 已隐藏)
    hidden = client.get("/ops/materials/?show=hidden").content.decode()
    assert rows(hidden) == [f"好茶叶，喝了长寿 | 阿花 | {title} | 0 | 已下架 | 虚假宣传"]
    assert '<option value="hidden" selected>已下架</option>' in hidden
    with django_assert_max_num_queries(15):
        newest = client.get("/ops/materials/?sort=new").content.decode()
    assert [r.split(" | ")[0] for r in rows(newest)] == ["山里的蜂蜜，包治百病", "好茶叶，喝了长寿", "干净的素材"]


def test_the_detail_shows_the_material_its_reports_and_history(desk, client, django_assert_max_num_queries):
    client.force_login(desk["ops"])
    with django_assert_max_num_queries(20):
        page = client.get(f"/ops/materials/{desk['honey'].pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "山里的蜂蜜，包治百病" in text and desk["title"] in text and "被引用 0 次" in text and "下架素材" in text
    assert [r.split(" | ", 1)[1] for r in rows(text)[:2]] == ["小周 | 图片盗用 | 待处理", "小李 | 夸大功效 | 待处理"]
    assert rows(text)[2:] == ["尚未处理过。"]


def test_hiding_with_a_reason_resolves_the_reports_and_is_audited(desk, client):
    client.force_login(desk["ops"])
    url = f"/ops/materials/{desk['honey'].pk}/"
    done = client.post(url, {"action": "hide", "reason": "夸大功效属实"})
    assert (done.status_code, done["Location"]) == (302, url)
    honey = Material.objects.get(pk=desk["honey"].pk)
    assert honey.status == "hidden" and honey.hidden_at is not None
    assert not MaterialReport.objects.filter(material=honey, resolved_at__isnull=True).exists()
    assert MaterialReport.objects.filter(material=desk["tea"], resolved_at__isnull=True).count() == 1
    assert list(AuditEntry.objects.filter(target_type="community.material").values_list(
        "action", "target_id", "reason", "actor")) == [
        ("community.material_hidden", str(honey.pk), "夸大功效属实", desk["ops"].pk)]
    page = client.get(url).content.decode()
    assert "已下架：这条素材不能再被引用。" in page and "恢复展示素材" in page
    at = rows(page)[0].split(" | ")[0]  # the minute of the fixture's reports and of the hiding
    assert rows(page) == [f"{at} | 小周 | 图片盗用 | 素材已下架 {at}", f"{at} | 小李 | 夸大功效 | 素材已下架 {at}",
                          f"{at} | 下架 | operator ops | 夸大功效属实"]


def test_restoring_a_hidden_material(desk, client):
    svc.material_moderate(actor=desk["ops"], material_id=desk["honey"].pk, hide=True, reason="夸大功效属实")
    client.force_login(desk["ops"])
    url = f"/ops/materials/{desk['honey'].pk}/"
    done = client.post(url, {"action": "restore", "reason": "作者已修改文案"})
    assert (done.status_code, done["Location"]) == (302, url)
    assert Material.objects.get(pk=desk["honey"].pk).status == "visible"
    assert list(AuditEntry.objects.filter(target_type="community.material").order_by("id")
                .values_list("action", "reason")) == [("community.material_hidden", "夸大功效属实"),
                                                      ("community.material_restored", "作者已修改文案")]
    page = client.get(url).content.decode()
    assert "已恢复展示：这条素材可以再次被引用。" in page and "下架素材" in page
    history = [r for r in rows(page) if "作者已修改文案" in r or "夸大功效属实" in r]
    assert [r.split(" | ")[1] for r in history] == ["恢复展示", "下架"]


@pytest.mark.parametrize(("language", "message"), [("zh-hans", "请填写原因：1 到 200 个字。"),
                                                  ("en", "Give a reason: 1 to 200 characters.")])
def test_an_empty_reason_is_refused_in_the_pages_language_and_writes_nothing(desk, client, language, message):
    client.force_login(desk["ops"])
    client.cookies["django_language"] = language
    refused = client.post(f"/ops/materials/{desk['honey'].pk}/", {"action": "hide", "reason": "  "})
    assert refused.status_code == 400 and message in refused.content.decode()
    assert Material.objects.get(pk=desk["honey"].pk).status == "visible"
    assert MaterialReport.objects.filter(resolved_at__isnull=True).count() == 3
    assert not AuditEntry.objects.filter(target_type="community.material").exists()
    assert not MaterialStatusChange.objects.filter(to_status="hidden").exists()


def test_hiding_twice_is_refused_with_the_services_message_and_writes_nothing(desk, client):
    svc.material_moderate(actor=desk["ops"], material_id=desk["honey"].pk, hide=True, reason="夸大功效属实")
    client.force_login(desk["ops"])
    with pytest.raises(DomainError) as raised:
        svc.material_moderate(actor=desk["ops"], material_id=desk["honey"].pk, hide=True, reason="再下架一次")
    message = escape(error_message(raised.value, "zh-hans"))
    refused = client.post(f"/ops/materials/{desk['honey'].pk}/", {"action": "hide", "reason": "再下架一次"})
    assert refused.status_code == 400 and f'<div class="alert error" role="alert"><div>{message}</div>' in \
        refused.content.decode()
    assert AuditEntry.objects.filter(target_type="community.material").count() == 1
    assert MaterialStatusChange.objects.filter(material=desk["honey"], to_status="hidden").count() == 1
    assert client.post("/ops/materials/999999/", {"action": "hide", "reason": "x"}).status_code == 404
    assert client.get("/ops/materials/999999/").status_code == 404


def test_everyone_but_the_ops_role_gets_404(desk, client):
    url = f"/ops/materials/{desk['honey'].pk}/"
    for user in (desk["finance"], desk["hua"].user):
        client.force_login(user)
        assert client.get("/ops/materials/").status_code == 404
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "hide", "reason": "x"}).status_code == 404
        assert 'href="/ops/materials/"' not in client.get("/ops/").content.decode()
    assert Material.objects.get(pk=desk["honey"].pk).status == "visible"
    assert not AuditEntry.objects.filter(target_type="community.material").exists()
    client.logout()
    assert client.get("/ops/materials/").status_code == 302  # to sign in
