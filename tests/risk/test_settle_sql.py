"""The hold works in the set-based settlement (PostgreSQL's chunk path) as in the per-entry one."""

from datetime import timedelta

import pytest

from tests.orders import factories as of
from tests.risk import factories as f
from tests.settlement import factories as sf
from tuishou.risk import flags
from tuishou.risk import rules as R
from tuishou.risk.models import RiskFlag
from tuishou.settlement.models import Commission
from tuishou.settlement.settle import settlement_run

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


@pytest.mark.parametrize("set_based", [True, False])
def test_a_flagged_order_is_held_in_both_chunk_paths_and_settles_once_cleared(after_commit, set_based):
    of.plan(sf.EXAMPLE_2)
    x, _, _ = sf.example_2_chain()
    x2, _, _ = sf.example_2_chain()
    f.thresholds(R.SELF_PURCHASE_RATIO, min_amount="10000")
    free = sf.received(sf.self_purchase(after_commit, x2))
    f.thresholds(R.SELF_PURCHASE_RATIO, min_amount="400.00", min_ratio="3")
    held = sf.received(sf.self_purchase(after_commit, x))
    flag = RiskFlag.objects.get()
    assert list(flag.orders.values_list("pk", flat=True)) == [held.pk]
    as_of = held.received_at + timedelta(days=60)

    summary = settlement_run(as_of=as_of, set_based=set_based, chunk_size=2)

    assert summary.commissions == Commission.objects.filter(order=free).count() == 3
    assert set(Commission.objects.filter(order=held).values_list("status", flat=True)) == {"pending"}
    flags.risk_flag_clear(actor=of.operator("risk"), flag_id=flag.pk, reason="核实正常")
    assert settlement_run(as_of=as_of, set_based=set_based, chunk_size=2).commissions == 3
    assert set(Commission.objects.filter(order=held).values_list("status", flat=True)) == {"available"}
