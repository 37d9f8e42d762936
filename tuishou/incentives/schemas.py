"""API shapes for incentive plans."""

from datetime import datetime

from ninja import Schema


class PlanSourceIn(Schema):
    source: str


class RetireIn(Schema):
    reason: str


class CheckIn(Schema):
    source: str
    jurisdiction: str | None = None
    after_sales_days: int | None = None


class FindingOut(Schema):
    code: str
    severity: str
    rule: str | None
    message: str


class CheckOut(Schema):
    plan: str
    profile: str
    findings: list[FindingOut]
    errors: int
    warnings: int


class PlanVersionOut(Schema):
    id: int
    community: str
    plan: str
    name: str
    version: int | None
    status: str
    jurisdiction: str
    findings: list[FindingOut]
    published_at: datetime | None
    retired_at: datetime | None


class PayoutPreviewIn(Schema):
    promoter_id: int
    base: str
    self_purchase: bool = False


class PayoutOut(Schema):
    promoter_id: int
    rule: str
    amount: str


class PayoutPreviewOut(Schema):
    plan: str
    version: int | None
    chain: list[dict]
    payouts: list[PayoutOut]
    total: str


class TemplateOut(Schema):
    name: str
    plan: str
    title: str
    jurisdiction: str | None
