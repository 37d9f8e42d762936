"""API shapes for the risk queue. Phones and addresses go out masked; amounts as decimal strings."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from tuishou.core.inputs import Id
from tuishou.risk import rules as R
from tuishou.risk.models import RiskFlag
from tuishou.risk.selectors import FlagDetail, RuleSetting


class FlagQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)
    rule: str = Field("", pattern="^(|" + "|".join(R.RULES) + ")$", description="A rule's code, or empty: all")
    status: str = Field("open", pattern="^(|open|cleared|rejected)$", description="open (default), cleared, "
                                                                                    "rejected, or empty: all")
    community_id: Id | None = None


class DecisionIn(Schema):
    reason: str = Field("", max_length=5000, description="Why (at most 500 characters; no control characters)")


class FlagOut(Schema):
    id: int
    rule: str
    rule_title: str
    status: str
    subject: str
    community_id: int | None
    promoter_id: int | None
    order_count: int
    evidence: dict
    created_at: datetime
    decided_at: datetime | None
    reason: str


class FlagPageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[FlagOut]


class FlagOrderOut(Schema):
    id: int
    number: str
    status: str
    total: str
    paid_at: datetime | None
    buyer: str
    recipient: str
    phone: str
    address: str
    self_purchase: bool


class FlagAccountOut(Schema):
    id: int
    name: str
    phone: str
    joined: datetime


class FlagDetailOut(FlagOut):
    orders: list[FlagOrderOut]
    accounts: list[FlagAccountOut]


class ParamOut(Schema):
    name: str
    label: str
    value: str
    default: str
    minimum: str
    maximum: str


class RuleOut(Schema):
    code: str
    title: str
    enabled: bool
    params: list[ParamOut]


class RuleIn(Schema):
    enabled: bool | None = None
    params: dict[str, str | int] = Field(default_factory=dict, description="Thresholds to change, by name")


def flag_out(flag: RiskFlag, order_count: int | None = None) -> dict:
    from django.utils.translation import gettext

    rule = R.RULES.get(flag.rule)
    return {"id": flag.pk, "rule": flag.rule, "rule_title": gettext(rule.title) if rule else flag.rule,
            "status": flag.status, "subject": flag.subject_label, "community_id": flag.community_id,
            "promoter_id": flag.promoter_id,
            "order_count": order_count if order_count is not None else getattr(flag, "order_count", 0),
            "evidence": flag.evidence, "created_at": flag.created_at, "decided_at": flag.decided_at,
            "reason": flag.reason}


def flag_detail_out(detail: FlagDetail) -> dict:
    return {**flag_out(detail.flag, order_count=len(detail.orders)),
            "orders": [{"id": o.pk, "number": o.number, "status": o.status, "total": str(o.total),
                        "paid_at": o.paid_at, "buyer": o.buyer, "recipient": o.recipient, "phone": o.phone,
                        "address": o.address, "self_purchase": o.self_purchase} for o in detail.orders],
            "accounts": [{"id": a.pk, "name": a.name, "phone": a.phone, "joined": a.joined}
                         for a in detail.accounts]}


def rule_out(setting: RuleSetting) -> dict:
    from django.utils.translation import gettext

    return {"code": setting.rule.code, "title": gettext(setting.rule.title), "enabled": setting.enabled,
            "params": [{"name": p.name, "label": gettext(p.label), "value": str(setting.values[p.name]),
                        "default": str(p.default), "minimum": str(p.minimum), "maximum": str(p.maximum)}
                       for p in setting.rule.params]}
