"""`python -m tuishou.core.dbcheck URL`: fail loudly when a test database cannot be reached.

The PostgreSQL test run must fail, never skip, when the server is down.
"""

import sys

import dj_database_url


def main(url: str) -> int:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        return 0
    import psycopg

    try:
        with psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432,
                             user=config["USER"] or "postgres", password=config["PASSWORD"] or None,
                             dbname="postgres", connect_timeout=5) as conn:
            conn.execute("select 1")
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL at {config['HOST']}:{config['PORT']} is not reachable: {exc}", file=sys.stderr)
        return 1
    print(f"PostgreSQL reachable at {config['HOST']}:{config['PORT']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
