import pytest

from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent
from jingchu.services import actions
from jingchu.services.models import (
    ItemImplementation,
    ItemVersion,
    MaterialRequirement,
    ServiceItem,
)

pytestmark = pytest.mark.django_db
CODE = "000172001000"


def counts():
    return (ServiceItem.objects.count(), ItemVersion.objects.count(),
            MaterialRequirement.objects.count(), AuditEvent.objects.count())


def test_first_publication_creates_version_1(content, materials):
    version = actions.do_publish_item(None, code=CODE, content=content, materials=materials)
    item = ServiceItem.objects.get(code=CODE)
    assert version.number == 1
    assert item.current_version == version
    assert [m.name for m in version.materials.all()] == [m["name"] for m in materials]
    assert version.topic_index == "|starting_business|"
    event = AuditEvent.objects.get(action="services.item.publish")
    assert event.object_id == str(item.uid)
    assert event.details["version"] == 1


def test_second_publication_creates_version_2_and_keeps_version_1(content, materials):
    v1 = actions.do_publish_item(None, code=CODE, content=content, materials=materials)
    v1_materials = list(v1.materials.values_list("name", "source"))
    content.update(name="个体工商户设立登记（新）", promised_days=1)
    v2 = actions.do_publish_item(None, code=CODE, content=content, materials=materials[:2],
                                 change_note="减材料")
    assert v2.number == 2
    assert ServiceItem.objects.get(code=CODE).current_version == v2
    old = ItemVersion.objects.get(pk=v1.pk)
    assert (old.name, old.promised_days) == ("个体工商户设立登记", 3)
    assert list(old.materials.values_list("name", "source")) == v1_materials
    assert v2.materials.count() == 2
    assert AuditEvent.objects.filter(action="services.item.publish").count() == 2


def test_unchanged_content_is_refused(content, materials):
    actions.do_publish_item(None, code=CODE, content=content, materials=materials)
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_publish_item(None, code=CODE, content=content, materials=materials)
    assert exc.value.code == "no_change"
    assert counts() == before


def _break(content, materials, how):
    if how == "promised_over_legal":
        content["promised_days"] = content["legal_days"] + 1
    elif how == "unknown_item_type":
        content["item_type"] = "99"
    elif how == "bad_form_schema":
        content["form_schema"] = {"type": "object", "properties": {"x": {"type": "array"}}}
    elif how == "conditional_without_condition":
        materials.append({"name": "结婚证", "necessity": "conditional"})
    elif how == "licence_without_type":
        materials.append({"name": "营业执照", "source": "license"})
    elif how == "unknown_topic":
        content["topics"] = ["holidays"]
    elif how == "negative_fee":
        content["fee"] = "-1"
    elif how == "fee_without_basis":
        content.update(fee="20", fee_basis="")
    elif how == "on_the_spot_with_days":
        content["case_kind"] = "on_the_spot"
    elif how == "unknown_eligibility":
        content["eligibility"] = {"min_agee": 16}
    elif how == "name_too_long":
        content["name"] = "长" * 201
    elif how == "days_not_integer":
        content["legal_days"] = "15"


@pytest.mark.parametrize("how", [
    "promised_over_legal", "unknown_item_type", "bad_form_schema",
    "conditional_without_condition", "licence_without_type", "unknown_topic", "negative_fee",
    "fee_without_basis", "on_the_spot_with_days", "unknown_eligibility", "name_too_long",
    "days_not_integer",
])
@pytest.mark.parametrize("existing", [False, True])
def test_bad_input_is_refused_and_writes_nothing(content, materials, how, existing):
    if existing:
        actions.do_publish_item(None, code=CODE, content=dict(content), materials=materials)
        content["name"] = "改名"  # a real change, so only the broken part can refuse it
    _break(content, materials, how)
    before = counts()
    with pytest.raises(ActionError) as exc:
        actions.do_publish_item(None, code=CODE, content=content, materials=materials)
    assert exc.value.code == "invalid_item"
    assert exc.value.details["field"]
    assert counts() == before


def test_same_content_sees_material_and_field_changes(content, materials):
    version = actions.do_publish_item(None, code=CODE, content=content, materials=materials)
    assert actions.same_content(version, content, materials)
    assert not actions.same_content(version, content | {"keywords": ""}, materials)
    assert not actions.same_content(version, content, materials[:-1])
    changed = [dict(m) for m in materials]
    changed[2]["copies"] = 2
    assert not actions.same_content(version, content, changed)


def test_implementation_upsert_is_idempotent_and_audited(content, materials, demo_orgs):
    version = actions.do_publish_item(None, code=CODE, content=content, materials=materials)
    org = demo_orgs["wh-scjg"]
    kwargs = {"item": version.item, "organization": org, "code": "IMPL-1",
              "service_area": "province", "address": "武汉市民之家"}
    impl = actions.do_upsert_implementation(None, **kwargs)
    events = AuditEvent.objects.filter(action__startswith="services.implementation").count()
    assert actions.do_upsert_implementation(None, **kwargs) == impl
    assert AuditEvent.objects.filter(
        action__startswith="services.implementation").count() == events == 1
    actions.do_upsert_implementation(None, **(kwargs | {"service_area": "city"}))
    assert ItemImplementation.objects.get(pk=impl.pk).service_area == "city"


@pytest.mark.parametrize("bad", [
    {"service_area": "country"}, {"promised_days": 99}, {"code": ""}, {"code": "TAKEN"},
])
def test_bad_implementation_is_refused(content, materials, demo_orgs, bad):
    version = actions.do_publish_item(None, code=CODE, content=content, materials=materials)
    actions.do_upsert_implementation(None, item=version.item, organization=demo_orgs["yc-scjg"],
                                     code="TAKEN", service_area="city")
    before = (ItemImplementation.objects.count(), AuditEvent.objects.count())
    kwargs = {"item": version.item, "organization": demo_orgs["wh-scjg"], "code": "IMPL-1",
              "service_area": "province"} | bad
    with pytest.raises(ActionError):
        actions.do_upsert_implementation(None, **kwargs)
    assert (ItemImplementation.objects.count(), AuditEvent.objects.count()) == before
