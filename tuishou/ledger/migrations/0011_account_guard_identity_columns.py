"""The account guard fires only when an UPDATE names an account's identity columns (or on DELETE).

``ledger_account_guard`` (0002) refused any UPDATE of an account that changes more than its cached balance and
line count, and any DELETE, by a PL/pgSQL call on EVERY updated row: a set-based posting that moves 13,000
balances called it 13,000 times to find nothing changed. ``BEFORE UPDATE OF <columns>`` fires only when the
UPDATE's SET list names one of those columns, so a balance move (``SET balance = …, line_count = …``) never calls
it, while any UPDATE that names the id, kind, key, owner, currency or creation time still goes through the same
function and is refused if it changes one. DELETE is refused by its own trigger, as before. No other BEFORE
trigger on accounts can rewrite those columns behind a balance move. PostgreSQL only, like 0002.
"""

from django.db import migrations

INSTALL = """
DROP TRIGGER IF EXISTS ledger_account_guard ON ledger_account;
CREATE TRIGGER ledger_account_guard
    BEFORE UPDATE OF id, kind, key, promoter_id, merchant_id, currency, created_at ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard();
CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard();
"""

REMOVE = """
DROP TRIGGER IF EXISTS ledger_account_no_delete ON ledger_account;
DROP TRIGGER IF EXISTS ledger_account_guard ON ledger_account;
CREATE TRIGGER ledger_account_guard BEFORE UPDATE OR DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_line_refs_statement_check")]

    operations = [migrations.RunPython(install, remove)]
