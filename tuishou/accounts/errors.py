"""Error codes of accounts and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class AccountError(ErrorCode):
    """Codes of accounts, sign-in and roles (``accounts.*``, ``auth.*``)."""

    AUTH_FORBIDDEN = "auth.forbidden", _("This needs the {wanted} role.")
    AUTH_INVALID_LOGIN = "auth.invalid_login", _("Wrong phone/username or password.")
    AUTH_LOCKED_OUT = "auth.locked_out", _("Too many failed sign-ins: try again in {minutes} minutes.")
    AUTH_REQUIRED = "auth.required", _("Sign in or send a valid API token.")
    LOGIN_MISSING = "accounts.login_missing", _("Give a phone number or a username.")
    PASSWORD_WEAK = "accounts.password_weak", _("This password is too weak: {problems}")
    PHONE_CODE_COOLDOWN = "accounts.phone_code_cooldown", _(
        "A code was just sent: you can ask for another in {seconds} seconds.")
    PHONE_CODE_DAILY_LIMIT = "accounts.phone_code_daily_limit", _(
        "No more codes for this number today: try again tomorrow.")
    PHONE_CODE_INVALID = "accounts.phone_code_invalid", _(
        "The code is wrong or has expired, or this number cannot sign up: ask for a new code.")
    SIGNUP_THROTTLED = "accounts.signup_throttled", _(
        "Too many sign-up attempts from your network: try again in {minutes} minutes.")
    SMS_PROVIDER_UNKNOWN = "accounts.sms_provider_unknown", _("Unknown SMS provider {name!r}.")
    PHONE_INVALID = "accounts.phone_invalid", _("{phone!r} is not a mobile phone number.")
    PHONE_TAKEN = "accounts.phone_taken", _("This phone number is already registered.")
    ROLE_UNKNOWN = "accounts.role_unknown", _("Unknown operator role {role!r}.")
    USERNAME_INVALID = "accounts.username_invalid", _(
        "A username has 3–40 letters, digits, dots, dashes or underscores.")
    USERNAME_TAKEN = "accounts.username_taken", _("This username is taken.")
