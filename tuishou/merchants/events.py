"""The one place merchants tells the apps built on it what happened to a merchant (``tuishou.core.hooks``).

``on_merchant_suspended(handler)``: ``handler(MerchantSuspended)`` is called by ``merchant_suspend`` inside its
transaction and answers a dict of what it did, recorded in the suspension's audit entry (the catalog takes the
merchant's products off the shelf: ``{"products_taken_off": n}``). A handler that raises aborts the suspension.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuishou.core.hooks import Hook


@dataclass(frozen=True)
class MerchantSuspended:
    merchant: object
    actor: object
    reason: str


MERCHANT_SUSPENDED: Hook[MerchantSuspended] = Hook("merchants.merchant_suspended")
on_merchant_suspended = MERCHANT_SUSPENDED.register


def merchant_suspended_notify(event: MerchantSuspended) -> dict:
    """Call every handler; answers what they did, merged."""
    done: dict = {}
    for result in MERCHANT_SUSPENDED.notify(event):
        done.update(result or {})
    return done
