"""Demo of the exchange gateway: a department system of 武汉市公安局 registered as a gateway
client, and its first reads of the demo citizens' records made through the real gateway, so that
each citizen finds them on "who read my data". Idempotent: nothing happens once the client
exists. The client secret is printed in the demo's report only (demo mode).
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from django.test import Client

from jingchu.identity.demo import CITIZENS
from jingchu.identity.models import Person, User
from jingchu.sharing.actions.exchange import do_register_gateway_client
from jingchu.sharing.models import GatewayClient

CLIENT_CODE = "WH-GAJ-HJXT"
OFFICER = "steward_wh_gaj"
RESOURCE = "HB-GA-HJ-001"
HOST = "127.0.0.1"


def token_for(browser: Client, client_id: str, secret: str) -> str:
    """A client-credentials access token from the identity provider ("" if refused)."""
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = browser.post("/oidc/token/", {"grant_type": "client_credentials"},
                          HTTP_AUTHORIZATION=f"Basic {basic}")
    return str(answer.json().get("access_token", "")) if answer.status_code == 200 else ""


def _read(browser: Client, token: str, person: Person) -> bool:
    answer = browser.post(
        f"/gateway/v1/resources/{RESOURCE}/lookup",
        {"key": person.id_number, "fields": ["name", "gender", "address"]},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_JINGCHU_CLIENT=CLIENT_CODE, HTTP_X_JINGCHU_REQUEST_ID=f"demo-{uuid.uuid4().hex}",
        HTTP_X_JINGCHU_USER=OFFICER, HTTP_X_JINGCHU_PURPOSE="户籍业务办理中核验人口信息")
    return answer.status_code == 200


def load_exchange_demo(ctx: Any) -> None:
    if GatewayClient.objects.filter(code=CLIENT_CODE).exists():
        ctx.report.append(f"Gateway client {CLIENT_CODE}: registered already")
        return
    admin = User.objects.filter(username="admin").first()
    if admin is None or not User.objects.filter(username=OFFICER).exists():
        return
    client, secret = do_register_gateway_client(
        admin, code=CLIENT_CODE, name="武汉市公安局户籍业务系统", organization=ctx.orgs["wh-gaj"])
    browser = Client(HTTP_HOST=HOST)
    token = token_for(browser, client.application.client_id, secret)
    people = Person.objects.filter(user__username__in=[c[0] for c in CITIZENS])
    reads = sum(_read(browser, token, person) for person in people) if token else 0
    ctx.report.append(
        f"Gateway client {CLIENT_CODE} (武汉市公安局): client_id "
        f"{client.application.client_id}, secret {secret} (demo only; shown once); "
        f"{reads} reads of the demo citizens' records through /gateway/v1/")
