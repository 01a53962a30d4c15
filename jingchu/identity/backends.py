"""Password authentication that refuses locked accounts.

Counting failures and locking lives in `identity.actions`; this backend only refuses a user whose
lock has not expired, so that every login path (form, admin, OIDC) honours the lock.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class LockoutModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        locked_until = getattr(user, "locked_until", None)
        return locked_until is None or locked_until <= timezone.now()
