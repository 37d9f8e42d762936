"""The journal lines' references checked once per statement instead of once per line.

Lines keep their ``entry`` and ``account`` relations, without database foreign keys (``db_constraint=False``):
a foreign key checks every inserted line with its own query (two per line, ``SELECT 1 … FOR KEY SHARE``) at
COMMIT, which cost more than the inserts themselves for a set-based posting of 10,000 entries. Instead:

* PostgreSQL: one ``AFTER INSERT … FOR EACH STATEMENT`` trigger over the statement's new lines (a transition
  table) looks each distinct entry and account up by primary key and refuses the whole statement
  (``foreign_key_violation``, an ``IntegrityError``) when one is missing. What the foreign keys also did —
  stop a referenced entry or account from being deleted or renumbered — the append-only triggers of 0002
  already do (no UPDATE or DELETE of an entry, no DELETE of an account, no change of its id).
* SQLite: a ``BEFORE INSERT`` row trigger refuses a line whose entry or account does not exist (its
  ``RAISE(ABORT)`` is an ``IntegrityError``). Deleting entries and accounts is refused by the models, as every
  other append-only rule on SQLite (0002). A later migration that rebuilds ``ledger_journalline`` on SQLite
  drops this trigger with the old table and must create it again (``tests/ledger/test_append_only.py`` fails
  if it is missing).

``tuishou reconcile`` checks the same thing over the whole ledger (``line_references``).
"""

from django.db import migrations, models
import django.db.models.deletion

PG_INSTALL = """
CREATE OR REPLACE FUNCTION ledger_line_refs_check() RETURNS trigger LANGUAGE plpgsql
    -- Index probes per distinct reference, never a hash join over the whole entry table.
    SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    missing bigint;
BEGIN
    SELECT n.entry_id INTO missing FROM (SELECT DISTINCT entry_id FROM new_lines) n
    WHERE NOT EXISTS (SELECT 1 FROM ledger_journalentry e WHERE e.id = n.entry_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'insert on ledger_journalline refused: entry % does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT n.account_id INTO missing FROM (SELECT DISTINCT account_id FROM new_lines) n
    WHERE NOT EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = n.account_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'insert on ledger_journalline refused: account % does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ledger_journalline_refs AFTER INSERT ON ledger_journalline
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_line_refs_check();
"""

PG_REMOVE = """
DROP TRIGGER IF EXISTS ledger_journalline_refs ON ledger_journalline;
DROP FUNCTION IF EXISTS ledger_line_refs_check();
"""

SQLITE_INSTALL = """
CREATE TRIGGER ledger_journalline_refs BEFORE INSERT ON ledger_journalline
WHEN NOT EXISTS (SELECT 1 FROM ledger_journalentry WHERE id = NEW.entry_id)
  OR NOT EXISTS (SELECT 1 FROM ledger_account WHERE id = NEW.account_id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a ledger line refers to a missing entry or account');
END;
"""

SQLITE_REMOVE = "DROP TRIGGER IF EXISTS ledger_journalline_refs;"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        schema_editor.execute(PG_INSTALL if vendor == "postgresql" else SQLITE_INSTALL, params=None)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        schema_editor.execute(PG_REMOVE if vendor == "postgresql" else SQLITE_REMOVE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0009_entry_kinds_after_merge'),
    ]

    operations = [
        migrations.AlterField(
            model_name='journalline',
            name='account',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='ledger.account', verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='journalline',
            name='entry',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='ledger.journalentry', verbose_name='entry'),
        ),
        migrations.RunPython(install, remove),
    ]
