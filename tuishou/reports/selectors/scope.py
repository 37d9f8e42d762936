"""What a report covers: a date range in the platform's days (Asia/Shanghai) and a scope (a community, every
agency or the official community, a merchant), checked against the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from tuishou.accounts.models import OperatorRole
from tuishou.accounts.permissions import require_operator
from tuishou.core.errors import InvalidInput
from tuishou.merchants.models import Merchant
from tuishou.network.models import Community
from tuishou.reports.errors import ReportError

PLATFORM_TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_DAYS = 30
MAX_DAYS = 366
KINDS = ("official", "agency")


def require_report_reader(user) -> None:
    """Every operator role may read the reports; anybody else is refused (the pages answer 404)."""
    require_operator(user, *OperatorRole.Role.values)


def platform_today(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), PLATFORM_TZ).date()


def day_start(day: date) -> datetime:
    """Midnight of ``day`` in the platform's time zone (an aware datetime)."""
    return datetime.combine(day, time.min, tzinfo=PLATFORM_TZ)


@dataclass(frozen=True)
class Period:
    """The days ``first`` … ``last``, both included, in the platform's time zone."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return day_start(self.last + timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]

    def previous(self) -> Period:
        """The period of the same length just before this one (what KPI changes compare with)."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


def period_resolve(*, first: date | None, last: date | None, now: datetime | None = None) -> Period:
    """The period asked for; a missing end is today, a missing start is 30 days up to the end.

    Raises ``reports.range_reversed`` (start after end) and ``reports.range_too_long`` (over 366 days), each
    naming the field a page shows it beside.
    """
    last = last or platform_today(now)
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput(ReportError.RANGE_REVERSED, start=first.isoformat(), end=last.isoformat(),
                           details={"field": "start"})
    asked = (last - first).days + 1
    if asked > MAX_DAYS:
        raise InvalidInput(ReportError.RANGE_TOO_LONG, days=MAX_DAYS, asked=asked, details={"field": "start"})
    return Period(first, last)


@dataclass(frozen=True)
class Scope:
    """Whose figures: one community (by code), or every community of a kind, and/or one merchant."""

    community: Community | None = None
    kind: str = ""
    merchant: Merchant | None = None

    def orders_q(self, prefix: str = "") -> Q:
        """The filter of orders in scope (``prefix`` reaches the order from another model, e.g. ``order__``)."""
        q = Q()
        if self.community is not None:
            q &= Q(**{f"{prefix}community": self.community})
        elif self.kind:
            q &= Q(**{f"{prefix}community__kind": self.kind})
        if self.merchant is not None:
            q &= Q(**{f"{prefix}merchant": self.merchant})
        return q

    def promoters_q(self, prefix: str = "") -> Q:
        """The filter of promoters in scope (a merchant does not narrow promoters: they sell every merchant's)."""
        if self.community is not None:
            return Q(**{f"{prefix}community": self.community})
        if self.kind:
            return Q(**{f"{prefix}community__kind": self.kind})
        return Q()


def scope_resolve(*, community: str = "", kind: str = "", merchant: int | None = None) -> Scope:
    """The scope named by a community code, a kind (``official`` or ``agency``) and a merchant id.

    Raises ``reports.unknown_community`` / ``reports.unknown_merchant`` beside the field that named them.
    """
    found = None
    if community:
        found = Community.objects.filter(code=community).first()
        if found is None:
            raise InvalidInput(ReportError.UNKNOWN_COMMUNITY, community=community, details={"field": "community"})
    if kind and kind not in KINDS:
        raise InvalidInput(ReportError.UNKNOWN_COMMUNITY, community=kind, details={"field": "kind"})
    shop = None
    if merchant is not None:
        shop = Merchant.objects.filter(pk=merchant).first()
        if shop is None:
            raise InvalidInput(ReportError.UNKNOWN_MERCHANT, merchant=merchant, details={"field": "merchant"})
    return Scope(community=found, kind="" if found is not None else kind, merchant=shop)


def scope_choices() -> tuple[list[tuple[str, str, str]], list[tuple[int, str]]]:
    """The filters' options: ``(code, name, kind)`` of every community and ``(id, name)`` of every merchant."""
    communities = list(Community.objects.order_by("-kind", "id").values_list("code", "name", "kind"))
    merchants = list(Merchant.objects.order_by("id").values_list("id", "name"))
    return communities, merchants
