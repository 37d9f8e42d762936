"""The low-level writes of the sponsor tree: taking ordinals, and moving a subtree with one UPDATE.

Callers (``services``) run these inside their transaction and check the domain rules first; the
functions here keep ``sponsor``, ``path`` and ``depth`` consistent with each other and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Max
from django.db.models.functions import Length

from tuishou.core.errors import InvalidInput
from tuishou.network import treepath
from tuishou.network.errors import NetworkError
from tuishou.network.models import NetworkPolicy, Promoter


def _path_or_refuse(parent: bytes, ordinal: int) -> bytes:
    try:
        return treepath.child_path(parent, ordinal)
    except treepath.PathTooDeep:
        raise InvalidInput(NetworkError.PATH_TOO_DEEP) from None


def root_path_take() -> bytes:
    """The path of a new root: the next root ordinal, taken under a lock on the policy row."""
    policy = NetworkPolicy.objects.select_for_update().get(pk=1)
    NetworkPolicy.objects.filter(pk=1).update(next_root_ordinal=F("next_root_ordinal") + 1)
    return _path_or_refuse(b"", policy.next_root_ordinal)


def child_path_take(sponsor_id: int) -> tuple[Promoter, bytes]:
    """Lock the sponsor's row and take its next child ordinal; return the locked sponsor and the new path.

    The lock is what makes two concurrent sign-ups under one sponsor get distinct ordinals (PostgreSQL);
    SQLite serialises writers at BEGIN IMMEDIATE anyway.
    """
    sponsor = Promoter.objects.select_for_update().get(pk=sponsor_id)
    path = _path_or_refuse(bytes(sponsor.path), sponsor.next_child_ordinal)
    Promoter.objects.filter(pk=sponsor.pk).update(next_child_ordinal=F("next_child_ordinal") + 1)
    return sponsor, path


def lock_pair(first_id: int, second_id: int) -> dict[int, Promoter]:
    """Lock two promoter rows in pk order (a fixed order, so two moves cannot deadlock) and return them."""
    rows = Promoter.objects.select_for_update().filter(pk__in=[first_id, second_id]).order_by("pk")
    return {p.pk: p for p in rows}


@dataclass(frozen=True)
class Move:
    old_path: bytes
    new_path: bytes
    members: int  # rows rewritten: the moved promoter and its whole team


def subtree_move(*, root: Promoter, new_sponsor: Promoter) -> Move:
    """Re-hang ``root`` and its whole subtree under ``new_sponsor``; both rows must be locked by the caller.

    One UPDATE rewrites the old path prefix of every row in the subtree's range and shifts its depth;
    the rows' relative order and their own ordinals are kept, so nothing below the moved root changes
    except the prefix. Cycles and community rules are the caller's to check first.
    """
    old_path = bytes(root.path)
    low, high = treepath.subtree_bounds(old_path)
    new_path = _path_or_refuse(bytes(new_sponsor.path), new_sponsor.next_child_ordinal)
    in_subtree = Promoter.objects.filter(path__gte=low, path__lt=high)
    if len(new_path) > len(old_path):
        longest = in_subtree.aggregate(n=Max(Length("path")))["n"] or len(old_path)
        if longest - len(old_path) + len(new_path) > treepath.MAX_PATH_BYTES:
            raise InvalidInput(NetworkError.PATH_TOO_DEEP)
    Promoter.objects.filter(pk=new_sponsor.pk).update(next_child_ordinal=F("next_child_ordinal") + 1)
    shift = new_sponsor.depth + 1 - root.depth
    table = connection.ops.quote_name(Promoter._meta.db_table)
    if connection.vendor == "postgresql":
        new_value = "%s || substring(path from %s)"
    else:
        # SQLite's || yields text; the CAST turns it back into a BLOB with exactly the same bytes.
        new_value = "CAST(%s || substr(path, %s) AS BLOB)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET path = {new_value}, depth = depth + %s WHERE path >= %s AND path < %s",
            [new_path, len(old_path) + 1, shift, low, high],
        )
        members = cursor.rowcount
    Promoter.objects.filter(pk=root.pk).update(sponsor_id=new_sponsor.pk)
    return Move(old_path=old_path, new_path=new_path, members=members)
