"""The sandbox coupon platform (淘客联盟沙箱): a deterministic feed and order reports, like a real platform's.

The platform is outside our network, so tests and the demo talk to this stand-in. Its orders form one
timeline per tracking code: each is paid on some day, settled 15 days later, and about one in nine is refunded
(before or after the settlement). A report of a date range tells every event inside the range, as the real
reports do, so a refund shows up in a later report than its order. Like the real files, a report repeats some
rows, carries tracking codes that are not ours (another affiliate's), and a few broken rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from tuishou.coupons.connectors.base import RawRow, connector_register
from tuishou.coupons.parsing import PLATFORM_TZ

GOODS = (
    ("【券后9.9】维达抽纸 3层120抽×6包", "日用百货", Decimal("29.90"), Decimal("20.00"), Decimal("0.2000")),
    ("三只松鼠 每日坚果 750g 30袋装", "休闲食品", Decimal("129.00"), Decimal("40.00"), Decimal("0.1500")),
    ("蓝月亮 深层洁净洗衣液 3kg×2瓶", "日用百货", Decimal("89.90"), Decimal("30.00"), Decimal("0.1200")),
    ("百草味 猪肉脯 靖江风味 500g", "休闲食品", Decimal("59.90"), Decimal("20.00"), Decimal("0.2500")),
    ("小米 米家电动牙刷 T300", "个护电器", Decimal("99.00"), Decimal("30.00"), Decimal("0.0800")),
    ("安踏 男子运动短袖T恤 速干", "服饰鞋包", Decimal("129.00"), Decimal("50.00"), Decimal("0.2000")),
    ("完美日记 小细跟口红 3.5g", "美妆护肤", Decimal("119.00"), Decimal("40.00"), Decimal("0.3000")),
    ("五常大米 稻花香 10斤装", "粮油调味", Decimal("79.90"), Decimal("25.00"), Decimal("0.1000")),
    ("南极人 纯棉四件套 1.8m床", "家居家纺", Decimal("199.00"), Decimal("80.00"), Decimal("0.1800")),
    ("认养一头牛 纯牛奶 250ml×12盒", "乳品饮料", Decimal("69.90"), Decimal("20.00"), Decimal("0.0600")),
    ("良品铺子 芒果干 108g×3袋", "休闲食品", Decimal("45.90"), Decimal("15.00"), Decimal("0.2200")),
    ("苏泊尔 不粘炒锅 30cm 燃气电磁炉通用", "厨房用品", Decimal("169.00"), Decimal("60.00"), Decimal("0.1500")),
)
PICTURES = 6
ORDER_DAYS = 60  # the sandbox's timeline: orders are paid over these days up to its anchor
SETTLE_DAYS = 15


@connector_register("sandbox")
class SandboxConnector:
    """``seed`` fixes everything; ``today`` is the day the feed's validity counts from (default: today)."""

    name = "sandbox"

    def __init__(self, *, seed: int = 11, today: date | None = None, items: int = len(GOODS)) -> None:
        self.seed = seed
        self.today = today or datetime.now(PLATFORM_TZ).date()  # the platform's day, not the server's
        self.items = items

    # -- the feed ----------------------------------------------------------------------------------------------
    def feed(self) -> Iterable[RawRow]:
        rng = random.Random(self.seed)
        start = datetime.combine(self.today, time(0, 0), tzinfo=PLATFORM_TZ)
        for n in range(self.items):
            title, category, price, coupon, rate = GOODS[n % len(GOODS)]
            if n >= len(GOODS):
                title = f"{title}（{n // len(GOODS) + 1}号款）"
            # Two items of the feed have already expired: the import keeps them out of the pool.
            days = -3 if n in (3, 8) else rng.randint(10, 45)
            pictures = [f"/static/coupons/sandbox/{(n + k) % PICTURES + 1}.svg" for k in range(rng.randint(1, 3))]
            yield n + 2, {
                "external_id": f"SB{self.seed:02d}{n + 1:05d}", "title": title, "category": category,
                "images": "|".join(pictures), "price": str(price), "coupon_amount": str(coupon),
                "coupon_start": (start - timedelta(days=5)).isoformat(sep=" "),
                "coupon_end": (start + timedelta(days=days)).isoformat(sep=" "),
                "commission_rate": str(rate), "link": f"https://uland.sandbox-coupons.example/item/SB{n + 1:05d}",
                "valid_until": (start + timedelta(days=days)).isoformat(sep=" ")}

    # -- the order reports ---------------------------------------------------------------------------------------
    def timeline(self, codes: Sequence[str]) -> Iterator[dict]:
        """Every event of the sandbox's orders through ``codes`` (each a dict of the report's columns)."""
        anchor = datetime.combine(self.today, time(0, 0), tzinfo=PLATFORM_TZ)
        # The n-th code (ours in the order we picked them) has the same orders whatever its random characters.
        for n, code in enumerate(codes):
            rng = random.Random(f"{self.seed}:{n}")
            for k in range(rng.randint(1, 4)):
                number = int(hashlib.sha256(f"{self.seed}:{n}:{k}".encode()).hexdigest()[:12], 16)
                paid_at = anchor - timedelta(days=rng.randint(1, ORDER_DAYS), minutes=rng.randint(0, 1439))
                amount = Decimal(rng.randint(990, 19900)) / 100
                commission = (amount * Decimal(rng.choice(("0.06", "0.10", "0.15", "0.20", "0.30")))).quantize(
                    Decimal("0.01"), rounding="ROUND_DOWN")
                row = {"order_id": f"E{number:015d}", "tracking_code": code, "amount": str(amount),
                       "commission": str(commission), "paid_at": paid_at.strftime("%Y-%m-%d %H:%M:%S")}
                yield {**row, "status": "paid", "updated_at": row["paid_at"], "_at": paid_at}
                refund_day = rng.randint(2, 25) if rng.random() < 1 / 9 else None
                settled_at = paid_at + timedelta(days=SETTLE_DAYS)
                if refund_day is None or refund_day > SETTLE_DAYS:
                    yield {**row, "status": "settled", "updated_at": settled_at.strftime("%Y-%m-%d %H:%M:%S"),
                           "_at": settled_at}
                if refund_day is not None:
                    refunded_at = paid_at + timedelta(days=refund_day)
                    yield {**row, "status": "refunded", "updated_at": refunded_at.strftime("%Y-%m-%d %H:%M:%S"),
                           "_at": refunded_at}

    def order_report(self, *, start: date, end: date, tracking_codes: Sequence[str] = ()) -> Iterable[RawRow]:
        low = datetime.combine(start, time(0, 0), tzinfo=PLATFORM_TZ)
        high = datetime.combine(end + timedelta(days=1), time(0, 0), tzinfo=PLATFORM_TZ)
        rows = sorted((r for r in self.timeline(tracking_codes) if low <= r["_at"] < high), key=lambda r: r["_at"])
        rows = [{k: v for k, v in r.items() if k != "_at"} for r in rows]
        # Noise and repeats drawn from the window's place relative to today, so the same window of days back
        # reads the same report whatever the date (the demo and its tests count on it).
        rng = random.Random(f"{self.seed}:{(self.today - start).days}:{(self.today - end).days}")
        noise = []
        if rows:
            # Another affiliate's orders and a few broken lines, as real exports have them.
            for n in range(2):
                noise.append({**rng.choice(rows), "order_id": f"X{rng.randint(10**14, 10**15 - 1)}",
                              "tracking_code": f"tsOTHER{n}{rng.randint(1000, 9999)}", "status": "paid"})
            noise.append({**rng.choice(rows), "amount": "12.3.4"})
            noise.append({**rng.choice(rows), "status": "shipped"})
            noise.append({**rng.choice(rows), "order_id": ""})
        out = rows + noise
        # The platform repeats rows at page boundaries of its export.
        out += [dict(r) for r in rng.sample(rows, k=min(len(rows), max(1, len(rows) // 20)))] if rows else []
        rng.shuffle(out)
        return [(n + 2, row) for n, row in enumerate(out)]


REPORT_COLUMNS = ("order_id", "tracking_code", "status", "amount", "commission", "paid_at", "updated_at")


def report_csv(rows: Iterable[RawRow | dict]) -> bytes:
    """Rows of a report as the platform's CSV export (UTF-8, header first)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row[1] if isinstance(row, tuple) else row)
    return out.getvalue().encode()
