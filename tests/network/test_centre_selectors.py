"""Reads of the promoter centre in network: direct downlines newest first, team members joined since a date,
team members per rank, a promoter's mentor and switch requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.network import factories as f
from tuishou.network import selectors, services
from tuishou.network.models import MentorSwitchRequest, Promoter

pytestmark = pytest.mark.django_db


def _tree():
    """root → a → a1 → a11; root → b (b joined 40 days ago)."""
    root = f.root(display_name="总")
    a, b = f.invitee(root, "甲"), f.invitee(root, "乙")
    a1 = f.invitee(a, "甲一")
    f.invitee(a1, "甲一一")
    Promoter.objects.filter(pk=b.pk).update(created_at=timezone.now() - timedelta(days=40), rank="shopkeeper")
    Promoter.objects.filter(pk=a1.pk).update(rank="shopkeeper")
    return root, a, b


def test_direct_downlines_newest_first_with_names():
    root, a, b = _tree()
    rows = list(selectors.direct_downlines_query(root))
    assert [(r["id"], r["user__display_name"], r["rank"]) for r in rows] == [(b.pk, "乙", "shopkeeper"),
                                                                              (a.pk, "甲", "")]


def test_team_joined_since_counts_every_depth_but_not_the_promoter():
    root, a, b = _tree()
    assert selectors.team_joined_since(root, timezone.now() - timedelta(days=30)) == 3
    assert selectors.team_joined_since(root, timezone.now() - timedelta(days=50)) == 4
    assert selectors.team_joined_since(a, timezone.now() - timedelta(days=30)) == 2
    assert selectors.team_joined_since(b, timezone.now() - timedelta(days=50)) == 0


def test_team_rank_counts():
    root, a, _b = _tree()
    assert selectors.team_rank_counts(root) == {"": 2, "shopkeeper": 2}
    assert selectors.team_rank_counts(a) == {"": 1, "shopkeeper": 1}


def test_mentor_of_and_own_switch_requests():
    f.policy(invite_code_required=False, switch_cooldown_days=0, switch_requires_approval=True)
    first = f.mentor(display_name="王导师")
    second = f.mentor(display_name="陈导师")
    f.invitee(second.promoter)
    placed = services.promoter_register(user=f.user("新人"), invite_code=None)
    assert selectors.mentor_of(placed) == first
    switch = services.mentor_switch_request(promoter=placed, to_mentor_id=second.pk, reason="想换")
    assert switch.status == MentorSwitchRequest.Status.PENDING
    assert selectors.switch_requests_of(placed) == [switch]
    assert selectors.switch_requests_of(first.promoter) == []
    assert selectors.mentor_of(f.invitee(placed)) is None  # a sponsor who is not a mentor
