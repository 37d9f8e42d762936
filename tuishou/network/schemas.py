"""API shapes for the network."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from tuishou.core.inputs import Id, Reason, bounded_text


class PromoterSignupIn(Schema):
    phone: str
    code: str = Field(..., max_length=12, description="The code sent by SMS (POST /auth/signup/code).")
    password: str
    invite_code: str | None = None
    display_name: str = Field("", max_length=60)
    community_code: str | None = None


class CommunityOut(Schema):
    code: str
    name: str
    kind: str


class PersonOut(Schema):
    id: int
    display_name: str


class ProfileOut(Schema):
    id: int
    display_name: str
    invite_code: str
    invite_code_active: bool
    sponsor: PersonOut | None
    stage: str
    rank: str
    community: CommunityOut
    joined_via: str
    depth: int
    paid_sales_count: int
    switch_count: int
    created_at: datetime


class PromoterSignupOut(Schema):
    token: str
    promoter: ProfileOut


class InviteCodeOut(Schema):
    invite_code: str
    inviter_display_name: str
    community: dict[str, str]


class DownlineOut(Schema):
    id: int
    display_name: str
    stage: str
    rank: str
    joined_via: str
    joined_at: datetime


class DepthCountOut(Schema):
    depth: int
    count: int


class TeamOut(Schema):
    team_size: int
    direct_count: int
    counts_by_depth: list[DepthCountOut]
    downlines: list[DownlineOut]
    limit: int
    offset: int


class MentorOut(Schema):
    id: int
    promoter_id: int
    display_name: str
    active: bool
    capacity: int | None
    load: int


class SwitchIn(Schema):
    to_mentor_id: Id
    reason: Reason = ""


class SwitchOut(Schema):
    id: int
    promoter_id: int
    from_mentor_id: int | None
    to_mentor_id: Id
    status: str
    reason: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str


class SwitchDecisionIn(Schema):
    approve: bool
    reason: Reason = ""


class SponsorCorrectionIn(Schema):
    new_sponsor_id: Id
    reason: Reason


class PromoterApplicationOut(Schema):
    id: int
    user_id: int
    status: str
    invite_code: str
    reason: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str


class PromotionOut(Schema):
    """Where I stand under the promotion policy: ``action`` is promoter | join | apply | pending | buy."""

    mode: str
    action: str
    spent: str
    required: str | None
    application: PromoterApplicationOut | None


class BecomeIn(Schema):
    invite_code: str | None = Field(None, max_length=16)
    reason: bounded_text(1000, multiline=True) = ""


class BecomeOut(Schema):
    promoter: ProfileOut | None
    application: PromoterApplicationOut | None


class ApplicationDecisionIn(Schema):
    approve: bool
    reason: bounded_text(1000, multiline=True) = ""
