"""Writes for merchants' payouts (商家提现): the payout bank account and the withdrawal request.

A merchant withdraws from its settled payable (应付商家: the shares of orders past their after-sales window,
booked by settlement) to the bank account its owner set. The request is ``services.withdrawal_open`` with the
merchant as payee and the merchants' own limits (``TUISHOU["MERCHANT_WITHDRAWAL_*"]``); finance's review, the
payout and the provider's callbacks are the promoters' (``services``), booked on the merchant's accounts.

Who may: the owner sets the account; the owner or staff of a finance role withdraws. Anyone else, and a
merchant one does not work for, gets ``merchants.merchant_unknown`` (404), as for a merchant that does not exist.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction

from tuishou.core.errors import Conflict, NotFound, PermissionDenied
from tuishou.merchants.errors import MerchantError
from tuishou.merchants.models import Merchant, MerchantStaff
from tuishou.risk.services import audit_record
from tuishou.wallets.errors import WalletError
from tuishou.wallets.models import MerchantPayoutAccount, Withdrawal
from tuishou.wallets.rules import BANK_CARD, WithdrawalRules, payee_parse, withdrawal_rules_from
from tuishou.wallets.services import withdrawal_open

# Staff roles that handle a merchant's money: the owner, and a finance role where the merchant has one.
PAYOUT_ROLES = frozenset({MerchantStaff.Role.OWNER, "finance"})
# The merchants' withdrawal limits unless settings say otherwise: no fee (the platform fee is taken on each sale).
MERCHANT_RULES_DEFAULT = {"WITHDRAWAL_MIN": "100.00", "WITHDRAWAL_MAX": "500000.00", "WITHDRAWAL_FEE_RATE": "0",
                          "WITHDRAWAL_FEE_MIN": "0.00", "WITHDRAWAL_DAILY_COUNT": 3}


def merchant_withdrawal_rules() -> WithdrawalRules:
    """The merchants' withdrawal rules: ``TUISHOU["MERCHANT_WITHDRAWAL_*"]`` over ``MERCHANT_RULES_DEFAULT``."""
    configured = {key.removeprefix("MERCHANT_"): value for key, value in settings.TUISHOU.items()
                  if key.startswith("MERCHANT_WITHDRAWAL_")}
    return withdrawal_rules_from({**MERCHANT_RULES_DEFAULT, **configured})


def merchant_membership(*, user, merchant_id: int) -> MerchantStaff:
    """The user's staff row at the merchant (with the merchant); ``merchants.merchant_unknown`` (404) when they
    have none there."""
    membership = None
    if user is not None and getattr(user, "is_authenticated", False):
        membership = (MerchantStaff.objects.filter(user=user, merchant_id=merchant_id).select_related("merchant")
                      .first())
    if membership is None:
        raise NotFound(MerchantError.MERCHANT_UNKNOWN, merchant_id=merchant_id, details={"merchant_id": merchant_id})
    return membership


def merchant_role(*, user, merchant_id: int) -> str:
    """The user's staff role at the merchant; ``merchants.merchant_unknown`` (404) when they have none there."""
    return merchant_membership(user=user, merchant_id=merchant_id).role


def merchant_payout_account_set(*, actor, merchant_id: int, account_name: str, account_number: str,
                                bank: str) -> MerchantPayoutAccount:
    """The owner sets (or replaces) the merchant's payout bank account (收款账户). Audited.

    ``merchants.not_owner`` (403) for other staff; ``wallets.payee_invalid`` naming the field (``payee.name``,
    ``payee.account``, ``payee.bank``) when the holder, the number (12 to 19 digits) or the bank is wrong.
    """
    if merchant_role(user=actor, merchant_id=merchant_id) != MerchantStaff.Role.OWNER:
        raise PermissionDenied(MerchantError.NOT_OWNER, details={"merchant_id": merchant_id})
    payee = payee_parse({"method": BANK_CARD, "name": account_name, "account": account_number, "bank": bank})
    with transaction.atomic():
        account, created = MerchantPayoutAccount.objects.update_or_create(
            merchant_id=merchant_id, defaults={"account_name": payee.name, "account_number": payee.account,
                                               "bank": payee.bank, "updated_by": actor})
        audit_record(actor=actor, action="wallets.merchant_payout_account_set", target=account,
                     data={"merchant_id": merchant_id, "account": payee.masked_account, "bank": payee.bank,
                           "created": created})
    return account


def merchant_withdrawal_request(*, actor, merchant_id: int, amount: Decimal | str,
                                idempotency_key: str) -> Withdrawal:
    """Withdraw ``amount`` of the merchant's settled payable to its payout account; the amount is frozen until
    finance reviews it. The refusals of ``services.withdrawal_request`` apply, under the merchants' rules, plus
    ``wallets.merchant_payout_role`` (403) and ``wallets.payout_account_missing`` (409). Nothing is written on a
    refusal; the same ``idempotency_key`` answers the first withdrawal."""
    if merchant_role(user=actor, merchant_id=merchant_id) not in PAYOUT_ROLES:
        raise PermissionDenied(WalletError.MERCHANT_PAYOUT_ROLE, details={"merchant_id": merchant_id})
    account = MerchantPayoutAccount.objects.filter(merchant_id=merchant_id).first()
    if account is None:
        raise Conflict(WalletError.PAYOUT_ACCOUNT_MISSING, details={"merchant_id": merchant_id})
    return withdrawal_open(owner=Merchant.objects.get(pk=merchant_id), amount=amount, payee=account.payee,
                           idempotency_key=idempotency_key, rules=merchant_withdrawal_rules())
