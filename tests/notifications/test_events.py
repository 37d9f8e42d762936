"""Each event produces exactly one message for the right person, after its transaction commits, in the reader's
language; none when the transaction rolls back; a task that runs twice sends once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation

from tests.network import factories as nf
from tests.orders import factories as of
from tests.settlement import factories as sf
from tests.wallets import factories as wf
from tuishou.network.services import promoter_rank_set
from tuishou.notifications import tasks
from tuishou.notifications.models import Message
from tuishou.notifications.texts import message_render
from tuishou.settlement.settle import settlement_run
from tuishou.wallets import services as wallets

pytestmark = pytest.mark.django_db


def _messages():
    return list(Message.objects.order_by("id").values_list("recipient_id", "kind", "params"))


def _text(message: Message, language: str) -> tuple[str, str]:
    with translation.override(language):
        rendered = message_render(message)
    return rendered.title, rendered.body


@pytest.fixture
def sale(after_commit):
    """Worked example 2: X buys 400.00 for themselves; X earns 40.00 + 4.00, Z earns 4.00."""
    of.plan(sf.EXAMPLE_2)
    x, _y, z = sf.example_2_chain()
    order = sf.self_purchase(after_commit, x)
    return order, x, z


def test_a_paid_order_tells_each_credited_promoter_what_it_earned(sale):
    order, x, z = sale
    assert _messages() == [  # by promoter: Z (the root) was registered first
        (z.user_id, "commission_new", {"order": order.number, "amount": "4.00"}),
        (x.user_id, "commission_new", {"order": order.number, "amount": "44.00"}),
    ]
    message = Message.objects.get(recipient=x.user)
    assert _text(message, "en") == ("New commission", f"Order {order.number} earned you ¥44.00. It is pending "
                                                      "until the order's after-sales window closes.")
    assert _text(message, "zh-hans") == ("新佣金到账",
                                         f"订单 {order.number} 为你带来佣金 ¥44.00，售后期结束后即可结算。")


def test_a_refund_tells_each_promoter_how_much_their_commission_went_down(sale, after_commit):
    order, x, z = sale
    Message.objects.all().delete()
    case = sf.refund(after_commit, order, amount="100.00")
    assert _messages() == [
        (z.user_id, "commission_reduced", {"order": order.number, "amount": "1.00"}),
        (x.user_id, "commission_reduced", {"order": order.number, "amount": "11.00"}),
    ]
    assert case.pk
    message = Message.objects.get(recipient=z.user)
    assert _text(message, "en")[1] == f"Order {order.number} was refunded, so your commission on it went down by ¥1.00."
    assert _text(message, "zh-hans")[1] == f"订单 {order.number} 发生退款，你在该订单的佣金减少了 ¥1.00。"


def test_settlement_tells_each_promoter_what_became_available(sale, after_commit):
    order, x, z = sale
    Message.objects.all().delete()
    order = sf.received(order)
    with after_commit():
        settlement_run(as_of=order.received_at + timedelta(days=16))
    assert sorted(_messages()) == sorted([
        (x.user_id, "commission_available", {"amount": "44.00"}),
        (z.user_id, "commission_available", {"amount": "4.00"}),
    ])
    assert _text(Message.objects.get(recipient=x.user), "zh-hans") == ("佣金可提现", "¥44.00 佣金已转为可提现余额。")


def test_a_paid_withdrawal_and_a_refused_one_are_each_told_once(after_commit):
    promoter, reviewer = wf.promoter(), wf.finance()
    wf.fund(promoter, "1000.00")
    paid, refused = wf.withdraw(promoter, "500.00"), wf.withdraw(promoter, "100.00")
    with after_commit():
        wallets.withdrawal_approve(actor=reviewer, withdrawal_id=paid.pk)
    with after_commit():
        wallets.withdrawal_reject(actor=reviewer, withdrawal_id=refused.pk, reason="收款账户姓名不符")
    assert _messages() == [
        (promoter.user_id, "withdrawal_paid", {"amount": "500.00", "net": "497.00", "reason": ""}),
        (promoter.user_id, "withdrawal_refused", {"amount": "100.00", "net": "99.00", "reason": "收款账户姓名不符"}),
    ]
    refused_message = Message.objects.get(kind="withdrawal_refused")
    assert _text(refused_message, "en")[1] == ("Your withdrawal of ¥100.00 was refused (收款账户姓名不符). "
                                               "The money is back in your available balance.")


def test_a_new_member_is_announced_to_the_sponsor_only(after_commit):
    sponsor = nf.root(display_name="阿花")
    with after_commit():
        member = nf.invitee(sponsor, display_name="小林")
    assert _messages() == [(sponsor.user_id, "team_joined", {"name": "小林"})]
    assert member.sponsor_id == sponsor.pk
    assert _text(Message.objects.get(), "zh-hans") == ("团队新成员",
                                                       "小林 加入了你的团队，去打个招呼，帮 TA 完成第一单吧。")


def test_a_rank_change_is_told_with_the_plan_s_rank_names(after_commit):
    of.plan(sf.EXAMPLE_2)
    promoter = of.root("阿花")
    with after_commit():
        promoter_rank_set(promoter, "shopkeeper", source="evaluation", effective_at=timezone.now())
    assert _messages() == [(promoter.user_id, "rank_changed", {"rank": "店主", "previous": ""})]
    assert _text(Message.objects.get(), "en")[1] == "Your rank is now 店主 (it was no rank)."


def test_nothing_is_sent_when_the_transaction_rolls_back(after_commit):
    sponsor = nf.root(display_name="阿花")
    with after_commit(), pytest.raises(RuntimeError), transaction.atomic():
        nf.invitee(sponsor, display_name="小林")
        raise RuntimeError("the sign-up failed after the insert")
    assert _messages() == []


def test_a_task_that_runs_twice_sends_once(sale):
    order, x, _z = sale
    assert tasks.notify_order_paid.call(order_id=order.pk) == 0
    assert Message.objects.filter(recipient=x.user).count() == 1
