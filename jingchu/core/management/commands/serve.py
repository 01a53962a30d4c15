"""`jingchu serve`: the embedded web server for the demo (production runs gunicorn)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the platform on 127.0.0.1:$PORT (default 8000) with Django's server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Jingchu at http://{options['host']}:{options['port']}/")
        call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
