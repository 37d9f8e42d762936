"""The fast checkout's attribution (issue 13, ``orders.checkout_fast``): what ``stores.attribution.
attribution_resolve`` decides, from the buyer's row the fast checkout has read (own promoter, share link, binding
in force, plan versions), and through another promoter's link the visit and the binding move written by hand — the
visit inserted with the binding row locked in one statement, then the binding updated or created.
``tests/orders/test_checkout_fast.py`` compares the rows with the services' in every binding mode.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tuishou.incentives.models import PlanVersion


class Declined(Exception):
    """Not the ordinary checkout: the fast checkout rolls back and the services decide."""


def attribution_fast(cursor, *, buyer, row: dict, now, visit_table: str) -> dict:
    """``stores.attribution.attribution_resolve`` for the buyer's row read above; through another promoter's
    link the visit is recorded and the binding moved as ``stores.attribution._bind`` moves it. Raises ``Declined``
    for what it leaves to the services (the buyer's own sponsor's link, a draft plan, a concurrent first binding).
    """
    none = {"promoter_id": None, "self_purchase": False, "share_link_id": None, "community_id": None,
            "reason": "none", "binding_link_id": None, "plan_version_id": None}
    if row["link_id"] is not None:
        if row["own_id"] is not None and row["link_promoter"] == row["own_id"]:
            return {**none, "promoter_id": row["own_id"], "self_purchase": True, "share_link_id": row["link_id"],
                    "community_id": row["own_community"], "reason": "own_link", "plan_version_id": row["own_version"]}
        if row["own_id"] is not None and row["own_sponsor"] == row["link_promoter"]:
            raise Declined  # the buyer's own sponsor's link: left to the services
        bound = _bind(cursor, buyer=buyer, row=row, now=now, visit_table=visit_table)
        if bound is not None:
            return {**none, "promoter_id": bound["promoter_id"], "share_link_id": row["link_id"],
                    "community_id": row["link_community"], "reason": "binding",
                    "binding_link_id": bound["source_link_id"], "plan_version_id": row["link_version"]}
        return {**none, "promoter_id": row["link_promoter"], "share_link_id": row["link_id"],
                "community_id": row["link_community"], "reason": "share_link", "plan_version_id": row["link_version"]}
    if row["own_id"] is not None:
        return {**none, "promoter_id": row["own_id"], "self_purchase": True, "community_id": row["own_community"],
                "reason": "self_purchase", "plan_version_id": row["own_version"]}
    if row["bound_promoter"] is not None:
        return {**none, "promoter_id": row["bound_promoter"], "community_id": row["bound_community"],
                "reason": "binding", "binding_link_id": row["bound_link"], "plan_version_id": row["bound_version"]}
    return none


def _bind(cursor, *, buyer, row: dict, now, visit_table: str) -> dict | None:
    """The visit through the link and its effect on the binding in the link's community; the binding that
    counts at ``now`` afterwards (None when none does)."""
    from tuishou.stores.attribution import binding_rule
    from tuishou.stores.models import ConsumerBinding

    Mode = ConsumerBinding.Mode
    community = row["link_community"]
    versions = {community: _version(row)}
    rule = binding_rule(community_id=community, at=now, versions=versions)
    starts = now
    if rule.mode == Mode.REGISTRATION:
        starts = buyer.date_joined if buyer.date_joined is not None and now <= buyer.date_joined else None
    bindings = ConsumerBinding._meta.db_table
    cursor.execute(
        f"WITH visit AS (INSERT INTO {visit_table} (visitor_key, at, claimed_at, user_id, link_id) "
        f"VALUES ('', %s, NULL, %s, %s) RETURNING id) "
        f"SELECT id, promoter_id, bound_at, expires_at, source_link_id FROM {bindings} "
        f"WHERE consumer_id = %s AND community_id = %s ORDER BY id LIMIT 1 FOR UPDATE",
        [now, buyer.pk, row["link_id"], buyer.pk, community])
    found = cursor.fetchone()
    current = None if found is None else dict(zip(("id", "promoter_id", "bound_at", "expires_at", "source_link_id"),
                                                  found, strict=True))
    valid = current is not None and (current["expires_at"] is None or current["expires_at"] > now)
    if starts is None or (rule.mode == Mode.FIRST_CLICK and valid) or (
            rule.mode != Mode.FIRST_CLICK and current is not None and current["bound_at"] > now):
        result = current
    else:
        expires = None if rule.valid_days is None else starts + timedelta(days=rule.valid_days)
        values = [row["link_promoter"], rule.mode, now, row["link_id"], expires, timezone.now()]
        if current is None:
            cursor.execute(
                f"INSERT INTO {bindings} (promoter_id, mode, bound_at, source_link_id, expires_at, updated_at, "
                f"consumer_id, community_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                f"ON CONFLICT (consumer_id, community_id) DO NOTHING RETURNING id", [*values, buyer.pk, community])
            if cursor.fetchone() is None:
                raise Declined  # a concurrent first visit bound the consumer: the services read theirs
        else:
            cursor.execute(f"UPDATE {bindings} SET promoter_id = %s, mode = %s, bound_at = %s, source_link_id = %s, "
                           f"expires_at = %s, updated_at = %s WHERE id = %s", [*values, current["id"]])
        result = {"promoter_id": row["link_promoter"], "bound_at": now, "expires_at": expires,
                  "source_link_id": row["link_id"]}
    if result is None or result["bound_at"] > now or not (result["expires_at"] is None or result["expires_at"] > now):
        return None
    return result


def _version(row: dict) -> PlanVersion | None:
    """The version in force in the link's community as ``binding_rule`` needs it (the engine's plan is cached by
    id and source); a draft is left to the services."""
    if row["link_version"] is None:
        return None
    version = PlanVersion(id=row["link_version"], status=row["link_version_status"],
                          source=row["link_version_source"])
    if version.is_draft:
        raise Declined
    return version
