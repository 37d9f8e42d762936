"""API routes for orders (``/api/v1/orders/…``): addresses, cart, checkout, paying, my orders, receipt,
after-sales; merchants' shipping and answers; customer service's queue; promoters' customers' orders."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile

from tuishou.core.api_roles import CONSUMER, CUSTOMER_SERVICE, MERCHANT_STAFF, PROMOTER, allowed
from tuishou.orders import aftersales, fulfilment, paying, selectors, services
from tuishou.orders.checkout import checkout_submit, checkout_submit_from_cart
from tuishou.orders.checkout_requests import LineRequest
from tuishou.orders.schemas import (
    AddressIn,
    AddressOut,
    AfterSalesIn,
    AfterSalesOut,
    AnswerIn,
    CartAddIn,
    CartLineOut,
    CartQuantityIn,
    CheckoutIn,
    CheckoutOut,
    DecideIn,
    OrderOut,
    PayIn,
    ReasonIn,
    ShipIn,
    aftersales_out,
    cart_line_out,
    checkout_out,
    order_out,
    order_out_masked,
)
from tuishou.orders.schemas import (
    CheckoutPaymentOut as PaymentOut,
)

router = Router(tags=["orders"])


def _case(case_id: int) -> dict:
    return aftersales_out(selectors._cases().get(pk=case_id))


def _order(order_id: int) -> dict:
    return order_out(selectors._orders().get(pk=order_id))


# ---- addresses and cart --------------------------------------------------------------------------------------

@router.get("/addresses", response=list[AddressOut], openapi_extra=allowed(CONSUMER))
def addresses(request: HttpRequest):
    """My delivery addresses, the default first."""
    return list(selectors.addresses_for_user(user=request.user))


@router.post("/addresses", response={201: AddressOut}, openapi_extra=allowed(CONSUMER))
def address_create(request: HttpRequest, payload: AddressIn):
    """Add a delivery address (the first one becomes the default)."""
    return Status(201, services.address_create(user=request.user, **payload.dict()))


@router.delete("/addresses/{address_id}", response={204: None}, openapi_extra=allowed(CONSUMER))
def address_delete(request: HttpRequest, address_id: int):
    services.address_delete(user=request.user, address_id=address_id)
    return Status(204, None)


@router.get("/cart", response=list[CartLineOut], openapi_extra=allowed(CONSUMER))
def cart(request: HttpRequest):
    """My cart, each line with the share code it came through."""
    return [cart_line_out(line) for line in selectors.cart_for_user(user=request.user)]


@router.post("/cart", response={201: CartLineOut}, openapi_extra=allowed(CONSUMER))
def cart_add(request: HttpRequest, payload: CartAddIn):
    """Put an SKU in the cart (adds to the quantity of a line already there)."""
    line = services.cart_add(user=request.user, **payload.dict())
    return Status(201, cart_line_out(selectors.cart_for_user(user=request.user).get(pk=line.pk)))


@router.patch("/cart/{line_id}", response=CartLineOut, openapi_extra=allowed(CONSUMER))
def cart_quantity(request: HttpRequest, line_id: int, payload: CartQuantityIn):
    services.cart_line_set_quantity(user=request.user, line_id=line_id, quantity=payload.quantity)
    return cart_line_out(selectors.cart_for_user(user=request.user).get(pk=line_id))


@router.delete("/cart/{line_id}", response={204: None}, openapi_extra=allowed(CONSUMER))
def cart_remove(request: HttpRequest, line_id: int):
    services.cart_line_remove(user=request.user, line_id=line_id)
    return Status(204, None)


# ---- checkout and paying -------------------------------------------------------------------------------------

@router.post("/checkout", response={201: CheckoutOut}, openapi_extra=allowed(CONSUMER))
def checkout(request: HttpRequest, payload: CheckoutIn):
    """Submit a checkout: one order per merchant, prices from the server, stock reserved for
    ORDER_PAYMENT_MINUTES. The same ``idempotency_key`` returns the first checkout. With ``from_cart`` the
    cart's lines are ordered (the cart is emptied of them, in the same transaction; a replay leaves the cart
    alone). The same key with another request is ``orders.idempotency_key_reused``.

    Against stock hoarding a buyer holds at most ``UNPAID_CHECKOUTS_MAX`` unpaid checkouts (409
    ``orders.too_many_unpaid``) and ``UNPAID_UNITS_PER_SKU_MAX`` units of one SKU across them (409
    ``orders.unpaid_units_limit``, ``details``: ``sku_id``, ``held``, ``requested``, ``limit``); nothing is
    written then."""
    if payload.from_cart:
        result = checkout_submit_from_cart(buyer=request.user, address_id=payload.address_id,
                                           share_code=payload.share_code, idempotency_key=payload.idempotency_key)
    else:
        lines = [LineRequest(sku_id=li.sku_id, quantity=li.quantity, share_code=li.share_code)
                 for li in payload.lines]
        result = checkout_submit(buyer=request.user, lines=lines, address_id=payload.address_id,
                                 share_code=payload.share_code, idempotency_key=payload.idempotency_key)
    return Status(201, checkout_out(result))


@router.get("/checkouts/{checkout_id}", response=CheckoutOut, openapi_extra=allowed(CONSUMER))
def checkout_detail(request: HttpRequest, checkout_id: int):
    return checkout_out(selectors.checkout_get(buyer=request.user, checkout_id=checkout_id))


@router.post("/checkouts/{checkout_id}/pay", response=PaymentOut, openapi_extra=allowed(CONSUMER))
def checkout_pay(request: HttpRequest, checkout_id: int, payload: PayIn):
    """Start paying a checkout; answers the pay URL to send the buyer to (the sandbox's pay page in
    development). ``orders.already_paid`` when paid, ``orders.not_payable`` when cancelled or expired."""
    payment = paying.checkout_pay(buyer=request.user, checkout_id=checkout_id, return_url=payload.return_url)
    return {"payment_id": payment.pk, "status": payment.status, "amount": str(payment.amount),
            "pay_url": payment.pay_url}


# ---- my orders -----------------------------------------------------------------------------------------------

@router.get("/mine", response=list[OrderOut], openapi_extra=allowed(CONSUMER))
def my_orders(request: HttpRequest, status: str | None = None):
    """My orders, newest first."""
    return [order_out(o) for o in selectors.orders_for_buyer(buyer=request.user, status=status)[:100]]


@router.get("/mine/{order_id}", response=OrderOut, openapi_extra=allowed(CONSUMER))
def my_order(request: HttpRequest, order_id: int):
    return order_out(selectors.order_for_buyer(buyer=request.user, order_id=order_id))


@router.post("/{int:order_id}/cancel", response=OrderOut, openapi_extra=allowed(CONSUMER))
def order_cancel(request: HttpRequest, order_id: int, payload: ReasonIn):
    """Cancel an unpaid order (with the other orders of its checkout); the stock goes back."""
    paying.order_cancel(buyer=request.user, order_id=order_id, reason=payload.reason)
    return _order(order_id)


@router.post("/{int:order_id}/confirm-receipt", response=OrderOut, openapi_extra=allowed(CONSUMER))
def order_confirm_receipt(request: HttpRequest, order_id: int):
    """Confirm receipt of a shipped order (确认收货)."""
    fulfilment.order_confirm_receipt(actor=request.user, order_id=order_id)
    return _order(order_id)


# ---- after-sales (buyer) -------------------------------------------------------------------------------------

@router.post("/{int:order_id}/after-sales", response={201: AfterSalesOut}, openapi_extra=allowed(CONSUMER))
def aftersales_open(request: HttpRequest, order_id: int, payload: AfterSalesIn):
    """Ask for a refund (refund_only) or a return and refund (return_refund) of lines or of an amount;
    ``orders.refund_exceeds_paid`` when it is more than was paid. Attach photos with the photos route."""
    lines = None if payload.lines is None else [(li.line_id, li.quantity) for li in payload.lines]
    case = aftersales.aftersales_open(buyer=request.user, order_id=order_id, kind=payload.kind,
                                      reason=payload.reason, lines=lines, amount=payload.amount)
    return Status(201, _case(case.pk))


@router.post("/after-sales/{int:case_id}/photos", response={201: AfterSalesOut}, openapi_extra=allowed(CONSUMER))
def aftersales_photo(request: HttpRequest, case_id: int, image: File[UploadedFile]):
    """Attach a photo to my case (multipart field ``image``)."""
    aftersales.aftersales_photo_add(buyer=request.user, case_id=case_id, image=image)
    return Status(201, _case(case_id))


@router.get("/after-sales/mine", response=list[AfterSalesOut], openapi_extra=allowed(CONSUMER))
def my_aftersales(request: HttpRequest):
    return [aftersales_out(c) for c in selectors.aftersales_for_buyer(buyer=request.user)[:100]]


@router.post("/after-sales/{int:case_id}/return-shipment", response=AfterSalesOut, openapi_extra=allowed(CONSUMER))
def aftersales_return_ship(request: HttpRequest, case_id: int, payload: ShipIn):
    """Send the goods of an accepted return back, with carrier and tracking number."""
    aftersales.aftersales_return_ship(buyer=request.user, case_id=case_id, **payload.dict())
    return _case(case_id)


@router.post("/after-sales/{int:case_id}/escalate", response=AfterSalesOut, openapi_extra=allowed(CONSUMER))
def aftersales_escalate(request: HttpRequest, case_id: int, payload: ReasonIn):
    """Dispute the merchant's rejection: customer service decides."""
    aftersales.aftersales_escalate(buyer=request.user, case_id=case_id, reason=payload.reason)
    return _case(case_id)


