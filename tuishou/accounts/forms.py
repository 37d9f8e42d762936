"""Forms of the accounts pages: they parse; the services hold the rules (their errors land beside the field)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tuishou.accounts.services import login_locked_out, login_lockout_error
from tuishou.core.pages import error_message


class SignInForm(AuthenticationForm):
    """Phone number or username, and password."""

    error_messages = {
        "invalid_login": _("Wrong phone number, username or password."),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Phone or username")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "inputmode": "text"})
        self.fields["password"].label = _("Password")

    def clean(self):
        """As Django's, but a sign-in refused for a lockout (too many failures) says so, in the page's language."""
        try:
            return super().clean()
        except forms.ValidationError:
            if login_locked_out(self.request):
                raise forms.ValidationError(error_message(login_lockout_error()), code="locked_out") from None
            raise


class SignUpForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    code = forms.CharField(label=_("SMS code"), max_length=12, help_text=_("Tap “Send code” to get it by SMS."),
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    password = forms.CharField(label=_("Password"), max_length=128, help_text=_("At least 8 characters."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    display_name = forms.CharField(label=_("Nickname (optional)"), max_length=60, required=False)


class SignUpCodeForm(forms.Form):
    """The "send code" step of the sign-up form: only the phone number is read."""

    phone = forms.CharField(label=_("Mobile phone"), max_length=20)


class PromoterSignUpForm(SignUpForm):
    invite_code = forms.CharField(label=_("Invite code"), max_length=16,
                                  help_text=_("The code of the promoter who invited you."))


class BecomePromoterForm(forms.Form):
    invite_code = forms.CharField(label=_("Invite code (optional)"), max_length=16, required=False,
                                  help_text=_("Whoever invited you becomes your sponsor."))
    reason = forms.CharField(label=_("Why you want to promote (optional)"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class RoleForm(forms.Form):
    role = forms.CharField(max_length=16)


def _django_strings_we_translate() -> None:
    """Never called: marks Django 5.2's password message for our catalog, because Django changed its msgid (to
    ``%d``) and its own zh_Hans catalog still has only the old one, so a Chinese page would show English."""
    ngettext("This password is too short. It must contain at least %d character.",
             "This password is too short. It must contain at least %d characters.", 8)
