"""Error codes of wallets and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class WalletError(ErrorCode):
    """Codes of wallets, withdrawals and payout callbacks (``wallets.*``)."""

    AMOUNT_ABOVE_MAX = "wallets.amount_above_max", _("The most you can withdraw at once is {maximum}.")
    AMOUNT_BELOW_MIN = "wallets.amount_below_min", _("The least you can withdraw is {minimum}.")
    AMOUNT_MISMATCH = "wallets.amount_mismatch", _("The callback says {got}; we sent {expected}.")
    BALANCE_NEGATIVE = "wallets.balance_negative", _(
        "Your balance is {amount} after a refund clawed back commission; withdrawals resume once new "
        "commission covers it.")
    CALLBACK_FORGED = "wallets.callback_forged", _("The callback's signature does not match.")
    CALLBACK_MALFORMED = "wallets.callback_malformed", _(
        "The callback cannot be read: its timestamp or body is malformed.")
    CALLBACK_STALE = "wallets.callback_stale", _(
        "The callback was signed {age} seconds ago; more than {limit} either way is refused as a replay.")
    CALLBACK_UNKNOWN_PAYOUT = "wallets.callback_unknown_payout", _(
        "No payout {payout_id} ({reference}) is in progress with {provider}.")
    DAILY_LIMIT = "wallets.daily_limit", _("You can request {daily_count} withdrawals a day; try again tomorrow.")
    IDEMPOTENCY_KEY_INVALID = "wallets.idempotency_key_invalid", _("Give an idempotency key of 1 to 100 characters.")
    IDEMPOTENCY_KEY_REUSED = "wallets.idempotency_key_reused", _(
        "This idempotency key was used for another withdrawal.")
    INCIDENT_UNCOVERED = "wallets.incident_uncovered", _(
        "The payee's balance is {available}; it must cover the {shortfall} owed before it is recovered.")
    INCIDENT_UNKNOWN = "wallets.incident_unknown", _("No payout incident #{incident_id}.")
    INSUFFICIENT_FUNDS = "wallets.insufficient_funds", _("You have {available} available; {amount} is more than that.")
    MERCHANT_PAYOUT_ROLE = "wallets.merchant_payout_role", _(
        "Only the merchant's owner or its finance staff can withdraw its money.")
    NOTE_REQUIRED = "wallets.note_required", _("Say what you checked with the provider.")
    NOTE_TOO_LONG = "wallets.note_too_long", _("Keep the note within {limit} characters.")
    PAYEE_ON_HOLD = "wallets.payee_on_hold", _(
        "A payout was paid twice and is owed back: withdrawals wait until finance settles it.")
    PAYEE_INVALID = "wallets.payee_invalid", _("{problem}")  # the field is in details, shown beside it
    PAYOUT_DECLINED = "wallets.payout_declined", _("The payout provider declined the transfer: {reason}.")
    PAYOUT_ACCOUNT_MISSING = "wallets.payout_account_missing", _(
        "The merchant's owner must set its payout bank account before anyone withdraws.")
    PAYEE_FROZEN = "wallets.payee_frozen", _(
        "The platform froze this promoter after they asked: reject the withdrawal, or approve it once unfrozen.")
    PROMOTER_FROZEN = "wallets.promoter_frozen", _(
        "Your account is frozen by the platform: withdrawals are suspended until it is unfrozen.")
    PROVIDER_UNKNOWN = "wallets.provider_unknown", _("There is no payout provider called {name!r}.")
    REASON_REQUIRED = "wallets.reason_required", _("Say why the withdrawal is rejected; the promoter sees it.")
    RESOLUTION_INVALID = "wallets.resolution_invalid", _("{resolution!r} does not settle this payout incident.")
    SELF_REVIEW = "wallets.self_review", _("Another member of finance must review your own withdrawal.")
    TRANSITION_INVALID = "wallets.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
    WITHDRAWAL_UNKNOWN = "wallets.withdrawal_unknown", _("No withdrawal #{withdrawal_id}.")
