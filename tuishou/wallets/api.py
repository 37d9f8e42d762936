"""API routes for wallets: my wallet, my history, my withdrawals; a merchant's payouts (balances, payout account,
withdrawals); finance's review queue of both; the payout webhook."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from tuishou.core.api_roles import ANONYMOUS, FINANCE, MERCHANT_OWNER, MERCHANT_STAFF, PROMOTER, allowed
from tuishou.network.selectors import promoter_for_user
from tuishou.wallets import merchant_payouts, merchant_selectors, selectors, services
from tuishou.wallets.merchant_schemas import (
    MerchantPayoutsOut,
    MerchantWithdrawalIn,
    MerchantWithdrawalPageOut,
    MerchantWithdrawalQuery,
    PayoutAccountIn,
    PayoutAccountOut,
    merchant_payouts_out,
    payout_account_out,
)
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


@router.get("/me", response=WalletOut, openapi_extra=allowed(PROMOTER))
def my_wallet(request: HttpRequest):
    """My wallet: pending (inside the after-sales window), available, frozen by withdrawals, withdrawn to date,
    what I may withdraw now, and the withdrawal rules."""
    return wallet_out(selectors.wallet_get(promoter_for_user(request.user)))


@router.get("/me/history", response=HistoryOut, openapi_extra=allowed(PROMOTER))
def my_history(request: HttpRequest, query: Query[PageQuery]):
    """Every movement of my balances with its reason (中文 and English) and order number, newest first."""
    total, page = selectors.wallet_history(promoter_for_user(request.user), limit=query.limit, offset=query.offset)
    return {"total": total, "limit": query.limit, "offset": query.offset, "items": [movement_out(m) for m in page]}


@router.post("/me/withdrawals", response={201: WithdrawalOut}, openapi_extra=allowed(PROMOTER))
def my_withdrawal_request(request: HttpRequest, payload: WithdrawalIn):
    """Request a withdrawal; the amount is frozen until finance reviews it. Sending the same
    ``idempotency_key`` again answers the same withdrawal."""
    withdrawal = services.withdrawal_request(promoter=promoter_for_user(request.user), amount=payload.amount,
                                             payee=payload.payee.dict(), idempotency_key=payload.idempotency_key)
    return Status(201, withdrawal_out(withdrawal))


@router.get("/me/withdrawals", response=WithdrawalPageOut, openapi_extra=allowed(PROMOTER))
def my_withdrawals(request: HttpRequest, query: Query[PageQuery]):
    """My withdrawals, newest first."""
    total, page = selectors.withdrawals_of(promoter_for_user(request.user), limit=query.limit, offset=query.offset)
    return {"total": total, "limit": query.limit, "offset": query.offset, "items": [withdrawal_out(w) for w in page]}


# --- finance ---------------------------------------------------------------------------------------------

@router.get("/operator/withdrawals", response=ReviewPageOut, openapi_extra=allowed(FINANCE))
def operator_review_queue(request: HttpRequest, query: Query[ReviewQuery]):
    """Withdrawals in one status (requested by default: the review queue), promoters' and merchants' (or one
    ``payee_kind``), matching ``q``, oldest first. Finance only."""
    rows = selectors.withdrawal_review_query(actor=request.user, status=query.status, payee_kind=query.payee_kind,
                                             search=query.q)
    return {"total": rows.count(), "limit": query.limit, "offset": query.offset,
            "items": [review_item_out(w) for w in rows[query.offset:query.offset + query.limit]]}


@router.post("/operator/withdrawals/{withdrawal_id}/approve", response=ReviewItemOut, openapi_extra=allowed(FINANCE))
def operator_approve(request: HttpRequest, withdrawal_id: int):
    """Approve a requested withdrawal: its payout starts. Finance only; audited."""
    services.withdrawal_approve(actor=request.user, withdrawal_id=withdrawal_id)
    return review_item_out(selectors.withdrawal_get(withdrawal_id))


@router.post("/operator/withdrawals/{withdrawal_id}/reject", response=ReviewItemOut, openapi_extra=allowed(FINANCE))
def operator_reject(request: HttpRequest, withdrawal_id: int, payload: RejectIn):
    """Reject a requested withdrawal with a reason the promoter sees; the amount is released. Finance only; audited."""
    services.withdrawal_reject(actor=request.user, withdrawal_id=withdrawal_id, reason=payload.reason)
    return review_item_out(selectors.withdrawal_get(withdrawal_id))


# --- merchants ------------------------------------------------------------------------------------------

@router.get("/merchants/{merchant_id}/payouts", response=MerchantPayoutsOut, openapi_extra=allowed(MERCHANT_STAFF))
def merchant_payouts_show(request: HttpRequest, merchant_id: int):
    """The merchant's balances (pending, available, frozen, withdrawn), what it may withdraw now, the rules and
    its payout account (masked). Merchant staff."""
    return merchant_payouts_out(merchant_selectors.merchant_payouts_get(actor=request.user, merchant_id=merchant_id))


@router.put("/merchants/{merchant_id}/payout-account", response=PayoutAccountOut, openapi_extra=allowed(MERCHANT_OWNER))
def merchant_payout_account_set(request: HttpRequest, merchant_id: int, payload: PayoutAccountIn):
    """Set the merchant's payout bank account. The owner only; audited."""
    account = merchant_payouts.merchant_payout_account_set(actor=request.user, merchant_id=merchant_id,
                                                           **payload.dict())
    return payout_account_out(account)


@router.post("/merchants/{merchant_id}/withdrawals", response={201: WithdrawalOut},
             openapi_extra=allowed(MERCHANT_OWNER))
def merchant_withdrawal_request(request: HttpRequest, merchant_id: int, payload: MerchantWithdrawalIn):
    """Withdraw from the merchant's settled balance to its payout account; the amount is frozen until finance
    reviews it. The owner or finance staff. The same ``idempotency_key`` again answers the same withdrawal."""
    withdrawal = merchant_payouts.merchant_withdrawal_request(actor=request.user, merchant_id=merchant_id,
                                                              amount=payload.amount,
                                                              idempotency_key=payload.idempotency_key)
    return Status(201, withdrawal_out(withdrawal))


@router.get("/merchants/{merchant_id}/withdrawals", response=MerchantWithdrawalPageOut,
            openapi_extra=allowed(MERCHANT_STAFF))
def merchant_withdrawals(request: HttpRequest, merchant_id: int, query: Query[MerchantWithdrawalQuery]):
    """The merchant's withdrawals, newest first. Merchant staff."""
    rows = merchant_selectors.merchant_withdrawals_query(actor=request.user, merchant_id=merchant_id,
                                                         status=query.status or "")
    return {"total": rows.count(), "limit": query.limit, "offset": query.offset,
            "items": [withdrawal_out(w) for w in rows[query.offset:query.offset + query.limit]]}


# --- the payout provider ---------------------------------------------------------------------------------

@router.post("/payouts/webhooks/{provider_name}", auth=None, response=WebhookOut, url_name="wallets_payout_webhook",
             openapi_extra=allowed(ANONYMOUS))
def payout_webhook(request: HttpRequest, provider_name: str):
    """A payout provider's signed callback. Processed once per event id (a replay answers ``duplicate``); a
    forged, stale, malformed or contradicting callback answers 400 with the error code and is logged."""
    result = services.payout_callback_handle(provider=provider_name, headers=request.headers, body=request.body)
    return {"status": result.outcome, "event_id": result.event_id, "reason": result.reason}
