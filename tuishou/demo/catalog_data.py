"""The demo's merchants and goods: believable names, prices and commission settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSku:
    spec: str
    price: str
    supply_price: str
    stock: int
    commission_rate: str | None = None  # a fraction of the paid price…
    commission_amount: str | None = None  # …or a fixed amount per unit


@dataclass(frozen=True)
class DemoProduct:
    title: str
    category: str
    description: str
    skus: tuple[DemoSku, ...]
    hot_price: str | None = None  # 爆品区: one operator-negotiated price for every SKU
    inspected: bool = False


@dataclass(frozen=True)
class DemoMerchant:
    name: str
    legal_representative: str
    category: str
    description: str
    products: tuple[DemoProduct, ...]


MERCHANTS = (
    DemoMerchant("山野优品农业有限公司", "王建国", "生鲜农产", "云贵川高山产区直采，产地一件代发。", (
        DemoProduct("云南高山古树普洱茶 357g 饼", "茶饮", "勐海高山古树料，七年陈化，口感醇厚回甘。", (
            DemoSku("357g 单饼", "168.00", "98.00", 300, commission_rate="0.2000"),
            DemoSku("357g×2 饼礼盒", "318.00", "186.00", 120, commission_rate="0.2000"),
        )),
        DemoProduct("五常稻花香大米 5kg", "粮油", "黑龙江五常核心产区，当季新米，真空包装。", (
            DemoSku("5kg 装", "79.90", "52.00", 800, commission_amount="8.00"),
            DemoSku("10kg 装", "149.00", "98.00", 400, commission_amount="15.00"),
        ), inspected=True),
        DemoProduct("赣南脐橙 5 斤装 现摘现发", "水果", "江西赣州果园现摘，果径 75mm 以上，坏果包赔。", (
            DemoSku("5 斤中果", "39.90", "24.00", 1000, commission_rate="0.1500"),
            DemoSku("10 斤大果", "69.90", "42.00", 600, commission_rate="0.1500"),
        ), inspected=True),
        DemoProduct("新疆阿克苏冰糖心苹果 10 斤", "水果", "阿克苏红旗坡，糖心饱满，脆甜多汁。", (
            DemoSku("10 斤装 (约 24-28 个)", "59.90", "36.00", 500, commission_rate="0.1500"),
        ), hot_price="49.90"),
    )),
    DemoMerchant("洁净家居日用品有限公司", "陈丽华", "日用百货", "家庭清洁与纸品，全国多仓发货。", (
        DemoProduct("原生竹浆抽纸 24 包整箱", "纸品", "100% 原生竹浆，无漂白，3 层加厚。", (
            DemoSku("24 包×100 抽", "49.90", "31.00", 2000, commission_amount="5.00"),
        ), hot_price="39.90"),
        DemoProduct("浓缩洗衣凝珠 52 颗", "清洁", "三腔配方，除菌除螨，留香持久。", (
            DemoSku("52 颗 盒装", "39.90", "22.00", 1500, commission_rate="0.2000"),
            DemoSku("52 颗×2 盒", "75.80", "42.00", 700, commission_rate="0.2000"),
        )),
        DemoProduct("厨房重油污清洁湿巾 80 抽×3 包", "清洁", "加厚珍珠纹，一擦即净。", (
            DemoSku("80 抽×3 包", "19.90", "10.50", 3000, commission_rate="0.2500"),
        )),
    )),
    DemoMerchant("宝贝成长母婴用品有限公司", "刘芳", "母婴", "母婴用品品牌直供，正品保障。", (
        DemoProduct("婴儿拉拉裤 L 码 52 片", "纸尿裤", "超薄透气，12 小时干爽。", (
            DemoSku("L 码 52 片", "99.00", "68.00", 900, commission_rate="0.1200"),
            DemoSku("XL 码 46 片", "99.00", "68.00", 900, commission_rate="0.1200"),
        ), inspected=True),
        DemoProduct("儿童 316 不锈钢保温杯 500ml", "喂养", "双饮杯盖，12 小时保温，防摔硅胶套。", (
            DemoSku("500ml 星空蓝", "89.00", "45.00", 400, commission_rate="0.2000"),
            DemoSku("500ml 樱花粉", "89.00", "45.00", 400, commission_rate="0.2000"),
        ), hot_price="69.00"),
    )),
    DemoMerchant("悦颜美妆科技有限公司", "赵雪", "美妆个护", "国货护肤，工厂直供。", (
        DemoProduct("玻尿酸补水面膜 10 片装", "护肤", "三重玻尿酸，敷后透亮不黏腻。", (
            DemoSku("10 片/盒", "59.00", "22.00", 2500, commission_rate="0.3000"),
        ), hot_price="39.90"),
        DemoProduct("氨基酸温和洁面乳 120g", "护肤", "弱酸性配方，敏感肌可用。", (
            DemoSku("120g", "69.00", "26.00", 1800, commission_rate="0.3000"),
        )),
    )),
)
