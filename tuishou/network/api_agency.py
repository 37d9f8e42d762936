"""The agencies' API, under ``/api/v1/network/``: operators open and run agencies (``operator/communities``),
agency staff read their community (``agency/communities/{id}/…``, behind ``require_community_staff``: another
community is 404). A temporary shopkeeper's choice of community (``me/communities``, ``me/community``) is in
``network.api`` beside the other ``me`` routes."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from tuishou.core.api_roles import AGENCY_STAFF, CONSUMER, OPS, allowed
from tuishou.network import agencies, community_insight, selectors
from tuishou.network.schemas_agency import (
    ActiveIn,
    AgencyIn,
    AgencyOut,
    CommunityRowOut,
    GrowthOut,
    OverviewOut,
    PromoterDetailOut,
    PromoterRowOut,
    StaffAddIn,
)
from tuishou.network.schemas_agency import (
    CommunityMembershipOut as MembershipOut,
)
from tuishou.network.schemas_agency import (
    CommunityStaffOut as StaffOut,
)

router = Router(tags=["agencies"])


def _staff(row) -> dict:
    return {"user_id": row.user_id, "phone": row.user.phone, "display_name": row.user.display_name, "role": row.role}


def _community_row(community_id: int, user) -> dict:
    return _community_row_of(selectors.communities_for_operator(user=user).get(pk=community_id))


class Page(Schema):
    q: str = SchemaField("", max_length=100)
    limit: int = SchemaField(20, ge=1, le=100)
    offset: int = SchemaField(0, ge=0)


@router.get("/operator/communities", response=list[CommunityRowOut], openapi_extra=allowed(OPS))
def operator_communities(request: HttpRequest, query: Query[Page]):
    """Every community with its promoter and staff counts, newest first; ``q`` searches name and code."""
    rows = selectors.communities_for_operator(user=request.user).order_by("-id")
    if query.q:
        rows = rows.filter(name__icontains=query.q) | rows.filter(code__icontains=query.q)
    return [_community_row_of(r) for r in rows[query.offset:query.offset + query.limit]]


def _community_row_of(row) -> dict:
    return {f: getattr(row, f) for f in ("id", "code", "name", "kind", "active", "promoter_count", "staff_count",
                                         "created_at")}


@router.post("/operator/communities", response={201: AgencyOut}, openapi_extra=allowed(OPS))
def operator_agency_create(request: HttpRequest, payload: AgencyIn):
    """Open an agency with its head promoter, the head's invite code and its staff, in one transaction; audited.

    Errors (the field in ``details.field``): 409 ``network.community_code_taken`` | ``network.head_already_promoter``
    | ``network.invite_code_taken``, 400 ``network.community_code_invalid`` | ``network.invite_code_invalid`` |
    ``network.staff_role_unknown`` | ``network.staff_duplicate`` | ``accounts.phone_invalid``, 404
    ``network.user_phone_unknown``, 403 ``auth.forbidden``."""
    data = payload.dict()
    staff = [agencies.StaffSeat(phone=s["phone"], role=s["role"]) for s in data.pop("staff")]
    agency = agencies.agency_create(actor=request.user, staff=staff, **data)
    return Status(201, {"community": _community_row(agency.community.pk, request.user),
                        "head_promoter_id": agency.head.pk, "head_invite_code": agency.head.invite_code,
                        "staff": [_staff(row) for row in agency.staff]})


@router.post("/operator/communities/{community_id}/staff", response={201: StaffOut}, openapi_extra=allowed(OPS))
def operator_staff_add(request: HttpRequest, community_id: int, payload: StaffAddIn):
    """Seat an account (by phone) on the community's staff, or change its role; audited."""
    row = agencies.agency_staff_add(actor=request.user, community_id=community_id, phone=payload.phone,
                                    role=payload.role)
    return Status(201, _staff(row))


@router.delete("/operator/communities/{community_id}/staff/{user_id}", response={204: None}, openapi_extra=allowed(OPS))
def operator_staff_remove(request: HttpRequest, community_id: int, user_id: int):
    """Take an account off the community's staff; audited (nothing to do is not an error)."""
    agencies.agency_staff_remove(actor=request.user, community_id=community_id, user_id=user_id)
    return Status(204, None)


