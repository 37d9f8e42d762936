"""Order domain events: the ONE place an order's ``paid``, ``refunded`` and ``completed`` are emitted.

``subscribe(EventType, handler)``: the handler is called synchronously, inside the transaction that changed the
order, so its writes (settlement books its ledger entries here) commit or roll back with it. A handler that
raises aborts the whole change. A handler with a side effect outside the database schedules it itself for after
the commit: a background task through ``core.task_queue.task_after_commit`` (the tasks of one event become one
task row, written in the transaction where the queue is the database), anything else with ``transaction.on_commit``.

Each event is emitted exactly once per change: emission happens inside the same transaction as the status
move or refund it reports, and those are guarded by conditional updates and idempotency keys.

Payloads are frozen dataclasses of plain values (ids, ``Decimal`` amounts, aware datetimes), so a handler
needs no model instance and a test can compare them whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tuishou.core.task_queue import tasks_folded


@dataclass(frozen=True)
class ChainMember:
    """A promoter on the order's chain at payment: p0 (the credited promoter) first, then each sponsor."""

    promoter_id: int
    rank: str
    active: bool


@dataclass(frozen=True)
class PaidLine:
    """One order line as paid."""

    line_id: int
    sku_id: int
    quantity: int
    paid_amount: Decimal
    commission_base: Decimal


@dataclass(frozen=True)
class OrderPaid:
    """``order.paid``: the order's payment succeeded (one event per order of the checkout).

    ``commission_base`` is B from the lines' commission settings; ``paid_amount`` is what a ``base: paid``
    plan uses. ``chain`` is empty when no promoter is credited. ``plan_version_id`` is None when the
    community had no plan in force at checkout.
    """

    order_id: int
    order_number: str
    checkout_id: int
    buyer_id: int
    merchant_id: int
    promoter_id: int | None
    self_purchase: bool
    community_id: int | None
    plan_version_id: int | None
    fee_rate: Decimal
    paid_amount: Decimal
    commission_base: Decimal
    chain: tuple[ChainMember, ...]
    lines: tuple[PaidLine, ...]
    payment_ref: str
    paid_at: datetime


@dataclass(frozen=True)
class RefundedLine:
    """What one refund took off one line: ``quantity`` (0 for a refund by amount), ``amount`` of money,
    and ``commission_base`` of B (the line's base before minus after)."""

    line_id: int
    sku_id: int
    quantity: int
    amount: Decimal
    commission_base: Decimal


@dataclass(frozen=True)
class OrderRefunded:
    """``order.refunded``: a refund of (part of) the order succeeded.

    ``amount`` = Σ lines' amounts; ``commission_base_before - commission_base_after`` = Σ lines'
    ``commission_base``. ``fully_refunded``: nothing is left to refund (the order is now ``refunded``).
    """

    order_id: int
    order_number: str
    case_id: int
    refund_ref: str
    promoter_id: int | None
    plan_version_id: int | None
    amount: Decimal
    lines: tuple[RefundedLine, ...]
    commission_base_before: Decimal
    commission_base_after: Decimal
    fully_refunded: bool
    refunded_at: datetime


@dataclass(frozen=True)
class OrderCompleted:
    """``order.completed``: the after-sales window closed with no open case; commissions may settle.

    ``commission_base`` is B after every refund; ``paid_amount`` what the buyer paid less refunds.
    """

    order_id: int
    order_number: str
    promoter_id: int | None
    plan_version_id: int | None
    commission_base: Decimal
    paid_amount: Decimal
    completed_at: datetime


def paid_to_json(event: OrderPaid) -> dict:
    """``event`` as JSON-ready data (amounts as strings, the time in ISO form): what the batched accrual's
    outbox row keeps (``AccrualPending.event``); ``paid_from_json`` gives back an equal event."""
    data = {name: getattr(event, name) for name in OrderPaid.__dataclass_fields__}
    data.update(fee_rate=str(event.fee_rate), paid_amount=str(event.paid_amount),
                commission_base=str(event.commission_base), paid_at=event.paid_at.isoformat(),
                chain=[[m.promoter_id, m.rank, m.active] for m in event.chain],
                lines=[[x.line_id, x.sku_id, x.quantity, str(x.paid_amount), str(x.commission_base)]
                       for x in event.lines])
    return data


def paid_from_json(data: dict) -> OrderPaid:
    """The ``OrderPaid`` that ``paid_to_json`` wrote."""
    return OrderPaid(**{**data, "fee_rate": Decimal(data["fee_rate"]), "paid_amount": Decimal(data["paid_amount"]),
                        "commission_base": Decimal(data["commission_base"]),
                        "paid_at": datetime.fromisoformat(data["paid_at"]),
                        "chain": tuple(ChainMember(promoter_id=p, rank=r, active=a) for p, r, a in data["chain"]),
                        "lines": tuple(PaidLine(line_id=i, sku_id=s, quantity=q, paid_amount=Decimal(pa),
                                                commission_base=Decimal(b)) for i, s, q, pa, b in data["lines"])})


Event = OrderPaid | OrderRefunded | OrderCompleted
Handler = Callable[[Event], None]

_in_transaction: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type, handler: Handler) -> None:
    """Call ``handler(event)`` inside the transaction that emits ``event_type`` (idempotent per handler)."""
    if handler not in _in_transaction[event_type]:
        _in_transaction[event_type].append(handler)


def unsubscribe(event_type: type, handler: Handler) -> None:
    """Remove a handler (tests use it to clean up)."""
    if handler in _in_transaction[event_type]:
        _in_transaction[event_type].remove(handler)


def emit(event: Event) -> None:
    """Deliver ``event`` to its handlers, now. Only the orders services call this, inside the atomic block that
    made the change. The background tasks its handlers ask for become one task row (``core.task_queue``)."""
    with tasks_folded():
        for handler in list(_in_transaction[type(event)]):
            handler(event)
