"""The batch engine gives exactly the scalar engine's payouts (``orders.order_payouts``)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuishou.incentives.engine.batch import compile_batch, compressed_parents, price_orders
from tuishou.incentives.engine.orders import Member, order_payouts
from tuishou.incentives.engine.plan import load_plan

RANKS = ("member", "shopkeeper", "mentor", "partner")


def rate_text(draw, places: int) -> str:
    value = draw(st.integers(min_value=0, max_value=10**places))
    return str(Decimal(value).scaleb(-places))


@st.composite
def rates(draw, rank_ids: tuple[str, ...], keyed: bool | None = None) -> object:
    places = draw(st.integers(min_value=1, max_value=3))
    if keyed is None:
        keyed = draw(st.booleans())
    if not keyed:
        return rate_text(draw, places)
    chosen = draw(st.lists(st.sampled_from(rank_ids), unique=True, max_size=len(rank_ids)))
    return {rank: rate_text(draw, places) for rank in chosen}


@st.composite
def plans(draw) -> dict:
    rank_ids = RANKS[: draw(st.integers(min_value=1, max_value=4))]
    rules = []
    for i in range(draw(st.integers(min_value=1, max_value=5))):
        kind = draw(st.sampled_from(["direct", "self_purchase", "tiers", "differential", "peer"]))
        rule: dict = {"type": kind, "id": f"{kind}{i}"}
        if kind in ("direct", "self_purchase"):
            rule["rate"] = draw(rates(rank_ids))
        elif kind == "tiers":
            places = draw(st.integers(min_value=1, max_value=3))
            rule["rates"] = [rate_text(draw, places) for _ in range(draw(st.integers(min_value=1, max_value=4)))]
            rule["min_rank"] = draw(st.sampled_from(rank_ids))
        elif kind == "differential":
            rule["rates"] = draw(rates(rank_ids, keyed=True))
            rule["include_seller"] = draw(st.booleans())
        else:
            rule["rate"] = rate_text(draw, draw(st.integers(min_value=1, max_value=3)))
            rule["source"] = draw(st.sampled_from(["base", "income"]))
            rule["per_rank"] = draw(st.integers(min_value=1, max_value=3))
            rule["min_rank"] = draw(st.sampled_from(rank_ids))
        rules.append(rule)
    doc = {"id": "random", "ranks": [{"id": r} for r in rank_ids], "rules": rules}
    if draw(st.booleans()):
        doc["caps"] = {"per_order": draw(st.sampled_from(["0.3", "0.5", "0.333", "1.0", "1.25"]))}
    if draw(st.booleans()):
        doc["compression"] = {"active_if": {"personal_orders": {"min": 1, "days": 30}}}
    return doc


@st.composite
def networks(draw, n_ranks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = draw(st.integers(min_value=1, max_value=40))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    shape = draw(st.sampled_from(["random", "deep", "bushy"]))
    parent = np.full(size, -1, dtype=np.int64)
    for i in range(1, size):
        if shape == "deep":
            parent[i] = i - 1 if rng.random() < 0.9 else rng.integers(-1, i)
        elif shape == "bushy":
            parent[i] = rng.integers(0, min(i, 3))
        else:
            parent[i] = rng.integers(-1, i)
    rank = rng.integers(0, n_ranks, size=size).astype(np.int8)
    active = rng.random(size) < draw(st.sampled_from([0.3, 0.7, 1.0]))
    return parent, rank, active


def chain_of(node: int, parent: np.ndarray, rank: np.ndarray, active: np.ndarray) -> list[Member]:
    chain = []
    while node >= 0:
        chain.append(Member(f"p{node}", int(rank[node]), bool(active[node])))
        node = int(parent[node])
    return chain


def scalar_payouts(plan, parent, rank, active, promoter, base, self_purchase) -> list[tuple]:
    rows = []
    for i, (p0, b, is_self) in enumerate(zip(promoter, base, self_purchase, strict=True)):
        chain = chain_of(int(p0), parent, rank, active)
        for payout in order_payouts(plan, order_id=f"o{i}", chain=chain, base=Decimal(int(b)).scaleb(-2),
                                    self_purchase=bool(is_self)):
            rows.append((payout.order, payout.promoter, payout.rule, payout.amount))
    return rows


def batch_payouts(plan, parent, rank, active, promoter, base, self_purchase) -> list[tuple]:
    compiled = compile_batch(plan)
    result = price_orders(compiled, parent=parent, rank=rank, active=active, promoter=promoter, base=base,
                          self_purchase=self_purchase).sorted()
    labels = compiled.labels
    return [
        (f"o{o}", f"p{p}", labels[r], Decimal(int(a)).scaleb(-2))
        for o, p, r, a in zip(result.order, result.promoter, result.rule, result.amount, strict=True)
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_batch_engine_equals_scalar_engine_on_random_plans_networks_and_orders(data):
    # given a random valid plan, network and orders
    doc = data.draw(plans())
    plan = load_plan(doc)
    parent, rank, active = data.draw(networks(len(plan.ranks)))
    count = data.draw(st.integers(min_value=1, max_value=25))
    rng = np.random.default_rng(data.draw(st.integers(min_value=0, max_value=2**32 - 1)))
    promoter = rng.integers(0, parent.size, size=count)
    base = rng.choice([0, 1, 99, 3333, 10_000, 123_457, 9_999_999], size=count) + rng.integers(0, 3, size=count)
    self_purchase = rng.random(count) < 0.4
    # when both engines price them
    expected = scalar_payouts(plan, parent, rank, active, promoter, base, self_purchase)
    actual = batch_payouts(plan, parent, rank, active, promoter, base, self_purchase)
    # then every payout is the same, in the same order
    assert actual == expected


DEEP_PLAN = {
    "id": "deep",
    "ranks": [{"id": r} for r in RANKS],
    "caps": {"per_order": "0.9"},
    "compression": {"active_if": {"personal_orders": {"min": 1, "days": 30}}},
    "rules": [
        {"type": "direct", "rate": {"shopkeeper": "0.2", "mentor": "0.25", "partner": "0.3"}},
        {"type": "tiers", "rates": ["0.05", "0.03", "0.01"], "min_rank": "shopkeeper"},
        {"type": "differential", "rates": {"shopkeeper": "0.1", "mentor": "0.2", "partner": "0.35"},
         "include_seller": False},
        {"type": "peer", "id": "peer_base", "rate": "0.02", "per_rank": 2, "min_rank": "shopkeeper"},
        {"type": "peer", "id": "peer_income", "rate": "0.1", "source": "income", "min_rank": "mentor"},
    ],
}


def test_batch_engine_equals_scalar_engine_on_chains_hundreds_deep():
    # given a chain of 600 promoters, mostly members, a few higher ranks far up, a third inactive
    plan = load_plan(DEEP_PLAN)
    size = 600
    rng = np.random.default_rng(7)
    parent = np.arange(-1, size - 1, dtype=np.int64)
    rank = np.where(rng.random(size) < 0.02, rng.integers(1, 4, size=size), 0).astype(np.int8)
    active = rng.random(size) < 0.66
    promoter = np.array([size - 1, size - 2, size // 2, 5, 0, size - 1])
    base = np.array([10_000, 3_333, 1, 999_999, 100, 0])
    self_purchase = np.array([True, False, False, True, False, False])
    # when both engines price the orders from the bottom of the chain
    expected = scalar_payouts(plan, parent, rank, active, promoter, base, self_purchase)
    actual = batch_payouts(plan, parent, rank, active, promoter, base, self_purchase)
    # then they agree, and promoters hundreds of levels up were paid
    assert actual == expected
    assert min(int(p[1][1:]) for p in actual if p[0] == "o0") < size - 300


def test_batch_engine_switches_to_python_integers_when_int64_could_overflow():
    # given bases so large that base × rate numerator × cap would overflow int64
    plan = load_plan({**DEEP_PLAN, "caps": {"per_order": "0.123456"}})
    parent = np.array([-1, 0, 1, 2], dtype=np.int64)
    rank = np.array([3, 2, 2, 1], dtype=np.int8)
    active = np.ones(4, dtype=bool)
    promoter = np.array([3, 2])
    base = np.array([4 * 10**15, 10**14 + 7])
    self_purchase = np.array([False, True])
    # when both engines price them
    expected = scalar_payouts(plan, parent, rank, active, promoter, base, self_purchase)
    actual = batch_payouts(plan, parent, rank, active, promoter, base, self_purchase)
    # then the results are still exact
    assert actual == expected
    assert expected


def test_worked_example_1_differential_and_peer_through_the_batch_engine():
    # given the spec's chain S1 S2 M1 M2 M3 P1 P2 (p0 first) and B = 100.00
    plan = load_plan({
        "id": "ex1", "ranks": [{"id": r} for r in RANKS],
        "rules": [{"type": "differential", "rates": {"shopkeeper": "0.40", "mentor": "0.60", "partner": "0.80"}},
                  {"type": "peer", "rate": "0.10", "source": "base", "per_rank": 1, "min_rank": "mentor"}],
    })
    parent = np.array([-1, 0, 1, 2, 3, 4, 5])  # node 6 is p0 (S1), node 0 the root (P2)
    rank = np.array([3, 3, 2, 2, 2, 1, 1])
    # when the batch engine prices the order, accumulating balances
    result = price_orders(compile_batch(plan), parent=parent, rank=rank, promoter=np.array([6]),
                          base=np.array([10_000]), self_purchase=np.array([False]))
    # then S1 40, M1 20, P1 20 (differential), M2 10, P2 10 (peer)
    assert result.balances(7).tolist() == [1000, 2000, 0, 1000, 2000, 0, 4000]
    assert result.rule_totals.tolist() == [8000, 2000]


def test_compressed_parents_skip_inactive_sponsors():
    # given a chain 0 ← 1 ← 2 ← 3 ← 4 where 1 and 2 are inactive
    parent = np.array([-1, 0, 1, 2, 3])
    active = np.array([True, False, False, True, False])
    # when compressed parents are computed
    # then 3 and 2 and 1 point at 0; 4 (inactive itself) still points at its active sponsor 3
    assert compressed_parents(parent, active).tolist() == [-1, 0, 0, 0, 3]
