"""What the rollups' upkeep modules share: raw SQL and the high-water marks of append-only sources."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Max


def execute(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def lock(*statements: str) -> None:
    if connection.vendor == "postgresql":
        for statement in statements:
            execute(statement)


def high_water(model, **where) -> int:
    """The newest id of ``model`` (rows matching ``where``) with every row up to it committed (PostgreSQL: read
    under a SHARE lock of the table alone, which waits for the transactions writing it and is released at once;
    one table at a time, so it never waits while holding another lock)."""
    from tuishou.reports.sql import table

    with transaction.atomic():
        lock(f"LOCK TABLE {table(model)} IN SHARE MODE")
        return model.objects.filter(**where).aggregate(m=Max("id"))["m"] or 0
