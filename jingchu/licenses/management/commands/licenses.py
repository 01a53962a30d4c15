"""`jingchu licenses import FILE --type KEY --issuer USCC --user USERNAME [--workers N]`:
import existing licences from a CSV or JSON Lines file (format: jingchu/licenses/imports.py,
docs/licenses-import.md), with a progress bar on stderr. Every row is checked first; if any is
rejected, the report is printed and nothing is imported (exit status 1)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.core.progress import ProgressBar
from jingchu.licenses import actions
from jingchu.licenses.choices import ImportStatus
from jingchu.licenses.models import LicenseImport, LicenseType

STAGES = {"check": "checking", "sign": "signing "}


class Command(BaseCommand):
    help = "Electronic licences: import existing licences from a file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        load = sub.add_parser("import", help="import a CSV or JSON Lines file, whole or not at all")
        load.add_argument("file")
        load.add_argument("--type", required=True, dest="type_key", help="licence type key")
        load.add_argument("--issuer", required=True,
                          help="the issuing organization's unified social credit code")
        load.add_argument("--user", required=True,
                          help="username of the issuer's approver or administrator answerable "
                               "for the import")
        load.add_argument("--workers", type=int, default=0,
                          help="signing processes (default: one per core)")

    def handle(self, *args: Any, **options: Any) -> None:
        license_type, issuer, user = self._lookups(options)
        path = Path(options["file"])
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.style_func = None  # the bar is not an error
        bar = ProgressBar(self.stderr, STAGES)
        started = time.monotonic()
        try:
            imp = actions.do_create_import(user, license_type=license_type, issuer=issuer,
                                           filename=path.name, payload=payload)
            imp = actions.do_run_import(user, imp, progress=bar,
                                        workers=options["workers"] or None)
        except ActionError as exc:
            bar.end()
            raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from exc
        bar.end()
        self._summary(imp, time.monotonic() - started)

    def _lookups(self, options: dict[str, Any]) -> tuple[LicenseType, Organization, Any]:
        license_type = LicenseType.objects.filter(key=options["type_key"]).first()
        if license_type is None:
            raise CommandError(f"no licence type {options['type_key']!r}")
        issuer = Organization.objects.filter(uscc=options["issuer"].strip().upper()).first()
        if issuer is None:
            raise CommandError(f"no organization with credit code {options['issuer']!r}")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        return license_type, issuer, user

    def _summary(self, imp: LicenseImport, seconds: float) -> None:
        if imp.status == ImportStatus.DONE:
            self.stdout.write(
                f"Imported {imp.imported} licence(s) of {imp.license_type.key} for "
                f"{imp.issuer.uscc} from {imp.filename} in {seconds:.1f} s "
                f"({imp.imported / max(seconds, 1e-9):.0f}/s); import {imp.uid}.")
            return
        for item in imp.rejected_rows:
            for error in item["errors"]:
                self.stdout.write(f"row {item['row']}: {error}")
        raise CommandError(f"{len(imp.rejected_rows)} row(s) rejected of {imp.total_rows}; "
                           f"nothing was imported (import {imp.uid}).")
