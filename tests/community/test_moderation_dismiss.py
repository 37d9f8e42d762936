"""Dismissing a material's reports (驳回) at the operators' desk and through the API: every open report of the
material closed as dismissed, the material untouched, one audit row; each refusal (nothing open, no such material,
not the ops role, no reason) writes nothing; the messages in both languages. And the material status "Hidden" read
as 已下架 on the desk and on the promoter's own page (its label has a context of its own)."""

from __future__ import annotations

import pytest

from tests.community.html_rows import rows
from tuishou.community import materials as svc
from tuishou.community.models import Material, MaterialReport, MaterialStatusChange
from tuishou.core.errors import DomainError
from tuishou.core.i18n import error_message
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db

NONE_OPEN = {"zh-hans": "这条素材没有待处理的举报可驳回：可能已有人处理过。",
             "en": "This material has no open report to dismiss: someone may have decided on it already."}


def _snapshot():
    """Everything a dismissal may write, to compare before and after a refusal."""
    return (list(MaterialReport.objects.order_by("id").values_list("id", "resolved_at", "outcome")),
            list(Material.objects.order_by("id").values_list("id", "status", "hidden_at")),
            MaterialStatusChange.objects.count(), AuditEntry.objects.count())


def _refused(code, **kwargs):
    with pytest.raises(DomainError) as raised:
        svc.material_reports_dismiss(**kwargs)
    assert raised.value.code == code
    return raised.value


def test_dismissing_closes_every_open_report_of_the_material_and_nothing_else(desk):
    honey, tea = desk["honey"], desk["tea"]
    opened = list(MaterialReport.objects.filter(material=honey).order_by("id").values_list("id", flat=True))
    changes, audited = MaterialStatusChange.objects.count(), AuditEntry.objects.order_by("id").last().pk
    done = svc.material_reports_dismiss(actor=desk["ops"], material_id=honey.pk, reason="  核对过，文案与详情页一致  ")
    assert done.report_ids == tuple(opened) and len(opened) == 2 and done.material.status == "visible"
    assert list(MaterialReport.objects.filter(material=honey).order_by("id").values_list("reason", "outcome")) == [
        ("夸大功效", "dismissed"), ("图片盗用", "dismissed")]
    assert not MaterialReport.objects.filter(material=honey, resolved_at__isnull=True).exists()
    assert list(MaterialReport.objects.filter(material=tea).values_list("resolved_at", "outcome")) == [(None, "")]
    honey.refresh_from_db()
    assert (honey.status, honey.hidden_at) == ("visible", None)
    assert MaterialStatusChange.objects.count() == changes  # the material did not move
    written = AuditEntry.objects.filter(pk__gt=audited)
    assert list(written.values_list("action", "target_type", "target_id", "actor", "reason", "data")) == [
        ("community.material_reports_dismissed", "community.material", str(honey.pk), desk["ops"].pk,
         "核对过，文案与详情页一致", {"product": desk["item"].product_id, "reports": opened})]
    # the dismissed reports no longer count; a reporter may report the material again, as a new open report
    svc.material_report(user=desk["li"].user, material_id=honey.pk, reason="又看到夸大功效")
    assert MaterialReport.objects.filter(material=honey, resolved_at__isnull=True).count() == 1


def test_dismissing_the_reports_of_a_hidden_material_leaves_it_hidden(desk):
    honey = desk["honey"]
    svc.material_moderate(actor=desk["ops"], material_id=honey.pk, hide=True, reason="夸大功效属实")
    svc.material_report(user=desk["li"].user, material_id=honey.pk, reason="还在朋友圈看到")
    done = svc.material_reports_dismiss(actor=desk["ops"], material_id=honey.pk, reason="已经下架了")
    assert done.material.status == "hidden" and len(done.report_ids) == 1
    assert sorted(MaterialReport.objects.filter(material=honey).values_list("outcome", flat=True)) == [
        "dismissed", "hidden", "hidden"]


def test_each_refusal_has_its_code_and_writes_nothing(desk):
    before = _snapshot()
    _refused("community.reports_none_open", actor=desk["ops"], material_id=desk["clean"].pk, reason="没有问题")
    _refused("community.material_unknown", actor=desk["ops"], material_id=999999, reason="没有问题")
    _refused("auth.forbidden", actor=desk["finance"], material_id=desk["honey"].pk, reason="没有问题")
    _refused("auth.forbidden", actor=desk["hua"].user, material_id=desk["honey"].pk, reason="没有问题")
    _refused("community.reason_invalid", actor=desk["ops"], material_id=desk["honey"].pk, reason=" \x00 ")
    _refused("community.reason_invalid", actor=desk["ops"], material_id=desk["honey"].pk, reason="理" * 201)
    assert _snapshot() == before
    svc.material_reports_dismiss(actor=desk["ops"], material_id=desk["honey"].pk, reason="不成立")
    after = _snapshot()
    error = _refused("community.reports_none_open", actor=desk["ops"], material_id=desk["honey"].pk, reason="再驳回")
    assert _snapshot() == after
    assert {language: error_message(error, language) for language in NONE_OPEN} == NONE_OPEN


@pytest.mark.parametrize(("language", "done", "outcome", "action"), [
    ("zh-hans", "已驳回 2 条举报，素材保持原状。", "已驳回", "驳回举报"),
    ("en", "Dismissed 2 reports: the material stays as it was.", "Dismissed", "Reports dismissed")])
