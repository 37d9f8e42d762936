"""The pure core: what makes a journal entry postable (no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuishou.ledger.entries import (
    EntryError,
    Line,
    entry_check,
    net_by_account,
    normal_amount,
    overdrawn,
    reversed_lines,
    same_lines,
)


def test_a_balanced_entry_is_returned_as_lines():
    lines = entry_check([("expense", 1990), ("promoter:7:pending", -1990)])

    assert lines == (Line("expense", 1990), Line("promoter:7:pending", -1990))


def test_a_split_entry_balances_across_more_than_two_lines():
    lines = entry_check([("gateway", 10000), ("merchant", -9500), ("revenue", -500)])

    assert sum(line.amount for line in lines) == 0


@pytest.mark.parametrize(("lines", "code"), [
    ([], "ledger.empty_entry"),
    ([("expense", 100), ("pending", -99)], "ledger.unbalanced"),
    ([("expense", 100)], "ledger.unbalanced"),
    ([("expense", 100), ("pending", -100), ("revenue", 0)], "ledger.zero_line"),
    ([("expense", 1.5), ("pending", -1.5)], "ledger.malformed_line"),
    ([("expense", True), ("pending", -1)], "ledger.malformed_line"),
    ([("", 100), ("pending", -100)], "ledger.malformed_line"),
])
def test_an_entry_that_does_not_add_up_is_refused_with_its_code(lines, code):
    with pytest.raises(EntryError) as refused:
        entry_check(lines)

    assert refused.value.code == code


def test_lines_on_one_account_net_together():
    lines = entry_check([("a", 300), ("b", -100), ("a", -50), ("c", -150)])

    assert net_by_account(lines) == {"a": 250, "b": -100, "c": -150}


def test_same_lines_ignores_order_but_not_multiplicity():
    assert same_lines([("a", 1), ("b", -1)], [("b", -1), ("a", 1)])
    assert not same_lines([("a", 1), ("a", 1), ("b", -2)], [("a", 2), ("b", -2)])


def test_the_reversal_negates_every_line():
    assert reversed_lines([Line("a", 120), Line("b", -120)]) == (Line("a", -120), Line("b", 120))


def test_a_credit_normal_balance_reads_positive():
    assert normal_amount(-5000, credit_normal=True) == 5000
    assert normal_amount(-5000, credit_normal=False) == -5000


def test_overdraft_is_a_move_against_the_normal_side_that_ends_below_zero():
    # A promoter holding 50.00 (signed −5000) asks for 60.00 (a debit of +6000): overdrawn.
    assert overdrawn(-5000, 6000, credit_normal=True)
    assert not overdrawn(-5000, 5000, credit_normal=True)
    # A clawback left −20.00 (signed +2000); new income of 5.00 still leaves it negative, but is not refused.
    assert not overdrawn(2000, -500, credit_normal=True)


@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers(min_value=1, max_value=10**9)), min_size=1,
                max_size=8))
def test_any_entry_closed_by_a_balancing_line_passes(debits):
    lines = [*debits, ("z", -sum(amount for _, amount in debits))]

    assert sum(line.amount for line in entry_check(lines)) == 0


@given(st.lists(st.integers(min_value=-10**9, max_value=10**9).filter(bool), min_size=1, max_size=8))
def test_any_entry_not_summing_to_zero_is_refused(amounts):
    lines = [(f"acct{i}", amount) for i, amount in enumerate(amounts)]
    if sum(amounts) == 0:
        assert entry_check(lines)
    else:
        with pytest.raises(EntryError, match="add up"):
            entry_check(lines)
