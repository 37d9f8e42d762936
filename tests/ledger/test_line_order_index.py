"""The journal lines carry one index on the order they name: on PostgreSQL it carries the amount too (ledger 0012),
and the reports' copy of it is gone (reports 0004)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


def test_one_index_on_the_lines_order_and_it_carries_the_amount():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ledger_journalline' "
                       "AND indexdef LIKE '%%order_ref%%' ORDER BY indexname")
        found = cursor.fetchall()
    assert found == [("ledger_line_order_idx", "CREATE INDEX ledger_line_order_idx ON public.ledger_journalline "
                      "USING btree (order_ref) INCLUDE (amount) WHERE (order_ref IS NOT NULL)")]
