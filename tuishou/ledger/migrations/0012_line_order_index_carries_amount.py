"""On PostgreSQL the lines' order index carries the amount (``INCLUDE (amount)``), so that one index serves both
the ledger's reads by order and the reports' sums per order (an index-only probe): the reports' own copy of it,
``report_line_order_amount_idx``, goes in ``reports 0004``. Every line that names an order wrote both before — an
index entry per commission line, booked by every paid order and every coupon import, that bought nothing.

The model's ``Meta.indexes`` keeps the plain declaration (Django's ``include`` would warn on SQLite, which has no
covering indexes); the index's name, column and condition are unchanged, so the migration state is too.
"""

from django.db import migrations

PLAIN = "CREATE INDEX {name} ON ledger_journalline (order_ref) WHERE order_ref IS NOT NULL"
COVERING = "CREATE INDEX {name} ON ledger_journalline (order_ref) INCLUDE (amount) WHERE order_ref IS NOT NULL"


def _rebuild(spec: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("DROP INDEX IF EXISTS ledger_line_order_idx")
        schema_editor.execute(spec.format(name="ledger_line_order_idx"))
    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_account_guard_identity_columns")]
    operations = [migrations.RunPython(_rebuild(COVERING), _rebuild(PLAIN))]
