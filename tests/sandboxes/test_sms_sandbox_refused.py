"""The SMS sandbox is refused in production like the payment and payout sandboxes (tuishou.E001): with DEBUG off it
shows every sign-up code on /sandbox-sms/, so anyone could sign up with any phone number. The page is mounted only
while the SMS sandbox is in use."""

import importlib

import pytest
from django.urls import Resolver404, clear_url_caches, resolve

from tuishou.sandboxes.checks import sandboxes_refused_in_production


@pytest.fixture
def production(settings):
    settings.DEBUG, settings.TUISHOU_ALLOW_SANDBOX = False, False
    settings.TUISHOU_PAYMENT_GATEWAY, settings.TUISHOU_PAYOUT_PROVIDER = "acme-pay", "acme-payout"
    return settings


def test_the_sms_sandbox_alone_is_an_error_that_says_why(production):
    errors = sandboxes_refused_in_production()
    assert [(e.id, e.level, e.msg) for e in errors] == [(
        "tuishou.E001", 40, "TUISHOU_SMS_PROVIDER names the sandbox with DEBUG off: anyone could read every sign-up "
                            "code on /sandbox-sms/ and sign up with any phone number.")]
    assert "SMS provider" in errors[0].hint and "TUISHOU_ALLOW_SANDBOX=1" in errors[0].hint


def test_every_sandbox_is_named_and_each_risk_said_once(production):
    production.TUISHOU_PAYMENT_GATEWAY, production.TUISHOU_PAYOUT_PROVIDER = "sandbox", "sandbox"
    [error] = sandboxes_refused_in_production()
    assert error.msg == ("TUISHOU_PAYMENT_GATEWAY, TUISHOU_PAYOUT_PROVIDER, TUISHOU_SMS_PROVIDER name the sandbox "
                         "with DEBUG off: anyone could pay with the sandbox's button and earn real commissions; "
                         "anyone could read every sign-up code on /sandbox-sms/ and sign up with any phone number.")


def test_a_real_sms_provider_or_allowing_the_sandbox_is_no_error(production):
    production.TUISHOU_SMS_PROVIDER = "acme-sms"
    assert sandboxes_refused_in_production() == []
    production.TUISHOU_SMS_PROVIDER, production.TUISHOU_ALLOW_SANDBOX = "sandbox", True
    assert sandboxes_refused_in_production() == []


def _mounted(path: str) -> bool:
    try:
        return resolve(path).view_name == "sandbox_sms:list"
    except Resolver404:
        return False


def test_the_sms_page_is_mounted_only_while_the_sms_sandbox_is_in_use(settings):
    import tuishou.urls

    original = settings.TUISHOU_SMS_PROVIDER
    try:
        settings.TUISHOU_SMS_PROVIDER = "acme-sms"
        importlib.reload(tuishou.urls)
        clear_url_caches()
        assert not _mounted("/sandbox-sms/")
    finally:
        settings.TUISHOU_SMS_PROVIDER = original
        importlib.reload(tuishou.urls)
        clear_url_caches()
    assert _mounted("/sandbox-sms/")
