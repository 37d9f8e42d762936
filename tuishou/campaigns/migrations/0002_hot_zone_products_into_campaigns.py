"""The product-level 爆品 fields (``in_hot_zone``, ``hot_price``, ``hot_starts_at``, ``hot_ends_at``) become
campaigns, so the campaign is the one source of the 爆品 price; the catalog migration after this one drops the
fields.

Each product in 爆品区 with a price becomes a launched campaign (no pushes: it was never announced) with that
price for every active SKU (capped at the SKU's retail price), the SKU's own commission setting, the product's
window (an open start is the migration time, an open end 30 days later) and an allocation of the active SKUs'
stock then. A product in 爆品区 without a price sold at its retail price: it has nothing to migrate.
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Campaign = apps.get_model("campaigns", "Campaign")
    CampaignPrice = apps.get_model("campaigns", "CampaignPrice")
    CampaignStatusChange = apps.get_model("campaigns", "CampaignStatusChange")
    now = timezone.now()
    for product in Product.objects.filter(in_hot_zone=True, hot_price__isnull=False).order_by("pk"):
        skus = list(product.skus.filter(active=True).order_by("pk"))
        starts = product.hot_starts_at or now
        ends = product.hot_ends_at or starts + timedelta(days=30)
        if not skus or ends <= starts:
            continue
        campaign = Campaign.objects.create(
            product=product, title=product.title[:60], pitch=product.title, starts_at=starts, ends_at=ends,
            allocation=sum(s.stock for s in skus), commission_mode="sku", status="launched", launched_at=now)
        CampaignPrice.objects.bulk_create([CampaignPrice(campaign=campaign, sku=s, price=min(product.hot_price, s.price))
                                           for s in skus])
        CampaignStatusChange.objects.create(campaign=campaign, from_status="", to_status="launched",
                                            reason="migrated from the product's 爆品 fields", created_at=now)


def backwards(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Campaign = apps.get_model("campaigns", "Campaign")
    for campaign in Campaign.objects.filter(status="launched").order_by("pk"):
        prices = [p.price for p in campaign.prices.all()]
        if prices:
            Product.objects.filter(pk=campaign.product_id).update(
                in_hot_zone=True, hot_price=min(prices), hot_starts_at=campaign.starts_at,
                hot_ends_at=campaign.ends_at)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_campaigns"), ("catalog", "0003_verbose_names")]
    operations = [migrations.RunPython(forwards, backwards)]
