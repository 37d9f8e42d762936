"""A promoter's ``personal_volume`` (lifetime credited sales) was never moved by the volume entries it sums:
set it once from the entries already recorded (``volume_record`` keeps it from now on)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Promoter = apps.get_model("network", "Promoter")
    VolumeEntry = apps.get_model("incentives", "VolumeEntry")
    total = (VolumeEntry.objects.filter(promoter=OuterRef("pk")).order_by().values("promoter")
             .annotate(total=Sum("base")).values("total"))
    Promoter.objects.filter(pk__in=VolumeEntry.objects.values("promoter")).update(
        personal_volume=Coalesce(Subquery(total), Value(0)))


class Migration(migrations.Migration):

    dependencies = [
        ("incentives", "0004_verbose_names"),
        ("network", "0008_promoter_chain_index"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
