"""Campaigns: create and launch (pushed to every community), the rules with their stable codes, nothing written
on a refusal, and the end of a campaign."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.campaigns import factories as cf
from tests.orders import factories as of
from tuishou.campaigns.models import Campaign, CampaignPrice, CampaignPush, CampaignStatusChange
from tuishou.campaigns.services import campaign_create, campaign_end, campaign_launch, campaigns_finish
from tuishou.catalog.selectors import supply_pool
from tuishou.community.models import Material
from tuishou.core.errors import DomainError
from tuishou.network import services as network_services
from tuishou.network.models import Community
from tuishou.notifications.models import Announcement
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _agency(code: str = "XINGHUO", name: str = "星火社群") -> Community:
    return Community.objects.create(kind="agency", code=code, name=name)


def test_an_operator_drafts_then_launches_a_campaign_to_every_community():
    head = of.root("阿花")  # the official community's head
    xinghuo = _agency()
    agency_head = network_services.community_root_create(community=xinghuo, user=of.user("星火团长"))
    _agency("QINGTENG", "青藤社群")  # no promoter yet: announced, no starter material
    other = cf.product(title="普洱茶饼")
    item = cf.product()
    ops = of.operator("ops")
    skus = list(item.skus.order_by("pk"))
    draft = campaign_create(actor=ops, product_id=item.pk,
                            **cf.terms(prices={skus[0].pk: "39.90", skus[1].pk: "79.00"}))
    assert (draft.status, draft.sold, draft.allocation, draft.commission_mode, draft.commission_amount) == (
        "draft", 0, 10, "fixed", Decimal("5.00"))
    assert sorted(CampaignPrice.objects.values_list("sku_id", "price")) == [
        (skus[0].pk, Decimal("39.90")), (skus[1].pk, Decimal("79.00"))]
    assert [p.pk for p in supply_pool()] == [item.pk, other.pk]  # a draft is not pushed: newest first
    assert (Announcement.objects.count(), Material.objects.count()) == (0, 0)

    launched = campaign_launch(actor=ops, campaign_id=draft.pk)
    assert launched.status == "launched" and launched.launched_at is not None
    pushes = list(CampaignPush.objects.order_by("community_id").values_list("community__code", "material__author"))
    assert pushes == [("OFFICIAL", head.pk), ("XINGHUO", agency_head.pk), ("QINGTENG", None)]
    announcements = Announcement.objects.order_by("community_id")
    assert [(a.community.code, a.title) for a in announcements] == [
        ("OFFICIAL", "🔥 爆品：蜂蜜爆品日"), ("XINGHUO", "🔥 爆品：蜂蜜爆品日"), ("QINGTENG", "🔥 爆品：蜂蜜爆品日")]
    assert "活动价 ¥39.90 起，限量 10 件" in announcements[0].body
    assert list(Material.objects.values_list("product_id", "text", "community__code").order_by("pk")) == [
        (item.pk, "高山百花蜜，今天限量特价，手慢无！", "OFFICIAL"),
        (item.pk, "高山百花蜜，今天限量特价，手慢无！", "XINGHUO")]
    listed = list(supply_pool())
    assert [p.pk for p in listed] == [item.pk, other.pk]
    assert (listed[0].hot, listed[0].hot_price, listed[1].hot) == (True, Decimal("39.90"), False)
    assert supply_pool(sort="price_desc").first().pk == item.pk  # at the top whatever the sort
    assert list(CampaignStatusChange.objects.values_list("from_status", "to_status")) == [
        ("", "draft"), ("draft", "launched")]
    assert list(AuditEntry.objects.filter(action__startswith="campaigns.").values_list("action", flat=True)
                .order_by("pk")) == ["campaigns.create", "campaigns.launch"]


def test_one_price_for_every_sku_and_the_skus_own_commission():
    item = cf.product()
    campaign = campaign_create(actor=of.operator("ops"), product_id=item.pk,
                               **cf.terms(price="55.00", commission_mode="sku", commission_amount=None))
    assert sorted(p for p in CampaignPrice.objects.filter(campaign=campaign).values_list("price", flat=True)) == [
        Decimal("55.00"), Decimal("55.00")]
    assert (campaign.commission_mode, campaign.commission_rate, campaign.commission_amount) == ("sku", None, None)


def _skus(item):
    return list(item.skus.order_by("pk"))


BAD = [
    ("window ended", lambda i: cf.terms(price="55.00", starts_at=timezone.now() - timedelta(days=2),
                                        ends_at=timezone.now() - timedelta(days=1)), "campaigns.window_ended"),
    ("starts in the past", lambda i: cf.terms(price="55.00", starts_at=timezone.now() - timedelta(hours=1)),
     "campaigns.starts_in_past"),
    ("ends before it starts", lambda i: cf.terms(price="55.00", ends_at=timezone.now() - timedelta(minutes=1)),
     "campaigns.window_invalid"),
    ("too long", lambda i: cf.terms(price="55.00", ends_at=timezone.now() + timedelta(days=91)),
     "campaigns.window_too_long"),
    ("price above retail", lambda i: cf.terms(price="59.91"), "campaigns.price_above_retail"),
    ("one SKU above retail", lambda i: cf.terms(prices={_skus(i)[0].pk: "39.90", _skus(i)[1].pk: "99.01"}),
     "campaigns.price_above_retail"),
    ("price below supply", lambda i: cf.terms(price="29.99"), "campaigns.price_below_supply"),
    ("price zero", lambda i: cf.terms(price="0"), "campaigns.price_missing"),
    ("price missing for a SKU", lambda i: cf.terms(prices={_skus(i)[0].pk: "39.90"}), "campaigns.price_missing"),
    ("price malformed", lambda i: cf.terms(price="55,00"), "money.malformed"),
    ("a SKU of another product", lambda i: cf.terms(price="55.00", prices={999999: "1.00"}),
     "campaigns.sku_unknown"),
    ("allocation above stock", lambda i: cf.terms(price="55.00", allocation=101), "campaigns.allocation_above_stock"),
    ("allocation zero", lambda i: cf.terms(price="55.00", allocation=0), "campaigns.allocation_invalid"),
    ("commission base above the price", lambda i: cf.terms(price="55.00", commission_amount="55.01"),
     "campaigns.commission_above_price"),
    ("commission rate above 1", lambda i: cf.terms(price="55.00", commission_mode="percent",
                                                   commission_amount=None, commission_rate="1.5"),
     "campaigns.commission_invalid"),
    ("commission mode unknown", lambda i: cf.terms(price="55.00", commission_mode="bonus"),
     "campaigns.commission_mode_unknown"),
    ("title empty", lambda i: cf.terms(price="55.00", title="  "), "campaigns.title_invalid"),
    ("pitch empty", lambda i: cf.terms(price="55.00", pitch=""), "campaigns.pitch_invalid"),
]


@pytest.mark.parametrize(("case", "fields", "code"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_with_a_stable_code_and_nothing_written(case, fields, code):
    item = cf.product()
    with pytest.raises(DomainError) as err:
        campaign_create(actor=of.operator("ops"), product_id=item.pk, **fields(item))
    assert err.value.code == code
    assert (Campaign.objects.count(), CampaignPrice.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_only_an_operator_creates_launches_or_ends_and_only_for_a_product_on_the_shelf():
    item = cf.product()
    promoter = of.root()
    with pytest.raises(DomainError) as err:
        campaign_create(actor=promoter.user, product_id=item.pk, **cf.terms(price="55.00"))
    assert err.value.code == "auth.forbidden"
    draft = campaign_create(actor=of.operator("ops"), product_id=item.pk, **cf.terms(price="55.00"))
    for call in (lambda: campaign_launch(actor=promoter.user, campaign_id=draft.pk),
                 lambda: campaign_end(actor=promoter.user, campaign_id=draft.pk, reason="不想做了")):
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.code == "auth.forbidden"
    item.status = "off_shelf"
    item.save(update_fields=["status"])
    with pytest.raises(DomainError) as err:
        campaign_create(actor=of.operator("ops"), product_id=item.pk, **cf.terms(price="55.00"))
    assert err.value.code == "campaigns.product_unavailable"
    assert Campaign.objects.get().status == "draft"


def test_overlapping_campaigns_of_one_product_are_refused():
    item = cf.product()
    ops = of.operator("ops")
    first = campaign_create(actor=ops, product_id=item.pk, **cf.terms(price="55.00"))
    with pytest.raises(DomainError) as err:
        campaign_create(actor=ops, product_id=item.pk, **cf.terms(price="58.00", title="第二场",
                                                                   starts_at=timezone.now() + timedelta(days=1)))
    assert (err.value.code, err.value.details["campaign_id"]) == ("campaigns.window_overlaps", first.pk)
    later = campaign_create(actor=ops, product_id=item.pk, **cf.terms(
        price="58.00", starts_at=first.ends_at, ends_at=first.ends_at + timedelta(days=1)))
    assert later.status == "draft" and Campaign.objects.count() == 2


def test_launching_a_draft_whose_window_ended_is_refused_and_writes_nothing():
    item = cf.product()
    of.root()
    ops = of.operator("ops")
    draft = campaign_create(actor=ops, product_id=item.pk, **cf.terms(price="55.00"))
    Campaign.objects.filter(pk=draft.pk).update(starts_at=timezone.now() - timedelta(days=3),
                                                ends_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as err:
        campaign_launch(actor=ops, campaign_id=draft.pk)
    assert err.value.code == "campaigns.window_ended"
    assert Campaign.objects.get().status == "draft"
    assert (CampaignPush.objects.count(), Announcement.objects.count(), Material.objects.count()) == (0, 0, 0)
    assert AuditEntry.objects.filter(action="campaigns.launch").count() == 0


def test_launching_twice_or_an_allocation_no_longer_in_stock_is_refused():
    item = cf.product(stock=6)
    of.root()
    ops = of.operator("ops")
    draft = campaign_create(actor=ops, product_id=item.pk, **cf.terms(price="55.00", allocation=12))
    item.skus.update(stock=5)  # sold elsewhere meanwhile: 10 left of the 12 allocated
    with pytest.raises(DomainError) as err:
        campaign_launch(actor=ops, campaign_id=draft.pk)
    assert (err.value.code, err.value.details["stock"]) == ("campaigns.allocation_above_stock", 10)
    item.skus.update(stock=6)
    campaign_launch(actor=ops, campaign_id=draft.pk)
    with pytest.raises(DomainError) as err:
        campaign_launch(actor=ops, campaign_id=draft.pk)
    assert err.value.code == "campaigns.transition_invalid"
    assert CampaignPush.objects.count() == 1


def test_ending_a_campaign_returns_the_product_to_its_normal_price_and_the_job_ends_finished_ones():
    item = cf.product()
    of.root()
    campaign = cf.running(item)
    with pytest.raises(DomainError) as err:
        campaign_end(actor=of.operator("ops"), campaign_id=campaign.pk, reason=" ")
    assert err.value.code == "campaigns.reason_invalid"
    campaign_end(actor=of.operator("ops"), campaign_id=campaign.pk, reason="商家断货")
    assert Campaign.objects.get().status == "ended"
    assert supply_pool().get(pk=item.pk).hot is False
    assert AuditEntry.objects.filter(action="campaigns.end", reason="商家断货").count() == 1
    other = cf.product(title="普洱茶饼")
    finished = cf.running(other)
    assert campaigns_finish(now=finished.ends_at - timedelta(seconds=1)) == 0
    assert campaigns_finish(now=finished.ends_at) == 1
    assert campaigns_finish(now=finished.ends_at) == 0
    assert Campaign.objects.get(pk=finished.pk).status == "ended"
