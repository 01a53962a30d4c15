"""The datasets' named permission checks, each tested alone: staff browse, stewards of the owner
and the province level manage and load, everybody else is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from jingchu.lake import permissions
from jingchu.lake.models import Dataset

pytestmark = pytest.mark.django_db


def test_who_may_do_what_with_a_dataset(lake_world):
    users, orgs = lake_world["users"], lake_world["orgs"]
    dataset = Dataset.objects.create(code="hb-gat/x", name="x", owner=orgs["hb-gat"])
    anonymous = AnonymousUser()
    expect = {  # browse, view, register for the owner, manage, load
        "gat": (True, True, True, True, True),
        "dsj": (True, True, True, True, True),
        "admin": (True, True, True, True, True),
        "rst": (True, True, False, False, False),
        "outsider": (True, True, False, False, False),
        "citizen": (False, False, False, False, False),
    }
    for key, wanted in expect.items():
        user = users[key]
        got = (permissions.can_browse_lake(user), permissions.can_view_dataset(user, dataset),
               permissions.can_register_dataset(user, orgs["hb-gat"].pk),
               permissions.can_manage_dataset(user, dataset),
               permissions.can_load_dataset(user, dataset))
        assert got == wanted, key
    assert not permissions.can_browse_lake(anonymous)
    assert not permissions.can_load_dataset(anonymous, dataset)
