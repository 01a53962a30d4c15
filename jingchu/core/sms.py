"""SMS through one adapter interface. The province's SMS gateway plugs in by a dotted path
(JINGCHU_SMS_BACKEND); the default adapter appends each message to a JSON-lines file under the
var directory, which is the demo's and the tests' outbox."""

from __future__ import annotations

import json
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# One SMS segment holds 70 Chinese characters; gateways join up to a few segments.
MAX_LENGTH = 350


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Hand one message to the gateway; raise OSError when it cannot be reached."""


class FileOutboxBackend:
    def send(self, phone: str, text: str) -> None:
        path = settings.SMS_OUTBOX_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": timezone.now().isoformat(), "phone": phone, "text": text},
                          ensure_ascii=False)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        path.chmod(0o600)  # it holds full phone numbers


def backend() -> SmsBackend:
    backend_class: Any = import_string(settings.SMS_BACKEND)
    instance: SmsBackend = backend_class()
    return instance


def recipient_phone(user: Any) -> str:
    """The mobile number of a citizen's or a staff member's account, or ''.

    Read through the account's relations by name: core stands below identity and does not
    import it."""
    for relation in ("person", "staff"):
        holder = getattr(user, relation, None)
        phone = getattr(holder, "phone", "") if holder is not None else ""
        if phone:
            return str(phone)
    return ""


def text_of(subject: str, body: str) -> str:
    return f"【荆楚政务】{subject}：{body}"[:MAX_LENGTH]
