"""Test data for risk flags: real promoters, share links and paid orders through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.orders import factories as of
from tests.settlement import factories as sf
from tuishou.accounts.models import User
from tuishou.orders.models import Address, Order
from tuishou.orders.services import address_create
from tuishou.risk.models import RiskFlag, RiskRule

PLAN = sf.EXAMPLE_2


def thresholds(code: str, **params) -> RiskRule:
    row, _ = RiskRule.objects.update_or_create(code=code, defaults={"params": {k: str(v) for k, v in params.items()}})
    return row


def switch_off(*codes: str) -> None:
    for code in codes:
        RiskRule.objects.update_or_create(code=code, defaults={"enabled": False})


def aged(user: User, *, days: int) -> User:
    """The account registered ``days`` ago."""
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days))
    user.refresh_from_db()
    return user


def buyer_at(*, phone: str, detail: str, name: str = "小王") -> User:
    """A new buyer whose one address is ``phone`` at ``detail``."""
    person = of.buyer(name)
    address_create(user=person, name="王小明", phone=phone, province="浙江省", city="杭州市", district="西湖区",
                   detail=detail)
    return person


_n = iter(range(1, 100_000))


def unique_buyer(name: str = "小李") -> User:
    """A buyer with an address of their own (no shared-destination flag)."""
    n = next(_n)
    return buyer_at(phone=f"139{n:08d}", detail=f"文一路 {n} 号", name=name)


def buy(after_commit, person: User, item, *, share_code: str | None = None, quantity: int = 1) -> Order:
    if not Address.objects.filter(user=person).exists():
        n = next(_n)
        address_create(user=person, name="王小明", phone=f"137{n:08d}", province="浙江省", city="杭州市",
                       district="西湖区", detail=f"天目山路 {n} 号")
    return of.paid_order(after_commit, person=person, item=item, quantity=quantity, share_code=share_code)


def open_flags(rule: str | None = None):
    rows = RiskFlag.objects.filter(status=RiskFlag.Status.OPEN)
    return rows.filter(rule=rule) if rule else rows
