"""Production refuses the sandboxes (issue 12, item 2): with DEBUG off a sandbox in use is a system-check error
unless TUISHOU_ALLOW_SANDBOX=1, and the sandbox's pay page is mounted only while the sandbox takes payments."""

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


def _mounted(path: str) -> bool:
    try:
        return resolve(path).url_name == "sandbox-pay"
    except Resolver404:
        return False


def test_the_pay_page_is_mounted_only_while_the_sandbox_takes_payments(settings):
    import tuishou.urls

    original = settings.TUISHOU_PAYMENT_GATEWAY
    try:
        settings.TUISHOU_PAYMENT_GATEWAY = "acme-pay"
        importlib.reload(tuishou.urls)
        clear_url_caches()
        assert not _mounted("/sandbox-pay/sbx_1")
    finally:
        settings.TUISHOU_PAYMENT_GATEWAY = original
        importlib.reload(tuishou.urls)
        clear_url_caches()
    assert _mounted("/sandbox-pay/sbx_1")
