"""Changes to a promoter already in the network: an operator's sponsor correction (纠正上级), invite codes,
the shopkeeper stage and ranks. Registration and mentors are in ``services``, which re-exports these.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.core import events
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.network import invite_codes, tree_writes, treepath
from tuishou.network.errors import NetworkError
from tuishou.network.models import Promoter, RankRecord
from tuishou.risk.services import audit_record

# --- operator sponsor correction (纠正上级) ---------------------------------------------------------

def sponsor_correct(*, actor: User | None, promoter: Promoter, new_sponsor: Promoter, reason: str) -> Promoter:
    """An operator re-hangs a promoter, with their whole team, under another sponsor of the same community.

    Refused with ``network.sponsor_cycle`` when the new sponsor is the promoter or inside their team,
    ``network.cross_community`` across communities, ``network.sponsor_unchanged`` for a no-op. Audited.
    """
    require_operator(actor, Role.OPS)
    if not (reason or "").strip():
        raise InvalidInput(NetworkError.REASON_REQUIRED,
                           details={"field": "reason"})
    with transaction.atomic():
        locked = tree_writes.lock_pair(promoter.pk, new_sponsor.pk)
        promoter, new_sponsor = locked[promoter.pk], locked.get(new_sponsor.pk, locked[promoter.pk])
        if treepath.is_within(bytes(new_sponsor.path), bytes(promoter.path)):
            raise InvalidInput(NetworkError.SPONSOR_CYCLE)
        if new_sponsor.community_id != promoter.community_id:
            raise InvalidInput(NetworkError.CROSS_COMMUNITY)
        if promoter.sponsor_id == new_sponsor.pk:
            raise InvalidInput(NetworkError.SPONSOR_UNCHANGED)
        old_sponsor_id = promoter.sponsor_id
        move = tree_writes.subtree_move(root=promoter, new_sponsor=new_sponsor)
        audit_record(actor=actor, action="network.sponsor_corrected", target=promoter, reason=reason.strip(),
                     data={"from_sponsor_id": old_sponsor_id, "to_sponsor_id": new_sponsor.pk,
                           "old_path": move.old_path.hex(), "new_path": move.new_path.hex(),
                           "members": move.members})
    promoter.refresh_from_db()
    return promoter


# --- invite codes -------------------------------------------------------------------------------

def invite_code_regenerate(*, promoter: Promoter) -> Promoter:
    """Give the promoter a fresh invite code (and re-enable it); the old code stops resolving."""
    for attempt in range(invite_codes.INSERT_ATTEMPTS):
        code = invite_codes.generate(min(invite_codes.MIN_LENGTH + attempt // 3, invite_codes.MAX_LENGTH))
        try:
            with transaction.atomic():
                if Promoter.objects.filter(invite_code=code).exists():
                    continue
                Promoter.objects.filter(pk=promoter.pk).update(invite_code=code, invite_code_active=True)
        except IntegrityError:
            continue
        promoter.invite_code, promoter.invite_code_active = code, True
        return promoter
    raise Conflict(NetworkError.INVITE_CODE_EXHAUSTED)


def invite_code_disable(*, promoter: Promoter, actor: User | None = None, reason: str = "") -> Promoter:
    """Stop the promoter's invite code from registering anyone; an operator's doing so is audited."""
    with transaction.atomic():
        Promoter.objects.filter(pk=promoter.pk).update(invite_code_active=False)
        if actor is not None and actor.pk != promoter.user_id:
            require_operator(actor, Role.OPS, Role.RISK)
            audit_record(actor=actor, action="network.invite_code_disabled", target=promoter, reason=reason,
                         data={"invite_code": promoter.invite_code})
    promoter.invite_code_active = False
    return promoter


# --- shopkeeper stage and ranks -------------------------------------------------------------------

STAGE_TRANSITIONS = {(Promoter.Stage.TEMPORARY, Promoter.Stage.ORDINARY)}


def promoter_record_first_sale(promoter: Promoter, *, volume: Decimal = Decimal("0.00")) -> Promoter:
    """Count one paid sale and add its ``volume`` to the promoter's lifetime credited sales (``personal_volume``);
    the first sale makes a temporary shopkeeper an ordinary one (临时店主 → 普通店主).

    The orders issue calls this once per paid sale. The stage change is idempotent: later sales
    only count. The promoter stays bound to the community they are in.
    """
    # One UPDATE decides the stage from the value it holds under its own row lock (no read, lock, re-read).
    into_ordinary = [before for before, after in STAGE_TRANSITIONS if after == Promoter.Stage.ORDINARY]
    table, quote = Promoter._meta.db_table, connection.ops.quote_name
    moved = Promoter._meta.get_field("personal_volume").get_db_prep_save(volume, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET paid_sales_count = paid_sales_count + 1, "
            "personal_volume = personal_volume + %s, stage = CASE WHEN stage IN "
            f"({', '.join(['%s'] * len(into_ordinary))}) THEN %s ELSE stage END WHERE id = %s "
            "RETURNING stage, paid_sales_count", [moved, *into_ordinary, Promoter.Stage.ORDINARY, promoter.pk])
        row = cursor.fetchone()
    if row is None:
        raise Promoter.DoesNotExist(f"No promoter #{promoter.pk}.")
    promoter.stage, promoter.paid_sales_count = row
    return promoter


def promoters_record_sales(sales: dict[int, tuple[int, Decimal]]) -> None:
    """The batch form of ``promoter_record_first_sale``: ``sales`` maps a promoter id to the paid sales to count
    and the volume to add, all promoters at once (the batched accrual's booking). The rows are locked in pk
    order first, as concurrent batches must; on PostgreSQL ONE update moves them all."""
    ids = sorted(sales)
    if not ids:
        return
    into_ordinary = [before for before, after in STAGE_TRANSITIONS if after == Promoter.Stage.ORDINARY]
    locked = list(Promoter.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    if len(locked) != len(ids):
        raise Promoter.DoesNotExist(f"No promoter #{min(set(ids) - set(locked))}.")
    volume = Promoter._meta.get_field("personal_volume")
    stage = Case(When(stage__in=into_ordinary, then=Value(Promoter.Stage.ORDINARY)), default=F("stage"))
    if connection.vendor != "postgresql":
        for pk in ids:
            count, moved = sales[pk]
            Promoter.objects.filter(pk=pk).update(  # F() + minor units: the column holds minor units
                paid_sales_count=F("paid_sales_count") + count,
                personal_volume=F("personal_volume") + volume.get_db_prep_save(moved, connection), stage=stage)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Promoter._meta.db_table} AS p SET paid_sales_count = p.paid_sales_count + d.n, "
            "personal_volume = p.personal_volume + d.volume, stage = CASE WHEN p.stage IN "
            f"({', '.join(['%s'] * len(into_ordinary))}) THEN %s ELSE p.stage END "
            "FROM unnest(%s::bigint[], %s::int[], %s::bigint[]) AS d(id, n, volume) WHERE p.id = d.id",
            [*into_ordinary, Promoter.Stage.ORDINARY, ids, [sales[pk][0] for pk in ids],
             [volume.get_db_prep_save(sales[pk][1], connection) for pk in ids]])


def promoter_rank_set(promoter: Promoter, rank: str, *, source: str, effective_at: datetime, reason: str = "",
                      actor: User | None = None, plan_id: str = "", plan_version: int | None = None,
                      lock: bool = False) -> RankRecord | None:
    """Set a promoter's current rank and append the change to their rank history.

    The incentive-plan evaluation calls it with ``source="evaluation"``; an operator's change
    (``source="operator"``) needs the actor and is audited. No change, no record: returns None.
    ``lock`` (an operator's rank set by hand, 手动定级) also marks the rank as overridden: the rank evaluation
    keeps it until ``promoter_rank_lock_clear``; locking the rank the promoter already has records no change of
    rank but is audited.
    """
    if source not in RankRecord.Source.values:
        raise InvalidInput(NetworkError.RANK_SOURCE_UNKNOWN, source=source)
    if source == RankRecord.Source.OPERATOR:
        require_operator(actor, Role.OPS)
    rank = rank or ""
    with transaction.atomic():
        current = Promoter.objects.select_for_update().only("rank", "rank_locked").get(pk=promoter.pk)
        previous = current.rank
        if lock and not current.rank_locked:
            Promoter.objects.filter(pk=promoter.pk).update(rank_locked=True)
            promoter.rank_locked = True
            if previous == rank:
                audit_record(actor=actor, action="network.rank_set", target=promoter, reason=reason,
                             data={"rank": rank, "previous_rank": previous, "locked": True})
        if previous == rank:
            return None
        record = RankRecord.objects.create(promoter=promoter, rank=rank, previous_rank=previous, source=source,
                                           plan_id=plan_id, plan_version=plan_version, effective_at=effective_at,
                                           reason=reason, actor=actor if actor is not None and actor.pk else None)
        Promoter.objects.filter(pk=promoter.pk).update(rank=rank)
        events.publish("rank.changed", record_id=record.pk)
        if source == RankRecord.Source.OPERATOR:
            audit_record(actor=actor, action="network.rank_set", target=promoter, reason=reason,
                         data={"rank": rank, "previous_rank": previous, "locked": lock})
    promoter.rank = rank
    return record


def promoter_rank_lock_clear(*, actor: User | None, promoter: Promoter, reason: str) -> Promoter:
    """Clear an operator's rank override: the promoter keeps the rank they have until the next rank evaluation,
    which decides it again. Raises ``auth.forbidden``, ``network.rank_not_overridden`` (409). Audited
    ``network.rank_override_cleared``."""
    require_operator(actor, Role.OPS)
    with transaction.atomic():
        current = Promoter.objects.select_for_update().only("rank", "rank_locked").get(pk=promoter.pk)
        if not current.rank_locked:
            raise Conflict(NetworkError.RANK_NOT_OVERRIDDEN, details={"promoter_id": promoter.pk})
        Promoter.objects.filter(pk=promoter.pk).update(rank_locked=False)
        audit_record(actor=actor, action="network.rank_override_cleared", target=promoter, reason=reason,
                     data={"rank": current.rank})
    promoter.rank_locked = False
    return promoter
