"""`jingchu totp USERNAME`: print the current TOTP code of a user (demo mode only).

It stands in for the authenticator app while trying the demo's staff personas. Outside demo mode
it refuses: reading a live secret back would turn the second factor into a second password.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jingchu.identity.actions.login import totp_for
from jingchu.identity.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of USERNAME's authenticator (only when JINGCHU_DEMO=true)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                "Refused: `jingchu totp` works only in demo mode (JINGCHU_DEMO=true). "
                "Real accounts read their codes from their own authenticator app."
            )
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if not user.totp_secret:
            raise CommandError(
                f"{user.username} has no authenticator yet: sign in once with the password "
                "to start setting it up, then run this again."
            )
        self.stdout.write(totp_for(user.totp_secret).now())
