"""The demo merchant's catalog in every state the merchant portal shows: a draft still being written, one in
review (it waits in the operators' review queue, with another merchant's), one rejected with the operator's
reason, one taken off the shelf, and goods on sale running low on stock (库存紧张); and a clerk on its staff.
Written through the catalog's and merchants' own services, after the replay, so no demo order touches them."""

from __future__ import annotations

from tuishou.accounts.services import user_create
from tuishou.catalog import services as catalog
from tuishou.catalog.images import placeholder_image
from tuishou.demo.world import World
from tuishou.merchants.selectors import merchant_memberships
from tuishou.merchants.services import merchant_staff_add

# title, category, description, SKUs (spec, price, supply price, stock, commission rate), what happens to it
PRODUCTS = (
    ("云南野生菌干货礼盒 250g", "干货", "香格里拉松茸、牛肝菌、鸡枞菌三拼，冷风干燥，附食用说明。",
     (("250g 礼盒", "198.00", "118.00", 60, "0.1800"),), "draft"),
    ("高山蜂蜜 500g 玻璃瓶", "冲调", "海拔 2000 米中华蜂百花蜜，一年一取，波美度 42 以上。",
     (("500g 单瓶", "88.00", "49.00", 200, "0.2000"), ("500g×2 瓶", "168.00", "96.00", 80, "0.2000")), "review"),
    ("手工红糖块 400g", "冲调", "古法熬制甘蔗红糖，无添加。产地：云南",
     (("400g 袋装", "29.90", "15.00", 300, "0.2500"),), "rejected"),
    ("丽江雪桃 6 枚礼盒", "水果", "玉龙雪山脚下高海拔种植，当季限量。",
     (("6 枚 (单果 350g+)", "128.00", "76.00", 40, "0.1500"),), "off_shelf"),
    ("宣威火腿切片 200g", "腊味", "三年窖藏宣威火腿，真空切片，开袋即烹。",
     (("200g 真空装", "69.00", "38.00", 4, "0.2000"), ("200g×3 袋", "189.00", "105.00", 0, "0.2000")), "on_shelf"),
    ("云南小粒咖啡豆 454g", "茶饮", "保山高黎贡山小粒种，中深烘焙，坚果与可可风味。",
     (("454g 中深烘", "89.00", "48.00", 7, "0.2000"),), "on_shelf"),
)
# Another merchant's product waits in the review queue too, so operators see a queue of more than one merchant.
OTHER_PENDING = ("竹纤维洗碗布 10 片装", "清洁", "竹纤维加厚，不沾油不掉毛，可水洗反复使用。",
                 (("10 片/包", "19.90", "9.50", 500, "0.2500"), ("10 片×3 包", "49.90", "26.00", 300, "0.2500")))
STAFF = ("13800000015", "山野优品·小陈")  # the demo merchant's clerk (signs in only after a password is set)
REJECT_REASON = "商品描述未写明生产日期与保质期，且缺少食品生产许可证（SC 编号）图片，请补充后重新提交。"


def _product(owner, merchant_id: int, n: int, title: str, category: str, description: str, skus) -> int:
    product = catalog.product_create(actor=owner, merchant_id=merchant_id, title=title, category=category,
                                     description=description)
    catalog.product_image_add(actor=owner, product_id=product.pk, image=placeholder_image(title, seed=900 + n))
    for s, (spec, price, supply, stock, rate) in enumerate(skus):
        catalog.sku_create(actor=owner, product_id=product.pk, spec_name=spec, code=f"SY-{n + 20}{s}", price=price,
                           supply_price=supply, stock=stock, commission_mode="percent", commission_rate=rate)
    return product.pk


def demo_merchant_catalog(world: World) -> None:
    """Add the demo merchant's products in every status and a clerk, and another merchant's product in review
    (see the module docstring)."""
    owner, ops = world.users["merchant_demo"], world.ops
    merchant_id = merchant_memberships(user=owner).first().merchant_id
    user_create(phone=STAFF[0], password=None, display_name=STAFF[1], validate=False)
    merchant_staff_add(actor=owner, merchant_id=merchant_id, phone=STAFF[0])
    other_id, other_owner = next((m, u) for m, u in world.merchant_staff.items() if m != merchant_id)
    pk = _product(other_owner, other_id, len(PRODUCTS), *OTHER_PENDING)
    catalog.product_submit(actor=other_owner, product_id=pk)
    for n, (title, category, description, skus, fate) in enumerate(PRODUCTS):
        pk = _product(owner, merchant_id, n, title, category, description, skus)
        if fate == "draft":
            continue
        catalog.product_submit(actor=owner, product_id=pk)
        if fate == "review":
            continue
        if fate == "rejected":
            catalog.product_reject(actor=ops, product_id=pk, reason=REJECT_REASON)
            continue
        catalog.product_approve(actor=ops, product_id=pk)
        catalog.product_shelve(actor=owner, product_id=pk)
        if fate == "off_shelf":
            catalog.product_unshelve(actor=owner, product_id=pk, reason="雪桃季结束，明年八月再上架")
