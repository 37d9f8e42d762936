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

from tuishou.accounts.models import User
from tuishou.accounts.services import session_open, user_create
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
