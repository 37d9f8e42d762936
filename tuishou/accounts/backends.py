"""Sign in with a phone number or a username."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from tuishou.accounts.models import User


class PhoneOrUsernameBackend(ModelBackend):
    """Accepts either the user's phone number or username as the login."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = (username or kwargs.get("phone") or "").strip()
        if not login or password is None:
            return None
        user = User.objects.filter(Q(username=login) | Q(phone=login)).order_by("id").first()
        if user is None:
            User().set_password(password)  # same work as a real check, against timing probes
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
