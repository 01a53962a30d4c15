"""`jingchu openapi`: print the API schema, write it, or check the committed copy against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def schema_text() -> str:
    from jingchu.api import api

    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Print the OpenAPI schema; --write FILE saves it; --check FILE fails on any difference."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", metavar="FILE")
        parser.add_argument("--check", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        text = schema_text()
        if options["write"]:
            Path(options["write"]).write_text(text, encoding="utf-8")
        elif options["check"]:
            committed = Path(options["check"]).read_text(encoding="utf-8")
            if committed != text:
                raise CommandError(
                    f"{options['check']} differs from the generated schema; "
                    "run `make openapi` and commit the result if the change is intended."
                )
            self.stdout.write("OpenAPI schema matches.")
        else:
            self.stdout.write(text, ending="")
