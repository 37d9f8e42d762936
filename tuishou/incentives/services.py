"""Writes for incentive plans: import drafts, check, publish, retire; record volume."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.incentives.engine import EngineErrorCode, PlanError, check_plan, dump_plan, load_plan
from tuishou.incentives.errors import IncentiveError
from tuishou.incentives.models import REASON_PUBLISHED, REASON_REPLACED, PlanVersion, VolumeEntry
from tuishou.incentives.transitions import plan_version_transition
from tuishou.network.models import Community, Promoter
from tuishou.network.promotion import promotion_findings
from tuishou.network.services import network_policy_get
from tuishou.risk.services import audit_record


def plan_parse(*, source: str):
    """Load and validate a plan document, turning the engine's error into ``incentives.plan_invalid``."""
    try:
        return load_plan(source)
    except PlanError as exc:
        raise InvalidInput(EngineErrorCode.PLAN_INVALID, problem=str(exc), details={"field": exc.field}) from None


def plan_check(*, plan, profile: str | None = None, after_sales_days: int | None = None):
    """The compliance check under ``profile`` (default: the plan's jurisdiction) and the platform's
    after-sales window; a plan without a usable profile is ``incentives.plan_invalid``."""
    days = settings.TUISHOU["AFTER_SALES_DAYS"] if after_sales_days is None else after_sales_days
    try:
        return check_plan(plan, profile=profile, after_sales_days=days)
    except PlanError as exc:
        raise InvalidInput(EngineErrorCode.PLAN_INVALID, problem=str(exc), details={"field": exc.field}) from None


def plan_check_source(*, source: str, profile: str | None = None, after_sales_days: int | None = None) -> dict:
    """Parse and check a plan document without storing anything: the check's JSON answer."""
    plan = plan_parse(source=source)
    return plan_check(plan=plan, profile=profile, after_sales_days=after_sales_days).to_json(plan.id)


def _findings(plan) -> list[dict]:
    """The plan's findings, plus the platform's own (P1: the promotion policy asks for a purchase first)."""
    return [f.to_json() for f in plan_check(plan=plan).findings] + promotion_findings(network_policy_get())


def plan_draft_import(*, actor, community: Community, source: str) -> PlanVersion:
    """Import a YAML/JSON plan as a new draft for ``community`` (ops role), with its compliance findings."""
    require_operator(actor, "ops")
    return plan_draft_write(actor=actor, community=community, source=source)


def plan_draft_write(*, actor, community: Community, source: str) -> PlanVersion:
    """Store a new draft (the caller has checked who may): parsed, checked, audited."""
    plan = plan_parse(source=source)
    with transaction.atomic():
        draft = PlanVersion.objects.create(
            community=community, plan_key=plan.id, name=plan.name, document=dump_plan(plan), source=source,
            jurisdiction=plan.jurisdiction, findings=_findings(plan), created_by=actor)
        audit_record(actor=actor, action="incentives.plan_imported", target=draft,
                     data={"plan": plan.id, "community": community.code})
    return draft


def plan_draft_update(*, actor, draft: PlanVersion, source: str) -> PlanVersion:
    """Replace a draft's document; published and retired versions never change."""
    require_operator(actor, "ops")
    return plan_draft_rewrite(actor=actor, draft=draft, source=source)


def plan_draft_rewrite(*, actor, draft: PlanVersion, source: str) -> PlanVersion:
    """Replace a draft's document (the caller has checked who may); a proposed draft waits for the operators."""
    if draft.status == PlanVersion.Status.PROPOSED:
        raise Conflict(IncentiveError.PLAN_NOT_EDITABLE)
    if draft.status != PlanVersion.Status.DRAFT:
        raise Conflict(IncentiveError.PLAN_IMMUTABLE)
    plan = plan_parse(source=source)
    with transaction.atomic():
        updated = PlanVersion.objects.filter(pk=draft.pk, status=PlanVersion.Status.DRAFT).update(
            plan_key=plan.id, name=plan.name, document=dump_plan(plan), source=source,
            jurisdiction=plan.jurisdiction, findings=_findings(plan))
        if not updated:
            raise Conflict(IncentiveError.PLAN_IMMUTABLE)
        audit_record(actor=actor, action="incentives.plan_draft_updated", target=draft)
    draft.refresh_from_db()
    return draft


def plan_publish(*, actor, draft: PlanVersion, at: datetime | None = None) -> PlanVersion:
    """Publish a draft: check it, give it the next version number and put it in force from ``at`` (now).

    A plan with an error finding cannot be published (``incentives.plan_not_compliant``). The version in
    force for the community is retired in the same transaction.
    """
    require_operator(actor, "ops")
    return plan_publish_from(actor=actor, draft=draft, at=at,
                             statuses=(PlanVersion.Status.DRAFT, PlanVersion.Status.PROPOSED))


