"""爆品区 is a running campaign (``tuishou.campaigns``): the product-level fields go, their values migrated."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_verbose_names'),
        ('campaigns', '0002_hot_zone_products_into_campaigns'),  # the fields' values became campaigns first
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='product',
            name='product_hot_price_positive',
        ),
        migrations.RemoveConstraint(
            model_name='product',
            name='product_hot_window_ordered',
        ),
        migrations.RemoveField(
            model_name='product',
            name='hot_ends_at',
        ),
        migrations.RemoveField(
            model_name='product',
            name='hot_price',
        ),
        migrations.RemoveField(
            model_name='product',
            name='hot_starts_at',
        ),
        migrations.RemoveField(
            model_name='product',
            name='in_hot_zone',
        ),
    ]
