"""What a person who does not fulfil an order may see of its buyer (脱敏): promoters, and any role that is not the
buyer, the merchant shipping it, or an operator serving it (issue 12, item 3). Pure functions of the text.

* a name keeps its first character: 刘洋 → 刘*
* a phone number keeps its first three and last four digits: 13800000004 → 138****0004
* an address keeps its province and city only: 浙江省杭州市
"""

from __future__ import annotations


def name_masked(name: str) -> str:
    """The first character, then one ``*`` per character hidden (at least one): ``刘洋`` → ``刘*``."""
    name = (name or "").strip()
    return f"{name[0]}{'*' * max(len(name) - 1, 1)}" if name else ""


def phone_masked(phone: str) -> str:
    """``138****0004``; a number too short to keep seven digits shows only stars."""
    phone = (phone or "").strip()
    if len(phone) >= 8:
        return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
    return "*" * len(phone)


def address_masked(*, province: str, city: str) -> str:
    """The province and city, nothing of the district or street."""
    return f"{province}{city}"
