"""The desk lists of orders (``tuishou.core.listing``): the merchant's orders (发货), the merchant's after-sales
queue (售后) and customer service's queue (客服介入). Rows come from ``orders.desk``, which scopes them to what
the person may see; the tab (``?tab=``) is a parameter of the list like its search and filters, so an export
holds exactly the rows of the tab on screen.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuishou.core.listing import Column, Filter, Listing
from tuishou.orders import desk
from tuishou.orders.models import AfterSalesCase, Order

TAB_LABELS = {
    "to_ship": _("To ship"), "shipped": _("Shipped"), "received": _("Received"), "completed": _("Completed"),
    "refunds": _("Refunds"), "unpaid": _("Awaiting payment"), "cancelled": _("Cancelled"), "all": _("All"),
    "to_answer": _("To answer"), "returns": _("Returns"), "escalated": _("With customer service"),
    "rejected": _("Rejected"), "done": _("Done"), "breaches": _("SLA breaches"), "decided": _("Decided"),
}
PERIODS = (("today", _("Today")), ("7d", _("Last 7 days")), ("30d", _("Last 30 days")),
           ("90d", _("Last 90 days")), ("older", _("Older than 90 days")))
PERIOD_DAYS = {"today": 0, "7d": 6, "30d": 29, "90d": 89}


def _placed_in(rows, value: str):
    """Orders placed in the chosen period (days counted in local time, today included)."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    if value == "older":
        return rows.filter(created_at__lt=start - timedelta(days=89))
    return rows.filter(created_at__gte=start - timedelta(days=PERIOD_DAYS[value]))


def _items(order: Order) -> str:
    return "; ".join(f"{line.title} · {line.spec_name} × {line.quantity}" for line in order.lines.all())


def _visible(order: Order) -> bool:
    return order.status in desk.FULFILMENT_STATUSES


class TabbedListing(Listing):
    """A listing whose rows are one tab of ``tabs`` (``?tab=``; an unknown tab is the default one)."""

    tabs: dict[str, tuple[str, ...]] = {}
    default_tab = ""

    def __init__(self, request=None, **kwargs) -> None:
        super().__init__(request, **kwargs)
        wanted = self.params.get("tab", "")
        self.tab = wanted if wanted in self.tabs else self.default_tab

    def tab_link(self, tab: str) -> str:
        return self.query(tab=tab, q=self.q or None)

    def tab_items(self, counts: dict[str, int] | None = None) -> list[dict]:
        """The tabs for the page: label, count (when known), link, and whether it is the one shown."""
        counts = counts or {}
        return [{"key": tab, "label": TAB_LABELS[tab], "count": counts.get(tab), "url": self.tab_link(tab),
                 "current": tab == self.tab} for tab in self.tabs]


class MerchantOrderListing(TabbedListing):
    """The merchant's orders; the default tab is the list to ship, the buyers who waited longest first."""

    name = "orders.merchant_orders"
    tabs = desk.MERCHANT_TABS
    default_tab = "to_ship"
    columns = (
        Column("number", _("Order number"), sort="new"),
        Column("status", _("Status"), value=lambda o: o.get_status_display(), short=True),
        Column("created_at", _("Placed at"), sort="new"),
        Column("paid_at", _("Paid at"), sort="waiting"),
        Column("items", _("Items"), value=_items),
        Column("recipient_name", _("Recipient"),
               value=lambda o: o.recipient_name if _visible(o) else desk.masked_name(o.recipient_name)),
        Column("recipient_phone", _("Phone"),
               value=lambda o: o.recipient_phone if _visible(o) else desk.masked_phone(o.recipient_phone)),
        Column("address", _("Address"), value=lambda o: o.address_text if _visible(o) else o.province + o.city),
        Column("total", _("Total"), num=True, money=True, sort="total"),
        Column("refunded_amount", _("Refunded"), num=True, money=True),
        Column("carrier", _("Carrier")),
        Column("tracking_number", _("Tracking number")),
    )
    search_label = _("Order number or phone")
    search = ("number",)
    filters = (Filter("period", _("Placed"), choices=PERIODS, apply=_placed_in),)
    sorts = {"new": (_("Newest first"), ("-created_at", "-pk")),
             "waiting": (_("Waiting longest"), ("paid_at", "pk")),
             "total": (_("Largest total"), ("-total", "-pk"))}
    default_sort = "new"

    def __init__(self, request=None, **kwargs) -> None:
        super().__init__(request, **kwargs)
        if not self.params.get("sort") and self.tab == "to_ship":
            self.sort = "waiting"

    def rows(self):
        return desk.merchant_orders(user=self.user, merchant_id=self.scope["merchant_id"], tab=self.tab)

    def search_rows(self, rows, term: str):
        return desk.order_search(rows, term)


