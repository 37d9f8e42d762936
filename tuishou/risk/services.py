"""Writes for risk: recording audit entries. (Every app records its operators' actions here, so this module
imports nothing but the audit log: the flags' writes are in ``tuishou.risk.flags``.)"""

from __future__ import annotations

from typing import Any

from django.db import models

from tuishou.risk.models import AuditEntry


def audit_record(*, actor, action: str, target: models.Model, reason: str = "",
                 data: dict[str, Any] | None = None) -> AuditEntry:
    """Append an audit entry for ``action`` on ``target``; call it inside the action's transaction."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        reason=reason,
        data=data or {},
    )
