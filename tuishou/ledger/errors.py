"""Error codes of ledger and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class LedgerError(ErrorCode):
    """Codes of the ledger: accounts, journal entries, snapshots (``ledger.*``)."""

    ALREADY_REVERSED = "ledger.already_reversed", _("Entry #{entry} has already been reversed.")
    APPEND_ONLY = "ledger.append_only", _(
        "The ledger is append-only: {what} is refused. Post a reversing entry instead.")
    CURRENCY_MISMATCH = "ledger.currency_mismatch", _("One entry cannot mix currencies ({currencies}).")
    EMPTY_ENTRY = "ledger.empty_entry", _("A journal entry needs at least two lines.")
    INSUFFICIENT_FUNDS = "ledger.insufficient_funds", _("{account} holds {available}, not enough for this posting.")
    KEY_MALFORMED = "ledger.key_malformed", _(
        "Each journal entry needs its own idempotency key of 1 to 200 characters.")
    KEY_REUSED = "ledger.key_reused", _("Key {key} was already used with other lines.")
    MALFORMED_LINE = "ledger.malformed_line", _(
        "A journal line needs an account and an exact amount (a Decimal, or integer minor units), not "
        "{amount!r}.")
    OWNER_MISMATCH = "ledger.owner_mismatch", _("The owner does not fit the account kind ({kind}).")
    SNAPSHOT_MALFORMED = "ledger.snapshot_malformed", _(
        "Line {index}: a snapshot needs a rate with at most 6 decimal places and a base with at most 2.")
    SNAPSHOT_MISMATCH = "ledger.snapshot_mismatch", _("A snapshot names a line the entry does not have.")
    SNAPSHOT_MISSING = "ledger.snapshot_missing", _(
        "The commission lines of a {kind} entry need a snapshot of the order, plan version, rule, rate "
        "and base.")
    UNBALANCED = "ledger.unbalanced", _("The lines do not add up to zero: debits and credits must match.")
    UNKNOWN_ACCOUNT = "ledger.unknown_account", _("Every line needs an opened account.")
    UNKNOWN_KIND = "ledger.unknown_kind", _("There is no ledger kind {kind!r}.")
    ZERO_LINE = "ledger.zero_line", _("Journal line {line}: the amount is zero.")
