"""Permission checks used by services (not only by views)."""

from __future__ import annotations

from tuishou.accounts.errors import AccountError
from tuishou.accounts.models import OperatorRole, User
from tuishou.core.errors import NotAuthenticated, PermissionDenied

Role = OperatorRole.Role


def operator_roles(user: User | None) -> set[str]:
    """The operator roles a user holds; a superuser holds every role. Read once per user object (a request's
    user asks many times: the navigation, the page, its service); granting or revoking forgets it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {r.value for r in Role}
    cached = getattr(user, "_tuishou_operator_roles", None)
    if cached is None:
        cached = frozenset(user.operator_roles.values_list("role", flat=True))
        user._tuishou_operator_roles = cached
    return set(cached)


def operator_roles_forget(user: User) -> None:
    """Drop what ``operator_roles`` remembered of ``user`` (after a grant or a revocation)."""
    user.__dict__.pop("_tuishou_operator_roles", None)
    user.__dict__.pop("_tuishou_roles", None)


def is_operator(user: User | None, *roles: str) -> bool:
    """True when the user is operator staff holding any of ``roles`` (or ``admin``)."""
    held = operator_roles(user)
    if not held:
        return False
    return not roles or bool(held & ({Role.ADMIN.value, *roles}))


def require_operator(user: User | None, *roles: str) -> None:
    """Raise unless the user is operator staff with one of ``roles`` (any role when none is given)."""
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(AccountError.AUTH_REQUIRED)
    if not is_operator(user, *roles):
        wanted = ", ".join(roles) or "operator"
        raise PermissionDenied(AccountError.AUTH_FORBIDDEN, wanted=wanted,
                               details={"roles": list(roles)})


def require_user(user: User | None) -> User:
    """Raise unless somebody is signed in; return that user."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotAuthenticated(AccountError.AUTH_REQUIRED)
    return user
