"""`jingchu config`: every setting, its type, default, value in force (secrets hidden) and doc."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jingchu.config import describe


class Command(BaseCommand):
    help = "Print every JINGCHU_* setting with its type, default, current value and meaning."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        for name, type_name, default, shown, doc in describe():
            self.stdout.write(f"{name} ({type_name}, default: {default or '-'})")
            self.stdout.write(f"    value: {shown}")
            self.stdout.write(f"    {doc}")
