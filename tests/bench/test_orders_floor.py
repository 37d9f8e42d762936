"""``bench/orders_floor.py``'s script writing: captured statements become pgbench commands that carry the ids an
order's own statements return, make its unique strings unique per run, and keep every other value literal."""

import sys
from pathlib import Path

from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.orders_floor import BASE, Statement, _literal, booking_script, one_transaction, script


def mogrify(value) -> str:
    return sql.Literal(value).as_string(None)


def test_literal_replaces_ids_outside_and_inside_quotes_and_only_whole_numbers():
    needles = {f"{BASE + 5}": ("", ":p1_id")}
    assert _literal(f"{BASE + 5}", needles, False) == "CAST(:p1_id AS bigint)"
    assert _literal(f"{BASE + 51}", needles, False) == f"{BASE + 51}"  # a longer number is another id
    assert (_literal(mogrify(f"order:{BASE + 5}:paid"), needles, False)
            == "('order:' || CAST(:p1_id AS text) || ':paid')")
    assert (_literal(mogrify([BASE + 5, 7]), needles, False)
            == "('{' || CAST(:p1_id AS text) || ',7}')::int4[]")


def test_literal_writes_colons_as_chr_58_for_prepared_mode_only():
    assert _literal("'a:b'", {}, True) == "('a' || chr(58) || 'b')"
    assert _literal("'a:b'", {}, False) == "'a:b'"
    assert _literal("'ab'", {}, True) == "'ab'"


def test_script_carries_returned_ids_and_makes_unique_strings_unique():
    key = "bench-floor-000000000007"
    order = {"unique": [key], "steps": {
        "checkout": [Statement("BEGIN"),
                     Statement("INSERT INTO c (key) VALUES (%s) RETURNING id", [key], [(BASE + 5,)], ["id"]),
                     Statement("SELECT count(*) FROM c WHERE n LIKE 'x%%'", [], [(1,)], ["count"]),
                     Statement("COMMIT")],
        "pay start": [Statement("INSERT INTO p (ref, at) VALUES (%s, %s) RETURNING id", [str(BASE + 5), "12:00"],
                                [(BASE + 20_000_000,)], ["id"])],
        "gateway": [],
        "callback": [Statement("UPDATE p SET paid = true WHERE id = %s", [BASE + 20_000_000]),
                     Statement("SELECT id FROM q WHERE id = %s", [BASE + 40_000_000], [(BASE + 40_000_000,)],
                               ["id"])],
    }}
    text, steps = script(order, mogrify, prepared=False)
    assert text.splitlines() == [
        "\\set n :n + 1",
        "\\set tok :base + :client_id * 100000000 + :n",
        "BEGIN;",
        "INSERT INTO c (key) VALUES (('bench-floor-0' || CAST(:tok AS text))) RETURNING id \\gset p1_",
        "SELECT count(*) FROM c WHERE n LIKE 'x%';",
        "COMMIT;",
        "INSERT INTO p (ref, at) VALUES ((CAST(:p1_id AS text)), '12:00') RETURNING id \\gset p4_",
        "UPDATE p SET paid = true WHERE id = CAST(:p4_id AS bigint);",
        f"SELECT id FROM q WHERE id = {BASE + 40_000_000};",  # sent before any statement returned it: literal
    ]
    assert steps == ["", "", "checkout", "checkout", "checkout", "checkout", "pay start", "callback", "callback"]


def test_booking_script_sets_back_its_sequences_and_rolls_back_after_the_deferred_checks():
    statements = [Statement("BEGIN"), Statement("INSERT INTO e (k) VALUES (%s)", ["a"]), Statement("COMMIT")]
    assert booking_script(statements, mogrify, prepared=False, sequences={"public.e_id_seq": BASE}).splitlines() == [
        f"SELECT setval('public.e_id_seq', {BASE});", "BEGIN;", "INSERT INTO e (k) VALUES ('a');",
        "SET CONSTRAINTS ALL IMMEDIATE;", "ROLLBACK;"]


def test_one_transaction_folds_the_order_into_a_single_begin_and_commit():
    text = "\\set n :n + 1\nBEGIN;\nINSERT 1;\nCOMMIT;\nINSERT 2;\nBEGIN;\nUPDATE 3;\nCOMMIT;\n"
    steps = ["", "checkout", "checkout", "checkout", "gateway", "callback", "callback", "callback"]
    assert one_transaction(text, steps) == (
        "\\set n :n + 1\nBEGIN;\nINSERT 1;\nINSERT 2;\nUPDATE 3;\nCOMMIT;\n",
        ["", "checkout", "checkout", "gateway", "callback", "callback"])
