"""Review, shelf and zones of the catalog: merchant staff submit and shelve, operators approve, reject and
grant the inspected zone's badge (验货区). The hot zone (爆品区) is a running campaign (``tuishou.campaigns``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tuishou.accounts.models import OperatorRole, User
from tuishou.accounts.permissions import is_operator, require_operator, require_user
from tuishou.catalog import inputs
from tuishou.catalog.errors import CatalogError
from tuishou.catalog.models import Product
from tuishou.catalog.selectors import product_get, require_product_staff
from tuishou.catalog.transitions import product_transition
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.merchants.models import Merchant
from tuishou.risk.services import audit_record

OPS = OperatorRole.Role.OPS
S = Product.Status
REVIEWED = frozenset({S.APPROVED, S.ON_SHELF, S.OFF_SHELF})


# ---- review and shelf ----------------------------------------------------------------------------------------

def product_submit(*, actor: User, product_id: int) -> Product:
    """Merchant staff send a draft (or rejected) product for review (提交审核); it needs an active SKU."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    inputs.merchant_require_active(product.merchant)
    if not product.skus.filter(active=True).exists():
        raise InvalidInput(CatalogError.PRODUCT_INCOMPLETE)
    return product_transition(product=product, event="submit", actor=actor)


def product_withdraw(*, actor: User, product_id: int) -> Product:
    """Merchant staff take a product back out of review, to edit it."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    return product_transition(product=product, event="withdraw", actor=actor)


def product_approve(*, actor: User, product_id: int) -> Product:
    """An operator (ops) approves a product in review (审核通过); the merchant then puts it on the shelf."""
    require_operator(actor, OPS)
    with transaction.atomic():
        product = product_transition(product=product_get(product_id=product_id), event="approve", actor=actor)
        audit_record(actor=actor, action="catalog.product_approved", target=product)
    return product


def product_reject(*, actor: User, product_id: int, reason: str) -> Product:
    """An operator (ops) rejects a product in review, with a reason the merchant sees (审核驳回)."""
    require_operator(actor, OPS)
    reason = inputs.text_field(reason, "reason", 2000)
    with transaction.atomic():
        product = product_transition(product=product_get(product_id=product_id), event="reject", actor=actor,
                                     reason=reason)
        audit_record(actor=actor, action="catalog.product_rejected", target=product, reason=reason)
    return product


def product_shelve(*, actor: User, product_id: int) -> Product:
    """Merchant staff put an approved product on the shelf (上架)."""
    require_user(actor)
    product = require_product_staff(user=actor, product_id=product_id)
    inputs.merchant_require_active(product.merchant)
    if not product.skus.filter(active=True).exists():
        raise InvalidInput(CatalogError.PRODUCT_INCOMPLETE)
    return product_transition(product=product, event="shelve", actor=actor)


def product_unshelve(*, actor: User, product_id: int, reason: str = "") -> Product:
    """Take a product off the shelf (下架): its merchant's staff, or an ops operator with a reason (audited)."""
    require_user(actor)
    product = product_get(product_id=product_id)
    if is_operator(actor, OPS) and not _works_for(actor, product):
        reason = inputs.text_field(reason, "reason", 2000)
        with transaction.atomic():
            product = product_transition(product=product, event="unshelve", actor=actor, reason=reason)
            audit_record(actor=actor, action="catalog.product_unshelved", target=product, reason=reason)
        return product
    product = require_product_staff(user=actor, product_id=product_id)
    return product_transition(product=product, event="unshelve", actor=actor,
                              reason=inputs.text_field(reason, "reason", 2000, required=False))


def _works_for(user: User, product: Product) -> bool:
    return product.merchant.staff.filter(user=user).exists()


def products_unshelve_for_merchant(*, actor: User | None, merchant: Merchant, reason: str) -> int:
    """Take every product of ``merchant`` off the shelf (on suspension); return how many moved."""
    moved = 0
    for product in Product.objects.filter(merchant=merchant, status=S.ON_SHELF).order_by("pk"):
        product_transition(product=product, event="unshelve", actor=actor, reason=reason)
        moved += 1
    return moved


# ---- zones (operators) ---------------------------------------------------------------------------------------

def _require_reviewed(product: Product) -> None:
    if product.status not in REVIEWED:
        raise Conflict(CatalogError.PRODUCT_NOT_APPROVED,
                       details={"status": product.status})


def product_inspected_set(*, actor: User, product_id: int, inspected: bool, reason: str = "") -> Product:
    """An operator (ops) grants or withdraws the 验货区 badge (inspected by the community) by hand: the decision
    is recorded and the community's inspection rule leaves it as it is until ``product_inspected_release``."""
    require_operator(actor, OPS)
    product = product_get(product_id=product_id)
    if inspected:
        _require_reviewed(product)
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(
            inspected=bool(inspected), inspected_at=timezone.now() if inspected else None,
            inspected_by_operator=bool(inspected), updated_at=timezone.now())
        product.refresh_from_db()
        audit_record(actor=actor, action="catalog.inspected_set", target=product, reason=reason,
                     data={"inspected": product.inspected, "by_operator": True})
    return product


# The rules that decide the badge when no operator has (the community's inspections register theirs at start-up):
# each is called with ``product_id`` once an operator releases the badge.
BADGE_RULES: list = []


def product_inspected_release(*, actor: User, product_id: int, reason: str = "") -> Product:
    """An operator (ops) hands the 验货区 badge back to the community's inspection rule: the manual decision is
    cleared (audited) and the rule decides again at once."""
    require_operator(actor, OPS)
    product = product_get(product_id=product_id)
    with transaction.atomic():
        decided = product.inspected_by_operator
        Product.objects.filter(pk=product.pk).update(inspected_by_operator=None, updated_at=timezone.now())
        for rule in BADGE_RULES:
            rule(product_id=product.pk)
        product.refresh_from_db()
        audit_record(actor=actor, action="catalog.inspected_released", target=product, reason=reason,
                     data={"was_set_to": decided, "inspected": product.inspected})
    return product


def product_inspected_mark(*, product_id: int, inspected: bool) -> bool:
    """Give or take the 验货区 badge as the community's inspection rule decides (``tuishou.community.inspections``,
    which checks who may act and audits it), unless an operator decided it by hand; True when the badge changed."""
    now = timezone.now()
    changed = (Product.objects.filter(pk=product_id, inspected_by_operator__isnull=True)
               .exclude(inspected=bool(inspected))
               .update(inspected=bool(inspected), inspected_at=now if inspected else None, updated_at=now))
    return bool(changed)
