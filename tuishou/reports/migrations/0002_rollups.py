"""The reports' rollups (see tuishou.reports.rollups), filled once from the books already there."""

import tuishou.core.fields
from django.db import migrations, models


def fill(apps, schema_editor):
    # Filled by 0003, once every rollup table exists (the live rebuild writes them all); a database already past
    # this migration was filled here then.
    pass


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_report_indexes'),
        ('risk', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='RollupMark',
            fields=[
                ('name', models.CharField(max_length=32, primary_key=True, serialize=False, verbose_name='name')),
                ('through', models.BigIntegerField(default=0, verbose_name='through id')),
                ('updated_at', models.DateTimeField(blank=True, null=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'rollup mark',
                'verbose_name_plural': 'rollup marks',
            },
        ),
        migrations.CreateModel(
            name='DayOrders',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('community_id', models.BigIntegerField(blank=True, null=True, verbose_name='community')),
                ('merchant_id', models.BigIntegerField(verbose_name='merchant')),
                ('gmv', tuishou.core.fields.MoneyField(default=0, verbose_name='GMV')),
                ('orders', models.IntegerField(default=0, verbose_name='orders')),
                ('base', tuishou.core.fields.MoneyField(default=0, verbose_name='commission base remaining')),
                ('refunded', tuishou.core.fields.MoneyField(default=0, verbose_name='refunded amount')),
                ('lines', tuishou.core.fields.MoneyField(default=0, help_text="Σ of the orders' ledger lines (promoter credits are negative).", verbose_name='commission lines')),
            ],
            options={
                'verbose_name': 'daily order figures',
                'verbose_name_plural': 'daily order figures',
                'indexes': [models.Index(fields=['day'], name='report_dayorders_day_idx')],
            },
        ),
        migrations.CreateModel(
            name='PromoterDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('promoter_id', models.BigIntegerField(verbose_name='promoter')),
                ('day', models.DateField(verbose_name='day')),
                ('amount', tuishou.core.fields.MoneyField(default=0, verbose_name='amount')),
            ],
            options={
                'verbose_name': 'daily promoter earnings',
                'verbose_name_plural': 'daily promoter earnings',
                'indexes': [models.Index(fields=['day'], name='report_promoterday_day_idx')],
            },
        ),
        migrations.CreateModel(
            name='DayPromoters',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('community_id', models.BigIntegerField(blank=True, null=True, verbose_name='community')),
                ('joined', models.IntegerField(default=0, verbose_name='joined')),
            ],
            options={
                'verbose_name': 'daily new promoters',
                'verbose_name_plural': 'daily new promoters',
                'indexes': [models.Index(fields=['day'], name='report_daypromoters_day_idx')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
