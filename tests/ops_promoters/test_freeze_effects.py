"""What a freeze does: the promoter's commissions are held (booked, not settled) until unfrozen, then settle as
usual; withdrawals are refused; the store and share links answer as unavailable. Reconcile stays clean (the
root conftest runs it after every test that moved money)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.network import factories as nf
from tests.orders import factories as of
from tests.settlement import factories as f
from tuishou.core.errors import Conflict
from tuishou.ledger.models import JournalEntry
from tuishou.network.operator_actions import promoter_freeze, promoter_unfreeze
from tuishou.settlement.models import Commission
from tuishou.settlement.settle import settlement_run
from tuishou.stores.selectors import promoter_link_by_code
from tuishou.stores.services import store_get_or_create, store_item_add
from tuishou.wallets import services as wallets
from tuishou.wallets.models import Withdrawal
from tuishou.wallets.selectors import wallet_get

pytestmark = pytest.mark.django_db
K = f.K
ALIPAY = {"method": "alipay", "account": "13812348000", "name": "张小明"}


@pytest.fixture
def sale(after_commit):
    """The spec's example 2 self-purchase: X earns 40.00 + 4.00, Z 4.00; received, due 15 days later."""
    of.plan(f.EXAMPLE_2)
    x, _y, z = f.example_2_chain()
    order = f.received(f.self_purchase(after_commit, x, merchant=of.shop(fee_rate="0.0500")))
    return order, x, z


def _statuses(promoter) -> list[tuple[str, Decimal]]:
    return list(Commission.objects.filter(promoter=promoter).order_by("pk").values_list("status", "amount"))


def test_a_frozen_promoters_commissions_are_held_then_settle_after_unfreeze(sale):
    order, x, z = sale
    ops = nf.operator("ops")
    due = order.received_at + timedelta(days=15)
    promoter_freeze(actor=ops, promoter_id=x.pk, reason="疑似刷单")

    held = settlement_run(as_of=due)

    assert (held.commissions, held.receivables) == (1, 1)  # Z's 4.00 and the merchant's share, not X's
    assert _statuses(x) == [("pending", Decimal("40.00")), ("pending", Decimal("4.00"))]
    assert _statuses(z) == [("available", Decimal("4.00"))]
    assert (f.account_amount(K.PROMOTER_PENDING, x), f.account_amount(K.PROMOTER_AVAILABLE, x)) == (
        Decimal("44.00"), Decimal("0.00"))
    assert settlement_run(as_of=due + timedelta(days=30)).commissions == 0  # still held, however late

    promoter_unfreeze(actor=ops, promoter_id=x.pk, reason="核实无误")
    released = settlement_run(as_of=due + timedelta(days=30))

    assert released.commissions == 2
    assert _statuses(x) == [("available", Decimal("40.00")), ("available", Decimal("4.00"))]
    assert (f.account_amount(K.PROMOTER_PENDING, x), f.account_amount(K.PROMOTER_AVAILABLE, x)) == (
        Decimal("0.00"), Decimal("44.00"))
    settled = Commission.objects.filter(promoter=x).order_by("pk")
    assert sorted(JournalEntry.objects.filter(key__startswith="settle:commission:").values_list("key", flat=True)) \
        == sorted(f"settle:commission:{c.pk}" for c in Commission.objects.all())
    assert [c.settled_amount for c in settled] == [Decimal("40.00"), Decimal("4.00")]


def test_a_frozen_promoter_cannot_withdraw_and_nothing_is_written(sale):
    order, x, _z = sale
    settlement_run(as_of=order.received_at + timedelta(days=15))
    ops = nf.operator("ops")
    promoter_freeze(actor=ops, promoter_id=x.pk, reason="风控复核")
    x.refresh_from_db()
    entries = JournalEntry.objects.count()

    with pytest.raises(Conflict) as refused:
        wallets.withdrawal_request(promoter=x, amount="20.00", payee=ALIPAY, idempotency_key="frozen-1")

    assert (refused.value.code, refused.value.status) == ("wallets.promoter_frozen", 409)
    assert refused.value.message == ("Your account is frozen by the platform: withdrawals are suspended until it "
                                     "is unfrozen.")
    assert Withdrawal.objects.count() == 0
    assert JournalEntry.objects.count() == entries
    wallet = wallet_get(x)
    assert (wallet.available, wallet.withdrawable) == (Decimal("44.00"), Decimal("0.00"))

    promoter_unfreeze(actor=ops, promoter_id=x.pk, reason="解除")
    x.refresh_from_db()
    withdrawal = wallets.withdrawal_request(promoter=x, amount="20.00", payee=ALIPAY, idempotency_key="after-1")
    assert (withdrawal.amount, withdrawal.status) == (Decimal("20.00"), "requested")


def test_a_frozen_promoters_store_and_links_are_unavailable(client):
    ops, promoter = nf.operator("ops"), nf.root(display_name="阿花")
    item = of.sku(price="59.90")
    store = store_get_or_create(promoter=promoter)
    store_item_add(user=promoter.user, product_id=item.product_id)
    link = of.share_link(promoter, item.product_id)
    assert client.get(f"/m/{store.code}").status_code == 200
    assert client.get(f"/p/{link.code}").status_code == 200

    promoter_freeze(actor=ops, promoter_id=promoter.pk, reason="违规宣传")

    for url in (f"/m/{store.code}", f"/p/{link.code}", f"/s/{link.code}", f"/s/{link.code}/poster.png"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 404, url
        assert "This store is not available at the moment." in page.content.decode(), url
        assert item.product.title not in page.content.decode()
    api = client.get(f"/api/v1/stores/public/stores/{store.code}")
    assert (api.status_code, api.json()["code"]) == (404, "stores.store_unavailable")
    api = client.get(f"/api/v1/stores/public/products/{link.code}")
    assert (api.status_code, api.json()["code"]) == (404, "stores.store_unavailable")
    # The promoter still reads their own links in the centre.
    assert promoter_link_by_code(promoter=promoter, code=link.code).pk == link.pk

    promoter_unfreeze(actor=ops, promoter_id=promoter.pk, reason="整改完成")
    assert client.get(f"/m/{store.code}").status_code == 200


def test_a_withdrawal_asked_before_the_freeze_is_not_approved_while_frozen(sale):
    order, x, _z = sale
    settlement_run(as_of=order.received_at + timedelta(days=15))
    asked = wallets.withdrawal_request(promoter=x, amount="20.00", payee=ALIPAY, idempotency_key="before-freeze")
    promoter_freeze(actor=nf.operator("ops"), promoter_id=x.pk, reason="风控复核")
    finance = nf.operator("finance")
    entries = JournalEntry.objects.count()

    with pytest.raises(Conflict) as refused:
        wallets.withdrawal_approve(actor=finance, withdrawal_id=asked.pk)

    assert (refused.value.code, refused.value.status) == ("wallets.payee_frozen", 409)
    assert Withdrawal.objects.get(pk=asked.pk).status == "requested" and JournalEntry.objects.count() == entries
    rejected = wallets.withdrawal_reject(actor=finance, withdrawal_id=asked.pk, reason="账户冻结中")
    assert rejected.status == "rejected"  # finance can still send the money back to the wallet
