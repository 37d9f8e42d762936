"""Operator actions on one promoter (运营处置), each checked (the ``ops`` role, or ``admin``) and audited:

* freeze / unfreeze with a reason (冻结 / 解冻). While frozen the promoter's commissions are booked but not
  settled (settlement skips them; a month's team-volume or pool share is booked pending, ``settlement.periods``),
  withdrawals are refused and the store and share links answer as unavailable; unfrozen, the next settlement
  run settles what fell due meanwhile.
* disable / re-enable the invite code: sign-ups with a disabled code are refused (``network.invite_code_disabled``).

A rank set by hand is in ``promoter_changes`` (``promoter_rank_set(..., lock=True)``), called by the incentive
app's ``rank_override``, which knows the plan's ranks. Every refusal raises a ``DomainError`` before anything is
written, and each action locks the promoter's row, so two operators acting at once cannot both succeed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.network.errors import NetworkError
from tuishou.network.models import Promoter
from tuishou.risk.services import audit_record

REASON_MAX = 500


def action_reason(reason: str | None) -> str:
    """The reason an operator gave, trimmed; ``network.action_reason_missing`` when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(NetworkError.ACTION_REASON_MISSING, details={"field": "reason"})
    return reason[:REASON_MAX]


def promoter_locked(promoter_id: int) -> Promoter:
    """The promoter's row under a lock (inside the caller's transaction), or ``network.promoter_unknown``."""
    promoter = Promoter.objects.select_for_update().filter(pk=promoter_id).first()
    if promoter is None:
        raise NotFound(NetworkError.PROMOTER_UNKNOWN, promoter_id=promoter_id)
    return promoter


def promoter_freeze(*, actor: User | None, promoter_id: int, reason: str) -> Promoter:
    """Freeze a promoter (冻结). Raises ``auth.forbidden``, ``network.action_reason_missing``,
    ``network.promoter_unknown`` (404), ``network.promoter_frozen`` (409). Audited ``network.promoter_frozen``."""
    require_operator(actor, Role.OPS)
    reason = action_reason(reason)
    with transaction.atomic():
        promoter = promoter_locked(promoter_id)
        if promoter.frozen_at is not None:
            raise Conflict(NetworkError.PROMOTER_FROZEN, details={"promoter_id": promoter_id})
        promoter.frozen_at, promoter.frozen_reason = timezone.now(), reason
        promoter.save(update_fields=["frozen_at", "frozen_reason"])
        audit_record(actor=actor, action="network.promoter_frozen", target=promoter, reason=reason)
    return promoter


def promoter_unfreeze(*, actor: User | None, promoter_id: int, reason: str) -> Promoter:
    """Lift a freeze (解冻): held commissions settle at the next run. Raises ``auth.forbidden``,
    ``network.action_reason_missing``, ``network.promoter_unknown`` (404), ``network.promoter_not_frozen`` (409).
    Audited ``network.promoter_unfrozen`` with when the freeze began and why."""
    require_operator(actor, Role.OPS)
    reason = action_reason(reason)
    with transaction.atomic():
        promoter = promoter_locked(promoter_id)
        if promoter.frozen_at is None:
            raise Conflict(NetworkError.PROMOTER_NOT_FROZEN, details={"promoter_id": promoter_id})
        data = {"frozen_at": promoter.frozen_at.isoformat(), "frozen_reason": promoter.frozen_reason}
        promoter.frozen_at, promoter.frozen_reason = None, ""
        promoter.save(update_fields=["frozen_at", "frozen_reason"])
        audit_record(actor=actor, action="network.promoter_unfrozen", target=promoter, reason=reason, data=data)
    return promoter


def promoter_invite_code_set_active(*, actor: User | None, promoter_id: int, active: bool, reason: str) -> Promoter:
    """Disable (or re-enable) a promoter's invite code. Raises ``auth.forbidden``, ``network.action_reason_missing``,
    ``network.promoter_unknown`` (404), ``network.invite_code_already_disabled`` /
    ``network.invite_code_already_active`` (409). Audited ``network.invite_code_disabled`` / ``…_enabled``."""
    require_operator(actor, Role.OPS)
    reason = action_reason(reason)
    with transaction.atomic():
        promoter = promoter_locked(promoter_id)
        if promoter.invite_code_active == active:
            if active:
                raise Conflict(NetworkError.INVITE_CODE_ALREADY_ACTIVE, code=promoter.invite_code,
                               details={"promoter_id": promoter_id})
            raise Conflict(NetworkError.INVITE_CODE_ALREADY_DISABLED, code=promoter.invite_code,
                           details={"promoter_id": promoter_id})
        promoter.invite_code_active = active
        promoter.save(update_fields=["invite_code_active"])
        audit_record(actor=actor, action=f"network.invite_code_{'enabled' if active else 'disabled'}",
                     target=promoter, reason=reason, data={"invite_code": promoter.invite_code})
    return promoter
