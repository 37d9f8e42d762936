"""What becomes of each demo order (its fate), how many of each, and when they start.

``FATES``: name → (how many among everyone's orders, youngest and oldest age at which the story may start).
The demo promoter's and the demo consumer's stories are extra, listed in ``DEMO_PROMOTER_STORIES``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tuishou.demo.purchases import Purchase, Story, story_start
from tuishou.demo.world import DAY, HOUR, MINUTE, World
from tuishou.orders import aftersales
from tuishou.orders.models import AfterSalesCase
from tuishou.orders.paying import order_cancel

K = AfterSalesCase.Kind


def unpaid(p: Purchase) -> Story:
    yield from p.checkout()


def cancelled(p: Purchase) -> Story:
    yield from p.checkout()
    yield (3 + p.world.rng.randrange(20)) * MINUTE
    reason = p.world.rng.choice(("拍错规格了", "不想要了", "地址填错了"))
    order_cancel(buyer=p.buyer, order_id=p.order.pk, reason=reason)


def expired(p: Purchase) -> Story:
    yield from p.checkout()  # never paid: the daily job cancels it when its payment time runs out


def paid(p: Purchase) -> Story:
    yield from p.checkout()
    yield from p.pay()


def shipped(p: Purchase) -> Story:
    yield from paid(p)
    yield from p.ship(within_hours=30)


def received(p: Purchase) -> Story:
    yield from paid(p)
    yield from p.ship(within_hours=20)
    yield from p.confirm(days=(2, 3))


def completed(p: Purchase) -> Story:
    """Received (by the buyer, or automatically ten days after shipping), completed by the daily job once the
    after-sales window has closed, and settled once the plan's freeze has passed."""
    auto = p.world.clock_now() < p.world.ago(22 * DAY) and p.world.rng.random() < 0.25
    yield from paid(p)
    yield from p.ship()
    if not auto:
        yield from p.confirm()


def refunded_unshipped(p: Purchase) -> Story:
    """Paid, then refunded in full before shipping (仅退款): the merchant accepts, the gateway refunds."""
    yield from paid(p)
    yield (2 + 8 * p.world.rng.random()) * HOUR
    case = p.case_open(kind=K.REFUND_ONLY, reason="买重复了，申请退款")
    yield (2 + 18 * p.world.rng.random()) * HOUR
    p.refund_through(aftersales.aftersales_answer(actor=p.merchant(), case_id=case.pk, accept=True))


def refunded_returned(p: Purchase) -> Story:
    """Received, returned and refunded in full (退货退款)."""
    yield from received_then(p)
    case = p.case_open(kind=K.RETURN_REFUND, reason="收到的商品有破损，申请退货退款")
    yield (4 + 16 * p.world.rng.random()) * HOUR
    aftersales.aftersales_answer(actor=p.merchant(), case_id=case.pk, accept=True, answer="同意退货，请寄回。")
    yield DAY
    aftersales.aftersales_return_ship(buyer=p.buyer, case_id=case.pk, carrier="中通快递",
                                      tracking_number=f"ZT{p.world.rng.randrange(10**11, 10**12)}")
    yield 2 * DAY
    p.refund_through(aftersales.aftersales_return_receive(actor=p.merchant(), case_id=case.pk))


def received_then(p: Purchase) -> Story:
    yield from paid(p)
    yield from p.ship(within_hours=20)
    yield from p.confirm(days=(2, 3))
    yield (6 + 18 * p.world.rng.random()) * HOUR


def partly_refunded(p: Purchase) -> Story:
    """Received, part of the amount refunded (部分退款); the order keeps its state and later completes."""
    yield from received_then(p)
    case = p.case_open(kind=K.REFUND_ONLY, reason="有一件包装破损，协商部分退款", amount=p.partial_amount())
    yield (2 + 6 * p.world.rng.random()) * HOUR
    p.refund_through(aftersales.aftersales_answer(actor=p.merchant(), case_id=case.pk, accept=True,
                                                  answer="抱歉给您添麻烦了，已按协商金额退款。"))


def case_near_sla(p: Purchase) -> Story:
    """An after-sales case the merchant has not answered, its answer due in two hours."""
    yield from received(p)
    yield p.world.ago(46 * HOUR)
    p.case_open(kind=K.REFUND_ONLY, reason="收到时有几件坏了，申请部分退款", amount=p.partial_amount())


def case_answered(p: Purchase) -> Story:
    """The merchant answered a case (rejected, with the reason); the buyer has not disputed it."""
    yield from received(p)
    yield p.world.ago(3 * DAY)
    case = p.case_open(kind=K.REFUND_ONLY, reason="实物和详情页的描述不一样", amount=p.partial_amount())
    yield 20 * HOUR
    aftersales.aftersales_answer(actor=p.merchant(), case_id=case.pk, accept=False,
                                 answer="您好，已核对发货批次，实物与详情页描述一致，不属于质量问题，无法退款，敬请谅解。")