# ---- merchants -----------------------------------------------------------------------------------------------

@router.get("/merchant/{merchant_id}/orders", response=list[OrderOut], openapi_extra=allowed(MERCHANT_STAFF))
def merchant_orders(request: HttpRequest, merchant_id: int, status: str | None = None):
    """A merchant's orders (its staff); ``status=paid`` lists the orders to ship, oldest first."""
    return [order_out(o) for o in selectors.orders_for_merchant(user=request.user, merchant_id=merchant_id,
                                                                status=status)[:200]]


@router.post("/{int:order_id}/ship", response=OrderOut, openapi_extra=allowed(MERCHANT_STAFF))
def order_ship(request: HttpRequest, order_id: int, payload: ShipIn):
    """Ship a paid order with carrier and tracking number; ``orders.not_paid``, ``orders.order_unknown``
    (another merchant's too)."""
    fulfilment.order_ship(actor=request.user, order_id=order_id, **payload.dict())
    return _order(order_id)


@router.get("/merchant/{merchant_id}/after-sales", response=list[AfterSalesOut], openapi_extra=allowed(MERCHANT_STAFF))
def merchant_aftersales(request: HttpRequest, merchant_id: int, status: str | None = None):
    """A merchant's after-sales cases; ``status=open`` by SLA deadline."""
    return [aftersales_out(c) for c in selectors.aftersales_for_merchant(user=request.user, merchant_id=merchant_id,
                                                                          status=status)[:200]]


