"""API shapes for agencies: operators opening and running them, their staff reading them, and a temporary
shopkeeper's choice of community."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from tuishou.core.inputs import Id


class StaffSeatIn(Schema):
    phone: str = Field(..., max_length=20)
    role: str = Field("manager", max_length=16)


class AgencyIn(Schema):
    name: str = Field(..., max_length=100)
    code: str = Field(..., max_length=32)
    head_phone: str = Field(..., max_length=20)
    head_display_name: str = Field("", max_length=60)
    head_password: str | None = Field(None, max_length=128)
    head_invite_code: str = Field("", max_length=16)
    staff: list[StaffSeatIn] = Field(default_factory=list, max_length=50)


class CommunityStaffOut(Schema):
    user_id: int
    phone: str | None
    display_name: str
    role: str


class CommunityRowOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    active: bool
    promoter_count: int
    staff_count: int
    created_at: datetime


class AgencyOut(Schema):
    community: CommunityRowOut
    head_promoter_id: int
    head_invite_code: str
    staff: list[CommunityStaffOut]


class StaffAddIn(Schema):
    phone: str = Field(..., max_length=20)
    role: str = Field("manager", max_length=16)


class ActiveIn(Schema):
    active: bool


class CommunityMembershipOut(Schema):
    id: int
    code: str
    name: str
    role: str


class OverviewOut(Schema):
    community_id: int
    promoters: int
    active: int
    temporary: int
    ordinary: int
    new_this_month: int
    mentors: int
    ranks: dict[str, int]
    orders_this_month: int
    sales_this_month: Decimal


class PromoterRowOut(Schema):
    id: int
    display_name: str
    invite_code: str
    stage: str
    rank: str
    depth: int
    directs: int
    paid_sales_count: int
    personal_volume: Decimal
    created_at: datetime


class ChainLinkOut(Schema):
    id: int
    name: str
    rank: str
    level: int


class LevelOut(Schema):
    level: int
    count: int


class PromoterDetailOut(Schema):
    promoter: PromoterRowOut
    team_size: int
    levels: list[LevelOut]
    chain: list[ChainLinkOut]


class GrowthDayOut(Schema):
    day: date
    new: int
    size: int


class GrowthOut(Schema):
    start: date
    end: date
    size_before: int
    new_total: int
    days: list[GrowthDayOut]


class ChoiceCommunityOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    members: int
    current: bool


class ChoiceOut(Schema):
    can_choose: bool
    communities: list[ChoiceCommunityOut]


class ChooseIn(Schema):
    community_id: Id
