"""Test data for stores and attribution: promoters, products for sale, plans with a binding setting."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from tests.catalog import factories as catalog_factories
from tests.merchants import factories as merchant_factories
from tuishou.accounts.models import User
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.catalog.models import Product
from tuishou.incentives.engine.templates import template_text
from tuishou.incentives.services import plan_draft_import, plan_publish
from tuishou.merchants.models import Merchant
from tuishou.network import services as network_services
from tuishou.network.models import Community, Promoter

# A phone range of our own: the merchant and network factories each count from 139…
_phones = itertools.count(13700000000)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def user(display_name: str = "", **fields) -> User:
    return user_create(phone=str(next(_phones)), password=None, display_name=display_name, **fields)


def consumer(*, joined: datetime | None = None, display_name: str = "小王") -> User:
    """A consumer (no promoter row), signed up at ``joined`` (default: long before ``T0``)."""
    person = user(display_name)
    User.objects.filter(pk=person.pk).update(date_joined=joined or datetime(2025, 1, 1, tzinfo=UTC))
    person.refresh_from_db()
    return person


def official() -> Community:
    return network_services.community_official_get()


def root(display_name: str = "阿花", community: Community | None = None) -> Promoter:
    return network_services.community_root_create(community=community or official(), user=user(display_name))


def invitee(sponsor: Promoter, display_name: str = "") -> Promoter:
    return network_services.promoter_register(user=user(display_name), invite_code=sponsor.invite_code)


def merchant() -> Merchant:
    return merchant_factories.merchant(owner=user("商家"))


def product(*, price: str = "59.90", title: str = "云南高山蜂蜜", shop: Merchant | None = None,
            **fields) -> Product:
    """A product for sale (on the shelf, one active SKU at ``price``)."""
    return catalog_factories.on_shelf(merchant=shop or merchant(), price=price, title=title, **fields)


def plan(*, community: Community | None = None, mode: str = "last_click", valid_days: int | None = 30,
         published_at: datetime = datetime(2025, 1, 1, tzinfo=UTC)):
    """Publish a plan in ``community`` (official) whose binding is ``mode`` / ``valid_days``."""
    source = template_text("single-level-cps")
    binding = f"binding: {{mode: {mode}" + ("" if valid_days is None else f", valid_days: {valid_days}") + "}"
    source = "\n".join(binding if line.startswith("binding:") else line for line in source.splitlines())
    ops = user("运营")
    operator_role_grant(actor=None, user=ops, role="ops")
    draft = plan_draft_import(actor=ops, community=community or official(), source=source)
    return plan_publish(actor=ops, draft=draft, at=published_at)


def services_share_link(promoter: Promoter):
    """The promoter's store link, through the service: ``(link, created)``."""
    from tuishou.stores.services import share_link_create

    return share_link_create(user=promoter.user, target="store")
