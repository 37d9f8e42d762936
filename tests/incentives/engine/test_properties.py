"""Properties of order_payouts over random plans and chains (hypothesis)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tuishou.incentives.engine import Member, load_plan, order_payouts

RANKS = ("member", "shopkeeper", "mentor", "partner")
CENT = Decimal("0.01")


def rate(draw) -> str:
    places = draw(st.integers(min_value=1, max_value=3))
    return str(Decimal(draw(st.integers(min_value=0, max_value=10**places))).scaleb(-places))


@st.composite
def plan_docs(draw) -> dict:
    rules = []
    for i in range(draw(st.integers(min_value=1, max_value=5))):
        kind = draw(st.sampled_from(["direct", "self_purchase", "tiers", "differential", "peer"]))
        rule: dict = {"type": kind, "id": f"r{i}"}
        if kind in ("direct", "self_purchase"):
            rule["rate"] = (rate(draw) if draw(st.booleans())
                            else {r: rate(draw) for r in draw(st.lists(st.sampled_from(RANKS), unique=True))})
        elif kind == "tiers":
            rule["rates"] = [rate(draw) for _ in range(draw(st.integers(min_value=1, max_value=4)))]
            rule["min_rank"] = draw(st.sampled_from(RANKS))
        elif kind == "differential":
            rule["rates"] = {r: rate(draw) for r in draw(st.lists(st.sampled_from(RANKS), unique=True))}
            rule["include_seller"] = draw(st.booleans())
        else:
            rule.update(rate=rate(draw), source=draw(st.sampled_from(["base", "income"])),
                        per_rank=draw(st.integers(min_value=1, max_value=3)), min_rank=draw(st.sampled_from(RANKS)))
        rules.append(rule)
    doc = {"id": "random", "ranks": [{"id": r} for r in RANKS], "rules": rules}
    if draw(st.booleans()):
        doc["caps"] = {"per_order": draw(st.sampled_from(["0.3", "0.5", "0.333", "1.0", "1.25"]))}
    if draw(st.booleans()):
        doc["compression"] = {"active_if": {"personal_orders": {"min": 1, "days": 30}}}
    return doc


chains = st.lists(st.tuples(st.integers(min_value=0, max_value=3), st.booleans()), min_size=1, max_size=12).map(
    lambda items: [Member(f"u{i}", rank, active) for i, (rank, active) in enumerate(items)])
bases = st.decimals(min_value=0, max_value=100000, places=2)


def reference(doc: dict, chain: list[Member], base: Decimal, self_purchase: bool) -> list[tuple]:
    """The spec read literally, in Decimal, one rule at a time (slow, for comparison only)."""
    def down(x: Decimal) -> Decimal:
        return x.quantize(CENT, rounding=ROUND_DOWN)

    def rank_rate(r, rank: int) -> Decimal:
        return Decimal(r.get(RANKS[rank], "0")) if isinstance(r, dict) else Decimal(r)

    if "compression" in doc:
        chain = [chain[0]] + [m for m in chain[1:] if m.active]
    out: list[list] = []
    income = [Decimal(0)] * len(chain)
    for rule in doc["rules"]:
        found: list[tuple[int, Decimal]] = []
        kind = rule["type"]
        if kind == "direct" or (kind == "self_purchase" and self_purchase):
            found.append((0, rank_rate(rule["rate"], chain[0].rank) * base))
        elif kind == "tiers":
            for i, r in enumerate(rule["rates"], 1):
                if i < len(chain) and chain[i].rank >= RANKS.index(rule["min_rank"]):
                    found.append((i, Decimal(r) * base))
        elif kind == "differential":
            start, m = (0, Decimal(0)) if rule["include_seller"] else (1, rank_rate(rule["rates"], chain[0].rank))
            for pos in range(start, len(chain)):
                r = rank_rate(rule["rates"], chain[pos].rank)
                if r > m:
                    found.append((pos, (r - m) * base))
                    m = r
        elif kind == "peer":
            top, holder, counter = chain[0].rank, 0, 0
            for pos in range(1, len(chain)):
                rank = chain[pos].rank
                if rank > top:
                    top, holder, counter = rank, pos, 0
                elif rank == top and top >= RANKS.index(rule["min_rank"]) and counter < rule["per_rank"]:
                    counter += 1
                    src = income[holder] if rule["source"] == "income" else base
                    found.append((pos, Decimal(rule["rate"]) * src))
        for pos, amount in found:
            if amount:  # a zero rate pays nothing (and changes no income)
                income[pos] += down(amount)
                out.append([chain[pos].id, rule["id"], down(amount)])
    total = sum((a for _, _, a in out), Decimal(0))
    if "caps" in doc and total > Decimal(doc["caps"]["per_order"]) * base:
        limit = Decimal(doc["caps"]["per_order"]) * base
        for item in out:
            item[2] = down(item[2] * limit / total)
    return [(pid, rule, amount) for pid, rule, amount in out if amount]


@settings(max_examples=150, deadline=None)
@given(plan_docs(), chains, bases, st.booleans())
def test_equals_the_literal_decimal_reading_of_the_spec(doc, chain, base, self_purchase):
    payouts = order_payouts(load_plan(doc), order_id="o", chain=chain, base=base, self_purchase=self_purchase)
    assert [(p.promoter, p.rule, p.amount) for p in payouts] == reference(doc, chain, base, self_purchase)


@settings(max_examples=100, deadline=None)
@given(plan_docs(), chains, bases, st.booleans())
def test_only_the_chain_is_paid_and_never_more_than_the_cap(doc, chain, base, self_purchase):
    plan = load_plan(doc)
    payouts = order_payouts(plan, order_id="o", chain=chain, base=base, self_purchase=self_purchase)
    assert {p.promoter for p in payouts} <= {m.id for m in chain}
    assert all(p.amount > 0 and p.amount == p.amount.quantize(CENT) for p in payouts)
    if plan.caps.per_order is not None:
        assert sum(p.amount for p in payouts) <= plan.caps.per_order * base
    # same input, same output
    assert order_payouts(plan, order_id="o", chain=chain, base=base, self_purchase=self_purchase) == payouts


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(RANKS), st.decimals(min_value=0, max_value=1, places=3)), chains, bases,
       st.booleans())
def test_differential_adds_up_to_at_most_the_highest_rate(rates, chain, base, include_seller):
    plan = load_plan({"id": "d", "ranks": [{"id": r} for r in RANKS],
                      "rules": [{"type": "differential", "rates": {k: str(v) for k, v in rates.items()},
                                 "include_seller": include_seller}]})
    payouts = order_payouts(plan, order_id="o", chain=chain, base=base, self_purchase=False)
    assert sum(p.amount for p in payouts) <= max(rates.values(), default=Decimal(0)) * base


def test_a_chain_of_1500_levels_is_paid():
    # given a plan that pays three tiers and a differential over a 1,500-level chain
    plan = load_plan({"id": "deep", "ranks": [{"id": r} for r in RANKS], "rules": [
        {"type": "tiers", "rates": ["0.03", "0.02", "0.01"]},
        {"type": "differential", "rates": {"partner": "0.50"}},
        {"type": "peer", "rate": "0.01", "min_rank": "partner"},
    ]})
    chain = [Member(f"u{i}", 3 if i in (1400, 1499) else 0) for i in range(1500)]
    # when
    payouts = order_payouts(plan, order_id="o", chain=chain, base=Decimal("100.00"), self_purchase=False)
    # then
    assert [(p.promoter, p.rule, str(p.amount)) for p in payouts] == [
        ("u1", "tiers", "3.00"), ("u2", "tiers", "2.00"), ("u3", "tiers", "1.00"),
        ("u1400", "differential", "50.00"), ("u1499", "peer", "1.00"),
    ]
