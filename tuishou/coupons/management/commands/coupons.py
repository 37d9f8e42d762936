"""`tuishou coupons import-orders FILE` / `import-feed [FILE]`: the coupon platform's files, from a shell."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuishou.core.errors import DomainError
from tuishou.core.i18n import error_message
from tuishou.coupons import services


class Command(BaseCommand):
    help = "Import a coupon platform's order report (import-orders FILE) or feed (import-feed [FILE])."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        orders = sub.add_parser("import-orders", help="Import an order report CSV.")
        orders.add_argument("file")
        feed = sub.add_parser("import-feed", help="Import a feed file, or the sandbox's feed without one.")
        feed.add_argument("file", nargs="?")

    def handle(self, *args, **opts):
        try:
            if opts["action"] == "import-orders":
                path = Path(opts["file"])
                if not path.is_file():
                    raise CommandError(f"no such file: {path}")
                report = services.order_report_import(actor=None, system=True, source="command",
                                                      data=path.read_bytes(), file_name=path.name)
                self.stdout.write(f"import #{report.pk}: {report.rows} rows, {report.imported} imported, "
                                  f"{report.reversed} reversed, {report.skipped} skipped "
                                  f"{report.skipped_by_reason or ''}, commissions {report.commission_total}")
            else:
                path = Path(opts["file"]) if opts["file"] else None
                record = services.feed_import(actor=None, system=True,
                                              connector="file" if path else "sandbox",
                                              data=path.read_bytes() if path else b"",
                                              file_name=path.name if path else "")
                self.stdout.write(f"feed #{record.pk}: {record.created} new, {record.updated} updated, "
                                  f"{record.skipped} skipped")
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {error_message(exc)}") from exc