def plan_publish_from(*, actor, draft: PlanVersion, statuses: tuple[str, ...], at: datetime | None = None,
                      reason: str = REASON_PUBLISHED) -> PlanVersion:
    """``plan_publish`` for a draft in one of ``statuses`` (read under the row lock); the caller checks the role."""
    at = at or timezone.now()
    plan = plan_parse(source=draft.source)
    findings = _findings(plan)
    errors = [f for f in findings if f["severity"] == "error"]
    if errors:
        PlanVersion.objects.filter(pk=draft.pk).update(findings=findings)
        raise InvalidInput(IncentiveError.PLAN_NOT_COMPLIANT, count=len(errors),
                           findings="; ".join(f"{f['code']} {f['message']}" for f in errors),
                           details={"findings": errors})
    try:
        with transaction.atomic():
            locked = PlanVersion.objects.select_for_update().get(pk=draft.pk)
            if not locked.is_draft:
                raise Conflict(IncentiveError.PLAN_ALREADY_PUBLISHED)
            if locked.status not in statuses:
                raise Conflict(IncentiveError.PLAN_NOT_PROPOSED)
            current = (PlanVersion.objects.select_for_update()
                       .filter(community_id=locked.community_id, status=PlanVersion.Status.PUBLISHED).first())
            if current is not None:
                if current.published_at and current.published_at > at:
                    raise Conflict(IncentiveError.PLAN_PUBLISH_ORDER)
                plan_version_transition(version=current, to=PlanVersion.Status.RETIRED, actor=actor, at=at,
                                        reason=REASON_REPLACED.format(draft=locked.pk))
            last = (PlanVersion.objects.filter(community_id=locked.community_id, plan_key=plan.id)
                    .aggregate(m=Max("version"))["m"]) or 0
            plan_version_transition(version=locked, to=PlanVersion.Status.PUBLISHED, actor=actor, at=at,
                                    reason=reason, version_number=last + 1, published_by=actor,
                                    findings=findings)
            audit_record(actor=actor, action="incentives.plan_published", target=locked,
                         data={"plan": plan.id, "version": locked.version,
                               "retired": current.pk if current else None})
    except IntegrityError:
        raise Conflict(IncentiveError.PLAN_PUBLISH_RACE) \
            from None
    return locked


def plan_retire(*, actor, version: PlanVersion, reason: str) -> PlanVersion:
    """Take the version in force out of force without a successor (the community then has no plan).

    Orders keep the version they were priced with; new orders of the community earn no commission until a
    version is published again.
    """
    require_operator(actor, "ops")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(IncentiveError.REASON_MISSING,
                           details={"field": "reason"})
    with transaction.atomic():
        # Conditional: a publish that retired it meanwhile wins, and nothing is written twice.
        try:
            retired = version.status == PlanVersion.Status.PUBLISHED and plan_version_transition(
                version=version, to=PlanVersion.Status.RETIRED, actor=actor, reason=reason)
        except Conflict:
            retired = False
        if not retired:
            raise Conflict(IncentiveError.PLAN_NOT_IN_FORCE)
        audit_record(actor=actor, action="incentives.plan_retired", target=version, reason=reason)
    version.refresh_from_db()
    return version


def volume_record(*, promoter: Promoter, base: Decimal, self_purchase: bool, occurred_at: datetime,
                  source_ref: str, orders: int = 1, move_personal_volume: bool = True) -> VolumeEntry:
    """Record a sale's (or a refund's) volume for rank metrics; replaying the same ``source_ref`` is a no-op.

    The orders issue calls this when an order is paid (``orders=1``) and refunded (negative ``base``); a new
    entry also moves the promoter's ``personal_volume`` (lifetime credited sales, shown to operators and
    agencies and summed over subtrees) by ``base``, in the same transaction — unless the caller moves it in its own
    update of the promoter's row (``move_personal_volume=False``: the paid handler, in
    ``promoter_record_first_sale``, one statement fewer on the hot path).
    """
    if orders not in (-1, 0, 1):
        raise InvalidInput(IncentiveError.VOLUME_ORDERS)
    entry = VolumeEntry(promoter=promoter, base=base, self_purchase=self_purchase, orders=orders,
                        occurred_at=occurred_at, source_ref=source_ref)
    # One INSERT … ON CONFLICT DO NOTHING RETURNING id (get_or_create reads, then inserts in a savepoint);
    # a replay reads the first entry.
    fields = [VolumeEntry._meta.get_field(name) for name in
              ("promoter", "base", "self_purchase", "orders", "occurred_at", "source_ref")]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(VolumeEntry._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({quote('source_ref')}) DO NOTHING "
            f"RETURNING {quote(VolumeEntry._meta.pk.column)}",
            [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields])
        row = cursor.fetchone()
        if row is not None and move_personal_volume:  # lifetime credited sales move with each new entry, once
            volume = Promoter._meta.get_field("personal_volume")
            cursor.execute(f"UPDATE {quote(Promoter._meta.db_table)} SET {quote(volume.column)} = "
                           f"{quote(volume.column)} + %s WHERE {quote('id')} = %s",
                           [volume.get_db_prep_save(base, connection), promoter.pk])
    if row is None:
        return VolumeEntry.objects.get(source_ref=source_ref)
    entry.pk = row[0]
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


def volumes_record(entries: list[VolumeEntry]) -> None:
    """The batch form of ``volume_record(..., move_personal_volume=False)``: unsaved entries inserted in one
    statement, an entry whose ``source_ref`` is taken skipped (a replay). Their promoters' ``personal_volume`` is
    the caller's to move (the paid orders' booking moves it with the sales count, ``promoters_record_sales``)."""
    if any(entry.orders not in (-1, 0, 1) for entry in entries):
        raise InvalidInput(IncentiveError.VOLUME_ORDERS)
    VolumeEntry.objects.bulk_create(entries, ignore_conflicts=True)
