"""Carriers (快递公司) a merchant ships with, and what a tracking number (运单号) looks like (pure Python).

The list is the choice the merchant's shipping form offers; the API still takes any carrier name (an
integrator may use one not listed), so only the tracking number's shape is a rule: 3 to 30 letters, digits
or hyphens, as every Chinese carrier's numbers are (顺丰 SF1234567890123, 中通 7512…, 京东 JDVA…).
"""

from __future__ import annotations

import re

# The common carriers, by the name stored on the order; "other" lets the merchant type one.
CARRIERS: tuple[str, ...] = ("顺丰速运", "中通快递", "圆通速递", "韵达快递", "申通快递", "京东物流", "邮政EMS",
                             "极兔速递")
OTHER = "other"
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{2,29}")


def tracking_number_normal(raw: str | None) -> str | None:
    """The tracking number without spaces, upper-cased; None when it is not 3–30 letters, digits or hyphens."""
    text = re.sub(r"\s+", "", raw or "").upper()
    return text if TRACKING_NUMBER.fullmatch(text) else None
