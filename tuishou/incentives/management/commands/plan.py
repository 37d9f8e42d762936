"""`tuishou plan list|import|show|export|publish`: plan versions inside the platform.

(`tuishou plan check|payout|simulate` are the pure engine's and never reach this command.)
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuishou.accounts.models import User
from tuishou.core.errors import DomainError, NotFound
from tuishou.incentives import selectors
from tuishou.incentives.models import PlanVersion
from tuishou.incentives.services import plan_draft_import, plan_publish


class Command(BaseCommand):
    help = "Manage incentive plan versions: list, import a draft, show, export, publish."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="plan versions, newest first")
        listing.add_argument("--community")
        imp = sub.add_parser("import", help="import a YAML/JSON plan as a draft")
        imp.add_argument("file")
        imp.add_argument("--community", required=True)
        imp.add_argument("--as", dest="actor", required=True, help="operator username")
        show = sub.add_parser("show", help="a version with its compliance findings")
        show.add_argument("id", type=int)
        export = sub.add_parser("export", help="print a version's YAML")
        export.add_argument("id", type=int)
        pub = sub.add_parser("publish", help="publish a draft (refused with a compliance error)")
        pub.add_argument("id", type=int)
        pub.add_argument("--as", dest="actor", required=True, help="operator username")

    def handle(self, *args, **opts):
        try:
            getattr(self, f"do_{opts['action']}")(opts)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from None

    def _version(self, pk: int) -> PlanVersion:
        try:
            return selectors.plan_version_get(version_id=pk)
        except NotFound:
            raise CommandError(f"no plan version {pk}", returncode=2) from None

    def _actor(self, username: str) -> User:
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user {username!r}", returncode=2)
        return actor

    def do_list(self, opts):
        for v in selectors.plan_versions_list(community_code=opts.get("community")):
            label = f"v{v.version}" if v.version else "draft"
            self.stdout.write(f"{v.pk:>5}  {v.community.code:<12} {v.plan_key:<20} {label:<6} {v.status:<10} "
                              f"{v.error_count} error(s)")

    def do_import(self, opts):
        try:
            community = selectors.community_by_code(code=opts["community"])
        except NotFound:
            raise CommandError(f"unknown community {opts['community']!r}", returncode=2) from None
        try:
            source = Path(opts["file"]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{opts['file']}: {exc.strerror}", returncode=2) from None
        draft = plan_draft_import(actor=self._actor(opts["actor"]), community=community, source=source)
        self.stdout.write(f"draft {draft.pk} imported ({draft.error_count} compliance error(s))")

    def do_show(self, opts):
        v = self._version(opts["id"])
        self.stdout.write(json.dumps({"id": v.pk, "community": v.community.code, "plan": v.plan_key,
                                      "version": v.version, "status": v.status, "findings": v.findings},
                                     ensure_ascii=False, indent=2))

    def do_export(self, opts):
        self.stdout.write(self._version(opts["id"]).source)

    def do_publish(self, opts):
        published = plan_publish(actor=self._actor(opts["actor"]), draft=self._version(opts["id"]))
        self.stdout.write(f"{published.plan_key} v{published.version} is in force for {published.community.code}")
