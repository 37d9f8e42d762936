"""Operator actions on a promoter: freeze and unfreeze, a rank set by hand, the invite code disabled — each
checked, audited, and refused cleanly with nothing written."""

from __future__ import annotations

import pytest

from tests.network import factories as nf
from tuishou.accounts.models import User
from tuishou.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from tuishou.network import operator_actions, services
from tuishou.network.models import Promoter
from tuishou.risk.models import AuditEntry

pytestmark = pytest.mark.django_db


def _audit() -> list[tuple]:
    return list(AuditEntry.objects.order_by("id").values_list("action", "target_id", "reason"))


def test_freeze_then_unfreeze_records_both_in_the_audit_log():
    ops, promoter = nf.operator("ops"), nf.root(display_name="阿花")

    frozen = operator_actions.promoter_freeze(actor=ops, promoter_id=promoter.pk, reason="  疑似刷单  ")

    row = Promoter.objects.get(pk=promoter.pk)
    assert (row.frozen_at is not None, row.frozen_reason) == (True, "疑似刷单")
    assert frozen.frozen_at == row.frozen_at
    assert _audit() == [("network.promoter_frozen", str(promoter.pk), "疑似刷单")]

    operator_actions.promoter_unfreeze(actor=ops, promoter_id=promoter.pk, reason="核实无误")

    row.refresh_from_db()
    assert (row.frozen_at, row.frozen_reason) == (None, "")
    entry = AuditEntry.objects.order_by("id").last()
    assert (entry.action, entry.reason, entry.actor_id, entry.data["frozen_reason"]) == (
        "network.promoter_unfrozen", "核实无误", ops.pk, "疑似刷单")


def test_admin_role_acts_too():
    admin, promoter = nf.operator("admin"), nf.root()
    operator_actions.promoter_freeze(actor=admin, promoter_id=promoter.pk, reason="风控")
    assert Promoter.objects.get(pk=promoter.pk).frozen_reason == "风控"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_freezing_without_a_reason_is_refused_and_writes_nothing(reason):
    ops, promoter = nf.operator("ops"), nf.root()
    with pytest.raises(InvalidInput) as refused:
        operator_actions.promoter_freeze(actor=ops, promoter_id=promoter.pk, reason=reason)
    assert (refused.value.code, refused.value.details) == ("network.action_reason_missing", {"field": "reason"})
    assert Promoter.objects.get(pk=promoter.pk).frozen_at is None
    assert _audit() == []


def test_freezing_twice_is_a_conflict_and_keeps_the_first_reason():
    ops, promoter = nf.operator("ops"), nf.root()
    operator_actions.promoter_freeze(actor=ops, promoter_id=promoter.pk, reason="第一次")
    with pytest.raises(Conflict) as refused:
        operator_actions.promoter_freeze(actor=ops, promoter_id=promoter.pk, reason="第二次")
    assert refused.value.code == "network.promoter_frozen"
    assert Promoter.objects.get(pk=promoter.pk).frozen_reason == "第一次"
    assert [a for a, *_ in _audit()] == ["network.promoter_frozen"]


def test_unfreezing_a_promoter_who_is_not_frozen_is_a_conflict():
    ops, promoter = nf.operator("ops"), nf.root()
    with pytest.raises(Conflict) as refused:
        operator_actions.promoter_unfreeze(actor=ops, promoter_id=promoter.pk, reason="解冻")
    assert refused.value.code == "network.promoter_not_frozen"
    assert _audit() == []


def test_an_unknown_promoter_is_not_found():
    with pytest.raises(NotFound) as refused:
        operator_actions.promoter_freeze(actor=nf.operator("ops"), promoter_id=999999, reason="x")
    assert (refused.value.code, refused.value.status) == ("network.promoter_unknown", 404)
    assert _audit() == []


@pytest.mark.parametrize("role", ["finance", "customer_service", "risk"])
def test_other_operator_roles_may_not_act(role):
    promoter = nf.root()
    with pytest.raises(PermissionDenied) as refused:
        operator_actions.promoter_freeze(actor=nf.operator(role), promoter_id=promoter.pk, reason="x")
    assert refused.value.code == "auth.forbidden"
    with pytest.raises(PermissionDenied):
        operator_actions.promoter_invite_code_set_active(actor=nf.operator(role), promoter_id=promoter.pk,
                                                         active=False, reason="x")
    assert Promoter.objects.get(pk=promoter.pk).frozen_at is None
    assert _audit() == []


def test_a_promoter_or_nobody_may_not_act():
    promoter = nf.root()
    with pytest.raises(PermissionDenied):
        operator_actions.promoter_freeze(actor=promoter.user, promoter_id=promoter.pk, reason="x")
    with pytest.raises(NotAuthenticated):
        operator_actions.promoter_freeze(actor=None, promoter_id=promoter.pk, reason="x")
    assert _audit() == []


def test_a_disabled_invite_code_refuses_sign_ups_until_enabled_again():
    ops, inviter = nf.operator("ops"), nf.root()
    operator_actions.promoter_invite_code_set_active(actor=ops, promoter_id=inviter.pk, active=False,
                                                     reason="邀请码外泄")
    assert _audit() == [("network.invite_code_disabled", str(inviter.pk), "邀请码外泄")]
    newcomer = nf.user()

    with pytest.raises(InvalidInput) as refused:
        services.promoter_register(user=newcomer, invite_code=inviter.invite_code)
    assert (refused.value.code, refused.value.details) == ("network.invite_code_disabled", {"field": "invite_code"})
    assert refused.value.message == f"The invite code {inviter.invite_code} is no longer in use."
    assert not Promoter.objects.filter(user=newcomer).exists()

    with pytest.raises(InvalidInput):
        services.promoter_signup(phone="13912340000", password="a-long-pass-123", invite_code=inviter.invite_code)
    assert not User.objects.filter(phone="13912340000").exists()

    with pytest.raises(Conflict) as twice:
        operator_actions.promoter_invite_code_set_active(actor=ops, promoter_id=inviter.pk, active=False,
                                                         reason="again")
    assert twice.value.code == "network.invite_code_already_disabled"

    operator_actions.promoter_invite_code_set_active(actor=ops, promoter_id=inviter.pk, active=True, reason="恢复")
    joined = services.promoter_register(user=newcomer, invite_code=inviter.invite_code)
    assert joined.sponsor_id == inviter.pk
    assert [a for a, *_ in _audit()] == ["network.invite_code_disabled", "network.invite_code_enabled"]

