"""Signed callbacks: HMAC-SHA256 over timestamp and body, checked for forgery and freshness (pure, no database)."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from tuishou.core.errors import InvalidInput
from tuishou.core.signing import STALE_AFTER_SECONDS, signature_verify, signed_headers
from tuishou.payments.errors import PaymentError
from tuishou.wallets.errors import WalletError

SECRET = "s3cret"
BODY = b'{"event_id":"evt_1","type":"payment.succeeded","amount":"59.90"}'
SIGNED_AT = 1_767_225_600  # 2026-01-01 00:00:00 UTC
AT_SIGNING = datetime.fromtimestamp(SIGNED_AT, tz=UTC)


class Rejected(InvalidInput):
    """Stands in for an app's CallbackRejected."""


def _verify(headers, body=BODY, *, now=AT_SIGNING, **overrides):
    options = {"secret": SECRET, "header_prefix": "X-Sandbox", "codes": PaymentError, "error": Rejected,
               "now": now, **overrides}
    return signature_verify(headers=headers, body=body, **options)


def test_signed_headers_carry_the_time_and_a_hex_hmac_over_time_and_body():
    headers = signed_headers(BODY, secret=SECRET, header_prefix="X-Sandbox", timestamp=SIGNED_AT)
    expected = hmac.new(SECRET.encode(), f"{SIGNED_AT}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert headers == {"X-Sandbox-Timestamp": str(SIGNED_AT), "X-Sandbox-Signature": expected,
                       "Content-Type": "application/json"}


def test_a_signature_round_trips_and_answers_when_it_was_signed():
    headers = signed_headers(BODY.decode(), secret=SECRET, header_prefix="X-Payout", timestamp=SIGNED_AT)
    assert _verify(headers, header_prefix="X-Payout") == SIGNED_AT


def test_header_names_match_whatever_their_case():
    headers = signed_headers(BODY, secret=SECRET, header_prefix="X-Sandbox", timestamp=SIGNED_AT)
    assert _verify({name.lower(): value for name, value in headers.items()}) == SIGNED_AT


def test_signed_now_by_default_and_fresh_now():
    assert abs(_verify(signed_headers(BODY, secret=SECRET, header_prefix="X-Sandbox"), now=None)
               - datetime.now(UTC).timestamp()) < 5


@pytest.mark.parametrize(("change", "codes", "code", "message"), [
    ({"body": BODY.replace(b"59.90", b"0.01")}, PaymentError, "payments.callback_forged",
     "The callback's signature does not match."),
    ({"secret": "other"}, WalletError, "wallets.callback_forged", "The callback's signature does not match."),
    ({"header_prefix": "X-Payout"}, PaymentError, "payments.callback_forged",
     "The callback's signature does not match."),
])
def test_a_tampered_body_a_wrong_secret_or_other_headers_are_forged(change, codes, code, message):
    headers = signed_headers(BODY, secret=SECRET, header_prefix="X-Sandbox", timestamp=SIGNED_AT)
    body = change.pop("body", BODY)
    with pytest.raises(Rejected) as err:
        _verify(headers, body, codes=codes, **change)
    assert (err.value.code, err.value.message) == (code, message)


def test_missing_headers_are_forged_with_the_apps_code():
    with pytest.raises(Rejected) as err:
        _verify({}, codes=WalletError)
    assert (err.value.code, err.value.message) == ("wallets.callback_forged",
                                                   "The callback's signature does not match.")


def test_a_timestamp_that_is_no_number_is_malformed():
    headers = signed_headers(BODY, secret=SECRET, header_prefix="X-Sandbox", timestamp="yesterday")
    with pytest.raises(Rejected) as err:
        _verify(headers)
    assert (err.value.code, err.value.message) == ("payments.callback_malformed",
                                                   "The callback cannot be read: its timestamp or body is malformed.")


@pytest.mark.parametrize(("seconds_later", "age"), [(STALE_AFTER_SECONDS + 1, 301), (-STALE_AFTER_SECONDS - 1, -301)])
def test_a_callback_signed_too_long_ago_or_ahead_is_stale(seconds_later, age):
    headers = signed_headers(BODY, secret=SECRET, header_prefix="X-Sandbox", timestamp=SIGNED_AT)
    with pytest.raises(Rejected) as err:
        _verify(headers, now=AT_SIGNING + timedelta(seconds=seconds_later))
    assert (err.value.code, err.value.details) == ("payments.callback_stale", {"age_seconds": age})
    assert err.value.message == (f"The callback was signed {age} seconds ago; more than 300 either way is refused "
                                 "as a replay.")


@pytest.mark.parametrize("seconds_later", [STALE_AFTER_SECONDS, -STALE_AFTER_SECONDS])
def test_a_callback_at_the_edge_of_the_window_is_still_fresh(seconds_later):
    headers = signed_headers(BODY, secret=SECRET, header_prefix="X-Sandbox", timestamp=SIGNED_AT)
    assert _verify(headers, now=AT_SIGNING + timedelta(seconds=seconds_later)) == SIGNED_AT
