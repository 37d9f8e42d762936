"""`tuishou`: the one command line of the platform.

``tuishou plan check|payout|simulate`` run the pure incentive engine and need no database; every other
word is a Django management command (``tuishou serve``, ``tuishou demo``, ``tuishou migrate``,
``tuishou worker``, ``tuishou scheduler``, ``tuishou createsuperuser`` …).
"""

from __future__ import annotations

import os
import sys

PURE_PLAN_COMMANDS = {"check", "payout", "simulate"}
ALIASES = {"worker": "db_worker"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and args[0] == "plan" and args[1] in PURE_PLAN_COMMANDS:
        from tuishou.incentives.engine.cli import main as plan_main

        return plan_main(args[1:])
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuishou.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tuishou", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
