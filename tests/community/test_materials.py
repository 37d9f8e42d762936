"""The materials marketplace: publish, reuse through a link that carries the material (a citation; its clicks
and orders are the material's), ratings, reports, hide and restore; ranking with time decay; every refusal is a
stable code and writes nothing."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.orders import factories as of
from tuishou.community import materials as svc
from tuishou.community.materials_scores import material_scores_refresh
from tuishou.community.models import Citation, Material, MaterialImage, MaterialReport, Rating
from tuishou.community.selectors import decay, material_figures, materials_ranked
from tuishou.core.errors import DomainError
from tuishou.risk.models import AuditEntry
from tuishou.stores.models import ShareClick, ShareLink
from tuishou.stores.services import share_click_record

pytestmark = pytest.mark.django_db


def png(name="a.png", size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world():
    of.plan()
    hua = of.root("阿花")
    li, zhou = of.invitee(hua, "小李"), of.invitee(hua, "小周")
    item = of.sku(price="59.90", stock=50)
    return {"hua": hua, "li": li, "zhou": zhou, "item": item, "ops": of.operator("ops")}


def _refused(code: str, call, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.code == code
    return caught.value


def test_publish_with_images_and_every_refusal_writes_nothing(world):
    user, product = world["hua"].user, world["item"].product_id
    made = svc.material_publish(user=user, product_id=product, text=" 山里的蜂蜜，孩子爱吃 ",
                                images=[png(), png("b.png")], video_url="https://v.example.com/1")
    assert (made.text, made.author, made.community_id, made.status) == (
        "山里的蜂蜜，孩子爱吃", world["hua"], world["hua"].community_id, "visible")
    assert list(made.images.values_list("position", flat=True)) == [0, 1]
    _refused("community.text_invalid", svc.material_publish, user=user, product_id=product, text=" ")
    _refused("community.text_invalid", svc.material_publish, user=user, product_id=product, text="字" * 2001)
    _refused("community.images_too_many", svc.material_publish, user=user, product_id=product, text="x",
             images=[png(f"{i}.png") for i in range(10)])
    _refused("community.image_invalid", svc.material_publish, user=user, product_id=product, text="x",
             images=[SimpleUploadedFile("fake.png", b"<svg onload=alert(1)>", content_type="image/png")])
    _refused("community.video_url_invalid", svc.material_publish, user=user, product_id=product, text="x",
             video_url="javascript:alert(1)")
    _refused("stores.product_unavailable", svc.material_publish, user=user, product_id=product + 999, text="x")
    assert (Material.objects.count(), MaterialImage.objects.count()) == (1, 2)


def test_reuse_is_a_citation_through_a_link_carrying_the_material(world, after_commit):
    material = svc.material_publish(user=world["hua"].user, product_id=world["item"].product_id, text="好蜂蜜")
    citation, link = svc.material_reuse(user=world["li"].user, material_id=material.pk, channel="moments")
    assert (link.promoter, link.product_id, link.material, link.target) == (
        world["li"], world["item"].product_id, material, "product")
    again, same_link = svc.material_reuse(user=world["li"].user, material_id=material.pk, channel="moments")
    assert again == citation and same_link == link  # a double tap is one citation
    svc.material_reuse(user=world["li"].user, material_id=material.pk, channel="group")
    plain = of.share_link(world["li"], world["item"].product_id)
    assert plain != link and plain.material is None  # the plain product link is a different one
    share_click_record(link=link, visitor_key="v1", user=None)
    share_click_record(link=link, visitor_key="v2", user=None)
    of.paid_order(after_commit, item=world["item"], quantity=2, share_code=link.code)
    of.paid_order(after_commit, item=world["item"], quantity=1, share_code=plain.code)  # not the material's
    figures = material_figures(material)
    assert (figures.citations, figures.clicks, figures.orders, figures.gmv) == (2, 2, 1, Decimal("119.80"))
    assert ShareClick.objects.count() == 2


def test_reuse_refusals(world):
    material = svc.material_publish(user=world["hua"].user, product_id=world["item"].product_id, text="好蜂蜜")
    _refused("community.material_own", svc.material_reuse, user=world["hua"].user, material_id=material.pk,
             channel="wechat")
    _refused("community.channel_unknown", svc.material_reuse, user=world["li"].user, material_id=material.pk,
             channel="fax")
    _refused("community.material_unknown", svc.material_reuse, user=world["li"].user, material_id=material.pk + 9,
             channel="wechat")
    svc.material_moderate(actor=world["ops"], material_id=material.pk, hide=True, reason="夸大功效")
    _refused("community.material_hidden", svc.material_reuse, user=world["li"].user, material_id=material.pk,
             channel="wechat")
    assert Citation.objects.count() == 0 and ShareLink.objects.filter(material__isnull=False).count() == 0


def test_ratings_one_per_person_changeable_never_ones_own(world):
    material = svc.material_publish(user=world["hua"].user, product_id=world["item"].product_id, text="好蜂蜜")
    svc.material_rate(user=world["li"].user, material_id=material.pk, score=3)
    svc.material_rate(user=world["li"].user, material_id=material.pk, score=5)
    assert list(Rating.objects.values_list("rater__user__display_name", "score")) == [("小李", 5)]
    _refused("community.rating_own", svc.material_rate, user=world["hua"].user, material_id=material.pk, score=5)
    for bad in (0, 6, True, "5"):
        _refused("community.rating_invalid", svc.material_rate, user=world["zhou"].user, material_id=material.pk,
                 score=bad)
    assert Rating.objects.count() == 1


def test_reports_then_hide_and_restore_with_history_and_audit(world):
    material = svc.material_publish(user=world["hua"].user, product_id=world["item"].product_id, text="好蜂蜜")
    svc.material_reuse(user=world["li"].user, material_id=material.pk, channel="wechat")
    svc.material_report(user=world["zhou"].user, material_id=material.pk, reason="图片盗用")
    _refused("community.report_open", svc.material_report, user=world["zhou"].user, material_id=material.pk,
             reason="再报一次")
    _refused("auth.forbidden", svc.material_moderate, actor=world["li"].user, material_id=material.pk,
             hide=True, reason="x")
    _refused("community.reason_invalid", svc.material_moderate, actor=world["ops"], material_id=material.pk,
             hide=True, reason=" ")
    hidden = svc.material_moderate(actor=world["ops"], material_id=material.pk, hide=True, reason="图片盗用属实")
    assert hidden.status == "hidden" and hidden.hidden_at is not None
    assert MaterialReport.objects.get().resolved_at is not None
    assert Citation.objects.filter(material=material).count() == 1  # what was reused stays attributed
    _refused("community.transition_invalid", svc.material_moderate, actor=world["ops"], material_id=material.pk,
             hide=True, reason="again")
    svc.material_moderate(actor=world["ops"], material_id=material.pk, hide=False, reason="已更换图片")
    assert list(material.status_changes.values_list("from_status", "to_status", "reason")) == [
        ("visible", "hidden", "图片盗用属实"), ("hidden", "visible", "已更换图片")]
    audits = AuditEntry.objects.filter(action__startswith="community.").order_by("id")
    assert list(audits.values_list("action", flat=True)) == ["community.material_hidden", "community.material_restored"]


def test_ranking_by_decayed_citations_orders_and_rating(world, after_commit):
    product = world["item"].product_id
    old = svc.material_publish(user=world["hua"].user, product_id=product, text="老素材")
    new = svc.material_publish(user=world["zhou"].user, product_id=product, text="新素材")
    # old: three citations four weeks ago (each weighs a quarter); new: one today
    for channel in ("wechat", "moments", "group"):
        svc.material_reuse(user=world["li"].user, material_id=old.pk, channel=channel)
    Citation.objects.filter(material=old).update(created_at=timezone.now() - timedelta(days=28))
    material_scores_refresh([old.pk])  # the stored score repaired from the events (what the nightly task does)
    _, link = svc.material_reuse(user=world["li"].user, material_id=new.pk, channel="wechat")
    page, total = materials_ranked(community_id=world["hua"].community_id, order="citations")
    assert total == 2 and [(m.text, m.score, m.citation_count) for m in page] == [
        ("新素材", 1.0, 1), ("老素材", round(3 * decay(28), 6), 3)]
    assert decay(28) == 0.25
    of.paid_order(after_commit, item=world["item"], quantity=1, share_code=link.code)
    page, _ = materials_ranked(product_id=product, order="orders")
    assert [(m.text, m.order_count) for m in page] == [("新素材", 1), ("老素材", 0)]
    svc.material_rate(user=world["li"].user, material_id=old.pk, score=5)
    page, _ = materials_ranked(product_id=product, order="rating")
    assert [(m.text, m.score, m.rating) for m in page] == [("老素材", round((5 * 3.5 + 5) / 6, 6), 5.0),
                                                          ("新素材", 3.5, None)]
    svc.material_moderate(actor=world["ops"], material_id=new.pk, hide=True, reason="重复")
    assert materials_ranked(product_id=product)[1] == 1
    _refused("community.ranking_unknown", materials_ranked, order="likes")


def test_the_api_publishes_reuses_rates_reports_and_moderates(world, client):
    client.force_login(world["hua"].user)
    made = client.post("/api/v1/community/materials", {"product_id": world["item"].product_id, "text": "好蜂蜜",
                                                       "images": [png(), png("b.png")]})
    assert made.status_code == 201 and len(made.json()["images"]) == 2 and made.json()["author"] == "阿花"
    pk = made.json()["id"]
    refused = client.post("/api/v1/community/materials", {"product_id": world["item"].product_id, "text": ""})
    assert refused.status_code == 400 and refused.json()["code"] == "community.text_invalid"
    assert client.put(f"/api/v1/community/materials/{pk}/rating", {"score": 5},
                      content_type="application/json").json()["code"] == "community.rating_own"
    client.force_login(world["li"].user)
    reused = client.post(f"/api/v1/community/materials/{pk}/reuse", {"channel": "moments"},
                         content_type="application/json").json()
    assert reused["text"] == "好蜂蜜" and reused["url"].endswith(f"/s/{reused['link_code']}")
    assert client.put(f"/api/v1/community/materials/{pk}/rating", {"score": 4},
                      content_type="application/json").json() == {"material_id": pk, "score": 4}
    listed = client.get("/api/v1/community/materials?order=citations").json()
    assert listed["count"] == 1 and listed["items"][0]["citations"] == 1 and listed["items"][0]["rating"] == 4.0
    detail = client.get(f"/api/v1/community/materials/{pk}").json()
    assert detail["figures"] == {"citations": 1, "clicks": 0, "orders": 0, "gmv": "0.00", "rating": 4.0, "ratings": 1}
    assert client.post(f"/api/v1/community/materials/{pk}/report", {"reason": "疑似盗图"},
                       content_type="application/json").status_code == 201
    assert client.post(f"/api/v1/community/materials/{pk}/hide", {"reason": "x"},
                       content_type="application/json").status_code == 403
    client.force_login(world["ops"])
    hidden = client.post(f"/api/v1/community/materials/{pk}/hide", {"reason": "盗图属实"},
                         content_type="application/json")
    assert hidden.json()["status"] == "hidden"
    client.force_login(world["zhou"].user)
    assert client.get(f"/api/v1/community/materials/{pk}").status_code == 404
    assert client.post(f"/api/v1/community/materials/{pk}/reuse", {"channel": "moments"},
                       content_type="application/json").json()["code"] == "community.material_hidden"


def test_the_centre_pages_publish_reuse_rate_and_report(world, client, django_assert_max_num_queries):
    client.force_login(world["hua"].user)
    product = world["item"].product_id
    kept = client.post("/centre/materials/new/", {"product": product, "text": "", "video_url": "ftp://x"})
    assert kept.status_code == 200 and Material.objects.count() == 0
    published = client.post("/centre/materials/new/", {"product": product, "text": "山里的蜂蜜", "images": [png()]})
    material = Material.objects.get()
    assert published["Location"] == f"/centre/materials/{material.pk}/" and material.images.count() == 1
    client.force_login(world["li"].user)
    with django_assert_max_num_queries(20):
        listing = client.get("/centre/materials/?order=citations").content.decode()
    assert "山里的蜂蜜" in listing and world["item"].product.title in listing
    client.post(f"/centre/materials/{material.pk}/reuse/", {"channel": "moments"})
    page = client.get(f"/centre/materials/{material.pk}/").content.decode()
    link = ShareLink.objects.get(material=material)
    assert f"/s/{link.code}" in page and Citation.objects.count() == 1
    client.post(f"/centre/materials/{material.pk}/rate/", {"score": "4"})
    client.post(f"/centre/materials/{material.pk}/rate/", {"score": "9"})  # refused, shown on the page
    assert Rating.objects.get().score == 4
    client.post(f"/centre/materials/{material.pk}/report/", {"reason": "图片不清楚"})
    assert MaterialReport.objects.get().reason == "图片不清楚"
    assert client.post(f"/centre/materials/{material.pk}/delete/").status_code == 404
    assert client.get(f"/centre/materials/{material.pk + 1}/").status_code == 404
    client.force_login(world["hua"].user)
    mine = client.get("/centre/materials/mine/").content.decode()
    assert "山里的蜂蜜" in mine


def test_a_material_whose_author_has_no_name_shows_推手_not_推广(world, client):
    # "Promoter" alone is the tab bar's 推广 (accounts); the author's place takes the "person" context: 推手
    nameless = of.invitee(world["hua"])
    material = svc.material_publish(user=nameless.user, product_id=world["item"].product_id, text="无名作者的素材")
    client.force_login(world["li"].user)
    listing = client.get("/centre/materials/").content.decode()
    detail = client.get(f"/centre/materials/{material.pk}/").content.decode()
    assert f"{world['item'].product.title} · 推手</div>" in listing and "· 推广<" not in listing
    assert "<strong>推手</strong>" in detail
