"""Who may call an API operation: every route declares it, and the declaration is part of the OpenAPI document.

A route passes ``openapi_extra=allowed(...)``; the operation then carries ``"x-roles": [...]`` in
``/api/v1/openapi.json``. The authorization matrix test (``tests/trust/test_authorization_matrix.py``) calls
every operation as every role and fails when a declared role is refused, when an undeclared one gets through, or
when an operation declares nothing. The services still make the decision (``require_operator``,
``require_merchant_staff``, ``require_community_staff``, "mine" look-ups): the declaration states it, the
test keeps the two in step.

The roles, in the product's words:

- ``anonymous``: anyone, signed in or not (a public page's data, a provider's signed webhook, signing in).
- ``consumer``: any signed-in person (消费者). Every other role is a signed-in person too, so a ``consumer``
  route is every signed-in role's; what it reaches is the caller's own (my cart, my orders, my messages).
- ``promoter``: a promoter (推手), on their own store, links, team, wallet and commissions.
- ``merchant_staff``: staff of the merchant the resource belongs to (owners are staff too);
  ``merchant_owner``: that merchant's owner only.
- ``agency_staff``: staff of the community (agency 机构) the resource belongs to.
- operator roles (``OperatorRole.Role``): ``ops``, ``finance``, ``customer_service``, ``risk`` and ``admin``.
  An administrator holds every operator role (``accounts.permissions.is_operator``), so ``admin`` is added to
  any declaration that names an operator role; ``OPERATORS`` is every operator role.

Scoped roles (``consumer``, ``promoter``, ``merchant_*``, ``agency_staff``) reach only their own resources:
another's is 403 or 404. Operator roles and ``anonymous`` reach any.
"""

from __future__ import annotations

ANONYMOUS = "anonymous"
CONSUMER = "consumer"
PROMOTER = "promoter"
MERCHANT_OWNER = "merchant_owner"
MERCHANT_STAFF = "merchant_staff"
AGENCY_STAFF = "agency_staff"
OPS = "ops"
FINANCE = "finance"
CUSTOMER_SERVICE = "customer_service"
RISK = "risk"
ADMIN = "admin"

OPERATORS = (OPS, FINANCE, CUSTOMER_SERVICE, RISK, ADMIN)
SCOPED = (CONSUMER, PROMOTER, MERCHANT_OWNER, MERCHANT_STAFF, AGENCY_STAFF)
ROLES = (ANONYMOUS, *SCOPED, *OPERATORS)
EXTENSION = "x-roles"


def allowed(*roles: str) -> dict:
    """``openapi_extra`` for a route that ``roles`` may call (see the module's docstring for their meaning)."""
    unknown = [role for role in roles if role not in ROLES]
    if not roles or unknown:
        raise ValueError(f"declare at least one role of {ROLES}; unknown: {unknown}")
    declared = list(dict.fromkeys(roles))
    if ADMIN not in declared and any(role in OPERATORS for role in declared):
        declared.append(ADMIN)
    return {EXTENSION: declared}