@router.post("/operator/communities/{community_id}/active", response=CommunityRowOut, openapi_extra=allowed(OPS))
def operator_community_active(request: HttpRequest, community_id: int, payload: ActiveIn):
    """Close the community to sign-ups and community choices (``active: false``) or reopen it; audited."""
    agencies.agency_active_set(actor=request.user, community_id=community_id, active=payload.active)
    return _community_row(community_id, request.user)


# --- agency staff ------------------------------------------------------------------------------------------------

@router.get("/agency/communities", response=list[MembershipOut], openapi_extra=allowed(CONSUMER))
def agency_communities(request: HttpRequest):
    """The communities I am staff of, with my role."""
    return selectors.staff_communities(request.user)


@router.get("/agency/communities/{community_id}/overview", response=OverviewOut, openapi_extra=allowed(AGENCY_STAFF))
def agency_overview(request: HttpRequest, community_id: int):
    """Promoters, active promoters, mentors, new this month, promoters per rank, this month's orders and sales."""
    figures = community_insight.community_overview(user=request.user, community_id=community_id)
    return {"community_id": figures["community"].pk, **{k: figures[k] for k in (
        "promoters", "active", "temporary", "ordinary", "new_this_month", "mentors", "ranks", "orders_this_month",
        "sales_this_month")}}


class PromoterQuery(Page):
    rank: str | None = SchemaField(None, max_length=32)


def _promoter_row(row: dict) -> dict:
    return {"id": row["id"], "display_name": selectors.public_name(row["user__display_name"], row["user__phone"]),
            **{k: row[k] for k in ("invite_code", "stage", "rank", "depth", "directs", "paid_sales_count",
                                   "personal_volume", "created_at")}}


@router.get("/agency/communities/{community_id}/promoters", response=list[PromoterRowOut],
            openapi_extra=allowed(AGENCY_STAFF))
def agency_promoters(request: HttpRequest, community_id: int, query: Query[PromoterQuery]):
    """The community's promoters, newest first; ``q`` searches name and invite code, ``rank`` filters."""
    rows = community_insight.community_promoters(user=request.user, community_id=community_id)
    if query.q:
        rows = rows.filter(user__display_name__icontains=query.q) | rows.filter(invite_code__icontains=query.q)
    if query.rank is not None:
        rows = rows.filter(rank=query.rank)
    return [_promoter_row(r) for r in rows[query.offset:query.offset + query.limit]]


@router.get("/agency/communities/{community_id}/promoters/{promoter_id}", response=PromoterDetailOut,
            openapi_extra=allowed(AGENCY_STAFF))
def agency_promoter(request: HttpRequest, community_id: int, promoter_id: int):
    """One promoter of the community: team size, team per level, sponsor chain. Another community's: 404."""
    detail = community_insight.promoter_in_community(user=request.user, community_id=community_id,
                                                     promoter_id=promoter_id)
    p = detail["promoter"]
    row = {"id": p.pk, "user__display_name": p.user.display_name, "user__phone": p.user.phone,
           "invite_code": p.invite_code, "stage": p.stage, "rank": p.rank, "depth": p.depth,
           "directs": detail["directs"], "paid_sales_count": p.paid_sales_count,
           "personal_volume": p.personal_volume, "created_at": p.created_at}
    return {"promoter": _promoter_row(row), "team_size": detail["team_size"], "levels": detail["levels"],
            "chain": detail["chain"]}


class RangeQuery(Schema):
    start: date
    end: date


@router.get("/agency/communities/{community_id}/growth", response=GrowthOut, openapi_extra=allowed(AGENCY_STAFF))
def agency_growth(request: HttpRequest, community_id: int, query: Query[RangeQuery]):
    """New promoters per day and the community's size at the end of each day, ``start`` to ``end`` included.
    Errors: 400 ``network.range_invalid`` | ``network.range_too_long``."""
    return community_insight.community_growth(user=request.user, community_id=community_id, start=query.start,
                                              end=query.end)
