from datetime import timedelta

import pytest
from django.utils import timezone

from tests.network import factories as f
from tuishou.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tuishou.network import services, treepath
from tuishou.network.models import Mentor, MentorSwitchRequest, Promoter
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _placed_with_team(mentor, team: int = 3):
    """A promoter placed under ``mentor`` 60 days ago, with ``team`` members below in a chain."""
    f.policy(placement_policy="least_loaded")
    placed = services.promoter_register(user=f.user(), invite_code=None)
    assert placed.sponsor_id == mentor.promoter_id
    members = f.chain(placed, team)
    Promoter.objects.filter(pk=placed.pk).update(created_at=timezone.now() - timedelta(days=60))
    return f.refreshed(placed), members


def _setup(**policy):
    old, new = f.mentor(), f.mentor()
    new.active = False  # keep placement on ``old``
    new.save()
    placed, members = _placed_with_team(old)
    new.active = True
    new.save()
    f.policy(**({"switch_cooldown_days": 30, "switch_max_count": 1} | policy))
    return old, new, placed, members


def _nothing_moved(placed, members, sponsor_id):
    assert f.refreshed(placed).sponsor_id == sponsor_id
    assert MentorSwitchRequest.objects.count() == 0
    f.assert_tree_consistent()


def test_switch_moves_the_promoter_with_the_whole_team():
    old, new, placed, members = _setup()
    switch = services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk, reason="离家近")
    assert switch.status == "applied" and switch.from_mentor_id == old.pk
    moved = f.refreshed(placed)
    assert moved.sponsor_id == new.promoter_id
    assert moved.switch_count == 1 and moved.last_switched_at is not None
    assert bytes(moved.path) == treepath.child_path(bytes(new.promoter.path), 0)
    for depth_below, member in enumerate(members, start=1):
        member = f.refreshed(member)
        assert treepath.is_within(bytes(member.path), bytes(moved.path))
        assert member.depth == moved.depth + depth_below
    f.assert_tree_consistent()


def test_invitee_cannot_switch_mentor():
    old, new, _, _ = _setup()
    invited = f.invitee(old.promoter)
    with pytest.raises(InvalidInput) as err:
        services.mentor_switch_request(promoter=invited, to_mentor_id=new.pk)
    assert err.value.code == "network.switch_not_placed"
    assert f.refreshed(invited).sponsor_id == old.promoter_id
    assert MentorSwitchRequest.objects.count() == 0


def test_switch_within_the_cooldown_is_refused():
    _, new, placed, members = _setup(switch_cooldown_days=90)
    with pytest.raises(InvalidInput) as err:
        services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk)
    assert err.value.code == "network.switch_cooldown"
    _nothing_moved(placed, members, placed.sponsor_id)


def test_switch_beyond_the_maximum_count_is_refused():
    old, new, placed, _members = _setup(switch_max_count=1, switch_cooldown_days=0)
    services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk)
    with pytest.raises(InvalidInput) as err:
        services.mentor_switch_request(promoter=f.refreshed(placed), to_mentor_id=old.pk)
    assert err.value.code == "network.switch_limit"
    assert f.refreshed(placed).sponsor_id == new.promoter_id
    assert MentorSwitchRequest.objects.count() == 1


def test_second_switch_waits_for_the_cooldown_after_the_first():
    old, new, placed, _ = _setup(switch_max_count=5, switch_cooldown_days=7)
    services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk)
    with pytest.raises(InvalidInput) as err:
        services.mentor_switch_request(promoter=f.refreshed(placed), to_mentor_id=old.pk)
    assert err.value.code == "network.switch_cooldown"


def test_switch_after_the_sales_limit_is_refused():
    _, new, placed, members = _setup(switch_max_sales=2)
    services.promoter_record_first_sale(placed)
    services.promoter_record_first_sale(placed)
    with pytest.raises(InvalidInput) as err:
        services.mentor_switch_request(promoter=f.refreshed(placed), to_mentor_id=new.pk)
    assert err.value.code == "network.switch_after_sales"
    _nothing_moved(placed, members, placed.sponsor_id)


