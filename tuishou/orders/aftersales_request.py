"""The buyer's after-sales request as one write (申请售后): the case and its photos together, or nothing.

The page sends the lines and quantities, the reason and up to ``MAX_PHOTOS`` photos in one submission; a
refused photo (too large, not an image) must not leave a case behind that the buyer cannot open again.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from tuishou.core.errors import InvalidInput
from tuishou.orders.aftersales import MAX_PHOTOS, aftersales_open, aftersales_photo_add
from tuishou.orders.errors import OrderError
from tuishou.orders.models import AfterSalesCase


def aftersales_request(*, buyer, order_id: int, kind: str, reason: str, lines: list[tuple[int, int]],
                       photos: list[UploadedFile] = ()) -> AfterSalesCase:
    """Open a case for ``lines`` (``[(order_line_id, quantity)]``) with its photos, in one transaction.

    Raises what ``aftersales_open`` and ``aftersales_photo_add`` raise, and ``orders.too_many_photos`` (field
    ``photos``) for more than ``MAX_PHOTOS``; nothing is written then.
    """
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(OrderError.TOO_MANY_PHOTOS, max_photos=MAX_PHOTOS, details={"field": "photos"})
    with transaction.atomic():
        case = aftersales_open(buyer=buyer, order_id=order_id, kind=kind, reason=reason, lines=lines)
        for photo in photos:
            aftersales_photo_add(buyer=buyer, case_id=case.pk, image=photo)
    return case
