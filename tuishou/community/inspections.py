"""The inspected zone (验货区): operators open inspection tasks for products, inspectors of a community file
reports (photos, the product category's checklist answered item by item, a verdict), operators accept (the
inspector is paid the community's reward through the ledger, once) or reject them and review failures.

The badge rule (``inspection_badge_evaluate``): a product has the inspected badge when, in some community, as
many distinct inspectors as that community requires filed a passing report that an operator accepted, and no
failing report waits for review. A failing report flags the product at once (the badge goes while it waits);
the operator dismisses the failure (the rule is evaluated again) or upholds it: the product leaves the shelf
(catalog's own transition, with the reason) and only passing reports filed after that count again. A badge an
operator granted or withdrew by hand (catalog's ``product_inspected_set``) is theirs: the rule leaves it until
they release it (``product_inspected_release``), when the rule decides again.

Refusals, each a stable code, write nothing: another community's task (``inspection_outside_zone``), a rank
below the community's (``inspection_rank_too_low``), the product's own merchant staff (``inspection_own_product``),
a closed or overdue task, a second report, bad photos, unknown or missing checklist answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from tuishou.accounts.models import OperatorRole, User
from tuishou.accounts.permissions import require_operator
from tuishou.catalog.models import Product
from tuishou.catalog.review import REVIEWED, product_inspected_mark, product_unshelve
from tuishou.catalog.selectors import supply_pool
from tuishou.community import inspections_transitions  # noqa: F401 (the status tables moved here)
from tuishou.community.inspections_errors import InspectionError
from tuishou.community.inspections_selectors import (
    checklist_items,
    community_ranks,
    inspection_settings_of,
    inspector_standing,
)
from tuishou.community.models_inspections import (
    ChecklistItem,
    InspectionAnswer,
    InspectionChecklist,
    InspectionPhoto,
    InspectionReport,
    InspectionSettings,
    InspectionTask,
)
from tuishou.community.pictures import pictures_checked
from tuishou.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tuishou.core.transitions import transition_apply
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import account_for, journal_post
from tuishou.merchants.selectors import merchant_staff_role
from tuishou.network.models import Community
from tuishou.network.selectors import promoter_for_user
from tuishou.risk.services import audit_record

OPS = OperatorRole.Role.OPS
PHOTOS_MAX = 9
REASONS_MAX, NOTE_MAX, REASON_MAX, LABEL_MAX, CATEGORY_MAX = 1000, 200, 200, 100, 60
DUE_DAYS_MAX, PASSES_MAX, REWARD_MAX = 90, 20, Decimal("1000.00")
R, T = InspectionReport, InspectionTask


def _clean(text: str | None) -> str:
    return (text or "").replace("\x00", "").strip()


def _reason(reason: str | None) -> str:
    reason = _clean(reason)
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(InspectionError.REASON_INVALID, maximum=REASON_MAX, details={"field": "reason"})
    return reason


# ---- checklists and settings (ops) ---------------------------------------------------------------------------

def checklist_create(*, actor: User, category: str, name: str) -> InspectionChecklist:
    """A checklist for a product category (empty category: the default checklist)."""
    require_operator(actor, OPS)
    category, name = _clean(category), _clean(name)
    if len(category) > CATEGORY_MAX:
        raise InvalidInput(InspectionError.CATEGORY_INVALID, maximum=CATEGORY_MAX, details={"field": "category"})
    if not name or len(name) > 60:
        raise InvalidInput(InspectionError.LABEL_INVALID, maximum=60, details={"field": "name"})
    try:
        with transaction.atomic():
            checklist = InspectionChecklist.objects.create(category=category, name=name)
            audit_record(actor=actor, action="community.checklist_created", target=checklist,
                         data={"category": category})
    except IntegrityError:
        raise Conflict(InspectionError.CHECKLIST_EXISTS, category=category, details={"field": "category"}) from None
    return checklist


def checklist_item_add(*, actor: User, checklist_id: int, label: str) -> ChecklistItem:
    """Add a point to check, last in order."""
    require_operator(actor, OPS)
    label = _clean(label)
    if not label or len(label) > LABEL_MAX:
        raise InvalidInput(InspectionError.LABEL_INVALID, maximum=LABEL_MAX, details={"field": "label"})
    with transaction.atomic():
        checklist = InspectionChecklist.objects.select_for_update().filter(pk=checklist_id).first()
        if checklist is None:
            raise NotFound(InspectionError.CHECKLIST_UNKNOWN)
        last = checklist.items.aggregate(m=Max("position"))["m"]
        item = ChecklistItem.objects.create(checklist=checklist, label=label,
                                            position=0 if last is None else last + 1)
        InspectionChecklist.objects.filter(pk=checklist.pk).update(updated_at=timezone.now())
        audit_record(actor=actor, action="community.checklist_item_added", target=checklist, data={"label": label})
    return item


def checklist_item_active_set(*, actor: User, item_id: int, active: bool) -> ChecklistItem:
    """Retire a point (reports that answered it keep it) or bring it back."""
    require_operator(actor, OPS)
    with transaction.atomic():
        item = ChecklistItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise NotFound(InspectionError.ITEM_UNKNOWN, item=item_id)
        item.active = bool(active)
        item.save(update_fields=["active"])
        audit_record(actor=actor, action="community.checklist_item_" + ("restored" if active else "retired"),
                     target=item.checklist, data={"item": item.pk, "label": item.label})
    return item


def _rank(value: str | None, ranks: list[tuple[str, str]], field: str) -> str:
    value = _clean(value)
    if value and value not in {rank_id for rank_id, _name in ranks}:
        raise InvalidInput(InspectionError.RANK_UNKNOWN, rank=value,
                           ranks=", ".join(rank_id for rank_id, _name in ranks) or "—", details={"field": field})
    return value


def inspection_settings_set(*, actor: User, community_id: int, inspector_rank: str, passes_required: int,
                            reward: Decimal | str, all_zones_rank: str) -> InspectionSettings:
    """An operator sets a community's inspection rules (audited); the badges of its products are re-evaluated
    on their next report or decision."""
    require_operator(actor, OPS)
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound(InspectionError.COMMUNITY_UNKNOWN)
    ranks = community_ranks(community.pk)
    inspector_rank = _rank(inspector_rank, ranks, "inspector_rank")
    all_zones_rank = _rank(all_zones_rank, ranks, "all_zones_rank")
    if isinstance(passes_required, bool) or not isinstance(passes_required, int) or not (
            1 <= passes_required <= PASSES_MAX):
        raise InvalidInput(InspectionError.PASSES_INVALID, maximum=PASSES_MAX, details={"field": "passes_required"})
    try:
        amount = Decimal(str(reward).strip()) if not isinstance(reward, float) else None
    except InvalidOperation:
        amount = None
    if (amount is None or not amount.is_finite() or amount < 0 or amount > REWARD_MAX
            or amount != amount.quantize(Decimal("0.01"))):
        raise InvalidInput(InspectionError.REWARD_INVALID, maximum=REWARD_MAX, details={"field": "reward"})
    with transaction.atomic():
        settings, _ = InspectionSettings.objects.update_or_create(community=community, defaults={
            "inspector_rank": inspector_rank, "passes_required": passes_required,
            "reward": amount.quantize(Decimal("0.01")), "all_zones_rank": all_zones_rank,
            "updated_at": timezone.now()})
        audit_record(actor=actor, action="community.inspection_settings_set", target=community, data={
            "inspector_rank": inspector_rank, "passes_required": passes_required, "reward": str(settings.reward),
            "all_zones_rank": all_zones_rank})
    return settings


# ---- tasks (ops) ---------------------------------------------------------------------------------------------

def inspection_task_open(*, actor: User, product_id: int, community_id: int, due_at: datetime,
                         note: str = "") -> InspectionTask:
    """Ask a community's inspectors to inspect a product on sale before ``due_at`` (one open task per product
    and community)."""
    require_operator(actor, OPS)
    now = timezone.now()
    note = _clean(note)
    if len(note) > NOTE_MAX:
        raise InvalidInput(InspectionError.NOTE_TOO_LONG, maximum=NOTE_MAX, details={"field": "note"})
    if not isinstance(due_at, datetime) or due_at <= now or due_at > now + timedelta(days=DUE_DAYS_MAX):
        raise InvalidInput(InspectionError.DUE_INVALID, days=DUE_DAYS_MAX, details={"field": "due_at"})
    community = Community.objects.filter(pk=community_id, active=True).first()
    if community is None:
        raise NotFound(InspectionError.COMMUNITY_UNKNOWN, details={"field": "community_id"})
    if not supply_pool().filter(pk=product_id).exists():
        raise Conflict(InspectionError.PRODUCT_NOT_ON_SALE, details={"field": "product_id"})
    try:
        with transaction.atomic():
            task = InspectionTask.objects.create(product_id=product_id, community=community, due_at=due_at,
                                                 note=note, opened_by=actor)
            audit_record(actor=actor, action="community.inspection_task_opened", target=task,
                         reason=note, data={"product": product_id, "community": community.pk,
                                            "due_at": due_at.isoformat()})
    except IntegrityError:
        raise Conflict(InspectionError.TASK_OPEN_EXISTS, details={"field": "product_id"}) from None
    return task


def inspection_task_close(*, actor: User, task_id: int, reason: str) -> InspectionTask:
    """Close a task: no more reports are taken (those filed stay to decide)."""
    require_operator(actor, OPS)
    reason = _reason(reason)
    with transaction.atomic():
        task = InspectionTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise NotFound(InspectionError.TASK_UNKNOWN)
        if task.status != T.Status.OPEN:
            raise Conflict(InspectionError.TASK_CLOSED)
        transition_apply(task, to=T.Status.CLOSED, actor=actor, reason=reason)
        audit_record(actor=actor, action="community.inspection_task_closed", target=task, reason=reason)
    return task


# ---- reports (inspectors) ------------------------------------------------------------------------------------

def _photos(photos: list[UploadedFile]) -> list[UploadedFile]:
    if not photos:
        raise InvalidInput(InspectionError.PHOTOS_MISSING, details={"field": "photos"})
    if len(photos) > PHOTOS_MAX:
        raise InvalidInput(InspectionError.PHOTOS_TOO_MANY, maximum=PHOTOS_MAX, details={"field": "photos"})
    return pictures_checked(photos, invalid=InspectionError.PHOTO_INVALID, field="photos")


def _answers(answers: Iterable[Mapping[str, Any]], items: list[ChecklistItem]) -> list[tuple[ChecklistItem, bool, str]]:
    """Every active item of the checklist answered once, nothing else."""
    known = {item.pk: item for item in items}
    given: dict[int, tuple[bool, str]] = {}
    for answer in answers:
        item_id, ok = answer.get("item_id"), answer.get("ok")
        if isinstance(item_id, bool) or not isinstance(item_id, int) or item_id not in known:
            raise InvalidInput(InspectionError.ITEM_UNKNOWN, item=item_id, details={"field": "answers"})
        if item_id in given:
            raise InvalidInput(InspectionError.ANSWER_TWICE, item=known[item_id].label, details={"field": "answers"})
        if not isinstance(ok, bool):
            raise InvalidInput(InspectionError.ANSWERS_MISSING, items=known[item_id].label,
                               details={"field": "answers", "item_id": item_id})
        note = _clean(answer.get("note") if isinstance(answer.get("note"), str) else "")
        if len(note) > NOTE_MAX:
            raise InvalidInput(InspectionError.NOTE_TOO_LONG, maximum=NOTE_MAX, details={"field": "answers"})
        given[item_id] = (ok, note)
    missing = [item for item in items if item.pk not in given]
    if missing:
        raise InvalidInput(InspectionError.ANSWERS_MISSING, items="、".join(i.label for i in missing),
                           details={"field": "answers", "missing": [i.pk for i in missing]})
    return [(item, *given[item.pk]) for item in items]


def inspection_report_file(*, user: User, task_id: int, verdict: str, reasons: str = "",
                           answers: Iterable[Mapping[str, Any]] = (), photos: list[UploadedFile] | None = None,
                           ) -> InspectionReport:
    """The signed-in promoter files their report on a task of their community (one per task). A failing
    report flags the product for review at once."""
    inspector = promoter_for_user(user)
    task = InspectionTask.objects.select_related("product").filter(pk=task_id).first()
    if task is None:
        raise NotFound(InspectionError.TASK_UNKNOWN)
    if task.community_id != inspector.community_id:
        raise PermissionDenied(InspectionError.OUTSIDE_ZONE)
    standing = inspector_standing(inspector)
    if not standing.allowed:
        raise PermissionDenied(InspectionError.RANK_TOO_LOW, rank=standing.rank_needed)
    if merchant_staff_role(user=user, merchant_id=task.product.merchant_id) is not None:
        raise PermissionDenied(InspectionError.OWN_PRODUCT)
    if task.status != T.Status.OPEN or task.due_at <= timezone.now():
        raise Conflict(InspectionError.TASK_CLOSED)
    if InspectionReport.objects.filter(task=task, inspector=inspector).exists():
        raise Conflict(InspectionError.REPORT_EXISTS)
    if verdict not in R.Verdict.values:
        raise InvalidInput(InspectionError.VERDICT_INVALID, details={"field": "verdict"})
    reasons = _clean(reasons)
    if len(reasons) > REASONS_MAX:
        raise InvalidInput(InspectionError.REASONS_TOO_LONG, maximum=REASONS_MAX, details={"field": "reasons"})
    if verdict == R.Verdict.FAIL and not reasons:
        raise InvalidInput(InspectionError.REASONS_MISSING, maximum=REASONS_MAX, details={"field": "reasons"})
    answered = _answers(list(answers or ()), checklist_items(task.product.category))
    photos = _photos(list(photos or []))
    try:
        with transaction.atomic():
            locked = InspectionTask.objects.select_for_update().get(pk=task.pk)
            if locked.status != T.Status.OPEN:
                raise Conflict(InspectionError.TASK_CLOSED)
            report = InspectionReport.objects.create(
                task=task, product_id=task.product_id, inspector=inspector, verdict=verdict, reasons=reasons,
                review=R.Review.OPEN if verdict == R.Verdict.FAIL else R.Review.NONE)
            InspectionAnswer.objects.bulk_create([InspectionAnswer(report=report, item=item, label=item.label,
                                                                   ok=ok, note=note)
                                                  for item, ok, note in answered])
            for position, upload in enumerate(photos):
                InspectionPhoto.objects.create(report=report, image=upload, position=position)
            if verdict == R.Verdict.FAIL:
                inspection_badge_evaluate(product_id=task.product_id)
    except IntegrityError:
        raise Conflict(InspectionError.REPORT_EXISTS) from None
    return report


# ---- decisions and reviews (ops) -----------------------------------------------------------------------------

def inspection_badge_evaluate(*, product_id: int) -> bool:
    """Apply the badge rule (see the module's docstring) to the product; return whether it has the badge. A badge
    an operator granted or withdrew by hand stays as they set it (until they release it to the rule)."""
    reports = InspectionReport.objects.filter(product_id=product_id)
    earned = False
    if not reports.filter(review=R.Review.OPEN).exists():
        passes = reports.filter(verdict=R.Verdict.PASS, status=R.Status.ACCEPTED)
        upheld = reports.filter(review=R.Review.UPHELD).aggregate(at=Max("reviewed_at"))["at"]
        if upheld is not None:
            passes = passes.filter(created_at__gt=upheld)
        rows = passes.order_by().values("task__community_id").annotate(n=Count("inspector", distinct=True))
        earned = any(row["n"] >= inspection_settings_of(row["task__community_id"]).passes_required for row in rows)
    if earned and not Product.objects.filter(pk=product_id, status__in=REVIEWED).exists():
        earned = False  # never badge a product the platform has not reviewed
    product_inspected_mark(product_id=product_id, inspected=earned)
    return Product.objects.filter(pk=product_id).values_list("inspected", flat=True).first() or False


def _pay(report: InspectionReport, amount: Decimal, actor: User) -> JournalEntry | None:
    """The reward, from the platform's expense to the inspector's available balance; one key per report."""
    if amount <= 0:
        return None
    return journal_post(
        kind=JournalEntry.Kind.INSPECTION_REWARD, key=f"inspection-reward:{report.pk}", actor=actor,
        memo=f"验货奖励 report {report.pk} product {report.product_id}",
        lines=[(account_for(Account.Kind.COMMISSION_EXPENSE), amount),
               (account_for(Account.Kind.PROMOTER_AVAILABLE, report.inspector), -amount)])


def _locked_report(report_id: int) -> InspectionReport:
    report = (InspectionReport.objects.select_for_update().select_related("task", "inspector")
              .filter(pk=report_id).first())
    if report is None:
        raise NotFound(InspectionError.REPORT_UNKNOWN)
    return report


def _accept(report: InspectionReport, actor: User, reason: str) -> None:
    reward = inspection_settings_of(report.task.community_id).reward
    transition_apply(report, to=R.Status.ACCEPTED, actor=actor, reason=reason,
                     changes={"decided_by": actor, "decision_reason": reason, "reward": reward})
    _pay(report, reward, actor)


def inspection_report_decide(*, actor: User, report_id: int, accept: bool, reason: str = "") -> InspectionReport:
    """Accept a report (the inspector is paid the community's reward, exactly once) or reject it with a reason
    (a rejected failing report no longer flags the product). Audited; the badge is evaluated again."""
    require_operator(actor, OPS)
    reason = _clean(reason)
    if not accept:
        reason = _reason(reason)
    elif len(reason) > REASON_MAX:
        raise InvalidInput(InspectionError.REASON_INVALID, maximum=REASON_MAX, details={"field": "reason"})
    with transaction.atomic():
        report = _locked_report(report_id)
        if report.status != R.Status.SUBMITTED:
            raise Conflict(InspectionError.NOT_DECIDABLE, status=report.get_status_display(),
                           details={"status": report.status})
        if accept:
            _accept(report, actor, reason)
        else:
            changes: dict[str, Any] = {"decided_by": actor, "decision_reason": reason}
            if report.review == R.Review.OPEN:
                changes.update(review=R.Review.DISMISSED, reviewed_by=actor, reviewed_at=timezone.now(),
                               review_reason=reason)
            transition_apply(report, to=R.Status.REJECTED, actor=actor, reason=reason, changes=changes)
        inspected = inspection_badge_evaluate(product_id=report.product_id)
        audit_record(actor=actor, action="community.inspection_" + ("accepted" if accept else "rejected"),
                     target=report, reason=reason, data={"product": report.product_id, "inspected": inspected,
                                                         "reward": str(report.reward) if accept else None})
    return report


def inspection_review_resolve(*, actor: User, report_id: int, uphold: bool, reason: str) -> InspectionReport:
    """Resolve a failing report's review: dismiss it (the badge rule runs again) or uphold it — the report is
    accepted if it was not decided yet, the product loses its badge and leaves the shelf with the reason."""
    require_operator(actor, OPS)
    reason = _reason(reason)
    with transaction.atomic():
        report = _locked_report(report_id)
        if report.review != R.Review.OPEN:
            raise Conflict(InspectionError.REVIEW_NOT_OPEN)
        now = timezone.now()
        InspectionReport.objects.filter(pk=report.pk).update(
            review=R.Review.UPHELD if uphold else R.Review.DISMISSED, reviewed_by=actor, reviewed_at=now,
            review_reason=reason)
        report.refresh_from_db()
        unshelved = False
        if uphold:
            if report.status == R.Status.SUBMITTED:
                _accept(report, actor, reason)
            if Product.objects.filter(pk=report.product_id, status=Product.Status.ON_SHELF).exists():
                product_unshelve(actor=actor, product_id=report.product_id, reason=f"验货未通过：{reason}")
                unshelved = True
        inspected = inspection_badge_evaluate(product_id=report.product_id)
        audit_record(actor=actor, action="community.inspection_" + ("upheld" if uphold else "dismissed"),
                     target=report, reason=reason, data={"product": report.product_id, "inspected": inspected,
                                                         "unshelved": unshelved})
    return report
