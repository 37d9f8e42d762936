import pytest

from tests.concurrency import at_once, errors_of
from tests.network import factories as f
from tuishou.network import services, treepath
from tuishou.network.models import Promoter


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ups_under_one_sponsor_get_distinct_ordinals():
    top = f.root()
    users = [f.user() for _ in range(6)]
    outcomes = at_once([lambda u=u: services.promoter_register(user=u, invite_code=top.invite_code) for u in users])
    assert errors_of(outcomes) == []
    children = Promoter.objects.filter(sponsor=top)
    ordinals = sorted(treepath.decode_segment(bytes(p.path)[len(bytes(top.path)):]) for p in children)
    assert ordinals == [0, 1, 2, 3, 4, 5]
    assert f.refreshed(top).next_child_ordinal == 6
    f.assert_tree_consistent()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_moves_under_one_sponsor_keep_the_tree_consistent():
    top = f.root()
    target = f.invitee(top)
    movers = [f.invitee(top) for _ in range(4)]
    for mover in movers:
        f.chain(mover, 2)
    ops = f.operator()
    outcomes = at_once([lambda m=m: services.sponsor_correct(actor=ops, promoter=m, new_sponsor=target,
                                                              reason="合并团队") for m in movers])
    assert errors_of(outcomes) == []
    assert Promoter.objects.filter(sponsor=target).count() == 4
    f.assert_tree_consistent()
