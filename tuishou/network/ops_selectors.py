"""Reads for the operators' promoter pages (/ops/promoters/): the searchable list and one promoter's file —
profile, sponsor chain, team size, rank history and the audit trail of what operators did to them.

Every operator role may read (``require_operator(user)`` with no role); acting is the ``ops`` role's
(``operator_actions``). The wallet and the rank choices belong to other apps: the page adds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, is_operator, require_operator
from tuishou.core.errors import NotFound
from tuishou.network import selectors
from tuishou.network.errors import NetworkError
from tuishou.network.models import Community, Promoter, RankRecord
from tuishou.risk.models import AuditEntry

# What the list can be sorted by: the query string's key → the ordering (ties broken by id).
SORTS = {
    "joined": ("created_at", "id"), "-joined": ("-created_at", "-id"),
    "volume": ("personal_volume", "id"), "-volume": ("-personal_volume", "-id"),
    "sales": ("paid_sales_count", "id"), "-sales": ("-paid_sales_count", "-id"),
    "rank": ("rank", "id"), "-rank": ("-rank", "-id"),
    "id": ("id",), "-id": ("-id",),
}
DEFAULT_SORT = "-joined"
AUDIT_LIMIT = 50
RANK_HISTORY_LIMIT = 50


def promoters_for_operator(*, actor: User | None) -> QuerySet[Promoter]:
    """Every promoter, with the user and community a list shows; raises ``auth.forbidden`` for non-operators."""
    require_operator(actor)
    return Promoter.objects.select_related("user", "community")


def promoters_matching(rows: QuerySet[Promoter], term: str) -> QuerySet[Promoter]:
    """``rows`` whose phone starts with ``term``, whose invite code is ``term`` or whose display name contains it
    (an index probe for the phone and the code; the name is a scan, as in any back office)."""
    term = (term or "").strip()
    if not term:
        return rows
    return rows.filter(Q(user__phone__startswith=term) | Q(invite_code=term.upper())
                       | Q(user__display_name__icontains=term))


def promoters_search(*, actor: User | None, q: str = "", community: str = "", rank: str | None = None,
                     frozen: str = "", sort: str = DEFAULT_SORT) -> QuerySet[Promoter]:
    """Promoters for an operator (the API): ``q`` as ``promoters_matching``; filters by community code, rank id
    (``""``: the lowest) and ``frozen`` (``"yes"`` / ``"no"``); sorted by one of ``SORTS``. Raises
    ``auth.forbidden`` for non-operators."""
    rows = promoters_matching(promoters_for_operator(actor=actor), q)
    if community:
        rows = rows.filter(community__code=community)
    if rank is not None:
        rows = rows.filter(rank=rank)
    if frozen:
        rows = frozen_filter(rows, frozen)
    return rows.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def frozen_filter(rows: QuerySet[Promoter], frozen: str) -> QuerySet[Promoter]:
    """``"yes"``: frozen promoters only; ``"no"``: the others."""
    return rows.filter(frozen_at__isnull=frozen != "yes")


def communities_for_filter() -> list[tuple[str, str]]:
    """(code, name) of every community, for the list's filter."""
    return list(Community.objects.order_by("id").values_list("code", "name"))


def ranks_in_use() -> list[str]:
    """The rank ids promoters hold today (``""`` is the lowest), for the list's filter."""
    return sorted(Promoter.objects.order_by().values_list("rank", flat=True).distinct())


@dataclass(frozen=True)
class PromoterFile:
    """One promoter as an operator reads them (运营档案)."""

    promoter: Promoter
    chain: list[Promoter]  # sponsor first, up to the root
    team_size: int
    direct_count: int
    rank_history: list[RankRecord]
    audit: list[AuditEntry]
    can_act: bool


def promoter_file(*, actor: User | None, promoter_id: int) -> PromoterFile:
    """A promoter's file for ``/ops/promoters/<id>/``. Raises ``auth.forbidden`` for non-operators and
    ``network.promoter_unknown`` (404). Five queries whatever the chain's depth or the team's size."""
    require_operator(actor)
    promoter = Promoter.objects.select_related("user", "community").filter(pk=promoter_id).first()
    if promoter is None:
        raise NotFound(NetworkError.PROMOTER_UNKNOWN, promoter_id=promoter_id)
    upline_ids = [row["id"] for row in selectors.chain_for_path(bytes(promoter.path))[1:]]
    by_id = Promoter.objects.select_related("user").in_bulk(upline_ids)
    return PromoterFile(
        promoter=promoter, chain=[by_id[pk] for pk in upline_ids if pk in by_id],
        team_size=selectors.team_size(promoter), direct_count=selectors.direct_downline_count(promoter),
        rank_history=list(RankRecord.objects.filter(promoter=promoter).select_related("actor")[:RANK_HISTORY_LIMIT]),
        audit=list(AuditEntry.objects.filter(target_type=Promoter._meta.label_lower, target_id=str(promoter.pk))
                   .select_related("actor")[:AUDIT_LIMIT]),
        can_act=is_operator(actor, Role.OPS))
