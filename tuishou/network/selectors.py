"""Reads of the network. The hot paths (the commission chain, subtree figures) return values, not model
instances, and each is one indexed query over the stored paths — no recursion (see ``treepath``)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.core.errors import InvalidInput, NotFound, PermissionDenied
from tuishou.network import invite_codes, treepath
from tuishou.network.errors import NetworkError
from tuishou.network.models import (
    Community,
    CommunityStaff,
    Mentor,
    MentorSwitchRequest,
    Promoter,
    PromoterApplication,
)

CHAIN_FIELDS = ("id", "sponsor_id", "user_id", "community_id", "rank", "active", "depth", "stage")
LINK_COLUMNS = ("id", "rank", "active")  # what the incentive engine needs of each level of a chain


def _table() -> str:
    return connection.ops.quote_name(Promoter._meta.db_table)
ZERO = Decimal("0.00")


# --- agency staff (机构运营人员) ----------------------------------------------------------------------

StaffRole = CommunityStaff.Role
ANY_STAFF = (StaffRole.OWNER, StaffRole.MANAGER, StaffRole.VIEWER)  # reads: every page of the agency portal
MANAGERS = (StaffRole.OWNER, StaffRole.MANAGER)  # changes: plan drafts, announcements


def community_staff_role(user: User | None, community_id: int) -> str | None:
    """The user's staff role in the community (``owner``/``manager``/``viewer``), or None."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return (CommunityStaff.objects.filter(user_id=user.pk, community_id=community_id)
            .values_list("role", flat=True).first())


def require_community_staff(user: User | None, community_id: int | None, *,
                            roles: tuple[str, ...] = ANY_STAFF) -> Community:
    """The community ``community_id`` if ``user`` is on its staff with one of ``roles``; else raise.

    The one check of agency staff's permissions, called by the services and selectors behind every agency page
    and API. A community that does not exist and one the user is not staff of both answer
    ``network.community_not_found`` (404): nobody learns which other communities exist. Staff whose role is
    not among ``roles`` (a viewer asked to change something) get ``network.community_role_required`` (403).
    Two indexed reads. Operators get no pass here: their pages check ``require_operator``.
    """
    role = community_staff_role(user, community_id) if community_id is not None else None
    community = Community.objects.filter(pk=community_id).first() if role is not None else None
    if community is None:
        raise NotFound(NetworkError.COMMUNITY_NOT_FOUND, details={"community_id": community_id})
    if role not in roles:
        raise PermissionDenied(NetworkError.COMMUNITY_ROLE_REQUIRED, roles=", ".join(roles),
                               details={"roles": list(roles), "role": role})
    return community


def staff_communities(user: User | None) -> list[dict[str, Any]]:
    """The communities the user is staff of, by id, with their role: ``[{"id", "code", "name", "role"}]``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    rows = (CommunityStaff.objects.filter(user_id=user.pk).order_by("community_id")
            .values("community_id", "community__code", "community__name", "role"))
    return [{"id": r["community_id"], "code": r["community__code"], "name": r["community__name"],
             "role": r["role"]} for r in rows]


def communities_for_operator(*, user: User | None):
    """Every community with ``promoter_count`` and ``staff_count`` (counted in subqueries, one query), for the
    operators' list (ops or admin role)."""
    require_operator(user, Role.OPS)
    promoters = (Promoter.objects.filter(community=OuterRef("pk")).order_by().values("community")
                 .annotate(n=Count("pk")).values("n"))
    staff = (CommunityStaff.objects.filter(community=OuterRef("pk")).order_by().values("community")
             .annotate(n=Count("pk")).values("n"))
    return Community.objects.annotate(promoter_count=Coalesce(Subquery(promoters), 0),
                                      staff_count=Coalesce(Subquery(staff), 0))


