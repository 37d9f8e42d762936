import pytest

from tests.network import factories as f
from tuishou.core.errors import InvalidInput, NotAuthenticated, PermissionDenied
from tuishou.network import selectors, services, treepath
from tuishou.network.models import Promoter
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _forest():
    """top ─ a ─ a1 ─ a2, and top ─ b ─ b1 (each under its inviter)."""
    top = f.root()
    a = f.invitee(top)
    a1, a2 = f.chain(a, 2)
    b = f.invitee(top)
    (b1,) = f.chain(b, 1)
    return top, a, a1, a2, b, b1


def _paths():
    return dict(Promoter.objects.values_list("id", "path"))


def test_correction_moves_the_whole_team_and_leaves_an_audit_record():
    top, a, a1, a2, b, b1 = _forest()
    ops = f.operator()
    moved = services.sponsor_correct(actor=ops, promoter=a, new_sponsor=b1, reason="注册时填错邀请码")
    assert moved.sponsor_id == b1.pk and moved.depth == 3
    assert [row["id"] for row in selectors.promoter_chain(a2.pk)] == [a2.pk, a1.pk, a.pk, b1.pk, b.pk, top.pk]
    assert f.refreshed(a2).depth == 5
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_id) == ("network.sponsor_corrected", ops, str(a.pk))
    assert entry.reason == "注册时填错邀请码"
    assert entry.data["from_sponsor_id"] == top.pk and entry.data["to_sponsor_id"] == b1.pk
    assert entry.data["members"] == 3
    f.assert_tree_consistent()


def test_correction_up_the_tree_shortens_depths():
    top, _a, _a1, a2, _b, _b1 = _forest()
    services.sponsor_correct(actor=f.operator(), promoter=a2, new_sponsor=top, reason="合并")
    assert f.refreshed(a2).depth == 1
    assert selectors.direct_downline_count(top) == 3
    f.assert_tree_consistent()


@pytest.mark.parametrize("target", ["self", "own_member"])
def test_correction_into_ones_own_team_is_a_cycle_and_writes_nothing(target):
    _top, a, _a1, a2, _b, _b1 = _forest()
    before = _paths()
    new_sponsor = a if target == "self" else a2
    with pytest.raises(InvalidInput) as err:
        services.sponsor_correct(actor=f.operator(), promoter=a, new_sponsor=new_sponsor, reason="x")
    assert err.value.code == "network.sponsor_cycle"
    assert _paths() == before
    assert f.refreshed(a2).next_child_ordinal == 0
    assert AuditEntry.objects.count() == 0


def test_correction_across_communities_is_refused():
    _top, a, *_ = _forest()
    other = f.root(f.agency())
    before = _paths()
    with pytest.raises(InvalidInput) as err:
        services.sponsor_correct(actor=f.operator(), promoter=a, new_sponsor=other, reason="x")
    assert err.value.code == "network.cross_community"
    assert _paths() == before and AuditEntry.objects.count() == 0


def test_correction_needs_a_reason_and_an_operator():
    top, a, _a1, _a2, b, _b1 = _forest()
    with pytest.raises(InvalidInput) as err:
        services.sponsor_correct(actor=f.operator(), promoter=a, new_sponsor=b, reason="  ")
    assert err.value.code == "network.reason_required"
    with pytest.raises(PermissionDenied):
        services.sponsor_correct(actor=b.user, promoter=a, new_sponsor=b, reason="我想要他")
    with pytest.raises(NotAuthenticated):
        services.sponsor_correct(actor=None, promoter=a, new_sponsor=b, reason="x")
    assert f.refreshed(a).sponsor_id == top.pk and AuditEntry.objects.count() == 0


def test_same_sponsor_is_refused():
    top, a, *_ = _forest()
    with pytest.raises(InvalidInput) as err:
        services.sponsor_correct(actor=f.operator(), promoter=a, new_sponsor=top, reason="x")
    assert err.value.code == "network.sponsor_unchanged"


def test_a_sequence_of_moves_keeps_every_path_consistent():
    top, a, a1, a2, b, b1 = _forest()
    extra = [f.invitee(top) for _ in range(130)]  # the 131st child of top needs a two-byte segment
    ops = f.operator()
    services.sponsor_correct(actor=ops, promoter=a, new_sponsor=extra[-1], reason="1")
    assert len(bytes(f.refreshed(a).path)) == len(bytes(top.path)) + 2 + 1
    services.sponsor_correct(actor=ops, promoter=b, new_sponsor=a2, reason="2")
    services.sponsor_correct(actor=ops, promoter=a1, new_sponsor=top, reason="3")
    services.sponsor_correct(actor=ops, promoter=extra[0], new_sponsor=b1, reason="4")
    f.assert_tree_consistent()
    assert selectors.team_size(f.refreshed(top)) == Promoter.objects.count() - 1


def test_move_keeps_bytes_that_look_like_text_terminators():
    # Ordinal 0 encodes as 0x00: a NUL in the middle of a path must survive SQLite's || and CAST.
    top = f.root()
    chain = f.chain(top, 4)
    target = f.invitee(top)
    services.sponsor_correct(actor=f.operator(), promoter=chain[0], new_sponsor=target, reason="x")
    assert bytes(f.refreshed(chain[-1]).path) == bytes(target.path) + b"\x00" + b"\x00\x00\x00"
    assert treepath.split(bytes(f.refreshed(chain[-1]).path))[-1] == b"\x00"


def test_chain_too_deep_for_an_index_entry_is_refused():
    top = f.root()
    deep = Promoter.objects.create(user=f.user(), community=top.community, sponsor=top, depth=1,
                                   path=bytes(top.path) + b"\x00" * (treepath.MAX_PATH_BYTES - 1),
                                   invite_code="DEEPAA", joined_via="invite")
    with pytest.raises(InvalidInput) as err:
        services.promoter_register(user=f.user(), invite_code=deep.invite_code)
    assert err.value.code == "network.path_too_deep"
    assert Promoter.objects.count() == 2
