"""API routes for wallets: my wallet, my history, my withdrawals; finance's review queue; the payout webhook."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from tuishou.accounts.permissions import Role, require_operator
from tuishou.network.selectors import promoter_for_user
from tuishou.wallets import selectors, services
from tuishou.wallets.schemas import (
    HistoryOut,
    PageQuery,
    RejectIn,
    ReviewItemOut,
    ReviewPageOut,
    ReviewQuery,
    WalletOut,
    WebhookOut,
    WithdrawalIn,
    WithdrawalOut,
    WithdrawalPageOut,
    movement_out,
    review_item_out,
    wallet_out,
    withdrawal_out,
)

router = Router(tags=["wallets"])


@router.get("/me", response=WalletOut)
def my_wallet(request: HttpRequest):
    """My wallet: pending (inside the after-sales window), available, frozen by withdrawals, withdrawn to date,
    what I may withdraw now, and the withdrawal rules."""
    return wallet_out(selectors.wallet_get(promoter_for_user(request.user)))


@router.get("/me/history", response=HistoryOut)
def my_history(request: HttpRequest, query: Query[PageQuery]):
    """Every movement of my balances with its reason (中文 and English) and order number, newest first."""
    total, page = selectors.wallet_history(promoter_for_user(request.user), limit=query.limit, offset=query.offset)
    return {"total": total, "limit": query.limit, "offset": query.offset, "items": [movement_out(m) for m in page]}


@router.post("/me/withdrawals", response={201: WithdrawalOut})
def my_withdrawal_request(request: HttpRequest, payload: WithdrawalIn):
    """Request a withdrawal; the amount is frozen until finance reviews it. Sending the same
    ``idempotency_key`` again answers the same withdrawal."""
    withdrawal = services.withdrawal_request(promoter=promoter_for_user(request.user), amount=payload.amount,
                                             payee=payload.payee.dict(), idempotency_key=payload.idempotency_key)
    return Status(201, withdrawal_out(withdrawal))


@router.get("/me/withdrawals", response=WithdrawalPageOut)
def my_withdrawals(request: HttpRequest, query: Query[PageQuery]):
    """My withdrawals, newest first."""
    total, page = selectors.withdrawals_of(promoter_for_user(request.user), limit=query.limit, offset=query.offset)
    return {"total": total, "limit": query.limit, "offset": query.offset, "items": [withdrawal_out(w) for w in page]}


# --- finance ---------------------------------------------------------------------------------------------

@router.get("/operator/withdrawals", response=ReviewPageOut)
def operator_review_queue(request: HttpRequest, query: Query[ReviewQuery]):
    """Withdrawals in one status (requested by default: the review queue), oldest first. Finance only."""
    require_operator(request.user, Role.FINANCE)
    total, page = selectors.withdrawal_review_queue(status=query.status, limit=query.limit, offset=query.offset)
    return {"total": total, "limit": query.limit, "offset": query.offset,
            "items": [review_item_out(w) for w in page]}


@router.post("/operator/withdrawals/{withdrawal_id}/approve", response=ReviewItemOut)
def operator_approve(request: HttpRequest, withdrawal_id: int):
    """Approve a requested withdrawal: its payout starts. Finance only; audited."""
    services.withdrawal_approve(actor=request.user, withdrawal_id=withdrawal_id)
    return review_item_out(selectors.withdrawal_get(withdrawal_id))


@router.post("/operator/withdrawals/{withdrawal_id}/reject", response=ReviewItemOut)
def operator_reject(request: HttpRequest, withdrawal_id: int, payload: RejectIn):
    """Reject a requested withdrawal with a reason the promoter sees; the amount is released. Finance only; audited."""
    services.withdrawal_reject(actor=request.user, withdrawal_id=withdrawal_id, reason=payload.reason)
    return review_item_out(selectors.withdrawal_get(withdrawal_id))


# --- the payout provider ---------------------------------------------------------------------------------

@router.post("/payouts/webhooks/{provider_name}", auth=None, response=WebhookOut, url_name="wallets_payout_webhook")
def payout_webhook(request: HttpRequest, provider_name: str):
    """A payout provider's signed callback. Processed once per event id (a replay answers ``duplicate``); a
    forged, stale, malformed or contradicting callback answers 400 with the error code and is logged."""
    result = services.payout_callback_handle(provider=provider_name, headers=request.headers, body=request.body)
    return {"status": result.outcome, "event_id": result.event_id, "reason": result.reason}
