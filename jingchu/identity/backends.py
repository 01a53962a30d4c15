"""Password authentication that refuses locked accounts and half sign-ins.

Counting failures and locking lives in `identity.actions.login`; this backend only refuses a user
whose lock has not expired, so that every login path (form, admin, OIDC) honours the lock.

A user who needs a second factor (every staff member, and citizens who enrolled TOTP) is also
refused on any request-bearing path that does not say it will ask for that factor: otherwise the
admin's login form or the OAuth2 password grant would log them in on the password alone. Only the
sign-in action passes `second_factor_aware=True`. Calls without a request (`Client.login()` in
tests, the shell) are not a browser path and keep the plain behaviour.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from jingchu.identity.services import requires_second_factor


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        second_factor_aware: bool = False,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return None
        if request is not None and not second_factor_aware and requires_second_factor(user):
            return None
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        locked_until = getattr(user, "locked_until", None)
        return locked_until is None or locked_until <= timezone.now()
