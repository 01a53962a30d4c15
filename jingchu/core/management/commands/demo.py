"""`jingchu demo`: load the demo data (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jingchu.core.calendar_data import load_calendar_files
from jingchu.core.demo import load_organizations
from jingchu.core.models import Region
from jingchu.core.regions import load_regions
from jingchu.identity.demo import DEMO_PASSWORD, load_personas


class Command(BaseCommand):
    help = "Load Hubei's regions, the calendar, demo organizations and personas; print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Region.objects.exists():
            self.stdout.write("Loading Hubei's administrative divisions …")
        count = load_regions()
        days = load_calendar_files()
        orgs = load_organizations()
        personas = load_personas(orgs)
        self.stdout.write(f"Regions: {count}, calendar days: {days}, organizations: {len(orgs)}")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for persona in personas:
            self.stdout.write(f"  {persona.username:<14} {persona.name:<4} {persona.description}")
        self.stdout.write(
            "Staff accounts set up their authenticator (TOTP) at first sign-in; "
            "`jingchu totp USERNAME` prints a current code in demo mode."
        )