def _sla(case: AfterSalesCase) -> str:
    left = desk.sla_left(case, timezone.now())
    if left is None:
        return ""
    return f"-{left.hours}:{left.minutes:02d}" if left.overdue else f"{left.hours}:{left.minutes:02d}"


def _due(rows, value: str):
    now = timezone.now()
    if value == "overdue":
        return rows.filter(status=AfterSalesCase.Status.OPEN, answer_due_at__lt=now)
    return rows.filter(status=AfterSalesCase.Status.OPEN, answer_due_at__gte=now,
                       answer_due_at__lt=now + timedelta(hours=6))


CASE_COLUMNS = (
    Column("pk", _("Case"), sort="new"),
    Column("order.number", _("Order number")),
    Column("kind", _("Kind"), value=lambda c: c.get_kind_display()),
    Column("status", _("Status"), value=lambda c: c.get_status_display(), short=True),
    Column("amount", _("Refund asked"), num=True, money=True),
    Column("opened_at", _("Opened at"), sort="new"),
    Column("answer_due_at", _("Answer due"), sort="due"),
    Column("sla_left", _("Time left (h:mm)"), value=_sla),
    Column("reason", _("Buyer's reason")),
    Column("merchant_answer", _("Merchant's answer")),
)


class MerchantCaseListing(TabbedListing):
    """The merchant's after-sales cases; the default tab is the cases to answer, the nearest deadline first."""

    name = "orders.merchant_cases"
    tabs = desk.CASE_TABS
    default_tab = "to_answer"
    columns = CASE_COLUMNS
    search_label = _("Order number")
    search = ("order__number",)
    filters = (Filter("due", _("Deadline"), choices=(("overdue", _("Overdue")), ("soon", _("Due within 6 hours"))),
                      apply=_due),)
    sorts = {"due": (_("Deadline first"), ("answer_due_at", "pk")), "new": (_("Newest first"), ("-pk",))}
    default_sort = "due"

    def rows(self):
        return desk.merchant_cases(user=self.user, merchant_id=self.scope["merchant_id"], tab=self.tab)


class ServiceCaseListing(TabbedListing):
    """Customer service's queue: escalated cases (oldest escalation first), SLA breaches, decided cases."""

    name = "orders.service_cases"
    tabs = {tab: () for tab in desk.SERVICE_TABS}
    default_tab = "escalated"
    columns = (Column("order.merchant.name", _("Merchant")), *CASE_COLUMNS,
               Column("escalated_at", _("Escalated at"), sort="escalated"),
               Column("decision", _("Decision")))
    search_label = _("Order number or merchant")
    sorts = {"escalated": (_("Escalated first"), ("escalated_at", "pk")),
             "due": (_("Deadline first"), ("answer_due_at", "pk")), "new": (_("Newest first"), ("-pk",))}
    search = ("order__number",)
    TAB_SORTS = {"escalated": "escalated", "breaches": "due", "decided": "new"}

    def __init__(self, request=None, **kwargs) -> None:
        super().__init__(request, **kwargs)
        if not self.params.get("sort"):
            self.sort = self.TAB_SORTS[self.tab]

    def rows(self):
        return desk.service_cases(user=self.user, tab=self.tab, search=self.q)

    def search_rows(self, rows, term: str):
        return rows  # the selector searched already (the order number or the merchant's name)