def test_the_desk_dismisses_the_reports_with_a_reason(desk, client, language, done, outcome, action):
    client.force_login(desk["ops"])
    client.cookies["django_language"] = language
    url = f"/ops/materials/{desk['honey'].pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="dismiss"' in page and 'name="dismiss-reason"' in page
    for tag in ("section", "div"):  # the two decision cards share the grid's second column
        assert page.count(f"<{tag}") == page.count(f"</{tag}>"), tag
    posted = client.post(url, {"action": "dismiss", "dismiss-reason": "核对过，举报不成立"})
    assert (posted.status_code, posted["Location"]) == (302, url)
    page = client.get(url).content.decode()
    assert done in page
    assert 'data-testid="dismiss"' not in page  # nothing left to dismiss
    at = rows(page)[0].split(" | ")[0]
    assert rows(page) == [f"{at} | 小周 | 图片盗用 | {outcome} {at}", f"{at} | 小李 | 夸大功效 | {outcome} {at}",
                          f"{at} | {action} | operator ops | 核对过，举报不成立"]
    assert Material.objects.get(pk=desk["honey"].pk).status == "visible"
    listed = rows(client.get("/ops/materials/?show=open").content.decode())
    assert [r.split(" | ")[0] for r in listed] == ["好茶叶，喝了长寿"]  # the honey one left the queue


@pytest.mark.parametrize(("language", "reason_message"), [("zh-hans", "请填写原因：1 到 200 个字。"),
                                                         ("en", "Give a reason: 1 to 200 characters.")])
def test_the_desk_shows_a_refused_dismissal_in_the_pages_language_and_writes_nothing(
        desk, client, language, reason_message):
    client.force_login(desk["ops"])
    client.cookies["django_language"] = language
    before = _snapshot()
    refused = client.post(f"/ops/materials/{desk['honey'].pk}/", {"action": "dismiss", "dismiss-reason": " "})
    text = refused.content.decode()
    assert refused.status_code == 400 and reason_message in text
    # the message sits in the dismissal's form, the hiding form stays clean
    assert text.index(reason_message) > text.index('data-testid="dismiss"')
    refused = client.post(f"/ops/materials/{desk['clean'].pk}/", {"action": "dismiss", "dismiss-reason": "不成立"})
    assert refused.status_code == 400 and NONE_OPEN[language] in refused.content.decode()
    assert client.post("/ops/materials/999999/", {"action": "dismiss", "dismiss-reason": "x"}).status_code == 404
    for user in (desk["finance"], desk["hua"].user):
        client.force_login(user)
        assert client.post(f"/ops/materials/{desk['honey'].pk}/",
                           {"action": "dismiss", "dismiss-reason": "不成立"}).status_code == 404
    assert _snapshot() == before


def test_the_api_dismisses_the_reports_and_refuses_with_stable_codes(desk, client):
    url = f"/api/v1/community/materials/{desk['honey'].pk}/reports/dismiss"
    opened = list(MaterialReport.objects.filter(material=desk["honey"]).order_by("id").values_list("id", flat=True))
    before = _snapshot()
    client.force_login(desk["hua"].user)
    refused = client.post(url, {"reason": "不成立"}, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (403, "auth.forbidden")
    client.force_login(desk["ops"])
    unknown = client.post("/api/v1/community/materials/999999/reports/dismiss", {"reason": "不成立"},
                          content_type="application/json")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "community.material_unknown")
    empty = client.post(url, {"reason": ""}, content_type="application/json")
    assert (empty.status_code, empty.json()["code"]) == (400, "community.reason_invalid")
    assert _snapshot() == before
    done = client.post(url, {"reason": "核对过，举报不成立"}, content_type="application/json")
    assert (done.status_code, done.json()) == (200, {"material_id": desk["honey"].pk, "status": "visible",
                                                     "dismissed": opened})
    assert list(AuditEntry.objects.filter(target_type="community.material").values_list("action", "reason")) == [
        ("community.material_reports_dismissed", "核对过，举报不成立")]
    for language, header in (("en", {}), ("zh-hans", {"HTTP_ACCEPT_LANGUAGE": "zh-hans"})):
        again = client.post(url, {"reason": "再驳回"}, content_type="application/json", **header)
        assert (again.status_code, again.json()["code"], again.json()["message"]) == (
            409, "community.reports_none_open", NONE_OPEN[language])
    assert AuditEntry.objects.filter(target_type="community.material").count() == 1


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "已下架"), ("en", "Hidden")])
def test_a_hidden_material_reads_the_same_on_the_desk_and_on_the_promoters_page(desk, client, language, label):
    svc.material_moderate(actor=desk["ops"], material_id=desk["honey"].pk, hide=True, reason="夸大功效属实")
    client.cookies["django_language"] = language
    client.force_login(desk["ops"])
    case = client.get(f"/ops/materials/{desk['honey'].pk}/").content.decode()
    assert f'<span class="badge danger">{label}</span>' in case
    assert rows(client.get("/ops/materials/?show=hidden").content.decode())[0].split(" | ")[4] == label
    client.force_login(desk["hua"].user)
    mine = client.get("/centre/materials/mine/").content.decode()
    assert mine.count(f'<span class="badge danger">{label}</span>') == 1
