"""API shapes for incentive plans."""

from datetime import date, datetime

from ninja import Field, Schema

from tuishou.core.inputs import Count, Id, Reason


class PlanSourceIn(Schema):
    source: str


class RetireIn(Schema):
    reason: Reason


class CheckIn(Schema):
    source: str
    jurisdiction: str | None = None
    after_sales_days: Count | None = None


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
    promoter_id: Id
    base: str
    self_purchase: bool = False


class PayoutOut(Schema):
    promoter_id: Id
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
    promoters: Count | None = None
    months: Count | None = None
    seed: Count | None = Field(None, ge=0, le=2**31)


class BacktestIn(Schema):
    start: date | None = None
    end: date | None = None


class ProposeIn(Schema):
    note: str = Field("", max_length=500)


class SendBackIn(Schema):
    reason: Reason


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
