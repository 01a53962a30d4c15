"""The cases API: forms, apply in one call, my applications, tasks, steps; sessions and bearer
tokens; outsiders refused."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone, translation
from oauth2_provider.models import AccessToken, Application

from jingchu.cases.choices import CaseStatus
from jingchu.cases.models import Case, CaseEvent
from jingchu.cases.tests.conftest import implementation
from jingchu.core.models import AuditEvent
from jingchu.identity.models import ClientPolicy, LegalEntity, User
from jingchu.services.models import ItemVersion
from jingchu.services.tests.sample_forms import typed_values

pytestmark = pytest.mark.django_db

TAX_RECORD = "000136002000"  # 开具个人所得税纳税记录: person, 全省通办, licence-sourced material
ENTERPRISE_START = "000172002000"  # 企业开办: needs uploads
URL = "/api/v1/cases/"


def tax_form(user: User) -> dict:
    return {"applicant_name": user.person.name, "id_number": user.person.id_number,
            "phone": "13871234567", "from": "2026-01-01", "to": "2026-06-30", "pledge": True}


def tax_body(user: User, orgs, **extra) -> dict:
    impl = implementation(TAX_RECORD, "hb-sw", orgs)
    return {"service": TAX_RECORD, "implementation": impl.code, "form": tax_form(user)} | extra


def fill(schema: dict) -> dict:
    """Valid JSON values for a demo form (typed, as an API client sends them)."""
    return typed_values(schema)


def enterprise_body(orgs, materials: list) -> dict:
    impl = implementation(ENTERPRISE_START, "wh-scjg", orgs)
    entity = LegalEntity.objects.get()
    version = impl.item.current_version
    assert version is not None
    form = fill(version.form_schema) | {"uscc": entity.uscc}
    return {"service": ENTERPRISE_START, "implementation": impl.code,
            "on_behalf_of": entity.uscc, "form": form, "materials": materials}


def uploads(orgs, content: bytes = b"%PDF-1.4 test", filename: str = "a.pdf") -> list:
    impl = implementation(ENTERPRISE_START, "wh-scjg", orgs)
    version = impl.item.current_version
    assert version is not None
    required = version.materials.filter(source="upload", necessity="required")
    return [{"requirement": str(r.uid), "filename": filename, "content_type": "application/pdf",
             "content_base64": base64.b64encode(content).decode()} for r in required]


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def apply(username: str, orgs, **extra):
    user = User.objects.get(username=username)
    return client_for(username).post(URL, tax_body(user, orgs, **extra),
                                     content_type="application/json")


@pytest.fixture
def submitted(catalog) -> dict:
    response = apply("zhangsan", catalog)
    assert response.status_code == 201, response.content
    return response.json()


def test_service_form_is_public_with_schema_and_materials(catalog):
    response = Client().get(f"{URL}services/{TAX_RECORD}/form")
    assert response.status_code == 200
    body = response.json()
    assert body["form_schema"]["required"] and body["service_url"].endswith(TAX_RECORD)
    assert [m["needs_upload"] for m in body["materials"]] == [False]
    assert len(body["implementations"]) >= 2
    missing = Client().get(f"{URL}services/999999999999/form")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_apply_in_one_call_submits_with_a_number(catalog, submitted):
    assert submitted["status"] == CaseStatus.SUBMITTED and submitted["number"]
    assert submitted["channel"] == "online" and submitted["service_code"] == TAX_RECORD
    assert [e["action"] for e in submitted["events"]] == ["submit"]
    assert [s["name"] for s in submitted["steps"]] == ["withdraw"]
    case = Case.objects.get(uid=submitted["uid"])
    assert case.form_data["pledge"] is True
    assert AuditEvent.objects.filter(object_id=submitted["uid"],
                                     action="cases.case.submit").count() == 1


def test_apply_as_draft_then_update_the_form(catalog):
    created = apply("zhangsan", catalog, submit=False)
    assert created.status_code == 201 and created.json()["status"] == CaseStatus.DRAFT
    uid = created.json()["uid"]
    form = tax_form(User.objects.get(username="zhangsan")) | {"phone": "13907151234"}
    updated = client_for("zhangsan").put(f"{URL}{uid}/form", {"form": form},
                                         content_type="application/json")
    assert updated.status_code == 200 and updated.json()["form"]["phone"] == "13907151234"
    other = client_for("lisi").put(f"{URL}{uid}/form", {"form": form},
                                   content_type="application/json")
    assert other.status_code == 404
    assert Case.objects.get(uid=uid).form_data["phone"] == "13907151234"


def test_a_submitted_form_can_no_longer_change(catalog, submitted):
    form = tax_form(User.objects.get(username="zhangsan")) | {"phone": "13907151234"}
    response = client_for("zhangsan").put(f"{URL}{submitted['uid']}/form", {"form": form},
                                          content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "not_editable"


def test_invalid_form_writes_nothing(catalog):
    response = apply("zhangsan", catalog, form={"applicant_name": "张三", "phone": "12"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form_invalid" and "phone" in body["details"]["errors"]
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="cases.").exists()


def test_several_implementations_need_a_choice(catalog):
    user = User.objects.get(username="zhangsan")
    response = client_for("zhangsan").post(
        URL, {"service": TAX_RECORD, "form": tax_form(user)}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "implementation_required"
    assert len(response.json()["details"]["choices"]) >= 2
    unknown = client_for("zhangsan").post(
        URL, {"service": "nope", "form": {}}, content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["code"] == "service_unknown"


def test_uploads_in_base64_are_attached_and_submitted(catalog):
    response = client_for("wangwu").post(URL, enterprise_body(catalog, uploads(catalog)),
                                         content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == CaseStatus.SUBMITTED and body["on_behalf_of"]
    assert len(body["materials"]) == 3 and {m["size"] for m in body["materials"]} == {13}
    case = Case.objects.get(uid=body["uid"])
    assert all(m.file.storage.exists(m.file.name) for m in case.materials.all())


def test_a_refused_upload_writes_nothing(catalog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bad = uploads(catalog)
    bad[-1]["content_base64"] = base64.b64encode(b"MZ not a pdf").decode()
    response = client_for("wangwu").post(URL, enterprise_body(catalog, bad),
                                         content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "file_type"
    assert not Case.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # no orphan files either
    garbage = uploads(catalog)
    garbage[0]["content_base64"] = "***"
    response = client_for("wangwu").post(URL, enterprise_body(catalog, garbage),
                                         content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "material_invalid"


def test_missing_uploads_fail_the_precheck(catalog):
    response = client_for("wangwu").post(URL, enterprise_body(catalog, []),
                                         content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "precheck_failed"
    assert not Case.objects.exists()


def test_anonymous_is_refused_everywhere(catalog, submitted):
    anonymous = Client()
    uid = submitted["uid"]
    for method, path in [("get", URL), ("post", URL), ("get", f"{URL}tasks"),
                         ("get", f"{URL}{uid}"), ("put", f"{URL}{uid}/form"),
                         ("post", f"{URL}{uid}/transitions")]:
        response = getattr(anonymous, method)(path, {}, content_type="application/json")
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "not_authenticated"


def test_staff_cannot_apply_and_citizens_have_no_task_list(catalog):
    zhangsan = User.objects.get(username="zhangsan")
    response = client_for("clerk_wuhan").post(URL, tax_body(zhangsan, catalog),
                                              content_type="application/json")
    assert response.status_code == 403
    assert client_for("clerk_wuhan").get(URL).status_code == 403
    assert client_for("zhangsan").get(f"{URL}tasks").status_code == 403


def test_only_mine_and_my_enterprises(catalog, submitted):
    wangwu = User.objects.get(username="wangwu")
    entity = LegalEntity.objects.get()
    for_entity = client_for("wangwu").post(
        URL, enterprise_body(catalog, []) | {"submit": False}, content_type="application/json")
    assert for_entity.status_code == 201, for_entity.content
    mine = client_for("zhangsan").get(URL).json()
    assert [c["uid"] for c in mine["items"]] == [submitted["uid"]] and mine["count"] == 1
    agent = client_for("lisi").get(URL).json()  # lisi is the enterprise's authorized agent
    assert [c["uid"] for c in agent["items"]] == [for_entity.json()["uid"]]
    assert agent["items"][0]["on_behalf_of"] == entity.uscc
    assert client_for("lisi").get(f"{URL}{submitted['uid']}").status_code == 404
    assert client_for("zhangsan").get(f"{URL}{for_entity.json()['uid']}").status_code == 404
    own = client_for("wangwu").get(f"{URL}{for_entity.json()['uid']}")
    assert own.status_code == 200 and own.json()["applicant_name"] == wangwu.person.name
    drafts = client_for("zhangsan").get(URL, {"status": "draft"}).json()
    assert drafts["count"] == 0


def test_clerk_task_list_and_completing_a_task(catalog, submitted):
    clerk = client_for("clerk_wuhan")
    listed = clerk.get(f"{URL}tasks")
    assert listed.status_code == 200
    task = next(t for t in listed.json()["items"] if t["uid"] == submitted["uid"])
    assert {s["name"] for s in task["steps"]} == {"accept", "refuse", "request_correction"}
    path = f"{URL}{submitted['uid']}/transitions"
    no_reason = clerk.post(path, {"transition": "refuse"}, content_type="application/json")
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    accepted = clerk.post(path, {"transition": "accept"}, content_type="application/json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == CaseStatus.ACCEPTED and accepted.json()["deadline"]
    again = clerk.post(path, {"transition": "accept"}, content_type="application/json")
    assert again.status_code == 409
    assert submitted["uid"] not in [t["uid"] for t in clerk.get(f"{URL}tasks").json()["items"]]


def test_outsiders_cannot_take_steps(catalog, submitted):
    path = f"{URL}{submitted['uid']}/transitions"
    applicant = client_for("zhangsan").post(path, {"transition": "accept"},
                                            content_type="application/json")
    assert applicant.status_code == 403
    stranger = client_for("lisi").post(path, {"transition": "withdraw"},
                                       content_type="application/json")
    assert stranger.status_code == 404
    reviewer = client_for("reviewer_amr").post(path, {"transition": "accept"},
                                               content_type="application/json")
    assert reviewer.status_code == 404  # not their organization's case: not even visible
    unknown = client_for("zhangsan").post(path, {"transition": "teleport"},
                                          content_type="application/json")
    assert unknown.status_code == 422
    assert Case.objects.get(uid=submitted["uid"]).status == CaseStatus.SUBMITTED
    withdrawn = client_for("zhangsan").post(path, {"transition": "withdraw"},
                                            content_type="application/json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == CaseStatus.WITHDRAWN


def _token(user: User | None, *, scope: str = "openid profile", minutes: int = 30,
           disabled: bool = False) -> str:
    app = Application.objects.create(
        name="部门系统", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://dept.example.cn/cb", algorithm=Application.RS256_ALGORITHM)
    ClientPolicy.objects.create(application=app, allowed_scopes="openid profile",
                                disabled_at=timezone.now() if disabled else None)
    raw = f"tok-{app.pk}-{scope.replace(' ', '-')}-{minutes}"
    AccessToken.objects.create(user=user, application=app, token=raw, scope=scope,
                               expires=timezone.now() + dt.timedelta(minutes=minutes))
    return raw


def test_bearer_token_from_the_provider_works(catalog):
    zhangsan = User.objects.get(username="zhangsan")
    raw = _token(zhangsan)
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    created = bearer.post(URL, tax_body(zhangsan, catalog), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["channel"] == "api"
    listed = bearer.get(URL)
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert Case.objects.get().created_by == zhangsan


@pytest.mark.parametrize("kind", ["expired", "no_scope", "disabled", "no_user", "unknown"])
def test_bad_bearer_tokens_are_refused(catalog, kind):
    zhangsan = User.objects.get(username="zhangsan")
    raw = {
        "expired": lambda: _token(zhangsan, minutes=-1),
        "no_scope": lambda: _token(zhangsan, scope="profile"),
        "disabled": lambda: _token(zhangsan, disabled=True),
        "no_user": lambda: _token(None),
        "unknown": lambda: "not-a-token",
    }[kind]()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(URL)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_case_keeps_its_version_in_the_api(catalog, submitted):
    case = Case.objects.get(uid=submitted["uid"])
    read = client_for("zhangsan").get(f"{URL}{submitted['uid']}").json()
    assert read["version_uid"] == str(case.version.uid)
    assert ItemVersion.objects.filter(uid=read["version_uid"]).exists()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_json_does_not_have_are_refused(catalog, number):
    zhangsan = User.objects.get(username="zhangsan")
    body = json.dumps(tax_body(zhangsan, catalog)).replace('"pledge": true',
                                                           f'"pledge": true, "extra": {number}')
    assert number in body
    response = client_for("zhangsan").post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_json"
    assert not Case.objects.exists()
    with translation.override("zh-hans"):
        answer = client_for("zhangsan").post(URL, body, content_type="application/json")
    assert answer.json()["message"] == "请求正文不是有效的 JSON。"


def test_case_states_read_as_states_in_chinese():
    with translation.override("zh-hans"):
        assert str(CaseStatus.SUBMITTED.label) == "已提交"
        assert str(CaseStatus.ACCEPTED.label) == "已受理"
        assert str(translation.gettext("Submitted")) == "提交时间"  # the column header stays
