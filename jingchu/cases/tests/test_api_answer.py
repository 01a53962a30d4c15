"""The one-call submission's answer, built from what was written, and its request body: the
same as the case read back, and checked as strictly as before."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.http import HttpRequest
from django.utils import translation

from jingchu.api import api
from jingchu.cases import actions, precheck
from jingchu.cases import api as cases_api
from jingchu.cases.api import STATUS_LABELS, status_label
from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.models import Case
from jingchu.cases.schemas import CaseOut
from jingchu.cases.tests.conftest import implementation
from jingchu.cases.tests.test_api import (
    ENTERPRISE_START,
    TAX_RECORD,
    URL,
    apply,
    client_for,
    fill,
    tax_body,
    tax_form,
)
from jingchu.identity.models import LegalEntity, User
from jingchu.services.models import ItemVersion

pytestmark = pytest.mark.django_db


def test_the_answer_is_the_case_as_read_back(catalog):
    answer = apply("zhangsan", catalog)
    assert answer.status_code == 201
    submitted = answer.json()
    read = client_for("zhangsan").get(f"{URL}{submitted['uid']}")
    assert read.status_code == 200
    assert read.json() == submitted
    assert submitted["status_label"] == str(Case(status=CaseStatus.SUBMITTED)
                                            .get_status_display())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_status_labels_are_the_models_own(language):
    with translation.override(language):
        for status in CaseStatus:
            assert str(STATUS_LABELS[status]) == Case(status=status).get_status_display()


def test_a_kept_label_is_kept_per_language():
    for language in ("zh-hans", "en", "zh-hans"):  # kept after the first, never across languages
        with translation.override(language):
            for status in CaseStatus:
                assert status_label(status) == Case(status=status).get_status_display()


@pytest.mark.parametrize("change", [
    {"service": None},
    {"service": "0" * 41},
    {"implementation": "x" * 61},
    {"on_behalf_of": "9" * 19},
    {"form": "not an object"},
    {"submit": "perhaps"},
    {"materials": [{"filename": "a.pdf"}]},  # no requirement
    {"materials": [{"requirement": "x", "filename": "a" * 201}]},
    {"materials": [{"requirement": "x"}] * 51},
])
def test_a_malformed_application_is_refused_and_writes_nothing(catalog, change):
    user = User.objects.get(username="zhangsan")
    body = {k: v for k, v in (tax_body(user, catalog) | change).items() if v is not None}
    response = client_for("zhangsan").post(URL, body, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert not Case.objects.exists()


def test_a_submissions_answer_is_what_ninja_sends_after_validating_it(catalog, monkeypatch):
    # The one-call submission answers its dict without ninja's second pass; the bytes must be
    # those ninja sends after validating the same dict as CaseOut (keys, order, formats).
    seen: list[dict] = []
    real = cases_api._created

    def spy(request: HttpRequest, data: dict) -> Any:
        seen.append(data)
        return real(request, data)

    monkeypatch.setattr(cases_api, "_created", spy)
    answer = apply("zhangsan", catalog)
    assert answer.status_code == 201 and len(seen) == 1
    validated = CaseOut.model_validate(seen[0]).model_dump()
    rendered = api.renderer.render(HttpRequest(), validated, response_status=201)
    assert answer.content == rendered
    assert answer["Content-Type"] == "application/json; charset=utf-8"


def _both_answers(user: User, submission: Any, language: str | None) -> tuple[dict, dict]:
    made = cases_api._submitted_out(user, submission, language)
    read = cases_api._case_out(user, submission.case, submission.events, [], submission.today,
                               language)
    return made, read


@pytest.mark.parametrize("language", [None, "en"])
@pytest.mark.parametrize("for_entity", [False, True])
def test_a_new_submissions_answer_is_the_one_read_through_the_case(catalog, monkeypatch,
                                                                   language, for_entity):
    # `_submitted_out` takes the implementation, version, applicant and entity from the caller
    # and keeps what the implementation fixes; `_case_out` reads every one through the case.
    user = User.objects.select_related("person").get(username="wangwu")
    if for_entity:  # the enterprise item's uploads are not the point here
        monkeypatch.setattr(precheck, "material_problems", lambda *args: [])
        impl = implementation(ENTERPRISE_START, "wh-scjg", catalog)
        entity, version = LegalEntity.objects.get(), impl.item.current_version
        assert version is not None
        form = fill(version.form_schema) | {"uscc": entity.uscc}
    else:
        impl, entity, form = implementation(TAX_RECORD, "hb-sw", catalog), None, tax_form(user)
    submission = actions.do_submit_application(user, implementation=impl,
                                               applicant=user.person, form=form,
                                               on_behalf_of=entity, channel=Channel.API)
    made, read = _both_answers(user, submission, language)
    assert list(made) == list(CaseOut.model_fields)  # CaseOut's order, which ninja sends
    assert made == read
    assert (made["on_behalf_of"], made["on_behalf_of_name"]) == (
        (entity.uscc, entity.name) if entity else (None, None))
    assert made["channel"] == Channel.API and made["events"][0]["action"] == "submit"


def test_a_kept_answer_part_follows_the_version(catalog):
    # The implementation object keeps its part per version: a submission against a version
    # published later (on the same object) answers with that version, not the kept one.
    user = User.objects.select_related("person").get(username="zhangsan")
    impl = implementation(TAX_RECORD, "hb-sw", catalog)
    first = actions.do_submit_application(user, implementation=impl, applicant=user.person,
                                          form=tax_form(user))
    assert _both_answers(user, first, None)[0]["version"] == first.version.number
    later = ItemVersion.objects.get(pk=first.version.pk)
    later.pk, later.uid, later.number, later.name = None, uuid.uuid4(), 2, "新版本名称"
    later.save()
    impl.item.current_version = later
    second = actions.do_submit_application(user, implementation=impl, applicant=user.person,
                                           form=tax_form(user))
    made, read = _both_answers(user, second, None)
    assert made == read
    assert (made["version"], made["service_name"]) == (2, "新版本名称")
