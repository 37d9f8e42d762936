"""`tuishou demo [--if-empty] [--seed N] [--promoters N]`: load the demo data set."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from tuishou.demo.accounts import DEMO_PASSWORD
from tuishou.demo.loader import demo_is_loaded, demo_load
from tuishou.demo.selectors import demo_logins


class Command(BaseCommand):
    help = ("Load a living demo platform: merchants, goods, communities, promoters and their stores, consumers, "
            "three months of orders, payments, after-sales, commissions and withdrawals.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the database holds users")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--promoters", type=int, default=320)

    def handle(self, *args, **opts):
        if opts["if_empty"] and demo_is_loaded():
            self.stdout.write("demo: the database already holds data; nothing loaded")
            return
        started = time.monotonic()
        summary = demo_load(seed=opts["seed"], promoters=opts["promoters"])
        self.stdout.write(self.style.SUCCESS(
            f"demo: {summary.merchants} merchants, {summary.products} products, {summary.communities} communities, "
            f"{summary.promoters} promoters, {summary.consumers} consumers, {summary.orders} orders "
            f"in {time.monotonic() - started:.1f} s"))
        for role, login, _ in demo_logins():
            self.stdout.write(f"  {role:<22} {login:<14} password {DEMO_PASSWORD}")
