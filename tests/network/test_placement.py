import random

import pytest

from tests.network import factories as f
from tuishou.network import selectors, services

pytestmark = pytest.mark.django_db


def _place():
    return services.promoter_register(user=f.user(), invite_code=None)


def test_no_code_is_placed_under_a_mentor_who_becomes_the_sponsor():
    mentor = f.mentor()
    promoter = _place()
    assert promoter.sponsor_id == mentor.promoter_id
    assert promoter.joined_via == "placed"
    assert promoter.community.kind == "official"
    f.assert_tree_consistent()


def test_least_loaded_picks_the_mentor_with_fewest_direct_downlines():
    f.policy(placement_policy="least_loaded")
    busy, quiet = f.mentor(), f.mentor()
    f.invitee(busy.promoter)
    f.invitee(busy.promoter)
    f.invitee(quiet.promoter)
    assert _place().sponsor_id == quiet.promoter_id
    assert _place().sponsor_id == busy.promoter_id  # 2 each: a tie goes to the older mentor
    assert {m["id"]: m["load"] for m in selectors.mentor_loads()} == {busy.pk: 3, quiet.pk: 2}


def test_least_loaded_breaks_ties_by_the_oldest_mentor():
    f.policy(placement_policy="least_loaded")
    first, second = f.mentor(), f.mentor()
    assert [_place().sponsor_id for _ in range(4)] == [first.promoter_id, second.promoter_id] * 2


def test_round_robin_cycles_through_the_mentors():
    f.policy(placement_policy="round_robin")
    a, b, c = f.mentor(), f.mentor(), f.mentor()
    picked = [_place().sponsor_id for _ in range(7)]
    assert picked == [a.promoter_id, b.promoter_id, c.promoter_id] * 2 + [a.promoter_id]


def test_round_robin_skips_inactive_and_full_mentors():
    f.policy(placement_policy="round_robin")
    a, b, c = f.mentor(), f.mentor(capacity=1), f.mentor()
    c.active = False
    c.save()
    picked = [_place().sponsor_id for _ in range(4)]
    assert picked == [a.promoter_id, b.promoter_id, a.promoter_id, a.promoter_id]


def test_random_placement_is_deterministic_with_a_seeded_generator(monkeypatch):
    f.policy(placement_policy="random")
    mentors = [f.mentor() for _ in range(3)]
    monkeypatch.setattr(services, "RNG", random.Random(7))
    picked = [_place().sponsor_id for _ in range(6)]
    expected_rng = random.Random(7)
    ids = [m.promoter_id for m in mentors]
    assert picked == [expected_rng.choice(ids) for _ in range(6)]


def test_full_mentors_fall_back_to_the_default_sponsor():
    mentor = f.mentor(capacity=1)
    _place()
    platform = mentor.promoter.sponsor
    f.policy(default_sponsor=platform)
    promoter = _place()
    assert promoter.sponsor_id == platform.pk and promoter.joined_via == "default_sponsor"


def test_invitee_is_not_placed_even_when_mentors_exist():
    f.mentor()
    top = f.root(f.agency())
    promoter = f.invitee(top)
    assert promoter.sponsor_id == top.pk and promoter.joined_via == "invite"
