"""What the promoter centre's forms say when a service refuses, in the page's language.

Until every service error carries its own translated message (issue 8 is adding ``localized_message``), the
codes a centre form can meet are worded here, with the figures the error's ``details`` carry. A code not listed,
or an error that already speaks the page's language, goes through ``core.pages.error_message``.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from tuishou.core.errors import DomainError
from tuishou.core.pages import error_message

MESSAGES = {
    "wallets.amount_below_min": _("The least you can withdraw is ¥%(minimum)s."),
    "wallets.amount_above_max": _("The most you can withdraw at once is ¥%(maximum)s."),
    "wallets.insufficient_funds": _("You have ¥%(available)s available: that is less than ¥%(amount)s."),
    "wallets.balance_negative": _("A refund clawed back commission: withdrawals resume once new commission "
                                  "covers your balance of ¥%(available)s."),
    "wallets.daily_limit": _("You can request %(daily_count)s withdrawals a day: try again tomorrow."),
    "wallets.idempotency_key_reused": _("This form was already sent with other details: reload the page."),
    "money.malformed": _("Give an amount such as 100 or 99.50."),
    "money.too_precise": _("Give an amount with at most two decimal places."),
    "stores.text_missing": _("This cannot be empty."),
    "stores.text_too_long": _("At most %(max_length)s characters."),
    "stores.product_unavailable": _("This product is no longer in the supply pool."),
    "stores.item_exists": _("This product is already in your store."),
    "network.switch_not_placed": _("Only promoters placed under a mentor can switch; an inviter stays your sponsor."),
    "network.mentor_unknown": _("Choose one of the mentors in the list."),
    "network.switch_same_mentor": _("This is already your mentor."),
    "network.sponsor_cycle": _("You cannot move under a member of your own team."),
    "network.switch_limit": _("You have used up your mentor switches."),
    "network.switch_after_sales": _("After your first sales a mentor switch is no longer possible."),
    "network.switch_cooldown": _("Too soon to switch mentor again: wait until the waiting period is over."),
    "network.mentor_full": _("This mentor's team is full: choose another mentor."),
    "network.switch_pending": _("A mentor switch request is already waiting for a decision."),
}
PAYEE_MESSAGES = {
    "payee.method": _("Choose Alipay or a bank card."),
    "payee.name": _("Give the account holder's name (at most 50 characters)."),
    "payee.account": _("An Alipay account is a mobile number or an e-mail address; a card number has 12 to 19 "
                       "digits."),
    "payee.bank": _("Name the bank of the card."),
}


def centre_error(exc: DomainError) -> str:
    """The refusal in the page's language: the error's own translation when it has one, else ours."""
    if callable(getattr(exc, "localized_message", None)):
        return error_message(exc)
    details = exc.details if isinstance(exc.details, dict) else {}
    if exc.code == "wallets.payee_invalid" and details.get("field") in PAYEE_MESSAGES:
        return str(PAYEE_MESSAGES[details["field"]])
    template = MESSAGES.get(exc.code)
    if template is None:
        return error_message(exc)
    return str(template) % defaultdict(str, {key: str(value) for key, value in details.items()})
