"""The reports' covering index on the journal lines' order goes: since ``ledger 0012`` the ledger's own
``ledger_line_order_idx`` carries the amount on PostgreSQL, and the reports' sums per order read through it."""

from django.db import migrations

COVERING = "CREATE INDEX IF NOT EXISTS report_line_order_amount_idx ON ledger_journalline (order_ref) " \
           "INCLUDE (amount) WHERE order_ref IS NOT NULL"


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS report_line_order_amount_idx")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COVERING)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_window_and_cases"), ("ledger", "0012_line_order_index_carries_amount")]
    operations = [migrations.RunPython(drop, restore)]
