"""Error codes of payments and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class PaymentError(ErrorCode):
    """Codes of payments, refunds and gateway callbacks (``payments.*``)."""

    ALREADY_PAID = "payments.already_paid", _("{payable_type} {payable_ref} is already paid.")
    AMOUNT_CHANGED = "payments.amount_changed", _(
        "An open payment of {amount} {currency} exists for this {payable_type}.")
    AMOUNT_INVALID = "payments.amount_invalid", _("A payment or refund must be for more than zero.")
    AMOUNT_MISMATCH = "payments.amount_mismatch", _("The callback says {got}; we expect {expected}.")
    CALLBACK_FORGED = "payments.callback_forged", _("The callback's signature does not match.")
    CALLBACK_MALFORMED = "payments.callback_malformed", _(
        "The callback cannot be read: its timestamp or body is malformed.")
    CALLBACK_STALE = "payments.callback_stale", _(
        "The callback was signed {age} seconds ago; more than {limit} either way is refused as a replay.")
    CALLBACK_UNKNOWN_TXN = "payments.callback_unknown_txn", _("No payment has the transaction {txn_id}.")
    GATEWAY_DECLINED = "payments.gateway_declined", _("The payment gateway has no paid charge {txn_id}.")
    GATEWAY_UNKNOWN = "payments.gateway_unknown", _("There is no payment gateway called {name!r}.")
    IDEMPOTENCY_KEY_REUSED = "payments.idempotency_key_reused", _("This idempotency key was used for another request.")
    NOT_REFUNDABLE = "payments.not_refundable", _("A {status} payment cannot be refunded.")
    PAYABLE_INVALID = "payments.payable_invalid", _("Name what is paid for and give an idempotency key.")
    PAYABLE_REFUSED = "payments.payable_refused", _("What this payment was for no longer accepts it: {reason}.")
    PAYMENT_UNKNOWN = "payments.payment_unknown", _("No payment #{payment_id}.")
    REFUND_EXCEEDS_PAID = "payments.refund_exceeds_paid", _(
        "Refunding {amount} would bring refunds to {total}; {paid} was paid.")
    REFUND_INVALID = "payments.refund_invalid", _("Give a reason and an idempotency key for the refund.")
    REFUND_UNKNOWN = "payments.refund_unknown", _("No refund {refund_reference} ({refund_id}) for this payment.")
    RETURN_URL_INVALID = "payments.return_url_invalid", _(
        "return_url must be an http(s) address of this shop, at most 500 characters.")
    SANDBOX_ALREADY_PAID = "payments.sandbox_already_paid", _("This payment is already paid.")
    SANDBOX_TXN_UNKNOWN = "payments.sandbox_txn_unknown", _("No such sandbox payment.")
    START_CONTENDED = "payments.start_contended", _("This payment is being started elsewhere; try again.")
    TRANSITION_INVALID = "payments.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
