"""Drop the single-column indexes of orders' buyer, merchant and promoter: the composite indexes
order_buyer_idx (buyer, -id), order_merchant_status_idx (merchant, status) and order_promoter_idx (promoter, -id)
lead with the same columns and answer every lookup by them, so each index was only written (three more entries
per inserted order and per status move). Only the indexes go: the foreign keys stay as they are (Django's
AlterField would drop and re-add each constraint, validating the whole table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('merchants', '0003_verbose_names'),
        ('network', '0008_promoter_chain_index'),
        ('orders', '0008_accrual_pending_outbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RunSQL(
            'DROP INDEX IF EXISTS "orders_order_buyer_id_26195532"; DROP INDEX IF EXISTS "orders_order_merchant_id_ab634f2d"; '
            'DROP INDEX IF EXISTS "orders_order_promoter_id_a96b7b11"',
            reverse_sql='CREATE INDEX "orders_order_buyer_id_26195532" ON "orders_order" ("buyer_id"); '
            'CREATE INDEX "orders_order_merchant_id_ab634f2d" ON "orders_order" ("merchant_id"); '
            'CREATE INDEX "orders_order_promoter_id_a96b7b11" ON "orders_order" ("promoter_id")')],
        state_operations=[
        migrations.AlterField(
            model_name='order',
            name='buyer',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='orders', to=settings.AUTH_USER_MODEL, verbose_name='buyer'),
        ),
        migrations.AlterField(
            model_name='order',
            name='merchant',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='merchants.merchant', verbose_name='merchant'),
        ),
        migrations.AlterField(
            model_name='order',
            name='promoter',
            field=models.ForeignKey(blank=True, db_index=False, help_text='The credited promoter (p0).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credited_orders', to='network.promoter', verbose_name='promoter'),
        ),
    ])]
