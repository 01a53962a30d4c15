"""`jingchu demo`: load the demo data (idempotent) and print the demo logins."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from jingchu.core.demo import DemoContext, run_all


class Command(BaseCommand):
    help = "Load the demo data of every app (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        ctx = DemoContext()
        run_all(ctx)
        for line in ctx.report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {ctx.password})"))
        for username, name, description in ctx.logins:
            self.stdout.write(f"  {username:<14} {name:<4} {description}")
        self.stdout.write(
            "Staff accounts set up their authenticator (TOTP) at first sign-in; "
            "`jingchu totp USERNAME` prints a current code in demo mode."
        )
        # `make demo PORT=…` passes the port in the environment to this command and to serve.
        port = os.environ.get("PORT", "8000")
        self.stdout.write(self.style.SUCCESS(
            f"Open http://127.0.0.1:{port}/ once the server is up (`jingchu serve --port {port}`)."
        ))