@router.post("/after-sales/{int:case_id}/answer", response=AfterSalesOut, openapi_extra=allowed(MERCHANT_STAFF))
def aftersales_answer(request: HttpRequest, case_id: int, payload: AnswerIn):
    """Accept or reject an open case (within AFTER_SALES_SLA_HOURS, or it escalates); accept with
    ``refund_amount`` to refund only part of a refund-only request (部分退款), with the answer saying why."""
    aftersales.aftersales_answer(actor=request.user, case_id=case_id, accept=payload.accept, answer=payload.answer,
                                 refund_amount=payload.refund_amount)
    return _case(case_id)


@router.post("/after-sales/{int:case_id}/return-received", response=AfterSalesOut,
             openapi_extra=allowed(MERCHANT_STAFF))
def aftersales_return_received(request: HttpRequest, case_id: int):
    """The returned goods arrived: refund the buyer."""
    aftersales.aftersales_return_receive(actor=request.user, case_id=case_id)
    return _case(case_id)


# ---- customer service ----------------------------------------------------------------------------------------

@router.get("/after-sales/escalated", response=list[AfterSalesOut], openapi_extra=allowed(CUSTOMER_SERVICE))
def escalated_queue(request: HttpRequest):
    """Escalated cases, oldest first (customer_service role)."""
    return [aftersales_out(c) for c in selectors.aftersales_escalated(user=request.user)[:200]]


@router.post("/after-sales/{int:case_id}/decide", response=AfterSalesOut, openapi_extra=allowed(CUSTOMER_SERVICE))
def aftersales_decide(request: HttpRequest, case_id: int, payload: DecideIn):
    """Decide an escalated case: force the refund or close it (customer_service role)."""
    aftersales.aftersales_decide(actor=request.user, case_id=case_id, refund=payload.refund,
                                 decision=payload.decision)
    return _case(case_id)


# ---- promoters -----------------------------------------------------------------------------------------------

@router.get("/promoter/orders", response=list[OrderOut], openapi_extra=allowed(PROMOTER))
def promoter_orders(request: HttpRequest, status: str | None = None):
    """Orders credited to me as a promoter (my customers' orders), the recipient's name, phone and address masked
    (刘*, 138****0004, province and city only): a promoter does not ship them."""
    return [order_out_masked(o) for o in selectors.orders_for_promoter(user=request.user, status=status)[:200]]


@router.get("/promoter/after-sales", response=list[AfterSalesOut], openapi_extra=allowed(PROMOTER))
def promoter_aftersales(request: HttpRequest):
    """After-sales cases of the orders credited to me."""
    return [aftersales_out(c) for c in selectors.aftersales_for_promoter(user=request.user)[:200]]
