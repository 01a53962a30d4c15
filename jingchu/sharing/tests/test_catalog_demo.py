"""The demo catalog: realistic resources, lists, requests in each state, the grants the gateway
demo needs; loading it twice writes nothing more."""

from __future__ import annotations

import pytest

from jingchu.core.demo import DemoContext
from jingchu.core.models import AuditEvent
from jingchu.sharing.choices import GrantStatus, RequestStatus
from jingchu.sharing.demo_catalog import load_catalog_demo
from jingchu.sharing.models import DataResource, Grant, ListEntry, ShareRequest

pytestmark = pytest.mark.django_db

POPULATION = ["id_number", "name", "gender", "birth_date", "ethnicity", "region_code",
              "address", "phone", "marital_status", "education"]
ENTITIES = ["uscc", "name", "kind", "legal_representative", "registered_capital",
            "established_on", "region_code", "address", "business_scope", "status",
            "authority"]


def counts():
    return tuple(m.objects.count() for m in (DataResource, ListEntry, ShareRequest, Grant,
                                             AuditEvent))


def test_demo_catalog(demo_orgs, mount_tables):
    ctx = DemoContext(orgs=demo_orgs)
    load_catalog_demo(ctx)
    assert DataResource.objects.count() >= 12
    assert DataResource.objects.values("owner").distinct().count() >= 6
    population = DataResource.objects.get(code="HB-GA-HJ-001")
    entities = DataResource.objects.get(code="HB-SC-FR-001")
    assert list(population.fields.values_list("name", flat=True)) == POPULATION
    assert list(entities.fields.values_list("name", flat=True)) == ENTITIES
    assert (population.mount_kind, population.mount_target, population.key_field,
            population.subject_kind) == ("table", "population", "id_number", "person")
    assert (entities.mount_target, entities.key_field) == ("legal_entities", "uscc")
    assert population.fields.get(name="phone").mask == "phone"
    for consumer in ("wh-scjg", "wh-gaj"):
        for resource in (population, entities):
            assert Grant.objects.filter(consumer=demo_orgs[consumer], resource=resource,
                                        status=GrantStatus.ACTIVE).exists()
    states = set(ShareRequest.objects.values_list("status", flat=True))
    assert states == set(RequestStatus.values)
    assert ListEntry.objects.filter(kind="negative").count() == 1
    before = counts()
    load_catalog_demo(DemoContext(orgs=demo_orgs))
    assert counts() == before
