"""Orders (订单): delivery addresses, the cart, checkouts split into one order per merchant (拆单), order lines
with their snapshots, the status history, and after-sales cases (售后).

Rows change only through this app's services; statuses (orders, checkouts, after-sales cases) move only
through ``transitions``, each against a declared table and with a history row.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField
from tuishou.core.transitions import StatusChange
from tuishou.merchants.models import RATE_FIELD

ZERO = Decimal("0.00")


class Address(models.Model):
    """A consumer's delivery address (收货地址)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(verbose_name=_("name"), max_length=60, help_text="Recipient (收货人).")
    phone = models.CharField(verbose_name=_("phone"), max_length=20)
    province = models.CharField(verbose_name=_("province"), max_length=30)
    city = models.CharField(verbose_name=_("city"), max_length=30)
    district = models.CharField(verbose_name=_("district"), max_length=30)
    detail = models.CharField(verbose_name=_("detail"), max_length=200, help_text="Street, building, room.")
    is_default = models.BooleanField(verbose_name=_("is default"), default=False)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("address")
        ordering = ["-is_default", "-id"]
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.name} {self.province}{self.city}{self.district}{self.detail}"


class CartLine(models.Model):
    """One SKU in a user's cart (购物车), with the share code it was added through (for attribution)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="cart_lines")
    sku = models.ForeignKey("catalog.Sku", verbose_name=_("sku"), on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    share_code = models.CharField(verbose_name=_("share code"), max_length=32, blank=True)
    added_at = models.DateTimeField(verbose_name=_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sku"], name="cart_line_unique_sku"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.sku_id} × {self.quantity}"


class Checkout(models.Model):
    """One submission of the buyer (提交订单): its orders, one per merchant, are paid by ONE payment
    (payable_type ``checkout``) and are paid or cancelled together.

    ``idempotency_key`` is unique per buyer: submitting the same key again with the same request
    (``request_digest``) returns this checkout.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("Checkout.Status", "Awaiting payment")
        PAID = "paid", pgettext_lazy("Checkout.Status", "Paid")
        CANCELLED = "cancelled", pgettext_lazy("Checkout.Status", "Cancelled")

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("buyer"),
                              on_delete=models.PROTECT, related_name="checkouts")
    idempotency_key = models.CharField(verbose_name=_("idempotency key"), max_length=64)
    request_digest = models.CharField(verbose_name=_("request digest"),
        max_length=64, blank=True,
        help_text="SHA-256 of what was asked (lines or 'the cart', the address, the share code): a replay of the "
                  "key with anything else is refused.")
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    amount = MoneyField(verbose_name=_("amount"),
                        help_text="What the payment must cover: the sum of its orders' totals.")
    share_code = models.CharField(verbose_name=_("share code"), max_length=32, blank=True)
    payment_ref = models.CharField(verbose_name=_("payment ref"),
                                   max_length=64, blank=True, help_text="The payment that paid it.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(verbose_name=_("expires at"),
                                      db_index=True, help_text="Unpaid after this, its orders are cancelled.")
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(verbose_name=_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "idempotency_key"], name="checkout_idempotency_key_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="checkout_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Checkout #{self.pk} ({self.status})"


