"""The product status table, moved by ``tuishou.core.transitions`` under named events.

draft → pending_review → approved | rejected; approved ⇄ on_shelf/off_shelf (上架/下架); a rejected product
is resubmitted; editing a reviewed product that is not on the shelf sends it back to draft (``revise``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tuishou.catalog.errors import CatalogError
from tuishou.catalog.models import Product, ProductStatusChange
from tuishou.core.errors import InvalidInput
from tuishou.core.transitions import Pipeline, pipeline_register, transition_apply

S = Product.Status

PRODUCT = pipeline_register(Pipeline(
    model=Product, history=ProductStatusChange, touch="updated_at",
    moves={
        S.DRAFT: frozenset({S.PENDING_REVIEW}),
        S.PENDING_REVIEW: frozenset({S.DRAFT, S.APPROVED, S.REJECTED}),
        S.REJECTED: frozenset({S.PENDING_REVIEW}),
        S.APPROVED: frozenset({S.ON_SHELF, S.DRAFT}),
        S.ON_SHELF: frozenset({S.OFF_SHELF}),
        S.OFF_SHELF: frozenset({S.ON_SHELF, S.DRAFT}),
    },
    # event → (statuses it may start from, status it ends in)
    events={
        "submit": (frozenset({S.DRAFT, S.REJECTED}), S.PENDING_REVIEW),
        "withdraw": (frozenset({S.PENDING_REVIEW}), S.DRAFT),
        "approve": (frozenset({S.PENDING_REVIEW}), S.APPROVED),
        "reject": (frozenset({S.PENDING_REVIEW}), S.REJECTED),
        "shelve": (frozenset({S.APPROVED, S.OFF_SHELF}), S.ON_SHELF),
        "unshelve": (frozenset({S.ON_SHELF}), S.OFF_SHELF),
        "revise": (frozenset({S.APPROVED, S.OFF_SHELF}), S.DRAFT),
    }))
TRANSITIONS = PRODUCT.events


def next_status(current: str, event: str) -> str:
    """Where ``event`` takes a product in status ``current``; ``catalog.transition_invalid`` if nowhere."""
    if event not in TRANSITIONS:
        raise InvalidInput(CatalogError.EVENT_UNKNOWN, event=event)
    return PRODUCT.target(current=current, event=event)


def product_transition(*, product: Product, event: str, actor=None, reason: str = "") -> Product:
    """Move ``product`` by ``event`` and write a history row; a review also records who reviewed and why.

    The status is read again under the row lock, so a caller holding an older copy moves what is there now.
    """
    with transaction.atomic():
        product.status = Product.objects.select_for_update().values_list("status", flat=True).get(pk=product.pk)
        next_status(product.status, event)
        now = timezone.now()
        changes: dict = {}
        if event in ("approve", "reject"):
            changes.update(reviewed_by=actor if getattr(actor, "pk", None) else None, reviewed_at=now)
            changes["reject_reason"] = reason if event == "reject" else ""
        transition_apply(product, event=event, actor=actor, reason=reason, at=now, changes=changes)
        product.refresh_from_db()
    return product
