import json
from collections import Counter

import pytest

from jingchu.core.demo import demo_file
from jingchu.core.models import AuditEvent
from jingchu.services import eforms
from jingchu.services.choices import MaterialSource, ServiceArea
from jingchu.services.demo import load_service_items
from jingchu.services.models import (
    ItemImplementation,
    ItemVersion,
    MaterialRequirement,
    ServiceItem,
)

pytestmark = pytest.mark.django_db


def test_demo_catalog_loads_and_is_idempotent(demo_orgs):
    assert load_service_items(demo_orgs) >= 40
    state = (ServiceItem.objects.count(), ItemVersion.objects.count(),
             MaterialRequirement.objects.count(), ItemImplementation.objects.count(),
             AuditEvent.objects.count())
    assert state[0] == state[1] >= 40
    load_service_items(demo_orgs)
    assert (ServiceItem.objects.count(), ItemVersion.objects.count(),
            MaterialRequirement.objects.count(), ItemImplementation.objects.count(),
            AuditEvent.objects.count()) == state


def test_demo_catalog_is_broad_and_realistic(demo_orgs):
    load_service_items(demo_orgs)
    implementations = ItemImplementation.objects.select_related("organization__region")
    levels = {i.organization.region.level for i in implementations}
    assert {"province", "city", "county"} <= levels
    departments = {v.competent_department for v in ItemVersion.objects.all()}
    assert len(departments) >= 8
    areas = Counter(i.service_area for i in implementations)
    assert set(areas) == set(ServiceArea.values)
    assert areas[ServiceArea.PROVINCE] >= len(implementations) // 4
    sources = Counter(MaterialRequirement.objects.values_list("source", flat=True))
    assert sources[MaterialSource.LICENSE] >= 20 and sources[MaterialSource.DATA_RESOURCE] >= 10
    for version in ItemVersion.objects.all():
        eforms.check_schema(version.form_schema)
        assert version.promised_days <= version.legal_days
        assert "《" in version.legal_basis
    names = set(ItemVersion.objects.values_list("name", flat=True))
    for wanted in ("个体工商户设立登记", "食品经营许可", "居住证申领", "社会保障卡申领", "生育登记",
                   "建筑工程施工许可", "不动产登记资料查询", "内地居民结婚登记", "失业登记"):
        assert wanted in names


def test_changed_demo_item_is_republished_once(demo_orgs, tmp_path, settings):
    spec = json.loads(demo_file("service_items.json").read_text(encoding="utf-8"))
    spec["items"] = spec["items"][:2]
    (tmp_path / "demo").mkdir()
    target = tmp_path / "demo" / "service_items.json"
    target.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    settings.DATA_DIR = tmp_path
    load_service_items(demo_orgs)
    spec["items"][0]["content"]["legal_days"] = 5
    target.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    load_service_items(demo_orgs)
    load_service_items(demo_orgs)
    item = ServiceItem.objects.get(code=spec["items"][0]["code"])
    assert item.versions.count() == 2
    assert item.versions.get(number=2).legal_days == 5
    assert item.current_version_id == item.versions.get(number=2).pk
    assert ServiceItem.objects.get(code=spec["items"][1]["code"]).versions.count() == 1
