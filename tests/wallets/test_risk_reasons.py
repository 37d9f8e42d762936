"""A risk rejection's entries read as what they are in the wallet (风控驳回), not as a refund's."""

from tuishou.ledger.models import JournalEntry
from tuishou.wallets.reasons import reason_for


def test_risk_rejection_entries_have_their_own_reasons_in_chinese_and_english():
    assert [(r.code, r.zh, r.en) for r in map(reason_for, ["risk_cancelled", "risk_clawback"])] == [
        ("risk_cancelled", "风控驳回，取消待结算佣金",
         "Pending commission cancelled: the order was rejected by risk control"),
        ("risk_clawback", "风控驳回，追回已结算佣金",
         "Settled commission clawed back: the order was rejected by risk control")]
    kinds = {JournalEntry.Kind.RISK_CANCELLED, JournalEntry.Kind.RISK_CLAWBACK}
    assert kinds <= JournalEntry.COMMISSION_KINDS  # their promoter lines carry the commission's snapshot
