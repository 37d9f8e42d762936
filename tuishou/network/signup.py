"""Sign-up (注册): a consumer with a phone and a password, or a promoter with an invite code (kept with the
network: joining it is what an invite code does).

A visitor who arrived through a promoter's share link carries a signed visitor cookie; the visits made under
it are claimed in the same transaction as the sign-up, so the new account is bound to that promoter (锁粉)
by the binding rule of the promoter's community. Nobody needs an invite code to buy.

Signing up with an invite code asks to become a promoter under the operator's promotion policy
(``tuishou.network.promotion``): at once where everyone may promote; otherwise the account is made as a
consumer and the code is kept on an application until an operator approves it or the purchase qualifies.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tuishou.accounts.errors import AccountError
from tuishou.accounts.models import User
from tuishou.accounts.phone_codes import signup_attempt_throttle, signup_code_check, signup_code_spend
from tuishou.accounts.services import session_open, user_create
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.network import invite_codes
from tuishou.network.models import Promoter, PromoterApplication
from tuishou.network.promotion import promoter_become


@dataclass(frozen=True)
class SignedUp:
    """The new account; ``promoter`` when it became one, ``application`` when that waits."""

    user: User
    promoter: Promoter | None = None
    application: PromoterApplication | None = None


def consumer_signup(*, phone: str, password: str, display_name: str = "",
                    visitor_key: str | None = None) -> User:
    """Create a consumer (消费者) who signs in with ``phone``; claim the share-link visits of ``visitor_key``.

    Errors: ``accounts.phone_invalid``, ``accounts.phone_taken``, ``accounts.password_weak``; nothing is written.
    """
    return account_signup(phone=phone, password=password, display_name=display_name, invite_code=None,
                          visitor_key=visitor_key).user


def account_signup(*, phone: str, password: str, display_name: str = "", invite_code: str | None = None,
                   visitor_key: str | None = None) -> SignedUp:
    """Create the account and, with an invite code, ask to become a promoter under the promotion policy; then
    claim the visitor's share-link visits. One transaction: any refusal (a taken phone, a weak password, an
    unknown or disabled invite code) writes nothing."""
    code = invite_codes.normalize(invite_code)
    with transaction.atomic():
        user = user_create(phone=phone, password=password, display_name=display_name)
        becoming = promoter_become(user=user, invite_code=code) if code else None
        # After the promoter row exists: a visit through the inviter's own link never binds to one's sponsor.
        session_open(user=user, visitor_key=visitor_key)
    return SignedUp(user=user, promoter=becoming.promoter if becoming else None,
                    application=becoming.application if becoming else None)


def _verified(phone: str, code: str, ip: str, create):
    """Throttle by IP, check the phone's code, run ``create`` (one transaction), then spend the code. A number
    registered meanwhile fails as a wrong code does: sign-up never tells which numbers are registered."""
    signup_attempt_throttle(ip=ip)
    phone = signup_code_check(phone=phone, code=code)
    try:
        done = create(phone)
    except Conflict as exc:
        if exc.code != AccountError.PHONE_TAKEN:
            raise
        raise InvalidInput(AccountError.PHONE_CODE_INVALID, details={"field": "code"}) from None
    signup_code_spend(phone=phone)
    return done


def account_signup_verified(*, phone: str, code: str, ip: str, password: str, display_name: str = "",
                            invite_code: str | None = None, visitor_key: str | None = None) -> SignedUp:
    """``account_signup`` for a person at the door (API, sign-up page): the phone proven by the code sent to it
    (``accounts.phone_codes``), at most ``SIGNUP_PER_IP_HOUR`` attempts an hour from one IP address.

    Errors: those of ``account_signup`` except ``accounts.phone_taken``, which reads ``accounts.phone_code_invalid``
    like a wrong code; ``accounts.signup_throttled`` (429)."""
    return _verified(phone, code, ip, lambda p: account_signup(
        phone=p, password=password, display_name=display_name, invite_code=invite_code, visitor_key=visitor_key))


def promoter_signup_verified(*, phone: str, code: str, ip: str, password: str, invite_code: str | None,
                             display_name: str = "", community_code: str | None = None,
                             visitor_key: str | None = None) -> Promoter:
    """``network.services.promoter_signup`` for a person at the door, verified and throttled as
    ``account_signup_verified`` is."""
    from tuishou.network.services import promoter_signup

    return _verified(phone, code, ip, lambda p: promoter_signup(
        phone=p, password=password, invite_code=invite_code, display_name=display_name,
        community_code=community_code, visitor_key=visitor_key))
