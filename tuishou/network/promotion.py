"""Who may become a promoter (推广资格): the operator's promotion policy and the way in from a consumer account.

Three modes, the ones CRMEB, Shopro and likeshop offer:

- ``everyone`` (人人分销): any signed-up person becomes a promoter at once;
- ``application`` (申请审核): the person applies, an operator approves or rejects (audited);
- ``qualifying_purchase`` (满额分销): the person becomes a promoter once their received or completed orders,
  net of refunds, reach the operator's amount. Buying to qualify is an entry fee in disguise under
  《禁止传销条例》 (a fee for the right to recruit and earn): ``promotion_findings`` warns the operator.

An invite code given at sign-up is kept on the application until the person is let in, so the inviter stays
their sponsor. Every write runs in one transaction: a refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.hooks import Hook
from tuishou.network import invite_codes
from tuishou.network.errors import NetworkError
from tuishou.network.models import NetworkPolicy, Promoter, PromoterApplication
from tuishou.network.services import _already_promoter, _inviter_for_code, network_policy_get, promoter_register
from tuishou.network.transitions import application_transition
from tuishou.risk.services import audit_record

Mode = NetworkPolicy.Promotion
Status = PromoterApplication.Status
OPEN = (Status.PENDING, Status.AWAITING_PURCHASE)
# Orders whose goods arrived: a purchase still refundable in full does not qualify anybody.
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Standing:
    """Where a person stands under the promotion policy, for the "become a promoter" page.

    ``action``: ``promoter`` (already one), ``join`` (may become one now), ``apply`` (may apply),
    ``pending`` (an application waits for review), ``buy`` (must spend ``short_by`` more first).
    """

    mode: str
    action: str
    spent: Decimal
    required: Decimal | None
    application: PromoterApplication | None

    @property
    def short_by(self) -> Decimal:
        return max(ZERO, (self.required or ZERO) - self.spent)


@dataclass(frozen=True)
class Becoming:
    """What ``promoter_become`` did: made a ``promoter``, or filed/kept an ``application`` (one of the two)."""

    promoter: Promoter | None = None
    application: PromoterApplication | None = None


# What a user has spent that counts towards 满额分销 (handler(user) -> Decimal): the orders app answers, since the
# network knows nothing of what is sold (orders registers in its AppConfig.ready).
QUALIFYING_SPEND: Hook[User] = Hook("network.qualifying_spend")


def promotion_spent(*, user: User) -> Decimal:
    """What ``user`` has spent on received or completed orders, net of refunds (满额分销's measure)."""
    return sum(QUALIFYING_SPEND.notify(user), start=ZERO)


def promotion_standing(*, user: User) -> Standing:
    """The person's standing under the policy in force (what the "become a promoter" page offers)."""
    policy = network_policy_get()
    mode = policy.promotion_mode
    required = policy.promotion_min_purchase if mode == Mode.QUALIFYING_PURCHASE else None
    application = PromoterApplication.objects.filter(user=user, status__in=OPEN).first()
    spent = promotion_spent(user=user) if mode == Mode.QUALIFYING_PURCHASE else ZERO
    if Promoter.objects.filter(user=user).exists():
        action = "promoter"
    elif mode == Mode.EVERYONE:
        action = "join"
    elif mode == Mode.APPLICATION:
        action = "pending" if application is not None and application.status == Status.PENDING else "apply"
    else:
        action = "join" if spent >= (required or ZERO) else "buy"
    return Standing(mode=mode, action=action, spent=spent, required=required, application=application)


def promoter_become(*, user: User, invite_code: str | None = None, reason: str = "") -> Becoming:
    """Become a promoter from a consumer account, under the promotion policy (成为推手).

    ``everyone``: registered at once (the invite code's owner is the sponsor; without one, placement under a
    mentor). ``application``: a pending application is filed (``network.application_pending`` if one waits).
    ``qualifying_purchase``: registered once the spend is reached; short of it, a given invite code is kept
    on an ``awaiting_purchase`` application, and without one the answer is ``network.purchase_required``.
    """
    policy = network_policy_get()
    code = invite_codes.normalize(invite_code)
    with transaction.atomic():
        if Promoter.objects.filter(user=user).exists():
            raise _already_promoter()
        if code:
            _inviter_for_code(code)  # a wrong code is refused now, not when an operator decides
        waiting = PromoterApplication.objects.select_for_update().filter(user=user, status__in=OPEN).first()
        if policy.promotion_mode == Mode.EVERYONE:
            return Becoming(promoter=promoter_register(user=user, invite_code=code or None))
        if policy.promotion_mode == Mode.APPLICATION:
            return Becoming(application=_apply(user=user, code=code, reason=reason, waiting=waiting))
        return _qualify(user=user, code=code, policy=policy, waiting=waiting)


def _apply(*, user: User, code: str, reason: str, waiting: PromoterApplication | None) -> PromoterApplication:
    if waiting is not None and waiting.status == Status.PENDING:
        raise Conflict(NetworkError.APPLICATION_PENDING)
    if waiting is not None:  # kept from sign-up under another mode: it becomes the application
        return application_transition(application=waiting, to=Status.PENDING, changes={
            "reason": reason[:1000], "invite_code": code or waiting.invite_code})
    return PromoterApplication.objects.create(user=user, status=Status.PENDING, invite_code=code,
                                              reason=reason[:1000])


def _qualify(*, user: User, code: str, policy: NetworkPolicy, waiting: PromoterApplication | None) -> Becoming:
    spent = promotion_spent(user=user)
    required = policy.promotion_min_purchase or ZERO
    code = code or (waiting.invite_code if waiting is not None else "")
    if spent >= required:
        promoter = promoter_register(user=user, invite_code=code or None)
        if waiting is not None:
            application_transition(application=waiting, to=Status.APPROVED, changes={
                "decided_at": timezone.now(), "decision_reason": "qualifying purchase reached"})
        return Becoming(promoter=promoter)
    if not code:
        raise InvalidInput(NetworkError.PURCHASE_REQUIRED, amount=f"¥{required - spent:.2f}",
                           details={"spent": str(spent), "required": str(required)})
    if waiting is None:
        waiting = PromoterApplication.objects.create(user=user, status=Status.AWAITING_PURCHASE, invite_code=code)
    elif waiting.invite_code != code:
        waiting.invite_code = code
        waiting.save(update_fields=["invite_code"])
    return Becoming(application=waiting)


def promoter_application_decide(*, actor: User | None, application_id: int, approve: bool,
                                reason: str = "") -> PromoterApplication:
    """Approve (the applicant becomes a promoter in the same transaction) or reject a pending application;
    operators (ops role) only, audited. A rejection needs a reason the applicant will read."""
    require_operator(actor, Role.OPS)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidInput(NetworkError.DECISION_REASON_MISSING,
                           details={"field": "reason"})
    with transaction.atomic():
        application = (PromoterApplication.objects.select_for_update().select_related("user")
                       .filter(pk=application_id).first())
        if application is None:
            raise NotFound(NetworkError.APPLICATION_UNKNOWN, application_id=application_id)
        if application.status != Status.PENDING:
            raise Conflict(NetworkError.APPLICATION_DECIDED)
        if approve:
            promoter_register(user=application.user, invite_code=application.invite_code or None)
        application_transition(application=application, to=Status.APPROVED if approve else Status.REJECTED,
                               actor=actor, changes={"decided_by": actor, "decided_at": timezone.now(),
                                                     "decision_reason": reason[:1000]})
        audit_record(actor=actor, action=f"network.promoter_application_{application.status}", target=application,
                     reason=reason, data={"user_id": application.user_id, "invite_code": application.invite_code})
    return application


def promotion_findings(policy: NetworkPolicy) -> list[dict]:
    """Compliance findings of the promotion policy, in the plan check's finding shape.

    P1: becoming a promoter requires buying first (满额分销). Under 《禁止传销条例》 art. 2/7 a payment made to
    obtain the right to recruit and to earn from others' sales is an entry fee (入门费), a mark of pyramid
    selling, even when it is paid as the price of goods.
    """
    if policy.promotion_mode != Mode.QUALIFYING_PURCHASE:
        return []
    amount = policy.promotion_min_purchase
    spend = f"¥{amount:.2f}" if amount is not None else "an amount"
    return [{"code": "P1", "severity": "warning", "rule": None,
             "message": (f"Becoming a promoter requires spending {spend} first (满额分销). "
                         "Under 《禁止传销条例》 a purchase required to gain the right to recruit and earn can be "
                         "judged an entry fee in disguise (变相入门费). Prefer 'everyone' or 'application'.")}]
