"""The back office shows the ledger read-only."""

import pytest

from tests.ledger import factories as f
from tuishou.ledger.models import Account, JournalEntry

Kind = Account.Kind
pytestmark = pytest.mark.django_db


def test_accounts_and_entries_render_read_only(admin_client):
    available = f.promoter_account(Kind.PROMOTER_AVAILABLE)
    entry = f.fund(available, "25.00")

    accounts = admin_client.get("/admin/ledger/account/", {"q": available.promoter.invite_code})
    entries = admin_client.get("/admin/ledger/journalentry/", {"kind": "adjustment"})
    detail = admin_client.get(f"/admin/ledger/journalentry/{entry.pk}/change/")
    account_page = admin_client.get(f"/admin/ledger/account/{available.pk}/change/")

    assert [r.status_code for r in (accounts, entries, detail, account_page)] == [200, 200, 200, 200]
    assert available.key in accounts.content.decode()
    assert entry.key in entries.content.decode()
    assert "-25.00" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()


def test_nobody_adds_changes_or_deletes_ledger_rows_from_the_back_office(admin_client):
    entry = f.move(f.platform(Kind.COMMISSION_EXPENSE), f.platform(Kind.PAYOUT_CLEARING), "3.00")

    add = admin_client.get("/admin/ledger/journalentry/add/")
    delete = admin_client.post(f"/admin/ledger/journalentry/{entry.pk}/delete/", {"post": "yes"})
    change = admin_client.post(f"/admin/ledger/journalentry/{entry.pk}/change/", {"memo": "rewritten"})

    assert (add.status_code, delete.status_code, change.status_code) == (403, 403, 403)
    assert JournalEntry.objects.get().memo == ""
