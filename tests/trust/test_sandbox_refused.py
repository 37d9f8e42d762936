"""Production refuses the sandboxes (issue 12, item 2): with DEBUG off a sandbox in use (payments, payouts, SMS) is
a system-check error unless TUISHOU_ALLOW_SANDBOX=1, and each sandbox's page (the pay page, the SMS page that shows
every sign-up code) is mounted only while that sandbox is in use."""

import importlib

import pytest
from django.urls import Resolver404, clear_url_caches, resolve

from tuishou.sandboxes.checks import sandboxes_refused_in_production


def test_with_debug_off_a_sandbox_is_an_error_naming_the_setting_that_allows_it(settings):
    settings.DEBUG, settings.TUISHOU_ALLOW_SANDBOX = False, False
    errors = sandboxes_refused_in_production()
    assert [(e.id, e.level) for e in errors] == [("tuishou.E001", 40)]
    assert errors[0].msg.startswith("TUISHOU_PAYMENT_GATEWAY, TUISHOU_PAYOUT_PROVIDER, TUISHOU_SMS_PROVIDER name the "
                                    "sandbox")
    assert "TUISHOU_ALLOW_SANDBOX=1" in errors[0].hint


def test_one_sandbox_left_in_use_is_named_alone(settings):
    settings.DEBUG, settings.TUISHOU_ALLOW_SANDBOX = False, False
    settings.TUISHOU_PAYMENT_GATEWAY, settings.TUISHOU_SMS_PROVIDER = "acme-pay", "acme-sms"
    assert [e.msg.split(" with")[0] for e in sandboxes_refused_in_production()] == [
        "TUISHOU_PAYOUT_PROVIDER names the sandbox"]


@pytest.mark.parametrize(("debug", "allow", "gateway", "payout", "sms"), [
    (True, False, "sandbox", "sandbox", "sandbox"),  # developing
    (False, True, "sandbox", "sandbox", "sandbox"),  # allowed on purpose (make run)
    (False, False, "acme-pay", "acme-payout", "acme-sms"),  # real providers
])
def test_no_error_while_developing_when_allowed_or_with_real_providers(settings, debug, allow, gateway, payout, sms):
    settings.DEBUG, settings.TUISHOU_ALLOW_SANDBOX = debug, allow
    settings.TUISHOU_PAYMENT_GATEWAY, settings.TUISHOU_PAYOUT_PROVIDER = gateway, payout
    settings.TUISHOU_SMS_PROVIDER = sms
    assert sandboxes_refused_in_production() == []


def test_the_sms_sandbox_alone_is_an_error_that_says_why(settings):
    settings.DEBUG, settings.TUISHOU_ALLOW_SANDBOX = False, False
    settings.TUISHOU_PAYMENT_GATEWAY, settings.TUISHOU_PAYOUT_PROVIDER = "acme-pay", "acme-payout"
    errors = sandboxes_refused_in_production()
    assert [(e.id, e.level, e.msg) for e in errors] == [(
        "tuishou.E001", 40, "TUISHOU_SMS_PROVIDER names the sandbox with DEBUG off: anyone could read every sign-up "
                            "code on /sandbox-sms/ and sign up with any phone number.")]
    assert "SMS provider" in errors[0].hint and "TUISHOU_ALLOW_SANDBOX=1" in errors[0].hint


def test_every_sandbox_is_named_and_each_risk_said_once(settings):
    settings.DEBUG, settings.TUISHOU_ALLOW_SANDBOX = False, False
    [error] = sandboxes_refused_in_production()
    assert error.msg == ("TUISHOU_PAYMENT_GATEWAY, TUISHOU_PAYOUT_PROVIDER, TUISHOU_SMS_PROVIDER name the sandbox "
                         "with DEBUG off: anyone could pay with the sandbox's button and earn real commissions; "
                         "anyone could read every sign-up code on /sandbox-sms/ and sign up with any phone number.")


def _mounted(path: str, name: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return name in (match.url_name, match.view_name)


@pytest.mark.parametrize(("setting", "real", "path", "name"), [
    ("TUISHOU_PAYMENT_GATEWAY", "acme-pay", "/sandbox-pay/sbx_1", "sandbox-pay"),
    ("TUISHOU_SMS_PROVIDER", "acme-sms", "/sandbox-sms/", "sandbox_sms:list"),
])
def test_a_sandbox_page_is_mounted_only_while_its_sandbox_is_in_use(settings, setting, real, path, name):
    import tuishou.urls

    original = getattr(settings, setting)
    try:
        setattr(settings, setting, real)
        importlib.reload(tuishou.urls)
        clear_url_caches()
        assert not _mounted(path, name)
    finally:
        setattr(settings, setting, original)
        importlib.reload(tuishou.urls)
        clear_url_caches()
    assert _mounted(path, name)