def community_for_operator(*, user: User | None, community_id: int) -> dict[str, Any]:
    """One community for the operators' page: the community, its head promoters (roots), its staff with their
    users, and its promoter count; ``network.community_not_found`` (404) when there is none."""
    require_operator(user, Role.OPS)
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound(NetworkError.COMMUNITY_NOT_FOUND, details={"community_id": community_id})
    heads = list(Promoter.objects.filter(community=community, sponsor__isnull=True).select_related("user")
                 .order_by("id"))
    staff = list(CommunityStaff.objects.filter(community=community).select_related("user").order_by("role", "id"))
    return {"community": community, "heads": heads, "staff": staff,
            "promoters": Promoter.objects.filter(community=community).count()}


def promoter_for_user(user: User) -> Promoter:
    """The signed-in user's promoter row, or ``network.not_a_promoter``."""
    promoter = (Promoter.objects.select_related("community", "sponsor__user", "user")
                .filter(user_id=getattr(user, "pk", None)).first())
    if promoter is None:
        raise NotFound(NetworkError.NOT_A_PROMOTER)
    return promoter


def promoter_get(promoter_id: int) -> Promoter:
    """A promoter by id with their community, user and sponsor (what a profile shows), or
    ``network.promoter_unknown``."""
    promoter = (Promoter.objects.select_related("community", "user", "sponsor__user").filter(pk=promoter_id)
                .first())
    if promoter is None:
        raise NotFound(NetworkError.PROMOTER_UNKNOWN, promoter_id=promoter_id)
    return promoter


def chain_values(path: bytes, columns: tuple[str, ...] = LINK_COLUMNS) -> list[tuple]:
    """``columns`` of the promoter at ``path`` and then of each sponsor upward to the root (p0, p1, …), as tuples,
    from ONE query and without model instances (this runs for every paid order).

    The chain is read in the ranges of ``treepath.chain_ranges``: one range scan of the path index for every run
    of first children (a deep chain of single recruits is one range), one probe for every other level; each
    range's bounds are prefixes of ``path``, sent as byte lengths (the path goes once, not once per level).
    PostgreSQL: each range is an ordered index scan with ``LIMIT`` the chain's length (a range holds at most
    that many rows). The limit is what keeps the plan cheap: without it the planner guesses a third of the
    table per range, and a plan that costly is compiled by the JIT first (10–20 ms for a 0.6 ms query).
    SQLite, the embedded mode: the lengths as a JSON array, joined in the order given (``CROSS JOIN`` keeps
    SQLite from scanning the table first).
    """
    path = bytes(path)
    lows, highs, levels = treepath.chain_range_ends(path)
    select = ", ".join(f"p.{column}" for column in columns)
    if connection.vendor == "postgresql":
        sql = (f"SELECT {select} FROM unnest(%s::int[], %s::int[]) AS r(low, high) CROSS JOIN LATERAL ("
               f"SELECT * FROM {_table()} WHERE path >= substring(%s::bytea FROM 1 FOR r.low) "
               "AND path <= substring(%s::bytea FROM 1 FOR r.high) ORDER BY path LIMIT %s) AS p "
               "ORDER BY p.depth DESC")
        params: list = [lows, highs, path, path, levels]
    else:
        sql = (f"SELECT {select} FROM json_each(%s) AS r CROSS JOIN {_table()} AS p "
               "WHERE p.path >= substr(%s, 1, json_extract(r.value, '$[0]')) "
               "AND p.path <= substr(%s, 1, json_extract(r.value, '$[1]')) ORDER BY p.depth DESC")
        params = [json.dumps(list(zip(lows, highs, strict=True))), path, path]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def chain_links_for_path(path: bytes) -> list[tuple[int, str, bool]]:
    """What the incentive engine needs of the chain at ``path``: ``(id, rank, active)`` per level, p0 first."""
    return chain_values(path, LINK_COLUMNS)


def ancestor_ids_for_path(path: bytes) -> list[int]:
    """Ids of the promoter at ``path`` and of each sponsor upward to the root (p0 first)."""
    return [row[0] for row in chain_values(path, ("id",))]


def chain_for_path(path: bytes) -> list[dict[str, Any]]:
    """The promoter at ``path`` and then each sponsor upward to the root (p0, p1, …) as dicts of
    ``CHAIN_FIELDS``, from ONE query (``chain_values``)."""
    return [dict(zip(CHAIN_FIELDS, row, strict=True)) for row in chain_values(path, CHAIN_FIELDS)]


