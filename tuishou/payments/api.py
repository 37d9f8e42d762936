"""API routes for payments: the gateways' webhook and the payer's status poll."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from tuishou.core.api_roles import ANONYMOUS, CONSUMER, CUSTOMER_SERVICE, FINANCE, allowed
from tuishou.payments import selectors, services
from tuishou.payments.schemas import PaymentOut, WebhookOut, payment_out

router = Router(tags=["payments"])


@router.post("/webhooks/{gateway_name}", auth=None, response=WebhookOut, url_name="payments_webhook",
             openapi_extra=allowed(ANONYMOUS))
def webhook(request: HttpRequest, gateway_name: str):
    """A gateway's signed callback. Processed once per event id (a replay answers ``duplicate``); a forged,
    stale, malformed or contradicting callback answers 400 with the error code and is logged."""
    result = services.payment_callback_handle(gateway=gateway_name, headers=request.headers, body=request.body)
    return {"status": result.outcome, "event_id": result.event_id, "reason": result.reason}


@router.get("/{payment_id}", response=PaymentOut, openapi_extra=allowed(CONSUMER, FINANCE, CUSTOMER_SERVICE))
def payment_status(request: HttpRequest, payment_id: int):
    """A payment's status for its payer to poll after the pay page (operators in finance or customer service
    may look too)."""
    return payment_out(selectors.payment_for_viewer(user=request.user, payment_id=payment_id))