class Order(models.Model):
    """One merchant's part of a checkout (订单). It snapshots everything commissions are computed from:
    the attribution (credited promoter p0, self-purchase, share link, community), the plan version in force
    at checkout, the merchant's fee rate, and — when paid — the chain with ranks and activity.
    """

    class Status(models.TextChoices):
        CREATED = "created", pgettext_lazy("Order.Status", "Created (awaiting payment)")
        PAID = "paid", pgettext_lazy("Order.Status", "Paid")
        SHIPPED = "shipped", pgettext_lazy("Order.Status", "Shipped")
        RECEIVED = "received", pgettext_lazy("Order.Status", "Received")
        COMPLETED = "completed", pgettext_lazy("Order.Status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("Order.Status", "Cancelled")
        REFUNDING = "refunding", pgettext_lazy("Order.Status", "Refunding")
        REFUNDED = "refunded", pgettext_lazy("Order.Status", "Refunded")

    number = models.CharField(verbose_name=_("number"), max_length=24, unique=True)
    checkout = models.ForeignKey(Checkout, verbose_name=_("checkout"), on_delete=models.PROTECT, related_name="orders")
    # buyer, merchant and promoter: no single-column index of their own — the composite indexes below lead with
    # them and answer every lookup by them (a status move rewrote three redundant index entries per order).
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("buyer"),
                              on_delete=models.PROTECT, related_name="orders", db_index=False)
    merchant = models.ForeignKey("merchants.Merchant", verbose_name=_("merchant"),
                                 on_delete=models.PROTECT, related_name="orders", db_index=False)
    status = models.CharField(verbose_name=_("status"),
                              max_length=16, choices=Status.choices, default=Status.CREATED, db_index=True)
    resume_status = models.CharField(verbose_name=_("resume status"), max_length=16, blank=True,
                                     help_text="While refunding: the status a partial refund returns to.")
    # delivery address, as it was at checkout
    recipient_name = models.CharField(verbose_name=_("recipient name"), max_length=60)
    recipient_phone = models.CharField(verbose_name=_("recipient phone"), max_length=20, db_index=True)
    province = models.CharField(verbose_name=_("province"), max_length=30)
    city = models.CharField(verbose_name=_("city"), max_length=30)
    district = models.CharField(verbose_name=_("district"), max_length=30)
    address_detail = models.CharField(verbose_name=_("address detail"), max_length=200)
    # attribution (归属), as resolved at checkout
    promoter = models.ForeignKey("network.Promoter", verbose_name=_("promoter"),
                                 null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                                 related_name="credited_orders", help_text="The credited promoter (p0).")
    self_purchase = models.BooleanField(verbose_name=_("self purchase"),
                                        default=False, help_text="The credited promoter is the buyer (自购).")
    share_link = models.ForeignKey("stores.ShareLink", verbose_name=_("share link"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="orders", help_text="The share link it came through.")
    binding_link = models.ForeignKey(
        "stores.ShareLink", verbose_name=_("binding link"),
null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The share link whose binding credited it (reason 'binding'): the order the link led to.")
    share_code = models.CharField(verbose_name=_("share code"), max_length=32, blank=True)
    attribution_reason = models.CharField(verbose_name=_("attribution reason"), max_length=40, blank=True)
    community = models.ForeignKey("network.Community", verbose_name=_("community"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    plan_version = models.ForeignKey("incentives.PlanVersion", verbose_name=_("plan version"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="orders", help_text="The community's plan in force at checkout.")
    fee_rate = models.DecimalField(verbose_name=_("fee rate"),
                                   **RATE_FIELD, help_text="The merchant's platform fee rate at checkout.")
    # money
    total = MoneyField(verbose_name=_("total"), help_text="What the buyer pays for this order (Σ line paid amounts).")
    refunded_amount = MoneyField(verbose_name=_("refunded amount"), default=ZERO)
    commission_base = MoneyField(verbose_name=_("commission base"),
                                 help_text="B at checkout: Σ of the lines' commission bases (佣金基数).")
    commission_base_remaining = MoneyField(verbose_name=_("commission base remaining"), help_text="B after refunds.")
    chain = models.JSONField(verbose_name=_("chain"), null=True, blank=True,
                             help_text="At payment: [{promoter_id, rank, active}, …], p0 first.")
    # fulfilment
    carrier = models.CharField(verbose_name=_("carrier"), max_length=40, blank=True)
    tracking_number = models.CharField(verbose_name=_("tracking number"), max_length=60, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(verbose_name=_("shipped at"), null=True, blank=True, db_index=True)
    received_at = models.DateTimeField(verbose_name=_("received at"), null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(verbose_name=_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(verbose_name=_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-id"]
        indexes = [models.Index(fields=["merchant", "status"], name="order_merchant_status_idx"),
                   models.Index(fields=["buyer", "-id"], name="order_buyer_idx"),
                   models.Index(fields=["promoter", "-id"], name="order_promoter_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="order_total_positive"),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("total")),
                                   name="order_refund_within_total"),
            models.CheckConstraint(condition=Q(commission_base_remaining__gte=0)
                                   & Q(commission_base_remaining__lte=models.F("commission_base")),
                                   name="order_base_remaining_range"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def address_text(self) -> str:
        return f"{self.province}{self.city}{self.district}{self.address_detail}"


class OrderLine(models.Model):
    """One SKU of an order with everything the buyer saw and the platform pays on, snapshotted at checkout:
    title, spec, unit price, quantity, paid amount, the commission setting and the line's commission base."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey("catalog.Sku", verbose_name=_("sku"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(verbose_name=_("title"), max_length=120)
    spec_name = models.CharField(verbose_name=_("spec name"), max_length=60)
    unit_price = MoneyField(verbose_name=_("unit price"))
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    paid_amount = MoneyField(verbose_name=_("paid amount"), help_text="unit_price × quantity.")
    commission_mode = models.CharField(verbose_name=_("commission mode"), max_length=8)
    commission_rate = models.DecimalField(verbose_name=_("commission rate"), **RATE_FIELD, null=True, blank=True)
    commission_amount = MoneyField(verbose_name=_("commission amount"), null=True, blank=True)
    commission_base = MoneyField(verbose_name=_("commission base"), help_text="B of this line at checkout.")
    refunded_quantity = models.PositiveIntegerField(verbose_name=_("refunded quantity"), default=0)
    refunded_amount = MoneyField(verbose_name=_("refunded amount"), default=ZERO)
    commission_base_remaining = MoneyField(verbose_name=_("commission base remaining"),
                                           help_text="B of this line after refunds.")
    share_code = models.CharField(verbose_name=_("share code"), max_length=32, blank=True)
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("hot-product campaign"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="order_lines",
                                 help_text="The 爆品 campaign whose price and commission setting it was sold at.")

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(refunded_quantity__lte=models.F("quantity")),
                                   name="order_line_refund_quantity_range"),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0)
                                   & Q(refunded_amount__lte=models.F("paid_amount")),
                                   name="order_line_refund_within_paid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.spec_name} × {self.quantity}"

    @property
    def refundable_amount(self) -> Decimal:
        return self.paid_amount - self.refunded_amount

    @property
    def refundable_quantity(self) -> int:
        return self.quantity - self.refunded_quantity


class OrderStatusChange(StatusChange):
    """One move of an order's status (history, append-only)."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"


class CheckoutStatusChange(StatusChange):
    """One move of a checkout's status (history, append-only)."""

    checkout = models.ForeignKey(Checkout, verbose_name=_("checkout"),
                                 on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("checkout status change")
        verbose_name_plural = _("checkout status changes")
        ordering = ["checkout_id", "id"]


class AfterSalesCase(models.Model):
    """An after-sales request (售后): refund only (仅退款) or return and refund (退货退款), of some lines and
    quantities or of an amount. The merchant answers within the SLA, else it escalates to customer service.
    Only one case per order is open at a time, so what a case will refund is fixed when it is opened.
    """

    class Kind(models.TextChoices):
        REFUND_ONLY = "refund_only", pgettext_lazy("AfterSalesCase.Kind", "Refund only")
        RETURN_REFUND = "return_refund", pgettext_lazy("AfterSalesCase.Kind", "Return and refund")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("AfterSalesCase.Status", "Waiting for the merchant")
        ACCEPTED = "merchant_accepted", pgettext_lazy("AfterSalesCase.Status", "Accepted: waiting for the return")
        RETURN_SHIPPED = "return_shipped", pgettext_lazy("AfterSalesCase.Status", "Return shipped")
        REJECTED = "merchant_rejected", pgettext_lazy("AfterSalesCase.Status", "Rejected")
        ESCALATED = "escalated", pgettext_lazy("AfterSalesCase.Status", "Escalated to customer service")
        REFUNDING = "refunding", pgettext_lazy("AfterSalesCase.Status", "Refund requested")
        REFUNDED = "refunded", pgettext_lazy("AfterSalesCase.Status", "Refunded")
        CLOSED = "closed", pgettext_lazy("AfterSalesCase.Status", "Closed by customer service")

    OPEN_STATUSES = ("open", "merchant_accepted", "return_shipped", "escalated", "refunding")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="after_sales")
    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(verbose_name=_("status"),
                              max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    reason = models.TextField(verbose_name=_("reason"))
    amount = MoneyField(verbose_name=_("amount"), help_text="What the case refunds (fixed when opened).")
    by_amount = models.BooleanField(verbose_name=_("by amount"),
                                    default=False, help_text="Asked as an amount rather than lines.")
    restock = models.BooleanField(verbose_name=_("restock"),
                                  default=False, help_text="The goods come back to stock when refunded.")
    merchant_answer = models.TextField(verbose_name=_("merchant answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(verbose_name=_("answered at"), null=True, blank=True)
    answer_due_at = models.DateTimeField(verbose_name=_("answer due at"),
                                         db_index=True, help_text="The merchant's SLA deadline.")
    return_carrier = models.CharField(verbose_name=_("return carrier"), max_length=40, blank=True)
    return_tracking_number = models.CharField(verbose_name=_("return tracking number"), max_length=60, blank=True)
    escalated_at = models.DateTimeField(verbose_name=_("escalated at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    decision = models.TextField(verbose_name=_("decision"), blank=True)
    refund_ref = models.CharField(verbose_name=_("refund ref"),
                                  max_length=64, blank=True, help_text="The payments refund it requested.")
    refunded_at = models.DateTimeField(verbose_name=_("refunded at"), null=True, blank=True)
    opened_at = models.DateTimeField(verbose_name=_("opened at"), db_index=True)

    class Meta:
        verbose_name_plural = _("after-sales cases")
        ordering = ["-id"]
        verbose_name = _("after-sales case")
        constraints = [
            models.UniqueConstraint(fields=["order"], name="after_sales_one_open_per_order",
                                    condition=Q(status__in=["open", "merchant_accepted", "return_shipped",
                                                            "escalated", "refunding"])),
            models.CheckConstraint(condition=Q(amount__gt=0), name="after_sales_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"After-sales #{self.pk} {self.order_id} ({self.status})"


class AfterSalesStatusChange(StatusChange):
    """One move of an after-sales case's status (history, append-only)."""

    case = models.ForeignKey(AfterSalesCase, verbose_name=_("case"),
                             on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("after sales status change")
        verbose_name_plural = _("after sales status changes")
        ordering = ["case_id", "id"]


class AfterSalesLine(models.Model):
    """What a case refunds of one order line: quantity (0 for a refund by amount) and amount."""

    case = models.ForeignKey(AfterSalesCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"), default=0)
    amount = MoneyField(verbose_name=_("amount"))

    class Meta:
        verbose_name = _("after sales line")
        verbose_name_plural = _("after sales lines")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}: {self.amount}"


class AfterSalesPhoto(models.Model):
    """A photo the buyer attached to a case (凭证)."""

    case = models.ForeignKey(AfterSalesCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(verbose_name=_("image"), upload_to="after-sales/%Y/%m/")
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("after sales photo")
        verbose_name_plural = _("after sales photos")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"Photo of case {self.case_id}"
from tuishou.orders.models_booking import AccrualPending  # noqa: E402,F401  (the batched accrual's outbox)
