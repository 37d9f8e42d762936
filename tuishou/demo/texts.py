"""What promoters write in the demo: store titles, store slogans and per-item recommendation texts (推荐语),
varied the way real shopkeepers write them, drawn from a seeded random source."""

from __future__ import annotations

import random

STORE_TITLES = (
    "{nick}的好物小铺", "{nick}家的宝藏铺子", "{nick}严选", "{nick}的生活馆", "小{surname}优选", "阿{last}的小店",
    "{nick}的厨房好物", "{given}家·源头好货", "{nick}的囤货清单", "{nick}妈妈的育儿好物", "{last}小姐姐的美丽日记",
    "{nick}的每日鲜", "{surname}姐家的农家好物", "{nick}私藏", "{given}的平价好物",
)
SLOGANS = (
    "自己用过才推荐，不好用不上架。", "宝妈一枚，只分享家里常备的好东西。", "产地直发，价格比超市实在。",
    "每周上新，有问题随时微信找我。", "认真挑货，踏实分享。", "吃的用的都替你试过了。",
    "囤货党的快乐源泉，团购价常在。", "", "好物不贵，贵在用心。", "家里老人孩子都在用的，放心买。",
)
# Recommendation texts by product title; each shopkeeper picks one and may add a line of their own.
RECOMMENDATIONS: dict[str, tuple[str, ...]] = {
    "云南高山古树普洱茶 357g 饼": (
        "喝了两年的口粮茶，汤色红亮，回甘很快，送长辈也有面子。",
        "老茶客朋友推荐的，七年陈的料子，泡到第八泡还有味道。",
        "办公室常备一饼，下午犯困来一杯，比咖啡舒服。",
    ),
    "五常稻花香大米 5kg": (
        "煮出来满屋子米香，孩子能多吃半碗饭。",
        "当季新米，真空包装不怕生虫，我家一个月吃一袋。",
        "对比过超市同款，口感更糯，价格还便宜一截。",
    ),
    "赣南脐橙 5 斤装 现摘现发": (
        "果园现摘现发，我收到的每个都很甜，汁水多到流手。",
        "冬天必囤的水果，剥开满手橙香，家里小朋友一天两个。",
        "去年买过三次，今年第一批一上就给大家安排了。",
    ),
    "新疆阿克苏冰糖心苹果 10 斤": (
        "切开真的有糖心，脆甜不面，老人也咬得动。",
        "个头均匀，包装很用心，一个磕碰都没有。",
        "早上一个苹果，配燕麦刚刚好，回购第四箱了。",
    ),
    "原生竹浆抽纸 24 包整箱": (
        "竹浆本色纸，没有漂白剂，擦脸也不掉屑。",
        "一箱能用小半年，算下来一包不到两块钱。",
        "厚实有韧性，沾水不容易破，家里就认这个了。",
    ),
    "浓缩洗衣凝珠 52 颗": (
        "一颗搞定一桶衣服，不用再量洗衣液，香味很淡很干净。",
        "孩子衣服上的果汁印子一次洗掉，留香不刺鼻。",
        "出差带几颗很方便，比瓶装的省地方。",
    ),
    "厨房重油污清洁湿巾 80 抽×3 包": (
        "抽油烟机表面一擦就亮，懒人厨房必备。",
        "灶台的陈年油渍擦两遍就干净，不伤手。",
        "大包装很耐用，我放在厨房抽屉里随手拿。",
    ),
    "婴儿拉拉裤 L 码 52 片": (
        "超薄透气，夏天宝宝屁屁也不闷红，夜里不侧漏。",
        "腰围弹性好，宝宝爬来爬去也不会掉，换起来很快。",
        "用过五六个牌子，这款性价比最高，已经囤了三包。",
    ),
    "儿童 316 不锈钢保温杯 500ml": (
        "316 内胆，早上装的热水中午还烫嘴，孩子上学天天背。",
        "杯盖能吸管能直饮，摔了好几次一点事没有。",
        "颜色好看，孩子自己挑的，喝水都积极了。",
    ),
    "玻尿酸补水面膜 10 片装": (
        "精华很足，敷完第二天上妆特别服帖。",
        "换季皮肤干的时候一周三片，救急效果明显。",
        "价格友好，学生党也能放心囤。",
    ),
    "氨基酸温和洁面乳 120g": (
        "泡沫细腻，洗完不紧绷，敏感肌也没有泛红。",
        "早晚都能用，一支能用两个多月。",
        "老公用了也说好，洗完脸不油不干。",
    ),
}
PERSONAL_LINES = (
    "", "", "有疑问可以私信我～", "自用款，放心冲！", "团购价只到本周末。", "老顾客回购率很高。",
    "下单备注我的名字，发货更快。", "",
)
ITEM_TITLES = ("", "", "", "【店主自用】{title}", "【回购款】{title}", "【囤货推荐】{title}")


def store_title(rng: random.Random, *, name: str) -> str:
    """A believable store title from the promoter's name (``张悦`` → ``悦悦的好物小铺``)."""
    surname, given = name[0], name[1:] or name
    last = given[-1]
    return rng.choice(STORE_TITLES).format(nick=last * 2, surname=surname, last=last, given=given)


def store_slogan(rng: random.Random) -> str:
    return rng.choice(SLOGANS)


def item_title(rng: random.Random, *, title: str) -> str:
    """The item's own title, usually empty (the product's title shows)."""
    return rng.choice(ITEM_TITLES).format(title=title)[:120]


def recommendation(rng: random.Random, *, title: str) -> str:
    text = rng.choice(RECOMMENDATIONS.get(title, ("品质靠谱，放心下单。",)))
    extra = rng.choice(PERSONAL_LINES)
    return f"{text}{extra}" if extra else text
