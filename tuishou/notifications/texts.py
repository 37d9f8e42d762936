"""What each kind of message says, written in the reader's language when it is shown.

A message stores its facts (``params``); these templates turn them into a title and a sentence through gettext,
so the same message reads in Chinese or English depending on who looks, and when. Amounts are stored as decimal
strings and shown as money (¥1,234.50); ranks as their ids, shown as the plan's names where known.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuishou.core.templatetags.ui import money
from tuishou.notifications.models import Message

K = Message.Kind

TITLES = {
    K.COMMISSION_NEW: _("New commission"),
    K.COMMISSION_AVAILABLE: _("Commission available"),
    K.COMMISSION_REDUCED: _("Commission reduced by a refund"),
    K.WITHDRAWAL_PAID: _("Withdrawal paid"),
    K.WITHDRAWAL_REFUSED: _("Withdrawal refused"),
    K.WITHDRAWAL_FAILED: _("Withdrawal failed"),
    K.TEAM_JOINED: _("New member in your team"),
    K.RANK_CHANGED: _("Your rank changed"),
}
BODIES = {
    K.COMMISSION_NEW: _("Order %(order)s earned you %(amount)s. It is pending until the order's after-sales "
                        "window closes."),
    K.COMMISSION_AVAILABLE: _("%(amount)s of commission is now available to withdraw."),
    K.COMMISSION_REDUCED: _("Order %(order)s was refunded, so your commission on it went down by %(amount)s."),
    K.WITHDRAWAL_PAID: _("Your withdrawal of %(amount)s has been paid: %(net)s reached your account."),
    K.WITHDRAWAL_REFUSED: _("Your withdrawal of %(amount)s was refused (%(reason)s). The money is back in your "
                            "available balance."),
    K.WITHDRAWAL_FAILED: _("The payout of your withdrawal of %(amount)s failed (%(reason)s). The money is back in "
                           "your available balance."),
    K.TEAM_JOINED: _("%(name)s joined your team. Say hello and help them make their first sale."),
    K.RANK_CHANGED: _("Your rank is now %(rank)s (it was %(previous)s)."),
}
LINKS = {
    K.COMMISSION_NEW: "/centre/commissions/",
    K.COMMISSION_AVAILABLE: "/centre/wallet/",
    K.COMMISSION_REDUCED: "/centre/commissions/",
    K.WITHDRAWAL_PAID: "/centre/wallet/",
    K.WITHDRAWAL_REFUSED: "/centre/wallet/",
    K.WITHDRAWAL_FAILED: "/centre/wallet/",
    K.TEAM_JOINED: "/centre/team/",
    K.RANK_CHANGED: "/centre/rank/",
}
MONEY_PARAMS = ("amount", "net")


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    link: str


def message_render(message: Message) -> Rendered:
    """The message's title, sentence and the page it is about, in the active language."""
    params = dict(message.params)
    for name in MONEY_PARAMS:
        if name in params:
            params[name] = money(params[name])
    if message.kind == K.RANK_CHANGED:
        params["previous"] = params.get("previous") or gettext("no rank")
    if message.kind in (K.WITHDRAWAL_REFUSED, K.WITHDRAWAL_FAILED):
        params["reason"] = params.get("reason") or gettext("no reason given")
    return Rendered(title=str(TITLES[message.kind]), body=str(BODIES[message.kind]) % params,
                    link=LINKS[message.kind])
