"""Factories for network tests: users, communities and promoters, created through the real services."""

from __future__ import annotations

import itertools

from tuishou.accounts.models import User
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.network import services, treepath
from tuishou.network.models import Community, Mentor, NetworkPolicy, Promoter

_phones = itertools.count(13900000000)


def user(display_name: str = "") -> User:
    return user_create(phone=str(next(_phones)), password=None, display_name=display_name)


def operator(role: str = "ops") -> User:
    staff = user("运营")
    operator_role_grant(actor=None, user=staff, role=role)
    return staff


def official() -> Community:
    return services.community_official_get()


def agency(code: str = "XINGHUO", name: str = "星火社群") -> Community:
    return Community.objects.create(kind=Community.Kind.AGENCY, name=name, code=code)


def root(community: Community | None = None, display_name: str = "") -> Promoter:
    return services.community_root_create(community=community or official(), user=user(display_name))


def invitee(sponsor: Promoter, display_name: str = "") -> Promoter:
    return services.promoter_register(user=user(display_name), invite_code=sponsor.invite_code)


def chain(top: Promoter, length: int) -> list[Promoter]:
    """``length`` promoters, each inviting the next, under ``top``."""
    members, sponsor = [], top
    for _ in range(length):
        sponsor = invitee(sponsor)
        members.append(sponsor)
    return members


def mentor(*, under: Promoter | None = None, capacity: int | None = None, display_name: str = "") -> Mentor:
    """A promoter of the official community in the mentor pool (under the official root by default)."""
    sponsor = under or Promoter.objects.filter(community=official(), sponsor=None).first() or root()
    return Mentor.objects.create(promoter=invitee(sponsor, display_name), capacity=capacity)


def policy(**fields) -> NetworkPolicy:
    services.network_policy_get()
    NetworkPolicy.objects.filter(pk=1).update(**fields)
    return NetworkPolicy.objects.get(pk=1)


def refreshed(promoter: Promoter) -> Promoter:
    return Promoter.objects.get(pk=promoter.pk)


def assert_tree_consistent() -> None:
    """Recompute every promoter's path from its sponsor chain and compare with what is stored.

    Each path must be its sponsor's path plus exactly one segment (a root's: one segment), its depth the
    sponsor's plus one, and the ancestors found through the path the ones found by walking sponsor_id.
    """
    rows = {r["id"]: r for r in Promoter.objects.values("id", "sponsor_id", "path", "depth", "community_id",
                                                        "next_child_ordinal")}
    for row in rows.values():
        path = bytes(row["path"])
        segments = treepath.split(path)
        if row["sponsor_id"] is None:
            assert len(segments) == 1 and row["depth"] == 0, row
            continue
        sponsor = rows[row["sponsor_id"]]
        sponsor_path = bytes(sponsor["path"])
        assert path[: len(sponsor_path)] == sponsor_path, row
        assert treepath.split(path[len(sponsor_path):]) == segments[-1:], row
        assert row["depth"] == sponsor["depth"] + 1 == treepath.depth(path), row
        assert row["community_id"] == sponsor["community_id"], row
        own_ordinal = treepath.decode_segment(segments[-1])
        assert own_ordinal < sponsor["next_child_ordinal"], row
        walked, cursor = [], row["sponsor_id"]
        while cursor is not None:
            walked.append(cursor)
            cursor = rows[cursor]["sponsor_id"]
        by_path = [pid for pid, r in rows.items() if bytes(r["path"]) in set(treepath.ancestor_paths(path))]
        assert sorted(by_path) == sorted(walked), row
