"""API shapes for incentive plans."""

from datetime import date, datetime

from ninja import Field, Schema


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


class DraftStartIn(Schema):
    template: str = Field("", max_length=64)
    source: str = Field("", max_length=100_000)


class DraftSourceIn(Schema):
    source: str = Field(..., max_length=100_000)


class SimulationIn(Schema):
    promoters: int | None = None
    months: int | None = None
    seed: int | None = Field(None, ge=0, le=2**31)


class BacktestIn(Schema):
    start: date | None = None
    end: date | None = None


class ProposeIn(Schema):
    note: str = Field("", max_length=500)


class SendBackIn(Schema):
    reason: str = Field(..., max_length=500)


class StudyOut(Schema):
    id: int
    version_id: int
    kind: str
    status: str
    progress: int
    params: dict
    report: dict | None
    error: str
    created_at: datetime
    job_id: int | None
