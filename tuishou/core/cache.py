"""The database cache of the embedded mode (no Redis), with an atomic ``incr``.

Django's ``DatabaseCache.incr`` reads the value, adds, and writes it back: two web processes counting the same
throttle key at the same moment both read 4 and both write 5, so a burst of parallel requests is counted as fewer
than it was and gets past the limit. Here ``incr`` locks the entry's row for the read and the write, in one
transaction: ``SELECT … FOR UPDATE`` on PostgreSQL, and on SQLite the transaction itself, which this project opens
with ``BEGIN IMMEDIATE`` (``transaction_mode``), so it holds the database's write lock. Redis' ``INCR`` and the
tests' in-memory cache are atomic already. The entry keeps its expiry (Django's version reset it to the default
timeout).
"""

from __future__ import annotations

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache whose ``incr`` (and so ``decr``) is atomic across processes."""

    def incr(self, key, delta=1, version=None):
        """Add ``delta`` to the integer at ``key`` and answer the new value; ValueError when the key is missing
        or expired (as every Django cache does)."""
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote('value')}, {quote('expires')} FROM {table} "
                           f"WHERE {quote('cache_key')} = %s{lock}", [key])
            row = cursor.fetchone()
            expires = row[1] if row else None
            for converter in converters if row else ():
                expires = converter(expires, expression, connection)
            if row is None or expires < tz_now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",
                           [encoded, key])
        return value
