import threading

import pytest
from django.db import connection

from tests.network import factories as f
from tuishou.network import services, treepath
from tuishou.network.models import Promoter


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ups_under_one_sponsor_get_distinct_ordinals():
    top = f.root()
    users = [f.user() for _ in range(6)]
    barrier = threading.Barrier(len(users))
    errors = []

    def sign_up(user):
        try:
            barrier.wait()
            services.promoter_register(user=user, invite_code=top.invite_code)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
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
    barrier = threading.Barrier(len(movers))
    errors = []

    def move(promoter):
        try:
            barrier.wait()
            services.sponsor_correct(actor=ops, promoter=promoter, new_sponsor=target, reason="合并团队")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(m,)) for m in movers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Promoter.objects.filter(sponsor=target).count() == 4
    f.assert_tree_consistent()
