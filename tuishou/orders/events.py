"""Order domain events: the ONE place an order's ``paid``, ``refunded`` and ``completed`` are emitted.

``subscribe(EventType, handler)``: the handler is called synchronously, inside the transaction that changed the
order, so its writes (settlement books its ledger entries here) commit or roll back with it. A handler that
raises aborts the whole change. A handler with a side effect outside the database schedules it itself for after
the commit: a background task through ``core.task_queue.task_after_commit`` (the tasks of one event become one
task row, written in the transaction where the queue is the database), anything else with ``transaction.on_commit``.

Each event is emitted exactly once per change: emission happens inside the same transaction as the status
move or refund it reports, and those are guarded by conditional updates and idempotency keys.

Deferred delivery (the batched accrual, ``TUISHOU["ACCRUAL_BATCHED"]``): an event type may be ``defer``-red to
an outbox. Emitted then, the event is only queued in the emitting transaction; a worker later takes many queued
events and ``deliver``-s them in the transaction that deletes their rows: each subscription's batch form
(``subscribe(EventType, handler, batch=handler_many)``, set-based statements for the whole list) or else its
handler once per event. The effects are those of the inline delivery, made a batch interval later.

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
BatchHandler = Callable[[list], None]


@dataclass(frozen=True)
class _Subscription:
    handler: Handler | None
    batch: BatchHandler | None


@dataclass(frozen=True)
class _Deferral:
    when: Callable[[], bool]
    queue: Handler


_subscriptions: dict[type, list[_Subscription]] = defaultdict(list)
_deferrals: dict[type, _Deferral] = {}


def subscribe(event_type: type, handler: Handler | None = None, *, batch: BatchHandler | None = None) -> None:
    """Call ``handler(event)`` inside the transaction that emits ``event_type`` (idempotent per handler).

    ``batch``: the same effects for a list of events at once, with set-based statements: what ``deliver`` calls
    when the event type's delivery is deferred (``defer``). A subscription without a batch form is called once
    per event there. A subscription with only a batch form marks work the emitter does itself when it delivers
    now (the orders' volume entry and first-sale count, written before ``order.paid`` from the order's own plan
    setting), and which the deferred delivery must do too.
    """
    if handler is None and batch is None:
        raise ValueError("a subscription needs a handler or a batch form")
    subscription = _Subscription(handler=handler, batch=batch)
    if not any(s.handler == handler and s.batch == batch for s in _subscriptions[event_type]):
        _subscriptions[event_type].append(subscription)


def unsubscribe(event_type: type, handler: Handler | None = None, *, batch: BatchHandler | None = None) -> None:
    """Remove a subscription (tests use it to clean up)."""
    _subscriptions[event_type] = [s for s in _subscriptions[event_type]
                                  if not (s.handler == handler and s.batch == batch)]


def defer(event_type: type, *, when: Callable[[], bool], queue: Handler) -> None:
    """Whenever ``when()`` holds, an emitted ``event_type`` goes to ``queue(event)`` (an outbox row in the
    emitting transaction) instead of its subscribers; whoever drains the outbox hands the events to ``deliver``
    inside the transaction that removes them, so each event's effects happen exactly once. Settlement's batched
    accrual defers ``order.paid`` this way (``TUISHOU["ACCRUAL_BATCHED"]``)."""
    _deferrals[event_type] = _Deferral(when=when, queue=queue)


def deferred(event_type: type) -> bool:
    """Whether an ``event_type`` emitted now waits in its outbox for ``deliver``."""
    deferral = _deferrals.get(event_type)
    return deferral is not None and deferral.when()


def emit(event: Event) -> None:
    """Deliver ``event`` to its handlers, now, or (``deferred``) hand it to its outbox. Only the orders services
    call this, inside the atomic block that made the change. The background tasks its handlers ask for become
    one task row (``core.task_queue``)."""
    if deferred(type(event)):
        _deferrals[type(event)].queue(event)
        return
    with tasks_folded():
        for subscription in list(_subscriptions[type(event)]):
            if subscription.handler is not None:
                subscription.handler(event)


def deliver(events: list[Event]) -> None:
    """Deliver deferred events of one type to every subscription, in the order they subscribed (the order the
    handlers run at emission, so rows are locked in the same order): its batch form once for all of them, or
    its handler once per event. Call inside the transaction that removes the events from their outbox. The
    tasks asked for become one task row for the whole batch."""
    if not events:
        return
    with tasks_folded():
        for subscription in list(_subscriptions[type(events[0])]):
            if subscription.batch is not None:
                subscription.batch(events)
            else:
                for event in events:
                    subscription.handler(event)
