"""The demo's purchases: each one a little story replayed on the timeline through the orders, payments and
after-sales services, from the click on a share link to the order's last state (its *fate*).

A story is a generator: it acts (clicks, checks out, pays, ships …) and yields how long until its next act;
``story_start`` runs it on the timeline. Every fate's age range is chosen so that the order is certainly in that
state when the demo has loaded (a "received" order was received less than the after-sales window ago, so the
daily job has not completed it …), which lets the tests count exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from tuishou.accounts.models import User
from tuishou.demo.callbacks import payment_callbacks_deliver
from tuishou.demo.shops import buyer_click
from tuishou.demo.world import DAY, HOUR, MINUTE, Seller, World
from tuishou.orders import aftersales, fulfilment, paying
from tuishou.orders import services as orders
from tuishou.orders.checkout import checkout_submit
from tuishou.orders.models import AfterSalesCase, Order
from tuishou.payments.sandbox import sandbox_charge_pay
from tuishou.payments.services import refund_submit

Story = Iterator[timedelta | datetime]
CARRIERS = (("顺丰速运", "SF"), ("中通快递", "ZT"), ("圆通速递", "YT"), ("京东物流", "JD"), ("韵达快递", "YD"))
PROVINCES = (("浙江省", "杭州市", "西湖区"), ("广东省", "深圳市", "南山区"), ("四川省", "成都市", "武侯区"),
             ("江苏省", "苏州市", "姑苏区"), ("湖北省", "武汉市", "洪山区"), ("山东省", "青岛市", "市南区"),
             ("北京市", "北京市", "朝阳区"), ("上海市", "上海市", "浦东新区"))
STREETS = ("文三路 100 号 2 幢 301", "科技园南区 8 栋 1203", "人民南路四段 27 号", "干将西路 1288 号 5 单元 602",
           "珞喻路 1037 号 东区 11 舍", "香港中路 76 号 1 号楼 1501", "望京街 9 号 3 单元 802", "张杨路 500 号 2201")
# A buyer's home: one of these roads (as many as STREETS, so the demo's random draws stay as they were), then a
# building and a door of their own.
ROADS = ("文三路 100 号", "科技园南区科苑路 15 号", "人民南路四段 27 号", "干将西路 1288 号", "珞喻路 1037 号",
         "香港中路 76 号", "望京街 9 号", "张杨路 500 号")


@dataclass
class Purchase:
    """One order's story: who buys what from whom, and the order once it exists."""

    world: World
    number: int
    seller: Seller | None = None  # forced (the demo promoter's stories), else chosen when it starts
    buyer: User | None = None
    customers_of_demo: bool = False  # the buyer is one of the demo promoter's locked customers
    merchant_id: int | None = None  # the goods must come from this merchant
    order: Order | None = None

    # ---- acts -------------------------------------------------------------------------------------------------

    def choose(self) -> None:
        world, rng = self.world, self.world.rng
        if self.seller is None:
            sellers = sorted(world.sellers.values(), key=lambda s: s.promoter.pk)
            if self.merchant_id is not None:
                sellers = [s for s in sellers if self._goods(s)] or sellers
            self.seller = rng.choices(sellers, weights=[s.weight for s in sellers])[0]
        if self.buyer is None:
            if self.customers_of_demo:
                self.buyer = rng.choice(world.demo_customers) if world.demo_customers else world.demo_consumer
            elif rng.random() < 0.1:
                self.buyer = self.seller.promoter.user  # 自购: the shopkeeper buys through their own link
            else:
                self.buyer = rng.choice(world.consumers)

    def _goods(self, seller: Seller) -> list[int]:
        return [p for p in seller.products if self.merchant_id in (None, self.world.product_merchant[p])]

    def checkout(self) -> Story:
        """Open the seller's link, look around a few minutes, check out."""
        self.choose()
        rng = self.world.rng
        goods = self._goods(self.seller) or [p for p, m in sorted(self.world.product_merchant.items())
                                             if m == self.merchant_id]
        product_id = rng.choice(goods)
        link = buyer_click(self.world, seller=self.seller, product_id=product_id, buyer=self.buyer)
        yield (2 + rng.randrange(6)) * MINUTE
        sku_id = rng.choice(self.world.products[product_id])
        quantity = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
        result = checkout_submit(buyer=self.buyer, lines=[(sku_id, quantity)], address_id=self._address(),
                                 share_code=link.code, idempotency_key=f"demo-checkout-{self.number:05d}")
        self.order = result.orders.get()

    def _address(self) -> int:
        known = self.world.addresses.get(self.buyer.pk)
        if known is None:
            province, city, district = self.world.rng.choice(PROVINCES)
            name = self.buyer.display_name.split("·")[-1] or "王小明"
            road = self.world.rng.choice(ROADS)
            pk = self.buyer.pk  # one home per buyer: different accounts never share a door by chance
            detail = f"{road} {pk // 36 + 1} 栋 {(pk % 36) // 6 + 1}0{pk % 6 + 1}"
            known = orders.address_create(user=self.buyer, name=name, phone=self.buyer.phone, province=province,
                                          city=city, district=district, detail=detail).pk
            self.world.addresses[self.buyer.pk] = known
        return known

    def pay(self) -> Story:
        """The buyer pays in the sandbox a few minutes later; the gateway's signed callback marks it paid."""
        yield (1 + self.world.rng.randrange(8)) * MINUTE
        payment = paying.checkout_pay(buyer=self.buyer, checkout_id=self.order.checkout_id)
        sandbox_charge_pay(txn_id=payment.gateway_txn_id)
        payment_callbacks_deliver()

    def ship(self, *, within_hours: int = 40) -> Story:
        yield (6 + (within_hours - 6) * self.world.rng.random()) * HOUR
        carrier, prefix = self.world.rng.choice(CARRIERS)
        fulfilment.order_ship(actor=self.world.merchant_staff[self.order.merchant_id], order_id=self.order.pk,
                              carrier=carrier, tracking_number=f"{prefix}{self.world.rng.randrange(10**11, 10**12)}")

    def confirm(self, *, days: tuple[float, float] = (2, 5)) -> Story:
        low, high = days
        yield (low + (high - low) * self.world.rng.random()) * DAY
        fulfilment.order_confirm_receipt(actor=self.buyer, order_id=self.order.pk)

    def case_open(self, *, kind: str, reason: str, amount: Decimal | None = None) -> AfterSalesCase:
        lines = None if amount is not None else list(self.order.lines.order_by("pk").values_list("pk", "quantity"))
        return aftersales.aftersales_open(buyer=self.buyer, order_id=self.order.pk, kind=kind, reason=reason,
                                          lines=lines, amount=amount)

    def merchant(self) -> User:
        return self.world.merchant_staff[self.order.merchant_id]

    def refund_through(self, case: AfterSalesCase) -> None:
        """Send the case's refund to the gateway now (the task would, after commit) and take its callback."""
        case.refresh_from_db()
        refund_submit(refund_id=int(case.refund_ref))
        payment_callbacks_deliver()

    def partial_amount(self) -> Decimal:
        total = Order.objects.values_list("total", flat=True).get(pk=self.order.pk)
        share = Decimal(self.world.rng.choice(("0.20", "0.30", "0.50")))
        return (total * share).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def story_start(world: World, at: datetime, story: Callable[[], Story]) -> None:
    """Run ``story`` on the timeline from ``at``: each yield is a delay (or a moment) until its next act."""
    def begin() -> None:
        steps = story()

        def step() -> None:
            when = next(steps, None)
            if when is not None:
                world.timeline.at(when if isinstance(when, datetime) else world.clock_now() + when, step)

        step()

    world.timeline.at(at, begin)
