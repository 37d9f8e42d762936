"""Indexes the reports read through, on other apps' tables (the reports own no table).

Kept here, as SQL, so that the domains' migration graphs stay untouched: the dashboard selects orders by the day
they were paid and promoters by the day they joined, and sums each order's commission lines (an index-only probe
on PostgreSQL, where the index carries the amount). Measured in bench/dashboard.py.
"""

from django.db import migrations

INDEXES = [
    ("report_order_paid_idx", "orders_order", "(paid_at) WHERE paid_at IS NOT NULL"),
    ("report_promoter_joined_idx", "network_promoter", "(created_at)"),
]
COVERING = ("report_line_order_amount_idx", "ledger_journalline",
            "(order_ref) INCLUDE (amount) WHERE order_ref IS NOT NULL")


def create(apps, schema_editor):
    wanted = list(INDEXES)
    if schema_editor.connection.vendor == "postgresql":
        wanted.append(COVERING)
    for name, table, spec in wanted:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {spec}")


def drop(apps, schema_editor):
    for name, _table, _spec in [*INDEXES, COVERING]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_order_binding_link"),
        ("network", "0003_promotion_policy"),
        ("ledger", "0003_merchant_pending_margin_period"),
    ]
    operations = [migrations.RunPython(create, drop)]
