"""The product status pipeline: a declared table and the one function that moves a product along it.

draft → pending_review → approved | rejected; approved ⇄ on_shelf/off_shelf (上架/下架); a rejected product
is resubmitted; editing a reviewed product that is not on the shelf sends it back to draft (``revise``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tuishou.catalog.errors import CatalogError
from tuishou.catalog.models import Product, ProductStatusChange
from tuishou.core.errors import Conflict, InvalidInput

S = Product.Status

# event → (statuses it may start from, status it ends in)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT, S.REJECTED}), S.PENDING_REVIEW),
    "withdraw": (frozenset({S.PENDING_REVIEW}), S.DRAFT),
    "approve": (frozenset({S.PENDING_REVIEW}), S.APPROVED),
    "reject": (frozenset({S.PENDING_REVIEW}), S.REJECTED),
    "shelve": (frozenset({S.APPROVED, S.OFF_SHELF}), S.ON_SHELF),
    "unshelve": (frozenset({S.ON_SHELF}), S.OFF_SHELF),
    "revise": (frozenset({S.APPROVED, S.OFF_SHELF}), S.DRAFT),
}


def next_status(current: str, event: str) -> str:
    """Where ``event`` takes a product in status ``current``; ``catalog.transition_invalid`` if nowhere."""
    if event not in TRANSITIONS:
        raise InvalidInput(CatalogError.EVENT_UNKNOWN, event=event)
    sources, target = TRANSITIONS[event]
    if current not in sources:
        raise Conflict(CatalogError.TRANSITION_INVALID, event=event, status=current,
                       details={"status": current, "event": event})
    return target


def product_transition(*, product: Product, event: str, actor=None, reason: str = "") -> Product:
    """Move ``product`` by ``event`` and write a history row; the only place a product's status changes.

    The move is a conditional update on the status read, so two concurrent moves cannot both succeed.
    """
    with transaction.atomic():
        current = Product.objects.select_for_update().values_list("status", flat=True).get(pk=product.pk)
        target = next_status(current, event)
        now = timezone.now()
        changes: dict = {"status": target, "updated_at": now}
        if event in ("approve", "reject"):
            changes.update(reviewed_by=actor if getattr(actor, "pk", None) else None, reviewed_at=now)
            changes["reject_reason"] = reason if event == "reject" else ""
        if not Product.objects.filter(pk=product.pk, status=current).update(**changes):
            raise Conflict(CatalogError.TRANSITION_INVALID, event=event, status=current,
                           details={"status": current, "event": event})
        ProductStatusChange.objects.create(product=product, event=event, from_status=current, to_status=target,
                                           actor=actor if getattr(actor, "pk", None) else None, reason=reason)
        product.refresh_from_db()
    return product
