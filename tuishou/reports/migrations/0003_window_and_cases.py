"""The income disclosure's per-promoter window (``PromoterWindow``) and the dashboard's after-sales rollup
(``DayCases``), then every rollup rebuilt once from the books (the live upkeep: ``tuishou report_rollups
rebuild`` does the same)."""

import tuishou.core.fields
from django.db import migrations, models


def fill(apps, schema_editor):
    from tuishou.reports.rollups import rollups_rebuild

    rollups_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_rollups'),
        ('orders', '0007_labels_and_kinds'),
        ('network', '0007_choice_labels_translated'),
        ('ledger', '0006_labels_and_kinds'),
        ('risk', '0004_flag_status_labels'),
    ]

    operations = [
        migrations.CreateModel(
            name='PromoterWindow',
            fields=[
                ('promoter_id', models.BigIntegerField(primary_key=True, serialize=False, verbose_name='promoter')),
                ('community_id', models.BigIntegerField(blank=True, null=True, verbose_name='community')),
                ('rank', models.CharField(blank=True, default='', max_length=32, verbose_name='rank')),
                ('created_at', models.DateTimeField(verbose_name='joined at')),
                ('amount', tuishou.core.fields.MoneyField(default=0, verbose_name='amount')),
            ],
            options={
                'verbose_name': "promoter's 12-month earnings",
                'verbose_name_plural': "promoters' 12-month earnings",
            },
        ),
        migrations.AddField(
            model_name='rollupmark',
            name='day',
            field=models.DateField(blank=True, help_text='``earnings_window``: the first day ``PromoterWindow`` sums.', null=True, verbose_name='day'),
        ),
        migrations.CreateModel(
            name='DayCases',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('community_id', models.BigIntegerField(blank=True, null=True, verbose_name='community')),
                ('merchant_id', models.BigIntegerField(verbose_name='merchant')),
                ('opened', models.IntegerField(default=0, verbose_name='opened')),
                ('due', models.IntegerField(default=0, verbose_name='answers due')),
                ('answered', models.IntegerField(default=0, verbose_name='answered')),
                ('late', models.IntegerField(default=0, verbose_name='answered late')),
                ('open_delta', models.IntegerField(default=0, verbose_name='change of open cases')),
            ],
            options={
                'verbose_name': 'daily after-sales figures',
                'verbose_name_plural': 'daily after-sales figures',
                'indexes': [models.Index(fields=['day'], name='report_daycases_day_idx')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
