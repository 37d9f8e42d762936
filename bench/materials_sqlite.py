"""The materials benchmark's loader for the embedded mode (``bench/materials.py --db sqlite``): the same rows as
the PostgreSQL loader, built in Python at a smaller size (SQLite has no ``generate_series``)."""

from __future__ import annotations

import time

from bench.dashboard import sql


def rows_insert(model, columns: list[str], rows) -> None:
    """Plain INSERTs of ``rows`` (values of ``columns``) into the model's table, every other column at the
    model's default (``now()`` for ``auto_now_add``): the embedded mode's loader, where no generate_series is."""
    from django.db import connection
    from django.utils import timezone

    extra = {}
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key:
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            extra[field.column] = timezone.now()
        else:  # the default, else "" for a text column that is not null, else NULL
            extra[field.column] = field.get_db_prep_save(field.get_default(), connection)
    names = columns + list(extra)
    statement = (f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
                 f"VALUES ({', '.join(['%s'] * len(names))})")
    tail = tuple(extra.values())
    with connection.cursor() as cursor:
        cursor.executemany(statement, [(*row, *tail) for row in rows])


def load_sqlite(*, promoters: int, materials: int, citations: int) -> tuple[list[int], dict[str, float]]:
    """The same rows as ``load`` for the embedded mode (SQLite), built in Python (a smaller size: ``--db sqlite``
    defaults to 2,000 promoters, 5,000 materials, 200,000 citations); the stored scores by
    ``material_scores_refresh`` itself."""
    import random
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from tuishou.accounts.models import User
    from tuishou.community.materials_scores import material_scores_refresh
    from tuishou.community.models import Citation, Material
    from tuishou.network.models import Promoter
    from tuishou.stores.models import ShareLink

    took: dict[str, float] = {}
    rng = random.Random(11)
    now = timezone.now()
    t = time.perf_counter()
    from bench.materials import COMMUNITIES, services_rows

    communities, products = services_rows()
    took["services (communities, products)"] = time.perf_counter() - t
    t = time.perf_counter()
    with transaction.atomic():
        base_user = sql("SELECT coalesce(max(id), 0) FROM accounts_user")[0][0]
        base = sql("SELECT coalesce(max(id), 0) FROM network_promoter")[0][0]
        rows_insert(User, ["id", "username", "phone", "password", "display_name"],
                    ((base_user + g, f"bench{g}", f"2{g:010d}", "!", f"推手{g}") for g in range(1, promoters + 1)))
        rows_insert(Promoter, ["id", "user_id", "community_id", "path", "invite_code", "joined_via", "stage", "rank"],
                    ((base + g, base_user + g, communities[g % COMMUNITIES], b"\xff" + g.to_bytes(8, "big"),
                      f"B{g:07x}", "invite", "ordinary", "") for g in range(1, promoters + 1)))
        took["promoters"] = time.perf_counter() - t
        t = time.perf_counter()
        author = [base + 1 + (g % promoters) for g in range(materials + 1)]
        rows_insert(Material, ["id", "author_id", "community_id", "product_id", "text", "status", "created_at"],
                    ((g, author[g], communities[(1 + (g % promoters)) % COMMUNITIES], products[g % 50],
                      f"山里的蜂蜜，孩子爱吃 #{g}", "hidden" if g % 100 == 0 else "visible",
                      now - timedelta(days=(g * 7919) % 180, seconds=g % 86400)) for g in range(1, materials + 1)))
        rows_insert(ShareLink, ["id", "code", "promoter_id", "target", "product_id", "material_id"],
                    ((g, f"M{g:010x}", base + 1 + ((g * 31) % promoters), "product", products[g % 50], g)
                     for g in range(1, materials + 1)))
        took["materials + links"] = time.perf_counter() - t
        t = time.perf_counter()
        channels = ["wechat", "moments", "group", "poster", "other"]
        rows_insert(Citation, ["material_id", "link_id", "promoter_id", "channel", "created_at"],
                    ((m, m, base + 1 + ((g * 2654435761) % promoters), channels[g % 5],
                      now - timedelta(days=180 * rng.random() ** 1.5))
                     for g in range(1, citations + 1) for m in [1 + int(rng.random() ** 2 * materials)]))
        took["citations"] = time.perf_counter() - t
    t = time.perf_counter()
    material_scores_refresh(list(range(1, materials + 1)))
    sql("ANALYZE")
    took["stored scores (material_scores_refresh) + analyze"] = time.perf_counter() - t
    return communities, took