def test_switch_to_the_same_mentor_is_refused():
    old, _, placed, members = _setup()
    with pytest.raises(InvalidInput) as err:
        services.mentor_switch_request(promoter=placed, to_mentor_id=old.pk)
    assert err.value.code == "network.switch_same_mentor"
    _nothing_moved(placed, members, old.promoter_id)


@pytest.mark.parametrize("which", ["missing", "inactive"])
def test_switch_to_an_unknown_or_inactive_mentor_is_refused(which):
    old, new, placed, members = _setup()
    target = 10_000
    if which == "inactive":
        new.active = False
        new.save()
        target = new.pk
    with pytest.raises(NotFound) as err:
        services.mentor_switch_request(promoter=placed, to_mentor_id=target)
    assert err.value.code == "network.mentor_unknown"
    _nothing_moved(placed, members, old.promoter_id)


def test_switch_under_a_mentor_in_ones_own_team_is_a_cycle():
    old, _, placed, members = _setup()
    own_member_as_mentor = Mentor.objects.create(promoter=members[1])
    with pytest.raises(InvalidInput) as err:
        services.mentor_switch_request(promoter=placed, to_mentor_id=own_member_as_mentor.pk)
    assert err.value.code == "network.sponsor_cycle"
    _nothing_moved(placed, members, old.promoter_id)


def test_switch_with_approval_waits_and_is_applied_on_approval():
    old, new, placed, _members = _setup(switch_requires_approval=True)
    ops = f.operator()
    switch = services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk, reason="导师不回消息")
    assert switch.status == "pending"
    assert f.refreshed(placed).sponsor_id == old.promoter_id
    with pytest.raises(Conflict) as err:
        services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk)
    assert err.value.code == "network.switch_pending"

    decided = services.mentor_switch_decide(actor=ops, switch=switch, approve=True, reason="核实")
    assert decided.status == "applied" and decided.decided_by == ops
    assert f.refreshed(placed).sponsor_id == new.promoter_id
    entry = AuditEntry.objects.get()
    assert entry.action == "network.mentor_switch_approved" and entry.actor == ops
    assert entry.data["members"] == 4
    f.assert_tree_consistent()


def test_rejected_switch_moves_nothing_and_cannot_be_decided_twice():
    old, new, placed, _members = _setup(switch_requires_approval=True)
    ops = f.operator()
    switch = services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk)
    services.mentor_switch_decide(actor=ops, switch=switch, approve=False, reason="保护原团队")
    assert f.refreshed(placed).sponsor_id == old.promoter_id
    assert MentorSwitchRequest.objects.get().status == "rejected"
    with pytest.raises(Conflict) as err:
        services.mentor_switch_decide(actor=ops, switch=switch, approve=True)
    assert err.value.code == "network.switch_not_pending"
    assert AuditEntry.objects.count() == 1


def test_approval_rechecks_the_policy():
    old, new, placed, _members = _setup(switch_requires_approval=True, switch_max_sales=1)
    switch = services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk)
    services.promoter_record_first_sale(placed)
    with pytest.raises(InvalidInput) as err:
        services.mentor_switch_decide(actor=f.operator(), switch=switch, approve=True)
    assert err.value.code == "network.switch_after_sales"
    assert MentorSwitchRequest.objects.get().status == "pending"
    assert f.refreshed(placed).sponsor_id == old.promoter_id
    assert AuditEntry.objects.count() == 0


def test_only_operators_decide_switches():
    _, new, placed, _ = _setup(switch_requires_approval=True)
    switch = services.mentor_switch_request(promoter=placed, to_mentor_id=new.pk)
    with pytest.raises(PermissionDenied):
        services.mentor_switch_decide(actor=placed.user, switch=switch, approve=True)
    assert MentorSwitchRequest.objects.get().status == "pending"
