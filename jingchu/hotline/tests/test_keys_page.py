"""The supervisors' page of Open311 keys: a key is shown once, works, and can be revoked."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jingchu.core.models import AuditEvent
from jingchu.hotline.actions import open311_keys
from jingchu.hotline.models import Open311Key

pytestmark = pytest.mark.django_db


def test_supervisor_makes_and_revokes_a_key(client: Any, hotline_world: dict[str, Any]) -> None:
    client.force_login(hotline_world["users"]["supervisor"])
    url = reverse("hotline:keys")
    assert client.get(url).status_code == 200
    made = client.post(url, {"centre": hotline_world["centre"].pk, "name": "区网格化平台"})
    assert made.status_code == 200
    raw = made.context["raw_key"]
    key = Open311Key.objects.get()
    assert raw and raw in made.content.decode()
    assert key.key_hash != raw and raw not in key.key_hash
    assert open311_keys.do_use_key(raw) == key
    # shown once: the list page does not show it again
    assert raw not in client.get(url).content.decode()
    revoked = client.post(reverse("hotline:revoke_key", args=[key.uid]))
    assert revoked.status_code == 302
    key.refresh_from_db()
    assert not key.is_active
    assert AuditEvent.objects.filter(action="hotline.open311_key.revoke").count() == 1


def test_a_blank_name_is_refused_on_the_form(client: Any,
                                             hotline_world: dict[str, Any]) -> None:
    client.force_login(hotline_world["users"]["supervisor"])
    refused = client.post(reverse("hotline:keys"),
                          {"centre": hotline_world["centre"].pk, "name": " "})
    assert refused.status_code == 400
    assert not Open311Key.objects.exists()


@pytest.mark.parametrize("name", ["operator", "amr_approver", "outsider", "citizen"])
def test_others_may_not_manage_keys(client: Any, hotline_world: dict[str, Any],
                                    name: str) -> None:
    client.force_login(hotline_world["users"][name])
    assert client.get(reverse("hotline:keys")).status_code == 403
    assert client.post(reverse("hotline:keys"), {"centre": hotline_world["centre"].pk,
                                                 "name": "x"}).status_code == 403
    assert not Open311Key.objects.exists()
