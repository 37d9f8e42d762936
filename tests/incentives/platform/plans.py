"""Plan documents for the platform-side tests."""

SHOP_PLAN = """
id: shop
name: 店主分销方案
jurisdiction: us
ranks:
  - {id: member, name: 会员}
  - {id: shopkeeper, name: 店主, qualify: {personal_volume: {min: "100.00", days: 30}}}
  - id: mentor
    name: 导师
    qualify: {all: [{team_volume: {min: "1000.00", days: 30}}, {active_directs: {min: 2, days: 30}}]}
  - {id: partner, name: 合伙人}
compression: {active_if: {personal_orders: {min: 1, days: 30}}}
settlement: {freeze_days: 15, after: received}
disclosure: true
rules:
  - {type: direct, rate: {shopkeeper: "0.50", mentor: "0.50", partner: "0.50"}}
  - {type: self_purchase, rate: "0.05"}
  - {type: tiers, rates: ["0.10", "0.05"], min_rank: shopkeeper}
"""

# Pays for recruiting as such (L1): refused under every profile.
RECRUIT_PLAN = SHOP_PLAN.replace("id: shop\n", "id: recruit\n").replace(
    "  - {type: self_purchase, rate: \"0.05\"}", "  - {type: recruit_bonus, amount: \"10.00\"}")