def _path_of(promoter_id: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT path FROM {_table()} WHERE id = %s", [promoter_id])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(NetworkError.PROMOTER_UNKNOWN, promoter_id=promoter_id)
    return bytes(row[0])


def promoter_chain(promoter_id: int) -> list[dict[str, Any]]:
    """The commission chain of a promoter (the sponsor tree is the chain's edge): p0 first, root last.

    Each item holds ``id, sponsor_id, user_id, community_id, rank, active, depth, stage``. Two indexed reads:
    the promoter's path by id, then the chain by path.
    """
    return chain_for_path(_path_of(promoter_id))


def chain_links(promoter_id: int) -> list[tuple[int, str, bool]]:
    """``(id, rank, active)`` of the promoter and each sponsor up to the root, p0 first: two indexed reads."""
    return chain_values(_path_of(promoter_id), LINK_COLUMNS)


def ancestor_ids(promoter_id: int) -> list[int]:
    """Ids of the promoter and each sponsor up to the root, p0 first: two indexed reads."""
    return ancestor_ids_for_path(_path_of(promoter_id))


def subtree_stats_for_path(path: bytes) -> tuple[int, Decimal]:
    """``(members, volume)`` of the subtree at ``path``, the promoter included: one aggregate over the
    index range, answered from the (path, personal_volume) index alone."""
    low, high = treepath.subtree_bounds(bytes(path))
    row = Promoter.objects.filter(path__gte=low, path__lt=high).aggregate(n=Count("*"), v=Sum("personal_volume"))
    return row["n"], row["v"] if row["v"] is not None else ZERO


def subtree_stats(promoter: Promoter) -> tuple[int, Decimal]:
    """Members (the promoter included) and summed lifetime personal volume of a promoter's whole team."""
    return subtree_stats_for_path(promoter.path)


def team_size(promoter: Promoter) -> int:
    """How many promoters are below this one, at any depth (团队人数; the promoter not counted)."""
    path = bytes(promoter.path)
    return Promoter.objects.filter(path__gt=path, path__lt=path + treepath.SUBTREE_END).count()


def team_counts_by_depth(promoter: Promoter) -> list[dict[str, int]]:
    """Team members per level below the promoter: ``[{"depth": 1, "count": n1}, {"depth": 2, …}, …]``."""
    path = bytes(promoter.path)
    rows = (Promoter.objects.filter(path__gt=path, path__lt=path + treepath.SUBTREE_END)
            .values("depth").annotate(n=Count("*")).order_by("depth"))
    return [{"depth": row["depth"] - promoter.depth, "count": row["n"]} for row in rows]


def direct_downlines(promoter: Promoter, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """The promoter's direct downlines (直属下级), oldest first, one page."""
    rows = (Promoter.objects.filter(sponsor_id=promoter.pk).order_by("id")
            .values("id", "user__display_name", "user__phone", "stage", "rank", "joined_via", "created_at")
            [offset:offset + limit])
    return [{"id": r["id"], "display_name": public_name(r["user__display_name"], r["user__phone"]),
             "stage": r["stage"], "rank": r["rank"], "joined_via": r["joined_via"], "joined_at": r["created_at"]}
            for r in rows]


def direct_downline_count(promoter: Promoter) -> int:
    """How many direct downlines the promoter has."""
    return Promoter.objects.filter(sponsor_id=promoter.pk).count()


def mentor_loads(*, active_only: bool = False) -> list[dict[str, Any]]:
    """The mentor pool with each mentor's load (direct downlines) and capacity, by mentor id."""
    query = Mentor.objects.all()
    if active_only:
        query = query.filter(active=True, promoter__community__kind=Community.Kind.OFFICIAL)
    rows = (query.annotate(load=Count("promoter__downlines")).order_by("id")
            .values("id", "promoter_id", "promoter__user__display_name", "promoter__user__phone", "active",
                    "capacity", "load"))
    return [{"id": r["id"], "promoter_id": r["promoter_id"],
             "display_name": public_name(r["promoter__user__display_name"], r["promoter__user__phone"]),
             "active": r["active"], "capacity": r["capacity"], "load": r["load"]} for r in rows]


def public_name(display_name: str, phone: str | None) -> str:
    """What others see of a promoter: the display name, else the phone with its middle masked."""
    if display_name:
        return display_name
    if phone and len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "推手"


def invite_code_lookup(code: str) -> dict[str, Any]:
    """Who an invite code belongs to, to confirm before signing up (public: no phone number shown)."""
    normalized = invite_codes.normalize(code)
    row = None
    if invite_codes.is_well_formed(normalized):
        row = (Promoter.objects.filter(invite_code=normalized)
               .values("invite_code", "invite_code_active", "user__display_name", "user__phone",
                       "community__code", "community__name", "community__active").first())
    if row is None:
        raise NotFound(NetworkError.INVITE_CODE_UNKNOWN, code=normalized or code)
    if not row["invite_code_active"] or not row["community__active"]:
        raise InvalidInput(NetworkError.INVITE_CODE_DISABLED, code=normalized)
    return {"invite_code": row["invite_code"],
            "inviter_display_name": public_name(row["user__display_name"], row["user__phone"]),
            "community": {"code": row["community__code"], "name": row["community__name"]}}


def switch_requests(*, status: str = MentorSwitchRequest.Status.PENDING, limit: int = 200) -> list[MentorSwitchRequest]:
    """Mentor switch requests in one status, newest first (for the operators' queue)."""
    return list(MentorSwitchRequest.objects.filter(status=status)[:limit])


def switch_request_get(request_id: int) -> MentorSwitchRequest:
    """A mentor switch request by id, or ``network.switch_request_unknown`` (404)."""
    switch = MentorSwitchRequest.objects.filter(pk=request_id).first()
    if switch is None:
        raise NotFound(NetworkError.SWITCH_REQUEST_UNKNOWN, request_id=request_id)
    return switch


def promoter_applications(*, status: str = PromoterApplication.Status.PENDING,
                          limit: int = 200) -> list[PromoterApplication]:
    """Applications to become a promoter in one status, oldest first (the operators' review queue)."""
    if status not in PromoterApplication.Status.values:
        raise InvalidInput(NetworkError.APPLICATION_STATUS_UNKNOWN, status=status,
                           details={"field": "status"})
    return list(PromoterApplication.objects.filter(status=status).order_by("created_at", "id")[:limit])


# --- the promoter centre ---------------------------------------------------------------------------------------

def direct_downlines_query(promoter: Promoter):
    """The promoter's direct downlines, newest first, as value rows for a paginated list (我的团队)."""
    return (Promoter.objects.filter(sponsor_id=promoter.pk).order_by("-id")
            .values("id", "user__display_name", "user__phone", "stage", "rank", "joined_via", "created_at"))


def team_joined_since(promoter: Promoter, since) -> int:
    """How many of the promoter's team (any depth, the promoter not counted) joined at or after ``since``."""
    path = bytes(promoter.path)
    return Promoter.objects.filter(path__gt=path, path__lt=path + treepath.SUBTREE_END, created_at__gte=since).count()


def team_rank_counts(promoter: Promoter) -> dict[str, int]:
    """Team members (any depth) per rank id; ``""`` is the lowest rank."""
    path = bytes(promoter.path)
    rows = (Promoter.objects.filter(path__gt=path, path__lt=path + treepath.SUBTREE_END)
            .values("rank").annotate(n=Count("*")).order_by("rank"))
    return {row["rank"]: row["n"] for row in rows}


def mentor_of(promoter: Promoter) -> Mentor | None:
    """The mentor the promoter was placed under (their sponsor, when the sponsor is in the mentor pool)."""
    if promoter.sponsor_id is None:
        return None
    return Mentor.objects.select_related("promoter__user").filter(promoter_id=promoter.sponsor_id).first()


def switch_requests_of(promoter: Promoter, *, limit: int = 10) -> list[MentorSwitchRequest]:
    """The promoter's own mentor switch requests, newest first, with the mentors' names at hand."""
    return list(MentorSwitchRequest.objects.filter(promoter=promoter)
                .select_related("to_mentor__promoter__user", "from_mentor__promoter__user")[:limit])
