"""A temporary shopkeeper chooses their community before the first sale (淘小铺 model: 选择机构).

A new promoter starts as a temporary shopkeeper (临时店主) in the community of whoever invited them (or the
official one). Until their first paid sale they may choose another open community; the first sale makes them an
ordinary shopkeeper (``promoter_record_first_sale``) and fixes the choice (``network.community_choice_fixed``).

The sponsor tree's invariant is that sponsor edges never cross communities, so a choice cannot keep the
inviter as sponsor when it leaves the inviter's community. What happens to the sponsor:

- choosing the community one is already in keeps the sponsor (the choice is only recorded);
- choosing an agency re-hangs the shopkeeper under the agency's head (its first root promoter), as the agency's
  own recruit (``joined_via = chosen``): the inviter keeps nothing of them, which is the price of a choice made
  before anything was sold, and what the 淘小铺 model intends (the agency, not the inviter, takes them in);
- choosing the official community places them under a mentor by the placement policy (``joined_via = placed``,
  so the mentor-switch rules apply), else under the operator's default sponsor.

The shopkeeper's own team moves with them in the same subtree move (one UPDATE of the path range, then the
community of that range), so no edge inside the team crosses communities either. A team member who has already
sold is bound to the community: the move is then refused (``network.community_choice_team_bound``). A rank from
the old community's plan means nothing in the new one: it is reset to the lowest, with a rank record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tuishou.core.errors import Conflict, NotFound
from tuishou.network import tree_writes, treepath
from tuishou.network.errors import NetworkError
from tuishou.network.models import Community, Mentor, Promoter, RankRecord
from tuishou.network.promoter_changes import promoter_rank_set
from tuishou.network.services import _mentor_pick, network_policy_get
from tuishou.risk.services import audit_record

JoinedVia = Promoter.JoinedVia


@dataclass(frozen=True)
class Choice:
    """What the community page shows: whether the person may still choose, and the open communities."""

    promoter: Promoter
    can_choose: bool
    communities: list[dict[str, Any]]


def community_choice_open(promoter: Promoter) -> bool:
    """True while the promoter may still choose: a temporary shopkeeper with no paid sale, not a head."""
    return (promoter.stage == Promoter.Stage.TEMPORARY and promoter.paid_sales_count == 0
            and promoter.joined_via != JoinedVia.ROOT)


def communities_open_to_join(promoter: Promoter) -> Choice:
    """The active communities (official first, then agencies by name) with their promoter counts, the
    promoter's own marked ``current``. One query."""
    rows = (Community.objects.filter(active=True)
            .annotate(members=Count("promoters", filter=Q(promoters__active=True)))
            .order_by("-kind", "name", "id")  # "official" sorts after "agency": reversed, it comes first
            .values("id", "code", "name", "kind", "members"))
    communities = [{**row, "current": row["id"] == promoter.community_id} for row in rows]
    return Choice(promoter=promoter, can_choose=community_choice_open(promoter), communities=communities)


def _new_sponsor(community: Community) -> tuple[Promoter, str]:
    if community.kind == Community.Kind.OFFICIAL:
        policy = network_policy_get()
        mentor = _mentor_pick(policy)
        if mentor is not None:
            return mentor.promoter, JoinedVia.PLACED
        default = policy.default_sponsor
        if default is not None and default.community_id == community.pk:
            return default, JoinedVia.DEFAULT_SPONSOR
    else:
        head = (Promoter.objects.filter(community=community, sponsor__isnull=True, joined_via=JoinedVia.ROOT)
                .order_by("id").first())
        if head is not None:
            return head, JoinedVia.CHOSEN
    raise Conflict(NetworkError.COMMUNITY_NO_HEAD, name=community.name, details={"field": "community"})


def promoter_community_choose(*, promoter: Promoter, community_id: int, now: datetime | None = None) -> Promoter:
    """The temporary shopkeeper joins ``community_id`` (see the module docstring for the sponsor), in one
    transaction, audited as ``network.community_chosen``.

    Refused with ``network.community_choice_fixed`` after the first paid sale, ``network.community_choice_head``
    for a community's head, ``network.community_choice_mentor`` for an official mentor,
    ``network.community_not_found`` (404, also for a closed community), ``network.community_no_head``,
    ``network.community_choice_team_bound``; a refusal writes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Promoter.objects.select_for_update().get(pk=promoter.pk)
        if locked.stage != Promoter.Stage.TEMPORARY or locked.paid_sales_count > 0:
            raise Conflict(NetworkError.CHOICE_FIXED, details={"field": "community"})
        if locked.joined_via == JoinedVia.ROOT:
            raise Conflict(NetworkError.CHOICE_HEAD, details={"field": "community"})
        community = Community.objects.filter(pk=community_id, active=True).first()
        if community is None:
            raise NotFound(NetworkError.COMMUNITY_NOT_FOUND, details={"field": "community"})
        data: dict[str, Any] = {"from_community": locked.community_id, "to_community": community.pk,
                                "from_sponsor_id": locked.sponsor_id}
        if community.pk != locked.community_id:
            if Mentor.objects.filter(promoter_id=locked.pk).exists():
                raise Conflict(NetworkError.CHOICE_MENTOR, details={"field": "community"})
            low, high = treepath.subtree_bounds(bytes(locked.path))
            team = Promoter.objects.filter(path__gt=low, path__lt=high)
            if team.filter(Q(paid_sales_count__gt=0) | ~Q(stage=Promoter.Stage.TEMPORARY)).exists():
                raise Conflict(NetworkError.CHOICE_TEAM_BOUND, details={"field": "community"})
            sponsor, joined_via = _new_sponsor(community)
            pair = tree_writes.lock_pair(locked.pk, sponsor.pk)
            move = tree_writes.subtree_move(root=pair[locked.pk], new_sponsor=pair[sponsor.pk])
            new_low, new_high = treepath.subtree_bounds(move.new_path)
            Promoter.objects.filter(path__gte=new_low, path__lt=new_high).update(community=community)
            locked.joined_via = joined_via
            data |= {"to_sponsor_id": sponsor.pk, "members": move.members, "joined_via": joined_via}
            if locked.rank:
                promoter_rank_set(locked, "", source=RankRecord.Source.EVALUATION, effective_at=now,
                                  reason=f"community changed to {community.code}")
        Promoter.objects.filter(pk=locked.pk).update(joined_via=locked.joined_via, community_chosen_at=now)
        audit_record(actor=locked.user, action="network.community_chosen", target=locked, data=data)
    return Promoter.objects.select_related("community", "sponsor__user", "user").get(pk=promoter.pk)
