"""Grants and their changes are appended to the public ledger, without personal data."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jingchu.ledger.models import Entry
from jingchu.sharing import actions
from jingchu.sharing.tests.conftest import request_data

pytestmark = pytest.mark.django_db


def test_a_grant_and_its_suspension_are_in_the_ledger(sharing_world: dict[str, Any]) -> None:
    w = sharing_world
    request = actions.do_submit_request(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"],
                                        request_data(["id_number", "name"]))
    grant = actions.do_approve_request(w["users"]["gat"], request)
    actions.do_suspend_grant(w["users"]["gat"], grant, "核查调用异常")
    entries = list(Entry.objects.filter(object_id=str(grant.uid)).order_by("index"))
    assert [e.kind for e in entries] == ["sharing.grant", "sharing.grant_status"]
    created = json.loads(entries[0].payload)
    assert created["resource"] == w["population"].code
    assert created["consumer"] == w["orgs"]["wh-scjg"].uscc
    assert created["fields"] == ["id_number", "name"]
    changed = json.loads(entries[1].payload)
    assert (changed["from"], changed["status"]) == ("active", "suspended")
    assert "核查调用异常" not in entries[1].payload  # reasons stay in the audit trail


def test_a_refused_approval_appends_nothing(sharing_world: dict[str, Any]) -> None:
    w = sharing_world
    request = actions.do_submit_request(w["users"]["wh"], w["orgs"]["wh-scjg"], w["population"],
                                        request_data(["name"]))
    before = Entry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal: an outsider may not approve
        actions.do_approve_request(w["users"]["wh"], request)
    assert Entry.objects.count() == before
