"""A commission statement's orders checked with one index range scan when their ids are one unbroken run.

The set-based import inserts ~157,000 commissions per 100,000 report rows, naming ~79,000 orders whose ids it drew
from the orders' sequence a moment before: one run of consecutive ids. The statement-level check of 0002 probed
the orders' primary key once per distinct order (~a third of the commissions' INSERT). Now, when the distinct
order ids of the statement fill [lo, hi] and the orders table holds exactly that many rows in [lo, hi], every one
exists (ids are unique): one range count instead of a probe each. Anything else — a gap, a single order — is
probed per distinct id as before. The promoters are probed as before (a few hundred values). SQLite is unchanged.
"""

from django.db import migrations

PROMOTERS = ("SELECT 'promoter_id ' || n.v FROM (SELECT DISTINCT promoter_id AS v FROM new_rows "
             "WHERE promoter_id IS NOT NULL) n WHERE NOT EXISTS (SELECT 1 FROM network_promoter r WHERE r.id = n.v)")
ORDERS = ("SELECT 'order_id ' || n.v FROM (SELECT DISTINCT order_id AS v FROM new_rows WHERE order_id IS NOT NULL) n "
          "WHERE NOT EXISTS (SELECT 1 FROM coupons_couponorder r WHERE r.id = n.v)")

# The end of both versions of the function: refuse the statement when a reference is missing.
REFUSE = """    IF missing IS NOT NULL THEN
        RAISE EXCEPTION '% on % refused: % does not exist', lower(TG_OP), TG_TABLE_NAME, missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;"""

FUNCTION = f"""
CREATE OR REPLACE FUNCTION coupons_couponcommission_refs_check() RETURNS trigger LANGUAGE plpgsql
    -- Index probes per distinct reference, never a hash join over the referenced table.
    SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    missing text;
    lo bigint;
    hi bigint;
    n bigint;
BEGIN
    SELECT min(v), max(v), count(*) INTO lo, hi, n FROM (SELECT DISTINCT order_id AS v FROM new_rows) d;
    IF n > 1 AND hi - lo + 1 = n
       AND (SELECT count(*) FROM coupons_couponorder WHERE id BETWEEN lo AND hi) = n THEN
        SELECT m INTO missing FROM ({PROMOTERS}) x(m) LIMIT 1;
    ELSE
        SELECT m INTO missing FROM ({ORDERS} UNION ALL {PROMOTERS}) x(m) LIMIT 1;
    END IF;
{REFUSE}"""

PREVIOUS = f"""
CREATE OR REPLACE FUNCTION coupons_couponcommission_refs_check() RETURNS trigger LANGUAGE plpgsql
    SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
    missing text;
BEGIN
    SELECT m INTO missing FROM ({ORDERS} UNION ALL {PROMOTERS}) x(m) LIMIT 1;
{REFUSE}"""


def on_postgresql(sql: str):
    """A migration step that runs ``sql`` on PostgreSQL and nothing elsewhere."""

    def step(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return step


class Migration(migrations.Migration):
    dependencies = [("coupons", "0002_references_checked_per_statement")]

    operations = [migrations.RunPython(on_postgresql(FUNCTION), on_postgresql(PREVIOUS))]
