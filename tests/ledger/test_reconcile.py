"""`tuishou reconcile`: exit 0 on a clean ledger, 1 with each mismatch named."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.ledger import factories as f
from tuishou.ledger.models import Account
from tuishou.ledger.reconcile import CHECKS, reconcile_run
from tuishou.ledger.services import journal_reverse

Kind = Account.Kind
pytestmark = pytest.mark.django_db


def _reconcile(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("reconcile", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def _ledger():
    owner = f.promoter()
    available = f.promoter_account(Kind.PROMOTER_AVAILABLE, owner)
    f.fund(available, "25.00")
    f.move(f.platform(Kind.GATEWAY_CLEARING), f.platform(Kind.PLATFORM_REVENUE), "5.00")
    return available


def test_a_clean_ledger_reconciles_with_exit_code_zero():
    _ledger()

    # the ledger's own checks (other apps register more: settlement, wallets)
    code, output = _reconcile("--check", "account_balances", "--check", "entries_balanced")

    assert code == 0
    assert output.splitlines() == [
        "ok   account_balances: every cached account balance equals the sum of its lines",
        "ok   entries_balanced: every journal entry has lines that add up to zero",
        "Ledger reconciled: 2 checks, no mismatch.",
    ]


def test_an_empty_ledger_reconciles():
    assert reconcile_run().ok


@pytest.mark.tampered
def test_a_corrupted_cached_balance_is_reported_with_exit_code_one():
    available = _ledger()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_account SET balance = balance - 100 WHERE id = %s", [available.pk])

    code, output = _reconcile()

    assert code == 1
    assert (f"- account {available.key} (#{available.pk}): found balance -26.00, expected -25.00 = sum of 1 line(s)"
            in output)
    assert "FAIL account_balances" in output
    assert "ok   entries_balanced" in output
    assert output.endswith("reconciliation found 1 mismatch(es)")


@pytest.mark.tampered
def test_a_line_slipped_in_by_sql_unbalances_its_entry_and_its_account():
    available = _ledger()
    entry = available.lines.get().entry
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO ledger_journalline (entry_id, account_id, amount) VALUES (%s, %s, %s)",
                       [entry.pk, available.pk, -1])

    report = reconcile_run()

    assert [(r.name, [str(m) for m in r.mismatches]) for r in report.results][:2] == [
        ("account_balances", [f"account {available.key} (#{available.pk}): found balance -25.00, "
                              "expected -25.01 = sum of 2 line(s)"]),
        ("entries_balanced", [f"entry #{entry.pk} {entry.key}: found 3 lines summing to -0.01, "
                              "expected at least two lines summing to 0.00"]),
    ]


@pytest.mark.tampered
def test_a_wrong_line_count_is_a_mismatch_too():
    available = _ledger()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_account SET line_count = 5 WHERE id = %s", [available.pk])

    report = reconcile_run(["account_balances"])

    assert [str(m) for m in report.results[0].mismatches] == [
        f"account {available.key} (#{available.pk}): found line count 5, expected 1"]


def test_one_check_can_be_run_by_name_and_an_unknown_one_is_a_usage_error():
    code, output = _reconcile("--check", "entries_balanced")
    bad_code, bad_output = _reconcile("--check", "nonsense")

    assert code == 0
    assert output.splitlines()[0] == "ok   entries_balanced: every journal entry has lines that add up to zero"
    assert (bad_code, bad_output) == (2, "unknown reconciliation check(s): nonsense")
    assert list(CHECKS)[:2] == ["account_balances", "entries_balanced"]  # the ledger's own come first


def test_balances_recomputed_agree_with_the_cache_after_a_reversal():
    available = _ledger()

    journal_reverse(entry=available.lines.get().entry, key="rev")

    assert reconcile_run().ok
    assert f.refreshed(available).balance == Decimal("0.00")