def case_return_waiting(p: Purchase) -> Story:
    """A return the merchant accepted; the goods are not back yet."""
    yield from received(p)
    yield p.world.ago(2 * DAY)
    case = p.case_open(kind=K.RETURN_REFUND, reason="不太喜欢，申请七天无理由退货")
    yield 9 * HOUR
    aftersales.aftersales_answer(actor=p.merchant(), case_id=case.pk, accept=True, answer="同意退货，请七天内寄回。")


def case_escalated(p: Purchase) -> Story:
    """A case the merchant left unanswered past its SLA: the daily job escalated it to customer service."""
    yield from received(p)
    yield p.world.ago(5 * DAY)
    p.case_open(kind=K.REFUND_ONLY, reason="少发了一件，联系商家没有回复", amount=p.partial_amount())


def case_decided(p: Purchase) -> Story:
    """Escalated past its SLA, then customer service forced the refund (平台介入)."""
    yield from received_then(p)
    case = p.case_open(kind=K.REFUND_ONLY, reason="商品与描述严重不符")
    yield 3 * DAY + 6 * HOUR  # escalated by the daily job meanwhile
    p.refund_through(aftersales.aftersales_decide(actor=p.world.users["ops_service"], case_id=case.pk, refund=True,
                                                  decision="商家超时未处理，平台核实后全额退款。"))


Fate = Callable[[Purchase], Story]
# fate → (count, youngest start, oldest start); see the module docstring.
FATES: dict[str, tuple[Fate, int, timedelta, timedelta]] = {
    "unpaid": (unpaid, 5, 6 * MINUTE, 25 * MINUTE),
    "cancelled": (cancelled, 6, 3 * HOUR, 55 * DAY),
    "expired": (expired, 4, 2 * DAY, 55 * DAY),
    "paid": (paid, 10, 2 * HOUR, 20 * HOUR),
    "shipped": (shipped, 16, 2 * DAY, 8 * DAY),
    "received": (received, 20, 5 * DAY, 9 * DAY),
    "completed": (completed, 150, 16 * DAY, 60 * DAY),
    "refunded_unshipped": (refunded_unshipped, 5, 2 * DAY, 50 * DAY),
    "refunded_returned": (refunded_returned, 4, 14 * DAY, 50 * DAY),
    "partly_refunded": (partly_refunded, 6, 17 * DAY, 55 * DAY),
    "partly_refunded_recent": (partly_refunded, 2, 7 * DAY, 8 * DAY),
    "case_near_sla": (case_near_sla, 1, 8 * DAY, 8 * DAY),
    "case_answered": (case_answered, 1, 9 * DAY, 9 * DAY),
    "case_return_waiting": (case_return_waiting, 1, 8 * DAY, 8 * DAY),
    "case_escalated": (case_escalated, 1, 10 * DAY, 10 * DAY),
    "case_decided": (case_decided, 1, 30 * DAY, 40 * DAY),
}
# After-sales cases shown in the demo merchant's queue come from the demo merchant's goods.
DEMO_MERCHANT_FATES = frozenset({"case_near_sla", "case_answered", "case_return_waiting", "case_escalated"})
# The demo promoter's own sales: (fate, buyer) with buyer "consumer" (the demo consumer) or "customer" (one of
# the consumers locked to the demo promoter).
DEMO_PROMOTER_STORIES = (
    ("completed", "consumer"), ("completed", "consumer"), ("received", "consumer"), ("shipped", "consumer"),
    ("paid", "consumer"), ("refunded_unshipped", "consumer"), ("unpaid", "consumer"), ("cancelled", "consumer"),
    ("partly_refunded", "consumer"),
    *[("completed", "customer")] * 8, ("received", "customer"), ("received", "customer"), ("shipped", "customer"),
    ("shipped", "customer"), ("paid", "customer"), ("refunded_returned", "customer"),
)


def purchases_schedule(world: World) -> dict[str, int]:
    """Put every story on the timeline; answer how many orders of each fate there are."""
    counts: dict[str, int] = {}
    stories = [(name, None) for name, (_, count, *_) in FATES.items() for _ in range(count)]
    stories += list(DEMO_PROMOTER_STORIES)
    demo_merchant = min(world.merchant_staff)
    for number, (name, buyer) in enumerate(stories, start=1):
        fate, _, youngest, oldest = FATES[name]
        purchase = Purchase(world=world, number=number, merchant_id=demo_merchant if name in DEMO_MERCHANT_FATES
                            else None)
        if buyer is not None:  # the seller is the demo promoter, set when the story starts (the store is open)
            purchase.buyer = world.demo_consumer if buyer == "consumer" else None
            purchase.customers_of_demo = buyer == "customer"
        start = world.between(youngest, oldest)
        story_start(world, start, _story(world, purchase, fate, demo=buyer is not None))
        counts[name] = counts.get(name, 0) + 1
    return counts


def _story(world: World, purchase: Purchase, fate: Fate, *, demo: bool) -> Callable[[], Story]:
    def story() -> Story:
        if demo:
            purchase.seller = world.sellers[world.demo_promoter.pk]
        return fate(purchase)
    return story
