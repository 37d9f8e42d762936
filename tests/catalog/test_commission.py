"""The commission base B is pure: no database, exact decimals."""

import subprocess
import sys
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuishou.catalog.commission import CommissionSettingError, commission_base


def test_percent_is_rate_times_paid_amount_rounded_down():
    assert commission_base("percent", D("0.1000"), None, paid_amount=D("19.90"), quantity=1) == D("1.99")
    assert commission_base("percent", D("0.0750"), None, paid_amount=D("19.99"), quantity=3) == D("1.49")
    assert commission_base("percent", D("0.3333"), None, paid_amount=D("0.02"), quantity=1) == D("0.00")
    assert commission_base("percent", D("1"), None, paid_amount=D("59.70"), quantity=3) == D("59.70")


def test_fixed_is_amount_per_unit_and_never_above_what_was_paid():
    assert commission_base("fixed", None, D("2.50"), paid_amount=D("59.70"), quantity=3) == D("7.50")
    assert commission_base("fixed", None, D("5.00"), paid_amount=D("12.00"), quantity=3) == D("12.00")
    assert commission_base("fixed", None, D("0.00"), paid_amount=D("10.00"), quantity=1) == D("0.00")


def test_result_always_has_two_places():
    assert str(commission_base("percent", D("0.5"), None, paid_amount=D("10"), quantity=1)) == "5.00"
    assert str(commission_base("fixed", None, D("3"), paid_amount=D("100"), quantity=2)) == "6.00"


@pytest.mark.parametrize(("mode", "rate", "amount", "paid", "qty"), [
    ("percent", D("1.01"), None, D("10"), 1),
    ("percent", D("-0.1"), None, D("10"), 1),
    ("percent", None, None, D("10"), 1),
    ("percent", 0.1, None, D("10"), 1),
    ("fixed", None, D("-1"), D("10"), 1),
    ("fixed", None, None, D("10"), 1),
    ("fixed", None, D("1"), D("-10"), 1),
    ("fixed", None, D("1"), D("10"), 0),
    ("fixed", None, D("1"), 10.0, 1),
    ("share", D("0.1"), None, D("10"), 1),
])
def test_bad_settings_raise_the_pure_error(mode, rate, amount, paid, qty):
    with pytest.raises(CommissionSettingError):
        commission_base(mode, rate, amount, paid_amount=paid, quantity=qty)


@given(rate=st.integers(0, 10_000), paid=st.integers(0, 10_000_000), qty=st.integers(1, 50))
def test_percent_base_is_exact_floor_of_the_integer_computation(rate, paid, qty):
    # rate in 1/10000, paid in 分: B in 分 is floor(rate × paid / 10000), exactly
    base = commission_base("percent", D(rate) / 10_000, None, paid_amount=D(paid) / 100, quantity=qty)
    assert base == D(rate * paid // 10_000) / 100
    assert D(0) <= base <= D(paid) / 100


def test_the_module_imports_no_django():
    code = "import sys, tuishou.catalog.commission; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
